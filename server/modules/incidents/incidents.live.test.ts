import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

/** Just enough of a socket client: keeps every message so a test can wait for one or see there were none. */
class Socket {
  readonly messages: any[] = [];
  private wake: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.messages.push(JSON.parse(String(raw)));
      for (const w of this.wake.splice(0)) w();
    });
  }

  async next(predicate: (m: any) => boolean, ms = 3000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Subscribes, and waits for the answer; the server answers in order, so earlier events have arrived too. */
  async subscribe(...topics: string[]): Promise<void> {
    const seen = this.messages.length;
    this.ws.send(JSON.stringify({ type: 'subscribe', topics }));
    await this.next((m) => m.type === 'subscribed' && this.messages.indexOf(m) >= seen);
  }

  events(): Array<{ topic: string; event: string; data: any }> {
    return this.messages.filter((m) => m.type === 'event');
  }
}

describe('incident events over /api/v1/ws', () => {
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  const sockets: Socket[] = [];

  async function connect(account: Account): Promise<Socket> {
    const ticket = (await call(server.api, 'POST', '/ws/ticket', { token: account.accessToken })).body.ticket;
    const socket = new Socket(new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/ws?ticket=${ticket}`));
    sockets.push(socket);
    await socket.next((m) => m.type === 'ready');
    return socket;
  }
  const send = (account: Account, method: string, path: string, body?: unknown) =>
    call(server.api, method, path, { token: account.accessToken, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    server = await startTestServer();
    alice = await register(server.api, 'Alice');
    bob = await register(server.api, 'Bob');
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.ws.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('announces created, updated and resolved on the list and the incident, and each timeline entry on the incident', async () => {
    const list = await connect(alice);
    await list.subscribe('incidents');
    const created = (await send(alice, 'POST', '/incidents', { title: 'Queue backlog', severity: 'high' })).body;
    expect(await list.next((m) => m.event === 'incident.created')).toMatchObject({ topic: 'incidents', data: created });

    const one = await connect(alice);
    await one.subscribe(`incident:${created.id}`);
    const patched = await send(alice, 'PATCH', `/incidents/${created.id}`, { status: 'identified', severity: 'critical' });
    const updated = await one.next((m) => m.event === 'incident.updated');
    expect(updated.topic).toBe(`incident:${created.id}`);
    expect(updated.data).toMatchObject({ id: created.id, status: 'identified', severity: 'critical', updated_at: patched.body.updated_at });
    expect((await list.next((m) => m.event === 'incident.updated')).data.status).toBe('identified');
    await one.next((m) => m.event === 'timeline.entry' && m.data.kind === 'status_changed');
    const entries = one.events().filter((e) => e.event === 'timeline.entry');
    expect(entries.map((e) => e.data.kind)).toEqual(['severity_changed', 'status_changed']);
    expect(entries.map((e) => e.data.id)).toEqual(patched.body.timeline.slice(-2).map((e: { id: string }) => e.id));
    // Timeline entries are for the incident's followers, not the whole list.
    await list.subscribe('incidents');
    expect(list.events().some((e) => e.event === 'timeline.entry')).toBe(false);

    const update = (await send(alice, 'POST', `/incidents/${created.id}/updates`, { message: 'Consumers scaled up' })).body;
    expect((await one.next((m) => m.event === 'timeline.entry' && m.data.kind === 'update')).data).toMatchObject({ id: update.id, message: 'Consumers scaled up', visibility: 'public' });

    await send(alice, 'POST', `/incidents/${created.id}/acknowledge`);
    await one.next((m) => m.event === 'timeline.entry' && m.data.kind === 'acknowledged');

    await send(alice, 'POST', `/incidents/${created.id}/resolve`, { root_cause: 'Slow consumer' });
    expect((await list.next((m) => m.event === 'incident.resolved')).data).toMatchObject({ id: created.id, status: 'resolved', root_cause: 'Slow consumer' });
    expect((await one.next((m) => m.event === 'incident.resolved')).data.id).toBe(created.id);
    await one.next((m) => m.event === 'timeline.entry' && m.data.kind === 'resolved');

    await send(alice, 'PATCH', `/incidents/${created.id}`, { status: 'investigating' });
    expect((await one.next((m) => m.event === 'timeline.entry' && m.data.kind === 'reopened')).data.data).toEqual({ from: 'resolved', to: 'investigating' });
  });

  it('announces nothing for a change that was refused and rolled back', async () => {
    const created = (await send(alice, 'POST', '/incidents', { title: 'Cert expiry', status: 'monitoring' })).body;
    const one = await connect(alice);
    await one.subscribe(`incident:${created.id}`, 'incidents');
    // The title and severity are valid, the transition is not: the whole change is refused.
    const bad = await send(alice, 'PATCH', `/incidents/${created.id}`, { title: 'Renamed', severity: 'low', status: 'active' });
    expect(bad.status).toBe(422);
    await send(alice, 'PATCH', `/incidents/${created.id}`, { title: 'Cert expiry on api.example.com' });
    await one.next((m) => m.topic !== 'incidents' && m.event === 'incident.updated');
    await one.subscribe('incidents');
    expect(one.events().map((e) => [e.topic, e.event, e.event === 'timeline.entry' ? e.data.kind : e.data.title])).toEqual([
      [`incident:${created.id}`, 'timeline.entry', 'edited'],
      ['incidents', 'incident.updated', 'Cert expiry on api.example.com'],
      [`incident:${created.id}`, 'incident.updated', 'Cert expiry on api.example.com'],
    ]);
  });

  it('another organization never hears of the incident', async () => {
    const spy = await connect(bob);
    await spy.subscribe('incidents');
    const created = (await send(alice, 'POST', '/incidents', { title: 'Private matter' })).body;
    // Bob may name Alice's incident's topic, but it is his organization's topic of that name: empty.
    await spy.subscribe(`incident:${created.id}`);
    await send(alice, 'POST', `/incidents/${created.id}/updates`, { message: 'secret' });
    await send(alice, 'POST', `/incidents/${created.id}/resolve`, {});
    const own = (await send(bob, 'POST', '/incidents', { title: 'Bob\'s own' })).body;
    await spy.next((m) => m.event === 'incident.created' && m.data.id === own.id);
    expect(spy.events().map((e) => e.data.id)).toEqual([own.id]);
  });
});
