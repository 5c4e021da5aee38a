import createClient from 'openapi-fetch';
import { ApiError, toApiError } from './errors';
import type { paths } from './schema.gen';
import { sessionFetch } from './session-fetch';

export { ApiError, isApiError } from './errors';
export type { components, paths } from './schema.gen';

/** The console is served by the server it talks to: same origin, cookie session. */
export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin', fetch: sessionFetch });

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The one place responses are unwrapped: data on success, an ApiError with the envelope otherwise. */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The Nightshift server could not be reached', undefined);
  }
  if (!result.response.ok) throw toApiError(result.error, result.response);
  return result.data as T;
}
