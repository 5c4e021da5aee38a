import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, register } from '../../testing/harness';
import { Receiver, until, verifies } from './test-receiver';

/**
 * The outbox against a real crash: the CLI (built privately from the current sources, as
 * server/crash.test.ts does, since migrations are bundled) is SIGKILLed with one delivery in flight
 * and one waiting for its retry, then started again on the same data dir.
 */
const root = resolve(import.meta.dirname, '../../..');
const buildDir = join(root, 'out', `.outbound-restart-test-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-outbound-'));
const children = new Set<ChildProcess>();

beforeAll(() => {
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'server/vite.config.ts', '--outDir', buildDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status !== 0 || !existsSync(join(buildDir, 'cli.js'))) throw new Error(`building the server failed:\n${built.stdout}\n${built.stderr}`);
}, 120_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(buildDir, { recursive: true, force: true });
});

async function startCli(): Promise<{ child: ChildProcess; api: string }> {
  const child = spawn(process.execPath, [join(buildDir, 'cli.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--no-rate-limits', '--log-level', 'error'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NIGHTSHIFT_RENDERER_DIR: join(dataDir, 'no-console') },
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const url = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out} ${err}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /Nightshift listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        ready(match[1]!);
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`server exited (${code ?? signal}) before listening: ${err}`)));
  });
  return { child, api: `${url}/api/v1` };
}

describe('the outbound webhook outbox survives a killed server', () => {
  it('SIGKILL with a delivery in flight and one waiting to retry; after restart both arrive, same id, signed', { timeout: 90_000 }, async () => {
    const receiver = await Receiver.start();
    // Until the restart: /hang never answers, /fail answers 503.
    let down = true;
    receiver.answer = (message) => (!down ? 200 : message.path === '/hang' ? 'hang' : 503);
    try {
      const first = await startCli();
      const owner = await register(first.api, 'Owner');
      const key = (await createApiKey(first.api, owner.accessToken, { name: 'k' })).token;
      const secret = (await call(first.api, 'GET', '/me/webhook-secret', { token: key })).body.secret as string;
      const endpoint = async (path: string) => (await call(first.api, 'POST', '/webhook-endpoints', { token: key, body: { url: `${receiver.url}${path}` } })).body.id as string;
      const failing = await endpoint('/fail');
      const hanging = await endpoint('/hang');
      const deliveries = async (api: string, endpointId: string) =>
        (await call(api, 'GET', `/webhook-endpoints/${endpointId}/deliveries`, { token: key })).body.data as Array<{ id: string; status: string; attempts: number; next_attempt_at: string | null }>;

      const retried = (await call(first.api, 'POST', `/webhook-endpoints/${failing}/test`, { token: key })).body.id as string;
      const waiting = await until(async () => (await deliveries(first.api, failing)).find((d) => d.attempts === 1), 10_000);
      expect(waiting).toMatchObject({ id: retried, status: 'pending' });
      const inFlight = (await call(first.api, 'POST', `/webhook-endpoints/${hanging}/test`, { token: key })).body.id as string;
      await until(() => receiver.received.some((m) => m.headers['webhook-id'] === inFlight), 10_000);

      first.child.kill('SIGKILL');
      await new Promise((done) => first.child.once('exit', done));
      down = false;

      const second = await startCli();
      expect((await call(second.api, 'GET', '/me/webhook-secret', { token: key })).body.secret).toBe(secret);
      // The one cut off mid-request goes at once; the one waiting goes when its back-off is over (10 s after its attempt).
      const delivered = async (endpointId: string) => (await deliveries(second.api, endpointId)).find((d) => d.status === 'delivered');
      expect(await until(() => delivered(hanging), 10_000)).toMatchObject({ id: inFlight, attempts: 1 });
      expect(await until(() => delivered(failing), 20_000)).toMatchObject({ id: retried, attempts: 2, next_attempt_at: null });

      for (const id of [inFlight, retried]) {
        const sent = receiver.received.filter((m) => m.headers['webhook-id'] === id);
        expect(sent).toHaveLength(2);
        expect(sent.every((m) => verifies(secret, m))).toBe(true);
        expect(sent[0]!.body).toBe(sent[1]!.body);
      }
      second.child.kill('SIGTERM');
      expect(await new Promise((done) => second.child.once('exit', (code) => done(code)))).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
