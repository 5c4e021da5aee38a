import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { Severity } from '../incidents';
import type { AlertStatus } from './alerts.schemas';

export interface AlertRow {
  id: string;
  org_id: string;
  integration_id: string;
  incident_id: string;
  source: string;
  dedup_key: string;
  group_key: string;
  status: AlertStatus;
  title: string;
  description: string;
  severity: Severity;
  labels: string;
  links: string;
  starts_at: string | null;
  ends_at: string | null;
  received_at: string;
  last_received_at: string;
  created_at: string;
  updated_at: string;
}

/** An alert row without its large text columns, and whether those equal what a notification carries. */
export type AlertHead = Omit<AlertRow, 'title' | 'description' | 'labels' | 'links'> & { same_content: 0 | 1 };

/** What a new notification may change on an alert row. */
export type AlertRefresh = Pick<AlertRow, 'status' | 'title' | 'description' | 'severity' | 'labels' | 'links' | 'starts_at' | 'ends_at'>;

export interface AlertFilter {
  orgId: string;
  status?: AlertStatus;
  severity?: Severity;
  integrationId?: string;
  incidentId?: string;
}

export interface DeadLetterRow {
  id: string;
  org_id: string;
  integration_id: string;
  platform: string;
  reason: string;
  message: string;
  content_type: string | null;
  headers: string;
  body: string;
  body_bytes: number;
  truncated: number;
  request_id: string | null;
  received_at: string;
}

const COLUMNS = `id, org_id, integration_id, incident_id, source, dedup_key, group_key, status, title, description, severity, labels, links,
  starts_at, ends_at, received_at, last_received_at, created_at, updated_at`;

/** Dead letters kept per integration; older ones go as new ones arrive. */
const DEAD_LETTERS_KEPT = 500;

export function alertsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO alerts (${COLUMNS}) VALUES (@id, @org_id, @integration_id, @incident_id, @source, @dedup_key, @group_key, @status, @title,
       @description, @severity, @labels, @links, @starts_at, @ends_at, @received_at, @last_received_at, @created_at, @updated_at)`,
  );
  // The text columns are compared where they are, not read out: a repeat notification only needs to know they did not change.
  const latestByDedup = db.prepare<[{ integration_id: string; dedup_key: string; title: string; description: string; labels: string; links: string }], AlertHead>(
    `SELECT id, org_id, integration_id, incident_id, source, dedup_key, group_key, status, severity, starts_at, ends_at, received_at, last_received_at,
       created_at, updated_at, (title = @title AND description = @description AND labels = @labels AND links = @links) AS same_content
     FROM alerts WHERE integration_id = @integration_id AND dedup_key = @dedup_key AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const latestInGroup = db.prepare<[string, string], { incident_id: string }>(
    'SELECT incident_id FROM alerts WHERE integration_id = ? AND group_key = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1',
  );
  const refresh = db.prepare(
    `UPDATE alerts SET status = @status, title = @title, description = @description, severity = @severity, labels = @labels, links = @links,
       starts_at = @starts_at, ends_at = @ends_at, last_received_at = @now, updated_at = @now, version = version + 1 WHERE id = @id`,
  );
  const touch = db.prepare('UPDATE alerts SET last_received_at = ? WHERE id = ?');
  const firing = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM alerts WHERE incident_id = ? AND status = 'firing' AND deleted_at IS NULL");
  // One incident's alerts come through its own index; left to itself, the planner walks the whole
  // organization's alerts in time order to spare the sort of a few.
  const ofIncident = db.prepare<[string, string], AlertRow>(
    `SELECT ${COLUMNS} FROM alerts INDEXED BY alerts_incident WHERE org_id = ? AND incident_id = ? AND deleted_at IS NULL ORDER BY received_at, id`,
  );
  const byId = db.prepare<[string], AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = ?`);

  const delivery = db.prepare<[string, string], { response: string }>('SELECT response FROM webhook_deliveries WHERE integration_id = ? AND delivery_id = ?');
  const recordDelivery = db.prepare('INSERT INTO webhook_deliveries (integration_id, delivery_id, received_at, response) VALUES (?, ?, ?, ?)');
  const purgeDeliveries = db.prepare('DELETE FROM webhook_deliveries WHERE received_at < ?');

  const insertDeadLetter = db.prepare(
    `INSERT INTO webhook_dead_letters (id, org_id, integration_id, platform, reason, message, content_type, headers, body, body_bytes, truncated, request_id, received_at)
     VALUES (@id, @org_id, @integration_id, @platform, @reason, @message, @content_type, @headers, @body, @body_bytes, @truncated, @request_id, @received_at)`,
  );
  const pruneDeadLetters = db.prepare(
    `DELETE FROM webhook_dead_letters WHERE integration_id = ? AND id NOT IN
       (SELECT id FROM webhook_dead_letters WHERE integration_id = ? ORDER BY received_at DESC, id DESC LIMIT ${DEAD_LETTERS_KEPT})`,
  );
  const listDeadLetters = db.prepare<[string, string, number, number], DeadLetterRow>(
    `SELECT id, org_id, integration_id, platform, reason, message, content_type, headers, body, body_bytes, truncated, request_id, received_at
       FROM webhook_dead_letters WHERE org_id = ? AND integration_id = ? ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?`,
  );
  const countDeadLetters = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM webhook_dead_letters WHERE org_id = ? AND integration_id = ?');

  return {
    insert: (row: AlertRow) => void insert.run(row),
    get: (id: string) => byId.get(id),
    /** The newest row for this alert identity (its current occurrence), and whether its text equals `content`. */
    latestByDedup: (integrationId: string, dedupKey: string, content: Pick<AlertRow, 'title' | 'description' | 'labels' | 'links'>) =>
      latestByDedup.get({ integration_id: integrationId, dedup_key: dedupKey, title: content.title, description: content.description, labels: content.labels, links: content.links }),
    /** The incident of the group's newest alert. */
    latestIncidentInGroup: (integrationId: string, groupKey: string) => latestInGroup.get(integrationId, groupKey)?.incident_id,
    refresh: (id: string, fields: AlertRefresh, now: string) => void refresh.run({ ...fields, id, now }),
    touch: (id: string, now: string) => void touch.run(now, id),
    firingCount: (incidentId: string) => firing.get(incidentId)!.n,
    ofIncident: (orgId: string, incidentId: string) => ofIncident.all(orgId, incidentId),
    /** Newest first. */
    list(filter: AlertFilter, limit: number, offset: number): { rows: AlertRow[]; total: number } {
      const clauses = ['org_id = ?', 'deleted_at IS NULL'];
      const params: unknown[] = [filter.orgId];
      const add = (clause: string, value: unknown) => {
        clauses.push(clause);
        params.push(value);
      };
      if (filter.status) add('status = ?', filter.status);
      if (filter.severity) add('severity = ?', filter.severity);
      if (filter.integrationId) add('integration_id = ?', filter.integrationId);
      if (filter.incidentId) add('incident_id = ?', filter.incidentId);
      const where = clauses.join(' AND ');
      // As in ofIncident: an incident's alerts through the incident's index, whatever else filters them.
      const from = filter.incidentId ? 'alerts INDEXED BY alerts_incident' : 'alerts';
      const rows = db.prepare(`SELECT ${COLUMNS} FROM ${from} WHERE ${where} ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as AlertRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where}`).get(...params) as { n: number }).n);
    },

    deliveryResponse: (integrationId: string, deliveryId: string) => delivery.get(integrationId, deliveryId)?.response,
    recordDelivery: (integrationId: string, deliveryId: string, at: string, response: string) => void recordDelivery.run(integrationId, deliveryId, at, response),
    purgeDeliveriesBefore: (cutoff: string) => purgeDeliveries.run(cutoff).changes,

    insertDeadLetter(row: DeadLetterRow): void {
      insertDeadLetter.run(row);
      pruneDeadLetters.run(row.integration_id, row.integration_id);
    },
    listDeadLetters: (orgId: string, integrationId: string, limit: number, offset: number) =>
      withTotal(listDeadLetters.all(orgId, integrationId, limit, offset), limit, offset, () => countDeadLetters.get(orgId, integrationId)!.n),
  };
}

export type AlertsStore = ReturnType<typeof alertsStore>;
