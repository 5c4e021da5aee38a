/**
 * autocannon runs for the ingest benchmark: requests whose bodies rotate through a prepared list,
 * optionally paced (`overallRate`) or bounded (`amount`), optionally remembering which bodies were
 * acknowledged with a 2xx. The figures have the same shape as http.ts's LoadResult.
 */
import autocannon from 'autocannon';
import { measureLoad, type LoadResult } from './http';
import { round } from './stats';

export interface IngestLoadOptions {
  label: string;
  url: string;
  /** Body i of `count`; built when the request is set up, so a long series need not sit in memory. */
  body: (index: number) => string;
  count: number;
  /** Which body the first request sends; the next ones follow in order and wrap around. */
  startAt?: number;
  connections: number;
  durationS?: number;
  /** Stop after this many requests instead of after durationS. */
  amount?: number;
  /** autocannon's overallRate: requests per second over all connections (each connection gets its share per second). */
  overallRate?: number;
  headers?: Record<string, string>;
  serverPid?: number;
  /** Marks `acked[i]` = 1 when body i was answered 2xx (costs the load generator a body read per response). */
  acked?: Uint8Array;
}

export interface IngestLoadResult extends LoadResult {
  /** Requests completed ÷ wall time of the run (for paced runs, what was achieved of overall_rate). */
  achieved_req_per_s: number;
  overall_rate: number | null;
  wall_s: number;
  /** Bodies handed to the load generator (sent, or in flight when it stopped). */
  requests_sent: number;
}

export async function runIngestLoad(options: IngestLoadOptions): Promise<IngestLoadResult> {
  const { body, count, acked } = options;
  let next = options.startAt ?? 0;
  let sent = 0;
  const headers = { 'content-type': 'application/json', ...options.headers };
  const request: autocannon.Request = {
    method: 'POST',
    headers,
    setupRequest: (req, context) => {
      const index = next % count;
      next += 1;
      sent += 1;
      context.index = index;
      return { ...req, body: body(index) };
    },
    ...(acked
      ? {
          onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
            if (status >= 200 && status < 300 && typeof context.index === 'number') acked[context.index] = 1;
          },
        }
      : {}),
  };
  const run = await measureLoad(options.label, {
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 10,
    method: 'POST',
    headers,
    requests: [request],
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
    ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
  }, options.serverPid);
  return {
    ...run,
    achieved_req_per_s: round(run.requests_completed / run.wall_s, 0),
    overall_rate: options.overallRate ?? null,
    wall_s: round(run.wall_s, 2),
    requests_sent: sent,
  };
}
