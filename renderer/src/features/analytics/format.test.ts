import { describe, expect, it } from 'vitest';
import { durationUnit, formatDuration, periodLabel } from './format';

describe('analytics formatting', () => {
  it('reads durations the way people say them', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(44.6)).toBe('45s');
    expect(formatDuration(60)).toBe('1m');
    expect(formatDuration(725)).toBe('12m 5s');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('3h 20m');
    expect(formatDuration(2 * 86_400 + 4 * 3600)).toBe('2d 4h');
  });

  it('picks a chart unit from the largest value', () => {
    expect(durationUnit(30).label).toBe('seconds');
    expect(durationUnit(600).label).toBe('minutes');
    expect(durationUnit(5 * 3600).label).toBe('hours');
    expect(durationUnit(3 * 86_400).label).toBe('days');
  });

  it('labels a UTC period by the date it starts', () => {
    expect(periodLabel('2026-11-23T00:00:00.000Z')).toBe('2026-11-23');
  });
});
