import type { FormEvent } from 'react';
import { Field } from '../../components/Field';
import { useAuditFilterStore } from './store';

export function AuditFiltersForm() {
  const filters = useAuditFilterStore((state) => state.filters);
  const setFilters = useAuditFilterStore((state) => state.setFilters);
  const reset = useAuditFilterStore((state) => state.reset);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFilters({
      action: String(form.get('action') ?? ''),
      actorUserId: String(form.get('actor') ?? ''),
      from: String(form.get('from') ?? ''),
      to: String(form.get('to') ?? ''),
    });
  };

  return (
    // Keyed by the filters so "Clear filters" also clears the boxes.
    <form key={JSON.stringify(filters)} className="filters" onSubmit={submit} aria-label="Audit filters">
      <Field label="Action" name="action" defaultValue={filters.action} placeholder="e.g. CREATE_API_KEY" />
      <Field label="Actor user ID" name="actor" defaultValue={filters.actorUserId} />
      <Field label="From" name="from" type="datetime-local" defaultValue={filters.from} />
      <Field label="To" name="to" type="datetime-local" defaultValue={filters.to} />
      <div className="filters-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={reset}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
