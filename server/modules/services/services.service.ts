import type { Transact } from '../../db/database';
import { AppError, notFound } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { AuditLog } from '../audit';
import type { HistoryQuery, Service, ServiceCreate, ServiceListQuery, ServicePatch, ServiceUptime, StatusHistoryEntry } from './services.schemas';
import { SERVICES_DEFAULT_LIMIT } from './services.schemas';
import type { ServiceChanges, ServiceRow, ServicesStore } from './services.store';
import { uptimePercent, type ImpactSpan } from './uptime';

export const toService = (row: ServiceRow): Service => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description,
  current_status: row.current_status,
  visibility: row.visibility,
  tags: JSON.parse(row.tags) as string[],
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/** `Main API!` → `main-api`; a name with no letters or digits gets `service`. */
export const slugify = (name: string): string =>
  name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100).replace(/-+$/, '') || 'service';

/** Incidents' impact on a service since an instant: supplied by the incidents module, which owns the links. */
export type IncidentImpacts = (orgId: string, serviceId: string, since: string) => Array<{ from: string; to: string | null; impact: ImpactSpan['impact'] }>;

const DAY_MS = 86_400_000;
const WINDOWS = { uptime_24h: DAY_MS, uptime_7d: 7 * DAY_MS, uptime_30d: 30 * DAY_MS } as const;

export function createServiceService(deps: { store: ServicesStore; audit: AuditLog; transact: Transact; clock: Clock; incidentImpacts: IncidentImpacts }) {
  const { store, audit, transact, clock } = deps;

  function load(orgId: string, id: string): ServiceRow {
    const row = store.get(orgId, id);
    if (!row) throw notFound('Service');
    return row;
  }

  function claimSlug(orgId: string, slug: string, self?: string): void {
    const owner = store.slugOwner(orgId, slug);
    if (owner && owner !== self) {
      throw new AppError('SERVICE_SLUG_TAKEN', `A service with slug "${slug}" already exists`, [{ path: 'slug', code: 'taken', message: 'Slug already in use' }]);
    }
  }

  return {
    list(principal: Principal, query: ServiceListQuery) {
      const limit = query.limit ?? SERVICES_DEFAULT_LIMIT;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list(
        { orgId: principal.orgId, status: query.status, visibility: query.visibility, tag: query.tag, words: query.search?.split(/\s+/).filter(Boolean) },
        limit,
        offset,
      );
      return { data: rows.map(toService), meta: { total, limit, offset } };
    },

    get: (principal: Principal, id: string): Service => toService(load(principal.orgId, id)),

    create(context: RequestContext, principal: Principal, input: ServiceCreate): Service {
      const now = clock.now().toISOString();
      const row: ServiceRow = {
        id: newId(),
        org_id: principal.orgId,
        slug: input.slug ?? slugify(input.name),
        name: input.name,
        description: input.description ?? '',
        current_status: input.current_status ?? 'operational',
        visibility: input.visibility ?? 'public',
        tags: JSON.stringify(input.tags ?? []),
        created_at: now,
        updated_at: now,
      };
      transact(() => {
        claimSlug(principal.orgId, row.slug);
        store.insert(row);
        store.insertHistory({ id: newId(), org_id: row.org_id, service_id: row.id, status: row.current_status, changed_by: principal.userId, started_at: now });
        audit.record(context, {
          orgId: principal.orgId, action: 'CREATE_SERVICE', resourceType: 'service', resourceId: row.id,
          details: { name: row.name, slug: row.slug, current_status: row.current_status },
        });
      });
      return toService(row);
    },

    update(context: RequestContext, principal: Principal, id: string, input: ServicePatch): Service {
      return transact(() => {
        const before = load(principal.orgId, id);
        const changes: ServiceChanges = {
          name: input.name,
          slug: input.slug,
          description: input.description,
          current_status: input.current_status,
          visibility: input.visibility,
          tags: input.tags ? JSON.stringify(input.tags) : undefined,
        };
        for (const key of Object.keys(changes) as (keyof ServiceChanges)[]) if (changes[key] === before[key]) delete changes[key];
        if (Object.values(changes).every((v) => v === undefined)) return toService(before);
        if (changes.slug) claimSlug(principal.orgId, changes.slug, id);
        const now = clock.now().toISOString();
        store.update(principal.orgId, id, changes, now);
        if (changes.current_status) {
          store.insertHistory({ id: newId(), org_id: principal.orgId, service_id: id, status: changes.current_status, changed_by: principal.userId, started_at: now });
        }
        const after = load(principal.orgId, id);
        audit.record(context, {
          orgId: principal.orgId, action: 'UPDATE_SERVICE', resourceType: 'service', resourceId: id,
          changes: { before: toService(before), after: toService(after) },
        });
        return toService(after);
      });
    },

    remove(context: RequestContext, principal: Principal, id: string): void {
      transact(() => {
        const row = load(principal.orgId, id);
        store.remove(principal.orgId, id, clock.now().toISOString());
        audit.record(context, {
          orgId: principal.orgId, action: 'DELETE_SERVICE', resourceType: 'service', resourceId: id,
          snapshot: { name: row.name, slug: row.slug },
        });
      });
    },

    history(principal: Principal, id: string, query: HistoryQuery) {
      load(principal.orgId, id);
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.history(id, limit, offset);
      const data: StatusHistoryEntry[] = rows.map((r) => ({ ...r }));
      return { data, meta: { total, limit, offset } };
    },

    /**
     * Uptime over the last 24 h, 7 d and 30 d from the service's status history and the impact of
     * the incidents linked to it; time under maintenance is left out of both sides.
     */
    uptime(principal: Principal, id: string): ServiceUptime {
      const row = load(principal.orgId, id);
      const end = clock.now().getTime();
      const created = Date.parse(row.created_at);
      const since = new Date(Math.max(created, end - WINDOWS.uptime_30d)).toISOString();
      const history = store.historySince(id, since).map((h) => ({ status: h.status, at: Date.parse(h.started_at) }));
      const impacts = deps.incidentImpacts(principal.orgId, id, since).map((s) => ({
        from: Date.parse(s.from), to: s.to === null ? null : Date.parse(s.to), impact: s.impact,
      }));
      const percent = (windowMs: number) => uptimePercent({ start: Math.max(created, end - windowMs), end, history, impacts });
      return {
        service_id: id,
        uptime_24h: percent(WINDOWS.uptime_24h),
        uptime_7d: percent(WINDOWS.uptime_7d),
        uptime_30d: percent(WINDOWS.uptime_30d),
      };
    },

    /** For other modules: the live services among `ids`. */
    lookup: (orgId: string, ids: readonly string[]): ServiceRow[] => store.getMany(orgId, ids),
  };
}

export type ServiceService = ReturnType<typeof createServiceService>;
