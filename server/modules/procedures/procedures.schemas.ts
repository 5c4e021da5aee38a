import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';

export const STEP_KINDS = ['manual', 'command', 'http', 'wait'] as const;
export type StepKind = (typeof STEP_KINDS)[number];
export const INTERPRETERS = ['bash', 'sh', 'python3', 'node'] as const;
export type Interpreter = (typeof INTERPRETERS)[number];
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const WAIT_CONDITIONS = ['incident_resolved', 'alerts_resolved'] as const;
export type WaitCondition = (typeof WAIT_CONDITIONS)[number];

export const STEP_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
export const VARIABLE_NAME_PATTERN = '^[a-z][a-z0-9_]{0,63}$';
export const ENV_NAME_PATTERN = '^[A-Z_][A-Z0-9_]{0,127}$';
/** The runner sets these itself (incident facts, variables, ids): a step may not set or shadow them. */
export const RESERVED_ENV_PREFIX = 'NIGHTSHIFT_';
/** As the secrets module names secrets (per organization). */
export const SECRET_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$";
const LABEL_NAME_PATTERN = '^[^\\s=]{1,128}$';

export const DEFAULT_COMMAND_TIMEOUT = 300;
export const DEFAULT_HTTP_TIMEOUT = 30;

export const SecretRef = Type.Object(
  { secret: Type.String({ pattern: SECRET_NAME_PATTERN, description: 'Name of a secret of the organization (PUT /secrets/{name}); resolved when the step runs' }) },
  { additionalProperties: false },
);
export type SecretRef = Static<typeof SecretRef>;

const Env = Type.Record(Type.String({ pattern: ENV_NAME_PATTERN }), Type.Union([Type.String({ maxLength: 10_000 }), SecretRef]), {
  additionalProperties: false,
  maxProperties: 100,
  description: `Environment for the script: NAME (^[A-Z_][A-Z0-9_]*$, not ${RESERVED_ENV_PREFIX}*) → a value, or {secret: name}`,
});
const Headers = Type.Record(Type.String({ pattern: HEADER_NAME_PATTERN }), Type.Union([Type.String({ maxLength: 8_192 }), SecretRef]), {
  additionalProperties: false,
  maxProperties: 50,
  description: 'Request headers: a value, or {secret: name}',
});

const commandFields = {
  interpreter: StringEnum(INTERPRETERS),
  script: Type.String({ minLength: 1, maxLength: 100_000 }),
  working_dir: Nullable(Type.String({ minLength: 1, maxLength: 4_096, description: 'Directory the script runs in; null: the execution\'s own directory' })),
  timeout_seconds: Type.Integer({ minimum: 1, maximum: 86_400, default: DEFAULT_COMMAND_TIMEOUT, description: 'The process group is killed after this long' }),
  expected_exit_code: Type.Integer({ minimum: 0, maximum: 255, default: 0 }),
  env: Env,
};
const httpFields = {
  method: StringEnum(HTTP_METHODS),
  url: Type.String({ minLength: 1, maxLength: 4_096, description: 'http(s) URL' }),
  headers: Headers,
  body: Nullable(Type.String({ maxLength: 100_000 })),
  expected_status: Nullable(Type.Integer({ minimum: 100, maximum: 599, description: 'null: any 2xx' })),
  body_contains: Nullable(Type.String({ minLength: 1, maxLength: 1_000 })),
  timeout_seconds: Type.Integer({ minimum: 1, maximum: 300, default: DEFAULT_HTTP_TIMEOUT }),
};
const waitFields = {
  seconds: Nullable(Type.Integer({ minimum: 1, maximum: 86_400, description: 'How long to wait; with `until`, the most to wait' })),
  until: Nullable(StringEnum(WAIT_CONDITIONS, { description: 'Wait until this holds' })),
  timeout_seconds: Nullable(Type.Integer({ minimum: 1, maximum: 86_400 })),
};

export const CommandSpec = Type.Object(commandFields);
export const HttpSpec = Type.Object(httpFields);
export const WaitSpec = Type.Object(waitFields);
export type CommandSpec = Static<typeof CommandSpec>;
export type HttpSpec = Static<typeof HttpSpec>;
export type WaitSpec = Static<typeof WaitSpec>;

export const Step = Type.Object({
  id: Type.String({ pattern: STEP_ID_PATTERN, description: 'Unique in the procedure' }),
  kind: StringEnum(STEP_KINDS),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  instructions: Type.String({ description: 'Markdown' }),
  command: Nullable(CommandSpec),
  http: Nullable(HttpSpec),
  wait: Nullable(WaitSpec),
});
export type Step = Static<typeof Step>;

/** What a writer sends: defaults may be left out, and `id` (the server numbers steps `step-N`). */
export const StepInput = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: STEP_ID_PATTERN, description: 'Unique in the procedure; left out, the server assigns step-N' })),
    kind: StringEnum(STEP_KINDS),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    instructions: Type.Optional(Type.String({ maxLength: 100_000, description: 'Markdown', default: '' })),
    command: Type.Optional(Nullable(Type.Object({
      interpreter: commandFields.interpreter,
      script: commandFields.script,
      working_dir: Type.Optional(commandFields.working_dir),
      timeout_seconds: Type.Optional(commandFields.timeout_seconds),
      expected_exit_code: Type.Optional(commandFields.expected_exit_code),
      env: Type.Optional(commandFields.env),
    }, { additionalProperties: false, description: 'Required when kind is command, else null or absent' }))),
    http: Type.Optional(Nullable(Type.Object({
      method: Type.Optional(StringEnum(HTTP_METHODS, { default: 'GET' })),
      url: httpFields.url,
      headers: Type.Optional(httpFields.headers),
      body: Type.Optional(httpFields.body),
      expected_status: Type.Optional(httpFields.expected_status),
      body_contains: Type.Optional(httpFields.body_contains),
      timeout_seconds: Type.Optional(httpFields.timeout_seconds),
    }, { additionalProperties: false, description: 'Required when kind is http, else null or absent' }))),
    wait: Type.Optional(Nullable(Type.Object({
      seconds: Type.Optional(waitFields.seconds),
      until: Type.Optional(waitFields.until),
      timeout_seconds: Type.Optional(waitFields.timeout_seconds),
    }, { additionalProperties: false, description: 'Required when kind is wait (seconds, until, or both), else null or absent' }))),
  },
  { additionalProperties: false },
);
export type StepInput = Static<typeof StepInput>;

export const Variable = Type.Object({
  name: Type.String({ pattern: VARIABLE_NAME_PATTERN, description: 'Reaches scripts as NIGHTSHIFT_VAR_<NAME>' }),
  description: Type.String(),
  default: Nullable(Type.String()),
  required: Type.Boolean(),
});
export type Variable = Static<typeof Variable>;

export const VariableInput = Type.Object(
  {
    name: Variable.properties.name,
    description: Type.Optional(Type.String({ maxLength: 2_000, default: '' })),
    default: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
    required: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type VariableInput = Static<typeof VariableInput>;

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 20_000, description: 'Markdown' });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20, uniqueItems: true });
const ServiceIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, uniqueItems: true, description: 'Services of the organization this runbook is for' });
const AlertLabels = Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Type.String({ minLength: 1, maxLength: 1_000 }), {
  additionalProperties: false,
  maxProperties: 20,
  description: 'Suggested on an incident with an alert carrying all these labels; the value "*" matches any value. Empty: never suggested by alerts',
});
const Variables = Type.Array(VariableInput, { maxItems: 50 });
const Steps = Type.Array(StepInput, { maxItems: 200 });
const ChangeNote = Type.String({ maxLength: 1_000, description: 'Why this version, shown in the version list' });

/** The writable fields of a procedure, as a writer sends them (import, create). */
export const ProcedureDraftInput = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    tags: Type.Optional(Tags),
    service_ids: Type.Optional(ServiceIds),
    alert_labels: Type.Optional(AlertLabels),
    variables: Type.Optional(Variables),
    steps: Type.Optional(Steps),
  },
  { additionalProperties: false },
);
export type ProcedureDraftInput = Static<typeof ProcedureDraftInput>;

/** The writable fields of a procedure, every default filled in (what the markdown format renders and parses). */
export interface ProcedureDraft {
  title: string;
  description: string;
  tags: string[];
  service_ids: string[];
  alert_labels: Record<string, string>;
  variables: Variable[];
  steps: Step[];
}

export const ProcedureCreate = Type.Object(
  { ...ProcedureDraftInput.properties, change_note: Type.Optional(ChangeNote) },
  { additionalProperties: false },
);
export type ProcedureCreate = Static<typeof ProcedureCreate>;

export const ProcedurePatch = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    tags: Type.Optional(Tags),
    service_ids: Type.Optional(ServiceIds),
    alert_labels: Type.Optional(AlertLabels),
    variables: Type.Optional(Variables),
    steps: Type.Optional(Steps),
    change_note: Type.Optional(ChangeNote),
    base_version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version this edit was made from; another latest version → 409 PROCEDURE_VERSION_CONFLICT' })),
  },
  { additionalProperties: false },
);
export type ProcedurePatch = Static<typeof ProcedurePatch>;

const summaryFields = {
  id: Id,
  title: Type.String(),
  description: Type.String(),
  tags: Type.Array(Type.String()),
  service_ids: Type.Array(Type.String()),
  alert_labels: Type.Record(Type.String(), Type.String()),
  version: Type.Integer({ description: 'The number of the version shown' }),
  latest_version: Type.Integer(),
  created_by: Nullable(Id),
  created_at: Timestamp,
  updated_by: Nullable(Id),
  updated_at: Timestamp,
};

export const ProcedureSummary = Type.Object({ ...summaryFields, step_count: Type.Integer() });
export type ProcedureSummary = Static<typeof ProcedureSummary>;

export const Procedure = Type.Object({
  ...summaryFields,
  variables: Type.Array(Variable),
  steps: Type.Array(Step),
});
export type Procedure = Static<typeof Procedure>;

export const ProcedureVersion = Type.Object({
  version: Type.Integer(),
  title: Type.String(),
  step_count: Type.Integer(),
  change_note: Nullable(Type.String()),
  created_by: Nullable(Id),
  created_by_name: Nullable(Type.String()),
  created_at: Timestamp,
});
export type ProcedureVersion = Static<typeof ProcedureVersion>;

export const ProcedureSuggestion = Type.Object({
  ...ProcedureSummary.properties,
  reasons: Type.Array(Type.String(), { description: 'Why it is suggested, e.g. "service: Payments", "alert: alertname=PgBouncerDown"' }),
});
export type ProcedureSuggestion = Static<typeof ProcedureSuggestion>;

export const ProcedurePage = Page(ProcedureSummary);
export const ProcedureVersionPage = Page(ProcedureVersion);
export const SuggestionList = Type.Object({ data: Type.Array(ProcedureSuggestion) });

export const ProcedureListQuery = Type.Object(
  {
    ...PageQuery,
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Words that must all appear (any case) in the title, description or tags' })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    service_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Procedures linked to this service' })),
  },
  { additionalProperties: false },
);
export type ProcedureListQuery = Static<typeof ProcedureListQuery>;

export const VersionQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, description: 'A past version; default the latest' })) },
  { additionalProperties: false },
);
export type VersionQuery = Static<typeof VersionQuery>;

export const VersionListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type VersionListQuery = Static<typeof VersionListQuery>;

export const SuggestQuery = Type.Object({ incident_id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const ImportQuery = Type.Object(
  {
    procedure_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Import as a new version of this procedure' })),
    base_version: Type.Optional(Type.Integer({ minimum: 1, description: 'With procedure_id: as in PATCH' })),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

/** The data an execution pins: one version of a procedure. */
export interface ProcedureSnapshot {
  procedure_id: string;
  title: string;
  version: number;
  steps: Step[];
  variables: Variable[];
}
