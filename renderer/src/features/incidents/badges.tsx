import { humanize } from './vocabulary';

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge severity-${severity}`}>{humanize(severity)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-badge status-${status}`}>{humanize(status)}</span>;
}
