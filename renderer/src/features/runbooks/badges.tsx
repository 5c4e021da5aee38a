import { humanize } from '../incidents/vocabulary';
import type { ExecutionStatus, StepStatus } from './model';
import type { ExecutionProgress } from './types';

const STEP_ICONS: Record<StepStatus, string> = { pending: '○', running: '◐', succeeded: '✓', failed: '✗', skipped: '↷', interrupted: '!' };

export function StepStatusBadge({ status }: { status: StepStatus }) {
  return (
    <span className={`badge step-status step-status-${status}`}>
      <span aria-hidden="true">{STEP_ICONS[status]}</span> {humanize(status)}
    </span>
  );
}

/** The incident detail lists executions with a plain-string status; any word shows. */
export function ExecutionStatusBadge({ status }: { status: ExecutionStatus | (string & {}) }) {
  return <span className={`badge execution-status execution-status-${status}`}>{humanize(status)}</span>;
}

/** "3 of 5 done, 1 failed": what is left, in words. */
export function progressText(progress: ExecutionProgress): string {
  const done = progress.succeeded + progress.skipped;
  const parts = [`${done} of ${progress.total} done`];
  if (progress.running) parts.push(`${progress.running} running`);
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.interrupted) parts.push(`${progress.interrupted} interrupted`);
  return parts.join(', ');
}

export function ProgressText({ progress }: { progress: ExecutionProgress }) {
  const done = progress.succeeded + progress.skipped;
  return (
    <span className="progress-text">
      <progress max={progress.total || 1} value={done} aria-hidden="true" /> {progressText(progress)}
    </span>
  );
}
