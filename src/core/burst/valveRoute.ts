/**
 * The order a crew visits the valves to close: an open tour from a fixed start (the depot or the
 * burst), by nearest neighbour and then 2-opt until no reversal shortens it (Croes 1958; Lin 1965).
 * Distance is straight-line plan distance in the local frame, m: no road network is known, so the
 * order is a good guess for a crew, not a shortest drive.
 */

export interface PlanPoint {
  x: number;
  y: number;
}

export interface ValveRoute {
  /** Indices into the points, in visiting order. */
  order: number[];
  /** Plan distance of each leg, from the start to the first point and so on, m. */
  legs: number[];
  /** Sum of the legs, m. */
  length: number;
}

/** 2-opt passes are bounded so a pathological input cannot stall a trace; tours here are short. */
const MAX_TWO_OPT_PASSES = 50;

const dist = (a: PlanPoint, b: PlanPoint) => Math.hypot(a.x - b.x, a.y - b.y);

export function orderValveRoute(start: PlanPoint, points: readonly PlanPoint[]): ValveRoute {
  const n = points.length;
  const left = new Set<number>(points.keys());
  const order: number[] = [];
  let at = start;
  while (left.size > 0) {
    let best = -1, bestD = Infinity;
    for (const i of left) {
      const d = dist(at, points[i]!);
      if (d < bestD || (d === bestD && i < best)) { best = i; bestD = d; }
    }
    left.delete(best);
    order.push(best);
    at = points[best]!;
  }
  // Path p[0] = start, p[1..n] = the points; reversing p[i..j] changes two edges (one if j = n).
  const p = (k: number) => (k === 0 ? start : points[order[k - 1]!]!);
  for (let pass = 0; pass < MAX_TWO_OPT_PASSES; pass++) {
    let improved = false;
    for (let i = 1; i < n; i++) {
      for (let j = i + 1; j <= n; j++) {
        const before = dist(p(i - 1), p(i)) + (j < n ? dist(p(j), p(j + 1)) : 0);
        const after = dist(p(i - 1), p(j)) + (j < n ? dist(p(i), p(j + 1)) : 0);
        if (after < before - 1e-9) {
          const reversed = order.slice(i - 1, j).reverse();
          order.splice(i - 1, j - i + 1, ...reversed);
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  const legs = order.map((_, k) => dist(p(k), p(k + 1)));
  return { order, legs, length: legs.reduce((a, b) => a + b, 0) };
}
