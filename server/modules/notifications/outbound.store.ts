import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';

export interface EndpointRow {
  id: string;
  org_id: string;
  url: string;
  description: string;
  event_types: string;
  enabled: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeliveryRow {
  id: string;
  org_id: string;
  endpoint_id: string;
  event_type: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A delivery that is due, with where it goes. */
export interface DueDelivery extends DeliveryRow {
  url: string;
}

export interface SecretRow {
  org_id: string;
  generation: number;
  rotated_at: string;
  previous_valid_until: string | null;
}

const ENDPOINT_COLUMNS = 'id, org_id, url, description, event_types, enabled, created_by, created_at, updated_at';
const DELIVERY_COLUMNS = `id, org_id, endpoint_id, event_type, payload, status, attempts, next_attempt_at, last_attempt_at,
  last_status_code, last_error, created_at, delivered_at`;

export function outboundStore(db: Db) {
  const insertEndpoint = db.prepare(
    `INSERT INTO outbound_endpoints (id, org_id, url, description, event_types, enabled, created_by, created_at, updated_at)
     VALUES (@id, @org_id, @url, @description, @event_types, @enabled, @created_by, @created_at, @updated_at)`,
  );
  const endpointById = db.prepare<[string, string], EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM outbound_endpoints WHERE id = ? AND org_id = ? AND deleted_at IS NULL`,
  );
  const listEndpoints = db.prepare<[string, number, number], EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM outbound_endpoints WHERE org_id = ? AND deleted_at IS NULL ORDER BY created_at, id LIMIT ? OFFSET ?`,
  );
  const countEndpoints = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM outbound_endpoints WHERE org_id = ? AND deleted_at IS NULL');
  const enabledEndpoints = db.prepare<[string], EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM outbound_endpoints WHERE org_id = ? AND deleted_at IS NULL AND enabled = 1 ORDER BY created_at, id`,
  );
  const updateEndpoint = db.prepare(
    `UPDATE outbound_endpoints SET url = @url, description = @description, event_types = @event_types, enabled = @enabled,
       updated_at = @updated_at, version = version + 1 WHERE id = @id AND deleted_at IS NULL`,
  );
  const deleteEndpoint = db.prepare('UPDATE outbound_endpoints SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL');
  const abandonPending = db.prepare(
    `UPDATE outbound_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE endpoint_id = ? AND status = 'pending'`,
  );

  const insertDelivery = db.prepare(
    `INSERT INTO outbound_deliveries (id, org_id, endpoint_id, event_type, payload, status, next_attempt_at, created_at)
     VALUES (@id, @org_id, @endpoint_id, @event_type, @payload, 'pending', @created_at, @created_at)`,
  );
  const deliveryById = db.prepare<[string, string], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM outbound_deliveries WHERE id = ? AND org_id = ?`);
  const listDeliveries = db.prepare<[string, string, number, number], DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM outbound_deliveries WHERE endpoint_id = ? AND org_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
  );
  const countDeliveries = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM outbound_deliveries WHERE endpoint_id = ? AND org_id = ?');
  // Endpoints switched off keep their deliveries waiting until they are switched on again.
  const due = db.prepare<[string, number], DueDelivery>(
    `SELECT d.id, d.org_id, d.endpoint_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,
            d.last_status_code, d.last_error, d.created_at, d.delivered_at, e.url
       FROM outbound_deliveries d JOIN outbound_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1 AND e.deleted_at IS NULL
      WHERE d.status = 'pending' AND d.next_attempt_at <= ?
      ORDER BY d.next_attempt_at, d.id LIMIT ?`,
  );
  const recordAttempt = db.prepare(
    `UPDATE outbound_deliveries SET status = @status, attempts = attempts + 1, next_attempt_at = @next_attempt_at, last_attempt_at = @at,
       last_status_code = @status_code, last_error = @error, delivered_at = @delivered_at WHERE id = @id AND status = 'pending'`,
  );
  const prune = db.prepare(`DELETE FROM outbound_deliveries WHERE status <> 'pending' AND created_at < ?`);

  const secretOf = db.prepare<[string], SecretRow>('SELECT org_id, generation, rotated_at, previous_valid_until FROM outbound_secrets WHERE org_id = ?');
  const rotate = db.prepare(
    `INSERT INTO outbound_secrets (org_id, generation, rotated_at, previous_valid_until) VALUES (@org_id, 2, @rotated_at, @previous_valid_until)
     ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1, rotated_at = excluded.rotated_at, previous_valid_until = excluded.previous_valid_until`,
  );

  return {
    insertEndpoint: (row: EndpointRow) => void insertEndpoint.run(row),
    getEndpoint: (orgId: string, id: string) => endpointById.get(id, orgId),
    listEndpoints: (orgId: string, limit: number, offset: number) =>
      withTotal(listEndpoints.all(orgId, limit, offset), limit, offset, () => countEndpoints.get(orgId)!.n),
    enabledEndpoints: (orgId: string) => enabledEndpoints.all(orgId),
    updateEndpoint: (row: Pick<EndpointRow, 'id' | 'url' | 'description' | 'event_types' | 'enabled' | 'updated_at'>) => void updateEndpoint.run(row),
    deleteEndpoint(id: string, now: string): void {
      deleteEndpoint.run(now, now, id);
      abandonPending.run('The endpoint was deleted', id);
    },

    insertDelivery: (row: Pick<DeliveryRow, 'id' | 'org_id' | 'endpoint_id' | 'event_type' | 'payload' | 'created_at'>) => void insertDelivery.run(row),
    getDelivery: (orgId: string, id: string) => deliveryById.get(id, orgId),
    listDeliveries: (orgId: string, endpointId: string, limit: number, offset: number) =>
      withTotal(listDeliveries.all(endpointId, orgId, limit, offset), limit, offset, () => countDeliveries.get(endpointId, orgId)!.n),
    due: (now: string, limit: number) => due.all(now, limit),
    /** Records one attempt's outcome; false when the delivery was no longer pending (e.g. its endpoint was deleted meanwhile). */
    recordAttempt: (outcome: {
      id: string; status: DeliveryRow['status']; at: string; next_attempt_at: string | null; status_code: number | null; error: string | null; delivered_at: string | null;
    }) => recordAttempt.run(outcome).changes > 0,
    /** Forgets finished deliveries created before `before`. */
    prune: (before: string) => prune.run(before).changes,

    secret: (orgId: string) => secretOf.get(orgId),
    rotateSecret: (row: { org_id: string; rotated_at: string; previous_valid_until: string }) => void rotate.run(row),
  };
}

export type OutboundStore = ReturnType<typeof outboundStore>;
