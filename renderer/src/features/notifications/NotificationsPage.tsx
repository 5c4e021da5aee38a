import { useEffect, useState } from 'react';
import { desktop } from '../../lib/desktop';
import { desktopNotificationsAvailable } from './desktop-notifications';
import { NotificationRules } from './NotificationRules';

/** The desktop's opt-in for native notifications (a browser has none to offer), and my notification rules. */
export function NotificationsPage() {
  return (
    <>
      <DesktopOptIn />
      <NotificationRules />
    </>
  );
}

function DesktopOptIn() {
  const available = desktopNotificationsAvailable();
  const [enabled, setEnabled] = useState<boolean | null>(null);

  useEffect(() => {
    if (available) void desktop!.notificationsEnabled!().then(setEnabled);
  }, [available]);

  if (!available) {
    return (
      <section aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">Notifications</h2>
        <p>Native notifications come with the Nightshift desktop app. In a browser, keep this tab open: the console updates live.</p>
      </section>
    );
  }

  const change = async (next: boolean) => {
    await desktop!.setNotificationsEnabled!(next);
    setEnabled(next);
  };

  return (
    <section aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <label className="check">
        <input type="checkbox" checked={enabled ?? false} disabled={enabled === null} onChange={(e) => void change(e.target.checked)} />
        <span>Notify me on this computer when a critical incident opens</span>
      </label>
    </section>
  );
}
