import { app, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { APP_VERSION_CHANNEL } from '../../preload/desktop-api';
import { isAppUrl } from '../app-url';

/** Answers only frames showing the app itself, so a page that got into some frame learns nothing. */
export function registerAppInfoIpc(appUrl: string): void {
  ipcMain.handle(APP_VERSION_CHANNEL, (event: IpcMainInvokeEvent) => {
    assertAppSender(event, appUrl);
    return app.getVersion();
  });
}

export function assertAppSender(event: IpcMainInvokeEvent, appUrl: string): void {
  const frameUrl = event.senderFrame?.url;
  if (frameUrl === undefined || !isAppUrl(frameUrl, appUrl)) {
    throw new Error('IPC refused: the sender is not the Nightshift app');
  }
}
