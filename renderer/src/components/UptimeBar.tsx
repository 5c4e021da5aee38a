import './UptimeBar.css';

/** Below this the bar turns from healthy to degraded; below the next, to failing. */
const GOOD = 99.9;
const FAIR = 99;

export function uptimeTone(percent: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (percent === null) return 'none';
  return percent >= GOOD ? 'good' : percent >= FAIR ? 'fair' : 'poor';
}

export const formatPercent = (percent: number | null) => (percent === null ? '—' : `${percent.toFixed(percent === 100 ? 0 : 2)}%`);

/** One uptime figure as a labelled meter (e.g. "24 hours: 99.97%"). */
export function UptimeBar({ label, percent }: { label: string; percent: number | null }) {
  const tone = uptimeTone(percent);
  return (
    <div className={`uptime uptime-${tone}`}>
      <span className="uptime-label">{label}</span>
      <div
        className="uptime-track"
        role="meter"
        aria-label={`Uptime, ${label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={formatPercent(percent)}
      >
        <div className="uptime-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <span className="uptime-value">{formatPercent(percent)}</span>
    </div>
  );
}
