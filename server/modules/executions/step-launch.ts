import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec, HttpSpec, WaitSpec } from '../procedures';
import { INTERPRETER_PROGRAMS, inheritedEnvironment, runCommand } from './command-runner';
import { runHttpCheck } from './http-step';
import { OutputSink, type LiveChunk } from './output-sink';
import type { NamedSecret } from './redactor';
import { runWait } from './wait-step';

/** How a step attempt ended, as the runner saw it. */
export interface StepOutcome {
  status: 'succeeded' | 'failed';
  exitCode: number | null;
  reason: string | null;
}

/** A step attempt under way. */
export interface Launched {
  sink: OutputSink;
  /** The command's process group, when it is one. */
  pid: number | null;
  /** Ends it early (the process group, the request, the wait); `outcome` then resolves as stopped. */
  stop(graceMs?: number): void;
  /** Settles once the attempt is over and its output file is closed. */
  outcome: Promise<StepOutcome>;
}

/** Where an execution's scripts and output files live: `<dataDir>/executions/<id>/`, owner-only. */
export function executionDir(dataDir: string, executionId: string): string {
  return join(dataDir, 'executions', executionId);
}

export const outputFile = (dataDir: string, executionId: string, position: number, attempt: number): string =>
  join(executionDir(dataDir, executionId), `${position}-${attempt}.log`);

export const scriptFile = (dataDir: string, executionId: string, position: number, attempt: number, interpreter: keyof typeof INTERPRETER_PROGRAMS): string =>
  join(executionDir(dataDir, executionId), `${position}-${attempt}.${INTERPRETER_PROGRAMS[interpreter].extension}`);

function prepareDir(dataDir: string, executionId: string): void {
  mkdirSync(join(dataDir, 'executions'), { recursive: true, mode: 0o700 });
  mkdirSync(executionDir(dataDir, executionId), { recursive: true, mode: 0o700 });
}

export interface AttemptPlace {
  dataDir: string;
  executionId: string;
  position: number;
  attempt: number;
  /** Secret values the output must never show. */
  secrets: readonly NamedSecret[];
  live: (chunk: LiveChunk) => void;
}

function openSink(place: AttemptPlace): OutputSink {
  prepareDir(place.dataDir, place.executionId);
  return new OutputSink({ file: outputFile(place.dataDir, place.executionId, place.position, place.attempt), secrets: place.secrets, live: place.live });
}

/** NUL cannot be part of an environment value (spawn would throw); everything else passes verbatim. */
const envValue = (value: string): string => value.replace(/\0/g, '');

/**
 * Starts a command step: the script is written to its own 0600 file and run as [interpreter, file] with
 * the allowlisted server environment, then the step's env (secrets resolved), then NIGHTSHIFT_* (which
 * a step cannot override). Values are never spliced into the script.
 */
export function launchCommand(
  place: AttemptPlace,
  spec: CommandSpec,
  env: { step: Record<string, string>; nightshift: Record<string, string> },
  killGraceMs: number,
): Launched {
  const sink = openSink(place);
  const file = scriptFile(place.dataDir, place.executionId, place.position, place.attempt, spec.interpreter);
  const fail = (reason: string): Launched => {
    sink.write(`${reason}\n`);
    return { sink, pid: null, stop: () => {}, outcome: sink.end().then(() => ({ status: 'failed', exitCode: null, reason })) };
  };
  try {
    writeFileSync(file, spec.script, { mode: 0o600 });
  } catch (error) {
    return fail(`The script could not be written: ${(error as Error).message}`);
  }
  const cwd = spec.working_dir ?? executionDir(place.dataDir, place.executionId);
  try {
    if (!statSync(cwd).isDirectory()) return fail(`The working directory ${cwd} is not a directory`);
  } catch {
    return fail(`The working directory ${cwd} does not exist`);
  }
  const environment: Record<string, string> = inheritedEnvironment();
  for (const [name, value] of Object.entries({ ...env.step, ...env.nightshift })) environment[name] = envValue(value);
  const command = runCommand({
    program: INTERPRETER_PROGRAMS[spec.interpreter].program, args: [file], cwd, env: environment,
    timeoutMs: spec.timeout_seconds * 1000, killGraceMs,
  }, sink);
  const outcome = command.exited.then(async (exit): Promise<StepOutcome> => {
    if (exit.error) sink.write(`${exit.error}\n`);
    await sink.end();
    if (exit.error) return { status: 'failed', exitCode: null, reason: exit.error };
    if (exit.stopped) return { status: 'failed', exitCode: exit.code, reason: 'Stopped' };
    if (exit.timedOut) return { status: 'failed', exitCode: exit.code, reason: `Timed out after ${spec.timeout_seconds} s` };
    if (exit.code === spec.expected_exit_code) return { status: 'succeeded', exitCode: exit.code, reason: null };
    if (exit.code === null) return { status: 'failed', exitCode: null, reason: `Ended by ${exit.signal ?? 'a signal'}` };
    return { status: 'failed', exitCode: exit.code, reason: `Exited with ${exit.code}, expected ${spec.expected_exit_code}` };
  });
  return { sink, pid: command.pid ?? null, stop: (graceMs) => command.stop(graceMs), outcome };
}

/** Starts an HTTP step (headers with their secrets resolved). */
export function launchHttp(place: AttemptPlace, spec: HttpSpec, headers: Record<string, string>): Launched {
  const sink = openSink(place);
  const abort = new AbortController();
  const outcome = runHttpCheck({ ...spec, headers }, sink, abort.signal).then(async (result): Promise<StepOutcome> => {
    await sink.end();
    return { status: result.ok ? 'succeeded' : 'failed', exitCode: null, reason: result.reason === null ? null : sink.redact(result.reason) };
  });
  return { sink, pid: null, stop: () => abort.abort(), outcome };
}

/** Starts a wait step; `condition` is what `until` names, or null for a plain pause. */
export function launchWait(place: AttemptPlace, spec: WaitSpec, condition: (() => boolean) | null, pollMs?: number): Launched {
  const sink = openSink(place);
  const abort = new AbortController();
  const outcome = runWait(spec, condition, sink, abort.signal, pollMs).then(async (result): Promise<StepOutcome> => {
    await sink.end();
    return { status: result.ok ? 'succeeded' : 'failed', exitCode: null, reason: result.reason };
  });
  return { sink, pid: null, stop: () => abort.abort(), outcome };
}
