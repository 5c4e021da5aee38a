/**
 * Console benchmark: cold load of the audit page to an interactive table with 100k rows in the store.
 * Targets (from the issue): ≤ 1.0 s in Chromium (median of 5), ≤ 60 rows in the DOM, no long task over
 * 50 ms while scrolling; reported beside Chromium loading a blank page in the same run.
 *
 *   node --import tsx e2e/bench/audit-table.ts      (ONE JSON document on stdout, progress on stderr)
 *
 * Builds nothing: needs out/server/cli.js (npm run build:server) and out/renderer (npx electron-vite
 * build). Knobs: BENCH_CONSOLE_RUNS (5), BENCH_AUDIT_ROWS (100000), BENCH_SCROLL_MS (5000), CHROMIUM_PATH.
 * Exit: 0 when measured (a missed target is reported, not failed), 1 on error, 2 when a build is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { killAllChildren } from '../../server/bench/children';
import { requestJson } from '../../server/bench/http';
import { NIGHTSHIFT_CLI, REPO_ROOT, startNightshift, type Running } from '../../server/bench/serve';
import { median, round, summarize } from '../../server/bench/stats';
import { coldLoad, scrollSession, type ColdLoadRun, type Credentials } from './audit-page';
import { CHROMIUM_ARGS, CHROMIUM_PATH, VIEWPORT, launchChromium, startBlankServer, timeBlankPage, type BlankRun } from './browser';
import { seedAuditRows } from './seed-audit';

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const RUNS = count('BENCH_CONSOLE_RUNS', 5);
const AUDIT_ROWS = count('BENCH_AUDIT_ROWS', 100_000);
const SCROLL_MS = count('BENCH_SCROLL_MS', 5_000);
/** A fast wheel: 240 px per event, about 60 events a second. */
const WHEEL = { deltaPx: 240, intervalMs: 16 } as const;
const TARGETS = { cold_load_median_ms: 1_000, dom_rows_max: 60, long_task_ms: 50 } as const;
const RENDERER_INDEX = join(REPO_ROOT, 'out', 'renderer', 'index.html');
const ACCOUNT = { email: 'bench@example.com', password: 'correct-Horse-battery-Staple-2026', name: 'Bench Owner' };

const log = (message: string) => process.stderr.write(`[bench:console] ${message}\n`);

/** What is missing to run at all, with the command that provides it. */
function missingPrerequisites(): { reason: string; fix: string }[] {
  const missing: { reason: string; fix: string }[] = [];
  if (!existsSync(NIGHTSHIFT_CLI)) missing.push({ reason: `${NIGHTSHIFT_CLI} is missing`, fix: 'npm run -s build:server' });
  if (!existsSync(RENDERER_INDEX)) missing.push({ reason: `${RENDERER_INDEX} is missing (npm run bench builds only the server)`, fix: 'npx electron-vite build' });
  if (!existsSync(CHROMIUM_PATH)) missing.push({ reason: `no Chromium at ${CHROMIUM_PATH}`, fix: 'apt-get install chromium, or set CHROMIUM_PATH' });
  return missing;
}

async function setUpServer(dataDir: string): Promise<{ ns: Running; seed: ReturnType<typeof seedAuditRows>; apiTotal: number }> {
  log('starting nightshift serve --no-rate-limits --log-level warn');
  const ns = await startNightshift({ dataDir, noRateLimits: true, logLevel: 'warn' });
  const registered = await requestJson<{ access_token: string; user: { id: string }; organization: { id: string } }>(
    'POST', `${ns.url}/api/v1/auth/register`, { body: ACCOUNT },
  );
  const { access_token: token, user, organization } = registered.body;
  log(`${ns.url}: owner registered; inserting ${AUDIT_ROWS} audit rows in one transaction`);
  const seed = seedAuditRows({ dbFile: join(dataDir, 'nightshift.db'), orgId: organization.id, userId: user.id, email: ACCOUNT.email, rows: AUDIT_ROWS });
  const listed = await requestJson<{ meta: { total: number } }>('GET', `${ns.url}/api/v1/audit?limit=1`, { token });
  log(`seeded in ${seed.insert_ms} ms; the API reports ${listed.body.meta.total} entries`);
  return { ns, seed, apiTotal: listed.body.meta.total };
}

function playwrightVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Which build was measured: out/renderer is rebuilt by other commands, and the working tree may be dirty. */
function buildInfo() {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const entry = /src="\/assets\/(index-[^"]+\.js)"/.exec(readFileSync(RENDERER_INDEX, 'utf8'))?.[1] ?? null;
  return {
    git_commit: git(['rev-parse', '--short', 'HEAD']),
    git_dirty: (git(['status', '--porcelain']) ?? '') !== '',
    renderer_built_at: statSync(RENDERER_INDEX).mtime.toISOString(),
    renderer_entry: entry,
    renderer_entry_bytes: entry ? statSync(join(REPO_ROOT, 'out', 'renderer', 'assets', entry)).size : null,
  };
}

/** Medians of the in-page timeline over the runs: where the cold load's time goes. */
function timelineMedians(runs: ColdLoadRun[]) {
  const med = (pick: (run: ColdLoadRun) => number | null | undefined) => {
    const values = runs.map(pick).filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? round(median(values), 1) : null;
  };
  return {
    navigation_start_offset_ms: med((r) => r.navigation_start_offset_ms),
    html_response_end_ms: med((r) => r.timeline.html_response_end_ms),
    js_bundle_response_end_ms: med((r) => r.timeline.js_bundle?.response_end_ms),
    dom_content_loaded_end_ms: med((r) => r.timeline.dom_content_loaded_end_ms),
    auth_me_start_ms: med((r) => r.timeline.auth_me?.start_ms),
    auth_me_response_end_ms: med((r) => r.timeline.auth_me?.response_end_ms),
    first_audit_page_start_ms: med((r) => r.timeline.first_audit_page?.start_ms),
    first_audit_page_response_end_ms: med((r) => r.timeline.first_audit_page?.response_end_ms),
    first_row_in_dom_ms: med((r) => r.timeline.first_row_in_dom_ms),
    first_row_next_frame_ms: med((r) => r.timeline.first_row_next_frame_ms),
    interactive_signal_ms: med((r) => r.interactive_in_page_ms),
    load_event_end_ms: med((r) => r.timeline.load_event_end_ms),
    long_tasks_during_load_total_ms: med((r) => r.long_tasks_during_load.total_ms),
  };
}

async function measure(browser: Browser, baseUrl: string, blankUrl: string) {
  const credentials: Credentials = { email: ACCOUNT.email, password: ACCOUNT.password };
  log('warm-up (not counted): one blank page, one audit page');
  const warmBlank = await timeBlankPage(browser, blankUrl);
  const warmConsole = await coldLoad(browser, baseUrl, credentials);

  // Interleaved, so that drift in machine load touches both series alike.
  const blank: BlankRun[] = [];
  const cold: ColdLoadRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    blank.push(await timeBlankPage(browser, blankUrl));
    cold.push(await coldLoad(browser, baseUrl, credentials));
    log(`run ${i + 1}/${RUNS}: blank ${blank.at(-1)!.wall_ms} ms, audit page ${cold.at(-1)!.wall_ms} ms (first row in DOM at ${cold.at(-1)!.timeline.first_row_in_dom_ms} ms after navigation start)`);
  }
  log(`scroll session: ${SCROLL_MS} ms of wheel scrolling`);
  const scroll = await scrollSession(browser, baseUrl, credentials, { durationMs: SCROLL_MS, wheelDeltaPx: WHEEL.deltaPx, wheelIntervalMs: WHEEL.intervalMs });
  return { warmBlank, warmConsole, blank, cold, scroll };
}

async function main(): Promise<void> {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    for (const m of missing) log(`${m.reason}: run ${m.fix}`);
    process.stdout.write(`${JSON.stringify({ benchmark: 'console-audit-table', skipped: true, missing }, null, 2)}\n`);
    process.exitCode = 2;
    return;
  }
  const started = Date.now();
  const loadAtStart = loadavg().map((v) => round(v, 2));
  const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-bench-console-'));
  let ns: Running | undefined;
  let blankServer: Awaited<ReturnType<typeof startBlankServer>> | undefined;
  let browser: Browser | undefined;
  try {
    const server = await setUpServer(dataDir);
    ns = server.ns;
    blankServer = await startBlankServer();
    browser = await launchChromium();
    log(`Chromium ${browser.version()}; blank page at ${blankServer.url}`);
    const { warmBlank, warmConsole, blank, cold, scroll } = await measure(browser, ns.url, blankServer.url);

    const blankSummary = summarize(blank.map((r) => r.wall_ms));
    const coldSummary = summarize(cold.map((r) => r.wall_ms));
    const ratio = round(coldSummary.median_ms / blankSummary.median_ms, 1);
    const scrollTasks = scroll.long_tasks_while_scrolling;
    const flags: string[] = [];
    if (server.apiTotal < AUDIT_ROWS) flags.push(`the API lists ${server.apiTotal} audit entries, fewer than the ${AUDIT_ROWS} seeded`);
    if (cold.some((r) => !(r.row_visible && r.row_focused && r.playwright_check))) flags.push('a run ended without the first row visible and focused');
    if (scroll.scrolling.audit_pages_after_first < 3) flags.push(`only ${scroll.scrolling.audit_pages_after_first} further audit pages were fetched while scrolling (expected several)`);
    if (scroll.scrolling.audit_page_statuses.some((s) => s !== 200)) flags.push(`audit page statuses: ${scroll.scrolling.audit_page_statuses.join(', ')}`);

    const output = {
      benchmark: 'console-audit-table',
      generated_at: new Date().toISOString(),
      environment: {
        chromium: browser.version(),
        chromium_path: CHROMIUM_PATH,
        chromium_args: CHROMIUM_ARGS,
        playwright: playwrightVersion(),
        node: process.version,
        cpu_count: cpus().length,
        loadavg_at_start: loadAtStart,
        loadavg_at_end: loadavg().map((v) => round(v, 2)),
        viewport: VIEWPORT,
        ...buildInfo(),
      },
      setup: {
        audit_rows_seeded: server.seed.rows_inserted,
        audit_rows_in_org: server.seed.org_rows_after,
        audit_total_from_api: server.apiTotal,
        seed_insert_ms: server.seed.insert_ms,
        server: 'node out/server/cli.js serve --port 0 --data-dir <tmp> --no-rate-limits --log-level warn',
      },
      blank_page: {
        measured: 'fresh browser context; Date.now() around page.goto(blank) with waitUntil load (the load event)',
        ...blankSummary,
        runs: blank,
        warmup_not_counted: warmBlank,
      },
      cold_load: {
        measured: 'fresh browser context (empty HTTP cache), signed in via POST /api/v1/auth/login on context.request (cookies); Date.now() from page.goto(/audit) until the page reports, through an exposed binding, that the first row of the "Audit log" table is painted (rAF, then a task), in view and holds focus; Playwright then checks visibility and focus',
        ...coldSummary,
        ratio_to_blank_page: ratio,
        timeline_medians_ms_since_navigation_start: timelineMedians(cold),
        runs: cold,
        warmup_not_counted: { wall_ms: warmConsole.wall_ms, first_row_in_dom_ms: warmConsole.timeline.first_row_in_dom_ms },
      },
      dom_rows: scroll.dom_rows,
      scrolling: scroll.scrolling,
      long_tasks_while_scrolling: scrollTasks,
      long_animation_frames_while_scrolling: scroll.long_animation_frames_while_scrolling,
      long_tasks_before_scrolling_same_page: scroll.long_tasks_before_scrolling,
      ratio_to_blank_page: ratio,
      targets: {
        cold_load_median: { metric: 'cold_load.median_ms', target: `<= ${TARGETS.cold_load_median_ms}`, value: coldSummary.median_ms, met: coldSummary.median_ms <= TARGETS.cold_load_median_ms, ratio_to_blank_page: ratio },
        dom_rows: { metric: 'dom_rows.max', target: `<= ${TARGETS.dom_rows_max}`, value: scroll.dom_rows.max, met: scroll.dom_rows.max <= TARGETS.dom_rows_max },
        long_tasks_while_scrolling: {
          metric: 'long_tasks_while_scrolling.max_ms (every scroll phase: wheel and jumps)',
          target: `no long task > ${TARGETS.long_task_ms} ms`,
          value: scrollTasks.max_ms,
          over_target: scrollTasks.tasks.filter((t) => t.duration_ms > TARGETS.long_task_ms).length,
          met: scrollTasks.max_ms <= TARGETS.long_task_ms,
          wheel_only: { max_ms: scrollTasks.wheel_only.max_ms, met: scrollTasks.wheel_only.max_ms <= TARGETS.long_task_ms },
          jumps_only: { max_ms: scrollTasks.jumps_only.max_ms, met: scrollTasks.jumps_only.max_ms <= TARGETS.long_task_ms },
        },
      },
      notes: [
        'The 1.0 s target is absolute, from the issue; ratio_to_blank_page (cold-load median ÷ blank-page median, same browser, same run) is the figure that travels between machines.',
        'Blank and audit runs are interleaved, one uncounted warm-up of each first; each run uses a new browser context, so the HTTP cache is cold but the browser process and the server are warm.',
        'Long tasks come from a PerformanceObserver({type: "longtask", buffered: true}) installed before the first scroll, each tagged with the scroll phase it fell in; those of the page load are reported apart (long_tasks_before_scrolling_same_page, and per run under cold_load.runs). Long animation frames (LoAF, > 50 ms) say where a slow frame went: scripts (by invoker) vs style and layout.',
        `Scrolling phases: jumps (scrollTop) to the middle and near the end of the first page of rows, ${SCROLL_MS} ms of mouse.wheel (${WHEEL.deltaPx} px every ~${WHEEL.intervalMs} ms plus the round trip) over the table's scroll container, then jumps to the middle and near the end of the rows loaded by then. A jump replaces every rendered row at once, like dragging the scrollbar or pressing End; the long-task target is judged over all phases, wheel_only and jumps_only are given beside it.`,
        'Every process (server, Chromium with software rendering, this script) shares the machine, and so does anything else running: see environment.cpu_count and loadavg_*. Frames near 50 ms cross it under contention.',
      ],
      valid: flags.length === 0,
      flags,
      total_runtime_s: round((Date.now() - started) / 1000, 1),
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } finally {
    await browser?.close().catch(() => undefined);
    await blankServer?.close();
    await ns?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  killAllChildren();
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
