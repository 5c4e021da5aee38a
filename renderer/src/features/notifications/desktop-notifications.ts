import { useEffect, useRef } from 'react';
import { desktop } from '../../lib/desktop';
import { useLiveEvent } from '../live/live';
import { noticeFor, NoticeThrottle, shouldNotify, type CreatedIncident } from './notify-rule';

/**
 * In the desktop shell, a new critical incident raises a native notification. Main shows it only when
 * the person opted in (Settings → Notifications), so the console can always ask.
 */
export function useIncidentNotifications(): void {
  const throttle = useRef<NoticeThrottle | null>(null);
  useEffect(() => {
    const notify = desktop?.notify;
    if (typeof notify !== 'function') return;
    const current = new NoticeThrottle((notice) => void notify(notice));
    throttle.current = current;
    return () => {
      current.dispose();
      throttle.current = null;
    };
  }, []);
  useLiveEvent('incidents', (event) => {
    if (shouldNotify(event)) throttle.current?.push(noticeFor((event.data ?? {}) as CreatedIncident));
  });
}

export const desktopNotificationsAvailable = (): boolean =>
  typeof desktop?.notificationsEnabled === 'function' && typeof desktop.setNotificationsEnabled === 'function';
