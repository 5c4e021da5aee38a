import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { ConfirmDelete } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { VirtualTable } from '../../components/VirtualTable';
import { formatDate } from '../../lib/format';
import { ROLES, useMe, type Role } from '../auth/queries';
import { useChangeRole, useRemoveUser, useUsers, type User } from './queries';

const column = createColumnHelper<User>();

export function UsersPage() {
  const me = useMe().data;
  const users = useUsers();
  const changeRole = useChangeRole();
  const remove = useRemoveUser();
  const [removing, setRemoving] = useState<User>();
  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: 'Name',
        size: 200,
        cell: ({ row }) => (
          <>
            {row.original.name}&nbsp;{row.original.id === me?.id ? <span className="muted">(you)</span> : null}
          </>
        ),
      }),
      column.accessor('email', {
        header: 'Email',
        size: 280,
        cell: ({ row }) => (
          <>
            {row.original.email}&nbsp;{row.original.email_verified ? null : <span className="tag">unverified</span>}
          </>
        ),
      }),
      column.accessor('role', {
        header: 'Role',
        size: 140,
        cell: ({ row }) => (
          <select
            aria-label={`Role for ${row.original.name}`}
            value={row.original.role}
            disabled={changeRole.isPending}
            onChange={(event) => changeRole.mutate({ id: row.original.id, role: event.target.value as Role })}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        ),
      }),
      column.accessor('created_at', { header: 'Joined', size: 140, cell: (info) => formatDate(info.getValue()) }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        size: 110,
        cell: ({ row }) => (
          <button type="button" className="danger" aria-label={`Remove ${row.original.name}`} onClick={() => setRemoving(row.original)}>
            Remove
          </button>
        ),
      }),
    ],
    [me?.id, changeRole],
  );

  return (
    <section aria-labelledby="users-title">
      <div className="page-header">
        <h2 id="users-title">Users and roles</h2>
      </div>
      <p className="muted">Viewers read; engineers work incidents and run runbooks; admins manage people and keys; owners also manage owners.</p>
      <ErrorMessage error={users.error} />
      <ErrorMessage error={changeRole.error} />
      {users.loaded ? (
        <VirtualTable
          label="People"
          columns={columns}
          rowId={(user) => user.id}
          {...users}
          rowHeight={48}
        />
      ) : null}
      {removing ? (
        <ConfirmDelete
          id={removing.id}
          action={remove}
          onClose={() => setRemoving(undefined)}
          title={`Remove ${removing.name}?`}
          message={`${removing.email} leaves the organization; their sessions and API keys stop at once.`}
          confirmLabel="Remove user"
        />
      ) : null}
    </section>
  );
}
