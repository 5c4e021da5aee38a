import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Timestamp } from '../http/schemas';
import { roleAtLeast, type Principal, type Role } from '../http/principal';
import { scopeAllows, type RequiredScope } from '../http/scopes';

/** How many topics one socket may follow at once. */
export const MAX_TOPICS_PER_SOCKET = 100;

const Topics = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: MAX_TOPICS_PER_SOCKET });

export const ClientMessage = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 4096 }) }),
  Type.Object({ type: Type.Literal('subscribe'), topics: Topics }),
  Type.Object({ type: Type.Literal('unsubscribe'), topics: Topics }),
  // After a reconnect: subscribe (optionally) and be sent what was missed since `since`, in one step,
  // so no event can slip in between.
  Type.Object({ type: Type.Literal('resume'), since: Type.Integer({ minimum: 0 }), topics: Type.Optional(Topics) }),
]);
export type ClientMessage = Static<typeof ClientMessage>;

// Compiled the first time a socket speaks, not while the server starts.
let clientMessage: { Check(value: unknown): boolean } | undefined;

/** The client's message, or null when it is not JSON or not one of ClientMessage. */
export function parseClientMessage(raw: string): ClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  clientMessage ??= Compile(ClientMessage);
  return clientMessage.Check(value) ? (value as ClientMessage) : null;
}

export type LiveErrorCode = 'MALFORMED_MESSAGE' | 'UNKNOWN_TOPIC' | 'FORBIDDEN_TOPIC' | 'TOO_MANY_TOPICS' | 'ALREADY_AUTHENTICATED';

export type ServerMessage =
  | { type: 'ready'; user_id: string; org_id: string; role: Role; seq: number }
  | { type: 'subscribed'; topics: string[] }
  | { type: 'event'; seq: number; topic: string; event: string; data: unknown }
  /** Unnumbered and never replayed: a live view of something kept elsewhere (e.g. a command's output, kept in a file). */
  | { type: 'stream'; topic: string; event: string; data: unknown }
  | { type: 'resumed'; since: number; seq: number; replayed: number }
  | { type: 'resync'; seq: number }
  | { type: 'error'; code: LiveErrorCode; message: string; topics?: string[] };

interface TopicRule {
  matches(topic: string, principal: Principal): boolean;
  scope: RequiredScope;
  role?: Role;
}

// A topic is readable by whoever may read the matching list over HTTP.
const TOPIC_RULES: TopicRule[] = [
  { matches: (t) => t === 'incidents' || /^incident:[A-Za-z0-9_-]{1,64}$/.test(t), scope: 'incidents:read' },
  { matches: (t) => t === 'alerts', scope: 'alerts:read' },
  { matches: (t) => t === 'procedures', scope: 'procedures:read' },
  { matches: (t) => t === 'executions' || /^execution:[A-Za-z0-9_-]{1,64}$/.test(t), scope: 'executions:read' },
  { matches: (t) => t === 'audit', scope: 'audit:read', role: 'admin' },
  // A person's own notifications; anyone else's is not a topic at all.
  { matches: (t, principal) => t === notificationsTopic(principal.userId), scope: 'notifications:read' },
];

/** The topic a user's notifications are announced on. */
export const notificationsTopic = (userId: string): string => `notifications:${userId}`;

export type TopicVerdict = 'allowed' | 'unknown' | 'forbidden';

export function topicVerdict(principal: Principal, topic: string): TopicVerdict {
  const rule = TOPIC_RULES.find((r) => r.matches(topic, principal));
  if (!rule) return 'unknown';
  if (rule.role && !roleAtLeast(principal.role, rule.role)) return 'forbidden';
  if (principal.token && !scopeAllows(principal.token.scopes, rule.scope)) return 'forbidden';
  return 'allowed';
}

export const WsTicket = Type.Object({
  ticket: Type.String({ description: 'Pass as `?ticket=` when opening /api/v1/ws; single use' }),
  expires_at: Timestamp,
  expires_in: Type.Integer({ description: 'Seconds the ticket stays valid' }),
});
