import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { VirtualTable } from '../../components/VirtualTable';
import { formatDateTime } from '../../lib/format';
import { useDeadLetters, type DeadLetter, type Integration } from './queries';

const column = createColumnHelper<DeadLetter>();
const columns = [
  column.accessor('received_at', { header: 'Received', size: 190, cell: (info) => formatDateTime(info.getValue()) }),
  column.accessor('reason', { header: 'Code', size: 190, cell: (info) => <code>{info.getValue()}</code> }),
  column.accessor('message', { header: 'Why', size: 320 }),
];

/** Payloads no parser understood: kept, never dropped, so a person can see what the sender sent. */
export function DeadLettersDialog({ integration, onClose }: { integration: Integration; onClose: () => void }) {
  const letters = useDeadLetters(integration.id);
  const [open, setOpen] = useState<DeadLetter>();
  return (
    <Dialog title={`Dead letters of ${integration.name}`} onClose={onClose} className="wide">
      <p className="muted">Deliveries that were refused as unreadable (422), newest first. The sender was told why.</p>
      <ErrorMessage error={letters.error} />
      {letters.loaded && letters.rows.length === 0 ? <p>No dead letters: every delivery was understood.</p> : null}
      {letters.rows.length > 0 ? <VirtualTable label="Dead letters" columns={columns} rowId={(row) => row.id} {...letters} onOpen={setOpen} /> : null}
      {open ? (
        <section aria-label="Dead letter payload">
          <p>
            <strong>{open.message}</strong>
            <br />
            <span className="muted">
              {open.content_type ?? 'no content type'} · {open.body_bytes.toLocaleString()} bytes{open.truncated ? ' (cut at 64 KiB)' : ''}
              {open.request_id ? ` · request ${open.request_id}` : ''}
            </span>
          </p>
          <pre className="dead-letter-payload">{open.body}</pre>
        </section>
      ) : null}
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
