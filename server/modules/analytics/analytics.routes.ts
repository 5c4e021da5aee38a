import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Analytics, AnalyticsQuery } from './analytics.schemas';
import type { AnalyticsService } from './analytics.service';

export function analyticsRoutes(analytics: AnalyticsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/analytics', {
      schema: {
        tags: ['Analytics'],
        summary: 'MTTA, MTTR and incident counts (by severity, status, service) over a date range, per day or week',
        description: 'Counts the incidents opened in [from, to) (default: the 30 days up to now). MTTA is the mean time from opening to '
          + 'acknowledgement over the acknowledged ones, MTTR from opening to resolution over the resolved ones; a re-opened incident counts '
          + 'once resolved again. `series` has every period of the range, empty ones included, in UTC.',
        querystring: AnalyticsQuery,
        response: { 200: Analytics },
      },
      config: { scope: 'analytics:read' },
    }, async (request) => analytics.report(request.principal!, request.query));
  };
}
