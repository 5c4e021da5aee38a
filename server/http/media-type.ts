import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';
import type { MediaKind } from './principal';

const MEDIA_TYPES: Record<MediaKind, (type: string) => boolean> = {
  json: (t) => t === 'application/json' || t.endsWith('+json'),
  form: (t) => t === 'application/x-www-form-urlencoded',
  ndjson: (t) => t === 'application/x-ndjson' || t === 'application/ndjson' || t === 'application/jsonlines',
  text: (t) => t === 'text/plain',
  markdown: (t) => t === 'text/markdown' || t === 'text/x-markdown',
  protobuf: (t) => t === 'application/x-protobuf' || t === 'application/protobuf',
};

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return headers['transfer-encoding'] !== undefined;
}

/** Refuses a body the route does not take before it is read, with 415 and the accepted types. */
export function registerMediaTypeCheck(app: FastifyInstance): void {
  // The check below lets `+json` types through (merge-patch+json, vnd.api+json): parse them as JSON too.
  app.addContentTypeParser(/^application\/[\w.+-]+\+json(\s*;|$)/i, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  // No body at all on a route that takes one is an empty object: the route's schema then names the
  // fields that are required (or accepts it, when every field is optional) instead of "must be object".
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined && !hasBody(request.headers)) request.body = {};
  });

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url === undefined || !hasBody(request.headers)) return;
    const accepts = request.routeOptions.config.accepts ?? ['json'];
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!accepts.some((kind) => MEDIA_TYPES[kind](type))) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type || '(none)'}" is not accepted here; send ${accepts.map((k) => k === 'json' ? 'application/json' : k === 'form' ? 'application/x-www-form-urlencoded' : k === 'markdown' ? 'text/markdown' : k === 'text' ? 'text/plain' : k).join(' or ')}`);
    }
  });
}
