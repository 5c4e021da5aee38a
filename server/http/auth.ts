import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors';
import { roleAtLeast, type Principal } from './principal';
import { scopeAllows } from './scopes';

export const ACCESS_COOKIE = 'nightshift_access';
export const REFRESH_COOKIE = 'nightshift_refresh';

/** Implemented by the auth and tokens modules; http/ only knows how credentials arrive. */
export interface CredentialResolver {
  fromJwt(token: string): Principal;
  fromApiKey(token: string): Principal;
  /** Counts a mutation against a token's daily cap; throws PAT_DAILY_LIMIT_EXCEEDED when over. */
  chargeMutation(principal: Principal): void;
}

export const API_KEY_PREFIX = 'nsk_';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isMutation = (method: string): boolean => MUTATING.has(method);

type Credential = { kind: 'jwt' | 'api_key'; value: string; viaCookie: boolean };

function readCredential(request: FastifyRequest): Credential | null {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return { kind: 'api_key', value: apiKey.trim(), viaCookie: false };
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AppError('INVALID_TOKEN', 'Authorization header must be "Bearer <token>"');
    const value = match[1]!;
    return { kind: value.startsWith(API_KEY_PREFIX) ? 'api_key' : 'jwt', value, viaCookie: false };
  }
  const cookie = request.cookies?.[ACCESS_COOKIE];
  if (cookie) return { kind: 'jwt', value: cookie, viaCookie: true };
  return null;
}

/**
 * A cookie rides along with any request the browser makes, so a cookie-authenticated mutation must
 * come from our own origin (SameSite=Strict is the first line; this is the second).
 */
function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  if (origin) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new AppError('FORBIDDEN', 'Cross-origin request refused');
    }
    if (host === request.headers.host) return;
    throw new AppError('FORBIDDEN', 'Cross-origin request refused');
  }
  if (fetchSite === 'same-origin' || fetchSite === 'none') return;
  throw new AppError('FORBIDDEN', 'A cookie-authenticated change must come from the Nightshift console (Origin header missing)');
}

export function registerAuth(app: FastifyInstance, resolver: CredentialResolver): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const mode = config.auth ?? 'required';
    // Unknown routes answer 404 without asking for credentials.
    if (request.routeOptions.url === undefined || mode === 'public') return;
    const credential = readCredential(request);
    if (!credential) {
      if (mode === 'optional') return;
      throw new AppError('UNAUTHENTICATED', 'Authentication required: send "Authorization: Bearer <token>" or "X-API-Key: <key>"');
    }
    const principal = credential.kind === 'api_key' ? resolver.fromApiKey(credential.value) : resolver.fromJwt(credential.value);
    if (credential.viaCookie && isMutation(request.method)) assertSameOrigin(request);
    request.principal = principal;
    if (config.role && !roleAtLeast(principal.role, config.role)) {
      throw new AppError('INSUFFICIENT_ROLE', `This action needs the ${config.role} role or higher; you are ${principal.role}`);
    }
    if (config.scope && principal.token && !scopeAllows(principal.token.scopes, config.scope)) {
      throw new AppError('PAT_SCOPE_INSUFFICIENT', `This API key lacks the scope ${config.scope}`);
    }
  });
  app.addHook('preHandler', async (request) => {
    if (request.principal?.token && isMutation(request.method)) resolver.chargeMutation(request.principal);
  });
}
