import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';

/** The events an endpoint can ask for; none means every one. */
export const OUTBOUND_EVENT_TYPES = ['incident.created', 'incident.updated', 'incident.resolved', 'alert.received'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];
/** Sent by `POST /webhook-endpoints/{id}/test`, whatever the endpoint's event types. */
export const TEST_EVENT_TYPE = 'webhook.test';

const EventTypes = Type.Array(StringEnum(OUTBOUND_EVENT_TYPES), { maxItems: OUTBOUND_EVENT_TYPES.length, uniqueItems: true, description: 'Empty: every event' });
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'http or https; link-local and cloud metadata addresses are refused' });

export const WebhookEndpoint = Type.Object({
  id: Id,
  url: Type.String(),
  description: Type.String(),
  event_types: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  created_by: Nullable(Id),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

export const WebhookEndpointCreate = Type.Object(
  {
    url: Url,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    event_types: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WebhookEndpointCreate = Static<typeof WebhookEndpointCreate>;

export const WebhookEndpointUpdate = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    event_types: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type WebhookEndpointUpdate = Static<typeof WebhookEndpointUpdate>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookDelivery = Type.Object({
  id: Type.String({ description: 'Sent as the webhook-id header; the same on every attempt' }),
  endpoint_id: Id,
  event_type: Type.String(),
  status: StringEnum(DELIVERY_STATUSES, { description: 'pending (will be tried, again), delivered (answered 2xx) or failed (gave up)' }),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Timestamp),
  last_attempt_at: Nullable(Timestamp),
  last_status_code: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  payload: Type.Unknown({ description: 'The body sent: {type, timestamp, data}' }),
  created_at: Timestamp,
  delivered_at: Nullable(Timestamp),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookEndpointPage = Page(WebhookEndpoint);
export const WebhookDeliveryPage = Page(WebhookDelivery);
export const PageOnlyQuery = Type.Object(PageQuery, { additionalProperties: false });

export const WebhookSecret = Type.Object({
  secret: Type.String({ description: 'whsec_ + base64 key: verify the webhook-signature header with any Standard Webhooks library' }),
  rotated_at: Nullable(Timestamp),
  previous_secret_valid_until: Nullable(Timestamp),
});
export type WebhookSecret = Static<typeof WebhookSecret>;
