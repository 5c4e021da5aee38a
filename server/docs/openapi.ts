import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../http/errors';
import { ErrorEnvelopeSchema } from '../http/schemas';

const DOC_PATHS = ['/docs', '/redoc', '/openapi.json', '/api/v1/openapi.json'];
const isDocRoute = (url: string) => DOC_PATHS.some((p) => url === p || url.startsWith(`${p}/`));
const MUTATING = ['POST', 'PUT', 'PATCH', 'DELETE'];

const API_DESCRIPTION = `Nightshift's /api/v1: one API that speaks the Overwatch contract and the routes of 24observe,
Opsentry and ChatOps. Authenticate with \`Authorization: Bearer <access_token | nsk_ API key>\` or \`X-API-Key: <nsk_ key>\`.
Every error has the envelope \`{detail, error, status_code, code, fields?, request_id}\`; \`code\` is one of a closed list
(see the ErrorEnvelope schema). Lists answer \`{data, meta: {total, limit, offset}}\`. Send \`Idempotency-Key\` on any
mutation to retry it safely for 24 hours.`;

function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}

/** The error codes a route can answer with, derived from how it is configured, plus the ones it declares. */
export function errorCodesFor(route: RouteOptions): ErrorCode[] {
  const config = (route.config ?? {}) as NonNullable<RouteOptions['config']> & Record<string, unknown>;
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const codes = new Set<ErrorCode>(['INTERNAL_ERROR']);
  if (config.rateLimit !== false) codes.add('RATE_LIMITED');
  if ((config.auth ?? 'required') !== 'public') {
    for (const code of ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REVOKED'] as const) codes.add(code);
    if (config.scope) codes.add('PAT_SCOPE_INSUFFICIENT');
    if (config.role) codes.add('INSUFFICIENT_ROLE');
  }
  if (schema.params) codes.add('NOT_FOUND');
  if (schema.body || schema.querystring || schema.params) codes.add('VALIDATION_FAILED');
  if (methodsOf(route).some((m) => MUTATING.includes(m))) {
    for (const code of ['MALFORMED_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'IDEMPOTENCY_KEY_TOO_LONG', 'IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED'] as const) {
      codes.add(code);
    }
    if ((config.auth ?? 'required') !== 'public') codes.add('PAT_DAILY_LIMIT_EXCEEDED');
  }
  for (const code of (config.errors as ErrorCode[] | undefined) ?? []) codes.add(code);
  return [...codes];
}

function documentRoute(route: RouteOptions): void {
  const config = (route.config ?? {}) as NonNullable<RouteOptions['config']>;
  if (isDocRoute(route.url)) {
    route.schema = { ...(route.schema ?? {}), hide: true } as RouteOptions['schema'];
    return;
  }
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  if (schema.hide) return;
  const response = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesFor(route)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of byStatus) {
    if (response[status]) continue;
    response[status] = {
      description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join('\n\n'),
      $ref: 'ErrorEnvelope#',
    };
  }
  const mode = config.auth ?? 'required';
  const security: Record<string, string[]>[] = mode === 'public' ? [] : mode === 'optional' ? [{ bearer: [] }, { apiKey: [] }, {}] : [{ bearer: [] }, { apiKey: [] }];
  const access = [config.scope && `scope \`${config.scope}\``, config.role && `role ${config.role} or higher`].filter(Boolean).join('; ');
  const idempotencyHeader = methodsOf(route).some((m) => MUTATING.includes(m)) && !schema.headers
    ? { headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', description: 'Retry-safe key (at most 255 characters); the response is kept 24 h and replayed with Idempotent-Replayed: true' } } } }
    : {};
  route.schema = {
    ...schema,
    ...idempotencyHeader,
    response,
    security,
    ...(access ? { description: `${(schema.description as string | undefined) ?? ''}${schema.description ? '\n\n' : ''}Requires ${access}.` } : {}),
  } as RouteOptions['schema'];
}

const swaggerPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nightshift API — Swagger UI</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/static/swagger-ui.css"><link rel="icon" href="/docs/static/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/swagger-ui-standalone-preset.js"></script>
<script src="/docs/swagger-initializer.js"></script></body></html>`;

const swaggerInitializer = `window.ui = SwaggerUIBundle({
  url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'BaseLayout',
});
`;

const SWAGGER_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const redocPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nightshift API — ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0} .redoc-wrap a[href*="redocly"]{display:none !important}</style></head>
<body><redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="/redoc/redoc.standalone.js"></script></body></html>`;

/** `/openapi.json`, `/docs` and `/redoc`, generated from the route schemas and served from local files only. */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  app.addSchema(ErrorEnvelopeSchema);
  app.addHook('onRoute', documentRoute);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Nightshift API', version, description: API_DESCRIPTION },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Access JWT from /auth/login, or an nsk_ API key' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  const spec = () => app.swagger();
  app.get('/openapi.json', { schema: { hide: true } }, async () => spec());
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => spec());

  const packageDir = (name: string) => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  // Swagger UI's and ReDoc's own files from node_modules, read when first asked for: no CDN, no cost at startup.
  const assets = new Map<string, Buffer>();
  const asset = async (file: string) => {
    let content = assets.get(file);
    if (!content) assets.set(file, (content = await readFile(file)));
    return content;
  };
  const html = (page: string) => async (_request: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:").send(page);

  app.get('/docs', { schema: { hide: true } }, html(swaggerPage));
  app.get('/docs/', { schema: { hide: true } }, html(swaggerPage));
  app.get('/docs/swagger-initializer.js', { schema: { hide: true } }, async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(swaggerInitializer));
  app.get<{ Params: { file: string } }>('/docs/static/:file', { schema: { hide: true } }, async (request, reply) => {
    const type = SWAGGER_ASSETS[request.params.file];
    if (!type) return reply.callNotFound();
    const content = await asset(join(packageDir('swagger-ui-dist'), request.params.file));
    return reply.type(type).header('Cache-Control', 'public, max-age=86400').send(content);
  });

  const redocBundle = join(packageDir('redoc'), 'bundles', 'redoc.standalone.js');
  app.get('/redoc', { schema: { hide: true } }, html(redocPage));
  app.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=86400').send(await asset(redocBundle)));
}
