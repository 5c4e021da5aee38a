import type { FormEvent } from 'react';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { localInputToIso } from '../../lib/format';
import { useServiceOptions } from '../services/queries';
import { useUserOptions } from './people';
import { FILTER_KEYS, isoToLocalInput, SORTS, type IncidentFilters } from './filters';
import { humanize, SEVERITIES, STATUSES } from './vocabulary';

const any = { value: '', label: 'Any' };

interface Props {
  filters: IncidentFilters;
  onChange: (filters: IncidentFilters) => void;
}

/** Selects apply at once; the words and dates apply on Enter or "Apply". */
export function IncidentFiltersForm({ filters, onChange }: Props) {
  const users = useUserOptions();
  const services = useServiceOptions();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: IncidentFilters = {};
    for (const key of FILTER_KEYS) next[key] = String(form.get(key) ?? '');
    next.from = localInputToIso(next.from ?? '') ?? '';
    next.to = localInputToIso(next.to ?? '') ?? '';
    onChange(next);
  };
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

  return (
    // Keyed by the filters so a saved view or "Clear" also resets what the boxes show.
    <form key={JSON.stringify(filters)} className="filters incident-filters" onSubmit={submit} aria-label="Incident filters">
      <Field label="Search" name="search" type="search" defaultValue={filters.search} placeholder="Words in title or description" />
      <SelectField label="Status" name="status" defaultValue={filters.status ?? ''} onChange={applyNow} options={[any, ...STATUSES.map((s) => ({ value: s, label: humanize(s) }))]} />
      <SelectField label="Severity" name="severity" defaultValue={filters.severity ?? ''} onChange={applyNow} options={[any, ...SEVERITIES.map((s) => ({ value: s, label: humanize(s) }))]} />
      <SelectField
        label="Service"
        name="service_id"
        defaultValue={filters.service_id ?? ''}
        onChange={applyNow}
        options={[any, ...withCurrent(services, filters.service_id)]}
      />
      <SelectField
        label="Assignee"
        name="assignee"
        defaultValue={filters.assignee ?? ''}
        onChange={applyNow}
        options={[any, { value: 'me', label: 'Me' }, { value: 'unassigned', label: 'Unassigned' }, ...withCurrent(users, filters.assignee, ['me', 'unassigned'])]}
      />
      <Field label="Opened from" name="from" type="datetime-local" defaultValue={isoToLocalInput(filters.from)} />
      <Field label="Opened to" name="to" type="datetime-local" defaultValue={isoToLocalInput(filters.to)} />
      <SelectField label="Sort" name="sort" defaultValue={filters.sort ?? '-created_at'} onChange={applyNow} options={SORTS} />
      <div className="filters-actions">
        <button type="submit" className="primary">
          Apply
        </button>
        <button type="button" onClick={() => onChange({})}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** A filter from a shared URL may name something not loaded (yet): keep it selectable rather than lose it. */
function withCurrent(options: { value: string; label: string }[], current: string | undefined, builtIn: string[] = []) {
  if (!current || builtIn.includes(current) || options.some((o) => o.value === current)) return options;
  return [...options, { value: current, label: current }];
}
