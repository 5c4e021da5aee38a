import { desktop } from '../../lib/desktop';
import { useLiveEvent } from '../live/live';

interface CreatedIncident {
  title?: string;
  severity?: string;
}

/**
 * In the desktop shell, a new incident raises a native notification. Main shows it only when the
 * person opted in (Settings → Notifications), so the console can always ask.
 */
export function useIncidentNotifications(): void {
  useLiveEvent('incidents', (event) => {
    if (event.event !== 'incident.created' || typeof desktop?.notify !== 'function') return;
    const incident = (event.data ?? {}) as CreatedIncident;
    void desktop.notify({
      title: `New ${incident.severity ?? ''} incident`.replace(/\s+/g, ' ').slice(0, 200),
      body: (incident.title ?? 'An incident was opened').slice(0, 2000),
    });
  });
}

export const desktopNotificationsAvailable = (): boolean =>
  typeof desktop?.notificationsEnabled === 'function' && typeof desktop.setNotificationsEnabled === 'function';
