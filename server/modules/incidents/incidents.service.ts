import type { Transact } from '../../db/database';
import { AppError, conflict, notFound, validation } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Publish } from '../../realtime';
import type { AuditLog } from '../audit';
import type { IncidentImpacts } from '../services';
import type { UsersStore } from '../users';
import type { AlertsOf, ExecutionsOf, IncidentAlertPort } from './incidents.port';
import {
  EMBEDDED_TIMELINE, SEVERITY_ALIASES,
  type ActiveIncidentQuery, type AffectedService, type Impact, type Incident, type IncidentCreate, type IncidentDetail, type IncidentListQuery,
  type IncidentPatch, type IncidentResolve, type IncidentUpdateCreate, type PostmortemPut, type Severity, type Status, type TimelineEntry,
  type TimelineQuery,
} from './incidents.schemas';
import type { ImpactRow, IncidentChanges, IncidentRow, IncidentsStore } from './incidents.store';
import { createTimeline, toTimelineEntry } from './incidents.timeline';
import { canTransition, severityRank } from './incidents.transitions';

export const normalizeSeverity = (value: string): Severity => (SEVERITY_ALIASES[value] ?? value) as Severity;

/** Opsentry's severities are really impacts on services; Nightshift's own imply one by default. */
const IMPACT_OF_SEVERITY: Record<string, Impact> = {
  informational: 'none',
  degraded: 'degraded_performance',
  partial_outage: 'partial_outage',
  major_outage: 'major_outage',
  critical: 'major_outage',
  high: 'partial_outage',
  medium: 'degraded_performance',
  low: 'none',
};

/** The services an incident may link to, looked up in the services module (wired in app.ts). */
export type ServiceLookup = (orgId: string, ids: readonly string[]) => Array<{ id: string; name: string; slug: string; current_status: string }>;

// Changes made by alert ingestion have no person behind them; the integration is named in the details.
const ALERT_CONTEXT: RequestContext = { principal: null, ip: '', userAgent: null, requestId: '' };

export const toIncident = (row: IncidentRow): Incident => ({
  id: row.id,
  title: row.title,
  description: row.description,
  severity: row.severity,
  status: row.status,
  visibility: row.visibility,
  impact: row.impact,
  assignee: row.assignee_name,
  assignee_id: row.assignee_id,
  created_by: row.created_by,
  acknowledged_at: row.acknowledged_at,
  acknowledged_by: row.acknowledged_by,
  resolved_at: row.resolved_at,
  resolved_by: row.resolved_by,
  root_cause: row.root_cause,
  source: row.source,
  integration_id: row.integration_id,
  service_ids: JSON.parse(row.service_ids) as string[],
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/** A change to an incident, in the service's terms; undefined fields are left alone. */
interface Change {
  title?: string;
  description?: string;
  severity?: Severity;
  status?: Status;
  visibility?: 'public' | 'internal';
  impact?: Impact;
  assigneeId?: string | null;
  serviceIds?: readonly string[];
  rootCause?: string | null;
  /** Timeline message for a resolution. */
  resolveMessage?: string;
  /** Merged into the data of every timeline entry the change writes (e.g. the alert's own time). */
  entryData?: Record<string, unknown>;
}

interface Actor {
  userId: string | null;
  context: RequestContext;
}

const invalidTransition = (from: Status, to: Status) =>
  new AppError('INVALID_STATUS_TRANSITION', `An incident cannot go from ${from} to ${to}`, [
    { path: 'status', code: 'invalid_transition', message: `${from} → ${to} is not allowed` },
  ]);

/** When an incident was open, from its resolved/reopened history; incidents from before the timeline fall back to resolved_at. */
function openPeriods(row: ImpactRow): Array<[string, string | null]> {
  const transitions = JSON.parse(row.transitions) as Array<[string, string]>;
  if (transitions.length === 0) {
    if (row.incident_created_status === 'resolved') return [];
    return [[row.incident_created_at, row.resolved_at]];
  }
  const periods: Array<[string, string | null]> = [];
  let openedAt: string | null = row.incident_created_status === 'resolved' ? null : row.incident_created_at;
  for (const [kind, at] of transitions) {
    if (kind === 'resolved' && openedAt !== null) {
      periods.push([openedAt, at]);
      openedAt = null;
    } else if (kind === 'reopened' && openedAt === null) {
      openedAt = at;
    }
  }
  if (openedAt !== null) periods.push([openedAt, null]);
  return periods;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b);

export interface IncidentFacts {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  status: Status;
  service_ids: string[];
}

export function createIncidentService(deps: {
  store: IncidentsStore;
  users: UsersStore;
  services: ServiceLookup;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  publish?: Publish;
  /** The alerts of an incident, from the alerts module; without it `alerts` is empty. */
  alertsOf?: AlertsOf;
  /** The runbook executions of an incident, from the executions module; without it `executions` is empty. */
  executionsOf?: ExecutionsOf;
}) {
  const { store, audit, transact, clock } = deps;
  const timeline = createTimeline({ store, clock, publish: deps.publish });

  function load(orgId: string, id: string): IncidentRow {
    const row = store.get(orgId, id);
    if (!row) throw notFound('Incident');
    return row;
  }

  function announce(orgId: string, event: 'incident.created' | 'incident.updated' | 'incident.resolved', incident: Incident): void {
    deps.publish?.(orgId, 'incidents', { event, data: incident });
    deps.publish?.(orgId, `incident:${incident.id}`, { event, data: incident });
  }

  function assigneeName(orgId: string, assigneeId: string | null): string | null {
    if (assigneeId === null) return null;
    const user = deps.users.getInOrg(orgId, assigneeId);
    if (!user) throw validation('assignee_id', 'No such user in this organization', 'unknown_user');
    return user.name;
  }

  function servicesOf(orgId: string, ids: readonly string[]) {
    const found = deps.services(orgId, ids);
    const missing = ids.filter((id) => !found.some((s) => s.id === id));
    if (missing.length > 0) throw validation('service_ids', `No such service in this organization: ${missing.join(', ')}`, 'unknown_service');
    return found;
  }

  /** Links and unlinks services so the live set is `ids`; returns what changed, with names for the timeline. */
  function relink(orgId: string, incidentId: string, ids: readonly string[], impact: Impact, at: string) {
    const current = store.links(incidentId).map((l) => l.service_id);
    const added = ids.filter((id) => !current.includes(id));
    const removed = current.filter((id) => !ids.includes(id));
    const named = deps.services(orgId, [...added, ...removed]);
    const name = (id: string) => named.find((s) => s.id === id)?.name ?? id;
    for (const serviceId of added) store.link({ id: newId(), org_id: orgId, incident_id: incidentId, service_id: serviceId, impact, created_at: at });
    for (const serviceId of removed) store.unlink(incidentId, serviceId, at);
    return { added: added.map((id) => ({ id, name: name(id) })), removed: removed.map((id) => ({ id, name: name(id) })) };
  }

  /**
   * Applies a change inside the caller's transaction: validates it, writes the row, its timeline
   * entries and audit row, and announces the result after commit. Returns the incident as it is now.
   */
  function apply(orgId: string, before: IncidentRow, change: Change, actor: Actor, audited: { action?: string; details?: Record<string, unknown> } = {}): IncidentRow {
    const at = clock.now().toISOString();
    const columns: IncidentChanges = {};
    const entries: Array<Parameters<typeof timeline.add>[2]> = [];
    const by = { actorId: actor.userId, at };

    const edited: string[] = [];
    for (const field of ['title', 'description', 'visibility', 'impact'] as const) {
      const value = change[field];
      if (value !== undefined && value !== before[field]) {
        (columns as Record<string, unknown>)[field] = value;
        edited.push(field);
      }
    }
    if (change.rootCause !== undefined && change.rootCause !== before.root_cause) {
      columns.root_cause = change.rootCause;
      if (change.status !== 'resolved') edited.push('root_cause');
    }
    if (edited.length > 0) {
      const data: Record<string, unknown> = { fields: edited };
      for (const field of ['title', 'visibility', 'impact'] as const) if (edited.includes(field)) data[field] = { from: before[field], to: columns[field] };
      entries.push({ ...by, kind: 'edited', message: `Changed ${edited.join(', ').replace(/_/g, ' ')}`, data });
    }

    if (change.severity !== undefined && change.severity !== before.severity) {
      columns.severity = change.severity;
      entries.push({ ...by, kind: 'severity_changed', message: `Severity ${before.severity} → ${change.severity}`, data: { from: before.severity, to: change.severity } });
    }

    if (change.assigneeId !== undefined && change.assigneeId !== before.assignee_id) {
      const name = assigneeName(orgId, change.assigneeId);
      columns.assignee_id = change.assigneeId;
      entries.push({
        ...by, kind: 'assignee_changed', message: name ? `Assigned to ${name}` : 'Unassigned',
        data: { from: before.assignee_id, to: change.assigneeId, from_name: before.assignee_name, to_name: name },
      });
    }

    if (change.serviceIds !== undefined) {
      servicesOf(orgId, change.serviceIds);
      const { added, removed } = relink(orgId, before.id, change.serviceIds, columns.impact ?? before.impact, at);
      if (added.length + removed.length > 0) {
        const words = [added.length ? `Affects ${added.map((s) => s.name).join(', ')}` : '', removed.length ? `No longer affects ${removed.map((s) => s.name).join(', ')}` : ''];
        entries.push({ ...by, kind: 'services_changed', message: words.filter(Boolean).join('; '), data: { added, removed } });
      }
    }
    if (columns.impact !== undefined) store.setLinkImpact(before.id, columns.impact, at);

    if (change.status !== undefined && change.status !== before.status) {
      if (!canTransition(before.status, change.status)) throw invalidTransition(before.status, change.status);
      columns.status = change.status;
      if (change.status === 'resolved') {
        columns.resolved_at = at;
        columns.resolved_by = actor.userId;
        const rootCause = columns.root_cause ?? before.root_cause;
        entries.push({ ...by, kind: 'resolved', message: change.resolveMessage ?? 'Resolved', data: { from: before.status, root_cause: rootCause } });
      } else if (before.status === 'resolved') {
        columns.resolved_at = null;
        columns.resolved_by = null;
        entries.push({ ...by, kind: 'reopened', message: `Re-opened (${change.status})`, data: { from: before.status, to: change.status } });
      } else {
        entries.push({ ...by, kind: 'status_changed', message: `Status ${before.status} → ${change.status}`, data: { from: before.status, to: change.status } });
      }
    }

    if (entries.length === 0 && Object.keys(columns).length === 0) return before;
    store.update(orgId, before.id, columns, at);
    for (const entry of entries) timeline.add(orgId, before.id, change.entryData ? { ...entry, data: { ...entry.data, ...change.entryData } } : entry);
    const after = load(orgId, before.id);
    const resolved = after.status === 'resolved' && before.status !== 'resolved';
    const reopened = before.status === 'resolved' && after.status !== 'resolved';
    audit.record(actor.context, {
      orgId, action: audited.action ?? (resolved ? 'RESOLVE_INCIDENT' : reopened ? 'REOPEN_INCIDENT' : 'UPDATE_INCIDENT'),
      resourceType: 'incident', resourceId: before.id,
      changes: { before: auditable(before), after: auditable(after) },
      ...(audited.details ? { details: audited.details } : {}),
    });
    announce(orgId, resolved ? 'incident.resolved' : 'incident.updated', toIncident(after));
    return after;
  }

  /** Audit diffs carry the fields a person changes, not the markdown of descriptions in full. */
  const auditable = (row: IncidentRow) => {
    const { description, ...rest } = toIncident(row);
    return { ...rest, description_length: description.length };
  };

  function detail(orgId: string, row: IncidentRow): IncidentDetail {
    const postmortem = store.postmortem(orgId, row.id)!;
    const links = store.links(row.id);
    const services = deps.services(orgId, links.map((l) => l.service_id));
    const affected: AffectedService[] = links.flatMap((link) => {
      const service = services.find((s) => s.id === link.service_id);
      return service ? [{ id: service.id, name: service.name, slug: service.slug, current_status: service.current_status, impact: link.impact, linked_at: link.created_at }] : [];
    });
    return {
      ...toIncident(row),
      ...postmortem,
      timeline: store.newestTimeline(row.id, EMBEDDED_TIMELINE).map(toTimelineEntry),
      timeline_total: store.timelineCount(row.id),
      alerts: deps.alertsOf?.(orgId, row.id) ?? [],
      services: affected,
      executions: deps.executionsOf?.(orgId, row.id) ?? [],
    };
  }

  const personOf = (context: RequestContext, principal: Principal): Actor => ({ userId: principal.userId, context });

  function insertIncident(orgId: string, input: {
    title: string; description: string; severity: Severity; status: Status; visibility: 'public' | 'internal'; impact: Impact;
    assigneeId: string | null; serviceIds: readonly string[]; source: string; integrationId: string | null; sourceAt?: string;
  }, actor: Actor, auditDetails: Record<string, unknown> = {}): Incident {
    const now = clock.now().toISOString();
    const id = newId();
    if (input.assigneeId) assigneeName(orgId, input.assigneeId);
    store.insert({
      id, org_id: orgId, title: input.title, description: input.description, severity: input.severity, status: input.status,
      visibility: input.visibility, impact: input.impact, assignee_id: input.assigneeId, created_by: actor.userId,
      resolved_at: input.status === 'resolved' ? now : null, resolved_by: input.status === 'resolved' ? actor.userId : null,
      source: input.source, integration_id: input.integrationId, created_at: now, updated_at: now,
    });
    const by = { actorId: actor.userId, at: now };
    timeline.add(orgId, id, {
      ...by, kind: 'created',
      message: input.source === 'manual' ? 'Incident opened' : `Opened by an alert from ${input.source}`,
      data: {
        severity: input.severity, status: input.status, source: input.source, integration_id: input.integrationId,
        ...(input.sourceAt ? { source_at: input.sourceAt } : {}),
      },
    });
    if (input.serviceIds.length > 0) {
      const { added } = relink(orgId, id, input.serviceIds, input.impact, now);
      timeline.add(orgId, id, { ...by, kind: 'services_changed', message: `Affects ${added.map((s) => s.name).join(', ')}`, data: { added, removed: [] } });
    }
    audit.record(actor.context, {
      orgId, action: 'CREATE_INCIDENT', resourceType: 'incident', resourceId: id,
      details: { title: input.title, severity: input.severity, status: input.status, ...auditDetails },
    });
    const incident = toIncident(load(orgId, id));
    announce(orgId, 'incident.created', incident);
    return incident;
  }

  const alertPort: IncidentAlertPort = {
    openFromAlert(orgId, input) {
      return transact(() => {
        const serviceIds = input.serviceId && deps.services(orgId, [input.serviceId]).length > 0 ? [input.serviceId] : [];
        const incident = insertIncident(orgId, {
          title: input.title, description: input.description, severity: input.severity, status: 'active', visibility: 'public',
          impact: IMPACT_OF_SEVERITY[input.severity]!, assigneeId: null, serviceIds, source: input.source, integrationId: input.integrationId,
          sourceAt: input.at,
        }, { userId: null, context: ALERT_CONTEXT }, { source: input.source, integration_id: input.integrationId });
        return { id: incident.id };
      });
    },

    addTimelineEntry(orgId, incidentId, entry) {
      transact(() => {
        if (store.statusOf(orgId, incidentId) === null) throw notFound('Incident');
        // Stamped by this clock like everything else on the timeline, so an alert's entry never sorts
        // before the incident it opened; the sender's own time stays in the entry as source_at.
        const { at: sourceAt, ...rest } = entry;
        const now = clock.now().toISOString();
        timeline.add(orgId, incidentId, { ...rest, at: now, data: sourceAt ? { ...rest.data, source_at: sourceAt } : rest.data });
        // The list's "recently updated" order sees alert activity; the entry itself is the live event.
        store.update(orgId, incidentId, {}, now);
      });
    },

    statusOf: (orgId, incidentId) => store.statusOf(orgId, incidentId),

    raiseSeverity(orgId, incidentId, severity, at) {
      transact(() => {
        const row = load(orgId, incidentId);
        if (severityRank(severity) <= severityRank(row.severity)) return;
        apply(orgId, row, { severity, entryData: { source_at: at } }, { userId: null, context: ALERT_CONTEXT }, { details: { reason: 'alert' } });
      });
    },

    resolveFromAlerts(orgId, incidentId, at) {
      transact(() => {
        const row = load(orgId, incidentId);
        if (row.status === 'resolved') return;
        apply(orgId, row, { status: 'resolved', resolveMessage: 'Every alert resolved at the source', entryData: { source_at: at } }, { userId: null, context: ALERT_CONTEXT }, { details: { reason: 'alerts_resolved' } });
      });
    },
  };

  return {
    alertPort,

    /** What runbooks need of an incident: its own fields and linked services; null when not in this org. */
    facts(orgId: string, id: string): IncidentFacts | null {
      const row = store.get(orgId, id);
      if (!row) return null;
      return {
        id: row.id, title: row.title, description: row.description, severity: row.severity, status: row.status,
        service_ids: store.links(row.id).map((l) => l.service_id),
      };
    },

    list(principal: Principal, query: IncidentListQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const assignee = query.assignee;
      const { rows, total } = store.list(
        {
          orgId: principal.orgId,
          status: query.status,
          severity: query.severity ? normalizeSeverity(query.severity) : undefined,
          words: query.search?.split(/\s+/).filter(Boolean),
          from: query.from ? new Date(query.from).toISOString() : undefined,
          to: query.to ? new Date(query.to).toISOString() : undefined,
          serviceId: query.service_id,
          assigneeId: assignee === undefined ? undefined : assignee === 'unassigned' ? null : assignee === 'me' ? principal.userId : assignee,
        },
        query.sort ?? '-created_at',
        limit,
        offset,
      );
      return { data: rows.map(toIncident), meta: { total, limit, offset } };
    },

    /** Every incident not resolved yet, newest first (Opsentry's /incidents/active). */
    active(principal: Principal, query: ActiveIncidentQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list({ orgId: principal.orgId, open: true }, '-created_at', limit, offset);
      return { data: rows.map(toIncident), meta: { total, limit, offset } };
    },

    get: (principal: Principal, id: string): IncidentDetail => detail(principal.orgId, load(principal.orgId, id)),

    timeline(principal: Principal, id: string, query: TimelineQuery) {
      load(principal.orgId, id);
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      return { data: store.timeline(id, limit, offset).map(toTimelineEntry), meta: { total: store.timelineCount(id), limit, offset } };
    },

    create(context: RequestContext, principal: Principal, input: IncidentCreate): Incident {
      const severityInput = input.severity ?? 'medium';
      return transact(() => {
        const serviceIds = input.service_ids ?? [];
        servicesOf(principal.orgId, serviceIds);
        return insertIncident(principal.orgId, {
          title: input.title,
          description: input.description ?? '',
          severity: normalizeSeverity(severityInput),
          status: input.status ?? 'active',
          visibility: input.visibility ?? 'public',
          impact: input.impact ?? IMPACT_OF_SEVERITY[severityInput]!,
          assigneeId: input.assignee_id ?? null,
          serviceIds,
          source: 'manual',
          integrationId: null,
        }, personOf(context, principal));
      });
    },

    update(context: RequestContext, principal: Principal, id: string, input: IncidentPatch): IncidentDetail {
      return transact(() => {
        const before = load(principal.orgId, id);
        // Opsentry's severities name an impact too; an explicit impact wins.
        const impliedImpact = input.severity && input.severity in SEVERITY_ALIASES ? IMPACT_OF_SEVERITY[input.severity] : undefined;
        const after = apply(principal.orgId, before, {
          title: input.title,
          description: input.description,
          severity: input.severity ? normalizeSeverity(input.severity) : undefined,
          status: input.status,
          visibility: input.visibility,
          impact: input.impact ?? impliedImpact,
          assigneeId: input.assignee_id,
          serviceIds: input.service_ids,
          rootCause: input.root_cause,
        }, personOf(context, principal));
        return detail(principal.orgId, after);
      });
    },

    /** Opsentry's status update: a message on the timeline, optionally moving the incident's status. */
    postUpdate(context: RequestContext, principal: Principal, id: string, input: IncidentUpdateCreate): TimelineEntry & { status: Status; is_public: boolean } {
      return transact(() => {
        const before = load(principal.orgId, id);
        const visibility = input.visibility ?? (input.is_public === false ? 'internal' : 'public');
        const entry = timeline.add(principal.orgId, id, {
          kind: 'update', message: input.message, actorId: principal.userId, visibility,
          data: input.status && input.status !== before.status ? { status: { from: before.status, to: input.status } } : {},
        });
        const after = input.status
          ? apply(principal.orgId, before, { status: input.status }, personOf(context, principal), { details: { update_id: entry.id } })
          : before;
        if (after === before) {
          store.update(principal.orgId, id, {}, entry.created_at);
          audit.record(context, { orgId: principal.orgId, action: 'POST_INCIDENT_UPDATE', resourceType: 'incident', resourceId: id, details: { update_id: entry.id, visibility } });
          announce(principal.orgId, 'incident.updated', toIncident(load(principal.orgId, id)));
        }
        return { ...entry, status: after.status, is_public: visibility === 'public' };
      });
    },

    /** A fact, not a status: the first acknowledgement is kept; acknowledging again changes nothing. */
    acknowledge(context: RequestContext, principal: Principal, id: string): IncidentDetail {
      return transact(() => {
        const before = load(principal.orgId, id);
        if (before.acknowledged_at) return detail(principal.orgId, before);
        if (before.status === 'resolved') throw conflict('A resolved incident cannot be acknowledged');
        const now = clock.now().toISOString();
        store.update(principal.orgId, id, { acknowledged_at: now, acknowledged_by: principal.userId }, now);
        timeline.add(principal.orgId, id, { kind: 'acknowledged', message: 'Acknowledged', actorId: principal.userId, at: now });
        audit.record(context, { orgId: principal.orgId, action: 'ACKNOWLEDGE_INCIDENT', resourceType: 'incident', resourceId: id });
        const after = load(principal.orgId, id);
        announce(principal.orgId, 'incident.updated', toIncident(after));
        return detail(principal.orgId, after);
      });
    },

    resolve(context: RequestContext, principal: Principal, id: string, input: IncidentResolve): IncidentDetail {
      return transact(() => {
        const before = load(principal.orgId, id);
        if (before.status === 'resolved') throw invalidTransition('resolved', 'resolved');
        let after = apply(principal.orgId, before, {
          status: 'resolved', rootCause: input.root_cause, resolveMessage: input.message,
        }, personOf(context, principal));
        if (input.postmortem !== undefined) after = writePostmortem(context, principal, after, input.postmortem);
        return detail(principal.orgId, after);
      });
    },

    putPostmortem(context: RequestContext, principal: Principal, id: string, input: PostmortemPut): IncidentDetail {
      return transact(() => detail(principal.orgId, writePostmortem(context, principal, load(principal.orgId, id), input.postmortem)));
    },

    /** Incidents' impact on a service since an instant, for its uptime: each open period of each linked incident, clipped to the link. */
    impactsOn: ((orgId, serviceId, since) =>
      store.impactsOn(orgId, serviceId, since).flatMap((row) =>
        openPeriods(row).flatMap(([from, to]) => {
          const start = later(from, row.linked_at);
          const end = earlier(to, row.unlinked_at);
          return end !== null && Date.parse(end) <= Date.parse(start) ? [] : [{ from: start, to: end, impact: row.impact }];
        }),
      )) satisfies IncidentImpacts,
  };

  function writePostmortem(context: RequestContext, principal: Principal, before: IncidentRow, markdown: string): IncidentRow {
    const now = clock.now().toISOString();
    const previous = store.postmortem(principal.orgId, before.id)!.postmortem;
    const text = markdown.trim() === '' ? null : markdown;
    if (text === previous) return before;
    store.update(principal.orgId, before.id, { postmortem: text, postmortem_updated_at: now, postmortem_updated_by: principal.userId }, now);
    const message = text === null ? 'Postmortem removed' : previous === null ? 'Postmortem written' : 'Postmortem updated';
    timeline.add(principal.orgId, before.id, { kind: 'postmortem', message, actorId: principal.userId, at: now, data: { characters: text?.length ?? 0 } });
    audit.record(context, {
      orgId: principal.orgId, action: 'UPDATE_POSTMORTEM', resourceType: 'incident', resourceId: before.id,
      details: { characters: text?.length ?? 0, previous_characters: previous?.length ?? 0 },
    });
    const after = load(principal.orgId, before.id);
    announce(principal.orgId, 'incident.updated', toIncident(after));
    return after;
  }
}

export type IncidentService = ReturnType<typeof createIncidentService>;
