import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, refusedUrl } from '../../lib/address-guard';

export interface SendResult {
  /** The HTTP status, or null when no response came (refused, unreachable, timed out). */
  status: number | null;
  error: string | null;
}

export type Send = (url: string, headers: Record<string, string>, body: string, signal: AbortSignal) => Promise<SendResult>;

export const SEND_TIMEOUT_MS = 10_000;
const USER_AGENT = 'Nightshift-Webhooks/1';

/**
 * One POST, answered 2xx or not. Redirects are not followed (one could lead to a metadata address),
 * names are resolved through the address guard, and the response body is drained and ignored.
 */
export function createSender(timeoutMs = SEND_TIMEOUT_MS): Send {
  return (url, headers, body, signal) =>
    new Promise<SendResult>((resolve) => {
      const refused = refusedUrl(url);
      if (refused) return resolve({ status: null, error: `The URL ${refused}` });
      const target = new URL(url);
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': USER_AGENT },
        lookup: guardedLookup,
        signal,
        timeout: timeoutMs,
      });
      request.on('timeout', () => request.destroy(new Error(`No response within ${timeoutMs / 1000} s`)));
      request.on('error', (error) => resolve({ status: null, error: error.message }));
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? null, error: null }));
        response.on('error', (error) => resolve({ status: response.statusCode ?? null, error: error.message }));
      });
      request.end(body);
    });
}
