import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const STATUSES = ['active', 'investigating', 'identified', 'monitoring', 'mitigated', 'resolved'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Status = (typeof STATUSES)[number];

/** Opsentry's severities, accepted on input and stored in Nightshift's vocabulary (DESIGN.md §3). */
export const SEVERITY_ALIASES: Record<string, Severity> = {
  informational: 'low',
  degraded: 'medium',
  partial_outage: 'high',
  major_outage: 'critical',
};

const SeverityInput = StringEnum([...SEVERITIES, ...Object.keys(SEVERITY_ALIASES)] as const, {
  description: 'critical, high, medium, low; Opsentry\'s informational, degraded, partial_outage, major_outage are mapped',
});

export const Incident = Type.Object({
  id: Id,
  title: Type.String(),
  description: Type.String(),
  severity: StringEnum(SEVERITIES),
  status: StringEnum(STATUSES),
  visibility: StringEnum(['public', 'internal'] as const),
  assignee: Nullable(Type.String({ description: 'Name of the assignee' })),
  assignee_id: Nullable(Id),
  created_by: Nullable(Id),
  acknowledged_at: Nullable(Timestamp),
  acknowledged_by: Nullable(Id),
  resolved_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Incident = Static<typeof Incident>;

export const IncidentCreate = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    severity: Type.Optional(SeverityInput),
    status: Type.Optional(StringEnum(STATUSES)),
    visibility: Type.Optional(StringEnum(['public', 'internal'] as const)),
    assignee_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    // Opsentry: the tenant comes from the token; a tenant_id in the body is ignored.
    tenant_id: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type IncidentCreate = Static<typeof IncidentCreate>;

export const IncidentListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum(STATUSES)),
    severity: Type.Optional(SeverityInput),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Words that must all appear in the title or description' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type IncidentListQuery = Static<typeof IncidentListQuery>;

export const ActiveIncidentQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type ActiveIncidentQuery = Static<typeof ActiveIncidentQuery>;

export const IncidentPage = Page(Incident);
