/**
 * A batch of works and its summaries as flat numbers, for sending between threads without the
 * structured clone of thousands of small objects (src/server/screeningPool.ts and
 * workers/screeningBatch.node.ts). Plain open cuts — the bulk of a batch — go into one Float64Array;
 * any other work (holes, other kinds, anything odd) goes as the object it is. Decoding gives back
 * objects that validate exactly as the originals: the same numbers, the same nesting, nothing more.
 *
 * Works layout, per work: n (footprint vertices), x0, y0, … x(n−1), y(n−1), bottomZ, topZ; or
 * −1 − i for the i-th work sent as an object.
 * Summaries layout: SUMMARY_STRIDE numbers per work (strike, encroach, near, candidates, tested); the
 * table-wide fields of a summary (segmentsInNetwork, unscreenableLinkIds, skippedNonFiniteSegments)
 * are the receiver's to add, from the network it shared.
 */
import type { Excavation } from './excavation';
import type { ScreeningSummary } from './screen';
import type { SegmentTable } from './segmentTable';

export interface PackedWorks {
  numbers: Float64Array;
  /** Works that are not plain open cuts, in order; `numbers` points at them. */
  objects: Excavation[];
  count: number;
}

/** A plain open cut: kind, footprint of [number, number] and two numbers, no other key. */
function plainFootprint(w: Excavation): [number, number][] | null {
  if (typeof w !== 'object' || w === null || w.kind !== 'open_cut') return null;
  const keys = Object.keys(w);
  if (keys.length !== 4 || typeof w.bottomZ !== 'number' || typeof w.topZ !== 'number') return null;
  const f = w.footprint as unknown;
  if (!Array.isArray(f)) return null;
  for (const p of f as unknown[]) {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') return null;
  }
  return f as [number, number][];
}

export function packWorks(works: readonly Excavation[]): PackedWorks {
  let size = 0;
  for (const w of works) { const f = plainFootprint(w); size += f ? 3 + 2 * f.length : 1; }
  const numbers = new Float64Array(size);
  const objects: Excavation[] = [];
  let o = 0;
  for (const w of works) {
    const f = plainFootprint(w);
    if (!f) { numbers[o++] = -1 - objects.length; objects.push(w); continue; }
    numbers[o++] = f.length;
    for (const [x, y] of f) { numbers[o++] = x; numbers[o++] = y; }
    numbers[o++] = (w as { bottomZ: number }).bottomZ;
    numbers[o++] = (w as { topZ: number }).topZ;
  }
  return { numbers, objects, count: works.length };
}

export function unpackWorks(p: PackedWorks): Excavation[] {
  const out = new Array<Excavation>(p.count);
  const a = p.numbers;
  let o = 0;
  for (let i = 0; i < p.count; i++) {
    const head = a[o++]!;
    if (head < 0) { out[i] = p.objects[-1 - head]!; continue; }
    const footprint = new Array<[number, number]>(head);
    for (let v = 0; v < head; v++, o += 2) footprint[v] = [a[o]!, a[o + 1]!];
    out[i] = { kind: 'open_cut', footprint, bottomZ: a[o]!, topZ: a[o + 1]! };
    o += 2;
  }
  return out;
}

export const SUMMARY_STRIDE = 5;

/** Writes summary i's own counts into `out`. */
export function writeSummary(out: Float64Array, i: number, s: ScreeningSummary): void {
  const o = i * SUMMARY_STRIDE;
  out[o] = s.strike; out[o + 1] = s.encroach; out[o + 2] = s.near; out[o + 3] = s.candidates; out[o + 4] = s.segmentsTested;
}

/** Summary i from the counts, with the table-wide fields from `table` (as screenExcavation fills them). */
export function readSummary(counts: Float64Array, i: number, table: Pick<SegmentTable, 'segmentCount' | 'unscreenableLinkIds' | 'skippedNonFinite'>): ScreeningSummary {
  const o = i * SUMMARY_STRIDE;
  return {
    strike: counts[o]!, encroach: counts[o + 1]!, near: counts[o + 2]!,
    candidates: counts[o + 3]!, segmentsTested: counts[o + 4]!, segmentsInNetwork: table.segmentCount,
    unscreenableLinkIds: [...table.unscreenableLinkIds], skippedNonFiniteSegments: table.skippedNonFinite,
  };
}
