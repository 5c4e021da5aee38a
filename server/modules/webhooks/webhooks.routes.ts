import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams, StringEnum } from '../../http/schemas';
import { IngestResult } from '../alerts';
import { WEBHOOK_PLATFORMS } from '../integrations';
import { presentedSecretHash, type WebhookReceiver } from './webhooks.service';

const SecretParams = Type.Object({ secret: Type.String({ minLength: 1, maxLength: 200, description: 'The integration\'s secret, as in its webhook_url' }) });
const TestBody = Type.Object({ status: Type.Optional(StringEnum(['firing', 'resolved'] as const, { default: 'firing' })) }, { additionalProperties: false });

const ABOUT: Record<(typeof WEBHOOK_PLATFORMS)[number], string> = {
  datadog: 'Datadog Webhooks integration: the default template or one with $ALERT_ID, $ALERT_TRANSITION, $ALERT_SCOPE',
  prometheus: 'Prometheus Alertmanager webhook_configs (payload version 4)',
  grafana: 'Grafana webhook contact point (unified or legacy alerting); HMAC-signed when the integration has a signing secret',
  pagerduty: 'PagerDuty V3 webhook subscription (X-PagerDuty-Signature checked when a signing secret is set), or an Events API v2 event',
  newrelic: 'New Relic workflow webhook (default template) or legacy alert channel',
  cloudwatch: 'CloudWatch alarms through an SNS HTTPS subscription (SubscriptionConfirmation recorded), or EventBridge alarm state changes',
  signoz: 'SigNoz webhook channel (Alertmanager payload)',
  generic: 'Nightshift\'s JSON form: {title, status, severity, description, dedup_key, group_key, labels, links, starts_at, ends_at} or {alerts: [...]}',
};

/** Inbound webhooks; authenticated by the integration's secret, not by a user. */
export function webhookRoutes(receiver: WebhookReceiver, options: { bodyLimit: number }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/integrations/:id/test', {
      schema: {
        tags: ['Integrations'],
        summary: 'Send a test alert in the platform\'s own format through the same parser and correlation as a real one',
        params: IdParams,
        body: TestBody,
        response: { 200: IngestResult },
      },
      config: { scope: 'integrations:write', role: 'engineer' },
    }, async (request) => receiver.sendTest(contextOf(request), request.principal!, request.params.id, request.body.status ?? 'firing'));

    // Signatures are over the exact bytes sent, so these routes take the body raw and parse it themselves.
    await app.register(async (plugin) => {
      const raw = plugin.withTypeProvider<TypeBoxTypeProvider>();
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => done(null, body));
      // A request's secret is hashed once: for its rate-limit budget, then to find its integration.
      const hashes = new WeakMap<FastifyRequest, string | undefined>();
      const secretHash = (request: FastifyRequest): string | undefined => {
        if (!hashes.has(request)) hashes.set(request, presentedSecretHash((request.params as { secret?: string } | undefined)?.secret, request.headers));
        return hashes.get(request);
      };
      const config = {
        auth: 'public' as const,
        rateLimit: 'webhook' as const,
        // Each integration has its own webhook budget (000: 10,000/h), whichever way its secret is sent.
        rateLimitKey: (request: FastifyRequest) => {
          const hash = secretHash(request);
          return hash === undefined ? undefined : `secret:${hash.slice(0, 22)}`;
        },
        accepts: ['json' as const, 'text' as const],
        errors: ['INVALID_TOKEN', 'INVALID_SIGNATURE', 'WEBHOOK_PLATFORM_MISMATCH', 'UNRECOGNIZED_PAYLOAD'] as const,
      };
      const body = Type.Unknown({ description: 'The platform\'s own payload (application/json; SNS sends text/plain)' });
      for (const platform of WEBHOOK_PLATFORMS) {
        const schema = { tags: ['Webhooks'], body, response: { 200: IngestResult } };
        const handle = (request: FastifyRequest) =>
          receiver.receive(contextOf(request), {
            platform,
            secretHash: secretHash(request),
            headers: request.headers,
            body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          });
        raw.post(`/webhooks/${platform}`, {
          schema: { ...schema, summary: `${ABOUT[platform]}. Secret in a header.` },
          config: { ...config, errors: [...config.errors, 'UNAUTHENTICATED'] },
        }, async (request) => handle(request));
        raw.post(`/webhooks/${platform}/:secret`, {
          schema: { ...schema, summary: `${ABOUT[platform]}. Secret in the path: the integration's webhook_url.`, params: SecretParams },
          config: { ...config, errors: [...config.errors] },
        }, async (request) => handle(request));
      }
    });
  };
}
