/**
 * What fronts a street block: building parcels on both sides and the hydrants at the kerb, placed
 * by chainage along the street (m from its first corner). A parcel is served where the sewer has a
 * manhole (CJJ practice: house connections enter at inspection chambers), so there is one parcel
 * per side per intermediate manhole, 30–50 m of frontage each; its water and gas services leave
 * the mains a few metres along. Hydrants stand on the left kerb (hydrants.ts), and a gully on
 * each kerb beside every storm manhole (GB 50014 spaces them 25–50 m). Every line that
 * crosses the street keeps 2.5 m from the next, so no two of them run into each other.
 */
import type { CustomerClass } from '../model';
import { closestOnPolyline } from './geometry';
import type { CityPlan } from './cityPlan';
import { clearRun } from './corners';
import { chance, rngFor, weighted } from './random';
import type { StreetEdge } from './streetGraph';

export interface Parcel {
  side: 1 | -1;
  /** Index (into the sewer line's manholes) of the manhole its lateral enters. */
  manhole: number;
  lateralAt: number;
  waterAt: number | null;
  gasAt: number | null;
  customerClass: CustomerClass;
  /** Critical customers (hospitals, schools) are named; see streetFeatures.ts. */
  name: string | null;
}

export interface Frontage {
  /** Chainage range within which lines may leave the mains (clear of both corners). */
  from: number;
  to: number;
  parcels: Parcel[];
  hydrantsAt: number[];
  /** Street gullies at the kerbs, each draining into the storm manhole in front of it. */
  gullies: { side: 1 | -1; manhole: number; at: number }[];
  /** Where a long water main is split by an in-line valve. */
  inlineValvesAt: number[];
}

const CROSSING_LINE_SPACING_M = 2.5;
/** How far along the street from its manhole a lateral may run square across (then turn in). */
const LATERAL_ALONG_M = [2, 2.5, 3, 3.5, 4];
/** A main run longer than this gets an in-line valve (and is split there). */
const LONG_RUN_M = 300;
const GAS_CUSTOMER_SHARE = 0.85;
const CUSTOMER_MIX: readonly (readonly [CustomerClass, number])[] = [['domestic', 68.8], ['business', 30], ['critical', 1.2]];

/** Chainage along the edge's centre line of the point nearest p. */
function chainageOf(edge: StreetEdge, p: { x: number; y: number }): number {
  const q = closestOnPolyline(p, edge.points);
  return edge.cum[q.segment]! + q.f * (edge.cum[q.segment + 1]! - edge.cum[q.segment]!);
}

export function layOutFrontage(plan: CityPlan, edge: StreetEdge): Frontage {
  const [from, to] = clearRun(plan.graph, edge);
  const r = rngFor(plan.seed, 'frontage', edge.id);
  const taken: number[] = [];
  const clear = (c: number) => c >= from && c <= to && taken.every((t) => Math.abs(t - c) >= CROSSING_LINE_SPACING_M);
  /** The nearest clear chainage to c within `reach` m, taken; null when there is none. */
  const claim = (c: number, reach: number): number | null => {
    for (let d = 0; d <= reach; d += 0.5) {
      for (const cc of [c + d, c - d]) {
        if (clear(cc)) {
          taken.push(cc);
          return cc;
        }
      }
    }
    return null;
  };

  const hydrantsAt: number[] = [];
  if (plan.carries(edge.id, 'water')) {
    for (const c of plan.hydrantsAlong(edge.id)) {
      const at = claim(c, 8);
      if (at !== null) hydrantsAt.push(at);
    }
  }
  const sewer = plan.sewer.lines.get(edge.id);
  const manholes = sewer ? sewer.manholes.slice(1, -1).map((i, k) => ({ k: k + 1, c: chainageOf(edge, sewer.vertices[i]!) })) : [];
  const laterals: { side: 1 | -1; manhole: number; at: number }[] = [];
  for (const m of manholes) {
    for (const side of [1, -1] as const) {
      const at = LATERAL_ALONG_M.map((d) => m.c + d * side).find(clear);
      if (at !== undefined) {
        taken.push(at);
        laterals.push({ side, manhole: m.k, at });
      }
    }
  }
  const hasGas = plan.carries(edge.id, 'gas');
  const parcels: Parcel[] = laterals.map(({ side, manhole, at }) => ({
    side, manhole, lateralAt: at,
    waterAt: claim(at + (side === 1 ? 8 : 12), 5),
    gasAt: hasGas && chance(r, GAS_CUSTOMER_SHARE) ? claim(at - (side === 1 ? 11 : 15), 5) : null,
    customerClass: weighted(r, CUSTOMER_MIX),
    name: null,
  }));

  const storm = plan.storm.lines.get(edge.id);
  const gullies: Frontage['gullies'] = [];
  for (const [k, i] of (storm?.manholes.slice(1, -1) ?? []).entries()) {
    // A gully connection turns along the street into its manhole: it claims the manhole's chainage too.
    const manholeAt = claim(chainageOf(edge, storm!.vertices[i]!), 0);
    if (manholeAt === null) continue;
    for (const side of [1, -1] as const) {
      const at = manholeAt + 3 * side;
      if (clear(at)) {
        taken.push(at);
        gullies.push({ side, manhole: k + 1, at });
      }
    }
  }

  const inlineValvesAt: number[] = [];
  if (edge.length > LONG_RUN_M) {
    const pieces = Math.ceil(edge.length / (LONG_RUN_M - 20));
    for (let k = 1; k < pieces; k++) {
      const c = (edge.length * k) / pieces;
      // Beside, not on, a tee: a metre and a half from anything leaving the main.
      const free = [...Array(21).keys()].map((i) => c + (i % 2 ? 1 : -1) * Math.ceil(i / 2) * 0.5)
        .find((cc) => taken.every((t) => Math.abs(t - cc) >= 1.5));
      if (free !== undefined) inlineValvesAt.push(free);
    }
  }
  return { from, to, parcels, hydrantsAt, gullies, inlineValvesAt };
}
