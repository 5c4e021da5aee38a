import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { NotificationKind, RuleSeverity } from './notifications.schemas';

export interface NotificationRow {
  id: string;
  org_id: string;
  user_id: string;
  kind: NotificationKind;
  incident_id: string | null;
  title: string;
  body: string;
  severity: RuleSeverity | null;
  read_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RuleRow {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  severities: string;
  service_ids: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

const NOTIFICATION_COLUMNS = 'id, org_id, user_id, kind, incident_id, title, body, severity, read_at, created_at, updated_at';
const RULE_COLUMNS = 'id, org_id, user_id, name, severities, service_ids, enabled, created_at, updated_at';

export function notificationsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO notifications (id, org_id, user_id, kind, incident_id, title, body, severity, read_at, created_at, updated_at)
     VALUES (@id, @org_id, @user_id, @kind, @incident_id, @title, @body, @severity, @read_at, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string, string], NotificationRow>(
    `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = ? AND org_id = ? AND user_id = ? AND deleted_at IS NULL`,
  );
  const setRead = db.prepare('UPDATE notifications SET read_at = ?, updated_at = ?, version = version + 1 WHERE id = ?');
  const readAll = db.prepare(
    'UPDATE notifications SET read_at = ?, updated_at = ?, version = version + 1 WHERE org_id = ? AND user_id = ? AND read_at IS NULL AND deleted_at IS NULL',
  );
  // Since the incident's last resolution (a resolved incident that re-opens starts afresh).
  const told = db.prepare<[{ incident: string }], { user_id: string }>(
    `SELECT DISTINCT user_id FROM notifications
      WHERE incident_id = @incident AND kind <> 'incident_resolved'
        AND created_at > coalesce((SELECT max(created_at) FROM notifications WHERE incident_id = @incident AND kind = 'incident_resolved'), '')`,
  );
  const members = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE org_id = ? AND deleted_at IS NULL');

  const insertRule = db.prepare(
    `INSERT INTO notification_rules (id, org_id, user_id, name, severities, service_ids, enabled, created_at, updated_at)
     VALUES (@id, @org_id, @user_id, @name, @severities, @service_ids, @enabled, @created_at, @updated_at)`,
  );
  const ruleById = db.prepare<[string, string, string], RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM notification_rules WHERE id = ? AND org_id = ? AND user_id = ? AND deleted_at IS NULL`,
  );
  const rulesOfUser = db.prepare<[string, string, number, number], RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM notification_rules WHERE org_id = ? AND user_id = ? AND deleted_at IS NULL ORDER BY created_at, id LIMIT ? OFFSET ?`,
  );
  const countRules = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM notification_rules WHERE org_id = ? AND user_id = ? AND deleted_at IS NULL',
  );
  const rulesOfOrg = db.prepare<[string], RuleRow>(`SELECT ${RULE_COLUMNS} FROM notification_rules WHERE org_id = ? AND deleted_at IS NULL`);
  const updateRule = db.prepare(
    `UPDATE notification_rules SET name = @name, severities = @severities, service_ids = @service_ids, enabled = @enabled,
       updated_at = @updated_at, version = version + 1 WHERE id = @id AND deleted_at IS NULL`,
  );
  const deleteRule = db.prepare('UPDATE notification_rules SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL');

  return {
    insert: (row: NotificationRow) => void insert.run(row),
    get: (orgId: string, userId: string, id: string) => byId.get(id, orgId, userId),
    /** Newest first; `unread` narrows to unread (true) or read (false) ones. */
    list(orgId: string, userId: string, unread: boolean | undefined, limit: number, offset: number) {
      const filter = unread === undefined ? '' : unread ? 'AND read_at IS NULL' : 'AND read_at IS NOT NULL';
      const where = `org_id = ? AND user_id = ? AND deleted_at IS NULL ${filter}`;
      const rows = db.prepare(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(orgId, userId, limit, offset) as NotificationRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM notifications WHERE ${where}`).get(orgId, userId) as { n: number }).n);
    },
    setRead: (id: string, readAt: string | null, now: string) => void setRead.run(readAt, now, id),
    readAll: (orgId: string, userId: string, now: string) => readAll.run(now, now, orgId, userId).changes,
    /** The people told of the incident since it was last resolved. */
    toldOf: (incidentId: string) => told.all({ incident: incidentId }).map((r) => r.user_id),
    members: (orgId: string) => members.all(orgId).map((r) => r.id),

    insertRule: (row: RuleRow) => void insertRule.run(row),
    getRule: (orgId: string, userId: string, id: string) => ruleById.get(id, orgId, userId),
    listRules: (orgId: string, userId: string, limit: number, offset: number) =>
      withTotal(rulesOfUser.all(orgId, userId, limit, offset), limit, offset, () => countRules.get(orgId, userId)!.n),
    rulesOfOrg: (orgId: string) => rulesOfOrg.all(orgId),
    updateRule: (row: Pick<RuleRow, 'id' | 'name' | 'severities' | 'service_ids' | 'enabled' | 'updated_at'>) => void updateRule.run(row),
    deleteRule: (id: string, now: string) => void deleteRule.run(now, now, id),
  };
}

export type NotificationsStore = ReturnType<typeof notificationsStore>;
