import { useState, type FormEvent } from 'react';
import { ConfirmDelete } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useMe } from '../auth/queries';
import { useDeleteSecret, usePutSecret, useSecrets } from './queries';

const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}';

/** Secrets that runbook steps reference by name; values go in and never come back out. */
export function SecretsPage() {
  const me = useMe().data;
  const secrets = useSecrets();
  const remove = useDeleteSecret();
  const [editing, setEditing] = useState<string | 'new'>();
  const [deleting, setDeleting] = useState<string>();
  const admin = me?.role === 'admin' || me?.role === 'owner';
  const names = secrets.data?.data.map((s) => s.name) ?? [];

  return (
    <section aria-labelledby="secrets-title">
      <div className="page-header">
        <h2 id="secrets-title">Secrets</h2>
        {admin ? (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add secret
          </button>
        ) : null}
      </div>
      <p className="muted">
        Runbook steps name a secret (an environment variable or a header); its value is filled in when the step runs and redacted from the output. Values are kept in this server’s
        secret store, never in the database, and cannot be read back.
      </p>
      <ErrorMessage error={secrets.error} />
      {secrets.data && names.length === 0 ? <p>No secrets yet.</p> : null}
      {names.length ? (
        <table className="table" aria-label="Secrets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => (
              <tr key={name}>
                <td>
                  <code>{name}</code>
                </td>
                <td className="row-actions">
                  {admin ? (
                    <>
                      <button type="button" onClick={() => setEditing(name)} aria-label={`Replace the value of ${name}`}>
                        Replace value
                      </button>
                      <button type="button" className="danger" onClick={() => setDeleting(name)} aria-label={`Delete ${name}`}>
                        Delete
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {editing ? <SecretDialog name={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} /> : null}
      {deleting ? (
        <ConfirmDelete
          id={deleting}
          action={remove}
          onClose={() => setDeleting(undefined)}
          title={`Delete ${deleting}?`}
          message="Steps that use it fail to start until it is set again."
          confirmLabel="Delete secret"
        />
      ) : null}
    </section>
  );
}

function SecretDialog({ name, onClose }: { name?: string | undefined; onClose: () => void }) {
  const put = usePutSecret();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    put.mutate({ name: name ?? String(form.get('name')).trim(), value: String(form.get('value') ?? '') }, { onSuccess: onClose });
  };
  return (
    <Dialog title={name ? `Replace the value of ${name}` : 'Add secret'} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        {name ? null : <Field label="Name" name="name" required maxLength={64} pattern={NAME_PATTERN} autoFocus hint="Letters, digits, dot, dash and underscore, e.g. pg_password." />}
        <Field label="Value" name="value" type="password" required autoComplete="off" autoFocus={Boolean(name)} />
        <ErrorMessage error={put.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={put.isPending}>
            Save secret
          </button>
        </div>
      </form>
    </Dialog>
  );
}
