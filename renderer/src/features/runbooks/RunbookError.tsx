import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';

/** What a person can do about the runbook errors they are most likely to meet. */
const HINTS: Record<string, ReactNode> = {
  COMMAND_STEPS_DISABLED: (
    <>
      Command steps are off in this organization. An admin can turn on “Allow runbook command steps to run on this host” in{' '}
      <Link to="/settings/organization">Settings → Organization</Link>.
    </>
  ),
  INSUFFICIENT_ROLE: 'Running and changing runbooks needs the engineer role or above; an admin can change your role.',
  SECRET_NOT_FOUND: (
    <>
      A secret this step uses has no value on this server. An admin can set it in <Link to="/settings/secrets">Settings → Secrets</Link>.
    </>
  ),
  EXECUTION_BUSY: 'Another step is running: wait for it to finish or stop it first.',
  EXECUTION_NOT_RUNNING: 'This execution is paused or finished. Resume it to work on its steps.',
  STEP_NOT_RUNNABLE: 'This step cannot do that in its current state (a failed step is retried first).',
  EXECUTION_INCOMPLETE: 'Some steps are still pending or running: complete, skip or stop them, or cancel the execution.',
  HTTP_STEP_URL_NOT_ALLOWED: 'Nightshift does not send requests to link-local, metadata or other refused addresses.',
  PROCEDURE_VERSION_CONFLICT: 'Someone saved a newer version while you were editing. Copy your changes, reload the runbook and apply them again.',
  INVALID_RUNBOOK_MARKDOWN: 'The file is not a runbook Nightshift can read: the lines listed need fixing.',
  SECRET_STORE_UNAVAILABLE: 'The secret store of this server is not reachable.',
};

export function runbookHint(error: unknown): ReactNode | null {
  return isApiError(error) ? (HINTS[error.code] ?? null) : null;
}

/** The error as ErrorMessage shows it, with what to do about it when that is known. */
export function RunbookError({ error }: { error: unknown }) {
  if (!error) return null;
  const hint = runbookHint(error);
  return (
    <div className="runbook-error">
      <ErrorMessage error={error} />
      {hint ? <p className="runbook-error-hint">{hint}</p> : null}
    </div>
  );
}
