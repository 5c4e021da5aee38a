import { spawn } from 'node:child_process';

/** Each interpreter a command step may name: the program run (found on PATH) and its script's extension. */
export const INTERPRETER_PROGRAMS = {
  bash: { program: 'bash', extension: 'sh' },
  sh: { program: 'sh', extension: 'sh' },
  python3: { program: 'python3', extension: 'py' },
  node: { program: 'node', extension: 'js' },
} as const;

/** The only variables a script inherits from the server's environment, which may hold NIGHTSHIFT_SECRET_KEY and the like. */
const INHERITED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SHELL'];
const INHERITED_ON_WINDOWS = ['SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT'];

export function inheritedEnvironment(source: NodeJS.ProcessEnv = process.env, platform = process.platform): Record<string, string> {
  const names = platform === 'win32' ? [...INHERITED, ...INHERITED_ON_WINDOWS] : INHERITED;
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** How long a process group has between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 5000;
/** After the main process exits, how long its pipes may stay silent before they are closed (an escaped process may hold them). */
const PIPE_GRACE_MS = 2000;

export interface CommandSpec {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs?: number;
}

/** Where stdout and stderr go, merged as they arrive; `write` returning false pauses both pipes until 'drain'. */
export interface CommandOutput {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface CommandExit {
  /** The main process's exit code, null when a signal ended it or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stopped: boolean;
  /** Why the command could not run at all (e.g. the interpreter is not installed). */
  error: string | null;
}

export interface RunningCommand {
  /** Also the id of the command's process group. */
  readonly pid: number | undefined;
  readonly exited: Promise<CommandExit>;
  /** SIGTERM to the whole group, SIGKILL `graceMs` later if anything is left. */
  stop(graceMs?: number): void;
}

/** Signals every process of the group led by `pid`; a group that is already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
    } else {
      process.kill(-pid, signal);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs a program as argv (never through a shell) in its own process group, with exactly the environment
 * given. A timeout or stop() ends the whole group (SIGTERM, then SIGKILL); when the main process exits,
 * whatever it left running in the group is killed too, so a step's processes end with the step.
 */
export function runCommand(spec: CommandSpec, output: CommandOutput): RunningCommand {
  const killGraceMs = spec.killGraceMs ?? KILL_GRACE_MS;
  const child = spawn(spec.program, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    shell: false,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const pid = child.pid;
  const pipes = [child.stdout, child.stderr];
  let timedOut = false;
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  let pipeTimer: NodeJS.Timeout | undefined;
  let waitingForDrain = false;
  let leaderExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  let killAt = Infinity;
  const terminate = (graceMs: number) => {
    if (pid === undefined || leaderExit) return;
    signalGroup(pid, 'SIGTERM');
    if (Date.now() + graceMs >= killAt) return;
    killAt = Date.now() + graceMs;
    clearTimeout(killTimer);
    killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  };
  const timeout = setTimeout(() => {
    timedOut = true;
    terminate(killGraceMs);
  }, spec.timeoutMs);

  const armPipeTimer = () => {
    clearTimeout(pipeTimer);
    pipeTimer = setTimeout(() => {
      if (waitingForDrain) return armPipeTimer();
      for (const pipe of pipes) pipe.destroy();
    }, PIPE_GRACE_MS);
  };

  for (const pipe of pipes) {
    pipe.on('data', (chunk: Buffer) => {
      if (leaderExit) armPipeTimer();
      if (output.write(chunk) || waitingForDrain) return;
      waitingForDrain = true;
      for (const p of pipes) p.pause();
      output.once('drain', () => {
        waitingForDrain = false;
        for (const p of pipes) p.resume();
      });
    });
    pipe.on('error', () => {}); // destroyed after the grace above; nothing to report
  }

  const exited = new Promise<CommandExit>((resolve) => {
    let spawnError: string | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timeout);
      clearTimeout(killTimer);
      clearTimeout(pipeTimer);
      resolve({ code: leaderExit?.code ?? null, signal: leaderExit?.signal ?? null, timedOut, stopped, error: spawnError });
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? `${spec.program} was not found on PATH` : error.message;
      if (pid === undefined) finish();
    });
    child.once('exit', (code, signal) => {
      leaderExit = { code, signal };
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      armPipeTimer();
    });
    child.once('close', finish);
  });

  return {
    pid,
    exited,
    stop(graceMs = killGraceMs) {
      stopped = true;
      terminate(graceMs);
    },
  };
}
