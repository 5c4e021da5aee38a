import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../http/schemas';
import { AlertListQuery, AlertPage, DeadLetterPage, DeadLetterQuery } from './alerts.schemas';
import type { AlertService } from './alerts.service';

export function alertRoutes(alerts: AlertService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/alerts', {
      schema: { tags: ['Alerts'], summary: 'Alerts received from integrations, newest first', querystring: AlertListQuery, response: { 200: AlertPage } },
      config: { scope: 'alerts:read' },
    }, async (request) => alerts.list(request.principal!, request.query));

    app.get('/integrations/:id/dead-letters', {
      schema: {
        tags: ['Integrations'],
        summary: 'Payloads this integration sent that no parser understood (answered 422), newest first; admins',
        params: IdParams,
        querystring: DeadLetterQuery,
        response: { 200: DeadLetterPage },
      },
      config: { scope: 'integrations:read', role: 'admin' },
    }, async (request) => alerts.deadLetters(request.principal!, request.params.id, request.query));
  };
}
