/**
 * Is the working tree's screening output identical to another commit's? Both sides screen the same
 * seeded works of every kind (open cuts with and without holes, trenches, bores with and without pits
 * (pits with holes), piles, permits of several works) against the same networks (the bench's synthetic
 * network, and a small one full of quirks: unknown ground, no quality level, risers, zero-length and
 * non-finite segments) under every rule set and with overrides, and the WHOLE result is compared as
 * text: every line, every field in its order, the summary, each work's summary in a permit. Numbers
 * are written so that −0, NaN and ±Infinity are told apart. Refusals are compared too: thousands of
 * broken works (non-finite numbers, wrong types, inverted or absurd depths, self-intersecting rings,
 * holes touching or outside, folded bore paths, empty pile groups…) must throw the same error class,
 * message and field on both sides. `screenExcavationSummary` must equal the full screening's summary.
 * The network reports that read the same segment table (clearances between lines, cover depth) are
 * compared whole per network too.
 *
 * A's src/core and data/rules come from `git archive` (bench/abSide.ts extractRev), in process.
 * Run: npx tsx bench/screeningSame.ts [rev, default main] [works per kind, default 2000] [segments, default 200000] [fewer-tested]
 * Exits 1 on any difference, printing the first few. With `fewer-tested` (against a commit before the
 * seventh round's plan-shape cull, which runs fewer kernels) every `segmentsTested` is compared apart:
 * the working tree's may be smaller, never larger; everything else must be identical as text.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QUALITY_LEVELS, UTILITY_TYPES, type Link } from '../src/core/model';
import type { Rng } from '../src/core/random';
import { extractRev } from './abSide';
import { loadText, mulberry32 } from './stats';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';
import { drawWorks } from './works';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Side {
  screen: (t: Any, i: Any, w: unknown, r: Any, id?: string) => unknown;
  summary: (t: Any, i: Any, w: unknown, r: Any, id?: string) => unknown;
  permit: (t: Any, i: Any, w: unknown, r: Any, id?: string) => unknown;
  validateRules: (json: unknown) => Any;
  applyOverrides: (r: Any, o: unknown) => Any;
  buildTable: (links: unknown) => Any;
  buildIndex: (t: Any) => Any;
  rulesJson: unknown;
  /** The network reports (they read the same segment table): clearances between lines, cover depth. */
  clearances: (links: unknown) => unknown;
  cover: (links: unknown) => unknown;
}

async function loadSide(root: string): Promise<Side> {
  const url = (p: string): string => pathToFileURL(join(root, p)).href;
  const rulesJson: unknown = (await import(url('data/rules/screening.json'), { with: { type: 'json' } })).default;
  const rules = await import(url('src/core/screening/rules.ts'));
  const screen = await import(url('src/core/screening/screen.ts'));
  const permit = await import(url('src/core/screening/permit.ts'));
  const table = await import(url('src/core/screening/segmentTable.ts'));
  const clearance = await import(url('src/core/screening/clearanceCheck.ts'));
  const networkRules = await import(url('src/core/screening/networkRules.ts'));
  const cover = await import(url('src/core/screening/coverCheck.ts'));
  const coverRules = await import(url('src/core/screening/coverRules.ts'));
  const json = async (p: string): Promise<unknown> => (await import(url(p), { with: { type: 'json' } })).default;
  const clearanceRules = networkRules.validateClearanceRules(await json('data/rules/clearances.json'));
  const coverRulesOf = coverRules.validateCoverRules(await json('data/rules/cover.json'));
  return {
    clearances: (links) => clearance.checkClearances(links, clearanceRules),
    cover: (links) => cover.checkCover(links, coverRulesOf),
    screen: screen.screenExcavation, summary: screen.screenExcavationSummary, permit: permit.screenPermit,
    validateRules: rules.validateScreeningRules, applyOverrides: rules.applyOverrides,
    buildTable: table.buildSegmentTable, buildIndex: table.buildSegmentIndex, rulesJson,
  };
}

/** The whole value as text, key order kept; −0, NaN and ±Infinity written apart from 0 and null. */
function text(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x !== 'number') return x;
    if (Object.is(x, -0)) return '#-0';
    return Number.isFinite(x) ? x : `#${String(x)}`;
  });
}

/** What a call gives: its result as text, or its refusal's class, field and message. */
function outcome(run: () => unknown): string {
  try {
    return `ok ${text(run())}`;
  } catch (e) {
    const err = e as { name?: string; message?: string; field?: string; path?: string; detail?: string };
    return `throws ${err.name} field=${String(err.field)} path=${String(err.path)} detail=${String(err.detail)} message=${String(err.message)}`;
  }
}

// ---- works ----

const between = (rng: Rng, a: number, b: number): number => a + rng() * (b - a);

/** A star-shaped (so simple) ring of n vertices around (cx, cy), radii in [r/2, r]. */
function starRing(rng: Rng, cx: number, cy: number, r: number, n: number): [number, number][] {
  const a0 = rng() * 2 * Math.PI;
  return Array.from({ length: n }, (_, i) => {
    const a = a0 + (2 * Math.PI * i) / n, rr = between(rng, r / 2, r);
    return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as [number, number];
  });
}

function square(cx: number, cy: number, h: number): [number, number][] {
  return [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h]];
}

/** An open cut: the bench's digs, star polygons of 3–40 vertices, some with square holes inside; rings closed or reversed now and then. */
function openCut(rng: Rng, side: number): Any {
  const u = rng();
  let cut: Any;
  if (u < 0.35) cut = dig(rng, side);
  else {
    const cx = between(rng, 50, side - 50), cy = between(rng, 50, side - 50), r = between(rng, 3, 40);
    const n = 3 + Math.floor(rng() * (u < 0.7 ? 8 : 38));
    const footprint = starRing(rng, cx, cy, r, n);
    cut = { kind: 'open_cut', footprint, bottomZ: -between(rng, 0.5, 8), topZ: rng() < 0.8 ? 0 : between(rng, -0.5, 2) };
    if (n >= 8 && rng() < 0.6) {
      // Holes: small squares within r/3 of the centre, inside every star of 8+ vertices (inradius ≥ r/2 · cos(π/8)).
      const holes = [];
      const count = 1 + Math.floor(rng() * 3);
      for (let h = 0; h < count; h++) holes.push(square(cx + (h - 1) * r * 0.25, cy, r * 0.08));
      cut.holes = holes;
    }
  }
  if (rng() < 0.15) cut.footprint = [...cut.footprint, cut.footprint[0]];
  if (rng() < 0.15) cut.footprint = [...cut.footprint].reverse();
  return cut;
}

function works(rng: Rng, side: number, perKind: number): Any[] {
  const drawn = drawWorks(rng, side, perKind).works;
  const out: Any[] = [];
  for (let i = 0; i < perKind; i++) {
    out.push(openCut(rng, side), drawn.trench[i], drawn.piles[i]);
    const bore = { ...drawn.bore[i] } as Any;
    const v = rng();
    if (v < 0.2) { delete bore.entryPit; delete bore.exitPit; } else if (v < 0.35) delete bore.exitPit;
    else if (v < 0.5) {
      const [x, y] = bore.path[0];
      bore.entryPit = { kind: 'open_cut', footprint: square(x, y, 3), holes: [square(x + 1.5, y, 0.4)], bottomZ: -3, topZ: 0 };
    }
    out.push(bore);
  }
  return out;
}

/** A broken copy of a work: one field made wrong (every refusal path the validators have, at random). */
function broken(rng: Rng, w: Any, side: number): unknown {
  const c = structuredClone(w);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const bad = pick([NaN, Infinity, -Infinity, '3', null, undefined, {}, [], true]);
  const r = rng();
  if (r < 0.04) return pick([null, undefined, 42, 'open_cut', [], { kind: 'shaft' }, { kind: null }]);
  switch (c.kind) {
    case 'open_cut': {
      if (c.holes && rng() < 0.5) {
        // Holes: nested, touching each other, leaving almost nothing to dig, or far too many vertices.
        const [x, y] = c.holes[0][0], h = Math.abs(c.holes[0][1][0] - x) / 2, cx = x + h, cy = y + h, q = rng();
        if (q < 0.25) c.holes = [square(cx, cy, h), square(cx, cy, h / 2)];
        else if (q < 0.5) c.holes = [square(cx, cy, h), square(cx + 2 * h, cy, h)];
        else if (q < 0.75) {
          const mx = c.footprint.reduce((a: number, p: number[]) => a + p[0]!, 0) / c.footprint.length;
          const my = c.footprint.reduce((a: number, p: number[]) => a + p[1]!, 0) / c.footprint.length;
          c.holes = [c.footprint.map(([px, py]: Any) => [mx + (px - mx) * 0.99999, my + (py - my) * 0.99999])];
        } else c.footprint = Array.from({ length: 4200 }, (_, i) => [Math.cos(i / 700) * 30 + cx, Math.sin(i / 700) * 30 + cy]);
        return c;
      }
      if (r < 0.15) c.bottomZ = bad;
      else if (r < 0.25) c.topZ = bad;
      else if (r < 0.3) [c.bottomZ, c.topZ] = [c.topZ, c.bottomZ];
      else if (r < 0.35) c.bottomZ = c.topZ - 600;
      else if (r < 0.45) c.footprint[Math.floor(rng() * c.footprint.length)][Math.floor(rng() * 2)] = bad;
      else if (r < 0.5) c.footprint[Math.floor(rng() * c.footprint.length)] = pick([[1], [1, 2, 3], 'x', null]);
      else if (r < 0.6) { const n = c.footprint.length; [c.footprint[0], c.footprint[Math.min(2, n - 1)]] = [c.footprint[Math.min(2, n - 1)], c.footprint[0]]; }
      else if (r < 0.65) c.footprint = c.footprint.map(([x, y]: Any) => [x * 1e3, y]);
      else if (r < 0.7) c.footprint = c.footprint.slice(0, 2);
      else if (r < 0.75) c.footprint = c.footprint.map(() => c.footprint[0]);
      else if (r < 0.8) c.footprint = c.footprint.map(([x, y]: Any, i: number) => [x + i * 1e-4, y]).slice(0, 3).map(([x]: Any, i: number) => [x, i]);
      else if (r < 0.85) c.holes = [c.footprint.map(([x, y]: Any) => [x + 1000, y])];
      else if (r < 0.9) c.holes = [c.footprint];
      else if (r < 0.95) c.holes = bad;
      else c.footprint = bad;
      return c;
    }
    case 'trench': {
      if (r < 0.15) c.width = pick([bad, 0.001, 100]);
      else if (r < 0.25) c.topZ = bad;
      else if (r < 0.35) c.bottomZ[Math.floor(rng() * c.bottomZ.length)] = pick([bad, c.topZ + 1, c.topZ - 600]);
      else if (r < 0.45) c.bottomZ = c.bottomZ.slice(1);
      else if (r < 0.55) c.centreline[Math.floor(rng() * c.centreline.length)][Math.floor(rng() * 2)] = bad;
      else if (r < 0.65) c.centreline.push(c.centreline[0]), c.bottomZ.push(c.bottomZ[0]);
      else if (r < 0.75) c.centreline = c.centreline.map(() => c.centreline[0]);
      else if (r < 0.85) c.centreline = c.centreline.map(([x, y]: Any, i: number) => [x + i * 2e-3, y]);
      else if (r < 0.9) c.centreline = [c.centreline[0], c.centreline[1], c.centreline[0]];
      else c.centreline = bad;
      return c;
    }
    case 'bore': {
      if (r < 0.15) c.reamerDiameter = pick([bad, 0.001, 10]);
      else if (r < 0.3) c.path[Math.floor(rng() * c.path.length)][Math.floor(rng() * 3)] = bad;
      else if (r < 0.4) c.path = [c.path[0], c.path[1], c.path[0]];
      else if (r < 0.45) c.path = c.path.map(([x, y]: Any, i: number) => [x, y, i % 2 === 0 ? 0 : -600]);
      else if (r < 0.5) c.path = c.path.map(() => c.path[0]);
      else if (r < 0.55) c.path = c.path.map(([x, y, z]: Any, i: number) => [x + i * 1e-3, y, z]);
      else if (r < 0.75 && c.entryPit) c.entryPit.footprint[1][0] = bad;
      else if (r < 0.85 && c.exitPit) c.exitPit.bottomZ = pick([bad, 10]);
      else if (r < 0.9) c.entryPit = bad;
      else c.path = bad;
      return c;
    }
    case 'piles': {
      const p = c.piles[Math.floor(rng() * c.piles.length)];
      if (r < 0.15) p.diameter = pick([bad, 0.001, 10]);
      else if (r < 0.3) p.depth = pick([bad, 0, 600]);
      else if (r < 0.45) p.x = bad;
      else if (r < 0.55) p.topZ = bad;
      else if (r < 0.65) c.piles = [];
      else if (r < 0.75) c.piles[0] = bad;
      else if (r < 0.85) p.y = p.y + 5000;
      else c.piles = bad;
      return c;
    }
  }
  return c;
}

/** A small network of quirks round (cx, cy): unknown ground, no quality, risers, zero-length and non-finite segments. */
function quirkyNetwork(rng: Rng, cx: number, cy: number, count: number): Link[] {
  const links: Link[] = [];
  for (let l = 0; l < count; l++) {
    const n = 2 + Math.floor(rng() * 6);
    const v = new Float64Array(4 * n);
    let x = cx + between(rng, -150, 150), y = cy + between(rng, -150, 150), z = -between(rng, 0.3, 6);
    for (let i = 0; i < n; i++) {
      v[4 * i] = x; v[4 * i + 1] = y; v[4 * i + 2] = z; v[4 * i + 3] = rng() < 0.1 ? NaN : between(rng, -0.3, 0.5);
      const q = rng();
      if (q < 0.1) z -= between(rng, 0.5, 3); // a riser
      else if (q < 0.15) { /* a repeated vertex */ } else { x += between(rng, -30, 30); y += between(rng, -30, 30); z += between(rng, -0.5, 0.5); }
    }
    if (rng() < 0.03) v[4 * Math.floor(rng() * n)] = NaN;
    if (rng() < 0.02) for (let i = 1; i < n; i++) { v[4 * i] = v[0]!; v[4 * i + 1] = v[1]!; v[4 * i + 2] = v[2]!; }
    const shape = rng();
    links.push({
      id: `Q${Math.floor(rng() * count * 4)}-${l}`, utility: UTILITY_TYPES[Math.floor(rng() * UTILITY_TYPES.length)]!, subtype: 'main', material: 'PE',
      section: shape < 0.7 ? { shape: 'circular', diameterMm: 20 + Math.floor(rng() * 1500) }
        : { shape: 'rectangular', widthMm: 100 + Math.floor(rng() * 2000), heightMm: 100 + Math.floor(rng() * 1500) },
      pressureClass: null, installYear: null, owner: 'quirks', status: 'in_service',
      qualityLevel: rng() < 0.2 ? null : QUALITY_LEVELS[Math.floor(rng() * 4)]!,
      street: null, fromNode: null, toNode: null, vertices: v,
    } as Link);
  }
  return links;
}

/** Works of every kind placed round (cx, cy) within `spread` (for the quirky network). */
function worksAround(rng: Rng, cx: number, cy: number, spread: number, count: number): Any[] {
  const out: Any[] = [];
  for (const w of works(rng, 2 * spread, count)) out.push(shift(w, cx - spread, cy - spread));
  return out;
}

function shift(w: Any, dx: number, dy: number): Any {
  const c = structuredClone(w);
  const m = (p: number[]): number[] => (p.length === 3 ? [p[0]! + dx, p[1]! + dy, p[2]!] : [p[0]! + dx, p[1]! + dy]);
  if (c.kind === 'open_cut') { c.footprint = c.footprint.map(m); if (c.holes) c.holes = c.holes.map((h: number[][]) => h.map(m)); }
  if (c.kind === 'trench') c.centreline = c.centreline.map(m);
  if (c.kind === 'bore') {
    c.path = c.path.map(m);
    for (const k of ['entryPit', 'exitPit']) if (c[k]) c[k] = shift(c[k], dx, dy);
  }
  if (c.kind === 'piles') for (const p of c.piles) { p.x += dx; p.y += dy; }
  return c;
}

async function main(): Promise<void> {
  const rev = process.argv[2] ?? 'main';
  const perKind = Number(process.argv[3] ?? 2000);
  const segments = Number(process.argv[4] ?? 200_000);
  const fewerTested = process.argv[5] === 'fewer-tested';
  const here = resolve(import.meta.dirname, '..');
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: here, encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), 'undergrid-ab', sha);
  extractRev(here, sha, dir);
  const A = await loadSide(dir), B = await loadSide(here);
  const rng = mulberry32(0x5a3e);
  const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
  const networks: { name: string; links: Link[]; works: Any[] }[] = [
    { name: `bench network, ${segments} segments`, links: network(mulberry32(0xb0a7 + segments), segments, side), works: works(rng, side, perKind) },
    { name: 'quirky network', links: quirkyNetwork(rng, 500, 500, 3000), works: worksAround(rng, 500, 500, 170, Math.ceil(perKind / 4)) },
  ];
  let compared = 0, differ = 0, lines = 0, refusals = 0, testedA = 0, testedB = 0, testedFewer = 0;
  const refusalKinds = new Map<string, number>();
  const TESTED = /"segmentsTested":(\d+)/g;
  const report = (what: string, a: string, b: string, acrossSides = true): void => {
    if (fewerTested && acrossSides) {
      // segmentsTested apart: B's never more than A's; the rest compared as text.
      const ta = [...a.matchAll(TESTED)].map((m) => Number(m[1])), tb = [...b.matchAll(TESTED)].map((m) => Number(m[1]));
      if (ta.length === tb.length && ta.every((v, i) => tb[i]! <= v) && a.replace(TESTED, '#') === b.replace(TESTED, '#')) {
        testedA += ta.reduce((x, y) => x + y, 0); testedB += tb.reduce((x, y) => x + y, 0); testedFewer++;
        return;
      }
    }
    differ++;
    if (differ <= 5) {
      let k = 0;
      while (k < a.length && a[k] === b[k]) k++;
      console.log(`DIFFERS: ${what}\n  A …${a.slice(Math.max(0, k - 200), k + 200)}\n  B …${b.slice(Math.max(0, k - 200), k + 200)}`);
    }
  };
  const sides = [A, B].map((s) => {
    const base = s.validateRules(s.rulesJson);
    const over = s.applyOverrides(base, { clearances: { gas: 1.7, water: 0.25 }, notifyDistance: 4, reason: 'letter' });
    return { s, rules: [[base, undefined], [base, 'cga-5.19'], [base, 'us-24in'], [over, undefined], [over, 'cga-5.19']] as [Any, string | undefined][] };
  });
  for (const net of networks) {
    const t0 = performance.now();
    const built = sides.map(({ s }) => { const t = s.buildTable(net.links); return { t, i: s.buildIndex(t) }; });
    const n = net.works.length;
    for (let k = 0; k < n; k++) {
      const w = net.works[k];
      const rk = k % sides[0]!.rules.length;
      const run = (j: number, f: 'screen' | 'summary' | 'permit', input: unknown): string => {
        const side = sides[j]!, [rules, id] = side.rules[rk]!;
        return outcome(() => side.s[f](built[j]!.t, built[j]!.i, input, rules, id ?? rules.defaultRuleSet));
      };
      const a = run(0, 'screen', w), b = run(1, 'screen', w);
      compared++;
      if (a !== b) report(`${net.name}, work ${k} (${w.kind})`, a, b);
      if (a.startsWith('ok ')) {
        lines += (JSON.parse(a.slice(3)) as { lines: unknown[] }).lines.length;
        // The summary-only path: the same on both sides, and the full screening's summary.
        const sa = run(0, 'summary', w), sb = run(1, 'summary', w);
        compared++;
        if (sa !== sb) report(`${net.name}, summary of work ${k}`, sa, sb);
        const whole = outcome(() => (sides[1]!.s.screen(built[1]!.t, built[1]!.i, w, sides[1]!.rules[rk]![0],
          sides[1]!.rules[rk]![1] ?? sides[1]!.rules[rk]![0].defaultRuleSet) as { summary: unknown }).summary);
        if (sb !== whole) report(`${net.name}, summary vs whole, work ${k}`, whole, sb, false);
      }
      // A broken copy: the same refusal on both sides.
      const bad = broken(rng, w, side);
      const ba = run(0, 'screen', bad), bb = run(1, 'screen', bad);
      compared++;
      if (ba.startsWith('throws')) {
        refusals++;
        if (process.env.SHOW_REFUSALS) {
          const key = ba.replace(/ field=.*detail=/, ': ').replace(/ message=.*/, '').replace(/-?[0-9][0-9.e+-]*/g, '#').slice(0, 90);
          refusalKinds.set(key, (refusalKinds.get(key) ?? 0) + 1);
        }
      }
      if (ba !== bb) report(`${net.name}, broken work ${k} (${w.kind})`, ba, bb);
      // Every fourth work: a permit of it and the next 1–3 works (now and then one broken).
      if (k % 4 === 0) {
        const m = 1 + Math.floor(rng() * 3);
        const list = [w, ...net.works.slice(k + 1, k + 1 + m)];
        if (rng() < 0.1) list.push(bad);
        const pa = run(0, 'permit', list), pb = run(1, 'permit', list);
        compared++;
        if (pa !== pb) report(`${net.name}, permit at work ${k}`, pa, pb);
      }
    }
    // The network reports: the same findings, in the same order, to the last bit.
    for (const f of ['clearances', 'cover'] as const) {
      const ra = outcome(() => A[f](net.links)), rb = outcome(() => B[f](net.links));
      compared++;
      if (ra !== rb) report(`${net.name}, ${f} report`, ra, rb, false);
    }
    console.log(`${net.name}: ${n} works screened, clearance and cover reports compared (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`Screening output, working tree against ${sha} (${loadText()}): ${compared} results compared ` +
    `(${lines} lines listed, ${refusals} refusals), ${differ} differ`);
  if (fewerTested) console.log(`  segmentsTested apart: ${testedFewer} results with fewer kernel calls (in those, ${testedA} → ${testedB}), none more`);
  // SHOW_REFUSALS=1: which refusals the broken works met (numbers as #), to see what was covered.
  for (const [k, v] of [...refusalKinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(5)}  ${k}`);
  if (differ > 0) process.exitCode = 1;
}

await main();
