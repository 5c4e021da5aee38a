import type { ErrorCode } from './errors';
import type { RequiredScope } from './scopes';

export const ROLES = ['viewer', 'engineer', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const roleAtLeast = (role: Role, minimum: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(minimum);

export interface TokenGrant {
  id: string;
  prefix: string;
  scopes: string[];
  dailyMutationLimit: number | null;
  dailyLogBytesLimit: number | null;
  expiresAt: string | null;
}

/** Who is calling: a signed-in person (JWT session) or an API key acting for its owner. */
export interface Principal {
  kind: 'session' | 'token';
  userId: string;
  orgId: string;
  email: string;
  role: Role;
  sessionId?: string;
  token?: TokenGrant;
}

/** What an audit row needs to know about the request that caused it. */
export interface RequestContext {
  principal: Principal | null;
  ip: string;
  userAgent: string | null;
  requestId: string;
}

export function contextOf(request: { principal: Principal | null; ip: string; headers: Record<string, unknown>; id: string }): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    principal: request.principal,
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: request.id,
  };
}

export type AuthMode = 'public' | 'optional' | 'required';
export type RateLimitClass = 'default' | 'anonymous' | 'webhook' | 'search' | false;
export type MediaKind = 'json' | 'form' | 'ndjson' | 'text' | 'markdown' | 'protobuf';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Default `required`. */
    auth?: AuthMode;
    scope?: RequiredScope;
    role?: Role;
    rateLimit?: RateLimitClass;
    /**
     * Who an unauthenticated request counts against, when the route knows better than the address
     * (a webhook's integration secret): on a desktop every sender is 127.0.0.1.
     */
    rateLimitKey?: (request: FastifyRequest) => string | undefined;
    /** Body media types the route accepts; default json. */
    accepts?: MediaKind[];
    /** Error codes the route can answer with besides the ones every route shares (documented in OpenAPI). */
    errors?: ErrorCode[];
    /** Mutating route that is exempt from Idempotency-Key caching (e.g. it streams). */
    idempotent?: false;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
