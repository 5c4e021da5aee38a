export type Readiness = 'ready' | 'not_ready' | 'unreachable';

/** Reads /health/ready, which answers 200 or 503 with `{ status: 'ready' | 'not_ready' }`. */
export async function fetchReadiness(signal?: AbortSignal): Promise<Readiness> {
  let response: Response;
  try {
    response = await fetch('/health/ready', { headers: { accept: 'application/json' }, cache: 'no-store', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    return 'unreachable';
  }
  const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
  return body?.status === 'ready' ? 'ready' : 'not_ready';
}
