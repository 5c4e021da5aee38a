import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../http/errors';
import { Nullable } from '../../http/schemas';
import type { Clock } from '../../lib/clock';
import type { AdminStore } from '../admin';
import { PLAN } from '../orgs';

const Unlimited = Nullable(Type.Integer({ description: 'null: no limit on a self-hosted instance' }));

const Billing = Type.Object({
  plan: Type.Object({ name: Type.String(), self_hosted: Type.Boolean(), price: Nullable(Type.Number()), currency: Nullable(Type.String()) }),
  limits: Type.Object({ users: Unlimited, api_keys: Unlimited, audit_retention_days: Unlimited }),
  usage: Type.Object({ users: Type.Integer(), api_keys: Type.Integer(), audit_events: Type.Integer(), storage_bytes: Type.Integer() }),
});

/** A self-hosted Nightshift has one plan and no limits; the usage figures are real counts. */
export function billingRoutes(admin: AdminStore, clock: Clock): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/billing', {
      schema: { tags: ['Billing'], summary: 'Plan, limits and current usage', response: { 200: Billing } },
      config: { scope: 'billing:read' },
    }, async (request) => {
      const usage = admin.usage(request.principal!.orgId, clock.now().toISOString());
      return {
        plan: { name: PLAN, self_hosted: true, price: null, currency: null },
        limits: { users: null, api_keys: null, audit_retention_days: null },
        usage: { users: usage.users, api_keys: usage.api_keys, audit_events: usage.audit_events, storage_bytes: admin.databaseBytes() },
      };
    });

    app.post('/billing/checkout', {
      schema: { tags: ['Billing'], summary: 'Not available: a self-hosted instance has no paid plans (BILLING_NOT_AVAILABLE)', body: Type.Optional(Type.Object({}, { additionalProperties: true })), response: {} },
      config: { scope: 'billing:write', role: 'owner', errors: ['BILLING_NOT_AVAILABLE'] },
    }, async () => {
      throw new AppError('BILLING_NOT_AVAILABLE', 'This is a self-hosted Nightshift: there is no plan to buy and nothing is limited by a plan');
    });
  };
}
