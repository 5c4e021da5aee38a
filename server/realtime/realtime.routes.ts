import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RawData } from 'ws';
import { API_KEY_PREFIX, type CredentialResolver } from '../http/auth';
import type { Principal } from '../http/principal';
import type { Hub, LiveClient, LiveSocket } from './hub';
import { parseClientMessage, topicVerdict, WsTicket, type ClientMessage, MAX_TOPICS_PER_SOCKET } from './messages';
import type { Tickets } from './tickets';

export const CLOSE_UNAUTHENTICATED = 4401;
export const AUTH_TIMEOUT_MS = 5000;

const PROTOCOL = `Open \`GET /api/v1/ws?ticket=<ticket>\` as a WebSocket within 30 s; the ticket works once. Clients that can
keep a secret may instead open /api/v1/ws bare and send \`{"type":"auth","token":"<access JWT | nsk_ key>"}\` as the first
message within 5 s. A socket that does neither is closed with code 4401 and a reason.

Client → server: \`{"type":"subscribe"|"unsubscribe","topics":[...]}\`; topics are \`incidents\`, \`incident:<id>\`, \`alerts\`
(read scope of the resource), \`audit\` (admin) and \`notifications:<your user id>\`. Server → client:
\`{"type":"ready",user_id,org_id,role,seq}\` once authenticated, \`{"type":"subscribed",topics}\` with the socket's current topics,
\`{"type":"event",seq,topic,event,data}\` (e.g. event \`incident.created\` on \`incidents\`, data the incident) and
\`{"type":"error",code,message}\`.

Every event carries \`seq\`, a number that only grows across the organization's events (all topics, so a subscriber sees gaps;
\`ready\` says where it stands). After a reconnect send \`{"type":"resume","since":<last seq seen>,"topics":[...]}\`: it subscribes
and sends, in order, the missed events on your topics, then \`{"type":"resumed",since,seq,replayed}\`; when they are no longer
kept (the server keeps the latest 1000 per organization, and none across a restart) it answers \`{"type":"resync",seq}\`: refetch
what you show. A client that cannot keep up is closed with 1013.`;

export interface RealtimeDeps {
  hub: Hub;
  tickets: Tickets;
  resolver: Pick<CredentialResolver, 'fromJwt' | 'fromApiKey'>;
  authTimeoutMs?: number;
}

const text = (raw: RawData): string => (Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer)).toString('utf8');

/** Close reasons are limited to 123 bytes by the protocol. */
function refuse(socket: LiveSocket, reason: string): void {
  let short = reason;
  while (Buffer.byteLength(short) > 123) short = short.slice(0, -1);
  socket.close(CLOSE_UNAUTHENTICATED, short);
}

export function realtimeRoutes(deps: RealtimeDeps): FastifyPluginAsyncTypebox {
  const { hub, tickets, resolver } = deps;
  const authTimeoutMs = deps.authTimeoutMs ?? AUTH_TIMEOUT_MS;

  function serve(socket: LiveSocket, principal: Principal): void {
    const client = hub.attach(socket, principal);
    hub.send(client, { type: 'ready', user_id: principal.userId, org_id: principal.orgId, role: principal.role, seq: hub.sequenceOf(principal.orgId) });
    socket.on('message', (raw: RawData) => handle(client, parseClientMessage(text(raw))));
  }

  function handle(client: LiveClient, message: ClientMessage | null): void {
    if (!message) {
      hub.send(client, { type: 'error', code: 'MALFORMED_MESSAGE', message: 'Expected {"type":"subscribe"|"unsubscribe"|"resume",...}' });
      return;
    }
    if (message.type === 'auth') {
      hub.send(client, { type: 'error', code: 'ALREADY_AUTHENTICATED', message: 'This socket is already authenticated' });
      return;
    }
    if (message.type === 'unsubscribe') {
      hub.unsubscribe(client, message.topics);
      hub.send(client, { type: 'subscribed', topics: [...client.topics] });
      return;
    }
    if (message.topics) subscribe(client, message.topics);
    if (message.type === 'resume') {
      const outcome = hub.resume(client, message.since);
      hub.send(client, outcome.kind === 'resync'
        ? { type: 'resync', seq: outcome.seq }
        : { type: 'resumed', since: message.since, seq: outcome.seq, replayed: outcome.replayed });
    }
  }

  function subscribe(client: LiveClient, topics: string[]): void {
    const verdicts = { allowed: [] as string[], unknown: [] as string[], forbidden: [] as string[] };
    for (const topic of new Set(topics)) verdicts[topicVerdict(client.principal, topic)].push(topic);
    const { allowed, unknown, forbidden } = verdicts;
    if (unknown.length) hub.send(client, { type: 'error', code: 'UNKNOWN_TOPIC', message: `Unknown topic: ${unknown.join(', ')}`, topics: unknown });
    if (forbidden.length) hub.send(client, { type: 'error', code: 'FORBIDDEN_TOPIC', message: `Your role or key may not read: ${forbidden.join(', ')}`, topics: forbidden });
    if (!hub.subscribe(client, allowed)) {
      hub.send(client, { type: 'error', code: 'TOO_MANY_TOPICS', message: `A socket may hold at most ${MAX_TOPICS_PER_SOCKET} topics` });
    }
    hub.send(client, { type: 'subscribed', topics: [...client.topics] });
  }

  function awaitAuthMessage(socket: LiveSocket): void {
    const timer = setTimeout(() => refuse(socket, 'Authentication timed out: send {"type":"auth","token":"..."} first'), authTimeoutMs);
    socket.on('close', () => clearTimeout(timer));
    let settled = false;
    socket.on('message', (raw: RawData) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const message = parseClientMessage(text(raw));
      if (message?.type !== 'auth') return refuse(socket, 'The first message must be {"type":"auth","token":"..."}');
      let principal: Principal;
      try {
        principal = message.token.startsWith(API_KEY_PREFIX) ? resolver.fromApiKey(message.token) : resolver.fromJwt(message.token);
      } catch (error) {
        return refuse(socket, error instanceof Error ? error.message : 'Invalid token');
      }
      serve(socket, principal);
    });
  }

  return async (app) => {
    app.post('/ws/ticket', {
      schema: {
        tags: ['Realtime'],
        summary: 'A one-time ticket that opens the live-updates WebSocket (GET /api/v1/ws)',
        description: PROTOCOL,
        body: Type.Object({}, { additionalProperties: false, description: 'Nothing: the ticket is bound to the caller' }),
        response: { 201: WsTicket },
      },
      // Replaying a single-use ticket would only hand out a spent one.
      config: { idempotent: false },
    }, async (request, reply) => {
      const { ticket, expiresAt, expiresIn } = tickets.issue(request.principal!);
      return reply.code(201).send({ ticket, expires_at: expiresAt.toISOString(), expires_in: expiresIn });
    });

    app.get('/ws', {
      websocket: true,
      schema: { querystring: Type.Object({ ticket: Type.Optional(Type.String({ maxLength: 200 })) }) },
      // Authenticated inside the socket (ticket or first message), never by a cookie: a cookie would
      // ride along on a cross-site WebSocket, which no CORS check stops.
      config: { auth: 'public', rateLimit: false },
    }, (socket, request) => {
      const { ticket } = request.query as { ticket?: string };
      if (ticket === undefined) return awaitAuthMessage(socket);
      const principal = tickets.redeem(ticket);
      if (!principal) return refuse(socket, 'The ticket is invalid, used or expired: POST /api/v1/ws/ticket for a new one');
      serve(socket, principal);
    });
  };
}
