import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ConfirmDelete, ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { VirtualTable } from '../../components/VirtualTable';
import { formatDateTime } from '../../lib/format';
import { CreateIntegrationDialog } from './CreateIntegrationDialog';
import { DeadLettersDialog } from './DeadLettersDialog';
import {
  platformLabel,
  useDeleteIntegration,
  useIntegrations,
  usePatchIntegration,
  useRotateSecret,
  useSendTestAlert,
  type Integration,
  type IntegrationWithSecret,
  type TestResult,
} from './queries';
import { WebhookSecretDialog } from './WebhookSecretDialog';
import './integrations.css';

const column = createColumnHelper<Integration>();

export function IntegrationsPage() {
  const integrations = useIntegrations();
  const patch = usePatchIntegration();
  const rotate = useRotateSecret();
  const remove = useDeleteIntegration();
  const test = useSendTestAlert();
  const [params, setParams] = useSearchParams();
  const creating = params.get('create') === '1';
  const setCreating = (on: boolean) => setParams(on ? { create: '1' } : {}, { replace: true });
  const [secret, setSecret] = useState<IntegrationWithSecret>();
  const [rotating, setRotating] = useState<Integration>();
  const [deleting, setDeleting] = useState<Integration>();
  const [letters, setLetters] = useState<Integration>();
  const [tested, setTested] = useState<{ name: string; incidentId: string | null }>();

  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: 'Integration',
        size: 180,
        cell: ({ row }) => (
          <div className="integration-name">
            <strong>{row.original.name}</strong>
            <span className="muted">{platformLabel(row.original.platform)}</span>
          </div>
        ),
      }),
      column.accessor('webhook_endpoint', {
        header: 'Webhook',
        size: 300,
        cell: ({ row }) => (
          <div className="integration-name">
            <code title={row.original.webhook_endpoint}>{row.original.webhook_endpoint}</code>
            <span className="muted">
              secret <code>{row.original.secret_prefix}…</code>
              {row.original.has_signing_secret ? ' · signed' : ''}
            </span>
          </div>
        ),
      }),
      column.accessor('enabled', {
        header: 'Enabled',
        size: 80,
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`${row.original.name} enabled`}
            checked={row.original.enabled}
            onChange={(event) => patch.mutate({ id: row.original.id, body: { enabled: event.target.checked } })}
          />
        ),
      }),
      column.accessor('last_received_at', { header: 'Last alert', size: 160, cell: (info) => (info.getValue() ? formatDateTime(info.getValue()) : 'Never') }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        size: 340,
        cell: ({ row }) => {
          const it = row.original;
          return (
            <span className="row-actions">
              <button
                type="button"
                aria-label={`Send a test alert to ${it.name}`}
                disabled={test.isPending}
                onClick={() => test.mutate(it.id, { onSuccess: (result) => setTested({ name: it.name, incidentId: incidentOf(result) }) })}
              >
                Test alert
              </button>
              <button type="button" aria-label={`Dead letters of ${it.name}`} onClick={() => setLetters(it)}>
                Dead letters
              </button>
              <button type="button" aria-label={`Rotate the secret of ${it.name}`} onClick={() => setRotating(it)}>
                Rotate
              </button>
              <button type="button" className="danger" aria-label={`Delete ${it.name}`} onClick={() => setDeleting(it)}>
                Delete
              </button>
            </span>
          );
        },
      }),
    ],
    [patch, test],
  );

  return (
    <section aria-labelledby="integrations-title">
      <div className="page-header">
        <h2 id="integrations-title">Integrations</h2>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Add integration
        </button>
      </div>
      <p className="muted">
        Each integration has its own webhook URL. Point Alertmanager, Grafana, Datadog, PagerDuty, New Relic, CloudWatch (SNS), SigNoz or any JSON sender at it: a firing alert
        opens an incident, or joins the open one for its group.
      </p>
      <ErrorMessage error={integrations.error} />
      <ErrorMessage error={test.error ?? patch.error} />
      {tested ? (
        <p role="status">
          Test alert delivered to {tested.name}.{' '}
          {tested.incidentId ? <Link to={`/incidents/${tested.incidentId}`}>Open its incident</Link> : null}
        </p>
      ) : null}
      {integrations.loaded && integrations.rows.length === 0 ? <p>No integrations yet.</p> : null}
      {integrations.rows.length > 0 ? <VirtualTable label="Integrations" columns={columns} rowId={(it) => it.id} {...integrations} rowHeight={56} /> : null}
      {creating ? (
        <CreateIntegrationDialog
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setSecret(created);
          }}
        />
      ) : null}
      {secret ? <WebhookSecretDialog integration={secret} onClose={() => setSecret(undefined)} /> : null}
      {rotating ? (
        <ConfirmDialog
          title={`Rotate the secret of ${rotating.name}?`}
          message="The current webhook URL and secret stop working at once; update the sender with the new URL."
          confirmLabel="Rotate secret"
          pending={rotate.isPending}
          error={rotate.error}
          onCancel={() => {
            rotate.reset();
            setRotating(undefined);
          }}
          onConfirm={() =>
            rotate.mutate(rotating.id, {
              onSuccess: (rotated) => {
                setRotating(undefined);
                setSecret(rotated);
              },
            })
          }
        />
      ) : null}
      {deleting ? (
        <ConfirmDelete
          id={deleting.id}
          action={remove}
          onClose={() => setDeleting(undefined)}
          title={`Delete ${deleting.name}?`}
          message="Its webhook URL stops accepting alerts at once. Incidents it opened stay."
          confirmLabel="Delete integration"
        />
      ) : null}
      {letters ? <DeadLettersDialog integration={letters} onClose={() => setLetters(undefined)} /> : null}
    </section>
  );
}

/** The incident the test alert opened or joined. */
const incidentOf = (result: TestResult): string | null => result.alerts.find((alert) => alert.incident_id)?.incident_id ?? null;
