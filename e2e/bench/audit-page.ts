/**
 * The console's audit page in Chromium: a cold load (fresh context, signed in through the API) timed
 * to the first visible, focusable row; and a scroll session counting DOM rows and long tasks.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { round } from '../../server/bench/stats';
import { VIEWPORT } from './browser';
import {
  ROWS, countRows, installLongTaskObserver, interactiveProbe, markScrollContainer, now, pageTimings, readLongFrames, readLongTasks,
  rowHasFocus, scrollContainerTo, scrollState, settleFrames, type InteractiveSignal, type RawTimings,
} from './in-page';

export interface Credentials {
  email: string;
  password: string;
}

const AUDIT_REQUEST = /\/api\/v1\/(audit|audit-logs)\?/;

/** A fresh context (its own empty HTTP cache) holding the session cookies of a login. */
async function signedInContext(browser: Browser, baseUrl: string, credentials: Credentials): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const login = await context.request.post(`${baseUrl}/api/v1/auth/login`, { data: credentials });
  if (!login.ok()) {
    await context.close();
    throw new Error(`POST /api/v1/auth/login → ${login.status()}: ${(await login.text()).slice(0, 300)}`);
  }
  return context;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const ms = (value: number | undefined) => (value === undefined ? null : round(value, 1));

function resource(timings: RawTimings, pattern: RegExp) {
  const entry = timings.resources.find((e) => pattern.test(e.name));
  return entry ? { start_ms: ms(entry.startTime), response_end_ms: ms(entry.responseEnd), transfer_bytes: entry.transferSize } : null;
}

/** The in-page timeline, ms since Chromium's navigation start. */
function timeline(timings: RawTimings) {
  return {
    html_response_end_ms: ms(timings.responseEnd),
    dom_content_loaded_end_ms: ms(timings.domContentLoadedEventEnd),
    load_event_end_ms: ms(timings.loadEventEnd),
    first_contentful_paint_ms: ms(timings.firstContentfulPaint),
    js_bundle: resource(timings, /\/assets\/index-[^/]*\.js$/),
    auth_me: resource(timings, /\/api\/v1\/auth\/me(\?|$)/),
    first_audit_page: resource(timings, AUDIT_REQUEST),
    first_row_in_dom_ms: ms(timings.firstRowAt),
    first_row_next_frame_ms: ms(timings.firstRowFrameAt),
    requests: timings.resources.length,
  };
}

function longTaskSummary(tasks: { start: number; duration: number }[]) {
  const durations = tasks.map((t) => round(t.duration, 0));
  return {
    count: tasks.length,
    max_ms: durations.length > 0 ? Math.max(...durations) : 0,
    total_ms: round(durations.reduce((a, b) => a + b, 0), 0),
    tasks: tasks.map((t) => ({ start_ms: round(t.start, 0), duration_ms: round(t.duration, 0) })),
  };
}

async function longTasksSoFar(page: Page) {
  await page.evaluate(installLongTaskObserver);
  await page.evaluate(settleFrames); // the buffered entries arrive in the observer's first callback
  return page.evaluate(readLongTasks);
}

export interface ColdLoadRun {
  /** page.goto() → the page's "interactive" signal reached this process. */
  wall_ms: number;
  /** In-page: performance.now() of that signal (ms since navigation start). */
  interactive_in_page_ms: number;
  row_visible: boolean;
  row_focused: boolean;
  /** Checked afterwards through Playwright: the first row is visible and is the focused element. */
  playwright_check: boolean;
  navigation_start_offset_ms: number;
  timeline: ReturnType<typeof timeline>;
  long_tasks_during_load: Omit<ReturnType<typeof longTaskSummary>, 'tasks'> & { durations_ms: number[] };
}

/**
 * page.goto(/audit) → the first row of the "Audit log" table is painted, in view, takes focus, and the
 * page says so from a task of its own. The page signals through an exposed binding rather than being
 * polled: Playwright's locators inject their script into the page and poll it while it loads.
 */
export async function coldLoad(browser: Browser, baseUrl: string, credentials: Credentials): Promise<ColdLoadRun> {
  const context = await signedInContext(browser, baseUrl, credentials);
  try {
    const page = await context.newPage();
    let received: (signal: InteractiveSignal & { receivedAt: number }) => void = () => undefined;
    const interactive = new Promise<InteractiveSignal & { receivedAt: number }>((resolve) => (received = resolve));
    await page.exposeFunction('__benchInteractive', (signal: InteractiveSignal) => received({ ...signal, receivedAt: Date.now() }));
    await page.addInitScript(interactiveProbe, ROWS);
    const start = Date.now();
    await page.goto(`${baseUrl}/audit`, { waitUntil: 'commit' });
    const signal = await withTimeout(interactive, 30_000, 'the audit page showed no row within 30 s');
    const wallMs = signal.receivedAt - start;

    const firstRow = page.locator(ROWS).first();
    const playwrightCheck = (await firstRow.isVisible()) && (await page.evaluate(rowHasFocus));
    await page.waitForLoadState('load');
    const timings = await page.evaluate(pageTimings);
    const { tasks, ...longTasks } = longTaskSummary(await longTasksSoFar(page));
    return {
      wall_ms: wallMs,
      interactive_in_page_ms: round(signal.at, 1),
      row_visible: signal.visible,
      row_focused: signal.focused,
      playwright_check: playwrightCheck,
      navigation_start_offset_ms: Math.round(timings.timeOrigin - start),
      timeline: timeline(timings),
      long_tasks_during_load: { ...longTasks, durations_ms: tasks.map((t) => t.duration_ms) },
    };
  } finally {
    await context.close();
  }
}

export interface ScrollOptions {
  durationMs: number;
  wheelDeltaPx: number;
  wheelIntervalMs: number;
}

export const WHEEL_PHASE = 'wheel scrolling';

/** Counts the audit pages the page fetches, with their offsets and how long each took. */
function watchAuditPages(page: Page) {
  const pages: { offset: number; limit: number; status: number; ms: number }[] = [];
  const sent = new Map<string, number>();
  page.on('request', (request) => {
    if (AUDIT_REQUEST.test(request.url())) sent.set(request.url(), Date.now());
  });
  page.on('response', (response) => {
    if (!AUDIT_REQUEST.test(response.url())) return;
    const query = new URL(response.url()).searchParams;
    const ms = Date.now() - (sent.get(response.url()) ?? Date.now());
    pages.push({ offset: Number(query.get('offset') ?? 0), limit: Number(query.get('limit') ?? 0), status: response.status(), ms });
  });
  return pages;
}

/** Each long task (or frame) goes to the phase whose start mark is the last one before it. */
function phaseOf(marks: { phase: string; at: number }[], start: number): string {
  return marks.filter((m) => m.at <= start).at(-1)?.phase ?? 'before scrolling';
}

/**
 * Loads the page, then scrolls it in phases: jumps (scrollTop) to the middle and near the end of the
 * first page of rows, `durationMs` of mouse-wheel scrolling over the table (infinite loading fetching
 * pages as it goes), and jumps to the middle and near the end of the rows loaded by then. Counts DOM
 * rows after each phase (and every 10 wheel events); long tasks come from the observer installed right
 * before the first scroll (buffered: the load's own are reported apart), each tagged with its phase.
 */
export async function scrollSession(browser: Browser, baseUrl: string, credentials: Credentials, options: ScrollOptions) {
  const context = await signedInContext(browser, baseUrl, credentials);
  try {
    const page = await context.newPage();
    const pages = watchAuditPages(page);
    await page.goto(`${baseUrl}/audit`);
    await page.locator(ROWS).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.evaluate(settleFrames);

    const samples: { at: string; rows: number; scroll_top: number }[] = [];
    const marks: { phase: string; at: number }[] = [];
    const sample = async (at: string) => {
      const [rows, state] = await Promise.all([page.evaluate(countRows, ROWS), page.evaluate(scrollState)]);
      samples.push({ at, rows, scroll_top: state.scrollTop });
    };
    const jumpTo = async (phase: string, fraction: number) => {
      marks.push({ phase, at: await page.evaluate(now) });
      await page.evaluate(scrollContainerTo, fraction);
      await page.evaluate(settleFrames);
      await sample(phase);
    };

    await sample('after load');
    const box = await page.evaluate(markScrollContainer);
    if (!box) throw new Error('no element with overflow auto/scroll around the audit table');
    await page.evaluate(installLongTaskObserver);

    await jumpTo('jump to the middle of the first page of rows', 0.5);
    await jumpTo('jump near the end of the first page of rows', 0.95);

    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    marks.push({ phase: WHEEL_PHASE, at: await page.evaluate(now) });
    const wheelStart = Date.now();
    let wheelEvents = 0;
    const duringWheel: number[] = [];
    while (Date.now() - wheelStart < options.durationMs) {
      await page.mouse.wheel(0, options.wheelDeltaPx);
      wheelEvents++;
      if (wheelEvents % 10 === 0) duringWheel.push(await page.evaluate(countRows, ROWS));
      await new Promise((resolve) => setTimeout(resolve, options.wheelIntervalMs));
    }
    const wheelMs = Date.now() - wheelStart;
    await page.evaluate(settleFrames);
    const afterWheel = await page.evaluate(scrollState);
    await sample('after wheel scrolling');
    await jumpTo('jump to the middle of the loaded rows', 0.5);
    await jumpTo('jump near the end of the loaded rows', 0.95);
    await page.evaluate(settleFrames);

    const tasks = (await page.evaluate(readLongTasks)).map((t) => ({ ...t, phase: phaseOf(marks, t.start) }));
    const frames = (await page.evaluate(readLongFrames)).filter((f) => f.start >= marks[0]!.at);
    const scrolling = tasks.filter((t) => t.phase !== 'before scrolling');
    const allCounts = [...samples.map((s) => s.rows), ...duringWheel];
    return {
      dom_rows: {
        samples,
        during_wheel_scrolling: { n: duringWheel.length, min: Math.min(...duringWheel), max: Math.max(...duringWheel) },
        max: Math.max(...allCounts),
      },
      scrolling: {
        phases: marks.map((m) => ({ phase: m.phase, at_ms: round(m.at, 0) })),
        wheel_duration_ms: wheelMs,
        wheel_events: wheelEvents,
        wheel_delta_px: options.wheelDeltaPx,
        wheel_interval_ms: options.wheelIntervalMs,
        scrolled_px_by_wheel: afterWheel.scrollTop,
        scroll_height_px_after: afterWheel.scrollHeight,
        audit_pages_fetched: pages.length,
        audit_pages_after_first: pages.filter((p) => p.offset > 0).length,
        audit_page_statuses: [...new Set(pages.map((p) => p.status))],
        audit_page_fetch_ms: { max: Math.max(0, ...pages.map((p) => p.ms)), samples: pages.map((p) => p.ms) },
        rows_requested_at_end: Math.max(0, ...pages.map((p) => p.offset + p.limit)),
      },
      long_tasks_while_scrolling: {
        ...longTaskSummary(scrolling),
        tasks: scrolling.map((t) => ({ phase: t.phase, start_ms: round(t.start, 0), duration_ms: round(t.duration, 0) })),
        wheel_only: longTaskSummary(scrolling.filter((t) => t.phase === WHEEL_PHASE)),
        jumps_only: longTaskSummary(scrolling.filter((t) => t.phase !== WHEEL_PHASE)),
      },
      long_animation_frames_while_scrolling: frames.map((f) => ({
        phase: phaseOf(marks, f.start),
        start_ms: round(f.start, 0),
        duration_ms: round(f.duration, 0),
        blocking_ms: round(f.blocking, 0),
        render_ms: round(f.render, 0),
        style_and_layout_ms: round(f.style_and_layout, 0),
        scripts: f.scripts.map((x) => ({ invoker: x.invoker, duration_ms: round(x.duration, 0), forced_style_and_layout_ms: round(x.forced_style_and_layout, 0) })),
      })),
      long_tasks_before_scrolling: longTaskSummary(tasks.filter((t) => t.phase === 'before scrolling')),
    };
  } finally {
    await context.close();
  }
}
export type ScrollSession = Awaited<ReturnType<typeof scrollSession>>;
