import { createColumnHelper } from '@tanstack/react-table';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { ConfirmDelete } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { VirtualTable } from '../../components/VirtualTable';
import { Field } from '../../components/Field';
import { formatDate } from '../../lib/format';
import { ROLES, type Role } from '../auth/queries';
import { useCreateInvite, useInvites, useRevokeInvite, type Invite } from './queries';

const column = createColumnHelper<Invite>();

export function InvitesPage() {
  const invites = useInvites();
  const columns = useMemo(
    () => [
      column.accessor('email', { header: 'Email', size: 260 }),
      column.accessor('role', { header: 'Role', size: 110 }),
      column.accessor('status', { header: 'Status', size: 110, cell: (info) => <span className={`tag status-${info.getValue()}`}>{info.getValue()}</span> }),
      column.accessor('created_at', { header: 'Sent', size: 120, cell: (info) => formatDate(info.getValue()) }),
      column.accessor('expires_at', { header: 'Expires', size: 120, cell: (info) => formatDate(info.getValue()) }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        size: 100,
        cell: ({ row }) =>
          row.original.status === 'pending' ? (
            <button type="button" className="danger" aria-label={`Revoke invite for ${row.original.email}`} onClick={() => setRevoking(row.original)}>
              Revoke
            </button>
          ) : null,
      }),
    ],
    [],
  );
  const create = useCreateInvite();
  const revoke = useRevokeInvite();
  const [revoking, setRevoking] = useState<Invite>();
  const roleId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    create.mutate({ email: String(form.get('email')).trim(), role: String(form.get('role')) as Role }, { onSuccess: () => formElement.reset() });
  };

  return (
    <section aria-labelledby="invites-title">
      <div className="page-header">
        <h2 id="invites-title">Invites</h2>
      </div>
      <form className="form inline-form" onSubmit={submit} aria-label="Invite someone">
        <Field label="Email" name="email" type="email" required />
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} name="role" defaultValue="engineer">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>
          Send invite
        </button>
      </form>
      {create.isSuccess ? (
        <p role="status">Invitation sent to {create.data.email}. Without a mail server, the link waits in the local outbox.</p>
      ) : null}
      <ErrorMessage error={create.error} />
      <ErrorMessage error={invites.error} />
      {invites.loaded && invites.rows.length === 0 ? <p>No invitations yet.</p> : null}
      {invites.rows.length > 0 ? (
        <VirtualTable
          label="Invitations"
          columns={columns}
          rowId={(invite) => invite.id}
          {...invites}
          rowHeight={44}
        />
      ) : null}
      {revoking ? (
        <ConfirmDelete
          id={revoking.id}
          action={revoke}
          onClose={() => setRevoking(undefined)}
          title={`Revoke the invite for ${revoking.email}?`}
          message="The link in their mail stops working."
          confirmLabel="Revoke invite"
        />
      ) : null}
    </section>
  );
}
