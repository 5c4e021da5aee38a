/**
 * Nightshift benchmark suite (`npm run bench`). Prints ONE JSON document on stdout; progress
 * goes to stderr. Every figure is set beside a peer measured in the same run, because this
 * machine is noisy and absolute numbers do not travel:
 *   1. HTTP throughput: a Fastify hello-world vs Nightshift (authenticated list with an API key and
 *      with a JWT; a token-authenticated PATCH that writes a diff and an audit row), run
 *      alternately, never concurrently.
 *   2. Startup: `nightshift serve` spawn → first 200 from GET /health, fresh and migrated data
 *      dirs, beside `node -e ''`.
 *   2a. Webhook ingest: single-alert Alertmanager webhooks over 10k fingerprints with 4 WebSocket
 *      subscribers, beside Debian's Alertmanager 0.25 receiving the same alerts on /api/v2/alerts;
 *      a fixed 5,000/s run; a 100k-alert storm, then SIGKILL and restart: none lost (server/bench/ingest.ts).
 *   2b. Incident list: 100k incidents, 23 filter/sort/search shapes with a page of 50, p50/p99
 *      beside the token-ping route (server/bench/incident-list.ts).
 *   3. Console: e2e/bench/audit-table.ts in its own process (cold load of the audit page with 100k
 *      rows in Chromium, beside a blank page); needs out/renderer (npx electron-vite build).
 *   4. Storm: e2e/bench/incident-storm.ts in its own process (100k alerts in 10 s to a webhook while
 *      the incidents list is open in Chromium: none lost, the page's lag and typing delay beside idle).
 *   5. Runbook output: e2e/bench/runbook-output.ts in its own process (a command step printing 50 MB
 *      beside one printing 5 MB, the execution page open: server memory, console lag, the file intact).
 * Knobs (environment): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, 2), BENCH_CONNECTIONS (10),
 * BENCH_STARTUP_RUNS (10), BENCH_SKIP=http|startup|ingest|incident-list|console|storm|runbook-output, BENCH_OUT=FILE (also write the JSON there: `npm run
 * bench` puts npm's and vite's own lines on stdout before ours).
 * Where the time goes: server/bench/profile.ts (runs a scenario under node --cpu-prof).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { killAllChildren, spawnTracked } from './children';
import { benchIncidentList } from './incident-list';
import { benchIngest } from './ingest';
import { requestJson, runLoad, type LoadResult } from './http';
import { auditTotal, listUsers, patchUser, setUpAccount, type Scenario } from './scenarios';
import { NIGHTSHIFT_CLI, REPO_ROOT, startHelloWorld, startNightshift, type Running } from './serve';
import { freshTempRoot, measureStartup, type StartupResult } from './startup';
import { cv, median, round } from './stats';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const DURATION_S = num('BENCH_DURATION', 10);
const WARMUP_S = num('BENCH_WARMUP', 2);
const CONNECTIONS = num('BENCH_CONNECTIONS', 10);
const STARTUP_RUNS = num('BENCH_STARTUP_RUNS', 10);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));

const TARGETS = { authenticated_read_ratio: 0.5, mutation_ratio: 0.25, startup_median_ms: 300 } as const;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function tryExec(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function environment() {
  const cpuList = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu_model: cpuList[0]?.model ?? null,
    cpu_count: cpuList.length,
    memory_gib: round(totalmem() / 2 ** 30, 1),
    loadavg_at_start: loadavg().map((v) => round(v, 2)),
    nightshift_version: tryExec(process.execPath, [NIGHTSHIFT_CLI, '--version']),
    git_commit: tryExec('git', ['rev-parse', '--short', 'HEAD']),
    git_dirty: (tryExec('git', ['status', '--porcelain']) ?? '') !== '',
    fastify_version: (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'fastify', 'package.json'), 'utf8')) as { version: string }).version,
    autocannon_version: (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version,
  };
}

type Figure = LoadResult & {
  paired_hello_world_req_per_s: number;
  ratio_to_hello_world: number;
  ratio_to_hello_world_median: number;
  /** hello-world server CPU per request ÷ Nightshift's: the throughput ratio both would reach if each had a core to itself. */
  cpu_cost_ratio_to_hello_world: number | null;
};

interface HttpSection {
  config: { connections: number; duration_s: number; warmup_s: number; pipelining: number; order: string[] };
  hello_world: { runs: LoadResult[]; median_req_per_s: number; cv_req_per_s: number; median_server_cpu_us_per_req: number | null };
  nightshift: { read_users_api_key: Figure; read_users_jwt: Figure; mutation_patch_user: Figure & { audit_rows_written: number; audit_rows_expected: string } };
  targets: Record<string, { metric: string; target: string; value: number; met: boolean }>;
  all_2xx: boolean;
  flags: string[];
}

async function benchHttp(workRoot: string): Promise<HttpSection> {
  const flags: string[] = [];
  let peer: Running | undefined;
  let ns: Running | undefined;
  try {
    log('starting the hello-world peer and Nightshift (--no-rate-limits --log-level silent)');
    peer = await startHelloWorld();
    ns = await startNightshift({ dataDir: mkdtempSync(join(workRoot, 'http-')), noRateLimits: true, logLevel: 'silent' });
    log(`peer ${peer.url}, nightshift ${ns.url}`);

    const account = await setUpAccount(ns.url);
    const hello: Scenario = { url: `${peer.url}/`, method: 'GET', headers: {} };
    const readKey = listUsers(ns.url, account.apiKey);
    const readJwt = listUsers(ns.url, account.accessToken);

    // Sanity: each scenario answers 2xx with the expected body before any load.
    const helloBody = await requestJson<{ hello: string }>('GET', hello.url);
    if (helloBody.body.hello !== 'world') throw new Error('hello-world peer answered an unexpected body');
    for (const [name, token] of [['API key', account.apiKey], ['JWT', account.accessToken]] as const) {
      const list = await requestJson<{ data: unknown[]; meta: { total: number } }>('GET', readKey.url, { token });
      if (!Array.isArray(list.body.data) || list.body.meta.total < 1) throw new Error(`GET /users with the ${name} returned no users`);
    }

    const load = (label: string, scenario: Scenario, server: Running, durationS: number) =>
      runLoad({ label, ...scenario, connections: CONNECTIONS, durationS, serverPid: server.pid });

    log(`warm-up ${WARMUP_S} s each`);
    const warmups = [
      await load('warmup hello-world', hello, peer, WARMUP_S),
      await load('warmup read api key', readKey, ns, WARMUP_S),
      await load('warmup read jwt', readJwt, ns, WARMUP_S),
      await load('warmup mutation', patchUser(ns.url, account, 'warmup'), ns, WARMUP_S),
    ];
    for (const w of warmups) {
      if (w.non_2xx + w.errors + w.timeouts > 0) flags.push(`${w.label}: ${JSON.stringify(w.status_codes)}, errors ${w.errors}, timeouts ${w.timeouts}`);
    }

    const measure = async (label: string, scenario: Scenario, server: Running) => {
      log(`measuring ${label} (${DURATION_S} s, ${CONNECTIONS} connections)`);
      const result = await load(label, scenario, server, DURATION_S);
      log(`  ${result.req_per_s} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, server cpu ${result.server_cpu_pct}%, client cpu ${result.client_cpu_pct}%`);
      if (result.non_2xx + result.errors + result.timeouts > 0) {
        const flag = `${label}: non-2xx ${result.non_2xx} ${JSON.stringify(result.status_codes)}, errors ${result.errors}, timeouts ${result.timeouts}`;
        log(`FLAG ${flag}`);
        flags.push(flag);
      }
      return result;
    };

    // Alternate: each Nightshift run follows its own hello-world run (the pair shares machine state).
    const hw1 = await measure('hello-world #1', hello, peer);
    const key = await measure('nightshift GET /users (API key)', readKey, ns);
    const hw2 = await measure('hello-world #2', hello, peer);
    const jwt = await measure('nightshift GET /users (JWT)', readJwt, ns);
    const hw3 = await measure('hello-world #3', hello, peer);
    const auditBefore = await auditTotal(ns.url, account.apiKey);
    const patchScenario = patchUser(ns.url, account, 'run');
    const patch = await measure('nightshift PATCH /users/{id} (API key, audited)', patchScenario, ns);
    const auditAfter = await auditTotal(ns.url, account.apiKey);

    const helloRuns = [hw1, hw2, hw3];
    const helloMedian = median(helloRuns.map((r) => r.req_per_s));
    const helloCpu = helloRuns.map((r) => r.server_cpu_us_per_req).filter((v): v is number => v !== null);
    const helloCpuPerReq = helloCpu.length > 0 ? median(helloCpu) : null;
    const figure = (result: LoadResult, pairedHello: LoadResult): Figure => ({
      ...result,
      paired_hello_world_req_per_s: pairedHello.req_per_s,
      ratio_to_hello_world: round(result.req_per_s / pairedHello.req_per_s, 3),
      ratio_to_hello_world_median: round(result.req_per_s / helloMedian, 3),
      cpu_cost_ratio_to_hello_world:
        result.server_cpu_us_per_req && helloCpuPerReq ? round(helloCpuPerReq / result.server_cpu_us_per_req, 3) : null,
    });

    // autocannon stops with up to one request in flight per connection: the server may have
    // committed those without autocannon counting the answer, hence the tolerance.
    const auditWritten = auditAfter - auditBefore;
    const patchOk = patch.status_codes['200'] ?? 0;
    if (auditWritten < patchOk || auditWritten > patchOk + CONNECTIONS) {
      flags.push(`mutation: ${patchOk} PATCH answered 200 but the audit log grew by ${auditWritten} (expected ${patchOk}..${patchOk + CONNECTIONS})`);
    }

    const readKeyFig = figure(key, hw1);
    const readJwtFig = figure(jwt, hw2);
    const patchFig = {
      ...figure(patch, hw3),
      audit_rows_written: auditWritten,
      audit_rows_expected: `${patchOk}..${patchOk + CONNECTIONS} (200s counted + requests in flight at stop)`,
    };
    const target = (metric: string, value: number, min: number) => ({ metric, target: `>= ${min}`, value, met: value >= min });

    return {
      config: {
        connections: CONNECTIONS,
        duration_s: DURATION_S,
        warmup_s: WARMUP_S,
        pipelining: 1,
        order: [hw1, key, hw2, jwt, hw3, patch].map((r) => r.label),
      },
      hello_world: {
        runs: helloRuns,
        median_req_per_s: helloMedian,
        cv_req_per_s: round(cv(helloRuns.map((r) => r.req_per_s)), 3),
        median_server_cpu_us_per_req: helloCpuPerReq,
      },
      nightshift: { read_users_api_key: readKeyFig, read_users_jwt: readJwtFig, mutation_patch_user: patchFig },
      targets: {
        authenticated_read_api_key: target('read_users_api_key.ratio_to_hello_world', readKeyFig.ratio_to_hello_world, TARGETS.authenticated_read_ratio),
        authenticated_read_jwt: target('read_users_jwt.ratio_to_hello_world', readJwtFig.ratio_to_hello_world, TARGETS.authenticated_read_ratio),
        mutation: target('mutation_patch_user.ratio_to_hello_world', patchFig.ratio_to_hello_world, TARGETS.mutation_ratio),
      },
      all_2xx: [hw1, key, hw2, jwt, hw3, patch].every((r) => r.non_2xx === 0 && r.errors === 0 && r.timeouts === 0),
      flags,
    };
  } finally {
    await Promise.all([peer?.stop(), ns?.stop()]);
  }
}

async function benchStartup(workRoot: string) {
  log(`startup: ${STARTUP_RUNS} runs each of fresh data dir, existing data dir, existing data dir without the code cache, node -e ''`);
  const result: StartupResult = await measureStartup(STARTUP_RUNS, workRoot, log);
  const floor = result.node_empty_script.median_ms;
  return {
    ...result,
    command: 'node out/server/cli.js serve --port 0 --data-dir <dir>',
    measured: 'spawn() → first 200 from GET /health (process.hrtime); listening_line_* is spawn() → the stdout line',
    fresh_minus_node_floor_median_ms: round(result.fresh_data_dir.median_ms - floor, 1),
    existing_minus_node_floor_median_ms: round(result.existing_data_dir.median_ms - floor, 1),
    targets: {
      fresh_median: { metric: 'fresh_data_dir.median_ms', target: `<= ${TARGETS.startup_median_ms}`, value: result.fresh_data_dir.median_ms, met: result.fresh_data_dir.median_ms <= TARGETS.startup_median_ms },
      existing_median: { metric: 'existing_data_dir.median_ms', target: `<= ${TARGETS.startup_median_ms}`, value: result.existing_data_dir.median_ms, met: result.existing_data_dir.median_ms <= TARGETS.startup_median_ms },
    },
  };
}

/** A Chromium benchmark in its own process (Playwright); its one JSON document becomes a section. */
async function benchInChild(script: string): Promise<unknown> {
  log(`node --import tsx ${script}`);
  const child = spawnTracked(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  try {
    const result = JSON.parse(stdout) as Record<string, unknown>;
    return code === 0 ? result : { ...result, exit_code: code };
  } catch {
    return { error: `${script} exited with ${String(code)} and no JSON document (its stderr is above)` };
  }
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const workRoot = freshTempRoot();
  const output: Record<string, unknown> = {
    benchmark: 'nightshift',
    generated_at: new Date().toISOString(),
    environment: environment(),
    notes: [
      'Rate limits are LIFTED for the HTTP benchmark: Nightshift runs with --no-rate-limits (and --log-level silent); with the default limits (apiKey 5000/h, user 1000/h) the load would be answered 429 within a second.',
      'Ratios are against the Fastify hello-world peer measured in the same run; each Nightshift run is paired with the hello-world run just before it (ratio_to_hello_world), and also given against the median of the hello-world runs (ratio_to_hello_world_median).',
      'Load generator: autocannon (programmatic) in this process, pipelining 1; servers are child processes of the same Node binary. On a 2-core machine the load generator and the server each take about one core: compare server_cpu_pct and client_cpu_pct to see which side was the limit.',
      'cpu_cost_ratio_to_hello_world = hello-world server CPU µs per request ÷ Nightshift server CPU µs per request (from /proc): a second view of the same ratio that other load on the machine disturbs less than req/s. The targets are judged on ratio_to_hello_world (req/s) as specified.',
      'Startup runs use the command as a user would type it (no --no-rate-limits, default log level); servers are stopped with SIGTERM after each run, outside the measured window.',
      'The bin compiles the server bundle with a V8 code cache written by the first start after a build (server/cli-loader.ts; an uncounted run here). existing_data_dir_no_code_cache is the same start with NIGHTSHIFT_CODE_CACHE=0: what the first start after a build or a Node upgrade costs.',
      'Peer: server/bench/hello-world.ts, Fastify from node_modules, GET / → {"hello":"world"}, logger off, started by the same Node binary (through tsx, which only affects module loading).',
      'To see where Nightshift spends its time: node --import tsx server/bench/profile.ts read-key|read-jwt|patch|startup (node --cpu-prof; figures under the profiler are not comparable).',
      'Benchmarks are not tests: a missed target is reported (met: false), not failed. The process exits 1 only when a run saw non-2xx answers, socket errors or timeouts (the figures are then not valid).',
    ],
  };
  try {
    if (!SKIP.has('http')) output.http = await benchHttp(workRoot);
    if (!SKIP.has('startup')) output.startup = await benchStartup(workRoot);
    if (!SKIP.has('ingest')) output.ingest = await benchIngest({ workRoot, log });
    if (!SKIP.has('incident-list')) output.incident_list = await benchIncidentList();
    if (!SKIP.has('console')) output.console = await benchInChild('e2e/bench/audit-table.ts');
    if (!SKIP.has('storm')) output.storm = await benchInChild('e2e/bench/incident-storm.ts');
    if (!SKIP.has('runbook-output')) output.runbook_output = await benchInChild('e2e/bench/runbook-output.ts');
  } finally {
    killAllChildren();
    rmSync(workRoot, { recursive: true, force: true });
  }
  const http = output.http as HttpSection | undefined;
  output.valid = http === undefined || (http.all_2xx && http.flags.length === 0);
  output.total_runtime_s = round(Number(process.hrtime.bigint() - started) / 1e9, 1);
  const json = `${JSON.stringify(output, null, 2)}\n`;
  process.stdout.write(json);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, json);
  if (!output.valid) process.exitCode = 1;
}

main().catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`[bench] failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
