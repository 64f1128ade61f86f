import Flatbush from 'flatbush';
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import type { Link } from '../../src/core/model';
import { ExcavationError, type OpenCut } from '../../src/core/screening/excavation';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { adoptGridIndex, buildGridIndex, gridIndexByteLength, gridOf, WORDS } from '../../src/core/screening/gridIndex';
import { indexFromShared, shareScreeningData } from '../../src/core/screening/sharedTable';
import { IndexSearch } from '../../src/core/screening/indexSearch';
import { ruleContext, segmentToleranceOf, segmentTolerances } from '../../src/core/screening/ruleContext';
import { screenExcavation } from '../../src/core/screening/screen';
import { mulberry32 } from '../../src/core/random';
import { spatialOrder } from '../../src/core/screening/spatialOrder';
import {
  buildSegmentIndex, buildSegmentTable, float32AtLeast, float32AtMost, QUALITY_UNKNOWN, builtSegmentLinkIds, segmentLinkIds, segmentTableBuffers, segmentTableFromTransfer,
} from '../../src/core/screening/segmentTable';

const RULES = validateScreeningRules(rulesJson);
const PIT: OpenCut = { kind: 'open_cut', footprint: [[0, 0], [4, 0], [4, 4], [0, 4]], bottomZ: -2, topZ: 0 };

function link(id: string, vertices: number[], over: Partial<Link> = {}): Link {
  return {
    id, utility: 'water', subtype: 'main', material: 'PE', section: { shape: 'circular', diameterMm: 200 }, pressureClass: null,
    installYear: null, owner: 'water-co', status: 'in_service', qualityLevel: 'A', street: null, fromNode: null, toNode: null,
    vertices: new Float64Array(vertices), ...over,
  };
}

function grid(n: number): Link[] {
  const links: Link[] = [];
  for (let i = 0; i < n; i++) {
    const y = (i % 50) * 3 - 60, x = Math.floor(i / 50) * 20 - 40;
    links.push(link(`g${i}`, [x, y, -1, 0, x + 15, y + 1, -1.2, 0, x + 18, y + 4, -1.5, 0.1], { utility: i % 2 ? 'gas' : 'power', qualityLevel: i % 3 ? 'B' : null }));
  }
  return links;
}

describe('buildSegmentTable', () => {
  it('writes one row per segment with its link, vertex number and section radius', () => {
    const t = buildSegmentTable([link('a', [0, 0, -1, 0, 10, 0, -1, 0, 10, 5, -2, 0]), link('b', [1, 1, -3, 0.5, 2, 2, -3, 0.5], { qualityLevel: null, utility: 'heat' })]);
    expect(t.segmentCount).toBe(3);
    // Stored in Hilbert order of the links' plan centres: b's (1.5, 1.5) before a's (5, 2.5); the
    // links keep their input numbers.
    expect([...t.linkOfSegment]).toEqual([1, 0, 0]);
    expect([...t.segmentVertex]).toEqual([0, 0, 1]);
    expect([...t.coords.slice(12, 18)]).toEqual([10, 0, -1, 10, 5, -2]);
    expect(t.linkIds).toEqual(['a', 'b']);
    expect([...t.linkUtility]).toEqual([0, 6]);
    expect([...t.linkQuality]).toEqual([0, QUALITY_UNKNOWN]);
    expect(t.radius[0]).toBeGreaterThanOrEqual(0.1);
    expect(t.maxCentrelineDepth).toBe(3.5);
  });

  it('skips zero-length segments and counts them, keeping the original segment numbers', () => {
    const t = buildSegmentTable([link('a', [0, 0, -1, 0, 0, 0, -1, 0, 5, 0, -1, 0])]);
    expect(t.segmentCount).toBe(1);
    expect(t.skippedDegenerate).toBe(1);
    expect(t.segmentVertex[0]).toBe(1);
  });

  it('keeps a line recorded as a single point as one zero-length segment', () => {
    const t = buildSegmentTable([link('p', [3, 3, -1, 0, 3, 3, -1, 0]), link('q', [5, 5, -1, 0])]);
    expect(t.segmentCount).toBe(2);
    expect(t.pointLinks).toBe(2);
    expect(t.skippedDegenerate).toBe(0);
  });

  it('skips segments with non-finite coordinates and reports lines left with nothing to screen', () => {
    const t = buildSegmentTable([link('n', [0, 0, -1, 0, NaN, 0, -1, 0]), link('m', [0, 0, -1, 0, 1, 0, -1, 0, 2, Infinity, -1, 0]), link('e', [])]);
    expect(t.skippedNonFinite).toBe(2);
    expect(t.segmentCount).toBe(1);
    expect(t.unscreenableLinkIds).toEqual(['n', 'e']);
  });

  it('marks an unknown ground as NaN and counts it', () => {
    const t = buildSegmentTable([link('a', [0, 0, -1, NaN, 5, 0, -1, 0])]);
    expect(Number.isNaN(t.segmentGround[0])).toBe(true);
    expect(t.segmentsWithoutGround).toBe(1);
  });

  it('refuses a line with an unknown utility, naming it', () => {
    expect(() => buildSegmentTable([link('x', [0, 0, 0, 0, 1, 0, 0, 0], { utility: 'steam' as never })])).toThrow(/"x" has utility "steam"/);
  });

  it('never stores a radius or ground below the true value', () => {
    for (let mm = 1; mm < 5000; mm += 7) {
      const t = buildSegmentTable([link('r', [0, 0, -1, mm / 997 - 3, 1, 0, -1, -mm / 13], { section: { shape: 'circular', diameterMm: mm } })]);
      expect(t.radius[0]).toBeGreaterThanOrEqual(mm / 2000);
      expect(t.segmentGround[0]).toBeGreaterThanOrEqual(mm / 997 - 3);
      expect(t.segmentGround[1]).toBeGreaterThanOrEqual(-mm / 13);
    }
    expect(float32AtLeast(0.1)).toBeGreaterThanOrEqual(0.1);
    expect(float32AtLeast(-0.1)).toBeGreaterThanOrEqual(-0.1);
    expect(float32AtLeast(1e-50)).toBeGreaterThan(0);
  });

  it('does not mutate the links', () => {
    const links = grid(30);
    const before = structuredClone(links);
    buildSegmentTable(links);
    expect(links).toEqual(before);
  });
});

describe('the table in Hilbert order', () => {
  /** 400 three-segment lines scattered over 2 km, a few with no finite vertex or a single point. */
  function scattered(seed: number): Link[] {
    const rng = mulberry32(seed);
    return Array.from({ length: 400 }, (_, i) => {
      if (i % 97 === 5) return link(`n${i}`, [NaN, 0, -1, 0, NaN, 1, -1, 0]);
      const x = rng() * 2000, y = rng() * 2000, z = -1 - rng() * 3;
      if (i % 89 === 7) return link(`p${i}`, [x, y, z, 0]);
      return link(`l${i}`, [x, y, z, 0, x + 20, y + 5, z, 0, x + 35, y + 30, z - 0.5, 0, x + 60, y + 31, z, 0.2],
        { utility: i % 3 ? 'gas' : 'water', qualityLevel: i % 4 ? 'B' : null });
    });
  }

  it('keeps each line\'s segments together in vertex order, its input number, and neighbours near each other', () => {
    const links = scattered(7);
    const t = buildSegmentTable(links);
    expect(t.linkIds).toEqual(links.map((l) => l.id));
    expect(t.unscreenableLinkIds).toEqual(links.filter((l) => l.id.startsWith('n')).map((l) => l.id));
    // Each line's segments form one run, in vertex order, with that line's coordinates.
    const seen = new Set<number>();
    for (let s = 0; s < t.segmentCount; s++) {
      const l = t.linkOfSegment[s]!, v = links[l]!.vertices, k = t.segmentVertex[s]!;
      if (s > 0 && t.linkOfSegment[s - 1] === l) expect(k).toBe(t.segmentVertex[s - 1]! + 1);
      else { expect(seen.has(l)).toBe(false); seen.add(l); }
      expect(t.coords[6 * s]).toBe(v[4 * k]);
      expect(t.coords[6 * s + 1]).toBe(v[4 * k + 1]);
    }
    expect(seen.size).toBe(links.length - t.unscreenableLinkIds.length);
    // Consecutive lines in storage sit near each other: a fraction of the mean distance in input order.
    const centre = (s: number): [number, number] => [t.coords[6 * s]!, t.coords[6 * s + 1]!];
    let stored = 0, input = 0, pairs = 0;
    const firsts = [...seen].map((l) => t.linkOfSegment.indexOf(l));
    const inStorage = [...firsts].sort((a, b) => a - b), inInput = [...firsts].sort((a, b) => t.linkOfSegment[a]! - t.linkOfSegment[b]!);
    for (let i = 1; i < inStorage.length; i++, pairs++) {
      stored += Math.hypot(centre(inStorage[i]!)[0] - centre(inStorage[i - 1]!)[0], centre(inStorage[i]!)[1] - centre(inStorage[i - 1]!)[1]);
      input += Math.hypot(centre(inInput[i]!)[0] - centre(inInput[i - 1]!)[0], centre(inInput[i]!)[1] - centre(inInput[i - 1]!)[1]);
    }
    expect(stored / pairs).toBeLessThan(0.25 * (input / pairs));
  });

  it('keeps locality with a line far off, ties and unscreenable lines in input order, refusals naming the first bad line', () => {
    // A mistyped coordinate 1,000,000 km away must not squeeze the city into one cell of the curve.
    const links = [...scattered(3), link('far', [1e9, 1e9, -1, 0, 1e9 + 5, 1e9, -1, 0])];
    const t = buildSegmentTable(links);
    let stored = 0, input = 0;
    const firstOf = new Map<number, number>();
    for (let s = t.segmentCount - 1; s >= 0; s--) firstOf.set(t.linkOfSegment[s]!, s);
    const starts = [...firstOf.entries()].filter(([l]) => links[l]!.id !== 'far');
    const at = (s: number): [number, number] => [t.coords[6 * s]!, t.coords[6 * s + 1]!];
    const step = (list: number[]): number => list.slice(1).reduce((sum, s, i) => sum + Math.hypot(at(s)[0] - at(list[i]!)[0], at(s)[1] - at(list[i]!)[1]), 0);
    stored = step(starts.map(([, s]) => s).sort((a, b) => a - b));
    input = step(starts.sort((a, b) => a[0] - b[0]).map(([, s]) => s));
    expect(stored).toBeLessThan(0.25 * input);

    // Two lines with the same centre keep their input order; so do unscreenable lines whose plan
    // centre is finite (a NaN depth) even where the curve would put the second first.
    const twin = (id: string): Link => link(id, [10, 10, -1, 0, 20, 10, -1, 0]);
    const u = (id: string, x: number): Link => link(id, [x, 0, NaN, 0, x + 1, 0, NaN, 0]);
    const tied = buildSegmentTable([twin('t0'), twin('t1'), u('u0', 1000), u('u1', 0), link('m', [500, 500, -1, 0, 501, 500, -1, 0])]);
    expect([...tied.linkOfSegment].filter((l) => l < 2)).toEqual([0, 1]);
    expect(tied.unscreenableLinkIds).toEqual(['u0', 'u1']);
    const order = [...spatialOrder([twin('t0'), twin('t1'), u('u0', 1000), u('u1', 0), link('m', [500, 500, -1, 0, 501, 500, -1, 0])])];
    expect(order.indexOf(3)).toBeLessThan(order.indexOf(2)); // the curve does put u1 first

    // Two bad utilities: the refusal names the first in input order, not in storage order.
    const bad = (id: string, x: number): Link => link(id, [x, 0, -1, 0, x + 1, 0, -1, 0], { utility: 'steam' as Link['utility'] });
    expect(() => buildSegmentTable([link('ok', [0, 0, -1, 0, 1, 0, -1, 0]), bad('east-bad', 5000), bad('west-bad', 0)])).toThrow(/"east-bad"/);
  });

  it('gives the same screening whatever order the lines come in', () => {
    const links = scattered(11);
    const shuffled = [...links].reverse();
    const cut: OpenCut = { kind: 'open_cut', footprint: [[300, 300], [1500, 320], [1400, 1600], [350, 1500]], bottomZ: -3, topZ: 0 };
    const a = buildSegmentTable(links), b = buildSegmentTable(shuffled);
    const ra = screenExcavation(a, buildSegmentIndex(a), cut, RULES), rb = screenExcavation(b, buildSegmentIndex(b), cut, RULES);
    expect(ra.lines.length).toBeGreaterThan(50);
    expect(rb.lines).toEqual(ra.lines);
    // The unscreenable lines are listed in each input's order.
    expect({ ...rb.summary, unscreenableLinkIds: [...rb.summary.unscreenableLinkIds].reverse() }).toEqual(ra.summary);
    expect(ra.summary.unscreenableLinkIds.length).toBeGreaterThan(0);
  });
});

describe('moving a table and its index to a worker', () => {
  it('lists each buffer once for the transfer list', () => {
    const t = buildSegmentTable(grid(10));
    const buffers = segmentTableBuffers(t);
    expect(buffers.length).toBe(7);
    expect(new Set(buffers).size).toBe(7);
  });

  it('screens identically after a structured-clone transfer and Flatbush.from', () => {
    const table = buildSegmentTable(grid(400));
    const index = buildSegmentIndex(table);
    const expected = screenExcavation(table, index, PIT, RULES);
    expect(expected.lines.length).toBeGreaterThan(3);

    const message = structuredClone({ table, index: index.data }, { transfer: [...segmentTableBuffers(table), index.data as ArrayBuffer] });
    expect(table.coords.byteLength).toBe(0);
    const received = segmentTableFromTransfer(message.table);
    const rebuilt = Flatbush.from(message.index);
    expect(screenExcavation(received, rebuilt, PIT, RULES)).toEqual(expected);
  });

  it('refuses a malformed table, naming the column', () => {
    const t = buildSegmentTable(grid(3));
    expect(() => segmentTableFromTransfer({ ...t, radius: new Float64Array(t.segmentCount) })).toThrow(/radius should be a Float32Array/);
    expect(() => segmentTableFromTransfer({ ...t, linkOfSegment: new Uint32Array(t.segmentCount).fill(99) })).toThrow(/linkOfSegment\[0\] = 99/);
    expect(() => segmentTableFromTransfer({ ...t, coords: t.coords.slice(1) })).toThrow(/coords has length/);
  });
});

describe('screenExcavation inputs', () => {
  it('screens an empty network to no lines', () => {
    const t = buildSegmentTable([]);
    const r = screenExcavation(t, buildSegmentIndex(t), PIT, RULES);
    expect(r.lines).toEqual([]);
    expect(r.summary.candidates).toBe(0);
  });

  it('refuses an invalid work with an ExcavationError naming the field', () => {
    const t = buildSegmentTable(grid(3));
    const bowTie = { ...PIT, footprint: [[0, 0], [2, 2], [2, 0], [0, 2]] } as OpenCut;
    expect(() => screenExcavation(t, buildSegmentIndex(t), bowTie, RULES)).toThrow(ExcavationError);
    try {
      screenExcavation(t, buildSegmentIndex(t), { ...PIT, bottomZ: 1 }, RULES);
    } catch (e) {
      expect((e as ExcavationError).field).toBe('bottomZ');
    }
  });

  it('refuses an index built for another table', () => {
    const t = buildSegmentTable(grid(30));
    const other = buildSegmentIndex(buildSegmentTable(grid(31)));
    expect(() => screenExcavation(t, other, PIT, RULES)).toThrow(/index holds/);
  });

  it('uses the deepest known line for a line without ground, and says so', () => {
    const deep = link('deep', [50, 50, -20, 0, 60, 50, -20, 0], { qualityLevel: 'B' });
    const blind = link('blind', [-1.5, -5, -1, NaN, -1.5, 10, -1, NaN], { qualityLevel: 'B' });
    const t = buildSegmentTable([deep, blind]);
    const line = screenExcavation(t, buildSegmentIndex(t), PIT, RULES, 'cn-gb50289').lines.find((l) => l.linkId === 'blind')!;
    expect(line.depthKnown).toBe(false);
    expect(line.centrelineDepth).toBe(20);
    expect(line.verticalUncertainty).toBeCloseTo(0.15 * 20, 6);
  });

  it('keeps a tolerance column from the second screening on, with the per-segment numbers and the same results', () => {
    const t = buildSegmentTable([...grid(60), link('blind', [-1.5, -5, -1, NaN, -1.5, 10, -1, NaN], { qualityLevel: 'C' })]);
    const index = buildSegmentIndex(t);
    const ctx = ruleContext(RULES, 'cn-gb50289', t);
    const first = screenExcavation(t, index, PIT, RULES, 'cn-gb50289');
    const column = segmentTolerances(t, ctx);
    expect(column).not.toBeNull();
    for (let s = 0; s < t.segmentCount; s++) expect(column![s]).toBe(segmentToleranceOf(t, ctx, s));
    expect(screenExcavation(t, index, PIT, RULES, 'cn-gb50289')).toEqual(first);
    // Another rule set with other clearances gets its own column, built on its second use.
    const other = ruleContext(RULES, 'cga-5.19', t);
    expect(other.toleranceKey).not.toBe(ctx.toleranceKey);
    expect(segmentTolerances(t, other)).toBeNull();
    expect(segmentTolerances(t, other)![0]).toBe(segmentToleranceOf(t, other, 0));
  });

  it('keeps apart the tolerance columns of rules that differ only in the depth shares\' minimum h', () => {
    // QL-B lines 0.6 m deep beside the pit: their tolerance depends on h's minimum alone.
    const shallow = Array.from({ length: 40 }, (_, i) => link(`s${i}`, [-3 - 0.05 * i, -5, -0.6, 0, -3 - 0.05 * i, 10, -0.6, 0], { qualityLevel: 'B' }));
    const t = buildSegmentTable(shallow);
    const index = buildSegmentIndex(t);
    const lower = structuredClone(rulesJson) as Record<string, any>;
    lower.uncertaintyMinimumDepth.value = 0.25;
    const rules = validateScreeningRules(lower);
    const a = ruleContext(RULES, 'cn-gb50289', t), b = ruleContext(rules, 'cn-gb50289', t);
    expect(b.toleranceKey).not.toBe(a.toleranceKey);
    // Each screened twice, interleaved, so both columns are built and used.
    const screen = (r: typeof RULES) => screenExcavation(t, index, PIT, r, 'cn-gb50289').lines.find((l) => l.linkId === 's20')!;
    for (let pass = 0; pass < 3; pass++) {
      const withDefault = screen(RULES), withLower = screen(rules);
      expect(withDefault.centrelineDepth).toBe(1);
      expect(withLower.centrelineDepth).toBeCloseTo(0.6, 12);
      expect(withDefault.verticalUncertainty).toBeCloseTo(0.15, 12);
      expect(withLower.verticalUncertainty).toBeCloseTo(0.09, 12);
      expect(withLower.tolerance).toBeLessThan(withDefault.tolerance);
    }
    expect(segmentTolerances(t, a)![0]).toBe(segmentToleranceOf(t, a, 0));
    expect(segmentTolerances(t, b)![0]).toBe(segmentToleranceOf(t, b, 0));
    expect(segmentTolerances(t, b)![0]).toBeLessThan(segmentTolerances(t, a)![0]!);
  });

  it('keeps each segment\'s line id from the second screening on: the same rows, ties at 0 m sorted by id', () => {
    // 40 lines struck at 0 m (ties on verdict and distance: sorted by id alone), with ids out of
    // order, several segments each, one line a single point, one line without ground, the rest of a grid.
    const rng = mulberry32(408);
    const struck = Array.from({ length: 40 }, (_, i) => {
      const x = 0.1 + 3.8 * rng(), id = `k${Math.floor(rng() * 1e6)}-${i}`;
      return link(id, [x, -3, -1, 0, x, 1, -1, 0, x + 0.05, 6, -1.2, 0, x, 9, -1, 0], { qualityLevel: i % 3 === 0 ? null : 'B' });
    });
    const t = buildSegmentTable([...grid(60), ...struck, link('dot', [2, 2, -1, 0]), link('blind', [3, -5, -1, NaN, 3, 10, -1, NaN])]);
    const index = buildSegmentIndex(t);
    expect(builtSegmentLinkIds(t)).toBeNull();
    // The first screening reads the ids through the lines (a one-off table builds no column) …
    const first = screenExcavation(t, index, PIT, RULES);
    expect(builtSegmentLinkIds(t)).toBeNull();
    // … the second builds the column and reads them through it: the same rows (review15: the first
    // screening built it through the gather's read, so the lines' path was never run).
    expect(screenExcavation(t, index, PIT, RULES)).toEqual(first);
    const ids = builtSegmentLinkIds(t);
    expect(ids).not.toBeNull();
    expect(segmentLinkIds(t)).toBe(ids);
    for (let s = 0; s < t.segmentCount; s++) expect(ids![s]).toBe(t.linkIds[t.linkOfSegment[s]!]);
    const strikes = first.lines.filter((l) => l.distance3d === 0).map((l) => l.linkId);
    expect(strikes.length).toBeGreaterThanOrEqual(40);
    expect(strikes).toEqual([...strikes].sort());
    for (let pass = 0; pass < 3; pass++) expect(screenExcavation(t, index, PIT, RULES)).toEqual(first);
    // Through the same path, a table with a different id for each line lists the other ids.
    const renamed = buildSegmentTable([...grid(60), ...struck.map((l) => ({ ...l, id: `r-${l.id}` })), link('dot', [2, 2, -1, 0])]);
    const renamedIndex = buildSegmentIndex(renamed);
    for (let pass = 0; pass < 3; pass++) screenExcavation(renamed, renamedIndex, PIT, RULES);
    expect(screenExcavation(renamed, renamedIndex, PIT, RULES).lines.filter((l) => l.distance3d === 0).every((l) => l.linkId.startsWith('r-') || l.linkId === 'dot')).toBe(true);
    expect(screenExcavation(t, index, PIT, RULES)).toEqual(first);
  });

  it('gives rows with the documented fields in order, which JSON and a structured clone carry as plain objects', () => {
    const t = buildSegmentTable([...grid(60), link('over', [2, -3, -1, 0, 2, 9, -1, 0]), link('beside', [6, -3, -1, 0, 6, 9, -1, 0]), link('near', [8, -3, -1, 0, 8, 9, -1, 0])]);
    const r = screenExcavation(t, buildSegmentIndex(t), PIT, RULES);
    expect(r.lines.length).toBeGreaterThan(2);
    const fields = ['linkId', 'utility', 'quality', 'verdict', 'distance3d', 'horizontal', 'vertical', 'closestPoint', 'horizontalAt',
      'verticalAt', 'segmentIndex', 't', 'radius', 'centrelineDepth', 'depthKnown', 'clearance', 'clearanceSource',
      'horizontalUncertainty', 'verticalUncertainty', 'uncertainty', 'tolerance'];
    for (const line of r.lines) {
      expect(Object.keys(line)).toEqual(fields);
      for (const p of [line.closestPoint, line.horizontalAt, ...(line.verticalAt ? [line.verticalAt] : [])]) expect(Object.keys(p)).toEqual(['x', 'y', 'z']);
    }
    expect(r.lines.some((l) => l.verticalAt !== null) && r.lines.some((l) => l.verticalAt === null)).toBe(true);
    // What a worker posts and what the server sends: plain objects with the same fields and numbers.
    const cloned = structuredClone(r), parsed = JSON.parse(JSON.stringify(r)) as typeof r;
    expect(Object.getPrototypeOf(cloned.lines[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(cloned.lines[0]!.closestPoint)).toBe(Object.prototype);
    expect(cloned).toEqual(r);
    expect(parsed).toEqual(r);
    expect(JSON.stringify(cloned)).toBe(JSON.stringify(r));
  });

  it('reports the prefilter candidates and the segments tested', () => {
    const t = buildSegmentTable(grid(2000));
    const r = screenExcavation(t, buildSegmentIndex(t), PIT, RULES);
    expect(r.summary.segmentsInNetwork).toBe(4000);
    expect(r.summary.candidates).toBeLessThan(400);
    expect(r.summary.segmentsTested).toBeLessThanOrEqual(r.summary.candidates);
  });
});

describe('buildSegmentIndex', () => {
  it('holds each segment in a Float32 box that contains its true plan box padded by the radius', () => {
    const rng = mulberry32(77);
    const links = Array.from({ length: 300 }, (_, i) => {
      const x = 4.4e5 + rng() * 1e4, y = 2.5e6 + rng() * 1e4;
      return link(`L${i}`, [x, y, -1, 0, x + rng() * 30 - 15, y + rng() * 0.3, -1.2, 0], { section: { shape: 'circular', diameterMm: 20 + Math.floor(rng() * 900) } });
    });
    const t = buildSegmentTable(links);
    const index = buildSegmentIndex(t);
    expect(index._boxes).toBeInstanceOf(Float32Array);
    for (let pos = 0; pos < t.segmentCount; pos++) {
      const s = index._indices[pos]!, o = s * 6, c = t.coords, r = t.radius[s]!;
      const box = index._boxes.subarray(4 * pos, 4 * pos + 4);
      expect(box[0]).toBeLessThanOrEqual(Math.min(c[o]!, c[o + 3]!) - r);
      expect(box[1]).toBeLessThanOrEqual(Math.min(c[o + 1]!, c[o + 4]!) - r);
      expect(box[2]).toBeGreaterThanOrEqual(Math.max(c[o]!, c[o + 3]!) + r);
      expect(box[3]).toBeGreaterThanOrEqual(Math.max(c[o + 1]!, c[o + 4]!) + r);
    }
    expect(float32AtMost(0.1)).toBeLessThanOrEqual(0.1);
    expect(float32AtMost(-1e-50)).toBeLessThan(0);
  });
});

describe('IndexSearch', () => {
  it('finds exactly what Flatbush.search finds, for boxes of every size, touching ones included', () => {
    const rng = mulberry32(404);
    for (const [items, nodeSize] of [[1, 16], [17, 16], [5000, 16], [3000, 4]] as const) {
      const index = new Flatbush(items, nodeSize);
      const boxes: number[][] = [];
      for (let i = 0; i < items; i++) {
        const x = rng() * 1000, y = rng() * 1000, w = rng() < 0.1 ? 0 : rng() * 30, h = rng() * 30;
        boxes.push([x, y, x + w, y + h]);
        index.add(x, y, x + w, y + h);
      }
      index.finish();
      const search = new IndexSearch();
      for (let q = 0; q < 400; q++) {
        // Every tenth query starts exactly on an item's edge: touching counts on both sides.
        const b = boxes[Math.floor(rng() * items)]!;
        const x = q % 10 === 0 ? b[2]! : rng() * 1100 - 50, y = q % 10 === 0 ? b[3]! : rng() * 1100 - 50;
        const s = rng() < 0.2 ? 0 : rng() ** 3 * 600;
        const expected = index.search(x, y, x + s, y + s).sort((a, c) => a - c);
        const n = search.run(index, x, y, x + s, y + s);
        expect([...search.items.subarray(0, n)].sort((a, c) => a - c)).toEqual(expected);
      }
      // A box holding everything: the result buffer grows.
      expect(search.run(index, -1e9, -1e9, 1e9, 1e9)).toBe(items);
    }
  });

  it('through the grid, finds exactly what Flatbush.search finds (Float32 boxes, cell borders, boxes over many cells)', () => {
    const rng = mulberry32(405);
    for (const items of [1024, 6000, 20000]) {
      const index = new Flatbush(items, 16, Float32Array);
      const boxes: number[][] = [];
      for (let i = 0; i < items; i++) {
        // Mostly small boxes, some long ones (over many cells), some points.
        const x = rng() * 2000, y = rng() * 1500;
        const w = rng() < 0.05 ? 0 : rng() < 0.05 ? rng() * 400 : rng() * 30, h = rng() < 0.05 ? rng() * 300 : rng() * 30;
        index.add(x, y, x + w, y + h);
      }
      index.finish();
      for (let p = 0; p < items; p++) boxes.push([...index._boxes.subarray(4 * p, 4 * p + 4)]);
      const grid = buildGridIndex(index)!;
      expect(grid).not.toBeNull();
      expect(gridIndexByteLength(grid)).toBeGreaterThan(0);
      const search = new IndexSearch();
      const cell = 1 / grid.inverseCell;
      for (let q = 0; q < 2000; q++) {
        let x0: number, y0: number, x1: number, y1: number;
        const kind = q % 5;
        if (kind === 0) {
          // Exactly on an item's edge (touching counts) …
          const b = boxes[Math.floor(rng() * items)]!;
          x0 = b[2]!; y0 = b[3]!; x1 = x0 + rng() * 20; y1 = y0 + rng() * 20;
        } else if (kind === 1) {
          // … on a cell border, ending on one …
          x0 = grid.originX + Math.floor(rng() * grid.columns) * cell; y0 = grid.originY + Math.floor(rng() * grid.rows) * cell;
          x1 = x0 + Math.ceil(rng() * 3) * cell; y1 = y0 + rng() * cell;
        } else if (kind === 2) {
          // … partly or wholly outside the grid's extent …
          x0 = rng() * 3000 - 1500; y0 = rng() * 3000 - 1500; x1 = x0 + rng() * 800; y1 = y0 + rng() * 800;
        } else {
          x0 = rng() * 2050 - 25; y0 = rng() * 1550 - 25;
          const s = rng() < 0.1 ? 0 : rng() ** 3 * 300;
          x1 = x0 + s; y1 = y0 + s * rng();
        }
        const expected = index.search(x0, y0, x1, y1).sort((a, c) => a - c);
        const n = search.run(index, x0, y0, x1, y1);
        expect([...search.items.subarray(0, n)].sort((a, c) => a - c)).toEqual(expected);
        expect(search.walk(index, x0, y0, x1, y1)).toBe(n);
      }
      expect(gridOf(index)).not.toBeNull();
      // Inverted and NaN boxes: the tree walk's answer, as Flatbush.search gives it.
      for (const [x0, y0, x1, y1] of [[900, 700, 800, 800], [800, 800, 900, 700], [NaN, 0, 10, 10]] as const) {
        const n = search.run(index, x0, y0, x1, y1);
        expect([...search.items.subarray(0, n)].sort((a, c) => a - c)).toEqual(index.search(x0, y0, x1, y1).sort((a, c) => a - c));
      }
      expect(search.run(index, -Infinity, -Infinity, Infinity, Infinity)).toBe(items);
      expect(search.run(index, -1e9, -1e9, 1e9, 1e9)).toBe(items);
    }
  });

  it('sorts each cell by minX and stops a scan at the first entry past the box, finding what Flatbush finds at that edge', () => {
    const rng = mulberry32(407);
    // 6,000 boxes spread over 2 km, 300 in a 2 m square (one crowded cell, sorted by the engine's
    // sort), and columns of 40 boxes sharing one minX (ties), some starting exactly on a cell border.
    const index = new Flatbush(6000 + 300 + 40 * 25, 16, Float32Array);
    const boxes: number[][] = [];
    for (let i = 0; i < 6000; i++) {
      const x = rng() * 2000, y = rng() * 2000;
      index.add(x, y, x + rng() * (rng() < 0.05 ? 300 : 30), y + rng() * 30);
    }
    for (let i = 0; i < 300; i++) { const x = 700 + rng() * 2, y = 700 + rng() * 2; index.add(x, y, x + rng(), y + rng()); }
    for (let c = 0; c < 25; c++) {
      const x = c < 5 ? c * 50 : 100 + rng() * 1800;
      for (let i = 0; i < 40; i++) { const y = rng() * 2000; index.add(x, y, x + rng() * 20, y + rng() * 5); }
    }
    index.finish();
    for (let p = 0; p < index.numItems; p++) boxes.push([...index._boxes.subarray(4 * p, 4 * p + 4)]);
    const grid = buildGridIndex(index)!;
    expect(grid).not.toBeNull();
    let crowded = 0;
    for (let k = 0; k + 1 < grid.cellStart.length; k++) {
      const first = grid.cellStart[k]!, end = grid.cellStart[k + 1]!;
      if (end - first > 64) crowded++;
      for (let e = first + 1; e < end; e++) expect(grid.boxes[(e - 1) * 5]!).toBeLessThanOrEqual(grid.boxes[e * 5]!);
    }
    expect(crowded).toBeGreaterThan(0);
    const search = new IndexSearch();
    const same = (x0: number, y0: number, x1: number, y1: number): void => {
      const n = search.run(index, x0, y0, x1, y1);
      expect([...search.items.subarray(0, n)].sort((a, c) => a - c)).toEqual(index.search(x0, y0, x1, y1).sort((a, c) => a - c));
    };
    for (let q = 0; q < 3000; q++) {
      const b = boxes[Math.floor(rng() * boxes.length)]!;
      const y0 = b[1]! - rng() * 40, y1 = b[3]! + rng() * 40, x0 = b[0]! - rng() * 80;
      // The box's maxX exactly on an item's minX (touching: found), and the double just below it (not found).
      same(x0, y0, b[0]!, y1);
      same(x0, y0, b[0]! - Math.abs(b[0]!) * 2 ** -52, y1);
      // Inside the crowded cell.
      const cx = 699 + rng() * 4, cy = 699 + rng() * 4;
      same(cx, cy, cx + rng(), cy + rng());
    }
    const n = search.run(index, -1, -1, 2400, 2400);
    expect(n).toBe(index.numItems);
  });

  it('keeps the tree walk where a grid would not pay: few items, Float64 boxes, huge boxes, one dense cluster', () => {
    const make = (items: number, box: (i: number) => [number, number, number, number], type = Float32Array as typeof Float32Array | typeof Float64Array): Flatbush => {
      const index = new Flatbush(items, 16, type);
      for (let i = 0; i < items; i++) index.add(...box(i));
      index.finish();
      return index;
    };
    expect(buildGridIndex(make(100, (i) => [i, i, i + 1, i + 1]))).toBeNull();
    expect(buildGridIndex(make(5000, (i) => [i, i, i + 1, i + 1], Float64Array))).toBeNull();
    expect(buildGridIndex(make(5000, (i) => [i % 100, (i * 7) % 100, i % 100 + 1000, (i * 7) % 100 + 1000]))).toBeNull();
    // 4,900 items in a 1 m square and 100 spread over 10 km: cells sized for the spread hold the cluster in one.
    expect(buildGridIndex(make(5000, (i) => i < 4900 ? [i * 1e-4, 0, i * 1e-4, 0] : [i * 100, i * 50, i * 100 + 1, i * 50 + 1]))).toBeNull();
    // One NaN box (review: it counted no cell and emptied the grid, so every search answered item 0):
    // the table never indexes one, but the grid declines rather than lose items.
    const lattice = make(2000, (i) => i === 7 ? [NaN, 0, 71, 1] : [(i % 50) * 10, Math.floor(i / 50) * 10, (i % 50) * 10 + 1, Math.floor(i / 50) * 10 + 1]);
    expect(buildGridIndex(lattice)).toBeNull();
    const search = new IndexSearch();
    for (let q = 0; q < 400; q++) {
      const x = (q % 20) * 25 + 0.5, y = Math.floor(q / 20) * 20 + 0.5;
      gridOf(lattice);
      const n = search.run(lattice, x, y, x + 3, y + 3);
      expect([...search.items.subarray(0, n)].sort((a, c) => a - c)).toEqual(lattice.search(x, y, x + 3, y + 3).sort((a, c) => a - c));
    }
  });

  it('shares the grid with the table: a thread receiving them searches the shared grid and screens the same', () => {
    const rng = mulberry32(406);
    const links: Link[] = [];
    for (let i = 0; i < 400; i++) {
      const x = rng() * 1500, y = rng() * 1500;
      const v: number[] = [];
      for (let k = 0; k < 6; k++) v.push(x + k * 8, y + (rng() - 0.5) * 6, -1.5 - rng(), 0);
      links.push(link(`L${i}`, v));
    }
    const table = buildSegmentTable(links), index = buildSegmentIndex(table);
    const data = shareScreeningData(table, index);
    expect(data.grid).not.toBeNull();
    expect(data.grid!.boxes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(data.grid!.words.buffer).toBe(data.grid!.boxes.buffer);
    const received = structuredClone(data);
    const shared = indexFromShared(received);
    expect(gridOf(shared)!.boxes).toBe(received.grid!.boxes);
    const search = new IndexSearch();
    for (let q = 0; q < 300; q++) {
      const x = rng() * 1600 - 50, y = rng() * 1600 - 50, s = rng() * 80;
      const n = search.run(shared, x, y, x + s, y + s);
      expect([...search.items.subarray(0, n)].sort((a, c) => a - c)).toEqual(index.search(x, y, x + s, y + s).sort((a, c) => a - c));
    }
    for (let d = 0; d < 50; d++) {
      const x = rng() * 1500, y = rng() * 1500;
      const work: OpenCut = { kind: 'open_cut', footprint: [[x, y], [x + 12, y], [x + 12, y + 9], [x, y + 9]], bottomZ: -3, topZ: 0 };
      expect(screenExcavation(received.table, shared, work, RULES)).toEqual(screenExcavation(table, index, work, RULES));
    }
    // A grid whose cells and entries disagree is refused.
    expect(() => adoptGridIndex(shared, { ...received.grid!, cellStart: new Uint32Array(3) })).toThrow(RangeError);
    // So is one whose cells are not sorted by minX (a grid of an older build: the searches stop a
    // cell's scan at the first entry starting right of the box, and would lose items; review15).
    const g = received.grid!, start = g.cellStart;
    let k = 0;
    while (start[k + 1]! - start[k]! < 2) k++;
    const boxes = new Float32Array(g.boxes), words = new Int32Array(boxes.buffer);
    const a = start[k]! * WORDS, b = a + WORDS;
    for (let w = 0; w < WORDS; w++) { const x = words[a + w]!; words[a + w] = words[b + w]!; words[b + w] = x; }
    expect(boxes[a]!).toBeGreaterThan(boxes[b]!);
    expect(() => adoptGridIndex(shared, { ...g, boxes, words })).toThrow(/cell \d+ is not sorted by minX/);
  });
});
