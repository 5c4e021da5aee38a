import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ConfirmDelete } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { VirtualTable } from '../../components/VirtualTable';
import { humanize } from '../incidents/vocabulary';
import { SERVICE_STATUSES, useDeleteService, usePatchService, useServices, type Service, type ServiceStatus } from './queries';
import { ServiceDialog } from './ServiceDialog';
import { ServiceUptimeCell } from './ServiceUptimeCell';
import './services.css';

const column = createColumnHelper<Service>();

export function ServicesPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => ({ search: params.get('search') ?? '', status: params.get('status') ?? '' }), [params]);
  const services = useServices(filters);
  const patch = usePatchService();
  const remove = useDeleteService();
  const [editing, setEditing] = useState<Service | 'new'>();
  const [deleting, setDeleting] = useState<Service>();

  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: 'Service',
        size: 220,
        cell: ({ row }) => (
          <div className="service-name">
            <strong>{row.original.name}</strong>
            <span className="muted">
              {row.original.slug}
              {row.original.visibility === 'internal' ? ' · internal' : ''}
            </span>
          </div>
        ),
      }),
      column.accessor('current_status', {
        header: 'Status',
        size: 190,
        cell: ({ row }) => (
          <select
            aria-label={`Status of ${row.original.name}`}
            className={`service-status service-status-${row.original.current_status}`}
            value={row.original.current_status}
            onChange={(event) => patch.mutate({ id: row.original.id, body: { current_status: event.target.value as ServiceStatus } })}
          >
            {SERVICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        ),
      }),
      column.display({ id: 'uptime', header: 'Uptime', size: 320, cell: ({ row }) => <ServiceUptimeCell id={row.original.id} /> }),
      column.accessor('tags', { header: 'Tags', size: 160, cell: (info) => info.getValue().map((tag) => <span key={tag} className="tag">{tag}</span>) }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        size: 150,
        cell: ({ row }) => (
          <span className="row-actions">
            <button type="button" onClick={() => setEditing(row.original)} aria-label={`Edit ${row.original.name}`}>
              Edit
            </button>
            <button type="button" className="danger" onClick={() => setDeleting(row.original)} aria-label={`Delete ${row.original.name}`}>
              Delete
            </button>
          </span>
        ),
      }),
    ],
    [patch],
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['search', 'status']) {
      const value = String(form.get(key) ?? '').trim();
      if (value) next.set(key, value);
    }
    setParams(next);
  };

  return (
    <section className="page page-fill" aria-labelledby="services-title">
      <div className="page-header">
        <h1 id="services-title">Services</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add service
        </button>
      </div>
      <p className="muted">Uptime counts the time a service spent in an outage, by its own status or by an incident’s impact on it; maintenance does not count.</p>
      <form key={JSON.stringify(filters)} className="filters" onSubmit={submit} aria-label="Service filters">
        <Field label="Search" name="search" type="search" defaultValue={filters.search} />
        <SelectField
          label="Status"
          name="status"
          defaultValue={filters.status}
          onChange={(event) => event.currentTarget.form?.requestSubmit()}
          options={[{ value: '', label: 'Any' }, ...SERVICE_STATUSES.map((s) => ({ value: s, label: humanize(s) }))]}
        />
        <div className="filters-actions">
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
      <ErrorMessage error={services.error ?? patch.error} />
      {services.loaded && services.rows.length === 0 ? <p>{filters.search || filters.status ? 'No service matches.' : 'No services yet. Add the systems your incidents affect.'}</p> : null}
      {services.rows.length > 0 ? <VirtualTable label="Services" columns={columns} rowId={(service) => service.id} {...services} rowHeight={84} /> : null}
      {editing ? <ServiceDialog service={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} /> : null}
      {deleting ? (
        <ConfirmDelete
          id={deleting.id}
          action={remove}
          onClose={() => setDeleting(undefined)}
          title={`Delete ${deleting.name}?`}
          message="Incidents keep their history; the service leaves lists, filters and status pages."
          confirmLabel="Delete service"
        />
      ) : null}
    </section>
  );
}
