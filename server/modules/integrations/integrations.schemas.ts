import { Type, type Static, type TSchema } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';
import { SEVERITIES } from '../incidents';

/** Platforms an integration can be for; each but elasticsearch has its own webhook parser. */
export const PLATFORMS = ['datadog', 'prometheus', 'grafana', 'pagerduty', 'newrelic', 'cloudwatch', 'signoz', 'generic', 'elasticsearch'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const WEBHOOK_PLATFORMS = ['datadog', 'prometheus', 'grafana', 'pagerduty', 'newrelic', 'cloudwatch', 'signoz', 'generic'] as const;
export type WebhookPlatform = (typeof WEBHOOK_PLATFORMS)[number];

/** Elasticsearch watchers post Nightshift's generic JSON form. */
export const webhookPlatformOf = (platform: Platform): WebhookPlatform => (platform === 'elasticsearch' ? 'generic' : platform);

const HttpUrl = Type.String({ maxLength: 2000, pattern: '^https?://', description: 'http(s) URL' });
const Credential = Type.String({ minLength: 1, maxLength: 1000, description: 'Write-only: stored encrypted, never returned' });
const HeaderName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9-]+$' });

/** Per-platform settings. Fields named in SECRET_SETTINGS are write-only and kept sealed. */
export const PLATFORM_SETTINGS = {
  datadog: Type.Object({
    site: Type.Optional(StringEnum(['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ddog-gov.com'] as const)),
    api_key: Type.Optional(Credential),
    application_key: Type.Optional(Credential),
  }, { additionalProperties: false }),
  newrelic: Type.Object({
    account_id: Type.Optional(Type.String({ maxLength: 32, pattern: '^[0-9]+$' })),
    region: Type.Optional(StringEnum(['us', 'eu'] as const)),
    api_key: Type.Optional(Credential),
  }, { additionalProperties: false }),
  elasticsearch: Type.Object({
    url: Type.Optional(HttpUrl),
    index_pattern: Type.Optional(Type.String({ maxLength: 200 })),
    username: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Credential),
    api_key: Type.Optional(Credential),
  }, { additionalProperties: false }),
  signoz: Type.Object({
    url: Type.Optional(HttpUrl),
    api_key: Type.Optional(Credential),
  }, { additionalProperties: false }),
  grafana: Type.Object({
    signature_header: Type.Optional({ ...HeaderName, description: 'Header carrying the HMAC signature; default X-Grafana-Alerting-Signature' }),
    timestamp_header: Type.Optional({ ...HeaderName, description: 'When set in Grafana, the signed text is "timestamp:body" and the timestamp must be within 5 minutes' }),
  }, { additionalProperties: false }),
  prometheus: Type.Object({}, { additionalProperties: false }),
  pagerduty: Type.Object({}, { additionalProperties: false }),
  cloudwatch: Type.Object({}, { additionalProperties: false }),
  generic: Type.Object({}, { additionalProperties: false }),
} satisfies Record<Platform, TSchema>;

export const SECRET_SETTINGS = ['api_key', 'application_key', 'password'] as const;

/** Platforms with their own settings sub-route (000: /integrations/datadog, /newrelic, /elasticsearch, /signoz). */
export const SETTINGS_PLATFORMS = ['datadog', 'newrelic', 'elasticsearch', 'signoz'] as const;

const GroupBy = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 20,
  description: 'Label names whose values group alerts into one incident, overriding the source\'s own grouping (e.g. Alertmanager\'s groupKey); [] puts every alert of the integration in one open incident',
});

const Routing = {
  default_severity: Type.Optional(Nullable(StringEnum(SEVERITIES, { description: 'Used when an alert carries no severity; default medium' }))),
  service_id: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'The service incidents opened by this integration affect' }))),
  group_by: Type.Optional(Nullable(GroupBy)),
};

const SigningSecret = Type.String({
  minLength: 8,
  maxLength: 500,
  description: 'PagerDuty (V3 subscription signing secret) and Grafana (HMAC secret): signatures are then required and checked. Write-only.',
});

const common = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  ...Routing,
  signing_secret: Type.Optional(SigningSecret),
};

export const IntegrationCreate = Type.Object(
  { platform: StringEnum(PLATFORMS), ...common, settings: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Platform settings; see the platform sub-routes' })) },
  { additionalProperties: false },
);
export type IntegrationCreate = Static<typeof IntegrationCreate>;

/** The body of `POST /integrations/{platform}`: the platform comes from the path, settings are typed. */
export const platformCreate = (platform: (typeof SETTINGS_PLATFORMS)[number]) =>
  Type.Object({ ...common, settings: Type.Optional(PLATFORM_SETTINGS[platform]) }, { additionalProperties: false });

export const IntegrationPatch = Type.Object(
  {
    name: Type.Optional(common.name),
    enabled: Type.Optional(Type.Boolean()),
    ...Routing,
    signing_secret: Type.Optional(Nullable(SigningSecret)),
    settings: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Merged into the current settings; null removes a setting' })),
  },
  { additionalProperties: false },
);
export type IntegrationPatch = Static<typeof IntegrationPatch>;

const Subscription = Type.Object({
  type: Type.String({ description: 'SubscriptionConfirmation' }),
  topic_arn: Type.String(),
  subscribe_url: Nullable(Type.String({ description: 'Open it (or use "aws sns confirm-subscription") to confirm; Nightshift never fetches it' })),
  message: Type.String(),
  received_at: Timestamp,
});

export const Integration = Type.Object({
  id: Id,
  platform: StringEnum(PLATFORMS),
  name: Type.String(),
  enabled: Type.Boolean(),
  webhook_endpoint: Type.String({ description: 'The URL without the secret: send the secret as "Authorization: Bearer <secret>" or "X-Nightshift-Secret"' }),
  secret_prefix: Type.String({ description: 'The first characters of the secret, to recognise it' }),
  has_signing_secret: Type.Boolean(),
  default_severity: Nullable(StringEnum(SEVERITIES)),
  service_id: Nullable(Type.String()),
  group_by: Nullable(Type.Array(Type.String())),
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'Platform settings, without credentials' }),
  credentials_set: Type.Array(Type.String(), { description: 'Names of the write-only settings that are set' }),
  subscription: Nullable(Subscription),
  last_received_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Integration = Static<typeof Integration>;

export const IntegrationWithSecret = Type.Object({
  ...Integration.properties,
  secret: Type.String({ description: 'Shown once: store it now, or rotate to get a new one' }),
  webhook_url: Type.String({ description: 'The complete URL a sender POSTs to, secret included' }),
});
export type IntegrationWithSecret = Static<typeof IntegrationWithSecret>;

export const IntegrationPage = Page(Integration);
export const IntegrationListQuery = Type.Object({ ...PageQuery, platform: Type.Optional(StringEnum(PLATFORMS)) }, { additionalProperties: false });
export type IntegrationListQuery = Static<typeof IntegrationListQuery>;
export const PlatformListQuery = Type.Object(PageQuery, { additionalProperties: false });
