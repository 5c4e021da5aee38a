import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { SelectField } from '../../components/SelectField';
import { formatDateTime } from '../../lib/format';
import { incidentQueryKeys, type IncidentDetail } from '../incidents/queries';
import { useLiveEvent } from '../live/live';
import { ExecutionStatusBadge, ProgressText } from './badges';
import { useRunbookOptions, useSuggestedRunbooks } from './queries';
import { RunbookError } from './RunbookError';
import { StartRunbookDialog } from './StartRunbookDialog';
import './runbooks.css';

/**
 * The incident's runbooks: those suggested by its services and alert labels, each one Start away, and
 * the executions already started for it.
 */
export function IncidentRunbooks({ incidentId, executions }: { incidentId: string; executions: IncidentDetail['executions'] }) {
  const suggested = useSuggestedRunbooks(incidentId);
  const client = useQueryClient();
  // An execution's progress shows here as it changes, wherever it is being worked.
  useLiveEvent('executions', (event) => {
    const changed = event.data as { incident_id?: string | null } | undefined;
    if (changed?.incident_id === incidentId) void client.invalidateQueries({ queryKey: incidentQueryKeys.detail(incidentId) });
  });
  const [starting, setStarting] = useState<string | null>(null);
  const rows = suggested.data?.data ?? [];
  const others = useRunbookOptions().filter((option) => !rows.some((row) => row.id === option.value));

  return (
    <section aria-labelledby="runbooks-title" className="incident-section incident-runbooks">
      <div className="section-header">
        <h2 id="runbooks-title">Runbooks</h2>
        <Link to="/runbooks">All runbooks</Link>
      </div>
      {executions.length ? (
        <ul className="plain-list incident-executions" aria-label="Executions for this incident">
          {executions.map((execution) => (
            <li key={execution.id}>
              <Link to={`/runbooks/executions/${execution.id}`}>{execution.title}</Link> <ExecutionStatusBadge status={execution.status} />{' '}
              <span className="muted">
                <ProgressText progress={execution.progress} /> · {execution.started_by_name ?? 'someone'}, {formatDateTime(execution.started_at)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <h3 className="suggested-title">Suggested</h3>
      <RunbookError error={suggested.error} />
      {suggested.data && rows.length === 0 ? (
        <p className="muted">No runbook matches this incident's services or alerts. Link runbooks to services or alert labels to see them here.</p>
      ) : null}
      {rows.length ? (
        <ul className="plain-list suggested-runbooks" aria-label="Suggested runbooks">
          {rows.map((procedure) => (
            <li key={procedure.id} className="suggested-runbook">
              <div>
                <Link to={`/runbooks/${procedure.id}`}>{procedure.title}</Link>{' '}
                <span className="muted">
                  {procedure.step_count} step{procedure.step_count === 1 ? '' : 's'}
                </span>
                {procedure.reasons.length ? <p className="hint">{procedure.reasons.join(' · ')}</p> : null}
              </div>
              <button type="button" onClick={() => setStarting(procedure.id)} aria-label={`Start ${procedure.title}`}>
                Start
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {others.length ? (
        <form
          className="inline-form start-other"
          aria-label="Start another runbook"
          onSubmit={(event) => {
            event.preventDefault();
            const id = String(new FormData(event.currentTarget).get('procedure_id') ?? '');
            if (id) setStarting(id);
          }}
        >
          <SelectField label="Another runbook" name="procedure_id" options={[{ value: '', label: 'Choose…' }, ...others]} defaultValue="" />
          <button type="submit">Start…</button>
        </form>
      ) : null}
      {starting ? <StartRunbookDialog procedureId={starting} incidentId={incidentId} onClose={() => setStarting(null)} /> : null}
    </section>
  );
}
