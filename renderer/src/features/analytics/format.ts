/** A duration as a person reads it: "45s", "12m 5s", "3h 20m", "2d 4h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** The unit a chart of durations reads best in, from its largest value. */
export function durationUnit(maxSeconds: number): { label: string; seconds: number } {
  if (maxSeconds >= 2 * 86_400) return { label: 'days', seconds: 86_400 };
  if (maxSeconds >= 2 * 3_600) return { label: 'hours', seconds: 3_600 };
  if (maxSeconds >= 120) return { label: 'minutes', seconds: 60 };
  return { label: 'seconds', seconds: 1 };
}

/** Periods are UTC days or weeks; their label is the UTC date they start on. */
export const periodLabel = (periodStart: string) => periodStart.slice(0, 10);
