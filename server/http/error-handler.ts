import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode, type FieldError } from './errors';

export interface ErrorEnvelope {
  detail: string;
  error: string;
  status_code: number;
  code: ErrorCode;
  fields?: FieldError[];
  request_id: string;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  423: 'ACCOUNT_LOCKED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldsFrom(errors: AjvError[], context: string | undefined): FieldError[] {
  const prefix = context && context !== 'body' ? `${context === 'querystring' ? 'query' : context}.` : '';
  const fields = errors.map((e): FieldError => {
    let path = e.instancePath.slice(1).replace(/\//g, '.');
    const child = (e.params.missingProperty ?? e.params.additionalProperty) as string | undefined;
    if (child) path = path ? `${path}.${child}` : child;
    const code = e.keyword === 'additionalProperties' ? 'unrecognized_key' : e.keyword === 'required' ? 'required' : `invalid_${e.keyword}`;
    const message = e.keyword === 'additionalProperties' ? `Unknown field "${child}"` : (e.message ?? 'is invalid');
    return { path: `${prefix}${path}`, code, message };
  });
  // anyOf/union failures repeat one field several times; keep the first message per path and code.
  const seen = new Set<string>();
  return fields.filter((f) => {
    const key = `${f.path}|${f.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toAppError(error: FastifyError & { validation?: AjvError[]; validationContext?: string }): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const fields = fieldsFrom(error.validation, error.validationContext);
    const summary = fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', `Invalid request: ${summary}`, fields);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_REQUEST', 'Body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('MALFORMED_REQUEST', 'Content-Length does not match the body');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('MALFORMED_REQUEST', 'Body is not valid JSON');
  }
  const status = error.statusCode ?? 500;
  const code = CODE_BY_STATUS[status];
  if (status < 500 && code) return new AppError(code, error.message);
  return new AppError('INTERNAL_ERROR', 'Internal server error');
}

export function envelope(error: AppError, requestId: string): ErrorEnvelope {
  return {
    detail: error.message,
    error: error.message,
    status_code: error.status,
    code: error.code,
    ...(error.fields ? { fields: error.fields } : {}),
    request_id: requestId,
  };
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('application/json; charset=utf-8').send(envelope(error, request.id));
}

/** One place renders every failure in the envelope of DESIGN.md §3; 5xx details stay in the log. */
/** Deep links into the console (/incidents/123) get the single-page app; API paths keep their 404. */
function wantsConsolePage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  return request.method === 'GET' && !path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
}

export function registerErrorHandling(app: FastifyInstance, options: { consoleIndex?: boolean } = {}): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, request, appError);
  });
  app.setNotFoundHandler((request, reply) => {
    if (options.consoleIndex && wantsConsolePage(request)) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return sendError(reply, request, new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];
