import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import type { Clock } from '../../lib/clock';
import type { CommandSpec } from '../procedures';
import { signalGroup } from './command-runner';
import type { ExecutionsStore, RunningStepRow } from './executions.store';
import { TAIL_BYTES } from './output-sink';
import { utf8Tail } from './byte-ring';
import { outputFile, scriptFile } from './step-launch';

/** The command line of a live process, or null when there is none (or it cannot be read here). */
export function commandLineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // No /proc (macOS, BSD): ask ps. Windows keeps no process groups to find.
  }
  if (process.platform === 'win32' || process.platform === 'linux') return null;
  const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && ps.stdout.trim() ? ps.stdout.trim() : null;
}

/** The newest TAIL_BYTES of an output file as text, and the file's size (nothing when it was never written). */
export function readTail(file: string): { tail: string; bytes: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { tail: '', bytes: 0 };
  }
  try {
    const bytes = fstatSync(fd).size;
    const length = Math.min(bytes, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, bytes - length);
    return { tail: utf8Tail(buffer), bytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * After a crash, steps still marked running belong to a process that is gone. Each is interrupted
 * (never silently succeeded) with the output its file kept. A command's process group may have
 * outlived the server: it is killed, but only when its leader still runs that step's own script file
 * (a recycled pid belongs to someone else).
 */
export function recoverInterruptedSteps(deps: {
  store: ExecutionsStore;
  dataDir: string;
  clock: Clock;
  interrupt(row: RunningStepRow, output: { tail: string; bytes: number }): void;
  onError(error: unknown): void;
}): number {
  const rows = deps.store.running();
  for (const row of rows) {
    try {
      if (row.kind === 'command' && row.pid !== null && row.spec !== null) {
        const script = scriptFile(deps.dataDir, row.execution_id, row.position, row.attempt, (JSON.parse(row.spec) as CommandSpec).interpreter);
        if (commandLineOf(row.pid)?.includes(script)) signalGroup(row.pid, 'SIGKILL');
      }
      deps.interrupt(row, readTail(outputFile(deps.dataDir, row.execution_id, row.position, row.attempt)));
    } catch (error) {
      deps.onError(error);
    }
  }
  return rows.length;
}
