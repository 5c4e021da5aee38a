import { AppError } from '../../http/errors';
import { sha256 } from '../../lib/secrets';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import type { AlertService, IngestResult } from '../alerts';
import type { IntegrationService, WebhookIntegration, WebhookPlatform } from '../integrations';
import { header, text } from './parsers/common';
import { PARSERS, UnrecognizedPayload, type AlertStatus, type Headers, type ParseResult } from './parsers';
import { verifyGrafana, verifyPagerDuty } from './signatures';

const MAX_DELIVERY_ID = 200;

/** The secret from the path, `X-Nightshift-Secret`, `Authorization: Bearer`, or Basic auth's password. */
export function secretFrom(pathSecret: string | undefined, headers: Headers): string | undefined {
  if (pathSecret) return pathSecret;
  const direct = header(headers, 'x-nightshift-secret');
  if (direct) return direct.trim();
  const authorization = header(headers, 'authorization');
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = authorization && /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : decoded;
  }
  return undefined;
}

/** The SHA-256 of the secret a webhook request presents, or undefined when it presents none. */
export function presentedSecretHash(pathSecret: string | undefined, headers: Headers): string | undefined {
  const secret = secretFrom(pathSecret, headers);
  return secret === undefined ? undefined : sha256(secret);
}

export interface WebhookRequest {
  platform: WebhookPlatform;
  /** presentedSecretHash() of the request. */
  secretHash?: string | undefined;
  headers: Headers;
  body: Buffer;
}

/** The inbound webhook receiver: authenticates, verifies, parses, and hands the alerts to the alerts module. */
export function createWebhookReceiver(deps: { integrations: IntegrationService; alerts: AlertService; clock: Clock }) {
  const { integrations, alerts, clock } = deps;

  function authenticate(request: WebhookRequest): WebhookIntegration {
    if (!request.secretHash) {
      throw new AppError('UNAUTHENTICATED', 'Send the integration\'s secret: in the URL (as in its webhook_url), as "Authorization: Bearer <secret>", or as X-Nightshift-Secret');
    }
    const integration = integrations.authenticateHash(request.secretHash);
    if (!integration) throw new AppError('INVALID_TOKEN', 'Unknown webhook secret: it was rotated, the integration was removed, or it was mistyped');
    if (integration.webhookPlatform !== request.platform) {
      throw new AppError('WEBHOOK_PLATFORM_MISMATCH', `This secret belongs to a ${integration.platform} integration: post to /api/v1/webhooks/${integration.webhookPlatform}`);
    }
    if (!integration.enabled) throw new AppError('FORBIDDEN', 'This integration is disabled; enable it to receive alerts');
    return integration;
  }

  function verify(integration: WebhookIntegration, request: WebhookRequest): void {
    if (!integration.signingSecret) return;
    if (integration.webhookPlatform === 'pagerduty') verifyPagerDuty(integration.signingSecret, request.body, request.headers);
    else if (integration.webhookPlatform === 'grafana') verifyGrafana(integration.signingSecret, request.body, request.headers, integration.settings, clock.now());
  }

  /** Parses the body with the platform's parser; anything unparseable is kept as a dead letter and answered 422. */
  function parse(context: RequestContext, integration: WebhookIntegration, request: WebhookRequest): ParseResult {
    let message: string;
    try {
      const json: unknown = JSON.parse(request.body.toString('utf8'));
      return PARSERS[request.platform].parse(json, request.headers);
    } catch (error) {
      if (error instanceof SyntaxError) message = request.body.length === 0 ? 'The body is empty' : 'The body is not valid JSON';
      else if (error instanceof UnrecognizedPayload) message = error.message;
      else throw error;
    }
    alerts.deadLetter(context, integration, {
      platform: request.platform, reason: 'UNRECOGNIZED_PAYLOAD', message, contentType: header(request.headers, 'content-type') ?? null,
      headers: request.headers, body: request.body,
    });
    throw new AppError('UNRECOGNIZED_PAYLOAD', `Not a ${request.platform} payload: ${message}. It was kept in the integration's dead letters.`);
  }

  function deliveryIdOf(result: ParseResult, headers: Headers): string | null {
    const id = result.deliveryId ?? text(header(headers, 'x-delivery-id')) ?? null;
    return id === null ? null : id.slice(0, MAX_DELIVERY_ID);
  }

  return {
    receive(context: RequestContext, request: WebhookRequest): Promise<IngestResult> {
      const integration = authenticate(request);
      verify(integration, request);
      const result = parse(context, integration, request);
      return alerts.ingest(context, integration, result, deliveryIdOf(result, request.headers));
    },

    /** A test alert in the platform's own format, through the same parser and correlation as a real one. */
    sendTest(context: RequestContext, principal: Principal, integrationId: string, status: AlertStatus): Promise<IngestResult> {
      const integration = integrations.forWebhook(principal.orgId, integrationId);
      const sample = PARSERS[integration.webhookPlatform].sample(status, clock.now(), `nightshift-test-${integration.id}`);
      const headers: Headers = { 'content-type': sample.contentType, ...sample.headers };
      const result = parse(context, integration, { platform: integration.webhookPlatform, headers, body: Buffer.from(sample.body) });
      return alerts.ingest(context, integration, result, deliveryIdOf(result, headers), { test: true });
    },
  };
}

export type WebhookReceiver = ReturnType<typeof createWebhookReceiver>;
