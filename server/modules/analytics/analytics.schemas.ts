import { Type, type Static } from 'typebox';
import { Id, Nullable, StringEnum, Timestamp } from '../../http/schemas';

export const GROUPINGS = ['day', 'week'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The most periods one answer holds (a year and a month by day, about eight years by week). */
export const MAX_PERIODS = 400;

export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    group_by: Type.Optional(StringEnum(GROUPINGS, { description: 'day (default) or week (weeks start on Monday); periods are UTC' })),
    service_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only incidents affecting this service' })),
  },
  { additionalProperties: false },
);
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

const Seconds = Nullable(Type.Number({ description: 'Seconds; null when no incident counts towards it' }));
const Count = Type.Integer();
const BySeverity = Type.Object({ critical: Count, high: Count, medium: Count, low: Count });
const ByStatus = Type.Object({ active: Count, investigating: Count, identified: Count, monitoring: Count, mitigated: Count, resolved: Count });

export const Period = Type.Object({
  period_start: Timestamp,
  incidents: Type.Integer(),
  acknowledged: Type.Integer(),
  resolved: Type.Integer(),
  mtta_seconds: Seconds,
  mttr_seconds: Seconds,
  by_severity: BySeverity,
});
export type Period = Static<typeof Period>;

export const Analytics = Type.Object({
  from: Timestamp,
  to: Timestamp,
  group_by: StringEnum(GROUPINGS),
  service_id: Nullable(Type.String()),
  incidents: Type.Integer({ description: 'Incidents opened in [from, to)' }),
  open: Type.Integer({ description: 'Of those, not resolved now' }),
  acknowledged: Type.Integer(),
  resolved: Type.Integer(),
  mtta_seconds: Nullable(Type.Number({ description: 'Mean time to acknowledge: from opening to acknowledgement, over the acknowledged ones' })),
  mttr_seconds: Nullable(Type.Number({ description: 'Mean time to resolve: from opening to resolution, over the resolved ones' })),
  by_severity: BySeverity,
  by_status: ByStatus,
  by_service: Type.Array(Type.Object({ service_id: Id, name: Type.String(), incidents: Type.Integer() }), { description: 'Services the incidents affect, most affected first' }),
  series: Type.Array(Period, { description: 'Every period of the range, empty ones included, oldest first' }),
});
export type Analytics = Static<typeof Analytics>;
