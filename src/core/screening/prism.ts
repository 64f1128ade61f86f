/**
 * The open cut's prism as the distance kernel (distance.ts) reads it: a simple, possibly concave
 * polygon with holes, relative to its bbox centre, × [bottomZ, topZ], with each edge's inverse length.
 * Prepared once per work (volume.ts); the kernel's per-call scratch stays in distance.ts.
 */
import { flatRings, type FlatRings } from './polygon';

export interface Prism {
  /** Vertices of all rings, which is also the number of edges. */
  vertexCount: number;
  originX: number;
  originY: number;
  /**
   * Vertices relative to (originX, originY): the outer ring, then each hole; every ring open. Plain
   * arrays, not typed arrays: a prism is prepared per screening, and V8 keeps a typed array of more
   * than 64 bytes (a footprint of 9+ vertices) off the heap, about 2 µs to allocate each; reads are as fast.
   */
  xs: number[];
  ys: number[];
  /** Edge i runs from vertex i to vertex next[i] (the next vertex of the same ring). */
  next: number[];
  /** Number of rings: 1 + holes. */
  ringCount: number;
  bottomZ: number;
  topZ: number;
  /** Absolute bbox of the prism. */
  minX: number; minY: number; maxX: number; maxY: number;
  /** 1 / length of edge i (from vertex i to i + 1). */
  invEdgeLength: number[];
}

type PlanRing = readonly (readonly [number, number])[];

/**
 * An empty array whose elements V8 keeps as unboxed doubles (the literal 0.5 sets the kind, which pop
 * keeps), so the kernel's reads see one kind of array even for a footprint of whole metres. The
 * prepared shapes use these rather than typed arrays (see Prism.xs).
 */
export function doubles(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}

/**
 * The ring without repeated consecutive vertices (zero-length walls) and without its closing vertex;
 * the ring itself when it has neither (every validated ring), so nothing is copied.
 */
function openDistinct(input: PlanRing): PlanRing {
  let clean = input.length > 0 && (input[0]![0] !== input[input.length - 1]![0] || input[0]![1] !== input[input.length - 1]![1]);
  for (let i = 1; clean && i < input.length; i++) clean = input[i]![0] !== input[i - 1]![0] || input[i]![1] !== input[i - 1]![1];
  if (clean) return input;
  const ring: (readonly [number, number])[] = [];
  for (const p of input) {
    const last = ring[ring.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) ring.push(p);
  }
  while (ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1]) ring.pop();
  return ring;
}

/**
 * Prepares a footprint (open or closed ring of a validated simple polygon), its holes (rings inside
 * it, meeting neither it nor each other: validateOpenCut checks) and its z range. `into`: see
 * preparePrismAt (a bore's pits, volume.ts).
 */
export function preparePrism(
  footprint: PlanRing, bottomZ: number, topZ: number, holes: readonly PlanRing[] = [], into: Prism | null = null,
): Prism {
  const rings = holes.length === 0 ? [openDistinct(footprint)] : [footprint, ...holes].map(openDistinct);
  return preparePrismAt(flatRings(rings), bottomZ, topZ, into);
}

/**
 * `preparePrism` of rings already open and without repeated consecutive vertices, given flat
 * (validateOpenCut's checked rings: openCut.ts `openCutPrism`). The same numbers as from tuples.
 * With `into`, that prism is overwritten and returned (its arrays reused, cut to length): for a
 * caller whose prism never outlives the next call (screen.ts, through volume.ts `screenedVolume`).
 */
export function preparePrismAt(rings: FlatRings, bottomZ: number, topZ: number, into: Prism | null = null): Prism {
  const rx = rings.xs, ry = rings.ys, start = rings.start, ringCount = rings.ringCount;
  const n = start[ringCount]!;
  for (let r = 0; r < ringCount; r++) {
    const size = start[r + 1]! - start[r]!;
    if (size < 3) {
      throw new RangeError(`preparePrism: ${r === 0 ? 'footprint' : `hole ${r - 1}`} has ${size} distinct vertices, at least 3 needed`);
    }
  }
  if (!(bottomZ <= topZ)) throw new RangeError(`preparePrism: bottomZ ${bottomZ} is above topZ ${topZ}`);
  // Holes lie inside the outer ring, so its bbox is the prism's.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = start[0]!; i < start[1]!; i++) {
    const x = rx[i]!, y = ry[i]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const originX = (minX + maxX) / 2, originY = (minY + maxY) / 2;
  // Written in order (put: past the end is a push), so the arrays stay packed: doubles for
  // coordinates, small integers for next.
  const xs = into ? into.xs : doubles(), ys = into ? into.ys : doubles(), next = into ? into.next : [];
  const invEdgeLength = into ? into.invEdgeLength : doubles();
  let v = 0;
  for (let r = 0; r < ringCount; r++) {
    const first = v;
    for (let i = start[r]!; i < start[r + 1]!; i++, v++) {
      put(xs, v, rx[i]! - originX);
      put(ys, v, ry[i]! - originY);
      put(next, v, v + 1);
    }
    next[v - 1] = first;
  }
  for (let i = 0; i < n; i++) {
    const k = next[i]!;
    // sqrt of the sum, not Math.hypot (several times slower in V8): relative to the centre of a
    // footprint at most MAX_EXCAVATION_EXTENT_M across, the squares cannot overflow or underflow.
    const dx = xs[k]! - xs[i]!, dy = ys[k]! - ys[i]!;
    put(invEdgeLength, i, 1 / Math.sqrt(dx * dx + dy * dy));
  }
  if (!into) {
    return {
      vertexCount: n, originX, originY, xs, ys, next, ringCount, bottomZ, topZ, minX, minY, maxX, maxY,
      invEdgeLength,
    };
  }
  if (xs.length > n) { xs.length = n; ys.length = n; next.length = n; invEdgeLength.length = n; }
  into.vertexCount = n; into.originX = originX; into.originY = originY; into.ringCount = ringCount;
  into.bottomZ = bottomZ; into.topZ = topZ; into.minX = minX; into.minY = minY; into.maxX = maxX; into.maxY = maxY;
  return into;
}

/**
 * Whether a plan point lies over the prism's footprint: even–odd point in polygon (Franklin's PNPOLY)
 * over the edges of every ring, so a point in a hole is outside; boundary points may go either way
 * (the open-cut kernel, distance.ts, snaps those itself).
 */
export function insidePrismPlan(prism: Prism, px: number, py: number): boolean {
  const xs = prism.xs, ys = prism.ys, next = prism.next, n = prism.vertexCount;
  // Without branches per edge (which edges straddle py follows no pattern): the crossing's x is
  // computed for every edge, and only counts where the edge straddles py, so the division by zero
  // of a horizontal edge (which never straddles) is masked out.
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const j = next[i]!;
    const yi = ys[i]!, yj = ys[j]!, xi = xs[i]!, xj = xs[j]!;
    inside ^= (+(yi > py) ^ +(yj > py)) & +(px < ((xj - xi) * (py - yi)) / (yj - yi) + xi);
  }
  return inside !== 0;
}

/** a[i] = value, for i at most a.length (a push at the end keeps the array packed). */
export function put(a: number[], i: number, value: number): void {
  if (i < a.length) a[i] = value;
  else a.push(value);
}
