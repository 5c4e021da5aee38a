import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Nullable } from '../../http/schemas';

const Ping = Type.Object({
  ok: Type.Boolean(),
  org_id: Type.String(),
  tenant_id: Type.String({ description: 'Same as org_id (Opsentry)' }),
  user_id: Type.String(),
  auth: Type.String({ description: 'session or api_key' }),
  token_prefix: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
});

export function tokenPingRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', {
      schema: { tags: ['Health'], summary: 'Check a token in one round trip: its organization, prefix and scopes', response: { 200: Ping } },
    }, async (request) => {
      const principal = request.principal!;
      return {
        ok: true,
        org_id: principal.orgId,
        tenant_id: principal.orgId,
        user_id: principal.userId,
        auth: principal.token ? 'api_key' : 'session',
        token_prefix: principal.token?.prefix ?? null,
        scopes: principal.token?.scopes ?? ['*'],
      };
    });
  };
}
