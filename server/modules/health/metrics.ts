import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance: its own registry, so two apps in one process never mix. */
export function createMetrics(databaseBytes: () => number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nightshift_' });
  const requests = new Counter({
    name: 'nightshift_http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'nightshift_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'nightshift_database_size_bytes',
    help: 'Size of the main SQLite database file',
    registers: [registry],
    collect() {
      this.set(databaseBytes());
    },
  });

  return {
    registry,
    /** Route templates, not raw URLs, keep the label set bounded. */
    instrument(app: FastifyInstance): void {
      app.addHook('onResponse', async (request, reply) => {
        const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
        requests.inc(labels);
        duration.observe(labels, reply.elapsedTime / 1000);
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
