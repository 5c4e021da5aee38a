/**
 * Debian's Chromium under Playwright (never a downloaded browser), and the peer: a blank page served
 * by a tiny node:http server, timed from page.goto() to its load event in a fresh context.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from '@playwright/test';
import { pageTimings } from './in-page';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** Playwright's default, stated so the DOM row counts can be read against it. */
export const VIEWPORT = { width: 1280, height: 720 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const BLANK_HTML = '<!doctype html><title>blank</title>';

export async function startBlankServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(BLANK_HTML) });
    response.end(BLANK_HTML);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BlankRun {
  wall_ms: number;
  /** From page.goto() to Chromium's navigation start (time origin). */
  navigation_start_offset_ms: number;
  /** In-page loadEventEnd (ms since navigation start). */
  load_event_end_ms: number | null;
}

/** A fresh context (cold cache), then page.goto() → `load`, timed with Date.now() around it. */
export async function timeBlankPage(browser: Browser, url: string): Promise<BlankRun> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    const wallMs = Date.now() - start;
    const timings = await page.evaluate(pageTimings);
    return {
      wall_ms: wallMs,
      navigation_start_offset_ms: Math.round(timings.timeOrigin - start),
      load_event_end_ms: timings.loadEventEnd === undefined ? null : Math.round(timings.loadEventEnd * 10) / 10,
    };
  } finally {
    await context.close();
  }
}
