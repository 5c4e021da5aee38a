import type { Transact } from '../../db/database';
import { notFound, validation } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Publish } from '../../realtime';
import type { AuditLog } from '../audit';
import type { UsersStore } from '../users';
import { SEVERITY_ALIASES, type ActiveIncidentQuery, type Incident, type IncidentCreate, type IncidentListQuery, type Severity } from './incidents.schemas';
import type { IncidentRow, IncidentsStore } from './incidents.store';

export const normalizeSeverity = (value: string): Severity => (SEVERITY_ALIASES[value] ?? value) as Severity;

const toIncident = (row: IncidentRow): Incident => ({
  id: row.id,
  title: row.title,
  description: row.description,
  severity: row.severity,
  status: row.status,
  visibility: row.visibility,
  assignee: row.assignee_name,
  assignee_id: row.assignee_id,
  created_by: row.created_by,
  acknowledged_at: row.acknowledged_at,
  acknowledged_by: row.acknowledged_by,
  resolved_at: row.resolved_at,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export function createIncidentService(deps: { store: IncidentsStore; users: UsersStore; audit: AuditLog; transact: Transact; clock: Clock; publish?: Publish }) {
  const { store, audit, transact, clock } = deps;
  return {
    list(principal: Principal, query: IncidentListQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list(
        {
          orgId: principal.orgId,
          status: query.status,
          severity: query.severity ? normalizeSeverity(query.severity) : undefined,
          words: query.search?.split(/\s+/).filter(Boolean),
          from: query.from ? new Date(query.from).toISOString() : undefined,
          to: query.to ? new Date(query.to).toISOString() : undefined,
        },
        limit,
        offset,
      );
      return { data: rows.map(toIncident), meta: { total, limit, offset } };
    },

    /** Every incident not resolved yet, newest first (Opsentry's /incidents/active). */
    active(principal: Principal, query: ActiveIncidentQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list({ orgId: principal.orgId, open: true }, limit, offset);
      return { data: rows.map(toIncident), meta: { total, limit, offset } };
    },

    get(principal: Principal, id: string): Incident {
      const row = store.get(principal.orgId, id);
      if (!row) throw notFound('Incident');
      return toIncident(row);
    },

    create(context: RequestContext, principal: Principal, input: IncidentCreate): Incident {
      const assigneeId = input.assignee_id ?? null;
      if (assigneeId && !deps.users.getInOrg(principal.orgId, assigneeId)) throw validation('assignee_id', 'No such user in this organization', 'unknown_user');
      const now = clock.now().toISOString();
      const row = {
        id: newId(),
        org_id: principal.orgId,
        title: input.title,
        description: input.description ?? '',
        severity: normalizeSeverity(input.severity ?? 'medium'),
        status: input.status ?? 'active',
        visibility: input.visibility ?? 'public',
        assignee_id: assigneeId,
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
      } as const;
      transact(() => {
        store.insert(row);
        audit.record(context, {
          orgId: principal.orgId, action: 'CREATE_INCIDENT', resourceType: 'incident', resourceId: row.id,
          details: { title: row.title, severity: row.severity, status: row.status },
        });
      });
      const incident = toIncident(store.get(principal.orgId, row.id)!);
      transact.afterCommit(() => deps.publish?.(principal.orgId, 'incidents', { event: 'incident.created', data: incident }));
      return incident;
    },
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
