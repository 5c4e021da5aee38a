import type { FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField } from '../../components/SelectField';
import { TextAreaField } from '../../components/TextAreaField';
import { usePostUpdate, type IncidentDetail, type IncidentUpdate } from './queries';
import { humanize, nextStatuses } from './vocabulary';

export function PostUpdateDialog({ incident, onClose }: { incident: IncidentDetail; onClose: () => void }) {
  const post = usePostUpdate(incident.id);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const status = String(form.get('status') ?? '');
    const body: IncidentUpdate = {
      message: String(form.get('message')).trim(),
      visibility: form.get('visibility') === 'internal' ? 'internal' : 'public',
    };
    if (status) body.status = status as IncidentUpdate['status'];
    post.mutate(body, { onSuccess: onClose });
  };
  return (
    <Dialog title="Post update" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextAreaField label="Update" name="message" required maxLength={20_000} rows={5} autoFocus />
        <fieldset>
          <legend>Who sees it</legend>
          <label className="check">
            <input type="radio" name="visibility" value="public" defaultChecked /> <span>Public: status page subscribers too</span>
          </label>
          <label className="check">
            <input type="radio" name="visibility" value="internal" /> <span>Internal: the team only</span>
          </label>
        </fieldset>
        <SelectField
          label="Status"
          name="status"
          defaultValue=""
          options={[{ value: '', label: `Keep ${humanize(incident.status).toLowerCase()}` }, ...nextStatuses(incident.status).map((s) => ({ value: s, label: humanize(s) }))]}
        />
        <ErrorMessage error={post.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={post.isPending}>
            Post update
          </button>
        </div>
      </form>
    </Dialog>
  );
}
