import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../http/principal';
import { CLOSE_TOO_SLOW, Hub, type LiveSocket } from './hub';
import { MAX_TOPICS_PER_SOCKET } from './messages';

/** A socket whose writes complete only when the test says so, as a client that stops reading. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  callbacks: (() => void)[] = [];
  pings = 0;
  closed: { code?: number; reason?: string } | null = null;
  terminated = false;
  autoFlush = true;
  answersClose = true;

  send(data: string, cb?: () => void): void {
    this.sent.push(data);
    if (this.autoFlush) cb?.();
    else if (cb) this.callbacks.push(cb);
  }
  ping(): void {
    this.pings++;
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 2;
    if (this.answersClose) queueMicrotask(() => this.emit('close'));
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  flush(): void {
    for (const cb of this.callbacks.splice(0)) cb();
  }
  events(): { topic: string; event: string; data: unknown }[] {
    return this.sent.map((s) => JSON.parse(s)).filter((m) => m.type === 'event');
  }
}

const principal = (orgId: string, extra: Partial<Principal> = {}): Principal => ({
  kind: 'session', userId: `user-${orgId}`, orgId, email: `${orgId}@example.com`, role: 'owner', ...extra,
});
const asSocket = (fake: FakeSocket) => fake as unknown as LiveSocket;

describe('Hub', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await hub?.close();
    hub = undefined;
  });

  it('delivers only to sockets of the publishing org subscribed to the topic', async () => {
    hub = new Hub();
    const a = new FakeSocket();
    const aOther = new FakeSocket();
    const b = new FakeSocket();
    hub.subscribe(hub.attach(asSocket(a), principal('org-a')), ['incidents']);
    hub.subscribe(hub.attach(asSocket(aOther), principal('org-a')), ['audit']);
    hub.subscribe(hub.attach(asSocket(b), principal('org-b')), ['incidents']);

    hub.publish('org-a', 'incidents', { event: 'incident.created', data: { id: 1 } });

    expect(a.events()).toEqual([{ type: 'event', topic: 'incidents', event: 'incident.created', data: { id: 1 } }]);
    expect(aOther.events()).toEqual([]);
    expect(b.events()).toEqual([]);
  });

  it('stops delivering after unsubscribe and after the socket closes', () => {
    hub = new Hub();
    const a = new FakeSocket();
    const client = hub.attach(asSocket(a), principal('org-a'));
    hub.subscribe(client, ['incidents', 'alerts']);
    hub.unsubscribe(client, ['incidents']);
    hub.publish('org-a', 'incidents', { event: 'x', data: null });
    expect(a.events()).toHaveLength(0);

    a.emit('close');
    hub.publish('org-a', 'alerts', { event: 'x', data: null });
    expect(a.events()).toHaveLength(0);
    expect(hub.size).toBe(0);
  });

  it('refuses more than MAX_TOPICS_PER_SOCKET topics', () => {
    hub = new Hub();
    const client = hub.attach(asSocket(new FakeSocket()), principal('org-a'));
    const topics = Array.from({ length: MAX_TOPICS_PER_SOCKET + 1 }, (_, i) => `incident:${i}`);
    expect(hub.subscribe(client, topics)).toBe(false);
    expect(client.topics.size).toBe(0);
    expect(hub.subscribe(client, topics.slice(0, MAX_TOPICS_PER_SOCKET))).toBe(true);
  });

  it('drops a client that cannot keep up with 1013 once its queue is full, and keeps serving the others', () => {
    hub = new Hub({ maxQueued: 3 });
    const slow = new FakeSocket();
    slow.autoFlush = false;
    const fast = new FakeSocket();
    hub.subscribe(hub.attach(asSocket(slow), principal('org-a')), ['incidents']);
    hub.subscribe(hub.attach(asSocket(fast), principal('org-a')), ['incidents']);

    for (let i = 0; i < 3; i++) hub.publish('org-a', 'incidents', { event: 'e', data: i });
    expect(slow.closed).toBeNull();
    expect(slow.events()).toHaveLength(3);

    hub.publish('org-a', 'incidents', { event: 'e', data: 3 });
    expect(slow.closed).toEqual({ code: CLOSE_TOO_SLOW, reason: expect.stringMatching(/too slow/i) });
    expect(slow.events()).toHaveLength(3);
    hub.publish('org-a', 'incidents', { event: 'e', data: 4 });
    expect(slow.events()).toHaveLength(3);

    expect(fast.events().map((e) => e.data)).toEqual([0, 1, 2, 3, 4]);
    expect(fast.closed).toBeNull();
    expect(hub.size).toBe(1);
  });

  it('a client that catches up is not dropped', () => {
    hub = new Hub({ maxQueued: 2 });
    const socket = new FakeSocket();
    socket.autoFlush = false;
    hub.subscribe(hub.attach(asSocket(socket), principal('org-a')), ['incidents']);
    for (let i = 0; i < 10; i++) {
      hub.publish('org-a', 'incidents', { event: 'e', data: i });
      socket.flush();
    }
    expect(socket.closed).toBeNull();
    expect(socket.events()).toHaveLength(10);
  });

  it('also drops on too many buffered bytes', () => {
    hub = new Hub({ maxBufferedBytes: 1000 });
    const socket = new FakeSocket();
    hub.subscribe(hub.attach(asSocket(socket), principal('org-a')), ['incidents']);
    socket.bufferedAmount = 1001;
    hub.publish('org-a', 'incidents', { event: 'e', data: 'x' });
    expect(socket.closed?.code).toBe(CLOSE_TOO_SLOW);
  });

  it('pings every interval and terminates a socket that did not answer the previous ping', () => {
    vi.useFakeTimers();
    hub = new Hub({ heartbeatMs: 30_000 });
    const alive = new FakeSocket();
    const dead = new FakeSocket();
    hub.attach(asSocket(alive), principal('org-a'));
    hub.attach(asSocket(dead), principal('org-a'));

    vi.advanceTimersByTime(30_000);
    expect(alive.pings).toBe(1);
    expect(dead.pings).toBe(1);
    alive.emit('pong');

    vi.advanceTimersByTime(30_000);
    expect(dead.terminated).toBe(true);
    expect(alive.terminated).toBe(false);
    expect(alive.pings).toBe(2);
    expect(hub.size).toBe(1);
  });

  it('close() says 1001 to every client and terminates those that do not answer in time', async () => {
    hub = new Hub({ closeGraceMs: 20 });
    const polite = new FakeSocket();
    const silent = new FakeSocket();
    hub.attach(asSocket(polite), principal('org-a'));
    hub.attach(asSocket(silent), principal('org-b'));
    silent.answersClose = false;
    await hub.close();
    expect(polite.closed?.code).toBe(1001);
    expect(polite.terminated).toBe(false);
    expect(silent.closed?.code).toBe(1001);
    expect(silent.terminated).toBe(true);
    expect(hub.size).toBe(0);
  });
});
