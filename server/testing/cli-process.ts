import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real CLI in child processes, for tests about crashes, restarts and shutdown. The migrations are
 * bundled by Vite (import.meta.glob), so the CLI runs from a build: a private one, made fresh from the
 * current sources, so a test never runs stale code and never races another build of out/server.
 */
const root = resolve(import.meta.dirname, '..', '..');

export interface CliProcess {
  child: ChildProcess;
  url: string;
  api: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface PrivateCli {
  /** The built bin (out/.<tag>-<pid>/cli.js), for tests that start it their own way (under another process). */
  cli: string;
  /** `nightshift serve` on a free port over `dataDir`; resolves once it prints its ready line. */
  start(dataDir: string, extra?: string[]): Promise<CliProcess>;
  /** SIGKILLs whatever is still running and removes the build. */
  dispose(): void;
}

/** Builds the server into out/.<tag>-<pid> (call from beforeAll, with a generous timeout). */
export function buildPrivateCli(tag: string): PrivateCli {
  const buildDir = join(root, 'out', `.${tag}-${process.pid}`);
  const cli = join(buildDir, 'cli.js');
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'server/vite.config.ts', '--outDir', buildDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status !== 0 || !existsSync(cli)) throw new Error(`building the server failed:\n${built.stdout}\n${built.stderr}`);
  const children = new Set<ChildProcess>();

  return {
    cli,
    async start(dataDir, extra = []) {
      const child = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--no-rate-limits', '--log-level', 'error', ...extra], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NIGHTSHIFT_RENDERER_DIR: join(dataDir, 'no-console') },
      });
      children.add(child);
      let out = '';
      let err = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
      const url = await new Promise<string>((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`server did not start: ${out} ${err}`)), 20_000);
        const check = () => {
          const match = /^Nightshift listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (match) {
            clearTimeout(timer);
            ready(match[1]!);
          }
        };
        child.stdout!.on('data', check);
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          fail(new Error(`server exited (${code ?? signal}) before listening: ${err}`));
        });
      });
      return { child, url, api: `${url}/api/v1`, stdout: () => out, stderr: () => err, exited };
    },
    dispose() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}
