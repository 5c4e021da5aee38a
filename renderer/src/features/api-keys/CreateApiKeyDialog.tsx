import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { localInputToIso } from '../../lib/format';
import { useCreateApiKey, type CreatedApiKey } from './queries';
import { COMMON_SCOPES } from './scopes';

const positiveInt = (value: FormDataEntryValue | null) => {
  const n = Number(value);
  return value !== null && value !== '' && Number.isInteger(n) && n > 0 ? n : null;
};

export function CreateApiKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (key: CreatedApiKey) => void }) {
  const create = useCreateApiKey();
  const [scopes, setScopes] = useState<string[]>(['*']);
  const toggle = (scope: string, on: boolean) =>
    setScopes((current) => (on ? [...current.filter((s) => (scope === '*' ? false : s !== '*')), scope] : current.filter((s) => s !== scope)));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate(
      {
        name: String(form.get('name')).trim(),
        scopes: scopes.length ? scopes : ['*'],
        expires_at: localInputToIso(String(form.get('expires_at') ?? '')) ?? null,
        daily_mutation_limit: positiveInt(form.get('daily_mutation_limit')),
        daily_log_bytes_limit: positiveInt(form.get('daily_log_bytes_limit')),
      },
      { onSuccess: onCreated },
    );
  };

  return (
    <Dialog title="Create API key" onClose={onClose}>
      <form onSubmit={submit} className="form">
        <Field label="Name" name="name" required maxLength={100} autoFocus hint="Say what uses it, e.g. “CI deploy hook”." />
        <fieldset className="scopes">
          <legend>Scopes</legend>
          <p className="hint">A key can never do more than your role allows.</p>
          {COMMON_SCOPES.map(({ scope, label }) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={(event) => toggle(scope, event.target.checked)} />
              <span>{label}</span> <code>{scope}</code>
            </label>
          ))}
        </fieldset>
        <div className="field-row">
          <Field label="Expires (optional)" name="expires_at" type="datetime-local" />
          <Field label="Daily change limit (optional)" name="daily_mutation_limit" type="number" min={1} step={1} />
          <Field label="Daily log bytes limit (optional)" name="daily_log_bytes_limit" type="number" min={1} step={1} />
        </div>
        <ErrorMessage error={create.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create key
          </button>
        </div>
      </form>
    </Dialog>
  );
}
