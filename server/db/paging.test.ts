import { describe, expect, it } from 'vitest';
import { withTotal } from './paging';

describe('withTotal', () => {
  const counted = (n: number) => {
    const count = () => {
      count.calls++;
      return n;
    };
    count.calls = 0;
    return count;
  };

  it('knows the total from a short page without counting', () => {
    const count = counted(99);
    expect(withTotal([1, 2], 25, 0, count)).toEqual({ rows: [1, 2], total: 2 });
    expect(withTotal([1, 2], 25, 50, count)).toEqual({ rows: [1, 2], total: 52 });
    expect(withTotal([], 25, 0, count)).toEqual({ rows: [], total: 0 });
    expect(count.calls).toBe(0);
  });

  it('counts when the page is full or starts past the end', () => {
    const count = counted(80);
    expect(withTotal([1, 2, 3], 3, 0, count).total).toBe(80);
    expect(withTotal([], 25, 100, count).total).toBe(80);
    expect(count.calls).toBe(2);
  });
});
