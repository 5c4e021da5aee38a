/**
 * Starting and stopping the servers under test as child processes of the same Node binary:
 * Nightshift (`node out/server/cli.js serve ...`) and the Fastify hello-world peer.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild } from './children';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NIGHTSHIFT_CLI = join(REPO_ROOT, 'out', 'server', 'cli.js');
export const HELLO_WORLD = join(REPO_ROOT, 'server', 'bench', 'hello-world.ts');

const NIGHTSHIFT_LINE = /^Nightshift listening on (http:\/\/\S+)\s*$/m;
const HELLO_LINE = /^hello-world listening on (http:\/\/\S+)\s*$/m;

export interface Running {
  name: string;
  url: string;
  child: ChildProcess;
  pid: number;
  /** hrtime (ns) right before spawn() was called. */
  spawnedAt: bigint;
  /** hrtime (ns) when the listening line was read. */
  listeningAt: bigint;
  stderrTail(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  line: RegExp;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Spawns a server and resolves once it prints its listening line. */
export function startListening(options: StartOptions): Promise<Running> {
  const { name, command, args, line, timeoutMs = 15_000 } = options;
  return new Promise((resolve, reject) => {
    const spawnedAt = process.hrtime.bigint();
    const child = spawnTracked(command, args, { cwd: REPO_ROOT, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const stderrTail = () => stderr.slice(-2_000);
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name}: ${message}${stderr ? `\n--- stderr ---\n${stderrTail()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no listening line within ${timeoutMs} ms`), timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (settled) return; // keep draining so the pipe never blocks the server
      stdout += chunk;
      const match = line.exec(stdout);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      const listeningAt = process.hrtime.bigint();
      resolve({
        name,
        url: match[1]!,
        child,
        pid: child.pid!,
        spawnedAt,
        listeningAt,
        stderrTail,
        stop: async () => {
          const { code, forced } = await stopChild(child);
          if (forced) process.stderr.write(`bench: ${name} ignored SIGTERM, killed\n`);
          else if (code !== 0) process.stderr.write(`bench: ${name} exited with ${String(code)}\n${stderrTail()}\n`);
        },
      });
    });
    child.once('error', (error) => fail(`spawn failed: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited early (${code ?? signal})`));
  });
}

export interface NightshiftOptions {
  dataDir: string;
  noRateLimits?: boolean;
  logLevel?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Extra environment, e.g. NIGHTSHIFT_CODE_CACHE=0. */
  env?: NodeJS.ProcessEnv;
}

export function nightshiftArgs(options: NightshiftOptions): string[] {
  const args = [...(options.nodeArgs ?? []), NIGHTSHIFT_CLI, 'serve', '--port', '0', '--data-dir', options.dataDir];
  if (options.noRateLimits) args.push('--no-rate-limits');
  if (options.logLevel) args.push('--log-level', options.logLevel);
  return args;
}

export function startNightshift(options: NightshiftOptions): Promise<Running> {
  if (!existsSync(NIGHTSHIFT_CLI)) throw new Error(`${NIGHTSHIFT_CLI} is missing: run npm run build:server first`);
  return startListening({
    name: 'nightshift',
    command: process.execPath,
    args: nightshiftArgs(options),
    line: NIGHTSHIFT_LINE,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
}

/** The Fastify hello-world peer, run by the same Node (through tsx, which only affects loading). */
export function startHelloWorld(): Promise<Running> {
  return startListening({ name: 'hello-world', command: process.execPath, args: ['--import', 'tsx', HELLO_WORLD], line: HELLO_LINE });
}
