/** Small statistics helpers shared by the benchmarks. */

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Coefficient of variation (stddev / mean), a quick noise indicator. */
export function cv(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  const variance = values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance) / m;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface Summary {
  n: number;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  samples_ms: number[];
}

export function summarize(samplesMs: readonly number[]): Summary {
  return {
    n: samplesMs.length,
    median_ms: round(median(samplesMs), 1),
    p90_ms: round(percentile(samplesMs, 90), 1),
    min_ms: round(Math.min(...samplesMs), 1),
    max_ms: round(Math.max(...samplesMs), 1),
    samples_ms: samplesMs.map((v) => round(v, 1)),
  };
}
