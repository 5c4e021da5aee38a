import type { WebSocket } from 'ws';
import type { Principal } from '../http/principal';
import { MAX_TOPICS_PER_SOCKET, type ServerMessage } from './messages';
import { EventStream } from './replay';

/** What the hub needs of a socket (a `ws` WebSocket; tests hand in a fake). */
export type LiveSocket = Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'send' | 'ping' | 'close' | 'terminate' | 'on'>;

export interface LiveEvent {
  /** e.g. `incident.created` */
  event: string;
  data: unknown;
}

/** How domain services announce a change; they know nothing of sockets. */
export type Publish = (orgId: string, topic: string, event: LiveEvent) => void;

/** How a service streams what is not worth numbering or replaying (see Hub.broadcast). */
export type Broadcast = Publish;

/** Hears every published event, whoever is subscribed (e.g. notifications, outbound webhooks). */
export type EventObserver = (orgId: string, topic: string, event: LiveEvent) => void;

/** What a `resume` came to: the missed events were sent, or the client must refetch (resync). */
export type ResumeOutcome = { kind: 'resumed'; replayed: number; seq: number } | { kind: 'resync'; seq: number };

export interface HubOptions {
  /** Ping interval; a socket that has not answered the previous ping by the next one is terminated. */
  heartbeatMs?: number;
  /** Messages handed to a socket and not yet written out; past this the client is too slow and is dropped. */
  maxQueued?: number;
  /** The same bound in bytes, for a few large events. */
  maxBufferedBytes?: number;
  /** How long close() waits for clients to answer the close frame before terminating them. */
  closeGraceMs?: number;
  /** Events kept per organization for clients that reconnect and resume; older ones need a resync. */
  replayEvents?: number;
}

export interface LiveClient {
  readonly principal: Principal;
  readonly topics: ReadonlySet<string>;
}

interface Client extends LiveClient {
  socket: LiveSocket;
  topics: Set<string>;
  pending: number;
  alive: boolean;
  attached: boolean;
}

export const CLOSE_TOO_SLOW = 1013;
export const CLOSE_GOING_AWAY = 1001;
/** Someone's access changed: every client reconnects, and so proves its access again. */
export const CLOSE_REAUTHENTICATE = 4001;

const OPEN = 1;
const keyOf = (orgId: string, topic: string) => `${orgId}\n${topic}`;

/** Per-organization topic subscriptions over authenticated sockets. */
export class Hub {
  private readonly subscribers = new Map<string, Set<Client>>();
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxQueued: number;
  private readonly maxBufferedBytes: number;
  private readonly closeGraceMs: number;
  private readonly replayEvents: number;
  private readonly streams = new Map<string, EventStream>();
  // Sequence numbers start from the start time in microseconds: numbers a client saw from an earlier
  // process are always below this one's, so resuming with them asks for a resync instead of a wrong gap.
  private readonly sequenceBase = Date.now() * 1000;
  private onEmpty: (() => void) | undefined;

  constructor(options: HubOptions = {}) {
    this.maxQueued = options.maxQueued ?? 1024;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.closeGraceMs = options.closeGraceMs ?? 1000;
    this.replayEvents = options.replayEvents ?? 1000;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  attach(socket: LiveSocket, principal: Principal): LiveClient {
    const client: Client = { socket, principal, topics: new Set(), pending: 0, alive: true, attached: true };
    this.clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => this.detach(client));
    return client;
  }

  /** Adds topics; returns false (and adds none) when the socket would exceed MAX_TOPICS_PER_SOCKET. */
  subscribe(live: LiveClient, topics: readonly string[]): boolean {
    const client = live as Client;
    if (!client.attached) return false;
    const fresh = topics.filter((t) => !client.topics.has(t));
    if (client.topics.size + new Set(fresh).size > MAX_TOPICS_PER_SOCKET) return false;
    for (const topic of fresh) {
      client.topics.add(topic);
      const key = keyOf(client.principal.orgId, topic);
      let set = this.subscribers.get(key);
      if (!set) this.subscribers.set(key, (set = new Set()));
      set.add(client);
    }
    return true;
  }

  unsubscribe(live: LiveClient, topics: readonly string[]): void {
    const client = live as Client;
    for (const topic of topics) {
      if (!client.topics.delete(topic)) continue;
      const key = keyOf(client.principal.orgId, topic);
      const set = this.subscribers.get(key);
      set?.delete(client);
      if (set?.size === 0) this.subscribers.delete(key);
    }
  }

  /**
   * Numbers the event in the org's stream (kept for resuming clients) and delivers it to the sockets of `orgId` subscribed to `topic`, and to no one else.
   */
  publish(orgId: string, topic: string, event: LiveEvent): void {
    const record = this.streamOf(orgId).append(topic, event.event, event.data);
    const set = this.subscribers.get(keyOf(orgId, topic));
    if (set) {
      // Serialized once however many sockets receive it.
      const payload = record.payload();
      for (const client of [...set]) this.deliver(client, payload);
    }
  }

  /**
   * Sends to the org's sockets subscribed to `topic` without numbering or keeping the event: for
   * high-volume views of data kept elsewhere (a command's output is in its file). A client that
   * missed some refetches the source; the replay window stays free for the events that matter.
   */
  broadcast(orgId: string, topic: string, event: LiveEvent): void {
    const set = this.subscribers.get(keyOf(orgId, topic));
    if (!set) return;
    const payload = JSON.stringify({ type: 'stream', topic, event: event.event, data: event.data } satisfies ServerMessage);
    for (const client of [...set]) this.deliver(client, payload);
  }

  /** The newest sequence number of the organization's events: where a fresh client starts counting. */
  sequenceOf(orgId: string): number {
    return this.streams.get(orgId)?.seq ?? this.sequenceBase;
  }

  /**
   * Sends a reconnected client, in order, the events on its topics numbered after `since`; when some
   * are no longer kept, or there are more than the client may have queued, says it must resync.
   */
  resume(live: LiveClient, since: number): ResumeOutcome {
    const client = live as Client;
    const stream = this.streams.get(client.principal.orgId);
    const seq = stream?.seq ?? this.sequenceBase;
    const missed = stream ? stream.since(since) : since === seq ? [] : null;
    const mine = missed?.filter((record) => client.topics.has(record.topic));
    if (!mine || client.pending + mine.length > this.maxQueued) return { kind: 'resync', seq };
    for (const record of mine) this.deliver(client, record.payload());
    return { kind: 'resumed', replayed: mine.length, seq };
  }

  send(live: LiveClient, message: ServerMessage): void {
    this.deliver(live as Client, JSON.stringify(message));
  }

  detach(live: LiveClient): void {
    const client = live as Client;
    if (!client.attached) return;
    client.attached = false;
    this.unsubscribe(client, [...client.topics]);
    this.clients.delete(client);
    if (this.clients.size === 0) this.onEmpty?.();
  }

  /**
   * A socket's access was checked when it connected. When any access narrows or ends (a revoked key or
   * session, a role change, a removal), every socket is closed and reconnects with fresh credentials:
   * such changes are rare, and a stale grant streaming events would be a leak.
   */
  reauthenticateAll(): void {
    for (const client of [...this.clients]) safely(() => client.socket.close(CLOSE_REAUTHENTICATE, 'Access changed: reconnect'));
  }

  /** Says goodbye (1001) to every client, waits briefly for them to go, then cuts the rest. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.clients.size === 0) return;
    const clients = [...this.clients];
    const gone = new Promise<void>((resolve) => {
      this.onEmpty = resolve;
    });
    for (const client of clients) safely(() => client.socket.close(CLOSE_GOING_AWAY, 'Server shutting down'));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.closeGraceMs);
    });
    await Promise.race([gone, grace]);
    clearTimeout(timer);
    for (const client of [...this.clients]) {
      safely(() => client.socket.terminate());
      this.detach(client);
    }
  }

  private streamOf(orgId: string): EventStream {
    let stream = this.streams.get(orgId);
    if (!stream) this.streams.set(orgId, (stream = new EventStream(this.replayEvents, this.sequenceBase)));
    return stream;
  }

  private deliver(client: Client, payload: string): void {
    if (!client.attached || client.socket.readyState !== OPEN) return;
    // A client that stops reading would otherwise grow our memory without bound; it can reconnect and resync.
    if (client.pending >= this.maxQueued || client.socket.bufferedAmount > this.maxBufferedBytes) {
      this.detach(client);
      safely(() => client.socket.close(CLOSE_TOO_SLOW, 'Too slow to keep up: reconnect and resync'));
      return;
    }
    client.pending++;
    client.socket.send(payload, () => {
      client.pending--;
    });
  }

  private beat(): void {
    for (const client of [...this.clients]) {
      if (!client.alive) {
        this.detach(client);
        safely(() => client.socket.terminate());
        continue;
      }
      client.alive = false;
      safely(() => client.socket.ping());
    }
  }
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // The socket is already gone; there is nothing left to tell it.
  }
}
