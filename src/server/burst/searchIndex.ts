/**
 * Where did it burst? The dispatcher types a street name, a pipe or fitting id, or coordinates
 * (WGS 84 lon,lat or x,y in the network's delivery CRS). Names and ids are matched by prefix,
 * case-insensitively, against each word start ("huaxia" finds "华夏路 Huaxia Lu"), ranked: exact id,
 * id prefix, street name prefix, street word prefix; shorter labels first within a rank.
 * Built once per network version as a sorted key array; a query is two binary searches.
 */
import { transformBetween, type LocalFrame } from '../../core/crs';
import { VERTEX_STRIDE, type Link, type NetworkNode } from '../../core/model';
import type { BurstSearchHit } from '../../protocol/burstApi';

interface Key {
  key: string;
  hit: number;
  /** 0 exact-able id, 2 street name start, 3 street word start. */
  rank: number;
}

export type ParsedCoordinates = { crs: 'EPSG:4326' | 'network'; a: number; b: number };

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
const COORDINATES = new RegExp(String.raw`^\s*(${NUMBER})\s*[,;\s]\s*(${NUMBER})\s*$`);

/**
 * Two numbers: lon,lat when they fit degrees (|a| ≤ 180, |b| ≤ 90), else x,y (easting, northing)
 * in the network's delivery CRS, whose coordinates are metres and far larger than any degree.
 */
export function parseCoordinates(text: string): ParsedCoordinates | null {
  const m = COORDINATES.exec(text);
  if (!m) return null;
  const a = Number(m[1]), b = Number(m[2]);
  return Math.abs(a) <= 180 && Math.abs(b) <= 90 ? { crs: 'EPSG:4326', a, b } : { crs: 'network', a, b };
}

export class BurstSearchIndex {
  private readonly hits: BurstSearchHit[] = [];
  private readonly keys: Key[] = [];

  constructor(links: readonly Link[], nodes: readonly NetworkNode[], private readonly frame: LocalFrame, private readonly sourceCrs: string) {
    const toLonLat = transformBetween('EPSG:4326', frame).fromLocal;
    const streets = new Map<string, { sx: number; sy: number; n: number; points: number[] }>();
    for (const l of links) {
      const v = l.vertices;
      const mid = Math.floor(v.length / VERTEX_STRIDE / 2) * VERTEX_STRIDE;
      const [lon, lat] = toLonLat(v[mid]!, v[mid + 1]!);
      this.keys.push({ key: l.id.toLowerCase(), hit: this.hits.length, rank: 0 });
      this.hits.push({ kind: 'link', label: l.id, utility: l.utility, lon, lat });
      if (l.street) {
        const s = streets.get(l.street) ?? { sx: 0, sy: 0, n: 0, points: [] };
        s.sx += v[mid]!; s.sy += v[mid + 1]!; s.n++;
        s.points.push(v[mid]!, v[mid + 1]!);
        streets.set(l.street, s);
      }
    }
    for (const n of nodes) {
      const [lon, lat] = toLonLat(n.x, n.y);
      this.keys.push({ key: n.id.toLowerCase(), hit: this.hits.length, rank: 0 });
      this.hits.push({ kind: 'node', label: n.id, utility: n.utility, lon, lat });
    }
    for (const [name, s] of streets) {
      // The street's point: the line midpoint nearest the centroid, so a bent street's point is on it.
      const cx = s.sx / s.n, cy = s.sy / s.n;
      let bx = s.points[0]!, by = s.points[1]!;
      for (let i = 0; i < s.points.length; i += 2) {
        if (Math.hypot(s.points[i]! - cx, s.points[i + 1]! - cy) < Math.hypot(bx - cx, by - cy)) { bx = s.points[i]!; by = s.points[i + 1]!; }
      }
      const [lon, lat] = toLonLat(bx, by);
      const hit = this.hits.length;
      this.hits.push({ kind: 'street', label: name, utility: null, lon, lat });
      const lower = name.toLowerCase();
      this.keys.push({ key: lower, hit, rank: 2 });
      for (const m of lower.matchAll(/\s+/g)) this.keys.push({ key: lower.slice(m.index + m[0].length), hit, rank: 3 });
    }
    this.keys.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
  }

  /** The first key ≥ prefix. */
  private lowerBound(prefix: string): number {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid]!.key < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  search(query: string, limit: number): BurstSearchHit[] {
    const coordinates = parseCoordinates(query);
    if (coordinates) return [this.coordinatesHit(query.trim(), coordinates)];
    const prefix = query.trim().toLowerCase();
    if (prefix === '') return [];
    const best = new Map<number, number>();
    for (let i = this.lowerBound(prefix); i < this.keys.length && this.keys[i]!.key.startsWith(prefix); i++) {
      const k = this.keys[i]!;
      const rank = k.rank === 0 ? (k.key === prefix ? 0 : 1) : k.rank;
      if (rank < (best.get(k.hit) ?? Infinity)) best.set(k.hit, rank);
    }
    return [...best].sort(([a, ra], [b, rb]) => ra - rb || this.hits[a]!.label.length - this.hits[b]!.label.length || (this.hits[a]!.label < this.hits[b]!.label ? -1 : 1))
      .slice(0, limit).map(([hit]) => this.hits[hit]!);
  }

  /** Typed coordinates as a hit in lon/lat; throws RangeError when they do not transform. */
  coordinatesHit(label: string, c: ParsedCoordinates): BurstSearchHit {
    const [lon, lat] = c.crs === 'EPSG:4326' ? [c.a, c.b] : this.networkCrsToLonLat(c.a, c.b);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RangeError(`coordinates ${label} do not transform from ${c.crs === 'network' ? this.sourceCrs : c.crs}`);
    return { kind: 'coordinates', label, utility: null, lon, lat };
  }

  private networkCrsToLonLat(x: number, y: number): [number, number] {
    const local = transformBetween(this.sourceCrs, this.frame).toLocal(x, y);
    return transformBetween('EPSG:4326', this.frame).fromLocal(local[0], local[1]);
  }
}
