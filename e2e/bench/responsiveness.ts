/**
 * How responsive a console page is while something happens: its main-thread lag (the probe of
 * in-page.ts must be installed), its long tasks, and how long a keystroke takes to show.
 */
import type { Page } from '@playwright/test';
import { median, percentile, round } from '../../server/bench/stats';
import { readLongTasks, takeLags } from './in-page';

export const spread = (samples: number[]) => ({
  n: samples.length,
  p50: round(median(samples), 1),
  p99: round(percentile(samples, 99), 1),
  max: round(Math.max(0, ...samples), 1),
});

export type Responsiveness = Awaited<ReturnType<typeof sampleResponsiveness>>;

/** Samples until `durationMs` passes or `shouldStop` says so, typing one key (`typeOnce`, in ms) every `everyMs`. */
export async function sampleResponsiveness(
  page: Page,
  options: { durationMs: number; typeOnce: () => Promise<number>; everyMs: number; shouldStop?: () => boolean },
) {
  const typing: number[] = [];
  const started = Date.now();
  await page.evaluate(takeLags);
  const tasksBefore = (await page.evaluate(readLongTasks)).length;
  while (Date.now() - started < options.durationMs && !options.shouldStop?.()) {
    typing.push(await options.typeOnce());
    await page.waitForTimeout(options.everyMs);
  }
  const lags = await page.evaluate(takeLags);
  const tasks = (await page.evaluate(readLongTasks)).slice(tasksBefore);
  return {
    duration_ms: Date.now() - started,
    lag_ms: spread(lags),
    long_tasks: tasks.length,
    longest_task_ms: round(Math.max(0, ...tasks.map((t) => t.duration)), 1),
    typing_ms: spread(typing),
  };
}
