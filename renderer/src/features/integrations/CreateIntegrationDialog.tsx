import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { humanize, SEVERITIES } from '../incidents/vocabulary';
import { useServiceOptions } from '../services/queries';
import { PLATFORMS, SIGNING_PLATFORMS, useCreateIntegration, type IntegrationWithSecret, type NewIntegration, type Platform } from './queries';

export function CreateIntegrationDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (integration: IntegrationWithSecret) => void }) {
  const create = useCreateIntegration();
  const services = useServiceOptions();
  const [platform, setPlatform] = useState<Platform>('prometheus');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: NewIntegration = { platform, name: String(form.get('name')).trim() };
    const severity = String(form.get('default_severity') ?? '');
    const service = String(form.get('service_id') ?? '');
    const signing = String(form.get('signing_secret') ?? '');
    const groupBy = String(form.get('group_by') ?? '').trim();
    if (severity) body.default_severity = severity as NewIntegration['default_severity'];
    if (service) body.service_id = service;
    if (signing) body.signing_secret = signing;
    if (groupBy) body.group_by = groupBy.split(',').map((label) => label.trim()).filter(Boolean);
    create.mutate(body, { onSuccess: onCreated });
  };

  return (
    <Dialog title="Add integration" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <SelectField label="Platform" name="platform" value={platform} onChange={(event) => setPlatform(event.target.value as Platform)} options={PLATFORMS} autoFocus />
        <Field label="Name" name="name" required maxLength={100} hint="e.g. “Production Alertmanager”." />
        <details>
          <summary>Routing (optional)</summary>
          <div className="form routing">
            <SelectField
              label="Severity when the alert has none"
              name="default_severity"
              defaultValue=""
              options={[{ value: '', label: 'Medium (default)' }, ...SEVERITIES.map((s) => ({ value: s, label: humanize(s) }))]}
            />
            <SelectField label="Affected service" name="service_id" defaultValue="" options={[{ value: '', label: 'None' }, ...services]} />
            <Field label="Group alerts by labels" name="group_by" hint="Label names separated by commas; empty keeps the source’s own grouping." />
          </div>
        </details>
        {SIGNING_PLATFORMS.includes(platform) ? (
          <Field
            label="Signing secret (optional)"
            name="signing_secret"
            type="password"
            minLength={8}
            autoComplete="off"
            hint={platform === 'pagerduty' ? 'The webhook subscription’s signing secret: deliveries must then carry a valid X-PagerDuty-Signature.' : 'Grafana’s HMAC secret: deliveries must then carry a valid signature.'}
          />
        ) : null}
        <ErrorMessage error={create.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Add integration
          </button>
        </div>
      </form>
    </Dialog>
  );
}
