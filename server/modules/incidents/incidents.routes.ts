import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import { ActiveIncidentQuery, Incident, IncidentCreate, IncidentListQuery, IncidentPage } from './incidents.schemas';
import type { IncidentService } from './incidents.service';

export function incidentRoutes(incidents: IncidentService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Incidents'];
    app.get('/incidents', {
      schema: { tags, summary: 'Incidents, newest first, filtered by status, severity, words and date range', querystring: IncidentListQuery, response: { 200: IncidentPage } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.list(request.principal!, request.query));

    app.get('/incidents/active', {
      schema: { tags, summary: 'Incidents not resolved yet, newest first', querystring: ActiveIncidentQuery, response: { 200: IncidentPage } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.active(request.principal!, request.query));

    app.post('/incidents', {
      schema: { tags, summary: 'Open an incident', body: IncidentCreate, response: { 201: Incident } },
      config: { scope: 'incidents:write', role: 'engineer' },
    }, async (request, reply) => reply.code(201).send(incidents.create(contextOf(request), request.principal!, request.body)));

    app.get('/incidents/:id', {
      schema: { tags, summary: 'One incident', params: IdParams, response: { 200: Incident } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.get(request.principal!, request.params.id));
  };
}
