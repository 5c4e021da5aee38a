import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { Severity } from '../incidents';
import type { Platform } from './integrations.schemas';

export interface IntegrationRow {
  id: string;
  org_id: string;
  platform: Platform;
  name: string;
  enabled: number;
  secret_prefix: string;
  signing_secret: string | null;
  settings: string;
  credentials: string | null;
  default_severity: Severity | null;
  service_id: string | null;
  group_by: string | null;
  subscription: string | null;
  last_received_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export type IntegrationInsert = Omit<IntegrationRow, 'subscription' | 'last_received_at'> & { secret_hash: string };

/** The fields PATCH may change. */
export type IntegrationChanges = Pick<IntegrationRow, 'name' | 'enabled' | 'signing_secret' | 'settings' | 'credentials' | 'default_severity' | 'service_id' | 'group_by'>;

const COLUMNS = `id, org_id, platform, name, enabled, secret_prefix, signing_secret, settings, credentials, default_severity, service_id,
  group_by, subscription, last_received_at, created_by, created_at, updated_at`;

export function integrationsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO integrations (id, org_id, platform, name, enabled, secret_hash, secret_prefix, signing_secret, settings, credentials,
       default_severity, service_id, group_by, created_by, created_at, updated_at)
     VALUES (@id, @org_id, @platform, @name, @enabled, @secret_hash, @secret_prefix, @signing_secret, @settings, @credentials,
       @default_severity, @service_id, @group_by, @created_by, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], IntegrationRow>(`SELECT ${COLUMNS} FROM integrations WHERE id = ? AND org_id = ? AND deleted_at IS NULL`);
  const bySecret = db.prepare<[string], IntegrationRow>(`SELECT ${COLUMNS} FROM integrations WHERE secret_hash = ? AND deleted_at IS NULL`);
  const update = db.prepare(
    `UPDATE integrations SET name = @name, enabled = @enabled, signing_secret = @signing_secret, settings = @settings, credentials = @credentials,
       default_severity = @default_severity, service_id = @service_id, group_by = @group_by, updated_at = @updated_at, version = version + 1
     WHERE id = @id AND deleted_at IS NULL`,
  );
  const rotate = db.prepare(
    'UPDATE integrations SET secret_hash = ?, secret_prefix = ?, updated_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL',
  );
  // The secret hash is replaced too, so a deleted integration's secret can never match again.
  const remove = db.prepare(
    "UPDATE integrations SET deleted_at = ?, updated_at = ?, secret_hash = 'deleted:' || id, version = version + 1 WHERE id = ? AND deleted_at IS NULL",
  );
  const subscription = db.prepare('UPDATE integrations SET subscription = ?, updated_at = ?, version = version + 1 WHERE id = ?');
  // Not a change a person made: no version bump, so sync does not carry it around.
  const received = db.prepare('UPDATE integrations SET last_received_at = ? WHERE id = ?');
  const service = db.prepare<[string, string], { id: string }>('SELECT id FROM services WHERE id = ? AND org_id = ? AND deleted_at IS NULL');

  return {
    insert: (row: IntegrationInsert) => void insert.run(row),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    findBySecretHash: (hash: string) => bySecret.get(hash),
    /** Newest first. */
    list(orgId: string, platform: Platform | undefined, limit: number, offset: number) {
      const where = platform ? 'org_id = ? AND platform = ? AND deleted_at IS NULL' : 'org_id = ? AND deleted_at IS NULL';
      const params = platform ? [orgId, platform] : [orgId];
      const rows = db.prepare(`SELECT ${COLUMNS} FROM integrations WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as IntegrationRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM integrations WHERE ${where}`).get(...params) as { n: number }).n);
    },
    update: (id: string, changes: IntegrationChanges, now: string) => void update.run({ ...changes, id, updated_at: now }),
    rotateSecret: (id: string, hash: string, prefix: string, now: string) => void rotate.run(hash, prefix, now, id),
    remove: (id: string, now: string) => void remove.run(now, now, id),
    recordSubscription: (id: string, json: string, now: string) => void subscription.run(json, now, id),
    markReceived: (id: string, at: string) => void received.run(at, id),
    serviceExists: (orgId: string, serviceId: string) => service.get(serviceId, orgId) !== undefined,
  };
}

export type IntegrationsStore = ReturnType<typeof integrationsStore>;
