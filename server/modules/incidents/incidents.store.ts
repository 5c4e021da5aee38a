import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database';
import { incidentListStore, type IncidentFilter } from './incident-list.store';
import type { Impact, IncidentSort, Severity, Status, TimelineKind, TimelineVisibility } from './incidents.schemas';

export interface IncidentRow {
  id: string;
  org_id: string;
  title: string;
  description: string;
  severity: Severity;
  status: Status;
  visibility: 'public' | 'internal';
  impact: Impact;
  assignee_id: string | null;
  assignee_name: string | null;
  created_by: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  root_cause: string | null;
  source: string;
  integration_id: string | null;
  /** JSON array of the live linked service ids. */
  service_ids: string;
  created_at: string;
  updated_at: string;
}

export interface PostmortemRow {
  postmortem: string | null;
  postmortem_updated_at: string | null;
  postmortem_updated_by: string | null;
}

export type NewIncidentRow = Pick<
  IncidentRow,
  'id' | 'org_id' | 'title' | 'description' | 'severity' | 'status' | 'visibility' | 'impact' | 'assignee_id' | 'created_by'
  | 'resolved_at' | 'resolved_by' | 'source' | 'integration_id' | 'created_at' | 'updated_at'
>;

/** The columns an update may set; `updated_at` and `version` move with every update. */
export interface IncidentChanges {
  title?: string;
  description?: string;
  severity?: Severity;
  status?: Status;
  visibility?: 'public' | 'internal';
  impact?: Impact;
  assignee_id?: string | null;
  acknowledged_at?: string | null;
  acknowledged_by?: string | null;
  resolved_at?: string | null;
  resolved_by?: string | null;
  root_cause?: string | null;
  postmortem?: string | null;
  postmortem_updated_at?: string | null;
  postmortem_updated_by?: string | null;
}

const CHANGEABLE = new Set<keyof IncidentChanges>([
  'title', 'description', 'severity', 'status', 'visibility', 'impact', 'assignee_id', 'acknowledged_at', 'acknowledged_by',
  'resolved_at', 'resolved_by', 'root_cause', 'postmortem', 'postmortem_updated_at', 'postmortem_updated_by',
]);

export interface TimelineRow {
  id: string;
  org_id: string;
  incident_id: string;
  kind: TimelineKind;
  message: string;
  actor_id: string | null;
  actor_name: string | null;
  visibility: TimelineVisibility;
  /** JSON object. */
  data: string;
  created_at: string;
}

export interface LinkRow {
  id: string;
  service_id: string;
  impact: Impact;
  created_at: string;
}

/** One incident's link to a service, with what uptime needs to know about when the incident was open. */
export interface ImpactRow {
  incident_id: string;
  impact: Impact;
  linked_at: string;
  unlinked_at: string | null;
  incident_created_at: string;
  incident_created_status: Status;
  resolved_at: string | null;
  /** JSON array of [kind, at] for the incident's resolved/reopened timeline entries, oldest first. */
  transitions: string;
}

export type { IncidentFilter };

const COLUMNS = `i.id, i.org_id, i.title, i.description, i.severity, i.status, i.visibility, i.impact, i.assignee_id, u.name AS assignee_name,
  i.created_by, i.acknowledged_at, i.acknowledged_by, i.resolved_at, i.resolved_by, i.root_cause, i.source, i.integration_id,
  (SELECT json_group_array(l.service_id) FROM incident_services l CROSS JOIN services s ON s.id = l.service_id AND s.deleted_at IS NULL
     WHERE l.incident_id = i.id AND l.deleted_at IS NULL) AS service_ids,
  i.created_at, i.updated_at`;
const JOINS = 'LEFT JOIN users u ON u.id = i.assignee_id';
const FROM = `FROM incidents i ${JOINS}`;

export function incidentsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO incidents (id, org_id, title, description, severity, status, visibility, impact, assignee_id, created_by, resolved_at, resolved_by,
       source, integration_id, created_at, updated_at)
     VALUES (@id, @org_id, @title, @description, @severity, @status, @visibility, @impact, @assignee_id, @created_by, @resolved_at, @resolved_by,
       @source, @integration_id, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], IncidentRow>(`SELECT ${COLUMNS} ${FROM} WHERE i.id = ? AND i.org_id = ? AND i.deleted_at IS NULL`);
  const postmortemOf = db.prepare<[string, string], PostmortemRow>(
    'SELECT postmortem, postmortem_updated_at, postmortem_updated_by FROM incidents WHERE id = ? AND org_id = ?',
  );
  const statusOf = db.prepare<[string, string], { status: Status }>('SELECT status FROM incidents WHERE id = ? AND org_id = ? AND deleted_at IS NULL');
  const updates = new Map<string, Statement>();
  const list = incidentListStore(db, COLUMNS, JOINS);

  const insertEntry = db.prepare(
    `INSERT INTO incident_timeline (id, org_id, incident_id, kind, message, actor_id, visibility, data, created_at)
     VALUES (@id, @org_id, @incident_id, @kind, @message, @actor_id, @visibility, @data, @created_at)`,
  );
  const ENTRY = `SELECT t.id, t.org_id, t.incident_id, t.kind, t.message, t.actor_id, u.name AS actor_name, t.visibility, t.data, t.created_at
    FROM incident_timeline t LEFT JOIN users u ON u.id = t.actor_id`;
  const entryById = db.prepare<[string], TimelineRow>(`${ENTRY} WHERE t.id = ?`);
  const timelinePage = db.prepare<[string, number, number], TimelineRow>(`${ENTRY} WHERE t.incident_id = ? ORDER BY t.created_at, t.id LIMIT ? OFFSET ?`);
  const timelineNewest = db.prepare<[string, number], TimelineRow>(
    `SELECT * FROM (${ENTRY} WHERE t.incident_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT ?) ORDER BY created_at, id`,
  );
  const timelineCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM incident_timeline WHERE incident_id = ?');

  const liveLinks = db.prepare<[string], LinkRow>(
    `SELECT l.id, l.service_id, l.impact, l.created_at FROM incident_services l CROSS JOIN services s ON s.id = l.service_id AND s.deleted_at IS NULL
     WHERE l.incident_id = ? AND l.deleted_at IS NULL ORDER BY l.created_at, l.id`,
  );
  const insertLink = db.prepare(
    `INSERT INTO incident_services (id, org_id, incident_id, service_id, impact, created_at, updated_at)
     VALUES (@id, @org_id, @incident_id, @service_id, @impact, @created_at, @created_at)`,
  );
  const unlink = db.prepare<[string, string, string, string]>(
    'UPDATE incident_services SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE incident_id = ? AND service_id = ? AND deleted_at IS NULL',
  );
  const setLinkImpact = db.prepare<[Impact, string, string]>(
    'UPDATE incident_services SET impact = ?, updated_at = ?, version = version + 1 WHERE incident_id = ? AND deleted_at IS NULL',
  );
  const impacts = db.prepare<[string, string, string], ImpactRow>(
    `SELECT l.incident_id, l.impact, l.created_at AS linked_at, l.deleted_at AS unlinked_at, i.created_at AS incident_created_at,
       coalesce((SELECT json_extract(t.data, '$.status') FROM incident_timeline t WHERE t.incident_id = i.id AND t.kind = 'created'), 'active') AS incident_created_status,
       i.resolved_at,
       (SELECT json_group_array(json_array(kind, created_at)) FROM (SELECT t.kind, t.created_at FROM incident_timeline t
          WHERE t.incident_id = i.id AND t.kind IN ('resolved', 'reopened') ORDER BY t.created_at, t.id)) AS transitions
     FROM incident_services l JOIN incidents i ON i.id = l.incident_id
     WHERE l.service_id = ? AND l.org_id = ? AND i.deleted_at IS NULL AND (l.deleted_at IS NULL OR l.deleted_at > ?)`,
  );

  return {
    insert: (row: NewIncidentRow) => void insert.run(row),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    postmortem: (orgId: string, id: string) => postmortemOf.get(id, orgId),
    statusOf: (orgId: string, id: string) => statusOf.get(id, orgId)?.status ?? null,

    update(orgId: string, id: string, changes: IncidentChanges, at: string): void {
      const fields = (Object.keys(changes) as (keyof IncidentChanges)[]).filter((f) => changes[f] !== undefined && CHANGEABLE.has(f)).sort();
      const key = fields.join(',');
      let statement = updates.get(key);
      if (!statement) {
        const sets = fields.map((f) => `${f} = @${f}`);
        statement = db.prepare(`UPDATE incidents SET ${[...sets, 'updated_at = @at', 'version = version + 1'].join(', ')} WHERE id = @id AND org_id = @org_id`);
        updates.set(key, statement);
      }
      statement.run({ ...Object.fromEntries(fields.map((f) => [f, changes[f]])), at, id, org_id: orgId });
    },

    /** One page of the list and the total it is a page of (incident-list.store.ts plans it). */
    list: (filter: IncidentFilter, sort: IncidentSort, limit: number, offset: number): { rows: IncidentRow[]; total: number } =>
      list.list<IncidentRow>(filter, sort, limit, offset),

    insertEntry: (row: Omit<TimelineRow, 'actor_name'>) => void insertEntry.run(row),
    entry: (id: string) => entryById.get(id),
    timeline: (incidentId: string, limit: number, offset: number) => timelinePage.all(incidentId, limit, offset),
    newestTimeline: (incidentId: string, limit: number) => timelineNewest.all(incidentId, limit),
    timelineCount: (incidentId: string) => timelineCount.get(incidentId)!.n,

    links: (incidentId: string) => liveLinks.all(incidentId),
    link: (row: { id: string; org_id: string; incident_id: string; service_id: string; impact: Impact; created_at: string }) => void insertLink.run(row),
    unlink: (incidentId: string, serviceId: string, at: string) => void unlink.run(at, at, incidentId, serviceId),
    setLinkImpact: (incidentId: string, impact: Impact, at: string) => void setLinkImpact.run(impact, at, incidentId),
    /** Every link of the service that still held at `since` or later, with its incident's open/closed history. */
    impactsOn: (orgId: string, serviceId: string, since: string) => impacts.all(serviceId, orgId, since),
  };
}

export type IncidentsStore = ReturnType<typeof incidentsStore>;
