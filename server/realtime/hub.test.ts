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
  events(): { seq: number; topic: string; event: string; data: unknown }[] {
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

    expect(a.events()).toEqual([{ type: 'event', seq: expect.any(Number), topic: 'incidents', event: 'incident.created', data: { id: 1 } }]);
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

describe('Hub: sequence numbers and resuming', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  const publishMany = (h: Hub, orgId: string, topic: string, values: number[]) => {
    for (const value of values) h.publish(orgId, topic, { event: 'e', data: value });
  };

  it('numbers each organization\'s events on its own, across topics, and says where a fresh client starts', () => {
    hub = new Hub();
    const before = hub.sequenceOf('org-a');
    expect(hub.sequenceOf('org-b')).toBe(before);
    const a = new FakeSocket();
    hub.subscribe(hub.attach(asSocket(a), principal('org-a')), ['incidents', 'alerts']);
    publishMany(hub, 'org-a', 'incidents', [1]);
    publishMany(hub, 'org-b', 'incidents', [2, 3]);
    publishMany(hub, 'org-a', 'alerts', [4]);
    expect(a.events().map((e) => e.seq)).toEqual([before + 1, before + 2]);
    expect(hub.sequenceOf('org-a')).toBe(before + 2);
    expect(hub.sequenceOf('org-b')).toBe(before + 2);
  });

  it('resume sends, in order, the missed events of the client\'s topics and of its organization only', () => {
    hub = new Hub();
    const since = hub.sequenceOf('org-a');
    publishMany(hub, 'org-a', 'incidents', [1, 2]);
    publishMany(hub, 'org-a', 'audit', [3]);
    publishMany(hub, 'org-b', 'incidents', [4]);
    publishMany(hub, 'org-a', 'incidents', [5]);

    const socket = new FakeSocket();
    const client = hub.attach(asSocket(socket), principal('org-a'));
    hub.subscribe(client, ['incidents']);
    expect(hub.resume(client, since)).toEqual({ kind: 'resumed', replayed: 3, seq: since + 4 });
    expect(socket.events().map((e) => [e.seq, e.data])).toEqual([[since + 1, 1], [since + 2, 2], [since + 4, 5]]);

    // Nothing missed: nothing sent.
    expect(hub.resume(client, since + 4)).toEqual({ kind: 'resumed', replayed: 0, seq: since + 4 });
    expect(socket.events()).toHaveLength(3);
  });

  it('broadcast streams to the topic\'s subscribers of that org only, unnumbered and never replayed', () => {
    hub = new Hub();
    const since = hub.sequenceOf('org-a');
    const a = new FakeSocket();
    const b = new FakeSocket();
    const client = hub.attach(asSocket(a), principal('org-a'));
    hub.subscribe(client, ['execution:x']);
    hub.subscribe(hub.attach(asSocket(b), principal('org-b')), ['execution:x']);

    hub.broadcast('org-a', 'execution:x', { event: 'execution.output', data: { text: 'hello' } });

    expect(a.sent.map((m) => JSON.parse(m))).toEqual([{ type: 'stream', topic: 'execution:x', event: 'execution.output', data: { text: 'hello' } }]);
    expect(b.sent).toEqual([]);
    expect(hub.sequenceOf('org-a')).toBe(since);
    expect(hub.resume(client, since)).toEqual({ kind: 'resumed', replayed: 0, seq: since });
  });

  it('asks for a resync when the missed events are no longer kept, or the number was never handed out', () => {
    hub = new Hub({ replayEvents: 3 });
    const start = hub.sequenceOf('org-a');
    const client = hub.attach(asSocket(new FakeSocket()), principal('org-a'));
    hub.subscribe(client, ['incidents']);
    // Nothing published yet: only the starting number itself can be resumed from.
    expect(hub.resume(client, start)).toMatchObject({ kind: 'resumed', replayed: 0 });
    expect(hub.resume(client, start - 5)).toEqual({ kind: 'resync', seq: start });
    publishMany(hub, 'org-a', 'incidents', [1, 2, 3, 4, 5]);
    expect(hub.resume(client, start + 2)).toMatchObject({ kind: 'resumed', replayed: 3 });
    expect(hub.resume(client, start + 1)).toEqual({ kind: 'resync', seq: start + 5 });
    // A number from an earlier server process (or another server) is never mistaken for a small gap.
    expect(hub.resume(client, start + 99)).toEqual({ kind: 'resync', seq: start + 5 });
  });

  it('a new hub (a restarted server) numbers above everything an earlier one handed out', async () => {
    const first = new Hub();
    publishMany(first, 'org-a', 'incidents', [1, 2, 3]);
    const seen = first.sequenceOf('org-a');
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 2));
    hub = new Hub();
    expect(hub.sequenceOf('org-a')).toBeGreaterThan(seen);
    const client = hub.attach(asSocket(new FakeSocket()), principal('org-a'));
    hub.subscribe(client, ['incidents']);
    publishMany(hub, 'org-a', 'incidents', [4]);
    expect(hub.resume(client, seen).kind).toBe('resync');
  });

  it('asks for a resync rather than queue more than a client may have waiting', () => {
    hub = new Hub({ maxQueued: 3 });
    const since = hub.sequenceOf('org-a');
    publishMany(hub, 'org-a', 'incidents', [1, 2, 3, 4]);
    const socket = new FakeSocket();
    const client = hub.attach(asSocket(socket), principal('org-a'));
    hub.subscribe(client, ['incidents']);
    expect(hub.resume(client, since).kind).toBe('resync');
    expect(socket.events()).toEqual([]);
    expect(socket.closed).toBeNull();
  });
});
