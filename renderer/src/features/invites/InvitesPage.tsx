import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { formatDate } from '../../lib/format';
import { ROLES, type Role } from '../auth/queries';
import { useCreateInvite, useInvites, useRevokeInvite, type Invite } from './queries';

export function InvitesPage() {
  const invites = useInvites();
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
      {invites.data && invites.data.data.length === 0 ? <p>No invitations yet.</p> : null}
      {invites.data && invites.data.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Sent</th>
              <th scope="col">Expires</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {invites.data.data.map((invite) => (
              <tr key={invite.id}>
                <td>{invite.email}</td>
                <td>{invite.role}</td>
                <td><span className={`tag status-${invite.status}`}>{invite.status}</span></td>
                <td>{formatDate(invite.created_at)}</td>
                <td>{formatDate(invite.expires_at)}</td>
                <td>
                  {invite.status === 'pending' ? (
                    <button type="button" className="danger" aria-label={`Revoke invite for ${invite.email}`} onClick={() => setRevoking(invite)}>
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke the invite for ${revoking.email}?`}
          message="The link in their mail stops working."
          confirmLabel="Revoke invite"
          pending={revoke.isPending}
          error={revoke.error}
          onCancel={() => {
            revoke.reset();
            setRevoking(undefined);
          }}
          onConfirm={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(undefined) })}
        />
      ) : null}
    </section>
  );
}
