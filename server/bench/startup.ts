/**
 * Startup: from spawn() of `node out/server/cli.js serve` to the first 200 from GET /health,
 * with a fresh and with an already-migrated data dir, beside the process floor (`node -e ''`).
 * The bin compiles the server bundle through a V8 code cache that the first start after a build
 * writes (server/cli-loader.ts); that start is one of the uncounted ones, and a third series shows
 * every start without the cache (NIGHTSHIFT_CODE_CACHE=0), as the first one after a build or upgrade is.
 */
import { request } from 'node:http';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnTracked, waitForExit } from './children';
import { NIGHTSHIFT_CLI, startNightshift } from './serve';
import { summarize, type Summary } from './stats';

const msSince = (start: bigint, end = process.hrtime.bigint()) => Number(end - start) / 1e6;

/** GET once; resolves with the status code, or 0 when the connection failed. */
function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', () => resolve(0));
    req.end();
  });
}

export async function pollHealth(baseUrl: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await getStatus(`${baseUrl}/health`);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`GET ${baseUrl}/health did not answer 200 within ${timeoutMs} ms (last ${status})`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface ServeTiming {
  /** spawn → listening line on stdout */
  listening_ms: number;
  /** spawn → first 200 from GET /health */
  health_ms: number;
}

export async function timeServe(dataDir: string, nodeArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<ServeTiming> {
  const server = await startNightshift({ dataDir, nodeArgs, ...(env ? { env } : {}) });
  try {
    await pollHealth(server.url);
    const healthAt = process.hrtime.bigint();
    return { listening_ms: msSince(server.spawnedAt, server.listeningAt), health_ms: msSince(server.spawnedAt, healthAt) };
  } finally {
    await server.stop();
  }
}

/** spawn → exit of `node -e ''`: what any Node process costs before it runs a line of ours. */
export async function timeNodeEmpty(): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawnTracked(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const code = await waitForExit(child);
  const elapsed = msSince(start);
  if (code !== 0) throw new Error(`node -e '' exited with ${String(code)}`);
  return elapsed;
}

export interface StartupResult {
  runs: number;
  fresh_data_dir: Summary & { listening_line_median_ms: number };
  existing_data_dir: Summary & { listening_line_median_ms: number };
  /** Existing data dir, code cache off: what the first start after a build or a Node upgrade costs. */
  existing_data_dir_no_code_cache: Summary & { listening_line_median_ms: number };
  node_empty_script: Summary;
  /** The code cache files beside the bundle after the uncounted runs (none: it went to ~/.cache, or failed). */
  code_cache_files: string[];
}

const NO_CODE_CACHE = { NIGHTSHIFT_CODE_CACHE: '0' };

function codeCacheFiles(): string[] {
  try {
    return readdirSync(join(dirname(NIGHTSHIFT_CLI), 'code-cache')).filter((f) => f.endsWith('.v8cache'));
  } catch {
    return [];
  }
}

export async function measureStartup(runs: number, workRoot: string, log: (m: string) => void): Promise<StartupResult> {
  // The already-migrated data dir: created and migrated by one serve that is not counted.
  const existingDir = mkdtempSync(join(workRoot, 'existing-'));
  await timeServe(existingDir);
  // That start also wrote the code cache, if the build had none. One uncounted round so that every
  // measured run finds the files in the page cache.
  await timeNodeEmpty();
  await timeServe(mkdtempSync(join(workRoot, 'fresh-')));
  await timeServe(existingDir, [], NO_CODE_CACHE);

  const fresh: ServeTiming[] = [];
  const existing: ServeTiming[] = [];
  const noCache: ServeTiming[] = [];
  const nodeEmpty: number[] = [];
  // Interleaved so that drift in machine load spreads over all four series alike.
  for (let i = 0; i < runs; i++) {
    nodeEmpty.push(await timeNodeEmpty());
    fresh.push(await timeServe(mkdtempSync(join(workRoot, 'fresh-'))));
    existing.push(await timeServe(existingDir));
    noCache.push(await timeServe(existingDir, [], NO_CODE_CACHE));
    log(
      `startup ${i + 1}/${runs}: fresh ${fresh.at(-1)!.health_ms.toFixed(0)} ms, existing ${existing.at(-1)!.health_ms.toFixed(0)} ms, ` +
        `existing without code cache ${noCache.at(-1)!.health_ms.toFixed(0)} ms, node -e ${nodeEmpty.at(-1)!.toFixed(0)} ms`,
    );
  }
  const withListening = (timings: ServeTiming[]) => ({
    ...summarize(timings.map((t) => t.health_ms)),
    listening_line_median_ms: summarize(timings.map((t) => t.listening_ms)).median_ms,
  });
  return {
    runs,
    fresh_data_dir: withListening(fresh),
    existing_data_dir: withListening(existing),
    existing_data_dir_no_code_cache: withListening(noCache),
    node_empty_script: summarize(nodeEmpty),
    code_cache_files: codeCacheFiles(),
  };
}

export function freshTempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'nightshift-bench-'));
}
