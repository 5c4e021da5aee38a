import { describe, expect, it } from 'vitest';
import { uptimePercent } from './uptime';

const H = 3_600_000;

describe('uptimePercent', () => {
  it('is 100 with nothing to measure: an empty window, or one spent entirely in maintenance', () => {
    expect(uptimePercent({ start: 0, end: 0, history: [{ status: 'major_outage', at: 0 }], impacts: [] })).toBe(100);
    expect(uptimePercent({ start: 0, end: 10 * H, history: [{ status: 'under_maintenance', at: 0 }], impacts: [{ from: 0, to: null, impact: 'major_outage' }] })).toBe(100);
  });

  it('takes the worst state at each instant, never adding overlaps', () => {
    // 0–4 h major by status, an open major incident 2–6 h, a partial one all along: 6 h down + 4 h × 0.3.
    const percent = uptimePercent({
      start: 0, end: 10 * H,
      history: [{ status: 'major_outage', at: 0 }, { status: 'operational', at: 4 * H }],
      impacts: [{ from: 2 * H, to: 6 * H, impact: 'major_outage' }, { from: -5 * H, to: null, impact: 'partial_outage' }],
    });
    expect(percent).toBe(28);
  });

  it('uses the status in force at the start, rounds down, and degraded performance is still up', () => {
    const history = [{ status: 'partial_outage' as const, at: -H }, { status: 'degraded_performance' as const, at: H / 60 }];
    // 1 minute × 0.3 of 24 h: 99.979…%, rounded down.
    expect(uptimePercent({ start: 0, end: 24 * H, history, impacts: [] })).toBe(99.97);
  });
});
