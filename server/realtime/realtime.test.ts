import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, createApiKey, expectError, inviteMember, register, startClockedTestServer, startTestServer, type Account, type TestServer } from '../testing/harness';

interface Closed {
  code: number;
  reason: string;
}

/** A WebSocket client that keeps every message, so a test can wait for one or assert there were none. */
class LiveTestClient {
  readonly messages: any[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.messages.push(JSON.parse(String(raw)));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message (in arrival order) matching `predicate`, waiting up to `ms` for it. */
  async next(predicate: (m: any) => boolean, ms = 3000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async subscribe(...topics: string[]): Promise<any> {
    const before = this.messages.length;
    this.send({ type: 'subscribe', topics });
    return this.next((m) => m.type === 'subscribed' && this.messages.indexOf(m) >= before);
  }

  events(): any[] {
    return this.messages.filter((m) => m.type === 'event');
  }

  close(): void {
    this.socket.close();
  }
}

const wsUrl = (server: TestServer, query = '') => `${server.url.replace(/^http/, 'ws')}/api/v1/ws${query}`;

async function ticketFor(server: TestServer, token: string): Promise<string> {
  const response = await call(server.api, 'POST', '/ws/ticket', { token });
  expect(response.status).toBe(201);
  return response.body.ticket;
}

async function connectWithTicket(server: TestServer, token: string): Promise<LiveTestClient> {
  const client = new LiveTestClient(new WebSocket(wsUrl(server, `?ticket=${await ticketFor(server, token)}`)));
  await client.next((m) => m.type === 'ready');
  return client;
}

async function connectWithToken(server: TestServer, token: string): Promise<LiveTestClient> {
  const client = new LiveTestClient(new WebSocket(wsUrl(server)));
  await client.opened;
  client.send({ type: 'auth', token });
  await client.next((m) => m.type === 'ready');
  return client;
}

const createIncident = async (server: TestServer, token: string, title: string) => {
  const response = await call(server.api, 'POST', '/incidents', { token, body: { title, severity: 'high' } });
  expect(response.status).toBe(201);
  return response.body;
};

/** Nothing arrived: wait for a round trip on the same socket, which the server answers in order. */
async function settle(client: LiveTestClient): Promise<void> {
  await client.subscribe('incident:settle');
}

describe('live updates over /api/v1/ws', () => {
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  const clients: LiveTestClient[] = [];
  const track = (client: LiveTestClient) => (clients.push(client), client);

  beforeAll(async () => {
    server = await startTestServer();
    alice = await register(server.api, 'Alice');
    bob = await register(server.api, 'Bob');
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a ticket opens a socket; a subscriber receives incident.created after POST /incidents', async () => {
    const response = await call(server.api, 'POST', '/ws/ticket', { token: alice.accessToken });
    expect(response.status).toBe(201);
    expect(response.body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body.expires_in).toBe(30);
    expect(Date.parse(response.body.expires_at) - Date.now()).toBeLessThanOrEqual(30_000);

    const client = track(new LiveTestClient(new WebSocket(wsUrl(server, `?ticket=${response.body.ticket}`))));
    expect(await client.next((m) => m.type === 'ready')).toEqual({ type: 'ready', user_id: alice.userId, org_id: alice.orgId, role: 'owner', seq: expect.any(Number) });
    expect(await client.subscribe('incidents')).toEqual({ type: 'subscribed', topics: ['incidents'] });

    const incident = await createIncident(server, alice.accessToken, 'Disk full on db-1');
    const event = await client.next((m) => m.type === 'event');
    expect(event).toEqual({ type: 'event', seq: expect.any(Number), topic: 'incidents', event: 'incident.created', data: incident });
  });

  it('a ticket works once: the second socket is closed with 4401', async () => {
    const ticket = await ticketFor(server, alice.accessToken);
    const first = track(new LiveTestClient(new WebSocket(wsUrl(server, `?ticket=${ticket}`))));
    await first.next((m) => m.type === 'ready');
    const second = track(new LiveTestClient(new WebSocket(wsUrl(server, `?ticket=${ticket}`))));
    const closed = await second.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/invalid, used or expired/);
    expect(second.messages).toEqual([]);
  });

  it('an unknown ticket is refused with 4401', async () => {
    const client = track(new LiveTestClient(new WebSocket(wsUrl(server, '?ticket=not-a-ticket'))));
    expect((await client.closed).code).toBe(4401);
  });

  it('a ticket needs authentication like any route', async () => {
    expectError(await call(server.api, 'POST', '/ws/ticket'), 401, 'UNAUTHENTICATED');
  });

  it('another organization\'s socket never receives the event', async () => {
    const mine = track(await connectWithTicket(server, alice.accessToken));
    const theirs = track(await connectWithTicket(server, bob.accessToken));
    await mine.subscribe('incidents');
    await theirs.subscribe('incidents');

    const created = await createIncident(server, alice.accessToken, 'Only for Alice');
    await mine.next((m) => m.type === 'event' && m.data.id === created.id);
    await settle(theirs);
    expect(theirs.events()).toEqual([]);

    const own = await createIncident(server, bob.accessToken, 'Bob\'s own');
    expect((await theirs.next((m) => m.type === 'event')).data.id).toBe(own.id);
    expect(theirs.events().map((e) => e.data.id)).toEqual([own.id]);
  });

  it('no event arrives without a subscription, nor after unsubscribing', async () => {
    const client = track(await connectWithTicket(server, alice.accessToken));
    await createIncident(server, alice.accessToken, 'Nobody listening');
    await client.subscribe('incidents');
    client.send({ type: 'unsubscribe', topics: ['incidents'] });
    expect(await client.next((m) => m.type === 'subscribed' && m.topics.length === 0)).toBeTruthy();
    await createIncident(server, alice.accessToken, 'Still nobody');
    await settle(client);
    expect(client.events()).toEqual([]);
  });

  it('first-message auth with an access JWT', async () => {
    const client = track(await connectWithToken(server, alice.accessToken));
    expect(client.messages[0]).toMatchObject({ type: 'ready', org_id: alice.orgId });
    await client.subscribe('incidents');
    const incident = await createIncident(server, alice.accessToken, 'Via JWT');
    expect((await client.next((m) => m.type === 'event')).data.id).toBe(incident.id);
  });

  it('first-message auth with an API key; topics follow its scopes', async () => {
    const key = await createApiKey(server.api, alice.accessToken, { name: 'live', scopes: ['incidents:read'] });
    const client = track(await connectWithToken(server, key.token));
    client.send({ type: 'subscribe', topics: ['incidents', 'audit', 'nonsense'] });
    expect(await client.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', topics: ['incidents'] });
    expect(await client.next((m) => m.code === 'FORBIDDEN_TOPIC')).toMatchObject({ type: 'error', topics: ['audit'] });
    expect(await client.next((m) => m.code === 'UNKNOWN_TOPIC')).toMatchObject({ type: 'error', topics: ['nonsense'] });

    const incident = await createIncident(server, alice.accessToken, 'Via key');
    expect((await client.next((m) => m.type === 'event')).data.id).toBe(incident.id);
  });

  it('a viewer may follow incidents but not the audit log', async () => {
    const viewer = await inviteMember(server.api, alice, 'viewer');
    const client = track(await connectWithTicket(server, viewer.accessToken));
    client.send({ type: 'subscribe', topics: ['incidents', 'audit'] });
    expect(await client.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', topics: ['incidents'] });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 'FORBIDDEN_TOPIC', topics: ['audit'] });
  });

  it('malformed messages get an error and the socket stays open', async () => {
    const client = track(await connectWithTicket(server, alice.accessToken));
    client.socket.send('not json');
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 'MALFORMED_MESSAGE' });
    expect(await client.subscribe('incidents')).toEqual({ type: 'subscribed', topics: ['incidents'] });
  });

  it.each([
    ['a subscribe before auth', { type: 'subscribe', topics: ['incidents'] }, /first message must be/],
    ['a forged JWT', { type: 'auth', token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl' }, /invalid token/i],
    ['an unknown API key', { type: 'auth', token: `nsk_${'A'.repeat(43)}` }, /invalid api key/i],
  ])('closes an unauthenticated socket with 4401: %s', async (_name, first, reason) => {
    const client = track(new LiveTestClient(new WebSocket(wsUrl(server))));
    await client.opened;
    client.send(first);
    const closed = await client.closed;
    expect(closed).toEqual({ code: 4401, reason: expect.stringMatching(reason) });
    expect(client.messages).toEqual([]);
  });

  it('a refresh token is not an access token', async () => {
    const client = track(new LiveTestClient(new WebSocket(wsUrl(server))));
    await client.opened;
    client.send({ type: 'auth', token: alice.refreshToken });
    expect((await client.closed).code).toBe(4401);
  });

  it('never takes the session cookie: the socket still has to authenticate', async () => {
    const client = track(new LiveTestClient(new WebSocket(wsUrl(server), { headers: { cookie: `nightshift_access=${alice.accessToken}`, authorization: `Bearer ${alice.accessToken}` } })));
    await client.opened;
    client.send({ type: 'subscribe', topics: ['incidents'] });
    expect((await client.closed).code).toBe(4401);
  });

  it('a revoked key\'s socket is closed with 4001 and cannot come back', async () => {
    const key = await createApiKey(server.api, alice.accessToken, { name: 'live' });
    const live = track(await connectWithToken(server, key.token));
    await call(server.api, 'DELETE', `/api-keys/${key.id}`, { token: alice.accessToken });
    expect((await live.closed).code).toBe(4001);
    const again = track(new LiveTestClient(new WebSocket(wsUrl(server))));
    await again.opened;
    again.send({ type: 'auth', token: key.token });
    expect((await again.closed).code).toBe(4401);
  });

  it('the ticket route is documented in OpenAPI', async () => {
    const spec = await call(server.url, 'GET', '/openapi.json');
    expect(spec.body.paths['/api/v1/ws/ticket'].post.responses['201']).toBeTruthy();
    expect(spec.body.paths['/api/v1/ws']).toBeUndefined();
  });
});

describe('live updates with a moved clock and short timings', () => {
  let server: TestServer & { clock: { advance(seconds: number): void } };
  let alice: Account;

  beforeAll(async () => {
    server = await startClockedTestServer({}, { realtime: { authTimeoutMs: 200 } });
    alice = await register(server.api, 'Alice');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('an expired ticket is refused with 4401', async () => {
    const ticket = await ticketFor(server, alice.accessToken);
    server.clock.advance(31);
    const client = new LiveTestClient(new WebSocket(wsUrl(server, `?ticket=${ticket}`)));
    expect(await client.closed).toEqual({ code: 4401, reason: expect.stringMatching(/expired/) });
  });

  it('a ticket still inside its 30 s works', async () => {
    const ticket = await ticketFor(server, alice.accessToken);
    server.clock.advance(29);
    const client = new LiveTestClient(new WebSocket(wsUrl(server, `?ticket=${ticket}`)));
    expect(await client.next((m) => m.type === 'ready')).toMatchObject({ org_id: alice.orgId });
    client.close();
  });

  it('a socket that never authenticates is closed with 4401 after the timeout', async () => {
    const client = new LiveTestClient(new WebSocket(wsUrl(server)));
    await client.opened;
    expect(await client.closed).toEqual({ code: 4401, reason: expect.stringMatching(/timed out/) });
  });

  it('server shutdown closes live sockets with 1001', async () => {
    const other = await startClockedTestServer();
    try {
      const owner = await register(other.api, 'Owner');
      const client = await connectWithTicket(other, owner.accessToken);
      const stopping = other.server.close();
      expect((await client.closed).code).toBe(1001);
      await stopping;
    } finally {
      await other.stop().catch(() => undefined);
    }
  });
});

const KEPT = 30;

describe('reconnecting: the missed events, or a resync signal', () => {
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  const clients: LiveTestClient[] = [];
  const track = (client: LiveTestClient) => (clients.push(client), client);

  beforeAll(async () => {
    // Few events kept per organization (creating an incident publishes several), so "too far behind" is easy to reach.
    server = await startClockedTestServer({}, { realtime: { replayEvents: KEPT } });
    alice = await register(server.api, 'Alice');
    bob = await register(server.api, 'Bob');
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  /** Connects, subscribes to `incidents`, and returns the client with the last sequence number it saw. */
  async function follow(account: Account): Promise<{ client: LiveTestClient; seq: number }> {
    const client = track(await connectWithTicket(server, account.accessToken));
    const ready = await client.next((m) => m.type === 'ready');
    expect(ready.seq).toEqual(expect.any(Number));
    await client.subscribe('incidents');
    return { client, seq: ready.seq };
  }

  it('every event carries a sequence number that grows', async () => {
    const { client, seq } = await follow(alice);
    const first = await createIncident(server, alice.accessToken, 'One');
    const second = await createIncident(server, alice.accessToken, 'Two');
    const events = [await client.next((m) => m.data?.id === first.id), await client.next((m) => m.data?.id === second.id)];
    expect(events[0].seq).toBeGreaterThan(seq);
    expect(events[1].seq).toBeGreaterThan(events[0].seq);
  });

  it('resume on a new socket sends what was missed, in order, and only the organization\'s own', async () => {
    const { client, seq } = await follow(alice);
    const seen = await createIncident(server, alice.accessToken, 'Seen live');
    const last = (await client.next((m) => m.data?.id === seen.id)).seq;
    client.close();
    await client.closed;
    expect(last).toBeGreaterThan(seq);

    const missed = [await createIncident(server, alice.accessToken, 'Missed 1')];
    await createIncident(server, bob.accessToken, 'Bob\'s, never Alice\'s');
    missed.push(await createIncident(server, alice.accessToken, 'Missed 2'));

    const again = track(await connectWithTicket(server, alice.accessToken));
    again.send({ type: 'resume', since: last, topics: ['incidents'] });
    const resumed = await again.next((m) => m.type === 'resumed');
    expect(resumed).toEqual({ type: 'resumed', since: last, seq: expect.any(Number), replayed: 2 });
    const replayed = again.events();
    expect(replayed.map((e) => e.data.id)).toEqual(missed.map((i) => i.id));
    expect(replayed.map((e) => e.event)).toEqual(['incident.created', 'incident.created']);
    expect(replayed[0].seq).toBeGreaterThan(last);
    expect(replayed[1].seq).toBeGreaterThan(replayed[0].seq);
    // The replay comes after the subscription and before the marker.
    const order = again.messages.map((m) => m.type);
    expect(order.slice(order.indexOf('subscribed'))).toEqual(['subscribed', 'event', 'event', 'resumed']);

    // And it goes on live from there.
    const live = await createIncident(server, alice.accessToken, 'Live again');
    expect((await again.next((m) => m.data?.id === live.id)).seq).toBeGreaterThan(replayed[1].seq);
  });

  it('another organization resuming from an old number gets only its own events', async () => {
    const { client, seq } = await follow(bob);
    client.close();
    await createIncident(server, alice.accessToken, 'Alice\'s secret');
    const own = await createIncident(server, bob.accessToken, 'Bob\'s');
    const again = track(await connectWithTicket(server, bob.accessToken));
    again.send({ type: 'resume', since: seq, topics: ['incidents'] });
    await again.next((m) => m.type === 'resumed' || m.type === 'resync');
    expect(again.events().every((e) => e.data.id === own.id)).toBe(true);
    expect(JSON.stringify(again.messages)).not.toContain('Alice\'s secret');
  });

  it('a client too far behind is told to resync, and still gets live events afterwards', async () => {
    const { client, seq } = await follow(alice);
    client.close();
    for (let i = 0; i <= KEPT; i++) await createIncident(server, alice.accessToken, `Burst ${i}`);
    const again = track(await connectWithTicket(server, alice.accessToken));
    again.send({ type: 'resume', since: seq, topics: ['incidents'] });
    const resync = await again.next((m) => m.type === 'resync');
    expect(resync.seq).toBeGreaterThan(seq);
    expect(again.events()).toEqual([]);
    const live = await createIncident(server, alice.accessToken, 'After resync');
    expect((await again.next((m) => m.type === 'event')).data.id).toBe(live.id);
  });

  it('a sequence number this server never handed out (e.g. from before a restart) is a resync', async () => {
    const client = track(await connectWithTicket(server, alice.accessToken));
    const ready = await client.next((m) => m.type === 'ready');
    client.send({ type: 'resume', since: ready.seq + 1000, topics: ['incidents'] });
    expect(await client.next((m) => m.type === 'resync')).toEqual({ type: 'resync', seq: ready.seq });
  });

  it('resume checks topics like subscribe does', async () => {
    const viewer = await inviteMember(server.api, alice, 'viewer');
    const client = track(await connectWithTicket(server, viewer.accessToken));
    const ready = await client.next((m) => m.type === 'ready');
    client.send({ type: 'resume', since: ready.seq, topics: ['incidents', 'audit', `notifications:${alice.userId}`, `notifications:${viewer.userId}`] });
    expect(await client.next((m) => m.code === 'UNKNOWN_TOPIC')).toMatchObject({ topics: [`notifications:${alice.userId}`] });
    expect(await client.next((m) => m.code === 'FORBIDDEN_TOPIC')).toMatchObject({ topics: ['audit'] });
    expect(await client.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', topics: ['incidents', `notifications:${viewer.userId}`] });
    expect(await client.next((m) => m.type === 'resumed')).toMatchObject({ replayed: 0 });
  });
});
