import type { FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { TextAreaField } from '../../components/TextAreaField';
import { useCreateIncident, type Incident, type NewIncident } from './queries';
import { humanize, SEVERITIES } from './vocabulary';

export function NewIncidentDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (incident: Incident) => void }) {
  const create = useCreateIncident();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate(
      {
        title: String(form.get('title')).trim(),
        description: String(form.get('description') ?? ''),
        severity: String(form.get('severity')) as NewIncident['severity'],
      },
      { onSuccess: onCreated },
    );
  };
  return (
    <Dialog title="Open incident" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="Title" name="title" required maxLength={300} autoFocus />
        <SelectField label="Severity" name="severity" defaultValue="medium" options={SEVERITIES.map((s) => ({ value: s, label: humanize(s) }))} />
        <TextAreaField label="Description" name="description" maxLength={20_000} rows={4} />
        <ErrorMessage error={create.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Open incident
          </button>
        </div>
      </form>
    </Dialog>
  );
}
