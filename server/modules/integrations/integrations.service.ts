import { Value } from 'typebox/value';
import type { Transact } from '../../db/database';
import { AppError, notFound, validation, type FieldError } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { randomToken, sha256 } from '../../lib/secrets';
import type { AuditLog } from '../audit';
import type { Severity } from '../incidents';
import {
  PLATFORM_SETTINGS, SECRET_SETTINGS, webhookPlatformOf,
  type Integration, type IntegrationCreate, type IntegrationListQuery, type IntegrationPatch, type IntegrationWithSecret, type Platform, type WebhookPlatform,
} from './integrations.schemas';
import type { IntegrationChanges, IntegrationRow, IntegrationsStore } from './integrations.store';
import type { Sealer } from './sealer';

export const WEBHOOK_SECRET_PREFIX = 'nsw_';
const PREFIX_LENGTH = WEBHOOK_SECRET_PREFIX.length + 8;
/** Integrations whose secrets are remembered at once; past this the cache starts over. */
const SECRET_CACHE_MAX = 10_000;

/** What the webhook receiver needs to know about the integration a secret belongs to. */
export interface WebhookIntegration {
  id: string;
  orgId: string;
  name: string;
  platform: Platform;
  webhookPlatform: WebhookPlatform;
  enabled: boolean;
  /** In clear, for signature checks; null when none is configured. */
  signingSecret: string | null;
  settings: Record<string, unknown>;
  defaultSeverity: Severity | null;
  serviceId: string | null;
  groupBy: string[] | null;
}

export interface SnsSubscription {
  type: string;
  topic_arn: string;
  subscribe_url: string | null;
  message: string;
  received_at: string;
}

const isSecretSetting = (key: string) => (SECRET_SETTINGS as readonly string[]).includes(key);

function checkSettings(platform: Platform, settings: Record<string, unknown>): void {
  const schema = PLATFORM_SETTINGS[platform];
  if (Value.Check(schema, settings)) return;
  const fields: FieldError[] = Value.Errors(schema, settings)
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties;
      const path = `settings${e.instancePath.replace(/\//g, '.')}${extra ? `.${extra[0]}` : ''}`;
      return extra
        ? { path, code: 'unrecognized_key', message: `Unknown ${platform} setting "${extra[0]}"` }
        : { path, code: `invalid_${e.keyword}`, message: e.message };
    });
  throw new AppError('VALIDATION_FAILED', `Invalid ${platform} settings: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
}

export function createIntegrationService(deps: {
  store: IntegrationsStore;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  sealer: Sealer;
  /** The public base URL when one is configured; else the request's origin is used. */
  publicUrl: () => string | undefined;
}) {
  const { store, audit, transact, clock, sealer } = deps;

  // Webhook senders authenticate on every request: known secrets (by hash) are answered from memory.
  // Unknown ones are not cached (a new integration needs no invalidation); any change to an
  // integration empties the cache once its transaction commits, so a rotated, disabled or deleted
  // integration's old state is never served.
  const bySecret = new Map<string, WebhookIntegration>();
  const forgetSecrets = () => transact.afterCommit(() => bySecret.clear());

  const baseUrl = (origin: string) => (deps.publicUrl() ?? origin).replace(/\/+$/, '');
  const endpointOf = (row: IntegrationRow, origin: string) => `${baseUrl(origin)}/api/v1/webhooks/${webhookPlatformOf(row.platform)}`;

  function credentialsOf(row: IntegrationRow): Record<string, unknown> {
    return row.credentials ? (JSON.parse(sealer.unseal(row.credentials)) as Record<string, unknown>) : {};
  }

  function toIntegration(row: IntegrationRow, origin: string): Integration {
    return {
      id: row.id,
      platform: row.platform,
      name: row.name,
      enabled: row.enabled === 1,
      webhook_endpoint: endpointOf(row, origin),
      secret_prefix: row.secret_prefix,
      has_signing_secret: row.signing_secret !== null,
      default_severity: row.default_severity,
      service_id: row.service_id,
      group_by: row.group_by === null ? null : (JSON.parse(row.group_by) as string[]),
      settings: JSON.parse(row.settings) as Record<string, unknown>,
      credentials_set: Object.keys(credentialsOf(row)).sort(),
      subscription: row.subscription === null ? null : (JSON.parse(row.subscription) as SnsSubscription),
      last_received_at: row.last_received_at,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  const withSecret = (row: IntegrationRow, secret: string, origin: string): IntegrationWithSecret => {
    const integration = toIntegration(row, origin);
    return { ...integration, secret, webhook_url: `${integration.webhook_endpoint}/${secret}` };
  };

  /** Splits settings into what is shown and what is sealed. */
  function storeSettings(settings: Record<string, unknown>): Pick<IntegrationChanges, 'settings' | 'credentials'> {
    const shown = Object.fromEntries(Object.entries(settings).filter(([k]) => !isSecretSetting(k)));
    const secret = Object.fromEntries(Object.entries(settings).filter(([k]) => isSecretSetting(k)));
    return { settings: JSON.stringify(shown), credentials: Object.keys(secret).length ? sealer.seal(JSON.stringify(secret)) : null };
  }

  function checkService(orgId: string, serviceId: string | null | undefined): void {
    if (serviceId && !store.serviceExists(orgId, serviceId)) throw validation('service_id', 'No such service in this organization', 'unknown_service');
  }

  function mustGet(orgId: string, id: string): IntegrationRow {
    const row = store.get(orgId, id);
    if (!row) throw notFound('Integration');
    return row;
  }

  function toWebhookIntegration(row: IntegrationRow): WebhookIntegration {
    return {
      id: row.id,
      orgId: row.org_id,
      name: row.name,
      platform: row.platform,
      webhookPlatform: webhookPlatformOf(row.platform),
      enabled: row.enabled === 1,
      signingSecret: row.signing_secret === null ? null : sealer.unseal(row.signing_secret),
      settings: JSON.parse(row.settings) as Record<string, unknown>,
      defaultSeverity: row.default_severity,
      serviceId: row.service_id,
      groupBy: row.group_by === null ? null : (JSON.parse(row.group_by) as string[]),
    };
  }

  const newSecret = () => {
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomToken()}`;
    return { secret, hash: sha256(secret), prefix: secret.slice(0, PREFIX_LENGTH) };
  };

  return {
    list(principal: Principal, query: IntegrationListQuery, origin: string) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list(principal.orgId, query.platform, limit, offset);
      return { data: rows.map((row) => toIntegration(row, origin)), meta: { total, limit, offset } };
    },

    get(principal: Principal, id: string, origin: string): Integration {
      return toIntegration(mustGet(principal.orgId, id), origin);
    },

    create(context: RequestContext, principal: Principal, input: IntegrationCreate, origin: string): IntegrationWithSecret {
      const settings = input.settings ?? {};
      checkSettings(input.platform, settings);
      checkService(principal.orgId, input.service_id);
      const { secret, hash, prefix } = newSecret();
      const now = clock.now().toISOString();
      const row = {
        id: newId(),
        org_id: principal.orgId,
        platform: input.platform,
        name: input.name,
        enabled: input.enabled === false ? 0 : 1,
        secret_hash: hash,
        secret_prefix: prefix,
        signing_secret: input.signing_secret ? sealer.seal(input.signing_secret) : null,
        ...storeSettings(settings),
        default_severity: input.default_severity ?? null,
        service_id: input.service_id ?? null,
        group_by: input.group_by ? JSON.stringify(input.group_by) : null,
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
      };
      transact(() => {
        store.insert(row);
        audit.record(context, {
          orgId: principal.orgId, action: 'CREATE_INTEGRATION', resourceType: 'integration', resourceId: row.id,
          details: { platform: row.platform, name: row.name, secret_prefix: prefix, default_severity: row.default_severity, service_id: row.service_id },
        });
      });
      return withSecret(store.get(principal.orgId, row.id)!, secret, origin);
    },

    update(context: RequestContext, principal: Principal, id: string, patch: IntegrationPatch, origin: string): Integration {
      const row = mustGet(principal.orgId, id);
      checkService(principal.orgId, patch.service_id);
      let settingsChange: Pick<IntegrationChanges, 'settings' | 'credentials'> = { settings: row.settings, credentials: row.credentials };
      if (patch.settings) {
        const merged: Record<string, unknown> = { ...(JSON.parse(row.settings) as Record<string, unknown>), ...credentialsOf(row) };
        for (const [key, value] of Object.entries(patch.settings)) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        checkSettings(row.platform, merged);
        settingsChange = storeSettings(merged);
      }
      const changes: IntegrationChanges = {
        name: patch.name ?? row.name,
        enabled: patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
        signing_secret: patch.signing_secret === undefined ? row.signing_secret : patch.signing_secret === null ? null : sealer.seal(patch.signing_secret),
        ...settingsChange,
        default_severity: patch.default_severity === undefined ? row.default_severity : patch.default_severity,
        service_id: patch.service_id === undefined ? row.service_id : patch.service_id,
        group_by: patch.group_by === undefined ? row.group_by : patch.group_by === null ? null : JSON.stringify(patch.group_by),
      };
      transact(() => {
        store.update(id, changes, clock.now().toISOString());
        forgetSecrets();
        const shown = (c: IntegrationChanges | IntegrationRow) => ({
          name: c.name, enabled: c.enabled === 1, default_severity: c.default_severity, service_id: c.service_id, group_by: c.group_by, settings: c.settings,
          // Sealed values differ on every seal; whether one is set is what the log can say.
          signing_secret_set: c.signing_secret !== null,
        });
        const before = shown(row);
        const after = shown(changes);
        if (patch.signing_secret !== undefined && patch.signing_secret !== null) after.signing_secret_set = true;
        audit.record(context, {
          orgId: principal.orgId, action: 'UPDATE_INTEGRATION', resourceType: 'integration', resourceId: id,
          changes: { before, after },
          details: {
            ...(patch.signing_secret !== undefined ? { signature_verification_changed: true } : {}),
            ...(patch.settings && Object.keys(patch.settings).some(isSecretSetting) ? { write_only_settings_changed: Object.keys(patch.settings).filter(isSecretSetting) } : {}),
          },
        });
      });
      return toIntegration(mustGet(principal.orgId, id), origin);
    },

    remove(context: RequestContext, principal: Principal, id: string): void {
      const row = mustGet(principal.orgId, id);
      transact(() => {
        store.remove(id, clock.now().toISOString());
        forgetSecrets();
        audit.record(context, {
          orgId: principal.orgId, action: 'DELETE_INTEGRATION', resourceType: 'integration', resourceId: id,
          snapshot: { platform: row.platform, name: row.name, secret_prefix: row.secret_prefix },
        });
      });
    },

    /** A new secret; the old one stops working at once. */
    rotateSecret(context: RequestContext, principal: Principal, id: string, origin: string): IntegrationWithSecret {
      const row = mustGet(principal.orgId, id);
      const { secret, hash, prefix } = newSecret();
      transact(() => {
        store.rotateSecret(id, hash, prefix, clock.now().toISOString());
        forgetSecrets();
        audit.record(context, {
          orgId: principal.orgId, action: 'ROTATE_INTEGRATION_SECRET', resourceType: 'integration', resourceId: id,
          details: { old_prefix: row.secret_prefix, new_prefix: prefix },
        });
      });
      return withSecret(mustGet(principal.orgId, id), secret, origin);
    },

    /** The integration whose webhook secret has this SHA-256 (hex), or null. */
    authenticateHash(hash: string): WebhookIntegration | null {
      const cached = bySecret.get(hash);
      if (cached) return cached;
      const row = store.findBySecretHash(hash);
      if (!row) return null;
      const integration = toWebhookIntegration(row);
      if (bySecret.size >= SECRET_CACHE_MAX) bySecret.clear();
      bySecret.set(hash, integration);
      return integration;
    },

    /** For test alerts sent by a person: the integration by id, in their org. */
    forWebhook(orgId: string, id: string): WebhookIntegration {
      return toWebhookIntegration(mustGet(orgId, id));
    },

    exists: (orgId: string, id: string): boolean => store.get(orgId, id) !== undefined,

    /** Records an SNS SubscriptionConfirmation for a person to confirm; call inside the ingest transaction. */
    recordSubscription(context: RequestContext, integration: WebhookIntegration, subscription: SnsSubscription): void {
      store.recordSubscription(integration.id, JSON.stringify(subscription), clock.now().toISOString());
      audit.record(context, {
        orgId: integration.orgId, action: 'SNS_SUBSCRIPTION_RECEIVED', resourceType: 'integration', resourceId: integration.id,
        details: { actor: `integration:${integration.id}`, topic_arn: subscription.topic_arn, subscribe_url: subscription.subscribe_url },
      });
    },

    markReceived: (integrationId: string, at: string) => store.markReceived(integrationId, at),
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
