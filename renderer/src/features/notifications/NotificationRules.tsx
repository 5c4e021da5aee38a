import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState, type FormEvent } from 'react';
import { ConfirmDelete } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { VirtualTable } from '../../components/VirtualTable';
import { humanize, SEVERITIES } from '../incidents/vocabulary';
import { useServiceOptions } from '../services/queries';
import { useCreateRule, useDeleteRule, useNotificationRules, usePatchRule, type NewNotificationRule, type NotificationRule } from './queries';

const column = createColumnHelper<NotificationRule>();

/** Which new incidents tell me (in the console's notifications and through outbound channels). */
export function NotificationRules() {
  const rules = useNotificationRules();
  const services = useServiceOptions();
  const create = useCreateRule();
  const patch = usePatchRule();
  const remove = useDeleteRule();
  const [deleting, setDeleting] = useState<NotificationRule>();
  const serviceName = useMemo(() => new Map(services.map((s) => [s.value, s.label])), [services]);

  const columns = useMemo(
    () => [
      column.accessor('name', { header: 'Rule', size: 160, cell: (info) => info.getValue() || <span className="muted">Unnamed</span> }),
      column.accessor('severities', { header: 'Severities', size: 200, cell: (info) => info.getValue().map((s) => <span key={s} className="tag">{s}</span>) }),
      column.accessor('service_ids', {
        header: 'Services',
        size: 200,
        cell: (info) => (info.getValue().length ? info.getValue().map((id) => <span key={id} className="tag">{serviceName.get(id) ?? id}</span>) : 'Any'),
      }),
      column.accessor('enabled', {
        header: 'On',
        size: 60,
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Rule ${row.original.name || row.original.id} on`}
            checked={row.original.enabled}
            onChange={(event) => patch.mutate({ id: row.original.id, body: { enabled: event.target.checked } })}
          />
        ),
      }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        size: 90,
        cell: ({ row }) => (
          <button type="button" className="danger" aria-label={`Delete rule ${row.original.name || row.original.id}`} onClick={() => setDeleting(row.original)}>
            Delete
          </button>
        ),
      }),
    ],
    [patch, serviceName],
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const severities = form.getAll('severities').map(String) as NewNotificationRule['severities'];
    if (severities.length === 0) return;
    const body: NewNotificationRule = { severities, service_ids: form.getAll('service_ids').map(String) };
    const name = String(form.get('name') ?? '').trim();
    if (name) body.name = name;
    create.mutate(body, { onSuccess: () => element.reset() });
  };

  return (
    <section aria-labelledby="rules-title">
      <h3 id="rules-title">Notification rules</h3>
      <p className="muted">
        Without rules, you are told of new critical and high incidents. Incidents assigned to you, and the resolution of ones you were told of, always reach you; your own changes
        never do.
      </p>
      <ErrorMessage error={rules.error ?? patch.error} />
      {rules.rows.length > 0 ? <VirtualTable label="Notification rules" columns={columns} rowId={(rule) => rule.id} {...rules} rowHeight={44} /> : null}
      <form className="form" onSubmit={submit} aria-label="Add a notification rule">
        <Field label="Name (optional)" name="name" maxLength={100} />
        <fieldset>
          <legend>Severities</legend>
          {SEVERITIES.map((severity) => (
            <label key={severity} className="check">
              <input type="checkbox" name="severities" value={severity} defaultChecked={severity === 'critical'} /> <span>{humanize(severity)}</span>
            </label>
          ))}
        </fieldset>
        {services.length ? (
          <fieldset className="scopes">
            <legend>Only these services (none: any)</legend>
            {services.map((service) => (
              <label key={service.value} className="check">
                <input type="checkbox" name="service_ids" value={service.value} /> <span>{service.label}</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <ErrorMessage error={create.error} />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Add rule
          </button>
        </div>
      </form>
      {deleting ? (
        <ConfirmDelete
          id={deleting.id}
          action={remove}
          onClose={() => setDeleting(undefined)}
          title="Delete this rule?"
          message="With no rules left, the default (critical and high) applies again."
          confirmLabel="Delete rule"
        />
      ) : null}
    </section>
  );
}
