/**
 * The clearance report: pairs of the network's own lines whose outside walls sit closer than the
 * rules allow (data/rules/clearances.json, GB 50289-2016, unverified). Each line is a chain of
 * capsules (segment + bounding radius, as in screening): for a rectangular duct that wall lies
 * outside the real one, so every gap below is a lower bound of the true gap (conservative).
 *
 * Frames and units: the model's local metric frame (x east, y north, z elevation), metres.
 *
 * Two kinds of finding for a pair of lines:
 *  - vertical, where their outlines overlap in plan (they cross, or one runs over the other):
 *    the 3D gap between the capsules. For level lines crossing that is the vertical gap between
 *    the walls; for a sloped line or a riser it is smaller than the vertical gap (conservative).
 *  - horizontal, where they run side by side: the plan distance between the walls. Near a
 *    crossing every line comes close in plan to the one it crosses; that closeness belongs to the
 *    crossing. So around a crossing at plan angle θ ≥ crossings.minAngleDeg (the rules table), points
 *    of each line within L = crossings.zoneFactor · (required + rA + rB) / sin θ of the crossing point are
 *    exempt, and the horizontal gap is the smaller of (A outside its zones to all of B) and (all
 *    of A to B outside its zones). For two straight lines crossing, a point at L or more from the
 *    crossing is at least L·sin θ from the other line in plan, so a clean crossing raises no
 *    horizontal finding, while a line that crosses and then runs alongside is caught once it
 *    leaves the zone (zoneFactor ≥ 1). Lines meeting at less than minAngleDeg run side by side: no zone,
 *    and the horizontal clearance applies along them, crossing point included (gap ≤ 0 there).
 *    Outlines that only touch (within the slack) get both checks and no zone.
 *
 * Not clearances: segments of the same link, and links connected at a shared end node (same
 * utility and a fromNode/toNode id in common, or end points within CONNECTION_TOLERANCE_M in 3D).
 * Lines of different utilities are never joined, so meeting ends of two utilities are a clash and
 * are checked.
 *
 * Never miss a violation: the flatbush prefilter searches each segment's plan box padded by its
 * radius + the largest horizontal clearance + slack, a superset of every pair that can be a finding;
 * each comparison gives way by CLEARANCE_SLACK_M, so rounding can add a finding, never drop one.
 * tests/core/clearanceCheck.test.ts checks the whole report against an independent brute-force oracle.
 */
import type Flatbush from 'flatbush';
import { boundingRadius, VERTEX_STRIDE, type Link, type UtilityType } from '../model';
import { meetsBand, requiredClearance, type ClearanceKind, type ClearanceRules, type ClearanceSubject } from './networkRules';
import type { SourcedValue } from './rules';
import type { Point3 } from './screen';
import { closestPair, segSegDist2 } from './segmentSegment';
import { buildSegmentIndex, buildSegmentTable, utilityOfLink, type SegmentTable } from './segmentTable';
import { grow, LinkPairSlots, outsideZones, PairColumns, SPANS, Zones } from './clearancePairs';

/** Rounding allowance, m (as screen.ts VERDICT_SLACK_M): a pair within 1 µm of the limit is a finding. */
export const CLEARANCE_SLACK_M = 1e-6;

/** End points of two links of one utility this close (3D) are one joint: the links are connected. */
export const CONNECTION_TOLERANCE_M = 0.01;


/** The fields of a Link the clearance check reads. */
export type ClearanceLink = Pick<Link, 'id' | 'utility' | 'section' | 'pressureClass' | 'qualityLevel' | 'vertices' | 'fromNode' | 'toNode'>;

export interface ClearanceCheckOptions {
  /**
   * 'index' (default): flatbush prefilter. 'all-pairs': every segment pair, O(n²): the peer in
   * benchmarks, and a check on the prefilter; same findings.
   */
  prefilter?: 'index' | 'all-pairs';
}

export interface ClearanceFinding {
  kind: ClearanceKind;
  /** The pair in input order: linkA comes before linkB in `links`. */
  linkA: string;
  utilityA: UtilityType;
  /** Segment of linkA where the gap is smallest: from vertex segmentA to segmentA + 1. */
  segmentA: number;
  linkB: string;
  utilityB: UtilityType;
  segmentB: number;
  /** Gap between the walls, m: horizontal in plan, vertical in 3D (see above). Negative: the outlines (horizontal) or the pipes (vertical) overlap. */
  actual: number;
  required: number;
  /** required − actual, floored at 0 (a gap within CLEARANCE_SLACK_M of the limit). */
  shortfall: number;
  /** Midway between the two centrelines where the gap is smallest, local frame. */
  point: Point3;
  source: string;
  verified: boolean;
}

export interface ClearanceReport {
  /** One per pair of lines and kind, the smallest gap; most shortfall first (ties: smaller gap, then input order). */
  findings: ClearanceFinding[];
  segmentCount: number;
  /** Segment pairs of different, unconnected links whose plan distance was computed (after the prefilter, if any). */
  segmentPairsTested: number;
  /** Pairs of links skipped as connected. */
  connectedLinkPairs: number;
  /** Zero-length segments dropped (segmentTable.ts): their point is an end of a neighbouring segment. */
  skippedDegenerate: number;
  /** Links with no finite segment: not checked, listed so a reviewer sees the gap. */
  uncheckedLinkIds: string[];
}

function ruleClasses(links: readonly ClearanceLink[], rules: ClearanceRules): { classOf: Uint32Array; horizontal: SourcedValue[]; vertical: SourcedValue[]; count: number } {
  const bands = [...rules.horizontal.pairs, ...rules.vertical.pairs].flatMap((p) => p.bands);
  const byKey = new Map<string, number>();
  const subjects: ClearanceSubject[] = [];
  const classOf = new Uint32Array(links.length);
  links.forEach((l, li) => {
    let key = l.utility as string;
    for (const b of bands) if (b.utility === l.utility) key += meetsBand(b, l) ? '1' : '0';
    let c = byKey.get(key);
    if (c === undefined) {
      c = subjects.length;
      byKey.set(key, c);
      subjects.push({ utility: l.utility, section: l.section, pressureClass: l.pressureClass });
    }
    classOf[li] = c;
  });
  const count = subjects.length;
  const horizontal: SourcedValue[] = [];
  const vertical: SourcedValue[] = [];
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      horizontal.push(requiredClearance(rules.horizontal, subjects[a]!, subjects[b]!));
      vertical.push(requiredClearance(rules.vertical, subjects[a]!, subjects[b]!));
    }
  }
  return { classOf, horizontal, vertical, count };
}

/** Link pairs that are one network joined at a node: same utility, and a shared end node id or end points within CONNECTION_TOLERANCE_M. */
function connectedPairs(links: readonly ClearanceLink[]): LinkPairSlots {
  const out = new LinkPairSlots();
  // One map per utility: node ids are only compared within a utility.
  const byNode = new Map<UtilityType, Map<string, number | number[]>>();
  const join = (node: string | null, li: number, nodes: Map<string, number | number[]>): void => {
    if (node === null) return;
    const seen = nodes.get(node);
    if (seen === undefined) {
      nodes.set(node, li);
    } else if (typeof seen === 'number') {
      out.add(seen, li);
      nodes.set(node, [seen, li]);
    } else {
      for (const other of seen) out.add(other, li);
      seen.push(li);
    }
  };
  links.forEach((l, li) => {
    let nodes = byNode.get(l.utility);
    if (!nodes) byNode.set(l.utility, (nodes = new Map()));
    join(l.fromNode, li, nodes);
    if (l.toNode !== l.fromNode) join(l.toNode, li, nodes);
  });

  // Ends sorted by x, then a sweep over the ones within the tolerance in x.
  let ends = 0;
  for (const l of links) ends += Math.min(2, Math.floor(l.vertices.length / VERTEX_STRIDE));
  const link = new Uint32Array(ends), xs = new Float64Array(ends), ys = new Float64Array(ends), zs = new Float64Array(ends);
  let e = 0;
  links.forEach((l, li) => {
    const count = Math.floor(l.vertices.length / VERTEX_STRIDE);
    for (let k = 0; k < Math.min(2, count); k++) {
      const o = k === 0 ? 0 : (count - 1) * VERTEX_STRIDE;
      const x = l.vertices[o]!, y = l.vertices[o + 1]!, z = l.vertices[o + 2]!;
      if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) {
        link[e] = li; xs[e] = x; ys[e] = y; zs[e] = z; e++;
      }
    }
  });
  const order = new Uint32Array(e);
  for (let k = 0; k < e; k++) order[k] = k;
  order.sort((p, q) => xs[p]! - xs[q]!);
  for (let m = 0; m < e; m++) {
    const a = order[m]!;
    const la = link[a]!;
    for (let n = m + 1; n < e; n++) {
      const b = order[n]!;
      if (xs[b]! - xs[a]! > CONNECTION_TOLERANCE_M) break;
      const lb = link[b]!;
      if (lb === la || links[lb]!.utility !== links[la]!.utility) continue;
      if (Math.hypot(xs[b]! - xs[a]!, ys[b]! - ys[a]!, zs[b]! - zs[a]!) <= CONNECTION_TOLERANCE_M) out.add(la, lb);
    }
  }
  return out;
}

/** Smaller gap wins; equal gaps go to the lower segment pair, so the report does not depend on visiting order. */
function isBetter(gap: number, i: number, j: number, thanGap: number, thanI: number, thanJ: number): boolean {
  if (gap !== thanGap) return gap < thanGap;
  const lo = Math.min(i, j), hi = Math.max(i, j), tlo = Math.min(thanI, thanJ), thi = Math.max(thanI, thanJ);
  return lo < tlo || (lo === tlo && hi < thi);
}

/** Midway between the point at parameter s on segment i and the nearest point of segment j (in plan, or in 3D). */
function midpoint(c: Float64Array, i: number, s: number, j: number, plan: boolean): Point3 {
  const o = i * 6, p = j * 6;
  const ax = c[o]! + s * (c[o + 3]! - c[o]!), ay = c[o + 1]! + s * (c[o + 4]! - c[o + 1]!), az = c[o + 2]! + s * (c[o + 5]! - c[o + 2]!);
  const vx = c[p + 3]! - c[p]!, vy = c[p + 4]! - c[p + 1]!, vz = c[p + 5]! - c[p + 2]!;
  const wz = plan ? 0 : (az - c[p + 2]!) * vz;
  const vv = vx * vx + vy * vy + (plan ? 0 : vz * vz);
  let t = vv > 0 ? ((ax - c[p]!) * vx + (ay - c[p + 1]!) * vy + wz) / vv : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return { x: (ax + c[p]! + t * vx) / 2, y: (ay + c[p + 1]! + t * vy) / 2, z: (az + c[p + 2]! + t * vz) / 2 };
}

/**
 * Every pair of lines closer than the rules allow. `rules` is a validated table
 * (networkRules.ts `validateClearanceRules`). The links are not modified.
 */
export function checkClearances(links: readonly ClearanceLink[], rules: ClearanceRules, options: ClearanceCheckOptions = {}): ClearanceReport {
  const prefilter = options.prefilter ?? 'index';
  if (prefilter !== 'index' && prefilter !== 'all-pairs') throw new RangeError(`checkClearances: prefilter must be 'index' or 'all-pairs'; got ${JSON.stringify(prefilter)}`);
  const t: SegmentTable = buildSegmentTable(links);
  const n = t.segmentCount;
  const c = t.coords, radius = t.radius, linkOf = t.linkOfSegment;
  const { classOf, horizontal, vertical, count } = ruleClasses(links, rules);
  const connected = connectedPairs(links);
  // Zones are sized with the exact radii: the table's radii are rounded up, which would widen them.
  const exactRadius = Float64Array.from(links, (l) => boundingRadius(l.section));
  let reachPad = 0;
  for (const r of horizontal) reachPad = Math.max(reachPad, r.value);
  reachPad += CLEARANCE_SLACK_M;
  const minCrossingSin = Math.sin((rules.crossings.minAngleDeg.value * Math.PI) / 180);
  const zoneFactor = rules.crossings.zoneFactor.value;

  const slots = new LinkPairSlots();
  const cols = new PairColumns();
  const zones = new Zones();
  let candI = new Uint32Array(1 << 16), candJ = new Uint32Array(1 << 16), candSlot = new Uint32Array(1 << 16);
  let candidates = 0;
  let tested = 0;

  const visit = (i: number, j: number): void => {
    const la = linkOf[i]!, lb = linkOf[j]!;
    if (la === lb) return;
    const o = i * 6, p = j * 6;
    const rr = radius[i]! + radius[j]!;
    const rule = classOf[la]! * count + classOf[lb]!;
    const h = horizontal[rule]!.value;
    const reach = rr + h + CLEARANCE_SLACK_M;
    // The plan gap between the two segments' bboxes is a lower bound of their plan distance.
    const gx = Math.max(Math.min(c[o]!, c[o + 3]!) - Math.max(c[p]!, c[p + 3]!), Math.min(c[p]!, c[p + 3]!) - Math.max(c[o]!, c[o + 3]!), 0);
    const gy = Math.max(Math.min(c[o + 1]!, c[o + 4]!) - Math.max(c[p + 1]!, c[p + 4]!), Math.min(c[p + 1]!, c[p + 4]!) - Math.max(c[o + 1]!, c[o + 4]!), 0);
    if (gx * gx + gy * gy >= reach * reach || connected.get(la, lb) >= 0) return;
    tested++;
    const d2 = segSegDist2(c[o]!, c[o + 1]!, 0, c[o + 3]!, c[o + 4]!, 0, c[p]!, c[p + 1]!, 0, c[p + 3]!, c[p + 4]!, 0);
    if (d2 >= reach * reach) return;
    const s = closestPair.s;
    const slot = slots.add(la, lb);
    cols.ensure(slot);
    if (candidates === candI.length) {
      candI = grow(candI, 0); candJ = grow(candJ, 0); candSlot = grow(candSlot, 0);
    }
    candI[candidates] = i; candJ[candidates] = j; candSlot[candidates] = slot; candidates++;
    const planGap = Math.sqrt(d2) - rr;
    if (isBetter(planGap, i, j, cols.hGap[slot]!, cols.hI[slot]!, cols.hJ[slot]!)) {
      cols.hGap[slot] = planGap; cols.hI[slot] = i; cols.hJ[slot] = j; cols.hS[slot] = s;
    }
    // Outlines overlap (or touch, within the slack) in plan: a crossing, or one line over the other.
    if (planGap > CLEARANCE_SLACK_M) return;
    const ux = c[o + 3]! - c[o]!, uy = c[o + 4]! - c[o + 1]!, vx = c[p + 3]! - c[p]!, vy = c[p + 4]! - c[p + 1]!;
    const lu = Math.hypot(ux, uy), lv = Math.hypot(vx, vy);
    const sin = lu > 0 && lv > 0 ? Math.abs(ux * vy - uy * vx) / (lu * lv) : 1;
    // A zone only where the outlines truly overlap: at the touching boundary both checks apply.
    if (sin >= minCrossingSin && planGap <= -CLEARANCE_SLACK_M) {
      const zoneRadius = (zoneFactor * (h + exactRadius[la]! + exactRadius[lb]!)) / sin;
      const ax = c[o]! + s * ux, ay = c[o + 1]! + s * uy;
      const vv = vx * vx + vy * vy;
      let tq = vv > 0 ? ((ax - c[p]!) * vx + (ay - c[p + 1]!) * vy) / vv : 0;
      tq = tq < 0 ? 0 : tq > 1 ? 1 : tq;
      zones.add(cols, slot, la, ax, ay, zoneRadius);
      zones.add(cols, slot, lb, c[p]! + tq * vx, c[p + 1]! + tq * vy, zoneRadius);
    }
    const gap = Math.sqrt(segSegDist2(c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!, c[p]!, c[p + 1]!, c[p + 2]!, c[p + 3]!, c[p + 4]!, c[p + 5]!)) - rr;
    if (isBetter(gap, i, j, cols.vGap[slot]!, cols.vI[slot]!, cols.vJ[slot]!)) {
      cols.vGap[slot] = gap; cols.vI[slot] = i; cols.vJ[slot] = j; cols.vS[slot] = closestPair.s;
    }
  };

  if (n > 1 && prefilter === 'index') {
    const index: Flatbush = buildSegmentIndex(t);
    let current = 0;
    const filter = (j: number): boolean => {
      if (j > current) visit(current, j);
      return false;
    };
    for (let i = 0; i < n; i++) {
      const o = i * 6;
      const pad = radius[i]! + reachPad;
      current = i;
      index.search(
        Math.min(c[o]!, c[o + 3]!) - pad, Math.min(c[o + 1]!, c[o + 4]!) - pad,
        Math.max(c[o]!, c[o + 3]!) + pad, Math.max(c[o + 1]!, c[o + 4]!) + pad, filter,
      );
    }
  } else if (n > 1) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) visit(i, j);
  }

  // Pairs with crossing zones: the horizontal gap again, each segment clipped out of its own line's zones.
  for (let slot = 0; slot < slots.size; slot++) if (cols.zoneHead[slot]! >= 0) cols.hGap[slot] = Infinity;
  for (let k = 0; k < candidates; k++) {
    const slot = candSlot[k]!;
    const head = cols.zoneHead[slot]!;
    if (head < 0) continue;
    const i = candI[k]!, j = candJ[k]!;
    const rr = radius[i]! + radius[j]!;
    for (let side = 0; side < 2; side++) {
      const a = side === 0 ? i : j, b = side === 0 ? j : i;
      const q = a * 6, r = b * 6;
      const x0 = c[q]!, y0 = c[q + 1]!, dx = c[q + 3]! - x0, dy = c[q + 4]! - y0;
      const w = outsideZones(x0, y0, c[q + 3]!, c[q + 4]!, zones, head, linkOf[a]!);
      for (let m = 0; m < w; m += 2) {
        const t0 = SPANS[m]!, t1 = SPANS[m + 1]!;
        const gap = Math.sqrt(segSegDist2(x0 + t0 * dx, y0 + t0 * dy, 0, x0 + t1 * dx, y0 + t1 * dy, 0, c[r]!, c[r + 1]!, 0, c[r + 3]!, c[r + 4]!, 0)) - rr;
        if (isBetter(gap, a, b, cols.hGap[slot]!, cols.hI[slot]!, cols.hJ[slot]!)) {
          cols.hGap[slot] = gap; cols.hI[slot] = a; cols.hJ[slot] = b; cols.hS[slot] = t0 + closestPair.s * (t1 - t0);
        }
      }
    }
  }

  const findings: ClearanceFinding[] = [];
  const pairOf: number[] = [];
  const emit = (kind: ClearanceKind, gap: number, i: number, s: number, j: number, req: SourcedValue): void => {
    const point = midpoint(c, i, s, j, kind === 'horizontal');
    if (linkOf[i]! > linkOf[j]!) [i, j] = [j, i];
    const la = linkOf[i]!, lb = linkOf[j]!;
    pairOf.push(la, lb);
    findings.push({
      kind,
      linkA: t.linkIds[la]!, utilityA: utilityOfLink(t, la), segmentA: t.segmentVertex[i]!,
      linkB: t.linkIds[lb]!, utilityB: utilityOfLink(t, lb), segmentB: t.segmentVertex[j]!,
      actual: gap, required: req.value, shortfall: Math.max(0, req.value - gap), point, source: req.source, verified: req.verified,
    });
  };
  for (let slot = 0; slot < slots.size; slot++) {
    const i = cols.hI[slot]!, j = cols.hJ[slot]!;
    const rule = classOf[linkOf[i]!]! * count + classOf[linkOf[j]!]!;
    const h = horizontal[rule]!, v = vertical[rule]!;
    if (cols.hGap[slot]! < h.value + CLEARANCE_SLACK_M) emit('horizontal', cols.hGap[slot]!, i, cols.hS[slot]!, j, h);
    if (cols.vGap[slot]! < v.value + CLEARANCE_SLACK_M) emit('vertical', cols.vGap[slot]!, cols.vI[slot]!, cols.vS[slot]!, cols.vJ[slot]!, v);
  }
  // Most shortfall first, then smallest gap, then the pair in input order, horizontal before vertical.
  const order = Uint32Array.from(findings, (_, k) => k).sort((p, q) => {
    const a = findings[p]!, b = findings[q]!;
    return b.shortfall - a.shortfall || a.actual - b.actual || pairOf[2 * p]! - pairOf[2 * q]! || pairOf[2 * p + 1]! - pairOf[2 * q + 1]! ||
      (a.kind === b.kind ? 0 : a.kind === 'horizontal' ? -1 : 1);
  });

  return {
    findings: Array.from(order, (k) => findings[k]!),
    segmentCount: n,
    segmentPairsTested: tested,
    connectedLinkPairs: connected.size,
    skippedDegenerate: t.skippedDegenerate,
    uncheckedLinkIds: t.unscreenableLinkIds,
  };
}
