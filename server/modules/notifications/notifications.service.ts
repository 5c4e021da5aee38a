import type { Transact } from '../../db/database';
import { notFound, validation } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { notificationsTopic, type Publish } from '../../realtime';
import type { AuditLog } from '../audit';
import {
  DEFAULT_SEVERITIES, type Notification, type NotificationKind, type NotificationListQuery, type NotificationRule, type NotificationRuleCreate,
  type NotificationRuleUpdate, type RuleSeverity,
} from './notifications.schemas';
import type { NotificationRow, NotificationsStore, RuleRow } from './notifications.store';

/**
 * Whether notifications about incidents on these services are held back at `at` (a maintenance
 * window). The seam for maintenance windows; until they exist nothing is suppressed.
 */
export type IsSuppressed = (orgId: string, serviceIds: readonly string[], at: string) => boolean;
export const neverSuppressed: IsSuppressed = () => false;

/** The ids among `ids` that are services of the organization. */
export type KnownServices = (orgId: string, ids: readonly string[]) => string[];

/** What the notifications need to know of an incident, as its live events carry it. */
export interface IncidentFacts {
  id: string;
  title: string;
  severity: RuleSeverity;
  status: string;
  assignee_id: string | null;
  service_ids: string[];
}

export interface IncidentChange {
  orgId: string;
  incident: IncidentFacts;
  /** The person whose change this is, who is never told of it; null for alerts and the system. */
  actorId: string | null;
  /** Set when this change assigned the incident to someone. */
  assignedTo: string | null;
  resolved: boolean;
}

const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  incident_id: row.incident_id,
  severity: row.severity,
  read: row.read_at !== null,
  read_at: row.read_at,
  created_at: row.created_at,
});

const toRule = (row: RuleRow): NotificationRule => ({
  id: row.id,
  name: row.name,
  severities: JSON.parse(row.severities) as RuleSeverity[],
  service_ids: JSON.parse(row.service_ids) as string[],
  enabled: row.enabled === 1,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/** Whether a person with these rules wants to hear of the incident; no rules means the default. */
export function wants(rules: readonly NotificationRule[], incident: Pick<IncidentFacts, 'severity' | 'service_ids'>): boolean {
  if (rules.length === 0) return DEFAULT_SEVERITIES.includes(incident.severity);
  return rules.some((rule) => rule.enabled && rule.severities.includes(incident.severity)
    && (rule.service_ids.length === 0 || rule.service_ids.some((id) => incident.service_ids.includes(id))));
}

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export interface NotificationDeps {
  store: NotificationsStore;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  publish?: Publish;
  isSuppressed?: IsSuppressed;
  knownServices?: KnownServices;
}

export function createNotificationService(deps: NotificationDeps) {
  const { store, audit, transact, clock } = deps;
  const isSuppressed = deps.isSuppressed ?? neverSuppressed;

  function ruleOrThrow(principal: Principal, id: string): RuleRow {
    const row = store.getRule(principal.orgId, principal.userId, id);
    if (!row) throw notFound('Notification rule');
    return row;
  }

  function checkServices(orgId: string, ids: readonly string[] | undefined): void {
    if (!ids?.length || !deps.knownServices) return;
    const known = deps.knownServices(orgId, ids);
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length) throw validation('service_ids', `No such service in this organization: ${unknown.join(', ')}`, 'unknown_service');
  }

  /** Who hears of the incident under their rules (or the default), grouped from one read of the org's rules. */
  function interested(orgId: string, incident: IncidentFacts): string[] {
    const rulesByUser = new Map<string, NotificationRule[]>();
    for (const row of store.rulesOfOrg(orgId)) {
      const rules = rulesByUser.get(row.user_id) ?? [];
      rules.push(toRule(row));
      rulesByUser.set(row.user_id, rules);
    }
    return store.members(orgId).filter((userId) => wants(rulesByUser.get(userId) ?? [], incident));
  }

  function message(kind: NotificationKind, incident: IncidentFacts): { title: string; body: string } {
    const severity = capitalized(incident.severity);
    if (kind === 'incident_assigned') return { title: `Assigned to you: ${incident.title}`, body: `${severity} incident, ${incident.status}` };
    if (kind === 'incident_resolved') return { title: `Resolved: ${incident.title}`, body: `${severity} incident` };
    return { title: `${severity} incident: ${incident.title}`, body: `Status ${incident.status}` };
  }

  return {
    list(principal: Principal, query: NotificationListQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list(principal.orgId, principal.userId, query.unread, limit, offset);
      return { data: rows.map(toNotification), meta: { total, limit, offset } };
    },

    mark(context: RequestContext, principal: Principal, id: string, read: boolean): Notification {
      const row = store.get(principal.orgId, principal.userId, id);
      if (!row) throw notFound('Notification');
      if ((row.read_at !== null) === read) return toNotification(row);
      const now = clock.now().toISOString();
      const readAt = read ? now : null;
      transact(() => {
        store.setRead(id, readAt, now);
        audit.record(context, {
          orgId: principal.orgId, action: read ? 'READ_NOTIFICATION' : 'UNREAD_NOTIFICATION', resourceType: 'notification', resourceId: id,
        });
      });
      return toNotification({ ...row, read_at: readAt, updated_at: now });
    },

    markAllRead(context: RequestContext, principal: Principal): { updated: number } {
      return transact(() => {
        const updated = store.readAll(principal.orgId, principal.userId, clock.now().toISOString());
        if (updated > 0) audit.record(context, { orgId: principal.orgId, action: 'READ_ALL_NOTIFICATIONS', resourceType: 'notification', details: { count: updated } });
        return { updated };
      });
    },

    rules(principal: Principal, limit: number, offset: number) {
      const { rows, total } = store.listRules(principal.orgId, principal.userId, limit, offset);
      return { data: rows.map(toRule), meta: { total, limit, offset } };
    },

    createRule(context: RequestContext, principal: Principal, input: NotificationRuleCreate): NotificationRule {
      checkServices(principal.orgId, input.service_ids);
      const now = clock.now().toISOString();
      const row: RuleRow = {
        id: newId(), org_id: principal.orgId, user_id: principal.userId, name: input.name ?? '',
        severities: JSON.stringify(input.severities), service_ids: JSON.stringify(input.service_ids ?? []),
        enabled: input.enabled === false ? 0 : 1, created_at: now, updated_at: now,
      };
      const rule = toRule(row);
      transact(() => {
        store.insertRule(row);
        audit.record(context, {
          orgId: principal.orgId, action: 'CREATE_NOTIFICATION_RULE', resourceType: 'notification_rule', resourceId: row.id,
          details: { severities: rule.severities, service_ids: rule.service_ids, enabled: rule.enabled },
        });
      });
      return rule;
    },

    updateRule(context: RequestContext, principal: Principal, id: string, input: NotificationRuleUpdate): NotificationRule {
      const before = ruleOrThrow(principal, id);
      checkServices(principal.orgId, input.service_ids);
      const after: RuleRow = {
        ...before,
        name: input.name ?? before.name,
        severities: input.severities ? JSON.stringify(input.severities) : before.severities,
        service_ids: input.service_ids ? JSON.stringify(input.service_ids) : before.service_ids,
        enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0,
        updated_at: clock.now().toISOString(),
      };
      const { updated_at: _before, ...was } = toRule(before);
      const { updated_at: _after, ...now } = toRule(after);
      transact(() => {
        store.updateRule(after);
        audit.record(context, {
          orgId: principal.orgId, action: 'UPDATE_NOTIFICATION_RULE', resourceType: 'notification_rule', resourceId: id, changes: { before: was, after: now },
        });
      });
      return toRule(after);
    },

    removeRule(context: RequestContext, principal: Principal, id: string): void {
      const row = ruleOrThrow(principal, id);
      transact(() => {
        store.deleteRule(id, clock.now().toISOString());
        audit.record(context, {
          orgId: principal.orgId, action: 'DELETE_NOTIFICATION_RULE', resourceType: 'notification_rule', resourceId: id,
          snapshot: { name: row.name, severities: JSON.parse(row.severities), service_ids: JSON.parse(row.service_ids) },
        });
      });
    },

    /**
     * Tells people about an incident change: those whose rules it matches and who were not told of
     * it yet (since its last resolution), unless its services are in maintenance; the person it was
     * assigned to; and, when it resolves, everyone told of it. Never the person who made the change.
     */
    incidentChanged(change: IncidentChange): void {
      const { orgId, incident, actorId } = change;
      const now = clock.now().toISOString();
      const told = new Set(store.toldOf(incident.id));
      const notices: Array<{ userId: string; kind: NotificationKind }> = [];
      if (change.resolved) {
        const audience = new Set(told);
        if (incident.assignee_id) audience.add(incident.assignee_id);
        for (const userId of audience) notices.push({ userId, kind: 'incident_resolved' });
      } else {
        if (change.assignedTo) notices.push({ userId: change.assignedTo, kind: 'incident_assigned' });
        if (incident.status !== 'resolved' && !isSuppressed(orgId, incident.service_ids, now)) {
          for (const userId of interested(orgId, incident)) {
            if (!told.has(userId) && userId !== change.assignedTo) notices.push({ userId, kind: 'incident_opened' });
          }
        }
      }
      const rows = notices.filter((n) => n.userId !== actorId).map(({ userId, kind }): NotificationRow => ({
        id: newId(), org_id: orgId, user_id: userId, kind, incident_id: incident.id, ...message(kind, incident),
        severity: incident.severity, read_at: null, created_at: now, updated_at: now,
      }));
      if (rows.length === 0) return;
      // Made by the system, not by a request: the incident change that caused them is what is audited.
      transact(() => {
        for (const row of rows) store.insert(row);
        transact.afterCommit(() => {
          for (const row of rows) deps.publish?.(orgId, notificationsTopic(row.user_id), { event: 'notification.created', data: toNotification(row) });
        });
      });
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
