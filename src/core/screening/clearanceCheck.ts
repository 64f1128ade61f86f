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
 * Not clearances: segments of the same link, and (when the table's joints.exemptJoinedLines is
 * true, as shipped) lines of one utility joined at a node: a fromNode/toNode id in common at ends
 * that meet, or, for
 * lines of one owner and pressure class, end points within joints.toleranceM in 3D or an end inside
 * the other's pipe or duct (a tee onto a main not split there: clearanceJoints.ts). Lines of
 * different utilities are never joined, so meeting ends of two utilities are a clash and are checked.
 *
 * Rules the table has no figure for: a pair whose entry lacks a line's pressure class
 * (`onlyClasses`, networkRules.ts) is checked against the entry's value as a floor, and is also
 * listed in `checkByHand` wherever its gap is under the table's largest value for that kind; a pair
 * the table does not list gets the default, and its findings say so (`basis: 'default'`).
 *
 * Far from the frame's meridian distances in the local frame read long (frameScale.ts): every
 * comparison and the reach use the centreline distance required (required + radii) multiplied by
 * one bound on the frame's scale over the network's extent (`rules.frameScale` in the report; 1 for
 * a network within ~3 km of its meridian), so a pair truly inside its clearance is never read as
 * outside it. `required` in findings stays the table's value.
 *
 * Never miss a violation: the flatbush prefilter searches each segment's plan box padded by its
 * radius + the largest horizontal clearance + slack, a superset of every pair that can be a finding;
 * each comparison gives way by CLEARANCE_SLACK_M, so rounding can add a finding, never drop one.
 * tests/core/clearanceCheck.test.ts checks the whole report against an independent brute-force oracle.
 */
import type Flatbush from 'flatbush';
import { frameScaleBound } from '../frameScale';
import { boundingRadius, type Link, type UtilityType } from '../model';
import { LOCAL_FRAME } from './coverCheck';
import {
  entryCovers, largestClearance, meetsBand, requiredClearance,
  type ClearanceBasis, type ClearanceKind, type ClearanceRules, type ClearanceSubject, type JointRules, type RequiredClearance,
} from './networkRules';
import type { SourcedValue } from './rules';
import type { Point3 } from './screen';
import { closestPair, segSegDist2 } from './segmentSegment';
import { buildSegmentIndex, buildSegmentTable, utilityOfLink, type SegmentTable } from './segmentTable';
import { connectedPairs } from './clearanceJoints';
import { grow, LinkPairSlots, outsideZones, PairColumns, SPANS, Zones } from './clearancePairs';

/** Rounding allowance, m (as screen.ts VERDICT_SLACK_M): a pair within 1 µm of the limit is a finding. */
export const CLEARANCE_SLACK_M = 1e-6;

/** The fields of a Link the clearance check reads. */
export type ClearanceLink = Pick<Link, 'id' | 'utility' | 'subtype' | 'section' | 'pressureClass' | 'owner' | 'qualityLevel' | 'vertices' | 'fromNode' | 'toNode'>;

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
  /** 'table': an entry gave `required`; 'default': the pair is not in the table (the default, the smallest value the standard gives); 'class-not-covered': `required` is a floor only (see `note`). */
  basis: ClearanceBasis;
  /** For 'class-not-covered': which pressure class the entry has no figure for. */
  note: string | null;
}

/** What the clearance report states about the rules it applied (the report body's `rules`). */
export interface ClearanceReportRules {
  /** clearances.json's `version`. */
  version: number;
  /** Where the points are. */
  frame: string;
  /**
   * Every required value (and the search reach) was multiplied by this bound on the local frame's
   * scale over the network before comparing (1 near the frame's meridian): distances in the frame
   * read long far from it (frameScale.ts). `required` in findings is the table's value.
   */
  frameScale: number;
  crossings: ClearanceRules['crossings'];
  /** What an unlisted pair gets, per kind. */
  defaults: { horizontal: SourcedValue; vertical: SourcedValue };
  joints: JointRules;
  /** What is assumed when the data do not say, and the simplifications made. */
  assumptions: string[];
}

export interface ClearanceReport {
  /** One per pair of lines and kind, the smallest gap; most shortfall first (ties: smaller gap, then input order). */
  findings: ClearanceFinding[];
  segmentCount: number;
  /** Segment pairs of different, unconnected links whose plan distance was computed (after the prefilter, if any). */
  segmentPairsTested: number;
  /** Pairs of links skipped as connected (0 when joints.exemptJoinedLines is false). */
  connectedLinkPairs: number;
  /** Of those, pairs joined only by an end lying on the other line's outline (a tee onto an unsplit main). */
  teeJoints: number;
  /**
   * Pairs whose entry has no figure for a line's pressure class, wherever their gap is under the
   * table's largest value for the kind: to be checked by hand (`note` says why; `required` is the
   * floor, and a gap under it is also in `findings`). Same order as findings.
   */
  checkByHand: ClearanceFinding[];
  /** Zero-length segments dropped (segmentTable.ts): their point is an end of a neighbouring segment. */
  skippedDegenerate: number;
  /** Links with no finite segment: not checked, listed so a reviewer sees the gap. */
  uncheckedLinkIds: string[];
  /** The rules applied, stated so a report with no findings still says what it checked. */
  rules: ClearanceReportRules;
}

function ruleClasses(links: readonly ClearanceLink[], rules: ClearanceRules): { classOf: Uint32Array; horizontal: RequiredClearance[]; vertical: RequiredClearance[]; count: number } {
  const entries = [...rules.horizontal.pairs, ...rules.vertical.pairs];
  const bands = entries.flatMap((p) => p.bands);
  const limited = entries.filter((p) => p.onlyClasses !== null);
  const byKey = new Map<string, number>();
  const subjects: ClearanceSubject[] = [];
  const classOf = new Uint32Array(links.length);
  links.forEach((l, li) => {
    let key = l.utility as string;
    for (const b of bands) if (b.utility === l.utility) key += meetsBand(b, l) ? '1' : '0';
    let covered = true;
    for (const e of limited) {
      const c = entryCovers(e, l);
      key += c ? 'c' : 'n';
      covered &&= c;
    }
    // A class without a figure is named in the pair's note: one class of lines per such class.
    if (!covered) key += `|${l.pressureClass ?? ''}`;
    let c = byKey.get(key);
    if (c === undefined) {
      c = subjects.length;
      byKey.set(key, c);
      subjects.push({ utility: l.utility, subtype: l.subtype, section: l.section, pressureClass: l.pressureClass });
    }
    classOf[li] = c;
  });
  const count = subjects.length;
  const horizontal: RequiredClearance[] = [];
  const vertical: RequiredClearance[] = [];
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      horizontal.push(requiredClearance(rules.horizontal, subjects[a]!, subjects[b]!));
      vertical.push(requiredClearance(rules.vertical, subjects[a]!, subjects[b]!));
    }
  }
  return { classOf, horizontal, vertical, count };
}

/** Smaller gap wins; a tie goes to the lower (segment of the line first in input order, the other's): no visiting or storage order (spatialOrder.ts) shows. */
function isBetter(linkOf: Uint32Array, gap: number, i: number, j: number, thanGap: number, thanI: number, thanJ: number): boolean {
  if (gap !== thanGap) return gap < thanGap;
  const first = linkOf[i]! < linkOf[j]!, tFirst = linkOf[thanI]! < linkOf[thanJ]!;
  const lo = first ? i : j, hi = first ? j : i, tlo = tFirst ? thanI : thanJ, thi = tFirst ? thanJ : thanI;
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
  // Zones are sized with the exact radii: the table's radii are rounded up, which would widen them.
  const exactRadius = Float64Array.from(links, (l) => boundingRadius(l.section));
  const index: Flatbush | null = n > 0 ? buildSegmentIndex(t) : null;
  const joints = rules.joints;
  const joined = joints.exemptJoinedLines.value ? connectedPairs(links, t, index, joints.toleranceM.value) : { pairs: new LinkPairSlots(), tees: 0 };
  const connected = joined.pairs;
  const largestH = largestClearance(rules.horizontal), largestV = largestClearance(rules.vertical);
  // The frame's scale over the network: centreline distances up to the largest value + both radii are compared.
  let maxAbsX = 0, maxRadius = 0;
  for (let k = 0; k < n; k++) {
    const x = Math.max(Math.abs(c[6 * k]!), Math.abs(c[6 * k + 3]!)) + radius[k]!;
    if (x > maxAbsX) maxAbsX = x;
    if (radius[k]! > maxRadius) maxRadius = radius[k]!;
  }
  const scale = frameScaleBound(maxAbsX, Math.max(largestH, largestV) + 2 * maxRadius);
  const stretch = scale - 1;
  // Plan reach per rule pair: the required value, or the table's largest where the value is a floor only (such pairs are listed up to there).
  const reachH = Float64Array.from(horizontal, (r) => (r.basis === 'class-not-covered' ? Math.max(r.value, largestH) : r.value));
  let reachPad = 0;
  for (const r of reachH) reachPad = Math.max(reachPad, r);
  reachPad = reachPad * scale + stretch * 2 * maxRadius + CLEARANCE_SLACK_M;
  const minCrossingSin = Math.sin((rules.crossings.minAngleDeg.value * Math.PI) / 180);
  const zoneFactor = rules.crossings.zoneFactor.value;

  const slots = new LinkPairSlots();
  const cols = new PairColumns();
  const zones = new Zones();
  let candI = new Uint32Array(1 << 16), candJ = new Uint32Array(1 << 16), candSlot = new Uint32Array(1 << 16);
  let candidates = 0;
  let tested = 0;

  const visit = (i: number, j: number): void => {
    // The line first in input order first, whatever order the table stores them in.
    if (linkOf[i]! > linkOf[j]!) { const k = i; i = j; j = k; }
    const la = linkOf[i]!, lb = linkOf[j]!;
    if (la === lb) return;
    const o = i * 6, p = j * 6;
    const rr = radius[i]! + radius[j]!;
    const rule = classOf[la]! * count + classOf[lb]!;
    const h = horizontal[rule]!.value;
    const reach = (rr + reachH[rule]!) * scale + CLEARANCE_SLACK_M;
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
    if (isBetter(linkOf, planGap, i, j, cols.hGap[slot]!, cols.hI[slot]!, cols.hJ[slot]!)) {
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
    if (isBetter(linkOf, gap, i, j, cols.vGap[slot]!, cols.vI[slot]!, cols.vJ[slot]!)) {
      cols.vGap[slot] = gap; cols.vI[slot] = i; cols.vJ[slot] = j; cols.vS[slot] = closestPair.s;
    }
  };

  if (n > 1 && index !== null && prefilter === 'index') {
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
        if (isBetter(linkOf, gap, a, b, cols.hGap[slot]!, cols.hI[slot]!, cols.hJ[slot]!)) {
          cols.hGap[slot] = gap; cols.hI[slot] = a; cols.hJ[slot] = b; cols.hS[slot] = t0 + closestPair.s * (t1 - t0);
        }
      }
    }
  }

  const findings: ClearanceFinding[] = [], pairOf: number[] = [];
  const checkByHand: ClearanceFinding[] = [], handPairOf: number[] = [];
  const emit = (into: ClearanceFinding[], pairs: number[], kind: ClearanceKind, gap: number, i: number, s: number, j: number, req: RequiredClearance): void => {
    const point = midpoint(c, i, s, j, kind === 'horizontal');
    if (linkOf[i]! > linkOf[j]!) [i, j] = [j, i];
    const la = linkOf[i]!, lb = linkOf[j]!;
    pairs.push(la, lb);
    into.push({
      kind,
      linkA: t.linkIds[la]!, utilityA: utilityOfLink(t, la), segmentA: t.segmentVertex[i]!,
      linkB: t.linkIds[lb]!, utilityB: utilityOfLink(t, lb), segmentB: t.segmentVertex[j]!,
      actual: gap, required: req.value, shortfall: Math.max(0, req.value - gap), point, source: req.source, verified: req.verified,
      basis: req.basis, note: req.note,
    });
  };
  for (let slot = 0; slot < slots.size; slot++) {
    const i = cols.hI[slot]!, j = cols.hJ[slot]!;
    const rule = classOf[linkOf[i]!]! * count + classOf[linkOf[j]!]!;
    const h = horizontal[rule]!, v = vertical[rule]!;
    const hGap = cols.hGap[slot]!, vGap = cols.vGap[slot]!;
    // A gap g in the frame is a centreline distance g + rr read long: within the limit when g + rr < scale · (limit + rr).
    const hLong = stretch * (radius[i]! + radius[j]!), vLong = stretch * (radius[cols.vI[slot]!]! + radius[cols.vJ[slot]!]!);
    if (hGap < h.value * scale + hLong + CLEARANCE_SLACK_M) emit(findings, pairOf, 'horizontal', hGap, i, cols.hS[slot]!, j, h);
    if (vGap < v.value * scale + vLong + CLEARANCE_SLACK_M) emit(findings, pairOf, 'vertical', vGap, cols.vI[slot]!, cols.vS[slot]!, cols.vJ[slot]!, v);
    if (h.basis === 'class-not-covered' && hGap < largestH * scale + hLong + CLEARANCE_SLACK_M) emit(checkByHand, handPairOf, 'horizontal', hGap, i, cols.hS[slot]!, j, h);
    if (v.basis === 'class-not-covered' && vGap < largestV * scale + vLong + CLEARANCE_SLACK_M) emit(checkByHand, handPairOf, 'vertical', vGap, cols.vI[slot]!, cols.vS[slot]!, cols.vJ[slot]!, v);
  }

  return {
    findings: sorted(findings, pairOf),
    segmentCount: n,
    segmentPairsTested: tested,
    connectedLinkPairs: connected.size,
    teeJoints: joined.tees,
    checkByHand: sorted(checkByHand, handPairOf),
    skippedDegenerate: t.skippedDegenerate,
    uncheckedLinkIds: t.unscreenableLinkIds,
    rules: {
      version: rules.version,
      frame: LOCAL_FRAME,
      frameScale: scale,
      crossings: rules.crossings,
      defaults: { horizontal: rules.horizontal.default, vertical: rules.vertical.default },
      joints: rules.joints,
      assumptions: [
        'each line is a chain of round capsules: a rectangular duct is measured as a round pipe of half its diagonal, so gaps to ducts are understated (conservative; more findings, none missed)',
        'vertical gaps are 3D distances between the capsules where the outlines overlap in plan: on a sloped line or a riser less than the vertical gap (conservative)',
        'a pair not in the table gets the default for its kind (findings say basis "default")',
        'a pressure class an entry has no figure for, or no recorded class (it may be sub-high or high), is checked against the largest figure of the classes the entry lists as a floor and listed in checkByHand',
        `a gap within ${CLEARANCE_SLACK_M} m of the limit counts as a finding (shortfall 0)`,
      ],
    },
  };
}

/** Most shortfall first, then smallest gap, then the pair in input order (`pairOf`: two link indices per finding), horizontal before vertical. */
function sorted(findings: readonly ClearanceFinding[], pairOf: readonly number[]): ClearanceFinding[] {
  const order = Uint32Array.from(findings, (_, k) => k).sort((p, q) => {
    const a = findings[p]!, b = findings[q]!;
    return b.shortfall - a.shortfall || a.actual - b.actual || pairOf[2 * p]! - pairOf[2 * q]! || pairOf[2 * p + 1]! - pairOf[2 * q + 1]! ||
      (a.kind === b.kind ? 0 : a.kind === 'horizontal' ? -1 : 1);
  });
  return Array.from(order, (k) => findings[k]!);
}
