import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate, formatDateTime } from '../../lib/format';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';
import { useApiKeys, useRevokeApiKey, type ApiKey, type CreatedApiKey } from './queries';
import { SecretDialog } from './SecretDialog';

export function ApiKeysPage() {
  const keys = useApiKeys();
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
      {keys.data && keys.data.data.length === 0 ? <p>No API keys yet.</p> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Expires</th>
              <th scope="col">Daily change limit</th>
              <th scope="col">Last used</th>
              <th scope="col">Created</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td><code>{key.prefix}…</code></td>
                <td>{key.scopes.map((scope) => <code key={scope} className="tag">{scope}</code>)}</td>
                <td>{key.expires_at ? formatDate(key.expires_at) : 'Never'}</td>
                <td>{key.daily_mutation_limit ?? '—'}</td>
                <td>{key.last_used_at ? formatDateTime(key.last_used_at) : 'Never'}</td>
                <td>{formatDate(key.created_at)}</td>
                <td>
                  <button type="button" className="danger" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          message="It stops working at once, for every script that uses it. This cannot be undone."
          confirmLabel="Revoke key"
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
