import { CodeEditor } from '../../components/CodeEditor';
import { Dialog } from '../../components/Dialog';
import { formatDateTime } from '../../lib/format';
import { useTheme } from '../theme/store';
import type { AuditEntry } from './queries';

export function AuditDetail({ entry, onClose }: { entry: AuditEntry; onClose: () => void }) {
  const theme = useTheme();
  return (
    <Dialog title={`Audit entry: ${entry.action}`} onClose={onClose} className="wide">
      <dl className="details">
        <dt>Time</dt>
        <dd>{formatDateTime(entry.created_at)}</dd>
        <dt>Resource</dt>
        <dd><code>{entry.resource}</code></dd>
        <dt>Actor</dt>
        <dd>{entry.actor_email ?? entry.actor_user_id ?? 'system'}</dd>
        <dt>Token</dt>
        <dd>{entry.actor_token_id ?? '—'}</dd>
        <dt>IP</dt>
        <dd>{entry.ip ?? '—'}</dd>
        <dt>Request ID</dt>
        <dd><code>{entry.request_id ?? '—'}</code></dd>
      </dl>
      <CodeEditor label="Change details (JSON)" language="json" readOnly value={JSON.stringify(entry.meta, null, 2)} theme={theme} height="18rem" />
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
