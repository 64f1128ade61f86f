/**
 * Other lines near a burst main: washout around a burst undermines gas, power and telecom lines
 * beside it, so the dispatcher is told which lie within a plan distance of the burst pipe.
 *
 * Distance is plan (horizontal) distance between centrelines in the local frame, m: a cavity
 * spreads sideways and down, so a line under or over the main is near whatever its depth. The
 * caller narrows the candidates first (an R*Tree query on the burst pipe's extent grown by the
 * distance); this measures each candidate exactly, segment against segment.
 */
import { coverAt, VERTEX_STRIDE, type Link, type UtilityType } from '../model';
import { closestPair, segSegDist2 } from '../screening/segmentSegment';

export interface NearbyLine {
  id: string;
  utility: UtilityType;
  subtype: string;
  pressureClass: string | null;
  /** Plan distance between centrelines, m. */
  distance: number;
  /** Cover (ground − top of pipe) at the candidate's point nearest the burst pipe, m. */
  depth: number;
  /** The candidate's point nearest the burst pipe, local frame m. */
  x: number;
  y: number;
}

/**
 * The candidates within `maxDistance` (m, plan) of the burst pipe, nearest first. The burst pipe
 * itself and water lines are left out: the trace already covers the water network.
 */
export function linesNearBurst(burst: Link, candidates: readonly Link[], maxDistance: number): NearbyLine[] {
  const out: NearbyLine[] = [];
  const b = burst.vertices;
  const max2 = maxDistance * maxDistance;
  for (const c of candidates) {
    if (c.id === burst.id || c.utility === 'water') continue;
    const v = c.vertices;
    let bestD2 = Infinity, bestSeg = 0, bestT = 0;
    for (let j = VERTEX_STRIDE; j < v.length; j += VERTEX_STRIDE) {
      const ax = v[j - VERTEX_STRIDE]!, ay = v[j - VERTEX_STRIDE + 1]!;
      for (let i = VERTEX_STRIDE; i < b.length; i += VERTEX_STRIDE) {
        // Plan distance: both segments flattened to z = 0; the candidate first, for its parameter.
        const d2 = segSegDist2(ax, ay, 0, v[j]!, v[j + 1]!, 0, b[i - VERTEX_STRIDE]!, b[i - VERTEX_STRIDE + 1]!, 0, b[i]!, b[i + 1]!, 0);
        if (d2 < bestD2) { bestD2 = d2; bestSeg = j / VERTEX_STRIDE - 1; bestT = closestPair.s; }
      }
    }
    if (bestD2 > max2) continue;
    const depth = coverAt(c, bestSeg) + bestT * (coverAt(c, bestSeg + 1) - coverAt(c, bestSeg));
    const o = bestSeg * VERTEX_STRIDE;
    out.push({
      id: c.id, utility: c.utility, subtype: c.subtype, pressureClass: c.pressureClass,
      distance: Math.sqrt(bestD2), depth,
      x: v[o]! + bestT * (v[o + VERTEX_STRIDE]! - v[o]!), y: v[o + 1]! + bestT * (v[o + VERTEX_STRIDE + 1]! - v[o + 1]!),
    });
  }
  return out.sort((p, q) => p.distance - q.distance || (p.id < q.id ? -1 : 1));
}
