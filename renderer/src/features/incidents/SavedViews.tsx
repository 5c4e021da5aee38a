import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { filtersToParams, type IncidentFilters } from './filters';
import { useSavedViews } from './views';

interface Props {
  filters: IncidentFilters;
  onApply: (query: string) => void;
}

/** Named filter sets kept on this computer: pick one to apply it, save the current one, delete. */
export function SavedViews({ filters, onApply }: Props) {
  const views = useSavedViews((state) => state.views);
  const remove = useSavedViews((state) => state.remove);
  const [saving, setSaving] = useState(false);
  const current = filtersToParams(filters).toString();
  const active = views.find((view) => view.query === current);

  return (
    <div className="saved-views" role="group" aria-label="Saved views">
      <label className="saved-views-pick">
        <span>View</span>
        <select
          aria-label="Saved view"
          value={active?.id ?? ''}
          onChange={(event) => {
            const view = views.find((v) => v.id === event.target.value);
            onApply(view ? view.query : '');
          }}
        >
          <option value="">{active || current === '' ? 'All incidents' : 'Unsaved filters'}</option>
          {views.map((view) => (
            <option key={view.id} value={view.id}>
              {view.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => setSaving(true)} disabled={current === '' || active !== undefined}>
        Save view
      </button>
      {active ? (
        <button type="button" className="danger" onClick={() => remove(active.id)} aria-label={`Delete view ${active.name}`}>
          Delete view
        </button>
      ) : null}
      {saving ? <SaveViewDialog filters={filters} onClose={() => setSaving(false)} /> : null}
    </div>
  );
}

function SaveViewDialog({ filters, onClose }: { filters: IncidentFilters; onClose: () => void }) {
  const save = useSavedViews((state) => state.save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) return;
    save(name, filters);
    onClose();
  };
  return (
    <Dialog title="Save view" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="Name" name="name" required maxLength={60} autoFocus hint="Kept on this computer only." />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
