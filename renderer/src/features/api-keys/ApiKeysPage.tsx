import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConfirmDelete } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { VirtualTable } from '../../components/VirtualTable';
import { formatDate, formatDateTime } from '../../lib/format';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';
import { useApiKeys, useRevokeApiKey, type ApiKey, type CreatedApiKey } from './queries';
import { SecretDialog } from './SecretDialog';

const column = createColumnHelper<ApiKey>();

export function ApiKeysPage() {
  const keys = useApiKeys();
  const columns = useMemo(
    () => [
      column.accessor('name', { header: 'Name', size: 160 }),
      column.accessor('prefix', { header: 'Prefix', size: 150, cell: (info) => <code>{info.getValue()}…</code> }),
      column.accessor('scopes', {
        header: 'Scopes',
        size: 220,
        cell: (info) => info.getValue().map((scope) => <code key={scope} className="tag">{scope}</code>),
      }),
      column.accessor('expires_at', { header: 'Expires', size: 120, cell: (info) => (info.getValue() ? formatDate(info.getValue()!) : 'Never') }),
      column.accessor('daily_mutation_limit', { header: 'Daily change limit', size: 120, cell: (info) => info.getValue() ?? '—' }),
      column.accessor('last_used_at', { header: 'Last used', size: 190, cell: (info) => (info.getValue() ? formatDateTime(info.getValue()!) : 'Never') }),
      column.accessor('created_at', { header: 'Created', size: 120, cell: (info) => formatDate(info.getValue()) }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        size: 100,
        cell: ({ row }) => (
          <button type="button" className="danger" onClick={() => setRevoking(row.original)} aria-label={`Revoke ${row.original.name}`}>
            Revoke
          </button>
        ),
      }),
    ],
    [],
  );
  const revoke = useRevokeApiKey();
  const [params, setParams] = useSearchParams();
  const creating = params.get('create') === '1';
  const setCreating = (on: boolean) => setParams(on ? { create: '1' } : {}, { replace: true });
  const [created, setCreated] = useState<CreatedApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();

  return (
    <section aria-labelledby="api-keys-title">
      <div className="page-header">
        <h2 id="api-keys-title">API keys</h2>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create API key
        </button>
      </div>
      <p className="muted">Keys let scripts and agents call the API as you, limited by their scopes. Use one as <code>Authorization: Bearer nsk_…</code> or <code>X-API-Key</code>.</p>
      <ErrorMessage error={keys.error} />
      {keys.loaded && keys.rows.length === 0 ? <p>No API keys yet.</p> : null}
      {keys.rows.length > 0 ? (
        <VirtualTable
          label="API keys"
          columns={columns}
          rowId={(key) => key.id}
          {...keys}
          rowHeight={44}
        />
      ) : null}
      {creating ? (
        <CreateApiKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      ) : null}
      {created ? <SecretDialog apiKey={created} onClose={() => setCreated(undefined)} /> : null}
      {revoking ? (
        <ConfirmDelete
          id={revoking.id}
          action={revoke}
          onClose={() => setRevoking(undefined)}
          title={`Revoke ${revoking.name}?`}
          message="It stops working at once, for every script that uses it. This cannot be undone."
          confirmLabel="Revoke key"
        />
      ) : null}
    </section>
  );
}
