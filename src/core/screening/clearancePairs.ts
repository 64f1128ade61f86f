/**
 * The clearance check's working storage (clearanceCheck.ts): growable typed columns keyed by link
 * pair, so a city-sized check allocates a few arrays instead of millions of small objects.
 */

/** Growable columns: a typed array twice as long with the old values, the rest filled. */
export function grow<T extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(a: T, fill: number): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  b.fill(fill, a.length);
  return b;
}

/**
 * Unordered pairs of link indices → slot numbers 0, 1, 2, … (open addressing, linear probing):
 * numeric link-pair keys overflow small integers on a city of 100k links, and a Map of heap
 * numbers spends more time collecting garbage than checking clearances.
 */
export class LinkPairSlots {
  private lo = new Uint32Array(1 << 12);
  private hi = new Uint32Array(1 << 12);
  private slot = new Int32Array(1 << 12).fill(-1);
  size = 0;

  private static hash(lo: number, hi: number): number {
    return (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /** The pair's slot, or -1. */
  get(a: number, b: number): number {
    const lo = a < b ? a : b, hi = a < b ? b : a;
    const mask = this.slot.length - 1;
    for (let h = LinkPairSlots.hash(lo, hi) & mask; ; h = (h + 1) & mask) {
      const s = this.slot[h]!;
      if (s < 0) return -1;
      if (this.lo[h] === lo && this.hi[h] === hi) return s;
    }
  }

  /** The pair's slot, added if new. */
  add(a: number, b: number): number {
    const found = this.get(a, b);
    if (found >= 0) return found;
    if (2 * (this.size + 1) > this.slot.length) this.rehash();
    const lo = a < b ? a : b, hi = a < b ? b : a;
    this.put(lo, hi, this.size);
    return this.size++;
  }

  private put(lo: number, hi: number, s: number): void {
    const mask = this.slot.length - 1;
    let h = LinkPairSlots.hash(lo, hi) & mask;
    while (this.slot[h]! >= 0) h = (h + 1) & mask;
    this.lo[h] = lo; this.hi[h] = hi; this.slot[h] = s;
  }

  private rehash(): void {
    const { lo, hi, slot } = this;
    this.lo = new Uint32Array(lo.length * 2);
    this.hi = new Uint32Array(lo.length * 2);
    this.slot = new Int32Array(lo.length * 2).fill(-1);
    for (let h = 0; h < slot.length; h++) if (slot[h]! >= 0) this.put(lo[h]!, hi[h]!, slot[h]!);
  }
}

/** Groups links whose clearance rules agree (utility and every band condition), so requirements are looked up once per group pair. */
/** Per link pair within reach: the smallest gaps found so far and the crossing zones. */
export class PairColumns {
  hGap = new Float64Array(1024).fill(Infinity);
  hI = new Uint32Array(1024);
  hJ = new Uint32Array(1024);
  hS = new Float64Array(1024);
  vGap = new Float64Array(1024).fill(Infinity);
  vI = new Uint32Array(1024);
  vJ = new Uint32Array(1024);
  vS = new Float64Array(1024);
  zoneHead = new Int32Array(1024).fill(-1);

  ensure(slot: number): void {
    if (slot < this.hGap.length) return;
    this.hGap = grow(this.hGap, Infinity); this.hI = grow(this.hI, 0); this.hJ = grow(this.hJ, 0); this.hS = grow(this.hS, 0);
    this.vGap = grow(this.vGap, Infinity); this.vI = grow(this.vI, 0); this.vJ = grow(this.vJ, 0); this.vS = grow(this.vS, 0);
    this.zoneHead = grow(this.zoneHead, -1);
  }
}

/** A crossing's exempt discs, one per line, as linked lists per pair slot. */
export class Zones {
  link = new Uint32Array(256);
  x = new Float64Array(256);
  y = new Float64Array(256);
  radius = new Float64Array(256);
  next = new Int32Array(256);
  size = 0;

  add(columns: PairColumns, slot: number, link: number, x: number, y: number, radius: number): void {
    if (this.size === this.link.length) {
      this.link = grow(this.link, 0); this.x = grow(this.x, 0); this.y = grow(this.y, 0);
      this.radius = grow(this.radius, 0); this.next = grow(this.next, -1);
    }
    const z = this.size++;
    this.link[z] = link; this.x[z] = x; this.y[z] = y; this.radius[z] = radius;
    this.next[z] = columns.zoneHead[slot]!;
    columns.zoneHead[slot] = z;
  }
}

let CUTS = new Float64Array(64);
/** Output of outsideZones: reused between calls, so the hot loop allocates nothing. */
export const SPANS: number[] = [];

/**
 * The closed parameter intervals of segment (x0,y0)–(x1,y1) outside every open disc of `link` in
 * the zone list starting at `head`, written as pairs into SPANS; returns how many numbers were written.
 */
export function outsideZones(x0: number, y0: number, x1: number, y1: number, zones: Zones, head: number, link: number): number {
  const dx = x1 - x0, dy = y1 - y0;
  const a = dx * dx + dy * dy;
  let cuts = 0;
  for (let z = head; z >= 0; z = zones.next[z]!) {
    if (zones.link[z] !== link) continue;
    const ex = x0 - zones.x[z]!, ey = y0 - zones.y[z]!, r = zones.radius[z]!;
    const c = ex * ex + ey * ey - r * r;
    if (a === 0) {
      if (c < 0) return 0;
      continue;
    }
    const b = dx * ex + dy * ey;
    const disc = b * b - a * c;
    if (disc <= 0) continue;
    const root = Math.sqrt(disc);
    const t0 = (-b - root) / a, t1 = (-b + root) / a;
    if (t1 <= 0 || t0 >= 1) continue;
    if (cuts + 2 > CUTS.length) CUTS = grow(CUTS, 0);
    // Insertion by start: a pair crosses a handful of times at most.
    let k = cuts;
    while (k > 0 && CUTS[k - 2]! > t0) {
      CUTS[k] = CUTS[k - 2]!; CUTS[k + 1] = CUTS[k - 1]!;
      k -= 2;
    }
    CUTS[k] = t0; CUTS[k + 1] = t1;
    cuts += 2;
  }
  let w = 0;
  let from = 0;
  for (let k = 0; k < cuts && from < 1; k += 2) {
    const t0 = CUTS[k]!, t1 = CUTS[k + 1]!;
    if (t0 >= from) {
      SPANS[w++] = from; SPANS[w++] = Math.min(t0, 1);
    }
    if (t1 > from) from = t1;
  }
  if (from <= 1) {
    SPANS[w++] = from; SPANS[w++] = 1;
  }
  return w;
}
