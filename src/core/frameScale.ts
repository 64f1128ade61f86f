/**
 * The local frame's scale at a work, the one bound every screening of local-frame works applies.
 *
 * Distances in the local frame (transverse Mercator, scale 1 on its central meridian, x = 0) read long
 * by a factor k ≈ 1 + x²/2R² at x metres east or west of it: 10 km out, a line 4.999998 m from a pile
 * reads 5.0000044 m and falls outside the 5 m notify distance. Where that error on the largest
 * threshold would pass half of the verdicts' rounding allowance (VERDICT_SLACK_M; about 3 km from the
 * meridian), every threshold of the work is multiplied by a bound on k at the work, rounded up to
 * 1 + 2ⁿ (rules.ts `scaledRules`, cached per factor, each source saying so): a line truly inside a
 * threshold is never read as outside it. Nearer the meridian the rules are returned as they are.
 *
 * Used by DigScreener (lon/lat requests: the API, permits, re-screening, the browser's worker) and by
 * the batch threads (workers/screeningBatch.node.ts), which take works already in the frame.
 */
import type { Excavation } from './screening/excavation';
import { VERDICT_SLACK_M } from './screening/ruleContext';
import { largestThreshold, scaledRules, type ScreeningRules } from './screening/rules';

/**
 * A lower bound of the smallest radius of curvature of GRS80 (ρ at the equator is 6,335,439 m), for
 * the frame's scale error bound, m.
 */
const EARTH_RADIUS_LOWER_M = 6.3e6;

/**
 * The rules for works reaching `maxAbsX` metres from the meridian (their plan extent, half widths
 * included: workReach): `rules` as they are near it, else with every threshold multiplied by the
 * frame's scale there (header). `deepestCentreline`: the network's (SegmentTable.maxCentrelineDepth),
 * for the largest threshold. The threshold is worked out once per scaler; each call is arithmetic, so
 * the batch threads make one scaler per rules table and call it per work.
 */
export function frameScaler(rules: ScreeningRules, deepestCentreline: number): (maxAbsX: number) => ScreeningRules {
  const threshold = largestThreshold(rules, deepestCentreline);
  return (maxAbsX) => {
    const k = frameScaleBound(maxAbsX, threshold);
    return k === 1 ? rules : scaledRules(rules, k);
  };
}

/**
 * The bound on the frame's scale that distances up to `threshold` m, measured among points reaching
 * `maxAbsX` m from the meridian, are multiplied by (header): 1 where the error on `threshold` stays
 * under half of VERDICT_SLACK_M, else 1 + 2ⁿ ≥ the scale there. Also the network clearance report's
 * bound (clearanceCheck.ts), over the network's extent.
 */
export function frameScaleBound(maxAbsX: number, threshold: number): number {
  // The points compared lie within the threshold of the extent.
  const far = Math.max(0, maxAbsX) + threshold;
  const excess = 1.01 * (far * far) / (2 * EARTH_RADIUS_LOWER_M * EARTH_RADIUS_LOWER_M);
  if (!(excess * threshold > VERDICT_SLACK_M / 2)) return 1;
  // Rounded up to a power of two, so the works of one city share a few scaled tables (and their tolerance columns).
  return 1 + 2 ** Math.ceil(Math.log2(excess));
}

/**
 * How far from the frame's meridian a work reaches in plan, m: the largest |x| of its footprint, centre
 * line, path, pits or piles, plus half its width, reamer or pile diameter. Read defensively (the works
 * may not be validated yet): what is not a finite number is skipped, and the kernel's validation refuses it.
 */
export function workReach(w: Excavation): number {
  switch (w.kind) {
    case 'open_cut': return ringReach(w.footprint, 0);
    case 'trench': return ringReach(w.centreline, halfOf(w.width));
    case 'bore': return Math.max(ringReach(w.path, halfOf(w.reamerDiameter)), ringReach(w.entryPit?.footprint, 0), ringReach(w.exitPit?.footprint, 0));
    case 'piles': {
      let far = 0;
      if (Array.isArray(w.piles)) {
        for (const p of w.piles) {
          const x = Math.abs(p?.x) + halfOf(p?.diameter);
          if (x > far) far = x;
        }
      }
      return far;
    }
  }
  return 0;
}

/** The largest |x| of a list of points, plus `pad`; 0 for what is not a list, a point not a finite number skipped. */
function ringReach(points: unknown, pad: number): number {
  let far = 0;
  if (!Array.isArray(points)) return far;
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i];
    const x = Array.isArray(p) ? Math.abs(p[0] as number) + pad : NaN;
    if (x > far) far = x;
  }
  return far;
}

function halfOf(v: unknown): number {
  return typeof v === 'number' && v > 0 && Number.isFinite(v) ? v / 2 : 0;
}
