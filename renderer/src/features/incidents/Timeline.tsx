import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import type { TimelineEntry } from './queries';

const KIND_LABELS: Record<string, string> = {
  created: 'Opened',
  update: 'Update',
  status_changed: 'Status',
  severity_changed: 'Severity',
  assignee_changed: 'Assignee',
  edited: 'Edited',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  reopened: 'Re-opened',
  postmortem: 'Postmortem',
  services_changed: 'Services',
  alert_firing: 'Alert firing',
  alert_resolved: 'Alert resolved',
  note: 'Note',
  execution_started: 'Runbook started',
  execution_step: 'Runbook step',
  execution_finished: 'Runbook finished',
};

export const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

/** Who did it: a person by name, else the alert source or the system. */
function actorOf(entry: TimelineEntry): string {
  if (entry.actor) return entry.actor;
  const source = entry.data['source'];
  if (typeof source === 'string' && source) return source;
  return entry.kind.startsWith('alert_') ? 'alert source' : 'Nightshift';
}

/** The incident's story, oldest first, as an ordered list a screen reader walks entry by entry. */
export function Timeline({ entries, total }: { entries: TimelineEntry[]; total: number }) {
  return (
    <>
      {total > entries.length ? (
        <p className="muted">
          Showing the newest {entries.length.toLocaleString()} of {total.toLocaleString()} entries.
        </p>
      ) : null}
      <ol className="timeline" aria-label="Timeline">
        {entries.map((entry) => (
          <li key={entry.id} className={`timeline-entry timeline-${entry.kind}`} data-kind={entry.kind}>
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-head">
              <span className="timeline-kind">{kindLabel(entry.kind)}</span>
              <span className="timeline-actor">{actorOf(entry)}</span>
              {entry.visibility === 'internal' && (entry.kind === 'update' || entry.kind === 'note') ? <span className="tag">internal</span> : null}
              <time dateTime={entry.created_at} className="muted">
                {formatDateTime(entry.created_at)}
              </time>
            </div>
            <p className="timeline-message">{entry.message}</p>
            {entry.kind.startsWith('execution_') ? <ExecutionDetails entry={entry} /> : null}
          </li>
        ))}
      </ol>
    </>
  );
}

/** A runbook's start and end link to its execution; a step's entry keeps the end of what the step printed. */
function ExecutionDetails({ entry }: { entry: TimelineEntry }) {
  const executionId = entry.data['execution_id'];
  const tail = entry.data['output_tail'];
  const exitCode = entry.data['exit_code'];
  return (
    <>
      {typeof tail === 'string' && tail.trim() ? (
        <details className="timeline-output">
          <summary>Output{typeof exitCode === 'number' ? ` (exit code ${exitCode})` : ''}</summary>
          <pre>{tail}</pre>
        </details>
      ) : null}
      {typeof executionId === 'string' && entry.kind !== 'execution_step' ? (
        <p className="timeline-link">
          <Link to={`/runbooks/executions/${executionId}`}>Open the execution</Link>
        </p>
      ) : null}
    </>
  );
}
