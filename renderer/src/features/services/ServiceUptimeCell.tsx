import { UptimeBar } from '../../components/UptimeBar';
import { useServiceUptime } from './queries';

/** Fetched per row as it scrolls into view: the table is virtualized, so only visible rows ask. */
export function ServiceUptimeCell({ id }: { id: string }) {
  const uptime = useServiceUptime(id);
  if (uptime.error) return <span className="muted">Uptime unavailable</span>;
  const data = uptime.data;
  return (
    <div className="uptime-stack" aria-busy={!data}>
      <UptimeBar label="24 hours" percent={data?.uptime_24h ?? null} />
      <UptimeBar label="7 days" percent={data?.uptime_7d ?? null} />
      <UptimeBar label="30 days" percent={data?.uptime_30d ?? null} />
    </div>
  );
}
