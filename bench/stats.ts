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

/** One round of ours and a peer taking turns: each side's p50 for the full answer and the verdicts alone, the load at its end. */
export interface TurnRound { load: number; oursFull: number; pgFull: number; oursVerdicts: number; pgVerdicts: number }

/**
 * Ours and a peer take turns, `rounds` times: each peer turn (`peer(round)`) between two of ours
 * (`ours()`), and ours in each round the mean of those two brackets, so a load that drifts over the
 * minutes of a run weighs on both sides of each ratio alike (screeningPeers.ts, screeningPeersWorks.ts).
 */
export function takeTurns(
  rounds: number, ours: () => { full: number; verdicts: number }, peer: (round: number) => { full: number; verdicts: number },
  onRound: (r: TurnRound, round: number) => void = () => undefined,
): TurnRound[] {
  const out: TurnRound[] = [];
  let before = ours();
  for (let round = 0; round < rounds; round++) {
    const pg = peer(round);
    const after = ours();
    const r: TurnRound = { load: loadavg()[0]!, oursFull: (before.full + after.full) / 2, pgFull: pg.full, oursVerdicts: (before.verdicts + after.verdicts) / 2, pgVerdicts: pg.verdicts };
    out.push(r);
    onRound(r, round);
    before = after;
  }
  return out;
}
