import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inheritedEnvironment, runCommand } from './command-runner';
import { OutputSink } from './output-sink';
import { processGone } from './test-processes';

const dir = mkdtempSync(join(tmpdir(), 'nightshift-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function script(text: string): string {
  const file = join(dir, `${++n}.sh`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

async function run(text: string, options: { env?: Record<string, string>; timeoutMs?: number; killGraceMs?: number } = {}) {
  const file = join(dir, `${++n}.log`);
  const sink = new OutputSink({ file, secrets: [] });
  const command = runCommand({
    program: 'bash', args: [script(text)], cwd: dir, env: { ...inheritedEnvironment(), ...options.env },
    timeoutMs: options.timeoutMs ?? 10_000, killGraceMs: options.killGraceMs,
  }, sink);
  const exit = await command.exited;
  await sink.end();
  return { exit, file, get output() { return readFileSync(file, 'utf8'); } };
}

describe('command runner', () => {
  it('runs argv without a shell: hostile values arrive only as environment values', async () => {
    const hostile = '; rm -rf ~ $(id) `whoami` \n && echo pwned';
    const { exit, output } = await run('printf "%s" "$HOSTILE"', { env: { HOSTILE: hostile } });
    expect(exit).toMatchObject({ code: 0, timedOut: false, error: null });
    expect(output).toBe(hostile);
  });

  it('merges stdout and stderr and reports the exit code', async () => {
    const { exit, output } = await run('echo out; echo err >&2; exit 3');
    expect(exit.code).toBe(3);
    expect(output.split('\n').sort()).toEqual(['', 'err', 'out']);
  });

  it('passes on only the allowlisted part of the server environment', () => {
    const env = inheritedEnvironment({ PATH: '/bin', HOME: '/h', NIGHTSHIFT_SECRET_KEY: 'k', AWS_SECRET_ACCESS_KEY: 'a', LANG: 'C' }, 'linux');
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', LANG: 'C' });
  });

  it('a timeout ends the whole process group, grandchildren included', { timeout: 20_000 }, async () => {
    const { exit, output } = await run('sleep 300 & echo "child $!"; trap "" TERM; wait', { timeoutMs: 500, killGraceMs: 500 });
    expect(exit.timedOut).toBe(true);
    expect(await processGone(Number(/child (\d+)/.exec(output)![1]))).toBe(true);
  });

  it('processes left behind by a finished command are ended with it', async () => {
    const { exit, output } = await run('(sleep 300 >/dev/null 2>&1 &) ; sleep 300 >/dev/null 2>&1 & echo "bg $!"');
    expect(exit.code).toBe(0);
    expect(await processGone(Number(/bg (\d+)/.exec(output)![1]))).toBe(true);
  });

  it('stop() ends a running command', async () => {
    const file = join(dir, `${++n}.log`);
    const sink = new OutputSink({ file, secrets: [] });
    const command = runCommand({ program: 'bash', args: [script('echo started; sleep 300')], cwd: dir, env: inheritedEnvironment(), timeoutMs: 60_000 }, sink);
    await new Promise((r) => setTimeout(r, 200));
    command.stop(1000);
    const exit = await command.exited;
    await sink.end();
    expect(exit).toMatchObject({ stopped: true, code: null, signal: 'SIGTERM' });
    expect(readFileSync(file, 'utf8')).toBe('started\n');
  });

  it('a missing interpreter is reported, not thrown', async () => {
    const sink = new OutputSink({ file: join(dir, `${++n}.log`), secrets: [] });
    const command = runCommand({ program: 'no-such-interpreter-here', args: [], cwd: dir, env: inheritedEnvironment(), timeoutMs: 5000 }, sink);
    const exit = await command.exited;
    await sink.end();
    expect(exit.error).toMatch(/not found/);
  });

  it('a command printing 50 MB does not grow the server\'s memory: the pipes wait for the file', { timeout: 60_000 }, async () => {
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const { exit, file } = await run('head -c 52428800 /dev/zero | tr "\\0" "x"; echo');
    clearInterval(sampler);
    expect(exit.code).toBe(0);
    expect(statSync(file).size).toBe(50 * 1024 * 1024 + 1);
    expect(peak - before.rss).toBeLessThan(40 * 1024 * 1024);
  });
});
