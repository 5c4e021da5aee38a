import { Type, type Static } from 'typebox';
import { Id, MAX_LIMIT, Nullable, Page, StringEnum, Timestamp } from '../../http/schemas';

export const SERVICE_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
export const SERVICE_VISIBILITIES = ['public', 'internal'] as const;

export const Service = Type.Object({
  id: Id,
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  current_status: StringEnum(SERVICE_STATUSES),
  visibility: StringEnum(SERVICE_VISIBILITIES),
  tags: Type.Array(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Service = Static<typeof Service>;

const Slug = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', description: 'Lowercase words joined by hyphens; unique in the organization' });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50, uniqueItems: true });

export const ServiceCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Slug),
    description: Type.Optional(Type.String({ maxLength: 5_000 })),
    current_status: Type.Optional(StringEnum(SERVICE_STATUSES, { default: 'operational' })),
    visibility: Type.Optional(StringEnum(SERVICE_VISIBILITIES, { default: 'public' })),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type ServiceCreate = Static<typeof ServiceCreate>;

export const ServicePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    slug: Type.Optional(Slug),
    description: Type.Optional(Type.String({ maxLength: 5_000 })),
    current_status: Type.Optional(StringEnum(SERVICE_STATUSES)),
    visibility: Type.Optional(StringEnum(SERVICE_VISIBILITIES)),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type ServicePatch = Static<typeof ServicePatch>;

export const SERVICES_DEFAULT_LIMIT = 100;

// Opsentry's default page is 100; its maximum of 200 is held to Nightshift's 100.
export const ServiceListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: SERVICES_DEFAULT_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    status: Type.Optional(StringEnum(SERVICE_STATUSES)),
    visibility: Type.Optional(StringEnum(SERVICE_VISIBILITIES)),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Words that must all appear in the name, slug or description' })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  },
  { additionalProperties: false },
);
export type ServiceListQuery = Static<typeof ServiceListQuery>;

export const ServiceUptime = Type.Object({
  service_id: Id,
  uptime_24h: Type.Number({ description: 'Percent, two decimals, rounded down' }),
  uptime_7d: Type.Number(),
  uptime_30d: Type.Number(),
});
export type ServiceUptime = Static<typeof ServiceUptime>;

export const StatusHistoryEntry = Type.Object({
  id: Id,
  service_id: Id,
  status: StringEnum(SERVICE_STATUSES),
  changed_by: Nullable(Id),
  started_at: Timestamp,
  ended_at: Nullable(Timestamp),
});
export type StatusHistoryEntry = Static<typeof StatusHistoryEntry>;

export const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 25 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const ServicePage = Page(Service);
export const StatusHistoryPage = Page(StatusHistoryEntry);
