import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256 } from '../lib/secrets';
import { addSeconds, iso, type Clock } from '../lib/clock';
import { AppError } from './errors';
import { isMutation } from './auth';
import type { Transact } from '../db/database';
import type { IdempotencyStore } from './idempotency.store';

const TTL_SECONDS = 24 * 60 * 60;
const MAX_KEY_LENGTH = 255;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

function scopeOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.token) return `token:${principal.token.id}`;
  if (principal) return `user:${principal.userId}`;
  return `anon:${request.ip}`;
}

function bodyFingerprint(request: FastifyRequest): string {
  const body = request.body === undefined ? '' : JSON.stringify(request.body);
  return sha256(`${request.method} ${request.url}\n${body}`);
}

/**
 * Stripe-style Idempotency-Key, as 24observe documents it: responses are kept 24 h per caller and key;
 * a retry replays with `Idempotent-Replayed: true`; a concurrent duplicate gets 409; the same key with
 * another request gets 422; 5xx responses are not kept, so a retry really runs again.
 */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore, transact: Transact, clock: Clock): void {
  // A key left in flight by a killed process has no response to replay; the client's retry runs anew.
  store.purgeInFlight();
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (typeof header !== 'string' || !isMutation(request.method) || request.routeOptions.config.idempotent === false) return;
    if (header.length > MAX_KEY_LENGTH) throw new AppError('IDEMPOTENCY_KEY_TOO_LONG', `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters`);
    const scope = scopeOf(request);
    const fingerprint = bodyFingerprint(request);
    const now = clock.now();
    const cutoff = iso(addSeconds(now, -TTL_SECONDS));
    const existing = transact(() => {
      const row = store.get(scope, header);
      if (row && row.created_at >= cutoff) return row;
      store.claim(scope, header, request.method, request.url, fingerprint, iso(now));
      return null;
    });
    if (!existing) {
      request.idempotency = { scope, key: header };
      return;
    }
    if (existing.body_hash !== fingerprint) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
    }
    if (existing.state === 'in_flight') {
      throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still in progress; retry shortly', undefined, {
        'Retry-After': '1',
      });
    }
    reply.header('Idempotent-Replayed', 'true');
    if (existing.content_type) reply.type(existing.content_type);
    return reply.code(existing.status_code ?? 200).send(existing.response_body ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    if (reply.statusCode >= 500 || (typeof payload !== 'string' && !Buffer.isBuffer(payload) && payload !== null)) {
      store.release(claim.scope, claim.key);
      return payload;
    }
    const body = payload === null ? '' : payload.toString();
    const contentType = reply.getHeader('content-type');
    store.complete(claim.scope, claim.key, reply.statusCode, typeof contentType === 'string' ? contentType : null, body);
    return payload;
  });

  // A request that ends without reaching onSend (client gone, crash in a hook) must not hold its key.
  app.addHook('onResponse', async (request) => {
    if (request.idempotency) store.release(request.idempotency.scope, request.idempotency.key);
  });

  const sweep = setInterval(() => store.purgeOlderThan(iso(addSeconds(clock.now(), -TTL_SECONDS))), 10 * 60 * 1000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
}
