import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../lib/clock';
import type { AdminStore } from './admin.store';

const Stats = Type.Object({
  organization_id: Type.String(),
  users: Type.Integer(),
  api_keys: Type.Integer(),
  invites_pending: Type.Integer(),
  sessions_active: Type.Integer(),
  audit_events: Type.Integer(),
  database_bytes: Type.Integer(),
  uptime_seconds: Type.Number(),
  version: Type.String(),
  node_version: Type.String(),
  memory_rss_bytes: Type.Integer(),
});

export function adminRoutes(store: AdminStore, clock: Clock, version: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/admin/stats', {
      schema: { tags: ['Admin'], summary: 'Counts for this organization and the health of this server', response: { 200: Stats } },
      config: { scope: 'admin:read', role: 'admin' },
    }, async (request) => {
      const orgId = request.principal!.orgId;
      return {
        organization_id: orgId,
        ...store.usage(orgId, clock.now().toISOString()),
        database_bytes: store.databaseBytes(),
        uptime_seconds: Math.round(process.uptime()),
        version,
        node_version: process.version,
        memory_rss_bytes: process.memoryUsage.rss(),
      };
    });
  };
}
