import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noticeFor, NoticeThrottle, shouldNotify, type DesktopNotice } from './notify-rule';

describe('desktop notifications', () => {
  it('interrupt only for a newly opened critical incident', () => {
    expect(shouldNotify({ event: 'incident.created', data: { severity: 'critical', title: 'DB down' } })).toBe(true);
    expect(shouldNotify({ event: 'incident.created', data: { severity: 'high', title: 'Slow' } })).toBe(false);
    expect(shouldNotify({ event: 'incident.updated', data: { severity: 'critical' } })).toBe(false);
    expect(shouldNotify({ event: 'incident.resolved', data: { severity: 'critical' } })).toBe(false);
    expect(shouldNotify({ event: 'incident.created' })).toBe(false);
    expect(noticeFor({ severity: 'critical', title: 'DB down' })).toEqual({ title: 'New critical incident', body: 'DB down' });
  });

  describe('during a storm', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('shows the first at once and sums up the rest once the window passes', () => {
      const shown: DesktopNotice[] = [];
      const throttle = new NoticeThrottle((n) => shown.push(n), 5000, () => Date.now());
      throttle.push({ title: 'New critical incident', body: 'a' });
      expect(shown).toEqual([{ title: 'New critical incident', body: 'a' }]);
      for (const body of ['b', 'c', 'd']) throttle.push({ title: 'New critical incident', body });
      expect(shown).toHaveLength(1);
      vi.advanceTimersByTime(5000);
      expect(shown).toEqual([{ title: 'New critical incident', body: 'a' }, { title: '3 more critical incidents', body: 'b\nc\nd' }]);
      // A lone one after the summary waits out the new window, then shows as itself.
      throttle.push({ title: 'New critical incident', body: 'e' });
      expect(shown).toHaveLength(2);
      vi.advanceTimersByTime(5000);
      expect(shown.at(-1)).toEqual({ title: 'New critical incident', body: 'e' });
      vi.advanceTimersByTime(6000);
      throttle.push({ title: 'New critical incident', body: 'f' });
      expect(shown.at(-1)).toEqual({ title: 'New critical incident', body: 'f' });
      throttle.dispose();
    });
  });
});
