import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextAreaField } from '../../components/TextAreaField';
import { PostmortemEditor, POSTMORTEM_TEMPLATE } from './PostmortemEditor';
import { useResolveIncident, type IncidentDetail, type IncidentResolve } from './queries';

export function ResolveDialog({ incident, onClose }: { incident: IncidentDetail; onClose: () => void }) {
  const resolve = useResolveIncident(incident.id);
  const [postmortem, setPostmortem] = useState(incident.postmortem ?? POSTMORTEM_TEMPLATE);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: IncidentResolve = {};
    const rootCause = String(form.get('root_cause') ?? '').trim();
    const message = String(form.get('message') ?? '').trim();
    if (rootCause) body.root_cause = rootCause;
    if (message) body.message = message;
    // The untouched template is not a postmortem.
    if (postmortem.trim() && postmortem !== POSTMORTEM_TEMPLATE) body.postmortem = postmortem;
    resolve.mutate(body, { onSuccess: onClose });
  };
  return (
    <Dialog title="Resolve incident" onClose={onClose} className="wide">
      <form className="form" onSubmit={submit}>
        <TextAreaField label="Root cause" name="root_cause" defaultValue={incident.root_cause ?? ''} maxLength={20_000} rows={3} autoFocus />
        <TextAreaField label="Closing note (optional)" name="message" maxLength={20_000} rows={2} />
        <div className="field">
          <span>Postmortem</span>
          <PostmortemEditor value={postmortem} onChange={setPostmortem} height="16rem" />
        </div>
        <ErrorMessage error={resolve.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={resolve.isPending}>
            Resolve
          </button>
        </div>
      </form>
    </Dialog>
  );
}
