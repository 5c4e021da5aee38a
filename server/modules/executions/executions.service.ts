import { existsSync } from 'node:fs';
import type { Transact } from '../../db/database';
import { AppError, notFound, validation } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import { refusedUrl } from '../../lib/address-guard';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Broadcast, Publish } from '../../realtime';
import type { AuditLog } from '../audit';
import type { CommandSpec, HttpSpec, ProcedureSnapshot, WaitSpec } from '../procedures';
import { KILL_GRACE_MS } from './command-runner';
import { fillUrl } from './http-step';
import type {
  ExecuteBody, Execution, ExecutionListQuery, ExecutionPatch, ExecutionStatus, ExecutionStep, ExecutionSummary, OutputEvent, Progress, StepChange, StepStatus,
} from './executions.schemas';
import type { ExecutionRow, ExecutionsStore, StepChanges, StepRow } from './executions.store';
import type { NamedSecret } from './redactor';
import { recoverInterruptedSteps } from './recovery';
import { launchCommand, launchHttp, launchWait, outputFile, type Launched, type StepOutcome } from './step-launch';
import { WAIT_POLL_MS } from './wait-step';

/** What executions need of incidents; wired in app.ts so this module never imports incidents. */
export interface ExecutionIncidents {
  facts(orgId: string, id: string): { id: string; title: string; description: string; severity: string; status: string } | null;
  addTimelineEntry(
    orgId: string,
    incidentId: string,
    entry: { kind: 'execution_started' | 'execution_step' | 'execution_finished'; message: string; actorId?: string | null; data?: Record<string, unknown> },
  ): void;
  /** True when the incident has alerts and every one of them is resolved. */
  alertsResolved(orgId: string, id: string): boolean;
}

/** A secret's value by name in an organization's store, or null when it is not set. */
export type SecretLookup = (orgId: string, name: string) => Promise<string | null>;
export type ProcedureSnapshots = (orgId: string, procedureId: string, version?: number) => ProcedureSnapshot | null;

export interface ExecutionDeps {
  store: ExecutionsStore;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  /** Scripts and output files go under `<dataDir>/executions/`. */
  dataDir: string;
  procedures: ProcedureSnapshots;
  incidents: ExecutionIncidents;
  secrets: SecretLookup;
  /** The organization's `allow_command_steps` setting. */
  commandStepsAllowed(orgId: string): boolean;
  publish?: Publish;
  /** Unnumbered live sends, for output. */
  broadcast?: Broadcast;
  onError(error: unknown): void;
  /** Tests shorten these. */
  timings?: { killGraceMs?: number; outputFlushMs?: number; waitPollMs?: number };
}

const TIMELINE_TAIL_BYTES = 2048;
const LIVE_TAIL_BYTES = 4096;

/** The last `bytes` of a text, never starting inside a character. */
function tailOf(text: string, bytes: number): string {
  const buffer = Buffer.from(text);
  return buffer.length > bytes ? buffer.subarray(buffer.length - bytes).toString('utf8').replace(/^\uFFFD+/, '') : text;
}
const SERVER_STOPPED = 'The server stopped while the step was running';
const FINISHED: readonly ExecutionStatus[] = ['completed', 'cancelled'];
// Work the server does on its own (recovery) has no request behind it.
const SYSTEM_CONTEXT: RequestContext = { principal: null, ip: '', userAgent: null, requestId: '' };

interface ActiveRun {
  rowId: string;
  orgId: string;
  executionId: string;
  stepId: string;
  attempt: number;
  actorId: string | null;
  context: RequestContext;
  launched: Launched;
  /** Set when the server is closing: the attempt ends as interrupted, not failed. */
  interrupted: boolean;
  /** Set when a person stopped it (or cancelled the execution): the attempt fails with this reason. */
  stopReason: string | null;
  flushTimer: NodeJS.Timeout;
  done: Promise<void>;
}

/** A run to end once the PATCH has committed, and the reason its step then fails with (null: already decided). */
interface Stop {
  run: ActiveRun;
  reason: string | null;
}

const stepError = (code: 'STEP_NOT_RUNNABLE' | 'INVALID_STEP_ACTION' | 'EXECUTION_BUSY', message: string, path?: string) =>
  new AppError(code, message, path ? [{ path, code: code.toLowerCase(), message }] : undefined);
const notRunning = (status: ExecutionStatus) => new AppError('EXECUTION_NOT_RUNNING', `The execution is ${status}${status === 'paused' ? '; resume it first' : ''}`);

function specOf(row: Pick<StepRow, 'kind' | 'spec'>) {
  const spec = row.spec === null ? null : (JSON.parse(row.spec) as unknown);
  return {
    command: row.kind === 'command' ? (spec as CommandSpec) : null,
    http: row.kind === 'http' ? (spec as HttpSpec) : null,
    wait: row.kind === 'wait' ? (spec as WaitSpec) : null,
  };
}

export function toStep(row: StepRow): ExecutionStep {
  return {
    position: row.position,
    id: row.step_id,
    kind: row.kind,
    title: row.title,
    instructions: row.instructions,
    ...specOf(row),
    status: row.status,
    attempt: row.attempt,
    output: row.output,
    output_bytes: row.output_bytes,
    output_truncated: row.output_bytes > Buffer.byteLength(row.output),
    exit_code: row.exit_code,
    reason: row.reason,
    started_at: row.started_at,
    finished_at: row.finished_at,
    actor_id: row.actor_id,
    actor: row.actor_name,
  };
}

export const toSummary = (row: ExecutionRow): ExecutionSummary => ({
  id: row.id,
  procedure_id: row.procedure_id,
  procedure_version: row.procedure_version,
  title: row.title,
  incident_id: row.incident_id,
  status: row.status,
  variables: JSON.parse(row.variables) as Record<string, string>,
  notes: row.notes,
  started_by: row.started_by,
  started_by_name: row.started_by_name,
  started_at: row.started_at,
  finished_at: row.finished_at,
  updated_at: row.updated_at,
  progress: JSON.parse(row.progress) as Progress,
});

/** Runbook executions: starting one, walking its steps (running command, HTTP and wait steps), and their record. */
export function createExecutionService(deps: ExecutionDeps) {
  const { store, audit, transact, clock } = deps;
  const killGraceMs = deps.timings?.killGraceMs ?? KILL_GRACE_MS;
  const outputFlushMs = deps.timings?.outputFlushMs ?? 1000;
  const waitPollMs = deps.timings?.waitPollMs ?? WAIT_POLL_MS;
  /** Attempts under way in this process, by step row id. */
  const active = new Map<string, ActiveRun>();
  let closing = false;

  function load(orgId: string, id: string): ExecutionRow {
    const row = store.get(orgId, id);
    if (!row) throw notFound('Execution');
    return row;
  }

  const full = (row: ExecutionRow): Execution => ({ ...toSummary(row), steps: store.steps(row.id).map(toStep) });

  /** Tells live clients; call inside the change's transaction (the bus holds it until commit). */
  function announce(orgId: string, id: string, event: 'execution.created' | 'execution.updated' = 'execution.updated'): void {
    if (!deps.publish) return;
    const execution = full(load(orgId, id));
    const { steps: _steps, ...summary } = execution;
    deps.publish(orgId, 'executions', { event, data: summary });
    // Kept for replay like every numbered event: each step carries only its output's tail, so a run of
    // state changes never holds many copies of 64 KiB outputs (the stream and the file have the rest).
    const steps = execution.steps.map((step) => ({ ...step, output: tailOf(step.output, LIVE_TAIL_BYTES) }));
    deps.publish(orgId, `execution:${id}`, { event: 'execution.updated', data: { ...execution, steps } });
  }

  /** An entry on the execution's incident timeline; a failure there never undoes the execution's own change. */
  function onTimeline(orgId: string, incidentId: string | null, entry: Parameters<ExecutionIncidents['addTimelineEntry']>[2]): void {
    if (incidentId === null) return;
    try {
      deps.incidents.addTimelineEntry(orgId, incidentId, entry);
    } catch (error) {
      deps.onError(error);
    }
  }

  function stepEntry(execution: Pick<ExecutionRow, 'id' | 'org_id' | 'incident_id'>, step: StepRow, actorId: string | null): void {
    const outputTail = tailOf(step.output, TIMELINE_TAIL_BYTES);
    onTimeline(execution.org_id, execution.incident_id, {
      kind: 'execution_step',
      message: `${step.title}: ${step.status}${step.reason ? ` (${step.reason})` : ''}`,
      actorId,
      data: { execution_id: execution.id, step: step.step_id, status: step.status, exit_code: step.exit_code, output_tail: outputTail },
    });
  }

  function finishedEntry(execution: ExecutionRow, status: ExecutionStatus, actorId: string | null): void {
    onTimeline(execution.org_id, execution.incident_id, {
      kind: 'execution_finished', message: `Runbook ${execution.title} ${status}`, actorId, data: { execution_id: execution.id, status },
    });
  }

  /** Completes a running execution whose steps have all succeeded or been skipped. */
  function completeIfDone(context: RequestContext, orgId: string, executionId: string, actorId: string | null): void {
    const execution = load(orgId, executionId);
    if (execution.status !== 'running') return;
    const steps = store.steps(executionId);
    if (!steps.every((s) => s.status === 'succeeded' || s.status === 'skipped')) return;
    const now = clock.now().toISOString();
    store.update(executionId, { status: 'completed', finished_at: now }, now);
    audit.record(context, { orgId, action: 'COMPLETE_EXECUTION', resourceType: 'execution', resourceId: executionId, details: { automatic: true } });
    finishedEntry(execution, 'completed', actorId);
  }

  function findStep(steps: StepRow[], stepId: string, path = 'step'): StepRow {
    const step = steps.find((s) => s.step_id === stepId);
    if (!step) throw path === 'step' ? notFound('Step') : validation(path, `No step ${stepId} in this execution`, 'unknown_step');
    return step;
  }

  /** Everything that must hold for a step to start now; checked before and again inside the transaction. */
  function runnable(orgId: string, executionId: string, stepId: string): { execution: ExecutionRow; step: StepRow } {
    const execution = load(orgId, executionId);
    if (execution.status !== 'running') throw notRunning(execution.status);
    const steps = store.steps(executionId);
    const step = findStep(steps, stepId);
    if (step.kind === 'manual') throw stepError('INVALID_STEP_ACTION', 'A manual step is completed (PATCH), not run');
    if (step.status !== 'pending') {
      const hint = step.status === 'failed' || step.status === 'interrupted' ? '; retry it first' : '';
      throw stepError('STEP_NOT_RUNNABLE', `The step is ${step.status}${hint}`);
    }
    const busy = steps.find((s) => s.status === 'running') ?? [...active.values()].find((r) => r.executionId === executionId);
    if (busy) throw stepError('EXECUTION_BUSY', 'Another step of this execution is running');
    return { execution, step };
  }

  async function resolveSecrets(orgId: string, values: Record<string, string | { secret: string }>, field: string) {
    const resolved: Record<string, string> = {};
    const secrets: NamedSecret[] = [];
    for (const [name, value] of Object.entries(values)) {
      if (typeof value === 'string') {
        resolved[name] = value;
        continue;
      }
      const secret = await deps.secrets(orgId, value.secret);
      if (secret === null) {
        const message = `The secret ${value.secret} is not set in this organization`;
        throw new AppError('SECRET_NOT_FOUND', message, [{ path: `${field}.${name}`, code: 'secret_not_found', message }]);
      }
      resolved[name] = secret;
      secrets.push({ name: value.secret, value: secret });
    }
    return { resolved, secrets };
  }

  function nightshiftEnv(execution: ExecutionRow, step: StepRow, principal: Principal): Record<string, string> {
    const incident = execution.incident_id ? deps.incidents.facts(execution.org_id, execution.incident_id) : null;
    const env: Record<string, string> = {
      NIGHTSHIFT_INCIDENT_ID: incident?.id ?? '',
      NIGHTSHIFT_INCIDENT_TITLE: incident?.title ?? '',
      NIGHTSHIFT_INCIDENT_SEVERITY: incident?.severity ?? '',
      NIGHTSHIFT_INCIDENT_STATUS: incident?.status ?? '',
      NIGHTSHIFT_INCIDENT_DESCRIPTION: incident?.description ?? '',
      NIGHTSHIFT_EXECUTION_ID: execution.id,
      NIGHTSHIFT_PROCEDURE_ID: execution.procedure_id,
      NIGHTSHIFT_STEP_ID: step.step_id,
      NIGHTSHIFT_ACTOR: principal.email,
    };
    for (const [name, value] of Object.entries(JSON.parse(execution.variables) as Record<string, string>)) env[`NIGHTSHIFT_VAR_${name.toUpperCase()}`] = value;
    return env;
  }

  /** Records how an attempt ended: the step's outcome (unless a person already decided it), its output tail, audit and timeline. */
  function finish(run: ActiveRun, outcome: StepOutcome): void {
    clearInterval(run.flushTimer);
    const { sink } = run.launched;
    transact(() => {
      const execution = store.get(run.orgId, run.executionId);
      const step = execution ? store.steps(run.executionId).find((s) => s.id === run.rowId) : undefined;
      if (!execution || !step || step.attempt !== run.attempt) return;
      const now = clock.now().toISOString();
      const changes: StepChanges = { output: sink.tail(), output_bytes: sink.bytes, pid: null, exit_code: outcome.exitCode };
      if (step.status === 'running') {
        changes.status = run.interrupted ? 'interrupted' : run.stopReason !== null ? 'failed' : outcome.status;
        changes.reason = run.interrupted ? SERVER_STOPPED : (run.stopReason ?? outcome.reason);
        changes.finished_at = now;
      }
      store.updateStep(step.id, changes, now);
      const after = store.steps(run.executionId).find((s) => s.id === run.rowId)!;
      audit.record(run.context, {
        orgId: run.orgId, action: 'FINISH_EXECUTION_STEP', resourceType: 'execution', resourceId: run.executionId,
        details: {
          step: after.step_id, attempt: after.attempt, status: after.status, exit_code: after.exit_code, reason: after.reason,
          output_bytes: after.output_bytes, output_tail: sink.tail(TIMELINE_TAIL_BYTES),
        },
      });
      stepEntry(execution, after, run.actorId);
      if (after.status === 'succeeded') completeIfDone(run.context, run.orgId, run.executionId, run.actorId);
      announce(run.orgId, run.executionId);
    });
  }

  function track(
    place: { orgId: string; executionId: string; row: StepRow; attempt: number; actorId: string | null; context: RequestContext },
    launched: Launched,
  ): void {
    let flushed = 0;
    const run: ActiveRun = {
      rowId: place.row.id, orgId: place.orgId, executionId: place.executionId, stepId: place.row.step_id, attempt: place.attempt,
      actorId: place.actorId, context: place.context, launched, interrupted: false, stopReason: null,
      // The row's copy of the output, for readers of the API, at most once a second; live viewers have the stream.
      flushTimer: setInterval(() => {
        if (launched.sink.bytes === flushed) return;
        flushed = launched.sink.bytes;
        try {
          store.setOutput(place.row.id, launched.sink.tail(), launched.sink.bytes, clock.now().toISOString());
        } catch (error) {
          deps.onError(error);
        }
      }, outputFlushMs),
      done: Promise.resolve(),
    };
    active.set(run.rowId, run);
    if (launched.pid !== null) store.updateStep(run.rowId, { pid: launched.pid }, clock.now().toISOString());
    run.done = launched.outcome
      .catch((error: unknown): StepOutcome => {
        deps.onError(error);
        return { status: 'failed', exitCode: null, reason: 'The runner failed' };
      })
      .then((outcome) => {
        try {
          finish(run, outcome);
        } catch (error) {
          deps.onError(error);
        } finally {
          active.delete(run.rowId);
        }
      });
  }

  function live(orgId: string, executionId: string, stepId: string, attempt: number) {
    return (chunk: { offset: number; text: string; skipped_bytes: number }) => {
      const data: OutputEvent = { execution_id: executionId, step: stepId, attempt, ...chunk };
      deps.broadcast?.(orgId, `execution:${executionId}`, { event: 'execution.output', data });
    };
  }

  /** Applies one step action inside the PATCH's transaction; returns a run to stop after commit, if any. */
  function applyStepChange(
    execution: ExecutionRow, steps: StepRow[], change: StepChange, index: number, principal: Principal, now: string,
  ): { stop?: Stop } {
    const path = `steps.${index}`;
    const step = findStep(steps, change.step, `${path}.step`);
    const needsReason = change.action === 'skip' || change.action === 'fail';
    if (needsReason && !change.reason) throw stepError('INVALID_STEP_ACTION', `To ${change.action} a step, say why (reason)`, `${path}.reason`);
    const set = (changes: StepChanges) => {
      store.updateStep(step.id, changes, now);
      Object.assign(step, changes);
    };
    const decided = (status: StepStatus, reason: string | null) => {
      set({ status, reason, finished_at: now, actor_id: principal.userId });
      stepEntry(execution, { ...step, actor_name: null }, principal.userId);
    };
    const run = [...active.values()].find((r) => r.rowId === step.id);
    switch (change.action) {
      case 'complete':
      case 'fail': {
        if (step.kind !== 'manual' && step.kind !== 'wait') {
          throw stepError('INVALID_STEP_ACTION', `A ${step.kind} step succeeds or fails by running; only manual and wait steps are marked by hand`, `${path}.action`);
        }
        const status = change.action === 'complete' ? 'succeeded' : 'failed';
        if (step.status === 'running') {
          // A wait under way: decided now; the wait itself is ended after commit and records its end.
          set({ status, reason: change.reason ?? null, finished_at: now, actor_id: principal.userId });
          return run ? { stop: { run, reason: null } } : {};
        }
        if (step.status !== 'pending') throw stepError('STEP_NOT_RUNNABLE', `The step is ${step.status}`, `${path}.action`);
        decided(status, change.reason ?? null);
        return {};
      }
      case 'skip':
        if (!['pending', 'failed', 'interrupted'].includes(step.status)) {
          throw stepError('STEP_NOT_RUNNABLE', `A ${step.status} step cannot be skipped${step.status === 'running' ? '; stop it first' : ''}`, `${path}.action`);
        }
        decided('skipped', change.reason!);
        return {};
      case 'retry':
        if (step.status !== 'failed' && step.status !== 'interrupted') throw stepError('STEP_NOT_RUNNABLE', `Only a failed or interrupted step is retried; this one is ${step.status}`, `${path}.action`);
        if (run) throw stepError('EXECUTION_BUSY', 'The step\'s last attempt is still ending', `${path}.action`);
        set({ status: 'pending', reason: null, exit_code: null, finished_at: null });
        return {};
      case 'stop':
        if (step.status !== 'running') throw stepError('STEP_NOT_RUNNABLE', `The step is ${step.status}, not running`, `${path}.action`);
        if (run) {
          // It stays running until its processes are gone; then it fails with this reason.
          return { stop: { run, reason: change.reason ?? 'Stopped' } };
        }
        decided('failed', change.reason ?? 'Stopped');
        return {};
    }
  }

  return {
    /** `POST /procedures/{id}/execute`: pins the version and snapshots its steps. */
    start(context: RequestContext, principal: Principal, procedureId: string, input: ExecuteBody): Execution {
      const orgId = principal.orgId;
      return transact(() => {
        const snapshot = deps.procedures(orgId, procedureId, input.version);
        if (!snapshot) throw notFound(input.version === undefined ? 'Procedure' : 'Procedure version');
        const incidentId = input.incident_id ?? null;
        if (incidentId !== null && !deps.incidents.facts(orgId, incidentId)) throw notFound('Incident');
        const given = input.variables ?? {};
        const declared = new Map(snapshot.variables.map((v) => [v.name, v]));
        const unknown = Object.keys(given).filter((name) => !declared.has(name));
        if (unknown.length > 0) throw validation(`variables.${unknown[0]}`, `The procedure has no variable ${unknown[0]}`, 'unknown_variable');
        const variables: Record<string, string> = {};
        for (const variable of snapshot.variables) {
          const value = given[variable.name] ?? variable.default;
          if (variable.required && (value === null || value === '')) throw validation(`variables.${variable.name}`, `The variable ${variable.name} is required`, 'required');
          if (value !== null) variables[variable.name] = value;
        }
        const now = clock.now().toISOString();
        const id = newId();
        store.insert({
          id, org_id: orgId, procedure_id: snapshot.procedure_id, procedure_version: snapshot.version, title: snapshot.title, incident_id: incidentId,
          status: 'running', variables: JSON.stringify(variables), started_by: principal.userId, started_at: now, created_at: now, updated_at: now,
        });
        snapshot.steps.forEach((step, position) => {
          const spec = step.kind === 'command' ? step.command : step.kind === 'http' ? step.http : step.kind === 'wait' ? step.wait : null;
          store.insertStep({
            id: newId(), org_id: orgId, execution_id: id, position, step_id: step.id, kind: step.kind, title: step.title, instructions: step.instructions,
            spec: spec === null ? null : JSON.stringify(spec), status: 'pending', created_at: now,
          });
        });
        audit.record(context, {
          orgId, action: 'START_EXECUTION', resourceType: 'execution', resourceId: id,
          details: { procedure_id: snapshot.procedure_id, procedure_version: snapshot.version, incident_id: incidentId, variables: Object.keys(variables) },
        });
        onTimeline(orgId, incidentId, {
          kind: 'execution_started', message: `Started runbook ${snapshot.title}`, actorId: principal.userId,
          data: { execution_id: id, procedure_id: snapshot.procedure_id, procedure_version: snapshot.version },
        });
        announce(orgId, id, 'execution.created');
        return full(load(orgId, id));
      });
    },

    list(principal: Principal, query: ExecutionListQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list({
        orgId: principal.orgId, procedureId: query.procedure_id, incidentId: query.incident_id, status: query.status,
        startedBy: query.started_by === 'me' ? principal.userId : query.started_by,
      }, limit, offset);
      return { data: rows.map(toSummary), meta: { total, limit, offset } };
    },

    get: (principal: Principal, id: string): Execution => full(load(principal.orgId, id)),

    /** For `GET /incidents/{id}`: the incident's executions, newest first. */
    executionsOf: (orgId: string, incidentId: string): ExecutionSummary[] => store.ofIncident(orgId, incidentId).map(toSummary),

    /** `PATCH /executions/{id}`: notes, step outcomes and the execution's status, all or none. */
    update(context: RequestContext, principal: Principal, id: string, patch: ExecutionPatch): Execution {
      const orgId = principal.orgId;
      const toStop: Stop[] = [];
      const result = transact(() => {
        const before = load(orgId, id);
        const now = clock.now().toISOString();
        let status = before.status;
        const finished = FINISHED.includes(status);
        if (patch.status === 'running' && status !== 'running') {
          if (finished) throw notRunning(status);
          status = 'running';
        }
        const steps = store.steps(id);
        const changes = patch.steps ?? [];
        if (changes.length > 0 && status !== 'running') throw notRunning(status);
        changes.forEach((change, index) => {
          const { stop } = applyStepChange(before, steps, change, index, principal, now);
          if (stop) toStop.push(stop);
        });
        if (patch.status === 'paused' && status !== 'paused') {
          if (finished) throw notRunning(status);
          status = 'paused';
        }
        if (patch.status === 'cancelled' || patch.status === 'completed') {
          if (finished && patch.status !== status) throw notRunning(status);
          if (!finished) {
            if (patch.status === 'completed') {
              const open = steps.filter((s) => s.status === 'pending' || s.status === 'running');
              if (open.length > 0) throw new AppError('EXECUTION_INCOMPLETE', `Steps still ${open.some((s) => s.status === 'running') ? 'running or ' : ''}pending: ${open.map((s) => s.step_id).join(', ')}`);
            } else {
              for (const step of steps.filter((s) => s.status === 'running')) {
                const run = active.get(step.id);
                if (run) {
                  toStop.push({ run, reason: 'The execution was cancelled' });
                } else {
                  store.updateStep(step.id, { status: 'failed', reason: 'The execution was cancelled', finished_at: now }, now);
                }
              }
            }
            status = patch.status;
          }
        }
        const notesChanged = patch.notes !== undefined && patch.notes !== before.notes;
        const statusChanged = status !== before.status;
        if (!notesChanged && !statusChanged && changes.length === 0) return full(before);
        store.update(id, {
          ...(statusChanged ? { status, finished_at: FINISHED.includes(status) ? now : null } : {}),
          ...(notesChanged ? { notes: patch.notes } : {}),
        }, now);
        audit.record(context, {
          orgId, action: 'UPDATE_EXECUTION', resourceType: 'execution', resourceId: id,
          details: {
            ...(statusChanged ? { status: { from: before.status, to: status } } : {}),
            ...(notesChanged ? { notes_length: patch.notes!.length } : {}),
            ...(changes.length > 0 ? { steps: changes.map((c) => ({ step: c.step, action: c.action, reason: c.reason ?? null })) } : {}),
          },
        });
        if (statusChanged && FINISHED.includes(status)) finishedEntry(before, status, principal.userId);
        completeIfDone(context, orgId, id, principal.userId);
        announce(orgId, id);
        return full(load(orgId, id));
      });
      // Only once the change has committed: a rolled-back PATCH stops nothing.
      for (const { run, reason } of toStop) {
        if (reason !== null) run.stopReason ??= reason;
        run.launched.stop(killGraceMs);
      }
      return result;
    },

    /** `POST /executions/{id}/steps/{step}/run`: starts a command, HTTP or wait step; answers once it is running. */
    async runStep(context: RequestContext, principal: Principal, executionId: string, stepId: string): Promise<ExecutionStep> {
      const orgId = principal.orgId;
      const { execution, step } = runnable(orgId, executionId, stepId);
      const spec = specOf(step);
      if (spec.command && !deps.commandStepsAllowed(orgId)) {
        throw new AppError('COMMAND_STEPS_DISABLED', 'This organization does not allow command steps to run on the host (organization settings: allow_command_steps)');
      }
      if (spec.http) {
        const { url, missing } = fillUrl(spec.http.url, JSON.parse(execution.variables) as Record<string, string>);
        if (missing.length > 0) throw validation('http.url', `The step's URL uses ${missing.map((m) => `{{${m}}}`).join(', ')}, which this execution has no value for`, 'unknown_variable');
        const refused = refusedUrl(url);
        if (refused) throw new AppError('HTTP_STEP_URL_NOT_ALLOWED', `The step's URL ${refused}`, [{ path: 'http.url', code: 'not_allowed', message: refused }]);
        spec.http = { ...spec.http, url };
      }
      if (spec.wait?.until && execution.incident_id === null) throw stepError('STEP_NOT_RUNNABLE', 'This step waits on the incident, and the execution has none');
      const { resolved: env, secrets: envSecrets } = await resolveSecrets(orgId, spec.command?.env ?? {}, 'command.env');
      const { resolved: headers, secrets: headerSecrets } = await resolveSecrets(orgId, spec.http?.headers ?? {}, 'http.headers');
      if (closing) throw new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down');

      const { current, attempt } = transact(() => {
        const { execution: current, step: fresh } = runnable(orgId, executionId, stepId);
        const now = clock.now().toISOString();
        const attempt = fresh.attempt + 1;
        store.updateStep(fresh.id, {
          status: 'running', attempt, started_at: now, finished_at: null, exit_code: null, reason: null, output: '', output_bytes: 0,
          actor_id: principal.userId, pid: null,
        }, now);
        audit.record(context, {
          orgId, action: 'RUN_EXECUTION_STEP', resourceType: 'execution', resourceId: executionId,
          details: {
            step: stepId, attempt, kind: fresh.kind,
            ...(spec.command ? { interpreter: spec.command.interpreter, env_names: Object.keys(spec.command.env) } : {}),
            ...(spec.http ? { method: spec.http.method, url: new URL(spec.http.url).origin } : {}),
          },
        });
        announce(orgId, executionId);
        return { current, attempt };
      });

      const place = {
        dataDir: deps.dataDir, executionId, position: step.position, attempt,
        secrets: [...envSecrets, ...headerSecrets], live: live(orgId, executionId, stepId, attempt),
      };
      let launched: Launched;
      try {
        if (spec.command) {
          launched = launchCommand(place, spec.command, { step: env, nightshift: nightshiftEnv(current, step, principal) }, killGraceMs);
        } else if (spec.http) {
          launched = launchHttp(place, spec.http, headers);
        } else {
          const wait = spec.wait!;
          const incidentId = current.incident_id;
          const condition = wait.until === null || incidentId === null ? null
            : wait.until === 'incident_resolved' ? () => deps.incidents.facts(orgId, incidentId)?.status === 'resolved'
              : () => deps.incidents.alertsResolved(orgId, incidentId);
          launched = launchWait(place, wait, condition, waitPollMs);
        }
      } catch (error) {
        deps.onError(error);
        const reason = `The step could not start: ${(error as Error).message}`;
        transact(() => {
          const now = clock.now().toISOString();
          store.updateStep(step.id, { status: 'failed', reason, finished_at: now }, now);
          announce(orgId, executionId);
        });
        return toStep(store.steps(executionId).find((s) => s.id === step.id)!);
      }
      track({ orgId, executionId, row: step, attempt, actorId: principal.userId, context }, launched);
      return toStep(store.steps(executionId).find((s) => s.id === step.id)!);
    },

    /** The whole output file of an attempt (default the latest), for `GET .../output`. */
    outputPath(principal: Principal, executionId: string, stepId: string, attempt?: number): string {
      load(principal.orgId, executionId);
      const step = findStep(store.steps(executionId), stepId);
      const wanted = attempt ?? step.attempt;
      if (wanted < 1 || wanted > step.attempt) throw notFound('Output');
      const file = outputFile(deps.dataDir, executionId, step.position, wanted);
      if (!existsSync(file)) throw notFound('Output');
      return file;
    },

    /** At startup: steps a previous process left running are interrupted (and what is left of their processes killed). */
    recover(): number {
      return recoverInterruptedSteps({
        store, dataDir: deps.dataDir, clock,
        interrupt(row, output) {
          transact(() => {
            const now = clock.now().toISOString();
            store.updateStep(row.id, { status: 'interrupted', reason: SERVER_STOPPED, finished_at: now, output: output.tail, output_bytes: output.bytes, pid: null }, now);
            audit.record(SYSTEM_CONTEXT, {
              orgId: row.org_id, action: 'INTERRUPT_EXECUTION_STEP', resourceType: 'execution', resourceId: row.execution_id,
              details: { step: row.step_id, attempt: row.attempt, output_bytes: output.bytes },
            });
            const execution = store.get(row.org_id, row.execution_id);
            const step = store.steps(row.execution_id).find((s) => s.id === row.id);
            if (execution && step) stepEntry(execution, step, null);
            announce(row.org_id, row.execution_id);
          });
        },
        onError: deps.onError,
      });
    },

    /** At shutdown: running attempts are ended and recorded as interrupted. */
    async close(graceMs = Math.min(killGraceMs, 2000)): Promise<void> {
      closing = true;
      const runs = [...active.values()];
      for (const run of runs) {
        run.interrupted = true;
        run.launched.stop(graceMs);
      }
      await Promise.all(runs.map((run) => run.done));
    },
  };
}

export type ExecutionService = ReturnType<typeof createExecutionService>;
