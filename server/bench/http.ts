/** HTTP helpers: autocannon runs summarised into plain figures, and JSON calls for setup. */
import autocannon from 'autocannon';
import { processCpuSeconds } from './children';
import { round } from './stats';

export interface LoadOptions {
  label: string;
  url: string;
  connections: number;
  durationS: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: autocannon.Request[];
  /** The server's pid, to report how busy it was (Linux). */
  serverPid?: number;
}

export interface LoadResult {
  label: string;
  req_per_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests_completed: number;
  duration_s: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  status_codes: Record<string, number>;
  /** Server CPU time / wall time during the run (100 = one core saturated). */
  server_cpu_pct: number | null;
  /** Server CPU time per completed request (µs): less sensitive to other load on the machine than req/s. */
  server_cpu_us_per_req: number | null;
  /** The load generator's (this process's) CPU time / wall time. */
  client_cpu_pct: number | null;
  /** Which side looks saturated: 'server', 'load generator', 'both' or 'neither' (contention, I/O). */
  limited_by: string;
}

function limitedBy(server: number | null, client: number | null): string {
  const busy = (v: number | null) => v !== null && v >= 85;
  if (busy(server) && busy(client)) return 'both';
  if (busy(server)) return 'server';
  if (busy(client)) return 'load generator';
  return server === null ? 'unknown' : 'neither (CPU contention, I/O wait, or a paced run)';
}

function runAutocannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { wall_s: _wallS, ...result } = await measureLoad(options.label, {
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    pipelining: 1,
    timeout: 10,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.requests ? { requests: options.requests } : {}),
  }, options.serverPid);
  return result;
}

/** Runs autocannon and measures both sides' CPU around it: the figures every load run reports, and its wall time (s). */
export async function measureLoad(label: string, options: autocannon.Options, serverPid?: number): Promise<LoadResult & { wall_s: number }> {
  const serverCpuBefore = processCpuSeconds(serverPid);
  const clientCpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = await runAutocannon(options);
  const wallS = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfter = processCpuSeconds(serverPid);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
  const serverCpuS = serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined;
  const serverCpuPct = serverCpuS !== undefined ? round((serverCpuS / wallS) * 100, 0) : null;
  const clientCpuPct = round(((clientCpu.user + clientCpu.system) / 1e6 / wallS) * 100, 0);
  const completed = result.requests.total;
  return {
    label,
    req_per_s: round(result.requests.average, 0),
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
    wall_s: wallS,
  };
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}

/** One JSON request for setup and checks; throws on a non-2xx answer. */
export async function requestJson<T>(
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(`${method} ${url} → ${response.status}: ${text.slice(0, 500)}`, response.status, text);
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
