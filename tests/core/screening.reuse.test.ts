/**
 * A screening reuses storage from one call to the next (screen.ts): an open cut is validated into
 * flat rings (openCut.ts) and its prism, piece and volume are overwritten in place (volume.ts
 * `screenedVolume(…, true)`, prism.ts `preparePrismAt(…, into)`). Whatever came before, a cut must
 * get the prism preparePrism gives its validated copy, and the same screening. A trench's pieces
 * likewise (convexPrism.ts `prepareConvexPrismAt(…, into)`, cylinder.ts `prepareCylinder(…, into)`):
 * the volume a fresh `volumeOf` gives, field for field, after trenches of more or fewer legs. A
 * bore's capsules and pit prisms too (capsule.ts `prepareCapsule(…, into)`, prism.ts
 * `preparePrism(…, into)`), after bores of more or fewer legs, with or without pits. A pile group's
 * cylinders too (`prepareCylinder(…, into)`), after groups of more or fewer piles, past the 32 pieces
 * from which a volume gets its own index.
 */
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import { preparePrism } from '../../src/core/screening/distance';
import { validateBore, validateOpenCut, validatePiles, validateTrench, type BorePath, type OpenCut, type PileGroup, type Trench } from '../../src/core/screening/excavation';
import { PIECE_INDEX_FROM } from '../../src/core/screening/volume';
import { openCutPrism } from '../../src/core/screening/openCut';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { screenedVolume, volumeOf, type Piece } from '../../src/core/screening/volume';
import { mulberry32 } from '../../bench/stats';
import { AREA_PER_SEGMENT_M2, network } from '../../bench/syntheticNetwork';

const RULES = validateScreeningRules(rulesJson);
const SEGMENTS = 20_000;
const SIDE = Math.sqrt(SEGMENTS * AREA_PER_SEGMENT_M2);
const TABLE = buildSegmentTable(network(mulberry32(0x2e05e), SEGMENTS, SIDE));
const INDEX = buildSegmentIndex(TABLE);

/** Star-shaped cuts of 3–40 vertices (simple), most of 8+ with square holes, now and then given closed or with a repeated vertex. */
function cuts(count: number): OpenCut[] {
  const rng = mulberry32(0x2e05);
  return Array.from({ length: count }, () => {
    const cx = 100 + rng() * (SIDE - 200), cy = 100 + rng() * (SIDE - 200), r = 3 + rng() * 40;
    const n = 3 + Math.floor(rng() * 38), a0 = rng() * 2 * Math.PI;
    const footprint = Array.from({ length: n }, (_, i) => {
      const a = a0 + (2 * Math.PI * i) / n, rr = r * (0.5 + rng() / 2);
      return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as [number, number];
    });
    if (rng() < 0.2) footprint.push(footprint[0]!);
    if (rng() < 0.2) footprint.splice(1, 0, footprint[1]!);
    const cut: OpenCut = { kind: 'open_cut', footprint, bottomZ: -1 - rng() * 6, topZ: 0 };
    // Holes within r/3 of the centre: inside every footprint of 8+ vertices (inradius ≥ r/2 · cos(π/8)).
    if (n >= 8 && rng() < 0.6) {
      const h = r * 0.08;
      cut.holes = Array.from({ length: 1 + Math.floor(rng() * 3) }, (_, k) => {
        const x = cx + (k - 1) * r * 0.25;
        return [[x - h, cy - h], [x + h, cy - h], [x + h, cy + h], [x - h, cy + h]];
      });
    }
    return cut;
  });
}

/**
 * Each work screened in order, then in reverse, gives the same results; so does each seventh after a
 * refusal of (a broken copy of) the next one.
 */
function expectSameWhateverCameBefore<W extends OpenCut | Trench | BorePath | PileGroup>(works: W[], broken: (w: W) => unknown, refusal: RegExp): void {
  const forward = works.map((w) => screenExcavation(TABLE, INDEX, w, RULES));
  expect(forward.reduce((n, r) => n + r.lines.length, 0)).toBeGreaterThan(works.length);
  const backward = [...works].reverse().map((w) => screenExcavation(TABLE, INDEX, w, RULES)).reverse();
  expect(backward).toEqual(forward);
  for (let i = 0; i < works.length; i += 7) {
    expect(() => screenExcavation(TABLE, INDEX, broken(works[(i + 1) % works.length]!) as W, RULES)).toThrow(refusal);
    expect(screenExcavation(TABLE, INDEX, works[i]!, RULES)).toEqual(forward[i]);
  }
}

describe('storage reused between screenings', () => {
  const CUTS = cuts(300);

  it('prepares into a used prism exactly the prism of the validated cut', () => {
    let into = openCutPrism(CUTS[0]!);
    for (const cut of CUTS) {
      const v = validateOpenCut(cut);
      into = openCutPrism(cut, into);
      expect(into).toEqual(preparePrism(v.footprint, v.bottomZ, v.topZ, v.holes ?? []));
      // Cut to length: a smaller cut after a larger one leaves nothing of it behind.
      expect(into.xs.length).toBe(into.vertexCount);
      expect(into.invEdgeLength.length).toBe(into.vertexCount);
    }
  });

  it('gives the reused volume the bounds and prism of a fresh one', () => {
    for (const cut of CUTS) {
      const reused = screenedVolume(cut, true), fresh = screenedVolume(cut);
      expect(reused).toEqual(fresh);
    }
  });

  it('screens a cut the same whatever was screened before it (in order, reversed, after a refusal)', () => {
    // A refusal part-way through reading a larger cut's rings leaves the next screening unchanged.
    expectSameWhateverCameBefore(CUTS, (big) => ({ ...big, footprint: [...big.footprint, [NaN, 0]] }), /footprint/);
  });
});

/**
 * Each work's reused volume (`screenedVolume(…, true)`) equals a fresh `volumeOf`, field for field;
 * returns the vertex counts `count` gives its pieces (null: not counted), sorted.
 */
function reusedVertexCounts(works: readonly (Trench | BorePath | PileGroup)[], count: (p: Piece) => number | null): number[] {
  const seen = new Set<number>();
  for (const w of works) {
    const reused = screenedVolume(w, true), fresh = volumeOf(w);
    expect(reused).toEqual(fresh);
    for (const p of reused.pieces) { const n = count(p); if (n !== null) seen.add(n); }
  }
  return [...seen].sort((a, b) => a - b);
}

/** Trenches of 2–8 vertices, straight, slightly bent (a widened joint), bent (mitre of 4 vertices) and sharply bent (cut mitre of 5). */
function trenches(count: number): Trench[] {
  const rng = mulberry32(0x7e2e);
  const out: Trench[] = [];
  while (out.length < count) {
    const n = 2 + Math.floor(rng() * 7);
    let x = 100 + rng() * (SIDE - 200), y = 100 + rng() * (SIDE - 200), a = rng() * 2 * Math.PI;
    const centreline: [number, number][] = [[x, y]];
    for (let i = 1; i < n; i++) {
      const len = 2 + rng() * 40;
      x += len * Math.cos(a); y += len * Math.sin(a);
      centreline.push([x, y]);
      a += [0, 1e-4, 0.3, 1.2, 2.4][Math.floor(rng() * 5)]! * (rng() < 0.5 ? -1 : 1);
    }
    try {
      out.push(validateTrench({ kind: 'trench', centreline, width: 0.3 + rng() * 2, bottomZ: centreline.map(() => -1 - rng() * 3), topZ: 0 }));
    } catch { /* met itself: drawn again */ }
  }
  return out;
}

describe("a trench's pieces reused between screenings", () => {
  const TRENCHES = trenches(200);

  it('gives the reused volume the pieces, bounds and prisms of a fresh one, field for field', () => {
    // Boxes and mitres of 4 vertices, cut mitres of 5: a smaller piece after a larger leaves nothing behind.
    expect(reusedVertexCounts(TRENCHES, (p) => (p.shape === 'convex' ? p.convex.vertexCount : null))).toEqual([4, 5]);
  });

  it('screens a trench the same whatever was screened before it (in order, reversed, after a refusal)', () => {
    expectSameWhateverCameBefore(TRENCHES, (big) => ({ ...big, width: -1 }), /width/);
  });
});

/**
 * Bores of 2–8 vertices, with both pits, one or none; pits of 4 or 6 vertices, now and then with a
 * hole (away from the path's end, which the pit holds).
 */
function bores(count: number): BorePath[] {
  const rng = mulberry32(0xb02e);
  const pit = (x: number, y: number, sides: number, holed: boolean): OpenCut => {
    const a0 = rng() * 2 * Math.PI, r = 2 + rng() * 2;
    const footprint = Array.from({ length: sides }, (_, i) => {
      const a = a0 + (2 * Math.PI * i) / sides;
      return [x + r * Math.cos(a), y + r * Math.sin(a)] as [number, number];
    });
    const cut: OpenCut = { kind: 'open_cut', footprint, bottomZ: -2.5 - rng(), topZ: 0 };
    if (holed) cut.holes = [[[x + 0.8, y - 0.2], [x + 1.2, y - 0.2], [x + 1.2, y + 0.2], [x + 0.8, y + 0.2]]];
    return cut;
  };
  const out: BorePath[] = [];
  while (out.length < count) {
    const n = 2 + Math.floor(rng() * 7);
    let x = 100 + rng() * (SIDE - 200), y = 100 + rng() * (SIDE - 200), a = rng() * 2 * Math.PI;
    const path: [number, number, number][] = [[x, y, -2]];
    for (let i = 1; i < n; i++) {
      const len = 5 + rng() * 60;
      x += len * Math.cos(a); y += len * Math.sin(a);
      path.push([x, y, i === n - 1 ? -2 : -3 - rng() * 8]);
      a += (rng() - 0.5) * 0.6;
    }
    const bore: BorePath = { kind: 'bore', path, reamerDiameter: 0.1 + rng() * 0.6 };
    if (rng() < 0.7) bore.entryPit = pit(path[0]![0], path[0]![1], rng() < 0.5 ? 4 : 6, rng() < 0.3);
    if (rng() < 0.7) bore.exitPit = pit(x, y, rng() < 0.5 ? 4 : 6, rng() < 0.3);
    try {
      out.push(validateBore(bore));
    } catch { /* met itself: drawn again */ }
  }
  return out;
}

describe("a bore's pieces reused between screenings", () => {
  const BORES = bores(200);

  it('gives the reused volume the pieces, bounds, capsules and pit prisms of a fresh one, field for field', () => {
    // Pits of 4 and 6 vertices, and those with a hole (8 and 10), each cut to length after a larger one.
    const pits = reusedVertexCounts(BORES, (p) => {
      if (p.shape !== 'prism') return null;
      expect(p.prism.xs.length).toBe(p.prism.vertexCount);
      return p.prism.vertexCount;
    });
    expect(pits).toEqual([4, 6, 8, 10]);
  });

  it('screens a bore the same whatever was screened before it (in order, reversed, after a refusal)', () => {
    expectSameWhateverCameBefore(BORES, (big) => ({ ...big, reamerDiameter: -1 }), /reamerDiameter/);
  });
});

/** Pile groups of 1–40 piles (a few past PIECE_INDEX_FROM), spread over a few metres, of mixed diameters and depths. */
function pileGroups(count: number): PileGroup[] {
  const rng = mulberry32(0x9113);
  return Array.from({ length: count }, (_, k) => {
    const n = k % 10 === 9 ? PIECE_INDEX_FROM + 1 + Math.floor(rng() * 8) : 1 + Math.floor(rng() * 24);
    const cx = 100 + rng() * (SIDE - 200), cy = 100 + rng() * (SIDE - 200), spread = 1 + rng() * 12;
    return validatePiles({
      kind: 'piles',
      piles: Array.from({ length: n }, () => ({
        x: cx + (rng() - 0.5) * spread, y: cy + (rng() - 0.5) * spread, diameter: 0.05 + rng() * 1.2, topZ: rng() * 0.5, depth: 0.5 + rng() * 15,
      })),
    });
  });
}

describe("a pile group's cylinders reused between screenings", () => {
  const GROUPS = pileGroups(200);

  it('gives the reused volume the pieces, bounds and cylinders of a fresh one, field for field', () => {
    const sizes = new Set<number>();
    for (const g of GROUPS) {
      const reused = screenedVolume(g, true), fresh = volumeOf(g);
      expect(reused).toEqual(fresh);
      expect(reused.index === null).toBe(g.piles.length <= PIECE_INDEX_FROM);
      sizes.add(reused.pieces.length);
    }
    // Smaller groups after larger ones (nothing left behind), and groups that get their own index.
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBeGreaterThan(PIECE_INDEX_FROM);
  });

  it('screens a pile group the same whatever was screened before it (in order, reversed, after a refusal)', () => {
    expectSameWhateverCameBefore(GROUPS, (big) => ({ ...big, piles: [...big.piles, { ...big.piles[0]!, diameter: -1 }] }), /diameter/);
  });
});
