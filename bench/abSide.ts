/**
 * One side of a same-run A/B (bench/screeningAB.ts, bench/screeningBoreAB.ts): the screening of the
 * tree at `root` (a `git archive` of another commit, or the working tree), with its own rules, table
 * and index over the same links.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `git archive` of `sha`'s src/core and data/rules into `dir` (once), with a node_modules link to
 * this tree's, made afresh each run: a link left by a worktree since removed would dangle (the
 * session-7 helpers met "Cannot find package 'flatbush'" that way). And a package.json saying ESM:
 * without it tsx loads the copy's .ts files as CommonJS, and calls through CommonJS wrappers made A
 * about 20% slower than the same code as B.
 */
export function extractRev(here: string, sha: string, dir: string): void {
  if (!existsSync(join(dir, 'src/core/screening/screen.ts'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} src/core data/rules | tar -x -C "${dir}"`], { cwd: here });
  }
  rmSync(join(dir, 'node_modules'), { force: true });
  symlinkSync(join(here, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
}

export type ScreenSide = (work: unknown) => { lines: { linkId: string; verdict: string }[]; summary: { candidates: number } };

export async function loadScreen(root: string, links: unknown): Promise<ScreenSide> {
  const side = await loadSide(root);
  const t = side.table.buildSegmentTable(links);
  return side.screenOn(t, side.table.buildSegmentIndex(t));
}

/** The modules of one side, to screen on a table and index built by either side (`screenOn`). */
export interface SideModules {
  table: { buildSegmentTable: (links: unknown) => unknown; buildSegmentIndex: (t: unknown) => unknown };
  grid: { buildGridIndex: (index: unknown) => unknown; adoptGridIndex?: (index: unknown, grid: unknown) => void };
  screenOn: (table: unknown, index: unknown) => ScreenSide;
}

export async function loadSide(root: string): Promise<SideModules> {
  const url = (p: string): string => pathToFileURL(join(root, p)).href;
  const rulesJson: unknown = (await import(url('data/rules/screening.json'), { with: { type: 'json' } })).default;
  const rules = await import(url('src/core/screening/rules.ts'));
  const screen = await import(url('src/core/screening/screen.ts'));
  const table = await import(url('src/core/screening/segmentTable.ts'));
  const grid = await import(url('src/core/screening/gridIndex.ts'));
  const r = rules.validateScreeningRules(rulesJson);
  return { table, grid, screenOn: (t, index) => (w) => screen.screenExcavation(t, index, w, r, r.defaultRuleSet) };
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
