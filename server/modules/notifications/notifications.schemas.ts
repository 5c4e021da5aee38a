import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';

export const NOTIFICATION_KINDS = ['incident_opened', 'incident_assigned', 'incident_resolved'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Nightshift's incident severities (DESIGN.md §3); rules choose among them. */
export const RULE_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];
/** What a person without rules is told of. */
export const DEFAULT_SEVERITIES: readonly RuleSeverity[] = ['critical', 'high'];

export const Notification = Type.Object({
  id: Id,
  kind: StringEnum(NOTIFICATION_KINDS, {
    description: 'incident_opened: an open incident matches your rules (new, or it came to match them); incident_assigned: it was assigned to you; incident_resolved: one you were told of was resolved',
  }),
  title: Type.String(),
  body: Type.String(),
  incident_id: Nullable(Id),
  severity: Nullable(StringEnum(RULE_SEVERITIES)),
  read: Type.Boolean(),
  read_at: Nullable(Timestamp),
  created_at: Timestamp,
});
export type Notification = Static<typeof Notification>;

export const NotificationListQuery = Type.Object(
  {
    ...PageQuery,
    unread: Type.Optional(Type.Boolean({ description: 'true: only unread; false: only read' })),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const NotificationUpdate = Type.Object(
  { read: Type.Optional(Type.Boolean({ description: 'Default true: mark read; false marks it unread again' })) },
  { additionalProperties: false },
);
export type NotificationUpdate = Static<typeof NotificationUpdate>;

export const MarkAllRead = Type.Object({ updated: Type.Integer({ description: 'How many were unread' }) });

export const NotificationPage = Page(Notification);

const Severities = Type.Array(StringEnum(RULE_SEVERITIES), { minItems: 1, maxItems: RULE_SEVERITIES.length, uniqueItems: true });
const ServiceIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, uniqueItems: true, description: 'Empty: any service (or none)' });

export const NotificationRule = Type.Object({
  id: Id,
  name: Type.String(),
  severities: Type.Array(StringEnum(RULE_SEVERITIES)),
  service_ids: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type NotificationRule = Static<typeof NotificationRule>;

export const NotificationRuleCreate = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    severities: Severities,
    service_ids: Type.Optional(ServiceIds),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NotificationRuleCreate = Static<typeof NotificationRuleCreate>;

export const NotificationRuleUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    severities: Type.Optional(Severities),
    service_ids: Type.Optional(ServiceIds),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type NotificationRuleUpdate = Static<typeof NotificationRuleUpdate>;

export const NotificationRulePage = Page(NotificationRule);
