import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrivateCli, type PrivateCli } from '../../testing/cli-process';
import { call, createApiKey, register } from '../../testing/harness';
import { Receiver, until, verifies } from './test-receiver';

/**
 * The outbox against a real crash: the CLI is SIGKILLed with one delivery in flight and one waiting for
 * its retry, then started again on the same data dir.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-outbound-'));
let cli: PrivateCli;
beforeAll(() => {
  cli = buildPrivateCli('outbound-restart-test');
}, 120_000);

afterAll(() => {
  cli?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const startCli = () => cli.start(dataDir);

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
      expect((await second.exited).code).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
