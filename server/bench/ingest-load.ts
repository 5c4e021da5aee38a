/**
 * autocannon runs for the ingest benchmark: requests whose bodies rotate through a prepared list,
 * optionally paced (`overallRate`) or bounded (`amount`), optionally remembering which bodies were
 * acknowledged with a 2xx. The figures have the same shape as http.ts's LoadResult.
 */
import autocannon from 'autocannon';
import { processCpuSeconds } from './children';
import type { LoadResult } from './http';
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

type Options = autocannon.Options & { overallRate?: number };

function runAutocannon(options: Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function limitedBy(server: number | null, client: number | null): string {
  const busy = (v: number | null) => v !== null && v >= 85;
  if (busy(server) && busy(client)) return 'both';
  if (busy(server)) return 'server';
  if (busy(client)) return 'load generator';
  return server === null ? 'unknown' : 'neither (CPU contention, I/O, or a paced run)';
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
  const serverCpuBefore = processCpuSeconds(options.serverPid);
  const clientCpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = await runAutocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 10,
    method: 'POST',
    headers,
    requests: [request],
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
    ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
  });
  const wallS = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfter = processCpuSeconds(options.serverPid);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
  const serverCpuS = serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined;
  const serverCpuPct = serverCpuS !== undefined ? round((serverCpuS / wallS) * 100, 0) : null;
  const clientCpuPct = round(((clientCpu.user + clientCpu.system) / 1e6 / wallS) * 100, 0);
  const completed = result.requests.total;
  return {
    label: options.label,
    req_per_s: round(result.requests.average, 0),
    achieved_req_per_s: round(completed / wallS, 0),
    overall_rate: options.overallRate ?? null,
    wall_s: round(wallS, 2),
    requests_sent: sent,
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests_completed: completed,
    duration_s: round(result.duration, 2),
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_codes: statusCodes,
    server_cpu_pct: serverCpuPct,
    server_cpu_us_per_req: serverCpuS !== undefined && completed > 0 ? round((serverCpuS / completed) * 1e6, 1) : null,
    client_cpu_pct: clientCpuPct,
    limited_by: limitedBy(serverCpuPct, clientCpuPct),
  };
}
