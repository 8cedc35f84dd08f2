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

/** Per call of a timed piece of work: wall milliseconds, and the process's CPU milliseconds (user + system). */
export interface CallTime {
  wallMs: number;
  /** Unlike wall time, not stretched while other processes hold the cores: the figure to compare on a shared machine. */
  cpuMs: number;
}

/**
 * Mean time per call of `work`, repeated until at least `minMs` have passed, so short
 * operations are timed over many calls and the timer's resolution does not matter.
 */
export async function timePerCall(work: () => unknown, minMs: number): Promise<CallTime> {
  let calls = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let elapsed = 0;
  do {
    await work();
    calls++;
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  const cpu = process.cpuUsage(cpuStarted);
  return { wallMs: elapsed / calls, cpuMs: (cpu.user + cpu.system) / 1000 / calls };
}

export const MB = 1_000_000;
