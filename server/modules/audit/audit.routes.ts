import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Transact } from '../../db/database';
import { contextOf, type Principal } from '../../http/principal';
import { Nullable, PageMeta, StringEnum, Timestamp } from '../../http/schemas';
import type { AuditLog } from './audit.service';
import type { AuditFilter } from './audit.store';

const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 100, description: 'Exact action verb, e.g. CREATE_API_KEY' })),
    event_type: Type.Optional(Type.String({ maxLength: 100, description: 'Alias of action (Overwatch)' })),
    actor: Type.Optional(Type.String({ maxLength: 64, description: 'Acting user id (24observe)' })),
    actor_user_id: Type.Optional(Type.String({ maxLength: 64 })),
    pat_id: Type.Optional(Type.String({ maxLength: 64, description: 'Acting API key id (24observe)' })),
    token_id: Type.Optional(Type.String({ maxLength: 64 })),
    resource_type: Type.Optional(Type.String({ maxLength: 64 })),
    resource_id: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 25 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    format: Type.Optional(StringEnum(['json', 'csv'] as const, { default: 'json', description: 'csv streams every matching row (limit/offset ignored)' })),
  },
  { additionalProperties: false },
);
type AuditQuery = Static<typeof AuditQuery>;

const AuditEvent = Type.Object({
  id: Type.String(),
  created_at: Timestamp,
  org_id: Nullable(Type.String()),
  action: Type.String(),
  resource: Type.String({ description: 'type:id' }),
  resource_type: Type.String(),
  resource_id: Nullable(Type.String()),
  actor_user_id: Nullable(Type.String()),
  actor_token_id: Nullable(Type.String()),
  actor_email: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  meta: Type.Record(Type.String(), Type.Unknown(), { description: 'changed_fields, diff (sensitive fields redacted), snapshot, ip, ua' }),
});

const AuditPage = Type.Object({ data: Type.Array(AuditEvent), meta: PageMeta });

function filterFrom(principal: Principal, query: AuditQuery): AuditFilter {
  return {
    orgId: principal.orgId,
    action: query.action ?? query.event_type,
    actorUserId: query.actor_user_id ?? query.actor,
    actorTokenId: query.token_id ?? query.pat_id,
    resourceType: query.resource_type,
    resourceId: query.resource_id,
    from: query.from ? new Date(query.from).toISOString() : undefined,
    to: query.to ? new Date(query.to).toISOString() : undefined,
  };
}

export function auditRoutes(audit: AuditLog, transact: Transact): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const url of ['/audit', '/audit-logs', '/admin/audit']) {
      app.get(url, {
        schema: {
          tags: ['Audit'],
          summary: 'Audit log, newest first; format=csv downloads it (RFC 4180, formula-safe, streamed)',
          querystring: AuditQuery,
          response: { 200: { content: { 'application/json': { schema: AuditPage }, 'text/csv': { schema: Type.String() } } } },
        },
        config: { scope: 'audit:read', role: 'admin' },
      }, async (request, reply) => {
        const principal = request.principal!;
        const filter = filterFrom(principal, request.query);
        if (request.query.format === 'csv') {
          transact(() => audit.record(contextOf(request), {
            orgId: principal.orgId, action: 'EXPORT_AUDIT_LOG', resourceType: 'audit_log',
            details: { filter: { ...request.query, format: undefined } },
          }));
          const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
          return reply
            .type('text/csv; charset=utf-8')
            .header('Content-Disposition', `attachment; filename="nightshift-audit-${stamp}.csv"`)
            // A stream of CSV text; the typed reply only knows the JSON shape of this route.
            .send(audit.csv(filter) as unknown as string);
        }
        const limit = request.query.limit ?? 25;
        const offset = request.query.offset ?? 0;
        const { data, total } = audit.list(filter, limit, offset);
        return { data, meta: { total, limit, offset } };
      });
    }
  };
}
