/**
 * Live-update subscribers for the ingest benchmark: WebSockets opened the way the console opens
 * them (a one-time ticket from POST /api/v1/ws/ticket), subscribed to `alerts` and `incidents`.
 * They count what arrives without parsing every event, so they cost the load generator little.
 */
import WebSocket from 'ws';
import { requestJson } from './http';

export interface SubscriberStats {
  events: number;
  bytes: number;
  by_event: Record<string, number>;
  /** Close code and reason when the server closed the socket (1013: too slow to keep up). */
  closed: { code: number; reason: string } | null;
}

export interface Subscribers {
  readonly count: number;
  stats(): SubscriberStats[];
  /** Events received so far, summed over the subscribers. */
  total(): number;
  close(): Promise<void>;
}

const EVENT_NAME = /"event":"([^"]{1,64})"/;

async function openOne(baseUrl: string, token: string, topics: string[]): Promise<{ socket: WebSocket; stats: SubscriberStats }> {
  const { body } = await requestJson<{ ticket: string }>('POST', `${baseUrl}/api/v1/ws/ticket`, { token, body: {} });
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/ws?ticket=${encodeURIComponent(body.ticket)}`);
  const stats: SubscriberStats = { events: 0, bytes: 0, by_event: {}, closed: null };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WebSocket: no "subscribed" within 5 s')), 5000);
    socket.on('error', reject);
    socket.on('close', (code, reason) => {
      stats.closed = { code, reason: String(reason) };
    });
    socket.on('message', (raw: Buffer) => {
      // Events are the only messages after "subscribed"; only their first bytes are read.
      if (raw[2] === 0x74 && raw.subarray(0, 16).toString('latin1') === '{"type":"event",') {
        stats.events += 1;
        stats.bytes += raw.length;
        const name = EVENT_NAME.exec(raw.subarray(0, 200).toString('latin1'))?.[1] ?? '?';
        stats.by_event[name] = (stats.by_event[name] ?? 0) + 1;
        return;
      }
      const message = JSON.parse(raw.toString('utf8')) as { type: string };
      if (message.type === 'ready') socket.send(JSON.stringify({ type: 'subscribe', topics }));
      else if (message.type === 'subscribed') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'error') reject(new Error(`WebSocket: ${raw.toString('utf8')}`));
    });
  });
  return { socket, stats };
}

/** Opens `count` sockets for the account's user, each subscribed to `topics`. */
export async function openSubscribers(baseUrl: string, token: string, count: number, topics = ['alerts', 'incidents']): Promise<Subscribers> {
  const opened: Array<{ socket: WebSocket; stats: SubscriberStats }> = [];
  for (let i = 0; i < count; i++) opened.push(await openOne(baseUrl, token, topics));
  return {
    count,
    stats: () => opened.map((o) => ({ ...o.stats, by_event: { ...o.stats.by_event } })),
    total: () => opened.reduce((n, o) => n + o.stats.events, 0),
    async close() {
      await Promise.all(opened.map(({ socket }) => new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(1000, 'bench done');
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2000).unref();
      })));
    },
  };
}
