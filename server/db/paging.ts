/**
 * A page of rows with the total count. A page shorter than the limit that starts inside the result
 * is its end, so the total is known without a second, counting query — the common case for lists.
 */
export function withTotal<T>(rows: T[], limit: number, offset: number, count: () => number): { rows: T[]; total: number } {
  if (rows.length < limit && (rows.length > 0 || offset === 0)) return { rows, total: offset + rows.length };
  return { rows, total: count() };
}
