import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Markdown } from '../../components/Markdown';
import { formatDateTime } from '../../lib/format';
import { PostmortemEditor, POSTMORTEM_TEMPLATE } from './PostmortemEditor';
import { useSavePostmortem, type IncidentDetail } from './queries';

export function PostmortemSection({ incident }: { incident: IncidentDetail }) {
  const save = useSavePostmortem(incident.id);
  const [draft, setDraft] = useState<string | null>(null);

  return (
    <section aria-labelledby="postmortem-title" className="incident-section">
      <div className="section-header">
        <h2 id="postmortem-title">Postmortem</h2>
        {draft === null ? (
          <button type="button" onClick={() => setDraft(incident.postmortem ?? POSTMORTEM_TEMPLATE)}>
            {incident.postmortem ? 'Edit postmortem' : 'Write postmortem'}
          </button>
        ) : null}
      </div>
      {draft !== null ? (
        <>
          <PostmortemEditor value={draft} onChange={setDraft} />
          <ErrorMessage error={save.error} />
          <div className="dialog-actions">
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
            <button type="button" className="primary" disabled={save.isPending} onClick={() => save.mutate(draft, { onSuccess: () => setDraft(null) })}>
              Save postmortem
            </button>
          </div>
        </>
      ) : incident.postmortem ? (
        <>
          <Markdown source={incident.postmortem} className="postmortem" />
          {incident.postmortem_updated_at ? <p className="muted">Last edited {formatDateTime(incident.postmortem_updated_at)}.</p> : null}
        </>
      ) : (
        <p className="muted">No postmortem yet.</p>
      )}
    </section>
  );
}
