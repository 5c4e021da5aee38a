import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';

/**
 * While the server drains, requests that still arrive on open connections get the usual envelope
 * (503 SERVICE_UNAVAILABLE, with its request id) instead of Fastify's own 503 body.
 */
export function registerShutdownGate(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('Connection', 'close');
    throw new AppError('SERVICE_UNAVAILABLE', 'Nightshift is shutting down; retry in a moment', undefined, { 'Retry-After': '5' });
  });
}
