import type { FastifyInstance } from 'fastify';

/**
 * Routes outside /api/ (health, metrics, docs, the console's static files) are public and not rate
 * limited unless they say otherwise; everything under /api/ requires credentials unless it says so.
 */
export function registerRouteDefaults(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/')) return;
    route.config = { auth: 'public', rateLimit: false, ...(route.config ?? {}) };
  });
}
