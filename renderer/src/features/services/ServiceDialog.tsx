import type { FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { TextAreaField } from '../../components/TextAreaField';
import { humanize } from '../incidents/vocabulary';
import { SERVICE_STATUSES, useCreateService, usePatchService, type Service, type ServiceStatus } from './queries';

export const parseTags = (value: string) => [...new Set(value.split(',').map((tag) => tag.trim()).filter(Boolean))];

/** Adds a service, or edits one when given. */
export function ServiceDialog({ service, onClose }: { service?: Service; onClose: () => void }) {
  const create = useCreateService();
  const patch = usePatchService();
  const pending = create.isPending || patch.isPending;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const slug = String(form.get('slug') ?? '').trim();
    const body = {
      name: String(form.get('name')).trim(),
      description: String(form.get('description') ?? ''),
      current_status: String(form.get('current_status')) as ServiceStatus,
      visibility: (form.get('visibility') === 'internal' ? 'internal' : 'public') as Service['visibility'],
      tags: parseTags(String(form.get('tags') ?? '')),
      ...(slug ? { slug } : {}),
    };
    if (service) patch.mutate({ id: service.id, body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: onClose });
  };

  return (
    <Dialog title={service ? `Edit ${service.name}` : 'Add service'} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="Name" name="name" required maxLength={200} defaultValue={service?.name} autoFocus />
        <Field label="Slug" name="slug" maxLength={100} defaultValue={service?.slug} pattern="[a-z0-9]+(-[a-z0-9]+)*" hint="Lowercase words joined by hyphens; made from the name when empty." />
        <TextAreaField label="Description" name="description" maxLength={5_000} rows={2} defaultValue={service?.description} />
        <div className="field-row">
          <SelectField label="Status" name="current_status" defaultValue={service?.current_status ?? 'operational'} options={SERVICE_STATUSES.map((s) => ({ value: s, label: humanize(s) }))} />
          <SelectField label="Visibility" name="visibility" defaultValue={service?.visibility ?? 'public'} options={[{ value: 'public', label: 'Public' }, { value: 'internal', label: 'Internal' }]} />
        </div>
        <Field label="Tags" name="tags" defaultValue={service?.tags.join(', ')} hint="Separated by commas." />
        <ErrorMessage error={create.error ?? patch.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending}>
            {service ? 'Save' : 'Add service'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
