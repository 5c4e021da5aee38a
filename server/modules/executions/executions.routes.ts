import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import {
  ExecuteBody, Execution, ExecutionListQuery, ExecutionPage, ExecutionPatch, ExecutionStep, OutputQuery, StepParams,
} from './executions.schemas';
import type { ExecutionService } from './executions.service';

export function executionRoutes(executions: ExecutionService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Runbooks'];
    const write = { scope: 'executions:write', role: 'engineer' } as const;
    const read = { scope: 'executions:read' } as const;

    app.post('/procedures/:id/execute', {
      schema: {
        tags, summary: 'Start an execution of the runbook, pinned to its latest version (or `version`), optionally for an incident',
        params: IdParams, body: ExecuteBody, response: { 201: Execution },
      },
      config: write,
    }, async (request, reply) => reply.code(201).send(executions.start(contextOf(request), request.principal!, request.params.id, request.body)));

    app.get('/executions', {
      schema: { tags, summary: 'Executions, newest first, filtered by runbook, incident, status and who started them', querystring: ExecutionListQuery, response: { 200: ExecutionPage } },
      config: read,
    }, async (request) => executions.list(request.principal!, request.query));

    app.get('/executions/:id', {
      schema: { tags, summary: 'One execution with every step\'s status, output tail, times and actor', params: IdParams, response: { 200: Execution } },
      config: read,
    }, async (request) => executions.get(request.principal!, request.params.id));

    app.patch('/executions/:id', {
      schema: {
        tags, summary: 'Pause, resume, cancel or complete; edit notes; complete, fail, skip, retry or stop steps; all in one change',
        params: IdParams, body: ExecutionPatch, response: { 200: Execution },
      },
      config: { ...write, errors: ['EXECUTION_NOT_RUNNING', 'STEP_NOT_RUNNABLE', 'EXECUTION_BUSY', 'EXECUTION_INCOMPLETE', 'INVALID_STEP_ACTION'] },
    }, async (request) => executions.update(contextOf(request), request.principal!, request.params.id, request.body));

    app.post('/executions/:id/steps/:step/run', {
      schema: {
        tags,
        summary: 'Run a command, HTTP or wait step; answers at once with the step running, its output streams on execution:{id}',
        description: 'Command steps run on the server\'s host as argv (no shell), only when the organization allows it (allow_command_steps). '
          + 'Incident fields and variables reach the script as NIGHTSHIFT_* environment variables, never spliced into it.',
        params: StepParams,
        body: Type.Object({}, { additionalProperties: false, description: 'Nothing' }),
        response: { 202: ExecutionStep },
      },
      config: {
        ...write,
        errors: ['COMMAND_STEPS_DISABLED', 'EXECUTION_NOT_RUNNING', 'STEP_NOT_RUNNABLE', 'EXECUTION_BUSY', 'INVALID_STEP_ACTION', 'SECRET_NOT_FOUND', 'HTTP_STEP_URL_NOT_ALLOWED', 'SERVICE_UNAVAILABLE'],
      },
    }, async (request, reply) => reply.code(202).send(await executions.runStep(contextOf(request), request.principal!, request.params.id, request.params.step)));

    app.get('/executions/:id/steps/:step/output', {
      schema: {
        tags, summary: 'The whole output of a step\'s latest attempt (or ?attempt=N), secrets redacted',
        params: StepParams, querystring: OutputQuery,
        response: { 200: { content: { 'text/plain': { schema: Type.String() } } } },
      },
      config: read,
    }, async (request, reply) => {
      const file = executions.outputPath(request.principal!, request.params.id, request.params.step, request.query.attempt);
      return reply.type('text/plain; charset=utf-8').header('Cache-Control', 'no-store').send(createReadStream(file) as unknown as string);
    });
  };
}
