import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';
import { IncidentAlert, SEVERITIES, type Severity } from '../incidents';

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** One alert as a parser hands it over (webhooks/parsers' NormalizedAlert has this shape). */
export interface AlertInput {
  status: AlertStatus;
  dedupKey: string;
  groupKey: string | null;
  title: string;
  description: string;
  severity: Severity | null;
  labels: Record<string, string>;
  links: { href: string; text: string }[];
  startsAt: string | null;
  endsAt: string | null;
}

/** What one delivery carried, once parsed. */
export type DeliveryContent =
  | { kind: 'alerts'; alerts: AlertInput[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'subscription'; type: string; topicArn: string; subscribeUrl: string | null; message: string };

export const Alert = Type.Object({
  ...IncidentAlert.properties,
  incident_id: Id,
  description: Type.String(),
  last_received_at: Timestamp,
});
export type Alert = Static<typeof Alert>;

export const AlertPage = Page(Alert);
export const AlertListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum(ALERT_STATUSES)),
    severity: Type.Optional(StringEnum(SEVERITIES)),
    integration_id: Type.Optional(Type.String({ maxLength: 64 })),
    incident_id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type AlertListQuery = Static<typeof AlertListQuery>;

export const ALERT_ACTIONS = ['opened', 'joined', 'refired', 'updated', 'resolved', 'unchanged', 'ignored'] as const;

export const IngestResult = Type.Object({
  delivery_id: Nullable(Type.String()),
  duplicate: Type.Boolean({ description: 'This delivery id was handled before: nothing changed, this is the first answer again' }),
  accepted: Type.Integer({ description: 'Alerts read from the payload' }),
  ignored: Nullable(Type.String({ description: 'Why the payload changed nothing, when it carried no alert (a ping, a state not tracked)' })),
  alerts: Type.Array(Type.Object({
    id: Nullable(Id),
    dedup_key: Type.String(),
    status: StringEnum(ALERT_STATUSES),
    incident_id: Nullable(Id),
    action: StringEnum(ALERT_ACTIONS, { description: 'opened a new incident, joined an open one, fired again, refreshed, resolved, unchanged, or ignored (a resolve for an alert never seen)' }),
  })),
  incidents_opened: Type.Array(Id),
  incidents_resolved: Type.Array(Id),
  subscription: Nullable(Type.Object({ topic_arn: Type.String(), subscribe_url: Nullable(Type.String()) }, {
    description: 'An SNS SubscriptionConfirmation was recorded; confirm it from the integration\'s page',
  })),
});
export type IngestResult = Static<typeof IngestResult>;

export const DeadLetter = Type.Object({
  id: Id,
  integration_id: Id,
  platform: Type.String(),
  reason: Type.String({ description: 'The error code the sender got' }),
  message: Type.String(),
  content_type: Nullable(Type.String()),
  headers: Type.Record(Type.String(), Type.String(), { description: 'Request headers, without credentials or signatures' }),
  body: Type.String({ description: 'The payload as received (UTF-8), cut at 64 KiB' }),
  body_bytes: Type.Integer(),
  truncated: Type.Boolean(),
  request_id: Nullable(Type.String()),
  received_at: Timestamp,
});
export type DeadLetter = Static<typeof DeadLetter>;
export const DeadLetterPage = Page(DeadLetter);
export const DeadLetterQuery = Type.Object(PageQuery, { additionalProperties: false });
