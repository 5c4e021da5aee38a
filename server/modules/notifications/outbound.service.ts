import { createHmac } from 'node:crypto';
import type { Transact } from '../../db/database';
import { AppError, notFound } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import { refusedUrl } from '../../lib/address-guard';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { AuditLog } from '../audit';
import { createDeliveryWorker } from './delivery-worker';
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointUpdate, WebhookSecret } from './outbound.schemas';
import { TEST_EVENT_TYPE } from './outbound.schemas';
import type { DeliveryRow, EndpointRow, OutboundStore } from './outbound.store';
import type { Send } from './sender';
import { secretFromKey } from './signing';

/** After a rotation the previous secret keeps signing (beside the new one) this long, so receivers can switch over. */
export const ROTATION_GRACE_MS = 24 * 3600_000;

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  description: row.description,
  event_types: JSON.parse(row.event_types) as string[],
  enabled: row.enabled === 1,
  created_by: row.created_by,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  endpoint_id: row.endpoint_id,
  event_type: row.event_type,
  status: row.status,
  attempts: row.attempts,
  next_attempt_at: row.next_attempt_at,
  last_attempt_at: row.last_attempt_at,
  last_status_code: row.last_status_code,
  last_error: row.last_error,
  payload: JSON.parse(row.payload) as unknown,
  created_at: row.created_at,
  delivered_at: row.delivered_at,
});

function assertAllowedUrl(url: string): void {
  const refused = refusedUrl(url);
  if (refused) throw new AppError('WEBHOOK_URL_NOT_ALLOWED', `The webhook URL ${refused}`, [{ path: 'url', code: 'not_allowed', message: refused }]);
}

/** A webhook URL may itself be a credential (Slack's are): the audit log keeps only where it points. */
const auditedUrl = (url: string): string => new URL(url).origin;

export interface OutboundDeps {
  store: OutboundStore;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  /** The server's key; each organization's signing secret is derived from it, so none is stored. */
  rootKey: Buffer;
  send: Send;
  onError(error: unknown): void;
}

/** The outbound webhook channel: the organization's endpoints, its signing secret, and the outbox. */
export function createOutboundService(deps: OutboundDeps) {
  const { store, audit, transact, clock } = deps;
  // Every event looks up its organization's endpoints: kept in memory, refreshed when they change.
  const endpointCache = new Map<string, EndpointRow[]>();

  const secretOf = (orgId: string, generation: number): string =>
    secretFromKey(createHmac('sha256', deps.rootKey).update(`nightshift webhook signing secret\0${orgId}\0${generation}`).digest());

  function secretsFor(orgId: string, at: Date): string[] {
    const row = store.secret(orgId);
    if (!row) return [secretOf(orgId, 1)];
    const secrets = [secretOf(orgId, row.generation)];
    if (row.previous_valid_until && Date.parse(row.previous_valid_until) > at.getTime()) secrets.push(secretOf(orgId, row.generation - 1));
    return secrets;
  }

  function describeSecret(orgId: string): WebhookSecret {
    const row = store.secret(orgId);
    return {
      secret: secretOf(orgId, row?.generation ?? 1),
      rotated_at: row?.rotated_at ?? null,
      previous_secret_valid_until: row?.previous_valid_until ?? null,
    };
  }

  const worker = createDeliveryWorker({ store, clock, send: deps.send, secretsFor, onError: deps.onError });

  function endpointOrThrow(principal: Principal, id: string): EndpointRow {
    const row = store.getEndpoint(principal.orgId, id);
    if (!row) throw notFound('Webhook endpoint');
    return row;
  }

  function enabledEndpoints(orgId: string): EndpointRow[] {
    let rows = endpointCache.get(orgId);
    if (!rows) endpointCache.set(orgId, (rows = store.enabledEndpoints(orgId)));
    return rows;
  }

  /** Writes one delivery per endpoint in the caller's transaction (or its own); sending starts after commit. */
  function enqueue(orgId: string, endpoints: EndpointRow[], type: string, data: unknown): DeliveryRow['id'][] {
    if (endpoints.length === 0) return [];
    const now = clock.now().toISOString();
    const payload = JSON.stringify({ type, timestamp: now, data });
    const ids = transact(() =>
      endpoints.map((endpoint) => {
        const id = newId();
        store.insertDelivery({ id, org_id: orgId, endpoint_id: endpoint.id, event_type: type, payload, created_at: now });
        return id;
      }),
    );
    transact.afterCommit(worker.wake);
    return ids;
  }

  return {
    list(principal: Principal, limit: number, offset: number) {
      const { rows, total } = store.listEndpoints(principal.orgId, limit, offset);
      return { data: rows.map(toEndpoint), meta: { total, limit, offset } };
    },

    get: (principal: Principal, id: string): WebhookEndpoint => toEndpoint(endpointOrThrow(principal, id)),

    create(context: RequestContext, principal: Principal, input: WebhookEndpointCreate): WebhookEndpoint {
      assertAllowedUrl(input.url);
      const now = clock.now().toISOString();
      const row: EndpointRow = {
        id: newId(),
        org_id: principal.orgId,
        url: input.url,
        description: input.description ?? '',
        event_types: JSON.stringify(input.event_types ?? []),
        enabled: input.enabled === false ? 0 : 1,
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
      };
      transact(() => {
        store.insertEndpoint(row);
        audit.record(context, {
          orgId: principal.orgId, action: 'CREATE_WEBHOOK_ENDPOINT', resourceType: 'webhook_endpoint', resourceId: row.id,
          details: { url: auditedUrl(row.url), event_types: input.event_types ?? [], enabled: row.enabled === 1 },
        });
      });
      endpointCache.delete(principal.orgId);
      return toEndpoint(row);
    },

    update(context: RequestContext, principal: Principal, id: string, input: WebhookEndpointUpdate): WebhookEndpoint {
      const before = endpointOrThrow(principal, id);
      if (input.url !== undefined) assertAllowedUrl(input.url);
      const after: EndpointRow = {
        ...before,
        url: input.url ?? before.url,
        description: input.description ?? before.description,
        event_types: input.event_types ? JSON.stringify(input.event_types) : before.event_types,
        enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0,
        updated_at: clock.now().toISOString(),
      };
      const audited = (row: EndpointRow) => ({ ...toEndpoint(row), url: auditedUrl(row.url), updated_at: undefined });
      transact(() => {
        store.updateEndpoint(after);
        audit.record(context, {
          orgId: principal.orgId, action: 'UPDATE_WEBHOOK_ENDPOINT', resourceType: 'webhook_endpoint', resourceId: id,
          changes: { before: audited(before), after: audited(after) },
        });
      });
      endpointCache.delete(principal.orgId);
      // Switched back on: what waited for it can go now.
      if (after.enabled === 1) worker.wake();
      return toEndpoint(after);
    },

    remove(context: RequestContext, principal: Principal, id: string): void {
      const row = endpointOrThrow(principal, id);
      transact(() => {
        store.deleteEndpoint(id, clock.now().toISOString());
        audit.record(context, {
          orgId: principal.orgId, action: 'DELETE_WEBHOOK_ENDPOINT', resourceType: 'webhook_endpoint', resourceId: id,
          snapshot: { url: auditedUrl(row.url), description: row.description },
        });
      });
      endpointCache.delete(principal.orgId);
    },

    deliveries(principal: Principal, endpointId: string, limit: number, offset: number) {
      endpointOrThrow(principal, endpointId);
      const { rows, total } = store.listDeliveries(principal.orgId, endpointId, limit, offset);
      return { data: rows.map(toDelivery), meta: { total, limit, offset } };
    },

    /** Queues a `webhook.test` event for one endpoint (switched on or not: it waits like any other). */
    test(context: RequestContext, principal: Principal, endpointId: string): WebhookDelivery {
      const endpoint = endpointOrThrow(principal, endpointId);
      const [id] = transact(() => {
        audit.record(context, { orgId: principal.orgId, action: 'TEST_WEBHOOK_ENDPOINT', resourceType: 'webhook_endpoint', resourceId: endpointId });
        return enqueue(principal.orgId, [endpoint], TEST_EVENT_TYPE, { message: 'A test event from Nightshift', endpoint_id: endpointId });
      });
      return toDelivery(store.getDelivery(principal.orgId, id!)!);
    },

    /** Queues an event for every switched-on endpoint of the organization that wants it. */
    publish(orgId: string, type: string, data: unknown): void {
      const endpoints = enabledEndpoints(orgId);
      if (endpoints.length === 0) return;
      const wanting = endpoints.filter((e) => e.event_types === '[]' || (JSON.parse(e.event_types) as string[]).includes(type));
      enqueue(orgId, wanting, type, data);
    },

    secret(context: RequestContext, principal: Principal): WebhookSecret {
      // Reading a secret is worth a line in the audit log, like reading any other.
      transact(() => audit.record(context, { orgId: principal.orgId, action: 'READ_WEBHOOK_SECRET', resourceType: 'webhook_secret' }));
      return describeSecret(principal.orgId);
    },

    rotateSecret(context: RequestContext, principal: Principal): WebhookSecret {
      const now = clock.now();
      transact(() => {
        store.rotateSecret({ org_id: principal.orgId, rotated_at: now.toISOString(), previous_valid_until: new Date(now.getTime() + ROTATION_GRACE_MS).toISOString() });
        audit.record(context, { orgId: principal.orgId, action: 'ROTATE_WEBHOOK_SECRET', resourceType: 'webhook_secret' });
      });
      return describeSecret(principal.orgId);
    },

    close: () => worker.stop(),
  };
}

export type OutboundService = ReturnType<typeof createOutboundService>;
