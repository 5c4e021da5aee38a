import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';
import { CommandSpec, HttpSpec, STEP_KINDS, WaitSpec } from '../procedures';

export const EXECUTION_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
export const STEP_ACTIONS = ['complete', 'fail', 'skip', 'retry', 'stop'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const Progress = Type.Object({
  total: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  pending: Type.Integer(),
  running: Type.Integer(),
  interrupted: Type.Integer(),
});
export type Progress = Static<typeof Progress>;

export const ExecutionStep = Type.Object({
  position: Type.Integer({ description: 'Index in the procedure version, from 0' }),
  id: Type.String({ description: 'The step\'s id in the procedure' }),
  kind: StringEnum(STEP_KINDS),
  title: Type.String(),
  instructions: Type.String({ description: 'Markdown' }),
  command: Nullable(CommandSpec),
  http: Nullable(HttpSpec),
  wait: Nullable(WaitSpec),
  status: StringEnum(STEP_STATUSES),
  attempt: Type.Integer({ description: 'Runs so far (0 before the first); the output is the latest attempt\'s' }),
  output: Type.String({ description: 'The last 64 KiB of the latest attempt\'s output, secrets redacted; the whole is at .../output' }),
  output_bytes: Type.Integer(),
  output_truncated: Type.Boolean({ description: 'True when `output` is only the end of it' }),
  exit_code: Nullable(Type.Integer()),
  reason: Nullable(Type.String({ description: 'Why it failed, was skipped or was interrupted' })),
  started_at: Nullable(Timestamp),
  finished_at: Nullable(Timestamp),
  actor_id: Nullable(Id),
  actor: Nullable(Type.String({ description: 'Name of who ran, completed or skipped it' })),
});
export type ExecutionStep = Static<typeof ExecutionStep>;

const summaryFields = {
  id: Id,
  procedure_id: Id,
  procedure_version: Type.Integer(),
  title: Type.String(),
  incident_id: Nullable(Id),
  status: StringEnum(EXECUTION_STATUSES),
  variables: Type.Record(Type.String(), Type.String()),
  notes: Type.String(),
  started_by: Nullable(Id),
  started_by_name: Nullable(Type.String()),
  started_at: Timestamp,
  finished_at: Nullable(Timestamp),
  updated_at: Timestamp,
  progress: Progress,
};

export const ExecutionSummary = Type.Object(summaryFields);
export type ExecutionSummary = Static<typeof ExecutionSummary>;

export const Execution = Type.Object({ ...summaryFields, steps: Type.Array(ExecutionStep) });
export type Execution = Static<typeof Execution>;

export const ExecutionPage = Page(ExecutionSummary);

export const ExecuteBody = Type.Object(
  {
    incident_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'Run it for this incident: its fields reach scripts and the run lands on its timeline' }))),
    variables: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 10_000 }), { maxProperties: 50 })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Pin this version; default the latest' })),
  },
  { additionalProperties: false },
);
export type ExecuteBody = Static<typeof ExecuteBody>;

export const StepChange = Type.Object(
  {
    step: Type.String({ minLength: 1, maxLength: 64, description: 'The step\'s id' }),
    action: StringEnum(STEP_ACTIONS, {
      description: 'complete / fail: a manual or wait step; skip (reason required): not running; retry: failed or interrupted → pending; stop: a running step is ended and fails',
    }),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000 })),
  },
  { additionalProperties: false },
);
export type StepChange = Static<typeof StepChange>;

export const ExecutionPatch = Type.Object(
  {
    status: Type.Optional(StringEnum(['running', 'paused', 'cancelled', 'completed'] as const, {
      description: 'paused ⇄ running; cancelled stops a running step; completed needs no step pending or running',
    })),
    notes: Type.Optional(Type.String({ maxLength: 20_000, description: 'Markdown' })),
    steps: Type.Optional(Type.Array(StepChange, { maxItems: 200, description: 'Applied in order, all or none' })),
  },
  { additionalProperties: false },
);
export type ExecutionPatch = Static<typeof ExecutionPatch>;

export const ExecutionListQuery = Type.Object(
  {
    ...PageQuery,
    procedure_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    incident_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(StringEnum(EXECUTION_STATUSES)),
    started_by: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A user id, or `me`' })),
  },
  { additionalProperties: false },
);
export type ExecutionListQuery = Static<typeof ExecutionListQuery>;

export const StepParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  step: Type.String({ minLength: 1, maxLength: 64 }),
});

export const OutputQuery = Type.Object(
  { attempt: Type.Optional(Type.Integer({ minimum: 1, description: 'Default the latest' })) },
  { additionalProperties: false },
);

/** One piece of a running step's output, as `execution.output` events on `execution:{id}` carry it. */
export interface OutputEvent {
  execution_id: string;
  step: string;
  attempt: number;
  offset: number;
  text: string;
  skipped_bytes: number;
}
