import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const STATUSES = ['active', 'investigating', 'identified', 'monitoring', 'mitigated', 'resolved'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Status = (typeof STATUSES)[number];

/** How badly an incident hurts the services it is linked to; counts toward their uptime. */
export const IMPACTS = ['none', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type Impact = (typeof IMPACTS)[number];

/** What a timeline entry records; the alert kinds are written by alert ingestion through the port. */
export const TIMELINE_KINDS = [
  'created', 'update', 'status_changed', 'severity_changed', 'assignee_changed', 'edited', 'acknowledged',
  'resolved', 'reopened', 'postmortem', 'services_changed', 'alert_firing', 'alert_resolved', 'note',
  'execution_started', 'execution_step', 'execution_finished',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const TIMELINE_VISIBILITIES = ['public', 'internal'] as const;
export type TimelineVisibility = (typeof TIMELINE_VISIBILITIES)[number];

/** Opsentry's severities, accepted on input and stored in Nightshift's vocabulary (DESIGN.md §3). */
export const SEVERITY_ALIASES: Record<string, Severity> = {
  informational: 'low',
  degraded: 'medium',
  partial_outage: 'high',
  major_outage: 'critical',
};

const SeverityInput = StringEnum([...SEVERITIES, ...Object.keys(SEVERITY_ALIASES)] as const, {
  description: 'critical, high, medium, low; Opsentry\'s informational, degraded, partial_outage, major_outage are mapped (and also set the impact when none is given)',
});
const ImpactInput = StringEnum(IMPACTS, { description: 'Impact on the linked services; major_outage and partial_outage count against their uptime' });
const Visibility = StringEnum(TIMELINE_VISIBILITIES);

/** One alert attached to an incident, as `GET /incidents/{id}` shows it (the alerts module supplies it). */
export const IncidentAlert = Type.Object({
  id: Id,
  status: StringEnum(['firing', 'resolved'] as const),
  title: Type.String(),
  severity: StringEnum(SEVERITIES),
  source: Type.String({ description: 'The platform that sent it, e.g. prometheus' }),
  integration_id: Id,
  dedup_key: Type.String({ description: 'The source\'s own identity for the alert, verbatim' }),
  group_key: Nullable(Type.String()),
  labels: Type.Record(Type.String(), Type.String()),
  links: Type.Array(Type.Object({ href: Type.String(), text: Type.String() })),
  starts_at: Nullable(Timestamp),
  ends_at: Nullable(Timestamp),
  received_at: Timestamp,
});
export type IncidentAlert = Static<typeof IncidentAlert>;

export const Incident = Type.Object({
  id: Id,
  title: Type.String(),
  description: Type.String(),
  severity: StringEnum(SEVERITIES),
  status: StringEnum(STATUSES),
  visibility: Visibility,
  impact: StringEnum(IMPACTS),
  assignee: Nullable(Type.String({ description: 'Name of the assignee' })),
  assignee_id: Nullable(Id),
  created_by: Nullable(Id),
  acknowledged_at: Nullable(Timestamp),
  acknowledged_by: Nullable(Id),
  resolved_at: Nullable(Timestamp),
  resolved_by: Nullable(Id),
  root_cause: Nullable(Type.String()),
  source: Type.String({ description: '`manual`, or the platform whose alert opened it' }),
  integration_id: Nullable(Id),
  service_ids: Type.Array(Id, { description: 'Affected services' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Incident = Static<typeof Incident>;

export const TimelineEntry = Type.Object({
  id: Id,
  incident_id: Id,
  kind: StringEnum(TIMELINE_KINDS),
  message: Type.String(),
  actor_id: Nullable(Id),
  actor: Nullable(Type.String({ description: 'Name of the person, when a person did it' })),
  visibility: Visibility,
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const AffectedService = Type.Object({
  id: Id,
  name: Type.String(),
  slug: Type.String(),
  current_status: Type.String(),
  impact: StringEnum(IMPACTS),
  linked_at: Timestamp,
});
export type AffectedService = Static<typeof AffectedService>;

/** A runbook execution run for the incident, as `GET /incidents/{id}` lists it; the executions module supplies them. */
export const IncidentExecution = Type.Object({
  id: Id,
  procedure_id: Id,
  procedure_version: Type.Integer(),
  title: Type.String(),
  status: Type.String({ description: 'running, paused, completed or cancelled' }),
  started_by: Nullable(Id),
  started_by_name: Nullable(Type.String()),
  started_at: Timestamp,
  finished_at: Nullable(Timestamp),
  progress: Type.Object({
    total: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer(), skipped: Type.Integer(),
    pending: Type.Integer(), running: Type.Integer(), interrupted: Type.Integer(),
  }),
});
export type IncidentExecution = Static<typeof IncidentExecution>;

/** How many of the newest timeline entries `GET /incidents/{id}` embeds; the rest page through /timeline. */
export const EMBEDDED_TIMELINE = 200;

export const IncidentDetail = Type.Object({
  ...Incident.properties,
  postmortem: Nullable(Type.String({ description: 'Markdown' })),
  postmortem_updated_at: Nullable(Timestamp),
  postmortem_updated_by: Nullable(Id),
  timeline: Type.Array(TimelineEntry, { description: `Oldest first; at most the newest ${EMBEDDED_TIMELINE} entries (see timeline_total and GET /incidents/{id}/timeline)` }),
  timeline_total: Type.Integer(),
  alerts: Type.Array(IncidentAlert),
  services: Type.Array(AffectedService),
  executions: Type.Array(IncidentExecution, { description: 'Runbook executions started for this incident, newest first' }),
});
export type IncidentDetail = Static<typeof IncidentDetail>;

const ServiceIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, uniqueItems: true, description: 'Affected services; replaces the current set' });
const AssigneeId = Nullable(Type.String({ minLength: 1, maxLength: 64 }));

export const IncidentCreate = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    severity: Type.Optional(SeverityInput),
    status: Type.Optional(StringEnum(STATUSES)),
    visibility: Type.Optional(Visibility),
    impact: Type.Optional(ImpactInput),
    assignee_id: Type.Optional(AssigneeId),
    service_ids: Type.Optional(ServiceIds),
    // Opsentry: the tenant comes from the token; a tenant_id in the body is ignored.
    tenant_id: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type IncidentCreate = Static<typeof IncidentCreate>;

export const IncidentPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    severity: Type.Optional(SeverityInput),
    status: Type.Optional(StringEnum(STATUSES, { description: 'Any open status may move to any other open status or to resolved; resolved only re-opens to investigating; nothing returns to active' })),
    visibility: Type.Optional(Visibility),
    impact: Type.Optional(ImpactInput),
    assignee_id: Type.Optional(AssigneeId),
    service_ids: Type.Optional(ServiceIds),
    root_cause: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
    tenant_id: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type IncidentPatch = Static<typeof IncidentPatch>;

export const IncidentUpdateCreate = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 20_000 }),
    status: Type.Optional(StringEnum(STATUSES, { description: 'Also moves the incident to this status' })),
    visibility: Type.Optional(Visibility),
    is_public: Type.Optional(Type.Boolean({ description: 'Opsentry\'s form of visibility' })),
  },
  { additionalProperties: false },
);
export type IncidentUpdateCreate = Static<typeof IncidentUpdateCreate>;

export const IncidentResolve = Type.Object(
  {
    root_cause: Type.Optional(Type.String({ maxLength: 20_000 })),
    postmortem: Type.Optional(Type.String({ maxLength: 200_000, description: 'Markdown' })),
    message: Type.Optional(Type.String({ maxLength: 20_000, description: 'A closing note for the timeline' })),
  },
  { additionalProperties: false },
);
export type IncidentResolve = Static<typeof IncidentResolve>;

export const PostmortemPut = Type.Object(
  { postmortem: Type.String({ maxLength: 200_000, description: 'Markdown; an empty string removes it' }) },
  { additionalProperties: false },
);
export type PostmortemPut = Static<typeof PostmortemPut>;

export const INCIDENT_SORTS = ['-created_at', 'created_at', '-updated_at', 'updated_at', '-severity', 'severity'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

/** With `search`, meta.total counts this many matches at most, so that a common word's page stays fast at any size. */
export const SEARCH_TOTAL_CAP = 1_000;

export const IncidentListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum(STATUSES)),
    severity: Type.Optional(SeverityInput),
    search: Type.Optional(Type.String({
      maxLength: 200,
      description: 'Words that must all appear (anywhere, any case) in the title or description. With a search, meta.total counts '
        + `up to ${SEARCH_TOTAL_CAP.toLocaleString('en-US')} matches: a search matching more reports ${SEARCH_TOTAL_CAP.toLocaleString('en-US')} `
        + '(on later pages offset + the rows returned, + 1 while more follow), a lower bound; pages past it still work',
    })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    service_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Incidents affecting this service' })),
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A user id, `me`, or `unassigned`' })),
    sort: Type.Optional(StringEnum(INCIDENT_SORTS, {
      description: 'A field ascending, or with `-` descending (ties follow the same direction). Severity ascends low → critical. Default -created_at',
      default: '-created_at',
    })),
  },
  { additionalProperties: false },
);
export type IncidentListQuery = Static<typeof IncidentListQuery>;

export const ActiveIncidentQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type ActiveIncidentQuery = Static<typeof ActiveIncidentQuery>;

export const TimelineQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type TimelineQuery = Static<typeof TimelineQuery>;

export const IncidentPage = Page(Incident);
export const TimelinePage = Page(TimelineEntry);
