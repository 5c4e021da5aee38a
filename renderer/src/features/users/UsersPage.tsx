import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../lib/format';
import { ROLES, useMe, type Role } from '../auth/queries';
import { useChangeRole, useRemoveUser, useUsers, type User } from './queries';

export function UsersPage() {
  const me = useMe().data;
  const users = useUsers();
  const changeRole = useChangeRole();
  const remove = useRemoveUser();
  const [removing, setRemoving] = useState<User>();

  return (
    <section aria-labelledby="users-title">
      <div className="page-header">
        <h2 id="users-title">Users and roles</h2>
      </div>
      <p className="muted">Viewers read; engineers work incidents and run runbooks; admins manage people and keys; owners also manage owners.</p>
      <ErrorMessage error={users.error} />
      <ErrorMessage error={changeRole.error} />
      {users.data ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.data.data.map((user) => (
              <tr key={user.id}>
                <td>
                  {user.name} {user.id === me?.id ? <span className="muted">(you)</span> : null}
                </td>
                <td>
                  {user.email} {user.email_verified ? null : <span className="tag">unverified</span>}
                </td>
                <td>
                  <select
                    aria-label={`Role for ${user.name}`}
                    value={user.role}
                    disabled={changeRole.isPending}
                    onChange={(event) => changeRole.mutate({ id: user.id, role: event.target.value as Role })}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{formatDate(user.created_at)}</td>
                <td>
                  <button type="button" className="danger" aria-label={`Remove ${user.name}`} onClick={() => setRemoving(user)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          message={`${removing.email} leaves the organization; their sessions and API keys stop at once.`}
          confirmLabel="Remove user"
          pending={remove.isPending}
          error={remove.error}
          onCancel={() => {
            remove.reset();
            setRemoving(undefined);
          }}
          onConfirm={() => remove.mutate(removing.id, { onSuccess: () => setRemoving(undefined) })}
        />
      ) : null}
    </section>
  );
}
