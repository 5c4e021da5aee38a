/**
 * Every child process the benchmark starts is registered here so that it is killed when the
 * benchmark exits, throws or is interrupted: a stray server would skew the next run.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

const live = new Set<ChildProcess>();
let installed = false;

export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  installCleanup();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Resolves with the exit code (or signal) once the child has exited. */
export function waitForExit(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<{ code: number | NodeJS.Signals | null; forced: boolean }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode ?? child.signalCode, forced: false };
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const first = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return { code: first, forced: false };
  child.kill('SIGKILL');
  return { code: await exited, forced: true };
}

export function killAllChildren(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping children\n`);
      killAllChildren();
      process.exit(130);
    });
  }
}

let clockTicks: number | undefined;

/**
 * CPU seconds (user + system) a process has used so far, read from /proc (Linux). Undefined
 * elsewhere. Used to tell whether the server or the load generator was the bottleneck.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    clockTicks ??= 100; // USER_HZ is 100 on every mainstream Linux build
    return (utime + stime) / clockTicks;
  } catch {
    return undefined;
  }
}
