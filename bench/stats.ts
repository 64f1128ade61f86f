/** Seeded randomness and order statistics shared by the benchmarks. */
import { availableParallelism, loadavg } from 'node:os';
export { mulberry32 } from '../src/core/random';

/** The q-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))]!;
}

/** The 1-minute load average and the core count, printed beside every timing on a shared machine. */
export function loadText(): string {
  return `load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`;
}

/** `passes` timed passes of `run` over `items`: each call's time, ms (warm the JIT first). */
export function timeEach<T>(items: readonly T[], passes: number, run: (item: T) => unknown): number[] {
  const times: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    for (const item of items) {
      const s = performance.now();
      run(item);
      times.push(performance.now() - s);
    }
  }
  return times;
}
