import type { components } from './schema.gen';

export type ErrorEnvelope = components['schemas']['ErrorEnvelope'];
/** The server's closed list, plus what the client itself can run into before an envelope exists. */
export type ErrorCode = ErrorEnvelope['code'] | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly requestId: string | undefined,
    readonly fields: ErrorEnvelope['fields'] = undefined,
  ) {
    super(message);
  }
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  return typeof body === 'object' && body !== null && 'code' in body && 'status_code' in body;
}

export function toApiError(body: unknown, response: Response): ApiError {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (isEnvelope(body)) {
    return new ApiError(response.status, body.code, body.detail || body.error, body.request_id ?? requestId, body.fields);
  }
  return new ApiError(response.status, 'UNEXPECTED_RESPONSE', `The server answered ${response.status} ${response.statusText}`.trim(), requestId);
}

export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
