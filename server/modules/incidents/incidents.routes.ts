import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams, StringEnum } from '../../http/schemas';
import {
  ActiveIncidentQuery, Incident, IncidentCreate, IncidentDetail, IncidentListQuery, IncidentPage, IncidentPatch, IncidentResolve,
  IncidentUpdateCreate, PostmortemPut, STATUSES, TimelineEntry, TimelinePage, TimelineQuery,
} from './incidents.schemas';
import type { IncidentService } from './incidents.service';

const IncidentUpdateResult = Type.Object({
  ...TimelineEntry.properties,
  status: StringEnum(STATUSES, { description: 'The incident\'s status after the update' }),
  is_public: Type.Boolean(),
});

export function incidentRoutes(incidents: IncidentService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Incidents'];
    const write = { scope: 'incidents:write', role: 'engineer' } as const;

    app.get('/incidents', {
      schema: { tags, summary: 'Incidents, newest first, filtered by status, severity, words, date range, service and assignee', querystring: IncidentListQuery, response: { 200: IncidentPage } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.list(request.principal!, request.query));

    app.get('/incidents/active', {
      schema: { tags, summary: 'Incidents not resolved yet, newest first', querystring: ActiveIncidentQuery, response: { 200: IncidentPage } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.active(request.principal!, request.query));

    app.post('/incidents', {
      schema: { tags, summary: 'Open an incident', body: IncidentCreate, response: { 201: Incident } },
      config: write,
    }, async (request, reply) => reply.code(201).send(incidents.create(contextOf(request), request.principal!, request.body)));

    app.get('/incidents/:id', {
      schema: { tags, summary: 'One incident with its timeline, alerts, affected services and runbook executions', params: IdParams, response: { 200: IncidentDetail } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.get(request.principal!, request.params.id));

    app.patch('/incidents/:id', {
      schema: { tags, summary: 'Change an incident; only the fields sent change, and every change lands on its timeline', params: IdParams, body: IncidentPatch, response: { 200: IncidentDetail } },
      config: { ...write, errors: ['INVALID_STATUS_TRANSITION'] },
    }, async (request) => incidents.update(contextOf(request), request.principal!, request.params.id, request.body));

    app.get('/incidents/:id/timeline', {
      schema: { tags, summary: 'The incident\'s whole timeline, oldest first', params: IdParams, querystring: TimelineQuery, response: { 200: TimelinePage } },
      config: { scope: 'incidents:read' },
    }, async (request) => incidents.timeline(request.principal!, request.params.id, request.query));

    app.post('/incidents/:id/updates', {
      schema: { tags, summary: 'Post a status update (public unless said otherwise), optionally moving the status', params: IdParams, body: IncidentUpdateCreate, response: { 201: IncidentUpdateResult } },
      config: { ...write, errors: ['INVALID_STATUS_TRANSITION'] },
    }, async (request, reply) => reply.code(201).send(incidents.postUpdate(contextOf(request), request.principal!, request.params.id, request.body)));

    app.post('/incidents/:id/acknowledge', {
      schema: {
        tags, summary: 'Acknowledge: records who and when (not a status); acknowledging again changes nothing', params: IdParams,
        body: Type.Object({}, { additionalProperties: false, description: 'Nothing: the acknowledgement is the caller\'s' }), response: { 200: IncidentDetail },
      },
      config: { ...write, errors: ['CONFLICT'] },
    }, async (request) => incidents.acknowledge(contextOf(request), request.principal!, request.params.id));

    app.post('/incidents/:id/resolve', {
      schema: { tags, summary: 'Resolve, with an optional root cause and markdown postmortem', params: IdParams, body: IncidentResolve, response: { 200: IncidentDetail } },
      config: { ...write, errors: ['INVALID_STATUS_TRANSITION'] },
    }, async (request) => incidents.resolve(contextOf(request), request.principal!, request.params.id, request.body));

    app.put('/incidents/:id/postmortem', {
      schema: { tags, summary: 'Write or replace the markdown postmortem', params: IdParams, body: PostmortemPut, response: { 200: IncidentDetail } },
      config: write,
    }, async (request) => incidents.putPostmortem(contextOf(request), request.principal!, request.params.id, request.body));
  };
}
