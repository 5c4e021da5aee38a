import type { RateLimits } from '../../config';
import type { Transact } from '../../db/database';
import { notFound } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { AuditLog } from '../audit';
import { defaultSettings, type Organization, type OrganizationPatch, type OrganizationSettings, type OrganizationSettingsPatch } from './orgs.schemas';
import type { OrgRow, OrgsStore } from './orgs.store';

export const PLAN = 'self-hosted';

const toOrganization = (row: OrgRow): Organization => ({
  id: row.id, name: row.name, slug: row.slug, plan: PLAN, created_at: row.created_at, updated_at: row.updated_at,
});

export const slugify = (name: string): string =>
  name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'org';

function readSettings(row: Pick<OrgRow, 'settings'>, fallbackCommands: boolean): OrganizationSettings {
  // Stored settings are merged over today's defaults, so a setting added in a later release has a value.
  return { ...defaultSettings(fallbackCommands), ...(JSON.parse(row.settings) as Partial<OrganizationSettings>) };
}

export function createOrgService(deps: { store: OrgsStore; audit: AuditLog; transact: Transact; clock: Clock; allowCommandStepsByDefault: boolean }) {
  const { store, audit, transact, clock } = deps;
  const rateLimitCache = new Map<string, Partial<RateLimits>>();

  const load = (orgId: string): OrgRow => {
    const row = store.get(orgId);
    if (!row) throw notFound('Organization');
    return row;
  };

  function limitsFrom(settings: OrganizationSettings): Partial<RateLimits> {
    const r = settings.rate_limits;
    const pairs: [keyof RateLimits, number | null | undefined][] = [
      ['user', r.user], ['apiKey', r.api_key], ['webhook', r.webhook], ['search', r.search], ['org', r.org],
    ];
    return Object.fromEntries(pairs.filter(([, v]) => typeof v === 'number')) as Partial<RateLimits>;
  }

  return {
    /** Inside the caller's transaction (registration). */
    create(name: string): Organization {
      const now = clock.now().toISOString();
      const row: OrgRow = {
        id: newId(), name, slug: slugify(name), settings: JSON.stringify(defaultSettings(deps.allowCommandStepsByDefault)),
        created_at: now, updated_at: now,
      };
      store.insert(row);
      return toOrganization(row);
    },

    get: (orgId: string): Organization => toOrganization(load(orgId)),

    update(context: RequestContext, principal: Principal, patch: OrganizationPatch): Organization {
      const row = load(principal.orgId);
      const next = { id: row.id, name: patch.name ?? row.name, slug: patch.slug ?? row.slug, updated_at: clock.now().toISOString() };
      transact(() => {
        store.update(next);
        audit.record(context, {
          orgId: row.id, action: 'UPDATE_ORGANIZATION', resourceType: 'organization', resourceId: row.id,
          changes: { before: { name: row.name, slug: row.slug }, after: { name: next.name, slug: next.slug } },
        });
      });
      return toOrganization({ ...row, ...next });
    },

    settings: (orgId: string): OrganizationSettings => readSettings(load(orgId), deps.allowCommandStepsByDefault),

    updateSettings(context: RequestContext, principal: Principal, patch: OrganizationSettingsPatch): OrganizationSettings {
      const before = readSettings(load(principal.orgId), deps.allowCommandStepsByDefault);
      const after: OrganizationSettings = { ...before, ...patch, rate_limits: { ...before.rate_limits, ...(patch.rate_limits ?? {}) } };
      transact(() => {
        store.updateSettings(principal.orgId, JSON.stringify(after), clock.now().toISOString());
        audit.record(context, {
          orgId: principal.orgId, action: 'UPDATE_ORGANIZATION_SETTINGS', resourceType: 'organization_settings', resourceId: principal.orgId,
          changes: { before: before as unknown as Record<string, unknown>, after: after as unknown as Record<string, unknown> },
        });
      });
      rateLimitCache.set(principal.orgId, limitsFrom(after));
      return after;
    },

    /** Organizations that keep their audit log for a limited time. */
    auditRetention(): { orgId: string; days: number }[] {
      return store.allSettings().flatMap((row) => {
        const days = readSettings(row, deps.allowCommandStepsByDefault).audit_retention_days;
        return days ? [{ orgId: row.id, days }] : [];
      });
    },

    /** Cached: asked on every request by the rate limiter. */
    rateLimits(orgId: string): Partial<RateLimits> {
      let limits = rateLimitCache.get(orgId);
      if (!limits) {
        const row = store.get(orgId);
        limits = row ? limitsFrom(readSettings(row, deps.allowCommandStepsByDefault)) : {};
        rateLimitCache.set(orgId, limits);
      }
      return limits;
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
