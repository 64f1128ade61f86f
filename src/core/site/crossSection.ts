/**
 * A vertical slice across a dig (the contractor's cross-section, DESIGN.md users table): where it is
 * cut, the outline of the screened volume in it (volume.ts pieces, not a second copy of the trench or
 * bore geometry) and each line's cut. Pure geometry in the local frame; a slice point is (s, z): s m
 * along the slice from its origin, z elevation m.
 *
 * Where the slice goes. A trench or bore: square to the centre line (path) leg nearest to `through`
 * (the most severe line's closest point), through that point's foot on the leg, or the middle of the
 * middle leg; if the line to show would cross that slice at less than MIN_CROSSING_ANGLE_DEG (a line
 * crossing the trench square lies in it: the usual case), along the leg instead. The foot is kept
 * SLICE_INSET of the leg's length in from its ends: a line struck just past a trench's end has its
 * foot on the end, and a slice there cut the trench's end face as a sliver or not at all (review14).
 * An open cut: across its shorter side (square to its longest edge), through `through` or the
 * centroid; turned across the longer side by the same rule (a line lying in the slice has no cut to
 * draw). The slice is kept at least SLICE_INSET of the footprint's length in from its ends: a
 * struck line's closest point is often where it enters the pit, on a side, and a slice along that
 * side would show the pit as a sliver. Piles: square to the line when one is given, else west–east.
 */
import { closestOnPolyline } from '../city/geometry';
import { VERTEX_STRIDE } from '../model';
import type { Excavation } from '../screening/excavation';
import type { Piece, Volume } from '../screening/volume';

export const MIN_CROSSING_ANGLE_DEG = 30;
/**
 * How far in from a work's ends its slice stays: an open cut's, as a fraction of the footprint's
 * length across the slice; a trench's or bore's foot, of the leg's length.
 */
export const SLICE_INSET = 0.1;

export interface SlicePlane {
  /** A point of the slice and its unit direction in plan; s = (p − o)·u, the normal is (−uy, ux). */
  ox: number; oy: number; ux: number; uy: number;
  /** Cuts farther than this from o along the slice are left out, m. */
  halfLength: number;
}

type XY = readonly [number, number];

function footOnPath(path: readonly XY[], through: XY | null): { x: number; y: number; dx: number; dy: number } {
  // Repeated points dropped: every leg has a direction.
  const pts = path.map(([x, y]) => ({ x, y })).filter((p, i, all) => i === 0 || p.x !== all[i - 1]!.x || p.y !== all[i - 1]!.y);
  if (pts.length < 2) return { x: pts[0]?.x ?? 0, y: pts[0]?.y ?? 0, dx: 1, dy: 0 };
  // The nearest leg by the true foot (or, with no point to pass through, the middle leg's middle).
  const foot = through ? closestOnPolyline({ x: through[0], y: through[1] }, pts) : { segment: Math.floor((pts.length - 2) / 2), f: 0.5 };
  const a = pts[foot.segment]!, b = pts[foot.segment + 1]!;
  const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy);
  // The slice goes through the foot kept in from the leg's ends.
  const f = Math.max(SLICE_INSET, Math.min(1 - SLICE_INSET, foot.f));
  return { x: a.x + f * dx, y: a.y + f * dy, dx: dx / len, dy: dy / len };
}

/**
 * The direction across an open cut's shorter side: square to its longest edge (a rectangle's long
 * side), and its centroid (of vertices). Tried first: the footprint's minor principal axis; on a
 * square pit (four taps) the axes are any pair, and a diagonal slice near a corner cut the pit as a
 * sliver (1.2 m of a 5.4 m pit in the first e2e screenshot). An edge's square never runs diagonally.
 */
function acrossShortSide(ring: readonly XY[]): { cx: number; cy: number; ux: number; uy: number } {
  const n = ring.length;
  const cx = ring.reduce((s, p) => s + p[0], 0) / n, cy = ring.reduce((s, p) => s + p[1], 0) / n;
  let ex = 1, ey = 0, longest = -1;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = ring[i]!, [bx, by] = ring[(i + 1) % n]!;
    const len = Math.hypot(bx - ax, by - ay);
    if (len > longest) { longest = len; ex = (bx - ax) / len; ey = (by - ay) / len; }
  }
  return { cx, cy, ux: -ey, uy: ex };
}

/**
 * The slice across a work (see the header). `lineDir`: the plan direction of the line to show
 * where it passes closest (any length), so the slice can be turned to cut it.
 */
export function slicePlaneFor(work: Excavation, through: XY | null, lineDir: XY | null, halfLength: number): SlicePlane {
  const crossesWell = (ux: number, uy: number): boolean => {
    if (!lineDir) return true;
    const len = Math.hypot(lineDir[0], lineDir[1]);
    // |sin| of the angle between the line and the slice: its component along the slice's normal.
    return len === 0 || Math.abs(-uy * lineDir[0] + ux * lineDir[1]) / len >= Math.sin((MIN_CROSSING_ANGLE_DEG * Math.PI) / 180);
  };
  switch (work.kind) {
    case 'trench': case 'bore': {
      const path: XY[] = work.kind === 'trench' ? work.centreline : work.path.map((p): XY => [p[0], p[1]]);
      const f = footOnPath(path, through);
      const [ux, uy] = crossesWell(-f.dy, f.dx) ? [-f.dy, f.dx] : [f.dx, f.dy];
      return { ox: f.x, oy: f.y, ux, uy, halfLength };
    }
    case 'open_cut': {
      const a = acrossShortSide(work.footprint);
      const [tx, ty] = through ?? [a.cx, a.cy];
      const [ux, uy] = crossesWell(a.ux, a.uy) ? [a.ux, a.uy] : [a.uy, -a.ux];
      // Along the slice's normal (nx, ny) = (−uy, ux): the footprint's extent, and the slice kept inside it.
      const along = work.footprint.map(([x, y]) => -uy * (x - tx) + ux * (y - ty));
      const lo = Math.min(...along), hi = Math.max(...along), inset = (hi - lo) * SLICE_INSET;
      const shift = Math.min(Math.max(0, lo + inset), hi - inset);
      return { ox: tx - uy * shift, oy: ty + ux * shift, ux, uy, halfLength };
    }
    case 'piles': {
      const n = work.piles.length;
      const [ox, oy] = through ?? [work.piles.reduce((s, p) => s + p.x, 0) / n, work.piles.reduce((s, p) => s + p.y, 0) / n];
      const len = lineDir ? Math.hypot(lineDir[0], lineDir[1]) : 0;
      return len > 0 ? { ox, oy, ux: -lineDir![1] / len, uy: lineDir![0] / len, halfLength } : { ox, oy, ux: 1, uy: 0, halfLength };
    }
  }
}

/** Signed distance of a plan point from the slice (along its normal) and its s. */
export function planeCoords(p: SlicePlane, x: number, y: number): [number, number] {
  const rx = x - p.ox, ry = y - p.oy;
  return [-p.uy * rx + p.ux * ry, p.ux * rx + p.uy * ry];
}

/** A closed outline in the slice: [s, z] per corner. */
export type SliceOutline = [number, number][];

/** A plan point this close to the slice (m) lies in it: rounding must not decide whether an edge is cut. */
const IN_SLICE_M = 1e-9;

/**
 * Where the slice meets a polygon's edges (edge i: vertex i to next(i)), as [s, z] (z linear along
 * the edge). `crossings`: sides taken as d ≥ 0 and d < 0, so that even–odd pairing holds when the
 * slice passes through a vertex. `lying`: both ends of each edge lying in the slice (a slice along a
 * side: the half-open rule counts it from one side only, and a convex piece's end face was drawn
 * half or not at all, review14).
 */
function edgeCrossings(p: SlicePlane, count: number, x: (i: number) => number, y: (i: number) => number, z: (i: number) => number, next: (i: number) => number): { crossings: [number, number][]; lying: [[number, number], [number, number]][] } {
  const crossings: [number, number][] = [], lying: [[number, number], [number, number]][] = [];
  const at = (i: number): [number, number] => {
    const [d, s] = planeCoords(p, x(i), y(i));
    return [Math.abs(d) <= IN_SLICE_M ? 0 : d, s];
  };
  for (let i = 0; i < count; i++) {
    const j = next(i);
    const [da, sa] = at(i), [db, sb] = at(j);
    if (da === 0 && db === 0) lying.push([[sa, z(i)], [sb, z(j)]]);
    if ((da >= 0) === (db >= 0)) continue;
    const t = da / (da - db);
    crossings.push([sa + t * (sb - sa), z(i) + t * (z(j) - z(i))]);
  }
  crossings.sort((a, b) => a[0] - b[0]);
  return { crossings, lying };
}

const CAPSULE_NORMALS = 32;
/** How far a drawn capsule cut may stand outside the true one, m. */
const CAPSULE_GAP_M = 1e-3;
const CAPSULE_MAX_HALVINGS = 24;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const GOLDEN_STEPS = 60;

/** The outline(s) of one piece in the slice. */
function slicePiece(p: SlicePlane, piece: Piece): SliceOutline[] {
  switch (piece.shape) {
    case 'prism': {
      const pr = piece.prism;
      // Even–odd over the edges of every ring: holes leave gaps between the intervals.
      const { crossings: xs, lying } = edgeCrossings(p, pr.vertexCount, (i) => pr.originX + pr.xs[i]!, (i) => pr.originY + pr.ys[i]!, () => 0, (i) => pr.next[i]!);
      const out: SliceOutline[] = [];
      const wall = (a: number, b: number): void => {
        const s0 = Math.min(a, b), s1 = Math.max(a, b);
        if (s1 > s0) out.push([[s0, pr.topZ], [s1, pr.topZ], [s1, pr.bottomZ], [s0, pr.bottomZ]]);
      };
      for (let k = 0; k + 1 < xs.length; k += 2) wall(xs[k]![0], xs[k + 1]![0]);
      // A side lying in the slice: the wall is there (drawn again when even–odd already gave it).
      for (const [a, b] of lying) wall(a[0], b[0]);
      return out;
    }
    case 'convex': {
      const c = piece.convex;
      const e = edgeCrossings(p, c.vertexCount, (i) => c.originX + c.xs[i]!, (i) => c.originY + c.ys[i]!, (i) => c.bottomAt[i]!, (i) => (i + 1) % c.vertexCount);
      // Convex: the section runs from the least to the greatest s met, an edge lying in the slice included.
      const xs = [...e.crossings, ...e.lying.flat()].sort((a, b) => a[0] - b[0]);
      if (xs.length < 2) return [];
      const a = xs[0]!, b = xs[xs.length - 1]!;
      return b[0] > a[0] ? [[[a[0], c.topZ], [b[0], c.topZ], [b[0], b[1]], [a[0], a[1]]]] : [];
    }
    case 'cylinder': {
      const c = piece.cylinder;
      const [d, sc] = planeCoords(p, c.centreX, c.centreY);
      if (Math.abs(d) >= c.radius) return [];
      const half = Math.sqrt(c.radius * c.radius - d * d);
      return [[[sc - half, c.topZ], [sc + half, c.topZ], [sc + half, c.bottomZ], [sc - half, c.bottomZ]]];
    }
    case 'capsule': {
      const c = piece.capsule;
      const o = sliceCapsule(p, [c.originX, c.originY, c.originZ], [c.originX + c.ax, c.originY + c.ay, c.originZ + c.az], c.radius);
      return o ? [o] : [];
    }
  }
}

/**
 * The cut of a capsule (every point within `r` of the segment a–b: a bore leg, a line's tolerance
 * zone about one segment) by the slice, or null when it misses. The cut is the union, over the axis
 * points P(k), of the circles the ball about P(k) leaves in the slice (centre P's (s, z), radius
 * √(r² − d²), d its distance from the slice): convex; a circle when the axis crosses square, an
 * ellipse when obliquely (rounded near the capsule's ends), a stadium when along.
 * Drawn as a polygon around it, never inside it: its support points (the farthest point along an
 * outward normal, found by golden section, the support being concave in k) and, between two
 * neighbours, the corner where their tangent lines meet; the normals start CAPSULE_NORMALS apart and
 * are halved between two neighbours until that corner lies within CAPSULE_GAP_M of their chord.
 * Tried first: rays from the axis point nearest the slice, cut by bisection: along a leg they left a
 * sliver (review14); then the chords of fixed normals about a radius widened by 1 / cos(π / N): an
 * ellipse's flat ends need more than that (a 30° crossing's was 4 × its sagitta short).
 */
export function sliceCapsule(p: SlicePlane, a: readonly [number, number, number], b: readonly [number, number, number], r: number): SliceOutline | null {
  const [da, sa] = planeCoords(p, a[0], a[1]), [db, sb] = planeCoords(p, b[0], b[1]);
  const dd = db - da;
  let k0 = 0, k1 = 1;
  if (Math.abs(dd) < 1e-12) { if (Math.abs(da) >= r) return null; } else {
    const ka = (-r - da) / dd, kb = (r - da) / dd;
    k0 = Math.max(0, Math.min(ka, kb)); k1 = Math.min(1, Math.max(ka, kb));
    if (k1 <= k0) return null;
  }
  const radiusAt = (k: number): number => Math.sqrt(Math.max(0, r * r - (da + k * dd) ** 2));
  /** The support point and value along the normal at angle `ang`. */
  const support = (ang: number): { ang: number; h: number; q: [number, number] } => {
    const ns = Math.cos(ang), nz = Math.sin(ang);
    const f = (k: number): number => ns * (sa + k * (sb - sa)) + nz * (a[2] + k * (b[2] - a[2])) + radiusAt(k);
    let lo = k0, hi = k1;
    for (let it = 0; it < GOLDEN_STEPS; it++) {
      const m1 = hi - (hi - lo) * GOLDEN, m2 = lo + (hi - lo) * GOLDEN;
      if (f(m1) < f(m2)) lo = m1; else hi = m2;
    }
    const k = (lo + hi) / 2, rho = radiusAt(k);
    const q: [number, number] = [sa + k * (sb - sa) + rho * ns, a[2] + k * (b[2] - a[2]) + rho * nz];
    return { ang, h: ns * q[0] + nz * q[1], q };
  };
  const outline: SliceOutline = [];
  /** From u's support point on, up to (not including) w's: the corners and any support points between. */
  const between = (u: ReturnType<typeof support>, w: ReturnType<typeof support>, depth: number): void => {
    const sin = Math.sin(w.ang - u.ang);
    // The corner: n_u·c = h_u and n_w·c = h_w.
    const c: [number, number] = [(u.h * Math.sin(w.ang) - w.h * Math.sin(u.ang)) / sin, (Math.cos(u.ang) * w.h - Math.cos(w.ang) * u.h) / sin];
    const ex = w.q[0] - u.q[0], ez = w.q[1] - u.q[1], len = Math.hypot(ex, ez);
    const gap = len < 1e-12 ? Math.hypot(c[0] - u.q[0], c[1] - u.q[1]) : Math.abs((c[0] - u.q[0]) * ez - (c[1] - u.q[1]) * ex) / len;
    if (gap <= CAPSULE_GAP_M || depth >= CAPSULE_MAX_HALVINGS) { outline.push(c); return; }
    const m = support((u.ang + w.ang) / 2);
    between(u, m, depth + 1);
    outline.push(m.q);
    between(m, w, depth + 1);
  };
  const first = support(0);
  let prev = first;
  for (let i = 1; i <= CAPSULE_NORMALS; i++) {
    const next = i === CAPSULE_NORMALS ? { ...first, ang: 2 * Math.PI } : support((2 * Math.PI * i) / CAPSULE_NORMALS);
    outline.push(prev.q);
    between(prev, next, 0);
    prev = next;
  }
  return outline;
}

/** The screened volume's outline in the slice: one or more closed outlines per piece. */
export function sliceVolume(p: SlicePlane, volume: Volume): SliceOutline[] {
  return volume.pieces.flatMap((piece) => slicePiece(p, piece));
}

export interface LineCut {
  /** Segment and parameter along it where the axis crosses the slice. */
  segment: number; t: number;
  s: number; z: number;
  /** Ground above the cut (NaN where unknown). */
  ground: number;
}

/** Where a line's axis crosses the slice, within its half-length. */
export function sliceLine(p: SlicePlane, vertices: Float64Array): LineCut[] {
  const out: LineCut[] = [];
  const n = vertices.length / VERTEX_STRIDE;
  for (let i = 0; i + 1 < n; i++) {
    const a = i * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
    const [da, sa] = planeCoords(p, vertices[a]!, vertices[a + 1]!), [db, sb] = planeCoords(p, vertices[b]!, vertices[b + 1]!);
    // Sides as d ≥ 0 and d < 0: a line passing through the slice at a vertex is cut once.
    if ((da >= 0) === (db >= 0)) continue;
    const t = da / (da - db);
    const s = sa + t * (sb - sa);
    if (Math.abs(s) > p.halfLength) continue;
    out.push({ segment: i, t, s, z: vertices[a + 2]! + t * (vertices[b + 2]! - vertices[a + 2]!), ground: vertices[a + 3]! + t * (vertices[b + 3]! - vertices[a + 3]!) });
  }
  return out;
}
