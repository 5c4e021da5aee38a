import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call, createApiKey, expectError, inviteMember, register, startClockedTestServer, type Account, type ManualClock, type TestServer,
} from '../../testing/harness';
import { Receiver, until, verifies } from './test-receiver';

describe('outbound webhooks', () => {
  let server: TestServer & { clock: ManualClock };
  let owner: Account;
  let other: Account;
  let receiver: Receiver;
  let hook: string;
  // Keys, not access tokens: a test moves the clock by a day, past any access token's hour.
  let ownerKey: string;
  let otherKey: string;

  const createEndpoint = async (body: Record<string, unknown>) => {
    const response = await call(server.api, 'POST', '/webhook-endpoints', { token: ownerKey, body });
    expect(response.status).toBe(201);
    return response.body as { id: string; url: string; event_types: string[]; enabled: boolean };
  };
  const deliveries = async (endpointId: string) => {
    const response = await call(server.api, 'GET', `/webhook-endpoints/${endpointId}/deliveries`, { token: ownerKey });
    expect(response.status).toBe(200);
    return response.body.data as Array<{ id: string; status: string; attempts: number; next_attempt_at: string | null; last_status_code: number | null; last_error: string | null; event_type: string }>;
  };
  const secret = async (key: string): Promise<string> => (await call(server.api, 'GET', '/me/webhook-secret', { token: key })).body.secret;

  beforeAll(async () => {
    server = await startClockedTestServer();
    owner = await register(server.api, 'Owner');
    other = await register(server.api, 'Other');
    ownerKey = (await createApiKey(server.api, owner.accessToken, { name: 'all' })).token;
    otherKey = (await createApiKey(server.api, other.accessToken, { name: 'all' })).token;
    receiver = await Receiver.start();
    hook = `${receiver.url}/hook`;
  });
  afterAll(async () => {
    await server.stop();
    await receiver.close();
  });

  it('an admin adds an endpoint; a test event arrives signed per Standard Webhooks with the org\'s secret', async () => {
    const endpoint = await createEndpoint({ url: hook, description: 'chat bridge' });
    expect(endpoint).toMatchObject({ url: hook, description: 'chat bridge', event_types: [], enabled: true });
    const before = receiver.received.length;

    const queued = await call(server.api, 'POST', `/webhook-endpoints/${endpoint.id}/test`, { token: ownerKey });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ endpoint_id: endpoint.id, event_type: 'webhook.test', status: 'pending', attempts: 0 });

    const message = await until(async () => receiver.received[before]);
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['webhook-id']).toBe(queued.body.id);
    expect(Number(message.headers['webhook-timestamp'])).toBe(Math.floor(server.clock.now().getTime() / 1000));
    const orgSecret = await secret(ownerKey);
    expect(orgSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(verifies(orgSecret, message)).toBe(true);
    expect(verifies(await secret(otherKey), message)).toBe(false);
    expect(JSON.parse(message.body)).toEqual({ type: 'webhook.test', timestamp: expect.any(String), data: { message: expect.any(String), endpoint_id: endpoint.id } });

    const [delivery] = await until(async () => {
      const list = await deliveries(endpoint.id);
      return list[0]?.status === 'delivered' && list;
    });
    expect(delivery).toMatchObject({ id: queued.body.id, attempts: 1, last_status_code: 200, last_error: null });
  });

  it('a failed delivery is retried with exponential back-off under the same webhook-id, then delivered', async () => {
    const endpoint = await createEndpoint({ url: hook });
    receiver.answer = () => 503;
    const before = receiver.received.length;
    const queued = (await call(server.api, 'POST', `/webhook-endpoints/${endpoint.id}/test`, { token: ownerKey })).body;

    const first = await until(async () => (await deliveries(endpoint.id)).find((d) => d.attempts === 1));
    expect(first).toMatchObject({ status: 'pending', last_status_code: 503, last_error: 'The endpoint answered 503' });
    expect(Date.parse(first.next_attempt_at!) - server.clock.now().getTime()).toBe(10_000);

    // Not due yet: nothing more is sent however long we wait in real time.
    server.clock.advance(9);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect((await deliveries(endpoint.id))[0]!.attempts).toBe(1);

    server.clock.advance(1);
    const second = await until(async () => (await deliveries(endpoint.id)).find((d) => d.attempts === 2));
    expect(Date.parse(second.next_attempt_at!) - server.clock.now().getTime()).toBe(20_000);

    receiver.answer = () => 204;
    server.clock.advance(20);
    const done = await until(async () => (await deliveries(endpoint.id)).find((d) => d.status === 'delivered'));
    expect(done).toMatchObject({ id: queued.id, attempts: 3, last_status_code: 204, next_attempt_at: null });

    const sent = receiver.received.slice(before);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((m) => m.headers['webhook-id']))).toEqual(new Set([queued.id]));
    // Each attempt is signed afresh at its own time.
    expect(sent.map((m) => Number(m.headers['webhook-timestamp']))).toEqual([0, 10, 30].map((s) => Number(sent[0]!.headers['webhook-timestamp']) + s));
    const orgSecret = await secret(ownerKey);
    expect(sent.every((m) => verifies(orgSecret, m))).toBe(true);
    receiver.answer = () => 200;
  });

  it('a switched-off endpoint keeps its deliveries waiting; switching it on sends them', async () => {
    const endpoint = await createEndpoint({ url: hook, enabled: false });
    const before = receiver.received.length;
    const queued = (await call(server.api, 'POST', `/webhook-endpoints/${endpoint.id}/test`, { token: ownerKey })).body;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(receiver.received.length).toBe(before);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });

    const enabled = await call(server.api, 'PATCH', `/webhook-endpoints/${endpoint.id}`, { token: ownerKey, body: { enabled: true } });
    expect(enabled.body.enabled).toBe(true);
    await until(async () => receiver.received.slice(before).find((m) => m.headers['webhook-id'] === queued.id));
  });

  it('deleting an endpoint abandons what it had pending', async () => {
    const endpoint = await createEndpoint({ url: hook, enabled: false });
    await call(server.api, 'POST', `/webhook-endpoints/${endpoint.id}/test`, { token: ownerKey });
    expect((await call(server.api, 'DELETE', `/webhook-endpoints/${endpoint.id}`, { token: ownerKey })).status).toBe(204);
    expectError(await call(server.api, 'GET', `/webhook-endpoints/${endpoint.id}`, { token: ownerKey }), 404, 'NOT_FOUND');
    expectError(await call(server.api, 'GET', `/webhook-endpoints/${endpoint.id}/deliveries`, { token: ownerKey }), 404, 'NOT_FOUND');
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://[fe80::1]/hook',
    'http://metadata.google.internal/computeMetadata/v1/',
    'ftp://example.com/hook',
  ])('refuses the endpoint URL %s with WEBHOOK_URL_NOT_ALLOWED', async (url) => {
    const body = expectError(await call(server.api, 'POST', '/webhook-endpoints', { token: ownerKey, body: { url } }), 422, 'WEBHOOK_URL_NOT_ALLOWED');
    expect(body.fields).toEqual([{ path: 'url', code: 'not_allowed', message: expect.any(String) }]);
  });

  it('refuses a blocked URL on update too', async () => {
    const endpoint = await createEndpoint({ url: hook });
    expectError(await call(server.api, 'PATCH', `/webhook-endpoints/${endpoint.id}`, { token: ownerKey, body: { url: 'http://169.254.169.254/' } }), 422, 'WEBHOOK_URL_NOT_ALLOWED');
    expect((await call(server.api, 'GET', `/webhook-endpoints/${endpoint.id}`, { token: ownerKey })).body.url).toBe(hook);
  });

  it('validates event types', async () => {
    expectError(await call(server.api, 'POST', '/webhook-endpoints', { token: ownerKey, body: { url: hook, event_types: ['incident.exploded'] } }), 422, 'VALIDATION_FAILED');
    const endpoint = await createEndpoint({ url: hook, event_types: ['incident.resolved', 'alert.received'] });
    expect(endpoint.event_types).toEqual(['incident.resolved', 'alert.received']);
  });

  it('endpoints and the secret are for admins; another organization\'s endpoint is 404', async () => {
    const endpoint = await createEndpoint({ url: hook });
    const engineer = await inviteMember(server.api, owner, 'engineer');
    expectError(await call(server.api, 'GET', '/webhook-endpoints', { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(server.api, 'GET', '/me/webhook-secret', { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(server.api, 'POST', '/webhook-endpoints', { token: engineer.accessToken, body: { url: hook } }), 403, 'INSUFFICIENT_ROLE');

    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['GET', '/deliveries'], ['POST', '/test']] as const) {
      const body = method === 'PATCH' ? { enabled: false } : undefined;
      expectError(await call(server.api, method, `/webhook-endpoints/${endpoint.id}${path}`, { token: otherKey, ...(body ? { body } : {}) }), 404, 'NOT_FOUND');
    }
    expect((await call(server.api, 'GET', '/webhook-endpoints?limit=100', { token: otherKey })).body.data).toEqual([]);

    const narrow = await createApiKey(server.api, owner.accessToken, { name: 'hooks', scopes: ['webhooks:read'] });
    expect((await call(server.api, 'GET', '/webhook-endpoints', { headers: { 'x-api-key': narrow.token } })).status).toBe(200);
    expectError(await call(server.api, 'GET', '/me/webhook-secret', { headers: { 'x-api-key': narrow.token } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expectError(await call(server.api, 'POST', '/webhook-endpoints', { headers: { 'x-api-key': narrow.token }, body: { url: hook } }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });

  it('audits changes and secret reads, keeping only where a URL points (a webhook URL can be a credential)', async () => {
    const endpoint = await createEndpoint({ url: `${hook}/T000/B000/very-secret-path` });
    await call(server.api, 'PATCH', `/webhook-endpoints/${endpoint.id}`, { token: ownerKey, body: { url: `${hook}/other-secret-path`, description: 'x' } });
    await secret(ownerKey);
    const audit = await call(server.api, 'GET', '/audit?limit=100', { token: ownerKey });
    const actions = audit.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['CREATE_WEBHOOK_ENDPOINT', 'UPDATE_WEBHOOK_ENDPOINT', 'READ_WEBHOOK_SECRET', 'TEST_WEBHOOK_ENDPOINT', 'DELETE_WEBHOOK_ENDPOINT']));
    expect(audit.text).not.toContain('secret-path');
    const update = audit.body.data.find((e: { action: string; resource_id: string }) => e.action === 'UPDATE_WEBHOOK_ENDPOINT' && e.resource_id === endpoint.id);
    expect(update.meta.changed_fields).toEqual(['description']);
  });
  it('incident events reach the endpoints that want them, as the organization\'s live events carry them', async () => {
    const all = (await call(server.api, 'POST', '/webhook-endpoints', { token: otherKey, body: { url: `${hook}/all` } })).body;
    const resolvedOnly = (await call(server.api, 'POST', '/webhook-endpoints', { token: otherKey, body: { url: `${hook}/resolved`, event_types: ['incident.resolved'] } })).body;
    const incident = (await call(server.api, 'POST', '/incidents', { token: otherKey, body: { title: 'Queue backlog', severity: 'high' } })).body;
    expect((await call(server.api, 'POST', `/incidents/${incident.id}/resolve`, { token: otherKey, body: {} })).status).toBe(200);

    const sentTo = async (endpointId: string) => {
      const list = await call(server.api, 'GET', `/webhook-endpoints/${endpointId}/deliveries`, { token: otherKey });
      return (list.body.data as Array<{ event_type: string; status: string; payload: { type: string; data: { id: string } } }>)
        .filter((d) => d.payload.data.id === incident.id);
    };
    const toAll = await until(async () => {
      const list = await sentTo(all.id);
      return list.length === 2 && list.every((d) => d.status === 'delivered') && list;
    });
    expect(toAll.map((d) => d.event_type)).toEqual(['incident.resolved', 'incident.created']);
    expect(toAll[0]!.payload).toMatchObject({ type: 'incident.resolved', data: { id: incident.id, status: 'resolved', title: 'Queue backlog' } });
    expect((await sentTo(resolvedOnly.id)).map((d) => d.event_type)).toEqual(['incident.resolved']);
    const received = await until(async () => {
      const list = receiver.received.filter((m) => JSON.parse(m.body).data?.id === incident.id);
      return list.length === 3 && list;
    });
    const otherSecret = await secret(otherKey);
    expect(received.every((m) => verifies(otherSecret, m))).toBe(true);
  });

  // Last: it moves the clock by a day.
  it('rotating the secret: for a day deliveries carry both signatures, then only the new one', async () => {
    const endpoint = await createEndpoint({ url: hook });
    const old = await secret(ownerKey);
    const rotated = await call(server.api, 'POST', '/me/webhook-secret/rotate', { token: ownerKey });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body.rotated_at).toBe(server.clock.now().toISOString());
    expect(Date.parse(rotated.body.previous_secret_valid_until) - server.clock.now().getTime()).toBe(24 * 3600_000);
    expect(await secret(ownerKey)).toBe(fresh);
    expect((await call(server.api, 'GET', '/audit?action=ROTATE_WEBHOOK_SECRET', { token: ownerKey })).body.data).toHaveLength(1);

    const send = async () => {
      const queued = (await call(server.api, 'POST', `/webhook-endpoints/${endpoint.id}/test`, { token: ownerKey })).body;
      return until(async () => receiver.received.find((m) => m.headers['webhook-id'] === queued.id));
    };
    const during = await send();
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(fresh, during) && verifies(old, during)).toBe(true);

    server.clock.advance(24 * 3600 + 1);
    const after = await send();
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(fresh, after)).toBe(true);
    expect(verifies(old, after)).toBe(false);
  });
});
