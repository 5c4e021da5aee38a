import { Notification } from 'electron';
import { CHANNELS, type DesktopNotification } from '../../preload/desktop-api';
import type { DesktopSettings } from '../desktop-settings';
import { expectBoolean, expectRecord, expectString } from './arguments';
import { handleFromApp } from './guard';

export function parseNotification(value: unknown): DesktopNotification {
  const notification = expectRecord(value, 'notification', ['title', 'body']);
  return { title: expectString(notification.title, 'title', 200), body: expectString(notification.body, 'body', 2000) };
}

// A notification nobody references may be collected before its click arrives.
const showing = new Set<Notification>();

/** Native notifications only after the person opted in; the page asks, the stored choice decides. */
export function registerNotificationsIpc(appUrl: string, settings: DesktopSettings, onClick: () => void): void {
  handleFromApp(CHANNELS.notify, appUrl, (_event, value) => {
    const { title, body } = parseNotification(value);
    if (!settings.get().notificationsEnabled || !Notification.isSupported()) return false;
    const notification = new Notification({ title, body });
    showing.add(notification);
    notification.on('click', onClick);
    notification.on('close', () => showing.delete(notification));
    notification.show();
    return true;
  });
  handleFromApp(CHANNELS.notificationsEnabled, appUrl, () => settings.get().notificationsEnabled);
  handleFromApp(CHANNELS.setNotificationsEnabled, appUrl, async (_event, enabled) => {
    await settings.update({ notificationsEnabled: expectBoolean(enabled, 'enabled') });
  });
}
