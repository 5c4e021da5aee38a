import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { useRunbook, useStartExecution } from './queries';
import { RunbookError } from './RunbookError';
import type { Procedure } from './types';

interface StartProps {
  procedureId: string;
  incidentId?: string | undefined;
  onClose: () => void;
}

/** Starts an execution of the runbook's latest version, asking for its variables, and opens it. */
export function StartRunbookDialog({ procedureId, incidentId, onClose }: StartProps) {
  const procedure = useRunbook(procedureId);
  return (
    <Dialog title={procedure.data ? `Start “${procedure.data.title}”` : 'Start runbook'} onClose={onClose}>
      {procedure.data ? <StartForm procedure={procedure.data} incidentId={incidentId} onClose={onClose} /> : <RunbookError error={procedure.error} />}
      {!procedure.data && !procedure.error ? <p className="muted">Loading the runbook…</p> : null}
    </Dialog>
  );
}

function StartForm({ procedure, incidentId, onClose }: { procedure: Procedure; incidentId?: string | undefined; onClose: () => void }) {
  const start = useStartExecution();
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(procedure.variables.map((v) => [v.name, v.default ?? ''])));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const variables = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
    start.mutate(
      { procedureId: procedure.id, body: { ...(incidentId ? { incident_id: incidentId } : {}), variables, version: procedure.version } },
      { onSuccess: (execution) => navigate(`/runbooks/executions/${execution.id}`) },
    );
  };
  return (
    <form className="form" onSubmit={submit}>
      <p className="muted">
        Version {procedure.version}, {procedure.steps.length} step{procedure.steps.length === 1 ? '' : 's'}
        {incidentId ? ', for this incident' : ''}. Nothing runs until you run a step.
      </p>
      {procedure.variables.map((variable) => (
        <Field
          key={variable.name}
          label={variable.name}
          hint={variable.description || undefined}
          required={variable.required}
          value={values[variable.name] ?? ''}
          onChange={(event) => setValues({ ...values, [variable.name]: event.target.value })}
        />
      ))}
      <RunbookError error={start.error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={start.isPending} autoFocus>
          Start execution
        </button>
      </div>
    </form>
  );
}
