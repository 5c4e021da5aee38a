import { statfs } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StringEnum } from '../../http/schemas';
import type { Metrics } from './metrics';

export interface ReadinessCheck {
  name: string;
  run(): Promise<void> | void;
}

const CheckResult = Type.Object({ status: StringEnum(['ok', 'fail'] as const), duration_ms: Type.Number(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({ status: StringEnum(['ready', 'not_ready'] as const), checks: Type.Record(Type.String(), CheckResult) });

const MIN_FREE_BYTES = 64 * 1024 * 1024;

export const diskCheck = (dataDir: string): ReadinessCheck => ({
  name: 'disk',
  async run() {
    const stats = await statfs(dataDir);
    const free = stats.bavail * stats.bsize;
    if (free < MIN_FREE_BYTES) throw new Error(`only ${Math.round(free / 1048576)} MiB free in the data dir`);
  },
});

/** `/health*` and `/metrics` sit outside /api/v1, answer without credentials and are never rate limited. */
export function healthRoutes(checks: ReadinessCheck[], metrics: Metrics): FastifyPluginAsyncTypebox {
  return async (app) => {
    const open = { auth: 'public', rateLimit: false } as const;
    const tags = ['Health'];

    app.get('/health', {
      schema: { tags, summary: 'Load-balancer probe: plain text OK, touches nothing', response: { 200: { content: { 'text/plain': { schema: Type.String() } } } } },
      config: open,
    }, async (_request, reply) => reply.header('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('OK'));

    app.get('/health/live', {
      schema: { tags, summary: 'Liveness: the process is serving', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      config: open,
    }, async (_request, reply) => reply.header('Cache-Control', 'no-store').send({ status: 'ok' as const }));

    app.get('/health/ready', {
      schema: { tags, summary: 'Readiness: 200 when every dependency answers, 503 with per-check details otherwise', response: { 200: Readiness, 503: Readiness } },
      config: open,
    }, async (_request, reply) => {
      const results: Record<string, { status: 'ok' | 'fail'; duration_ms: number; error?: string }> = {};
      for (const check of checks) {
        const started = performance.now();
        try {
          await check.run();
          results[check.name] = { status: 'ok', duration_ms: +(performance.now() - started).toFixed(3) };
        } catch (error) {
          results[check.name] = { status: 'fail', duration_ms: +(performance.now() - started).toFixed(3), error: (error as Error).message };
        }
      }
      const ready = Object.values(results).every((r) => r.status === 'ok');
      return reply.code(ready ? 200 : 503).header('Cache-Control', 'no-store').send({ status: ready ? 'ready' : 'not_ready', checks: results });
    });

    app.get('/metrics', {
      schema: { tags, summary: 'Prometheus text exposition: requests, latency, database size, process', response: { 200: { content: { 'text/plain': { schema: Type.String() } } } } },
      config: open,
    }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  };
}
