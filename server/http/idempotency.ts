import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
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
    idempotency: { scope: string; key: string; seal: Buffer } | null;
  }
}

function scopeOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.token) return `token:${principal.token.id}`;
  if (principal) return `user:${principal.userId}`;
  return `anon:${request.ip}`;
}

/*
 * A kept response can hold secrets (a new API key, a session's tokens) and a request can hold a
 * password, while DESIGN.md §8 keeps plaintext secrets out of the database. So rows are found by a
 * hash of the key, the request fingerprint is an HMAC under the key, and the response is sealed with a
 * key derived from it: only the caller who holds the Idempotency-Key can get a replay out of a row.
 */
function bodyFingerprint(request: FastifyRequest, rawKey: string): string {
  const body = request.body === undefined ? '' : JSON.stringify(request.body);
  return createHmac('sha256', rawKey).update(`${request.method} ${request.url}\n${body}`).digest('hex');
}

const sealKeyFor = (scope: string, rawKey: string): Buffer => Buffer.from(hkdfSync('sha256', rawKey, scope, 'nightshift idempotency response', 32));

function seal(key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `v1.${iv.toString('base64')}.${cipher.getAuthTag().toString('base64')}.${sealed.toString('base64')}`;
}

function unseal(key: Buffer, stored: string): string {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || sealed === undefined) throw new Error('unknown idempotency record format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8');
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

  // preValidation, ahead of the daily-cap charge (a preHandler): a replay re-runs nothing, so it must
  // not spend the caller's mutation budget or be refused for lack of it.
  app.addHook('preValidation', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (typeof header !== 'string' || !isMutation(request.method) || request.routeOptions.config.idempotent === false) return;
    if (header.length > MAX_KEY_LENGTH) throw new AppError('IDEMPOTENCY_KEY_TOO_LONG', `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters`);
    const scope = scopeOf(request);
    const key = sha256(header);
    const fingerprint = bodyFingerprint(request, header);
    const now = clock.now();
    const cutoff = iso(addSeconds(now, -TTL_SECONDS));
    const existing = transact(() => {
      const row = store.get(scope, key);
      if (row && row.created_at >= cutoff) return row;
      store.claim(scope, key, request.method, request.url, fingerprint, iso(now));
      return null;
    });
    if (!existing) {
      request.idempotency = { scope, key, seal: sealKeyFor(scope, header) };
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
    return reply.code(existing.status_code ?? 200).send(existing.response_body ? unseal(sealKeyFor(scope, header), existing.response_body) : '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    // 5xx and 429 (rate limit, daily cap) say nothing about the request itself: a retry must really run.
    if (reply.statusCode >= 500 || reply.statusCode === 429 || (typeof payload !== 'string' && !Buffer.isBuffer(payload) && payload !== null)) {
      store.release(claim.scope, claim.key);
      return payload;
    }
    const body = payload === null ? '' : payload.toString();
    const contentType = reply.getHeader('content-type');
    store.complete(claim.scope, claim.key, reply.statusCode, typeof contentType === 'string' ? contentType : null, body ? seal(claim.seal, body) : '');
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
