import { useLiveStatus, type LiveStatus } from './live';

const WORDS: Record<LiveStatus, { label: string; short: string }> = {
  idle: { label: 'off', short: 'Offline' },
  connecting: { label: 'connecting', short: 'Connecting…' },
  connected: { label: 'connected', short: 'Live' },
  reconnecting: { label: 'reconnecting', short: 'Reconnecting…' },
};

/** Whether the console is receiving live updates; a status region, so changes are announced. */
export function LiveStatusIndicator() {
  const status = useLiveStatus();
  const words = WORDS[status];
  return (
    <span role="status" className={`live-status live-${status}`} aria-label={`Live updates: ${words.label}`} title={`Live updates: ${words.label}`}>
      <span className="live-dot" aria-hidden="true" />
      <span aria-hidden="true">{words.short}</span>
    </span>
  );
}
