import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Transact } from '../../db/database';
import { contextOf } from '../../http/principal';
import { Nullable, Page, PageQuery, Timestamp } from '../../http/schemas';
import type { AuditLog } from '../audit';
import type { MailStore } from './mail.store';

const OutboxMessage = Type.Object({
  id: Type.String(),
  recipient: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  last_error: Nullable(Type.String()),
  created_at: Timestamp,
  sent_at: Nullable(Timestamp),
});

export function mailRoutes(store: MailStore, audit: AuditLog, transact: Transact): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/admin/outbox', {
      schema: {
        tags: ['Admin'],
        summary: 'Mail the server sent or kept locally (reset links, invites); reading it is audited',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(OutboxMessage) },
      },
      config: { scope: 'admin:read', role: 'admin' },
    }, async (request) => {
      const principal = request.principal!;
      const limit = request.query.limit ?? 25;
      const offset = request.query.offset ?? 0;
      // The outbox holds live reset and invite links: reading it is a secret read.
      transact(() => audit.record(contextOf(request), { orgId: principal.orgId, action: 'READ_MAIL_OUTBOX', resourceType: 'mail_outbox' }));
      const { rows, total } = store.list(principal.orgId, limit, offset);
      return { data: rows, meta: { total, limit, offset } };
    });
  };
}
