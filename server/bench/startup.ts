/**
 * Startup: from spawn() of `node out/server/cli.js serve` to the first 200 from GET /health,
 * with a fresh and with an already-migrated data dir, beside the process floor (`node -e ''`).
 */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTracked, waitForExit } from './children';
import { startNightshift } from './serve';
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

export async function timeServe(dataDir: string, nodeArgs: string[] = []): Promise<ServeTiming> {
  const server = await startNightshift({ dataDir, nodeArgs });
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
  node_empty_script: Summary;
}

export async function measureStartup(runs: number, workRoot: string, log: (m: string) => void): Promise<StartupResult> {
  // The already-migrated data dir: created and migrated by one serve that is not counted.
  const existingDir = mkdtempSync(join(workRoot, 'existing-'));
  await timeServe(existingDir);
  // One uncounted round so that every measured run finds the files in the page cache.
  await timeNodeEmpty();
  await timeServe(mkdtempSync(join(workRoot, 'fresh-')));

  const fresh: ServeTiming[] = [];
  const existing: ServeTiming[] = [];
  const nodeEmpty: number[] = [];
  // Interleaved so that drift in machine load spreads over all three series alike.
  for (let i = 0; i < runs; i++) {
    nodeEmpty.push(await timeNodeEmpty());
    fresh.push(await timeServe(mkdtempSync(join(workRoot, 'fresh-'))));
    existing.push(await timeServe(existingDir));
    log(
      `startup ${i + 1}/${runs}: fresh ${fresh.at(-1)!.health_ms.toFixed(0)} ms, existing ${existing.at(-1)!.health_ms.toFixed(0)} ms, node -e ${nodeEmpty.at(-1)!.toFixed(0)} ms`,
    );
  }
  const withListening = (timings: ServeTiming[]) => ({
    ...summarize(timings.map((t) => t.health_ms)),
    listening_line_median_ms: summarize(timings.map((t) => t.listening_ms)).median_ms,
  });
  return { runs, fresh_data_dir: withListening(fresh), existing_data_dir: withListening(existing), node_empty_script: summarize(nodeEmpty) };
}

export function freshTempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'nightshift-bench-'));
}
