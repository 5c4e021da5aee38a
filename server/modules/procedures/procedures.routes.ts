import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import {
  ImportQuery, Procedure, ProcedureCreate, ProcedureListQuery, ProcedurePage, ProcedurePatch, ProcedureVersionPage, SuggestQuery, SuggestionList,
  VersionListQuery, VersionQuery,
} from './procedures.schemas';
import type { ProcedureService } from './procedures.service';

const MARKDOWN_TYPES = ['text/markdown', 'text/x-markdown'];

export function procedureRoutes(procedures: ProcedureService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Runbooks'];
    const write = { scope: 'procedures:write', role: 'engineer' } as const;
    const read = { scope: 'procedures:read' } as const;

    // Runbooks travel as Markdown files; this plugin alone reads such bodies (as text, parsed by the service).
    app.addContentTypeParser(MARKDOWN_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

    app.get('/procedures', {
      schema: { tags, summary: 'Runbooks, most recently changed first, filtered by words, tag and service', querystring: ProcedureListQuery, response: { 200: ProcedurePage } },
      config: read,
    }, async (request) => procedures.list(request.principal!, request.query));

    app.post('/procedures', {
      schema: { tags, summary: 'Write a runbook: its version 1', body: ProcedureCreate, response: { 201: Procedure } },
      config: write,
    }, async (request, reply) => reply.code(201).send(procedures.create(contextOf(request), request.principal!, request.body)));

    app.get('/procedures/suggested', {
      schema: {
        tags, summary: 'Runbooks for an incident: linked to its services or matching its alerts\' labels, the most specific first',
        querystring: SuggestQuery, response: { 200: SuggestionList },
      },
      config: { ...read, errors: ['NOT_FOUND'] },
    }, async (request) => procedures.suggested(request.principal!, request.query.incident_id));

    app.post('/procedures/import', {
      schema: {
        tags,
        summary: 'Import a Markdown runbook (front matter and one ## section per step): a new runbook (201), or with procedure_id a new version of it (200)',
        querystring: ImportQuery,
        body: {
          content: {
            'text/markdown': { schema: Type.String({ description: 'One runbook in Markdown with YAML front matter' }) },
            'text/plain': { schema: Type.String({ description: 'The same, for clients that cannot say text/markdown' }) },
          },
        },
        response: { 200: Procedure, 201: Procedure },
      },
      config: { ...write, accepts: ['markdown', 'text'], errors: ['NOT_FOUND', 'INVALID_RUNBOOK_MARKDOWN', 'PROCEDURE_VERSION_CONFLICT'] },
    }, async (request, reply) => {
      const text = typeof request.body === 'string' ? request.body : '';
      const { created, procedure } = procedures.importMarkdown(contextOf(request), request.principal!, text, request.query);
      return reply.code(created ? 201 : 200).send(procedure);
    });

    app.get('/procedures/:id', {
      schema: { tags, summary: 'One runbook at its latest version, or at ?version=N', params: IdParams, querystring: VersionQuery, response: { 200: Procedure } },
      config: read,
    }, async (request) => procedures.get(request.principal!, request.params.id, request.query.version));

    app.patch('/procedures/:id', {
      schema: {
        tags, summary: 'Change a runbook: a new version when anything changes (sending the same content changes nothing); other fields stay',
        params: IdParams, body: ProcedurePatch, response: { 200: Procedure },
      },
      config: { ...write, errors: ['PROCEDURE_VERSION_CONFLICT'] },
    }, async (request) => procedures.update(contextOf(request), request.principal!, request.params.id, request.body));

    app.delete('/procedures/:id', {
      schema: { tags, summary: 'Delete a runbook (executions keep the steps they ran)', params: IdParams, response: { 204: Type.Null() } },
      config: write,
    }, async (request, reply) => {
      procedures.remove(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });

    app.get('/procedures/:id/versions', {
      schema: { tags, summary: 'The runbook\'s versions, newest first', params: IdParams, querystring: VersionListQuery, response: { 200: ProcedureVersionPage } },
      config: read,
    }, async (request) => procedures.versions(request.principal!, request.params.id, request.query));

    app.get('/procedures/:id/export', {
      schema: {
        tags, summary: 'Download the runbook (or ?version=N) as a Markdown file that POST /procedures/import reads back',
        params: IdParams, querystring: VersionQuery,
        response: { 200: { content: { 'text/markdown': { schema: Type.String() } } } },
      },
      config: read,
    }, async (request, reply) => {
      const { filename, markdown } = procedures.exportMarkdown(request.principal!, request.params.id, request.query.version);
      return reply
        .type('text/markdown; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${filename}"`)
        .send(markdown);
    });
  };
}
