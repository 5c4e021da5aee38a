import { announceSignedOut } from './session-events';

const REFRESH_URL = '/api/v1/auth/refresh';

// Anonymous auth routes answer 401 for wrong passwords and bad tokens: those are answers, not a lost
// session. /auth/me is the exception: it is how the console learns whether it is signed in.
function isAnonymousAuthRoute(url: string): boolean {
  const { pathname } = new URL(url, location.origin);
  return pathname.startsWith('/api/v1/auth/') && pathname !== '/api/v1/auth/me';
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null && 'code' in body ? String(body.code) : undefined;
  } catch {
    return undefined;
  }
}

let refreshing: Promise<boolean> | undefined;

/** One refresh for every request that found its access token expired at the same moment. */
function refreshOnce(): Promise<boolean> {
  refreshing ??= fetch(REFRESH_URL, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
    .then((response) => response.ok, () => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

// The access cookie's max-age equals the token's lifetime, so the browser usually drops it before the
// server could say TOKEN_EXPIRED; the request then arrives with no credentials (UNAUTHENTICATED) while
// the refresh cookie is still valid. Both mean "try the refresh cookie".
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'UNAUTHENTICATED']);

/**
 * fetch for the generated client: same-origin cookies; on a 401 that a refresh can cure, refresh once
 * (shared by concurrent callers) and retry; any other 401 means the session is gone.
 */
export async function sessionFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await fetch(request, { credentials: 'same-origin' });
  if (response.status !== 401 || isAnonymousAuthRoute(request.url)) return response;

  const code = await errorCode(response);
  if (code && REFRESHABLE.has(code) && (await refreshOnce())) {
    const retried = await fetch(retry, { credentials: 'same-origin' });
    if (retried.status !== 401) return retried;
    announceSignedOut();
    return retried;
  }
  announceSignedOut();
  return response;
}
