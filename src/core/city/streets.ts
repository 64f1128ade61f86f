/**
 * The street layout of the sample city, before clipping to a size: a jittered grid of uneven blocks
 * (arterials every fifth line) with dead-end stubs where a block pair was merged, cul-de-sac lanes
 * into some blocks, curved local streets and diagonal avenues that cut block corners through the
 * middles of grid streets (so that no corner ever holds more than two streets).
 *
 * Every decision is keyed by global grid indices, so the small city is the middle of the medium
 * one, and the medium the middle of the large, for the same seed.
 */
import { distance, type Point2 } from './geometry';
import { columnStreetName, diagonalStreetName, laneName, rowStreetName } from './names';
import { chance, rngFor, uniform, type Rng } from './random';

export type StreetClass = 'arterial' | 'secondary' | 'local' | 'lane';

export interface LaidEdge {
  a: string;
  b: string;
  points: Point2[];
  /** The street line the edge belongs to ('r3' row, 'c-2' column, 'd0' diagonal, 'u…' lane). */
  line: string;
  /** Position along the line: edges of a line chain up in this order. */
  order: number;
  streetClass: StreetClass;
  name: string;
}

export interface StreetLayout {
  nodes: Map<string, Point2>;
  edges: LaidEdge[];
}

const BLOCK_MIN_M = 145;
const BLOCK_MAX_M = 225;
const CORNER_JITTER_M = 16;
/** Diagonal avenues repeat every this many grid diagonals. */
const DIAGONAL_PERIOD = 12;
const REMOVED_EDGE_SHARE = 0.06;
const STUB_SHARE = 0.6;
const CUL_DE_SAC_SHARE = 0.035;
const CURVED_SHARE = 0.12;
const CURVE_SAMPLE_M = 3;
/** Share of a curved street's length that bends; the rest runs straight into its corners. */
const CURVE_SPAN = 0.7;
const CURVE_MIN_RADIUS_M = 60;

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function lineClass(k: number, phase: number): StreetClass {
  const m = mod(k + phase, 5);
  return m === 0 ? 'arterial' : m === 2 ? 'secondary' : 'local';
}

/** Positions of grid lines by index, covering [-half - margin, half + margin]. */
function gridLines(seed: number, axis: 'x' | 'y', half: number): Map<number, number> {
  const lines = new Map<number, number>();
  let pos = uniform(rngFor(seed, 'grid-origin', axis), -40, 40);
  lines.set(0, pos);
  const gap = (k: number) => uniform(rngFor(seed, 'grid-gap', axis, k), BLOCK_MIN_M, BLOCK_MAX_M);
  for (let k = 1; pos < half + BLOCK_MAX_M; k++) lines.set(k, (pos += gap(k)));
  pos = lines.get(0)!;
  for (let k = -1; pos > -half - BLOCK_MAX_M; k--) lines.set(k, (pos -= gap(k)));
  return lines;
}

const cornerKey = (i: number, j: number) => `g${i},${j}`;
const rowEdgeKey = (i: number, j: number) => `h${i},${j}`;
const columnEdgeKey = (i: number, j: number) => `v${i},${j}`;

interface GridEdge {
  key: string;
  i: number;
  j: number;
  horizontal: boolean;
  line: string;
  streetClass: StreetClass;
  name: string;
}

export function layOutStreets(seed: number, halfX: number, halfY: number): StreetLayout {
  const cols = gridLines(seed, 'x', halfX);
  const rows = gridLines(seed, 'y', halfY);
  const colIdx = [...cols.keys()].sort((a, b) => a - b);
  const rowIdx = [...rows.keys()].sort((a, b) => a - b);
  const nodes = new Map<string, Point2>();
  for (const i of colIdx) {
    for (const j of rowIdx) {
      const r = rngFor(seed, 'corner', i, j);
      nodes.set(cornerKey(i, j), { x: cols.get(i)! + uniform(r, -CORNER_JITTER_M, CORNER_JITTER_M), y: rows.get(j)! + uniform(r, -CORNER_JITTER_M, CORNER_JITTER_M) });
    }
  }
  const inside = (p: Point2) => Math.abs(p.x) < halfX - 5 && Math.abs(p.y) < halfY - 5;

  const grid: GridEdge[] = [];
  for (const j of rowIdx) {
    const cls = lineClass(j, 2);
    for (const i of colIdx) {
      if (cols.has(i + 1)) grid.push({ key: rowEdgeKey(i, j), i, j, horizontal: true, line: `r${j}`, streetClass: cls, name: rowStreetName(j, cls === 'arterial') });
    }
  }
  for (const i of colIdx) {
    const cls = lineClass(i, 0);
    for (const j of rowIdx) {
      if (rows.has(j + 1)) grid.push({ key: columnEdgeKey(i, j), i, j, horizontal: false, line: `c${i}`, streetClass: cls, name: columnStreetName(i, cls === 'arterial') });
    }
  }
  const ends = (g: GridEdge): [string, string] => g.horizontal ? [cornerKey(g.i, g.j), cornerKey(g.i + 1, g.j)] : [cornerKey(g.i, g.j), cornerKey(g.i, g.j + 1)];
  /** The blocks either side of a grid edge; block (i, j) lies between columns i, i+1 and rows j, j+1. */
  const sideBlocks = (g: GridEdge): [string, string] => g.horizontal ? [`${g.i},${g.j}`, `${g.i},${g.j - 1}`] : [`${g.i},${g.j}`, `${g.i - 1},${g.j}`];

  // Diagonal avenues: in grid index space the line j = i + c + 1/2 passes through the middle of
  // every grid street it meets, a quarter block or more from any corner.
  const splitAt = new Map<string, string>();
  const diagonalBlocks = new Set<string>();
  const edges: LaidEdge[] = [];
  const half = Math.max(halfX, halfY);
  const reach = Math.ceil(half / BLOCK_MIN_M) + 2;
  for (let m = -Math.ceil(reach / DIAGONAL_PERIOD) - 1; m <= Math.ceil(reach / DIAGONAL_PERIOD) + 1; m++) {
    const r = rngFor(seed, 'diagonal', m);
    const c = -1 + DIAGONAL_PERIOD * m;
    const length = Math.round(uniform(r, 8, 16));
    const iStart = Math.round(-c / 2 - length / 2 + uniform(r, -2, 2));
    const points: string[] = [];
    for (let i = iStart; i <= iStart + length; i++) {
      const j = i + c;
      if (!cols.has(i) || !cols.has(i + 1) || !rows.has(j) || !rows.has(j + 2)) continue;
      points.push(`mv${i},${j}`, `mh${i},${j + 1}`);
      splitAt.set(columnEdgeKey(i, j), `mv${i},${j}`);
      splitAt.set(rowEdgeKey(i, j + 1), `mh${i},${j + 1}`);
      diagonalBlocks.add(`${i},${j}`).add(`${i},${j + 1}`);
    }
    const name = diagonalStreetName(m);
    for (let k = 0; k + 1 < points.length; k++) {
      edges.push({ a: points[k]!, b: points[k + 1]!, points: [], line: `d${m}`, order: k, streetClass: 'secondary', name });
    }
  }

  // Merged blocks and cul-de-sacs, on local streets only, in a fixed order so results are stable.
  const degree = new Map<string, number>();
  for (const g of grid) for (const k of ends(g)) degree.set(k, (degree.get(k) ?? 0) + 1);
  const removed = new Set<string>();
  const culDeSacBlocks = new Set<string>();
  const culDeSacs = new Map<string, { block: string; side: 1 | -1; r: Rng }>();
  for (const g of grid) {
    if (g.streetClass !== 'local' || splitAt.has(g.key)) continue;
    const r = rngFor(seed, 'street-edge', g.key);
    const [a, b] = ends(g);
    if (chance(r, REMOVED_EDGE_SHARE) && degree.get(a)! > 2 && degree.get(b)! > 2) {
      removed.add(g.key);
      degree.set(a, degree.get(a)! - 1);
      degree.set(b, degree.get(b)! - 1);
      continue;
    }
    if (chance(r, CUL_DE_SAC_SHARE)) {
      const side = chance(r, 0.5) ? 1 : -1;
      const block = sideBlocks(g)[side === 1 ? 0 : 1];
      if (!diagonalBlocks.has(block) && !culDeSacBlocks.has(block)) {
        culDeSacBlocks.add(block);
        culDeSacs.set(g.key, { block, side, r });
        splitAt.set(g.key, `mu${g.key}`);
      }
    }
  }

  // Streets that may curve: not arterials, not beside a diagonal, not split or merged, inside the
  // map. The one nearest the centre always does, so even the small city has a curved street.
  const mayCurve = (g: GridEdge) => {
    const [a, b] = ends(g);
    const blocks = sideBlocks(g);
    return g.streetClass !== 'arterial' && !removed.has(g.key) && !splitAt.has(g.key) && inside(nodes.get(a)!) && inside(nodes.get(b)!) &&
      !diagonalBlocks.has(blocks[0]) && !diagonalBlocks.has(blocks[1]);
  };
  const centreDistance = (g: GridEdge) => {
    const [a, b] = ends(g).map((k) => nodes.get(k)!);
    return Math.hypot((a!.x + b!.x) / 2, (a!.y + b!.y) / 2);
  };
  const centralCurve = grid.filter(mayCurve).sort((p, q) => centreDistance(p) - centreDistance(q))[0]?.key;

  for (const g of grid) {
    const [a, b] = ends(g);
    const pa = nodes.get(a)!, pb = nodes.get(b)!;
    const r = rngFor(seed, 'street-shape', g.key);
    if (removed.has(g.key)) {
      if (!chance(r, STUB_SHARE)) continue;
      const fromA = chance(r, 0.5);
      const f = uniform(r, 0.35, 0.45);
      const [base, toward] = fromA ? [pa, pb] : [pb, pa];
      const tip = { x: base.x + (toward.x - base.x) * f, y: base.y + (toward.y - base.y) * f };
      const tipKey = `s${g.key}`;
      nodes.set(tipKey, tip);
      const order = (g.horizontal ? g.i : g.j) + (fromA ? 0.25 : 0.75);
      edges.push(fromA
        ? { a, b: tipKey, points: [pa, tip], line: g.line, order, streetClass: g.streetClass, name: g.name }
        : { a: tipKey, b, points: [tip, pb], line: g.line, order, streetClass: g.streetClass, name: g.name });
      continue;
    }
    const base = g.horizontal ? g.i : g.j;
    const mid = splitAt.get(g.key);
    if (mid) {
      const m = { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 };
      nodes.set(mid, m);
      edges.push({ a, b: mid, points: [pa, m], line: g.line, order: base, streetClass: g.streetClass, name: g.name });
      edges.push({ a: mid, b, points: [m, pb], line: g.line, order: base + 0.5, streetClass: g.streetClass, name: g.name });
      const cul = culDeSacs.get(g.key);
      if (cul) {
        const len = distance(pa, pb);
        const dir = { x: (pb.x - pa.x) / len, y: (pb.y - pa.y) / len };
        // Left of a west→east or south→north edge is north or west: the block on side +1.
        const into = g.horizontal ? cul.side : -cul.side;
        const depth = uniform(cul.r, 0.3, 0.42) * BLOCK_MIN_M;
        const tip = { x: m.x - dir.y * depth * into, y: m.y + dir.x * depth * into };
        const tipKey = `t${g.key}`;
        nodes.set(tipKey, tip);
        edges.push({ a: mid, b: tipKey, points: [m, tip], line: `u${g.key}`, order: 0, streetClass: 'lane', name: laneName(g.name, 1 + Math.floor(cul.r() * 9)) });
      }
      continue;
    }
    const curved = mayCurve(g) && (chance(r, CURVED_SHARE) || g.key === centralCurve);
    edges.push({ a, b, points: curved ? curvedStreet(pa, pb, r) : [pa, pb], line: g.line, order: base, streetClass: g.streetClass, name: g.name });
  }
  for (const e of edges) if (e.points.length === 0) e.points = [nodes.get(e.a)!, nodes.get(e.b)!];
  return { nodes, edges };
}

/**
 * A street that swings sideways in its middle seven tenths (sin² bulge) and runs straight into both
 * corners, so its utilities meet the cross streets square. The bulge is capped so the bend is never
 * tighter than CURVE_MIN_RADIUS_M (a sin² bulge of height A over a run W bends at radius W²/(2π²A)).
 */
function curvedStreet(a: Point2, b: Point2, r: Rng): Point2[] {
  const len = distance(a, b);
  const run = CURVE_SPAN * len;
  const amplitude = Math.min(uniform(r, 0.06, 0.1) * len, run ** 2 / (2 * Math.PI ** 2 * CURVE_MIN_RADIUS_M)) * (chance(r, 0.5) ? 1 : -1);
  const dx = (b.x - a.x) / len, dy = (b.y - a.y) / len;
  const n = Math.max(8, Math.round(len / CURVE_SAMPLE_M));
  const pts: Point2[] = [];
  const flat = (1 - CURVE_SPAN) / 2;
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    const s = t < flat || t > 1 - flat ? 0 : Math.sin((Math.PI * (t - flat)) / CURVE_SPAN) ** 2;
    pts.push({ x: a.x + dx * len * t - dy * amplitude * s, y: a.y + dy * len * t + dx * amplitude * s });
  }
  return pts;
}
