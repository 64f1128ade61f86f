/**
 * One side of a same-run A/B (bench/screeningAB.ts, bench/screeningBoreAB.ts): the screening of the
 * tree at `root` (a `git archive` of another commit, or the working tree), with its own rules, table
 * and index over the same links.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type ScreenSide = (work: unknown) => { lines: { linkId: string; verdict: string }[]; summary: { candidates: number } };

export async function loadScreen(root: string, links: unknown): Promise<ScreenSide> {
  const url = (p: string): string => pathToFileURL(join(root, p)).href;
  const rulesJson: unknown = (await import(url('data/rules/screening.json'), { with: { type: 'json' } })).default;
  const rules = await import(url('src/core/screening/rules.ts'));
  const screen = await import(url('src/core/screening/screen.ts'));
  const table = await import(url('src/core/screening/segmentTable.ts'));
  const r = rules.validateScreeningRules(rulesJson);
  const t = table.buildSegmentTable(links);
  const index = table.buildSegmentIndex(t);
  return (w) => screen.screenExcavation(t, index, w, r, r.defaultRuleSet);
}

/**
 * Mean over works of each work's fastest pass (`times` holds passes of `works` timings in order):
 * preemption on a busy machine only ever adds time, so the minimum is the steadier comparison there.
 */
export function fastestPassMean(times: readonly number[], works: number): number {
  let sum = 0;
  for (let i = 0; i < works; i++) {
    let m = Infinity;
    for (let k = i; k < times.length; k += works) m = Math.min(m, times[k]!);
    sum += m;
  }
  return sum / works;
}
