/**
 * Code that runs inside the page (page.evaluate / addInitScript). Playwright sends each function's
 * source text, so every function here is self-contained; tsx compiles with keepNames, so none of them
 * assigns a function to a local name (that would call esbuild's __name helper, absent in the page).
 * tsconfig.node.json has no DOM lib: the few DOM shapes used are declared here, for this module only.
 */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  parentElement: El | null;
  closest(selector: string): El | null;
  getBoundingClientRect(): Box;
  setAttribute(name: string, value: string): void;
  focus(): void;
}
interface Timed {
  name: string;
  entryType: string;
  startTime: number;
  duration: number;
  [field: string]: unknown;
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El>; activeElement: El | null };
declare const performance: { now(): number; timeOrigin: number; getEntriesByType(type: string): Timed[] };
declare const PerformanceObserver: new (callback: (list: { getEntries(): Timed[] }) => void) => { observe(options: { type: string; buffered?: boolean }): void };
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { childList: boolean; subtree: boolean }): void; disconnect(): void };
declare function getComputedStyle(element: El): { overflowY: string };
declare function requestAnimationFrame(callback: () => void): number;

/** The page's own bench state, on globalThis. */
interface Probe {
  __firstRowAt?: number;
  __firstRowFrameAt?: number;
  __longTasks?: { start: number; duration: number }[];
  __longFrames?: LongFrame[];
}
export const ROWS = 'table[aria-label="Audit log"] tbody tr';

export interface InteractiveSignal {
  /** performance.now() when the signal was sent. */
  at: number;
  visible: boolean;
  focused: boolean;
}

/**
 * Init script: notes when the first audit row enters the DOM; after the next frame has been painted
 * (rAF, then a task), checks the row is in view, focuses it and reports through the exposed binding
 * `__benchInteractive`. The page answering from a task of its own is the "interactive" part.
 */
export function interactiveProbe(selector: string): void {
  const state = globalThis as unknown as Probe & { __benchInteractive?: (signal: InteractiveSignal) => void; innerHeight: number };
  const observer = new MutationObserver(() => {
    if (state.__firstRowAt !== undefined || !document.querySelector(selector)) return;
    state.__firstRowAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      state.__firstRowFrameAt = performance.now();
      setTimeout(() => {
        const row = document.querySelector(selector);
        const box = row?.getBoundingClientRect();
        row?.focus();
        const visible = box !== undefined && box.width > 0 && box.height > 0 && box.y < state.innerHeight;
        state.__benchInteractive?.({ at: performance.now(), visible, focused: row !== null && document.activeElement === row });
      }, 0);
    });
  });
  // Init scripts run before <html> exists: watch the document itself.
  observer.observe(document, { childList: true, subtree: true });
}

export interface LongFrame {
  start: number;
  duration: number;
  blocking: number;
  /** From the start of rendering (rAF, style, layout, paint) to the end of the frame. */
  render: number;
  /** From the start of style and layout to the end of the frame. */
  style_and_layout: number;
  scripts: { invoker: string; duration: number; forced_style_and_layout: number }[];
}

/**
 * Collects long tasks into globalThis.__longTasks, and long animation frames (LoAF, > 50 ms: where a
 * slow frame spent its time) into __longFrames; buffered, so those before the call are included.
 */
export function installLongTaskObserver(): number {
  const state = globalThis as unknown as Probe;
  state.__longTasks = [];
  state.__longFrames = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) state.__longTasks!.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const end = e.startTime + e.duration;
      const scripts = (e.scripts ?? []) as Record<string, number | string>[];
      state.__longFrames!.push({
        start: e.startTime,
        duration: e.duration,
        blocking: e.blockingDuration as number,
        render: e.renderStart ? end - (e.renderStart as number) : 0,
        style_and_layout: e.styleAndLayoutStart ? end - (e.styleAndLayoutStart as number) : 0,
        scripts: scripts.map((x) => ({ invoker: String(x.invoker), duration: Number(x.duration), forced_style_and_layout: Number(x.forcedStyleAndLayoutDuration) })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  return performance.now();
}

export function readLongTasks(): { start: number; duration: number }[] {
  return [...((globalThis as unknown as Probe).__longTasks ?? [])];
}

export function readLongFrames(): LongFrame[] {
  return [...((globalThis as unknown as Probe).__longFrames ?? [])];
}

export function now(): number {
  return performance.now();
}

/** Resolves after two frames: whatever a scroll scheduled has rendered. */
export function settleFrames(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))));
}

export function countRows(selector: string): number {
  return document.querySelectorAll(selector).length;
}

/** True when the focused element is a row of the audit table. */
export function rowHasFocus(): boolean {
  const active = document.activeElement;
  return active !== null && active.tagName === 'TR' && active.closest('table[aria-label="Audit log"]') !== null;
}

/**
 * Finds the scrolling element around the table (the nearest ancestor whose overflow-y is auto or scroll),
 * marks it data-bench-scroll for the functions below, and returns its box.
 */
export function markScrollContainer(): (Box & { scrollHeight: number; clientHeight: number }) | null {
  let element = document.querySelector('table[aria-label="Audit log"]')?.parentElement ?? null;
  while (element && !/auto|scroll/.test(getComputedStyle(element).overflowY)) element = element.parentElement;
  if (!element) return null;
  element.setAttribute('data-bench-scroll', '');
  const { x, y, width, height } = element.getBoundingClientRect();
  return { x, y, width, height, scrollHeight: element.scrollHeight, clientHeight: element.clientHeight };
}

/** Scrolls the container so that `fraction` of its scroll range is above the viewport; returns scrollTop. */
export function scrollContainerTo(fraction: number): number {
  const element = document.querySelector('[data-bench-scroll]');
  if (!element) throw new Error('markScrollContainer() first');
  element.scrollTop = Math.round((element.scrollHeight - element.clientHeight) * fraction);
  return element.scrollTop;
}

export function scrollState(): { scrollTop: number; scrollHeight: number; clientHeight: number } {
  const element = document.querySelector('[data-bench-scroll]');
  return { scrollTop: element?.scrollTop ?? 0, scrollHeight: element?.scrollHeight ?? 0, clientHeight: element?.clientHeight ?? 0 };
}

/** Raw navigation, paint and resource timings (ms since navigation start); summarised in Node. */
export function pageTimings() {
  const state = globalThis as unknown as Probe;
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
  return {
    timeOrigin: performance.timeOrigin,
    responseEnd: nav?.responseEnd as number | undefined,
    domContentLoadedEventEnd: nav?.domContentLoadedEventEnd as number | undefined,
    loadEventEnd: nav?.loadEventEnd as number | undefined,
    firstContentfulPaint: fcp?.startTime,
    firstRowAt: state.__firstRowAt,
    firstRowFrameAt: state.__firstRowFrameAt,
    resources: performance.getEntriesByType('resource').map((e) => ({
      name: e.name,
      startTime: e.startTime,
      responseEnd: e.responseEnd as number,
      transferSize: e.transferSize as number,
    })),
  };
}
export type RawTimings = Awaited<ReturnType<typeof pageTimings>>;

interface TextInput extends El {
  value: string;
  dispatchEvent(event: unknown): boolean;
}
declare const HTMLInputElement: { prototype: object };
declare const HTMLTextAreaElement: { prototype: object };
declare const Event: new (type: string, init?: { bubbles?: boolean }) => unknown;
declare const KeyboardEvent: new (type: string, init?: { key?: string; bubbles?: boolean }) => unknown;

/** Ticks a 50 ms timer in the page into globalThis.__lags: how late each tick fires is the main thread's lag. */
export function installLagProbe(): void {
  const state = globalThis as unknown as { __lags: number[] };
  state.__lags = [];
  let expected = performance.now() + 50;
  setInterval(() => {
    const at = performance.now();
    state.__lags.push(Math.max(0, at - expected));
    expected = at + 50;
  }, 50);
}

/** The lags collected since the last call. */
export function takeLags(): number[] {
  const state = globalThis as unknown as { __lags: number[] };
  const lags = state.__lags;
  state.__lags = [];
  return lags;
}

/**
 * Types one character into the page's search field the way a keystroke reaches a React-controlled
 * input, and resolves with the ms until the next frame shows it; the field is restored afterwards.
 */
export async function typeIntoSearch(character: string): Promise<number> {
  const input = document.querySelector('input[type="search"]') as TextInput | null;
  if (!input) throw new Error('no search field on the page');
  input.focus();
  const before = input.value;
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  const start = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: character, bubbles: true }));
  setValue.call(input, before + character);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const elapsed = performance.now() - start;
  setValue.call(input, before);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  return elapsed;
}

/**
 * The same for a textarea (e.g. an execution's notes): one keystroke, timed to the next frame, then
 * restored. Takes `[selector, character]` because page.evaluate passes one argument.
 */
export async function typeIntoTextArea([selector, character]: [string, string]): Promise<number> {
  const area = document.querySelector(selector) as TextInput | null;
  if (!area) throw new Error(`no ${selector} on the page`);
  area.focus();
  const before = area.value;
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
  const start = performance.now();
  area.dispatchEvent(new KeyboardEvent('keydown', { key: character, bubbles: true }));
  setValue.call(area, before + character);
  area.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const elapsed = performance.now() - start;
  setValue.call(area, before);
  area.dispatchEvent(new Event('input', { bubbles: true }));
  return elapsed;
}
