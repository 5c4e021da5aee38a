import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, refusedUrl } from '../../lib/address-guard';

/** How much of a response body is read (kept in the output and searched for `body_contains`); the rest is discarded. */
/**
 * An HTTP step's URL with `{{name}}` replaced by the execution's variable `name`, as given (a variable
 * may hold a whole base URL); the result is checked against the address guard like any other URL.
 * Returns the names it could not fill.
 */
export function fillUrl(template: string, variables: Record<string, string>): { url: string; missing: string[] } {
  const missing: string[] = [];
  const url = template.replace(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { url, missing };
}

export const MAX_BODY_BYTES = 1024 * 1024;
const USER_AGENT = 'Nightshift-Runbooks/1';

export interface HttpCheck {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Secrets already resolved. */
  headers: Record<string, string>;
  body: string | null;
  /** null: any 2xx. */
  expected_status: number | null;
  body_contains: string | null;
  timeout_seconds: number;
}

export interface HttpOutcome {
  ok: boolean;
  status: number | null;
  reason: string | null;
}

/** What the step writes as it goes (the output sink). */
export interface HttpOutput {
  write(chunk: Buffer | string): boolean;
}

/**
 * One HTTP request of a runbook step, under the outbound address policy: the literal URL is checked
 * (callers refuse it up front with refusedUrl) and so is every address its name resolves to; redirects
 * are not followed. The status line, content type and up to MAX_BODY_BYTES of body go to `output`.
 */
export function runHttpCheck(check: HttpCheck, output: HttpOutput, signal: AbortSignal): Promise<HttpOutcome> {
  return new Promise<HttpOutcome>((resolve) => {
    const refused = refusedUrl(check.url);
    if (refused) return resolve({ ok: false, status: null, reason: `The URL ${refused}` });
    const target = new URL(check.url);
    const started = Date.now();
    const timeoutMs = check.timeout_seconds * 1000;
    output.write(`${check.method} ${target.origin}${target.pathname}${target.search}\n`);
    const headers: Record<string, string | number> = { 'user-agent': USER_AGENT, ...check.headers };
    if (check.body !== null) headers['content-length'] = Buffer.byteLength(check.body);
    let settled = false;
    const settle = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome.reason && outcome.status === null) output.write(`${outcome.reason}\n`);
      resolve(outcome);
    };
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: check.method, headers, lookup: guardedLookup, signal,
    });
    // The whole exchange, not just a silent socket: a slow trickle of body counts against it too.
    const timer = setTimeout(() => request.destroy(new Error(`No complete response within ${check.timeout_seconds} s`)), timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      settle({ ok: false, status: null, reason: signal.aborted ? 'Stopped' : error.message });
    });
    request.on('response', (response) => readResponse(response));
    request.end(check.body ?? undefined);

    function readResponse(response: IncomingMessage) {
      const status = response.statusCode ?? 0;
      const type = response.headers['content-type'];
      output.write(`→ ${status} ${response.statusMessage ?? ''}`.trimEnd() + ` (${Date.now() - started} ms)\n`);
      if (type) output.write(`content-type: ${type}\n`);
      output.write('\n');
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let total = 0;
      response.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (keptBytes >= MAX_BODY_BYTES) return;
        const part = chunk.subarray(0, MAX_BODY_BYTES - keptBytes);
        kept.push(part);
        keptBytes += part.length;
        output.write(part);
      });
      response.on('error', (error) => settle({ ok: false, status, reason: error.message }));
      response.on('end', () => {
        if (total > keptBytes) output.write(`\n[${total - keptBytes} more bytes of body not kept]`);
        if (keptBytes > 0) output.write('\n');
        const body = Buffer.concat(kept).toString('utf8');
        const statusOk = check.expected_status === null ? status >= 200 && status < 300 : status === check.expected_status;
        if (!statusOk) {
          const wanted = check.expected_status === null ? 'a 2xx status' : `status ${check.expected_status}`;
          return settle({ ok: false, status, reason: `Expected ${wanted}, got ${status}` });
        }
        if (check.body_contains !== null && !body.includes(check.body_contains)) {
          return settle({ ok: false, status, reason: `The response body does not contain ${JSON.stringify(check.body_contains)}` });
        }
        settle({ ok: true, status, reason: null });
      });
    }
  });
}
