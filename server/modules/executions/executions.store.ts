import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { StepKind } from '../procedures';
import type { ExecutionStatus, StepStatus } from './executions.schemas';

export interface ExecutionRow {
  id: string;
  org_id: string;
  procedure_id: string;
  procedure_version: number;
  title: string;
  incident_id: string | null;
  status: ExecutionStatus;
  /** JSON object. */
  variables: string;
  notes: string;
  started_by: string | null;
  started_by_name: string | null;
  started_at: string;
  finished_at: string | null;
  updated_at: string;
  /** JSON object of step status → count, plus total. */
  progress: string;
}

export interface StepRow {
  id: string;
  org_id: string;
  execution_id: string;
  position: number;
  step_id: string;
  kind: StepKind;
  title: string;
  instructions: string;
  /** JSON of the command, http or wait object; null for manual steps. */
  spec: string | null;
  status: StepStatus;
  attempt: number;
  output: string;
  output_bytes: number;
  exit_code: number | null;
  reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  actor_id: string | null;
  actor_name: string | null;
  pid: number | null;
}

export type NewExecutionRow = Omit<ExecutionRow, 'started_by_name' | 'progress' | 'finished_at' | 'notes'> & { created_at: string };
export type NewStepRow = Pick<StepRow, 'id' | 'org_id' | 'execution_id' | 'position' | 'step_id' | 'kind' | 'title' | 'instructions' | 'spec' | 'status'> & { created_at: string };

export type ExecutionChanges = Partial<Pick<ExecutionRow, 'status' | 'notes' | 'finished_at'>>;
export type StepChanges = Partial<Pick<StepRow, 'status' | 'attempt' | 'output' | 'output_bytes' | 'exit_code' | 'reason' | 'started_at' | 'finished_at' | 'actor_id' | 'pid'>>;
const EXECUTION_CHANGEABLE = new Set(['status', 'notes', 'finished_at']);
const STEP_CHANGEABLE = new Set(['status', 'attempt', 'output', 'output_bytes', 'exit_code', 'reason', 'started_at', 'finished_at', 'actor_id', 'pid']);

export interface ExecutionFilter {
  orgId: string;
  procedureId?: string;
  incidentId?: string;
  status?: ExecutionStatus;
  startedBy?: string;
}

/** A step still marked running (after a crash, or at shutdown), with where its files are. */
export interface RunningStepRow {
  id: string;
  org_id: string;
  execution_id: string;
  incident_id: string | null;
  execution_title: string;
  position: number;
  step_id: string;
  kind: StepKind;
  title: string;
  attempt: number;
  spec: string | null;
  actor_id: string | null;
  pid: number | null;
}

const PROGRESS = `(SELECT json_object('total', count(*),
    'succeeded', coalesce(sum(s.status = 'succeeded'), 0), 'failed', coalesce(sum(s.status = 'failed'), 0),
    'skipped', coalesce(sum(s.status = 'skipped'), 0), 'pending', coalesce(sum(s.status = 'pending'), 0),
    'running', coalesce(sum(s.status = 'running'), 0), 'interrupted', coalesce(sum(s.status = 'interrupted'), 0))
  FROM execution_steps s WHERE s.execution_id = e.id) AS progress`;
const COLUMNS = `e.id, e.org_id, e.procedure_id, e.procedure_version, e.title, e.incident_id, e.status, e.variables, e.notes,
  e.started_by, u.name AS started_by_name, e.started_at, e.finished_at, e.updated_at, ${PROGRESS}`;
const FROM = 'FROM executions e LEFT JOIN users u ON u.id = e.started_by';
const STEP_COLUMNS = `s.id, s.org_id, s.execution_id, s.position, s.step_id, s.kind, s.title, s.instructions, s.spec, s.status, s.attempt,
  s.output, s.output_bytes, s.exit_code, s.reason, s.started_at, s.finished_at, s.actor_id, u.name AS actor_name, s.pid`;

function where(filter: ExecutionFilter): { sql: string; params: unknown[] } {
  const clauses = ['e.org_id = ?', 'e.deleted_at IS NULL'];
  const params: unknown[] = [filter.orgId];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.procedureId) add('e.procedure_id = ?', filter.procedureId);
  if (filter.incidentId) add('e.incident_id = ?', filter.incidentId);
  if (filter.status) add('e.status = ?', filter.status);
  if (filter.startedBy) add('e.started_by = ?', filter.startedBy);
  return { sql: clauses.join(' AND '), params };
}

export function executionsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO executions (id, org_id, procedure_id, procedure_version, title, incident_id, status, variables, started_by, started_at, created_at, updated_at)
     VALUES (@id, @org_id, @procedure_id, @procedure_version, @title, @incident_id, @status, @variables, @started_by, @started_at, @created_at, @updated_at)`,
  );
  const insertStep = db.prepare(
    `INSERT INTO execution_steps (id, org_id, execution_id, position, step_id, kind, title, instructions, spec, status, created_at, updated_at)
     VALUES (@id, @org_id, @execution_id, @position, @step_id, @kind, @title, @instructions, @spec, @status, @created_at, @created_at)`,
  );
  const byId = db.prepare<[string, string], ExecutionRow>(`SELECT ${COLUMNS} ${FROM} WHERE e.id = ? AND e.org_id = ? AND e.deleted_at IS NULL`);
  const steps = db.prepare<[string], StepRow>(`SELECT ${STEP_COLUMNS} FROM execution_steps s LEFT JOIN users u ON u.id = s.actor_id WHERE s.execution_id = ? ORDER BY s.position`);
  const ofIncident = db.prepare<[string, string], ExecutionRow>(
    `SELECT ${COLUMNS} ${FROM} WHERE e.org_id = ? AND e.incident_id = ? AND e.deleted_at IS NULL ORDER BY e.started_at DESC, e.id DESC LIMIT 100`,
  );
  const setOutput = db.prepare<[string, number, string, string]>('UPDATE execution_steps SET output = ?, output_bytes = ?, updated_at = ? WHERE id = ?');
  const running = db.prepare<[], RunningStepRow>(
    `SELECT s.id, s.org_id, s.execution_id, e.incident_id, e.title AS execution_title, s.position, s.step_id, s.kind, s.title, s.attempt, s.spec, s.actor_id, s.pid
     FROM execution_steps s JOIN executions e ON e.id = s.execution_id WHERE s.status = 'running' ORDER BY s.execution_id, s.position`,
  );
  const executionUpdates = new Map<string, Statement>();
  const stepUpdates = new Map<string, Statement>();

  function updater(table: string, changeable: Set<string>, cache: Map<string, Statement>) {
    return (id: string, changes: Record<string, unknown>, at: string) => {
      const fields = Object.keys(changes).filter((f) => changes[f] !== undefined && changeable.has(f)).sort();
      const key = fields.join(',');
      let statement = cache.get(key);
      if (!statement) {
        statement = db.prepare(`UPDATE ${table} SET ${[...fields.map((f) => `${f} = @${f}`), 'updated_at = @at', 'version = version + 1'].join(', ')} WHERE id = @id`);
        cache.set(key, statement);
      }
      statement.run({ ...Object.fromEntries(fields.map((f) => [f, changes[f]])), at, id });
    };
  }
  const updateExecution = updater('executions', EXECUTION_CHANGEABLE, executionUpdates);
  const updateStep = updater('execution_steps', STEP_CHANGEABLE, stepUpdates);

  return {
    insert: (row: NewExecutionRow) => void insert.run(row),
    insertStep: (row: NewStepRow) => void insertStep.run(row),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    steps: (executionId: string) => steps.all(executionId),
    update: (id: string, changes: ExecutionChanges, at: string) => updateExecution(id, changes, at),
    updateStep: (id: string, changes: StepChanges, at: string) => updateStep(id, changes, at),
    /** The tail of a running step's output, written now and then while it runs (no version bump: it is not an edit). */
    setOutput: (stepRowId: string, output: string, bytes: number, at: string) => void setOutput.run(output, bytes, at, stepRowId),
    list(filter: ExecutionFilter, limit: number, offset: number): { rows: ExecutionRow[]; total: number } {
      const { sql, params } = where(filter);
      const rows = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE ${sql} ORDER BY e.started_at DESC, e.id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as ExecutionRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM executions e WHERE ${sql}`).get(...params) as { n: number }).n);
    },
    /** The newest executions run for an incident (at most 100). */
    ofIncident: (orgId: string, incidentId: string) => ofIncident.all(orgId, incidentId),
    /** Every step marked running, in every organization. */
    running: () => running.all(),
  };
}

export type ExecutionsStore = ReturnType<typeof executionsStore>;
