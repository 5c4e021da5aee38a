import type { FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useUpdateOrgSettings, type OrgSettings } from './queries';

const RATE_LIMITS = [
  { key: 'user', label: 'Per signed-in user' },
  { key: 'api_key', label: 'Per API key' },
  { key: 'webhook', label: 'Webhooks' },
  { key: 'search', label: 'Search' },
  { key: 'org', label: 'Whole organization' },
] as const;

// An empty box means "no override": null in the API, not zero.
const orNull = (value: FormDataEntryValue | null) => (value === null || value === '' ? null : Number(value));

export function OrgSettingsForm({ settings }: { settings: OrgSettings }) {
  const update = useUpdateOrgSettings();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({
      allow_command_steps: form.get('allow_command_steps') === 'on',
      invites_enabled: form.get('invites_enabled') === 'on',
      audit_retention_days: orNull(form.get('audit_retention_days')),
      rate_limits: Object.fromEntries(RATE_LIMITS.map(({ key }) => [key, orNull(form.get(`rate_${key}`))])),
    });
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Organization settings">
      <label className="check">
        <input type="checkbox" name="allow_command_steps" defaultChecked={settings.allow_command_steps} />
        <span>Allow runbook command steps to run on this host</span>
      </label>
      <label className="check">
        <input type="checkbox" name="invites_enabled" defaultChecked={settings.invites_enabled} />
        <span>Allow admins to invite people by email</span>
      </label>
      <Field
        label="Audit retention (days)"
        name="audit_retention_days"
        type="number"
        min={30}
        step={1}
        defaultValue={settings.audit_retention_days ?? ''}
        hint="At least 30. Empty keeps audit rows forever."
      />
      <fieldset>
        <legend>Rate limits, requests per hour</legend>
        <p className="hint">Empty uses the server default.</p>
        <div className="field-row">
          {RATE_LIMITS.map(({ key, label }) => (
            <Field key={key} label={label} name={`rate_${key}`} type="number" min={1} step={1} defaultValue={settings.rate_limits[key] ?? ''} />
          ))}
        </div>
      </fieldset>
      <ErrorMessage error={update.error} />
      {update.isSuccess ? <p role="status">Settings saved.</p> : null}
      <div>
        <button type="submit" className="primary" disabled={update.isPending}>
          Save settings
        </button>
      </div>
    </form>
  );
}
