import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, LiveConnection, type LiveEvent, type SocketLike } from './connection';

class FakeSocket {
  readyState = 1;
  sent: unknown[] = [];
  closedWith: number | undefined;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;

  constructor(readonly ticket: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function setup(options: { failTickets?: number } = {}) {
  const sockets: FakeSocket[] = [];
  let tickets = 0;
  let failures = options.failTickets ?? 0;
  const fetchTicket = vi.fn(async () => {
    if (failures > 0) {
      failures--;
      throw new Error('server unreachable');
    }
    return `ticket-${++tickets}`;
  });
  const connection = new LiveConnection({
    fetchTicket,
    open: (ticket) => {
      const socket = new FakeSocket(ticket);
      sockets.push(socket);
      return socket as unknown as SocketLike;
    },
    random: () => 1,
  });
  return { connection, sockets, fetchTicket, last: () => sockets.at(-1)! };
}

describe('backoffDelay', () => {
  it('doubles from 1 s to a 30 s cap, jittered within the upper half', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, () => 1))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(20, () => 0)).toBe(15000);
  });
});

describe('LiveConnection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects with a ticket, subscribes its topics once ready, and routes events by topic', async () => {
    const { connection, last } = setup();
    const incidents: LiveEvent[] = [];
    const audit: LiveEvent[] = [];
    connection.subscribe('incidents', (e) => incidents.push(e));
    connection.subscribe('audit', (e) => audit.push(e));

    connection.start();
    expect(connection.getStatus()).toBe('connecting');
    await vi.advanceTimersByTimeAsync(0);
    expect(last().ticket).toBe('ticket-1');
    expect(last().sent).toEqual([]);

    last().receive({ type: 'ready', user_id: 'u', org_id: 'o', role: 'owner' });
    expect(connection.getStatus()).toBe('connected');
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['incidents', 'audit'] }]);

    last().receive({ type: 'event', topic: 'incidents', event: 'incident.created', data: { id: '1' } });
    expect(incidents).toEqual([{ topic: 'incidents', event: 'incident.created', data: { id: '1' } }]);
    expect(audit).toEqual([]);
  });

  it('delivers unnumbered stream messages to the topic without touching the resume position', async () => {
    const { connection, last } = setup();
    const output: LiveEvent[] = [];
    connection.subscribe('execution:e1', (e) => output.push(e));
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    last().receive({ type: 'ready', seq: 5 });
    last().receive({ type: 'stream', topic: 'execution:e1', event: 'execution.output', data: { text: 'a' } });
    last().receive({ type: 'stream', topic: 'execution:e1', event: 'execution.output', data: { text: 'b' } });
    last().receive({ type: 'event', seq: 6, topic: 'execution:e1', event: 'execution.updated', data: {} });
    expect(output.map((e) => e.event)).toEqual(['execution.output', 'execution.output', 'execution.updated']);

    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    last().receive({ type: 'ready', seq: 9 });
    expect(last().sent).toEqual([{ type: 'resume', since: 6, topics: ['execution:e1'] }]);
  });

  it('sends subscribe and unsubscribe as the first and last handler of a topic come and go', async () => {
    const { connection, last } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    last().receive({ type: 'ready' });
    const first = connection.subscribe('alerts', () => undefined);
    const second = connection.subscribe('alerts', () => undefined);
    first();
    second();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['alerts'] }, { type: 'unsubscribe', topics: ['alerts'] }]);
  });

  it('reconnects with back-off and a fresh ticket, resubscribes, and without sequence numbers signals a resync', async () => {
    const { connection, sockets, last } = setup();
    const resyncs = vi.fn();
    connection.onResync(resyncs);
    connection.subscribe('incidents', () => undefined);
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    last().receive({ type: 'ready' });
    expect(resyncs).not.toHaveBeenCalled();

    last().drop();
    expect(connection.getStatus()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    expect(last().ticket).toBe('ticket-2');

    // The server refuses before ready (e.g. the ticket expired): the next wait is longer.
    last().drop(4401);
    await vi.advanceTimersByTimeAsync(1999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);

    last().receive({ type: 'ready' });
    expect(connection.getStatus()).toBe('connected');
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['incidents'] }]);
    expect(resyncs).toHaveBeenCalledTimes(1);

    // A successful connection resets the back-off.
    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(4);
  });

  it('after a reconnect resumes from the last event seen, takes the replay, and skips what it already had', async () => {
    const { connection, last } = setup();
    const resyncs = vi.fn();
    connection.onResync(resyncs);
    const seen: unknown[] = [];
    connection.subscribe('incidents', (e) => seen.push(e.data));
    connection.subscribe('alerts', () => undefined);
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    last().receive({ type: 'ready', seq: 100 });
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['incidents', 'alerts'] }]);
    last().receive({ type: 'event', seq: 101, topic: 'incidents', event: 'incident.created', data: 'a' });
    last().receive({ type: 'event', seq: 104, topic: 'incidents', event: 'incident.updated', data: 'b' });

    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    last().receive({ type: 'ready', seq: 110 });
    expect(last().sent).toEqual([{ type: 'resume', since: 104, topics: ['incidents', 'alerts'] }]);
    last().receive({ type: 'subscribed', topics: ['incidents', 'alerts'] });
    last().receive({ type: 'event', seq: 104, topic: 'incidents', event: 'incident.updated', data: 'b' });
    last().receive({ type: 'event', seq: 107, topic: 'incidents', event: 'incident.created', data: 'c' });
    last().receive({ type: 'resumed', since: 104, seq: 110, replayed: 1 });
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(resyncs).not.toHaveBeenCalled();

    // Away too long: the server says so, and the console refetches.
    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    last().receive({ type: 'ready', seq: 5000 });
    expect(last().sent).toEqual([{ type: 'resume', since: 110, topics: ['incidents', 'alerts'] }]);
    last().receive({ type: 'resync', seq: 5000 });
    expect(resyncs).toHaveBeenCalledTimes(1);
    last().receive({ type: 'event', seq: 5001, topic: 'incidents', event: 'incident.created', data: 'd' });
    expect(seen).toEqual(['a', 'b', 'c', 'd']);

    // A new session (signed out and in) starts counting afresh.
    connection.stop();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    last().receive({ type: 'ready', seq: 7 });
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['incidents', 'alerts'] }]);
    last().receive({ type: 'event', seq: 8, topic: 'incidents', event: 'incident.created', data: 'e' });
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps retrying when the ticket cannot be fetched, up to the 30 s cap', async () => {
    const { connection, fetchTicket } = setup({ failTickets: 7 });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    for (const wait of [1000, 2000, 4000, 8000, 16000, 30000, 30000]) {
      const calls = fetchTicket.mock.calls.length;
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(fetchTicket).toHaveBeenCalledTimes(calls);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetchTicket).toHaveBeenCalledTimes(calls + 1);
    }
  });

  it('stop() closes the socket and does not reconnect until started again', async () => {
    const { connection, sockets, last } = setup();
    const statuses: string[] = [];
    connection.onStatus(() => statuses.push(connection.getStatus()));
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    last().receive({ type: 'ready' });
    connection.stop();
    expect(last().closedWith).toBe(1000);
    expect(connection.getStatus()).toBe('idle');
    last().drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(statuses).toEqual(['connecting', 'connected', 'idle']);

    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
  });

  it('stop() while a ticket is in flight opens no socket', async () => {
    const { connection, sockets } = setup();
    connection.start();
    connection.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(0);

    // Signed out and back in before the first ticket came back: still one socket.
    connection.start();
    connection.stop();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets.map((s) => s.ticket)).toEqual(['ticket-3']);
  });
});
