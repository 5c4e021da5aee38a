import type { ReactNode } from 'react';
import { Dialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';

interface ConfirmDialogProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  error?: unknown;
}

export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel, pending, error }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onClose={onCancel} description={message}>
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} disabled={pending}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** What ConfirmDelete needs of a delete mutation (react-query's useMutation result fits). */
export interface DeleteAction {
  mutate(id: string, options: { onSuccess: () => void }): void;
  reset(): void;
  isPending: boolean;
  error: unknown;
}

/** Asks before deleting one object; closes when it is gone, keeps the error on screen when not. */
export function ConfirmDelete({ id, action, onClose, ...words }: { id: string; action: DeleteAction; onClose: () => void; title: string; message: ReactNode; confirmLabel: string }) {
  return (
    <ConfirmDialog
      {...words}
      pending={action.isPending}
      error={action.error}
      onCancel={() => {
        action.reset();
        onClose();
      }}
      onConfirm={() => action.mutate(id, { onSuccess: onClose })}
    />
  );
}
