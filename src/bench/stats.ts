/** Small statistics and timing helpers for the benchmarks: medians and percentiles over runs. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0–100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Rounds to `digits` significant digits: benchmark figures are noisy past that. */
export function significant(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/**
 * Mean milliseconds per call of `work`, repeated until at least `minMs` have passed, so short
 * operations are timed over many calls and the timer's resolution does not matter.
 */
export async function timePerCall(work: () => unknown, minMs: number): Promise<number> {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    await work();
    calls++;
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  return elapsed / calls;
}

export const MB = 1_000_000;
