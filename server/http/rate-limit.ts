import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimits } from '../config';
import type { Clock } from '../lib/clock';
import { AppError } from './errors';

const WINDOW_MS = 60 * 60 * 1000;

interface Window {
  count: number;
  resetAt: number;
}

interface Bucket {
  key: string;
  limit: number;
}

/** Fixed hourly windows in memory: one process serves one data dir, so no shared store is needed. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * Counts one hit in every bucket when all of them have room; a refused request counts nowhere, so a
   * token hammering past its own limit does not also drain its organization's shared budget. Returns
   * the tightest window (when refused, the full window that frees up last).
   */
  hit(buckets: Bucket[]): { limit: number; remaining: number; resetAt: number; exceeded: boolean } {
    const now = this.clock.now().getTime();
    this.sweep(now);
    const windows = buckets.map((bucket) => {
      let window = this.windows.get(bucket.key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + WINDOW_MS };
        this.windows.set(bucket.key, window);
      }
      return { bucket, window };
    });
    const full = windows.filter(({ bucket, window }) => window.count >= bucket.limit);
    if (full.length > 0) {
      const last = full.reduce((a, b) => (b.window.resetAt > a.window.resetAt ? b : a));
      return { limit: last.bucket.limit, remaining: 0, resetAt: last.window.resetAt, exceeded: true };
    }
    let tightest = { limit: Infinity, remaining: Infinity, resetAt: now + WINDOW_MS, exceeded: false };
    for (const { bucket, window } of windows) {
      window.count++;
      const remaining = bucket.limit - window.count;
      if (remaining < tightest.remaining) tightest = { limit: bucket.limit, remaining, resetAt: window.resetAt, exceeded: false };
    }
    return tightest;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** Per-organization overrides of the server's limits (organization settings). */
export type OrgLimits = (orgId: string) => Partial<RateLimits>;

// Limits key on token, user and org, never on the address alone: on a desktop every caller is 127.0.0.1.
function bucketsFor(request: FastifyRequest, limits: RateLimits): Bucket[] {
  const cls = request.routeOptions.config.rateLimit ?? 'default';
  const principal = request.principal;
  const buckets: Bucket[] = [];
  if (!principal) {
    const perRoute = cls === 'webhook' ? limits.webhook : limits.anonymous;
    const caller = request.routeOptions.config.rateLimitKey?.(request) ?? `ip:${request.ip}`;
    buckets.push({ key: `anon:${cls}:${caller}`, limit: perRoute });
    return buckets;
  }
  if (principal.token) buckets.push({ key: `token:${principal.token.id}`, limit: limits.apiKey });
  else buckets.push({ key: `user:${principal.userId}`, limit: limits.user });
  buckets.push({ key: `org:${principal.orgId}`, limit: limits.org });
  if (cls === 'search') buckets.push({ key: `search:${principal.userId}`, limit: limits.search });
  if (cls === 'webhook') buckets.push({ key: `webhook:${principal.orgId}`, limit: limits.webhook });
  return buckets;
}

export function registerRateLimit(app: FastifyInstance, options: { limits: RateLimits; orgLimits: OrgLimits; clock: Clock; enabled: boolean }): void {
  if (!options.enabled) return;
  const limiter = new RateLimiter(options.clock);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === undefined || request.routeOptions.config.rateLimit === false) return;
    const limits = request.principal ? { ...options.limits, ...options.orgLimits(request.principal.orgId) } : options.limits;
    const result = limiter.hit(bucketsFor(request, limits));
    const resetSeconds = Math.ceil(result.resetAt / 1000);
    reply.header('X-RateLimit-Limit', String(result.limit));
    reply.header('X-RateLimit-Remaining', String(result.remaining));
    reply.header('X-RateLimit-Reset', String(resetSeconds));
    if (result.exceeded) {
      const retryAfter = Math.max(1, Math.ceil((result.resetAt - options.clock.now().getTime()) / 1000));
      throw new AppError('RATE_LIMITED', `Rate limit of ${result.limit} requests per hour exceeded; retry in ${retryAfter} s`, undefined, {
        'Retry-After': String(retryAfter),
      });
    }
  });
}
