import { safeUrl } from '../../components/Markdown';
import { formatDateTime } from '../../lib/format';
import { SeverityBadge } from './badges';
import type { IncidentAlert } from './queries';

/** The alerts grouped into this incident, each with its own state at the source. */
export function AlertList({ alerts }: { alerts: IncidentAlert[] }) {
  if (alerts.length === 0) return <p className="muted">No alerts: this incident was opened by hand.</p>;
  const firing = alerts.filter((alert) => alert.status === 'firing').length;
  return (
    <>
      <p className="muted">
        {firing} of {alerts.length} firing.
      </p>
      <ul className="alert-list" aria-label="Alerts">
        {alerts.map((alert) => (
          <li key={alert.id} className={`alert-item alert-${alert.status}`}>
            <div className="alert-head">
              <span className={`badge alert-status-${alert.status}`}>{alert.status === 'firing' ? 'Firing' : 'Resolved'}</span>
              <SeverityBadge severity={alert.severity} />
              <strong>{alert.title}</strong>
              <span className="muted">from {alert.source}</span>
            </div>
            <p className="muted alert-times">
              Started {formatDateTime(alert.starts_at ?? alert.received_at)}
              {alert.ends_at ? ` · ended ${formatDateTime(alert.ends_at)}` : ''}
            </p>
            {Object.keys(alert.labels).length ? (
              <p className="alert-labels">
                {Object.entries(alert.labels).map(([name, value]) => (
                  <code key={name} className="tag">
                    {name}={value}
                  </code>
                ))}
              </p>
            ) : null}
            {alert.links.length ? (
              <p className="alert-links">
                {alert.links.map((link) => {
                  const href = safeUrl(link.href);
                  return href ? (
                    <a key={link.href} href={href} target="_blank" rel="noopener noreferrer nofollow">
                      {link.text || href}
                    </a>
                  ) : null;
                })}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
