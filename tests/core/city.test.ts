import { describe, expect, it } from 'vitest';
import coverJson from '../../data/rules/cover.json';
import { cityCollectionHeader, cityExtent, generateCity } from '../../src/core/city';
import {
  CUSTOMER_CLASSES, LINK_STATUSES, NODE_TYPES, QUALITY_LEVELS, UTILITY_TYPES, type UtilityType,
} from '../../src/core/model';
import type { LinkFeature, NetworkFeature, NodeFeature } from '../../src/core/networkGeojson';
import { coverRequirement, validateCoverRules } from '../../src/core/screening/coverRules';

const SEED = 42;

interface City {
  features: NetworkFeature[];
  links: LinkFeature[];
  nodes: NodeFeature[];
}

function smallCity(seed = SEED): City {
  const features = [...generateCity({ size: 'small', seed })];
  return {
    features,
    links: features.filter((f): f is LinkFeature => f.geometry.type === 'LineString'),
    nodes: features.filter((f): f is NodeFeature => f.geometry.type === 'Point'),
  };
}

const segmentCount = (links: readonly LinkFeature[]) => links.reduce((n, l) => n + l.geometry.coordinates.length - 1, 0);
const halfHeight = (p: LinkFeature['properties']) => (p.diameter_mm ?? p.height_mm!) / 2000;
const boundingRadius = (p: LinkFeature['properties']) => (p.diameter_mm ? p.diameter_mm / 2000 : Math.hypot(p.width_mm!, p.height_mm!) / 2000);
const coverRules = validateCoverRules(coverJson);
/** The carriageway minimum for the line's utility and subtype (its installation: the city's power and telecom are in duct banks). */
const minimumCover = (u: UtilityType, subtype: string) => coverRequirement(coverRules.minimumCover[u], subtype, 'carriageway', null).value;

function planLength(c: readonly number[][]): number {
  let l = 0;
  for (let i = 1; i < c.length; i++) l += Math.hypot(c[i]![0]! - c[i - 1]![0]!, c[i]![1]! - c[i - 1]![1]!);
  return l;
}

function distanceToLine(x: number, y: number, c: readonly number[][]): number {
  let best = Infinity;
  for (let i = 1; i < c.length; i++) {
    const [ax, ay] = c[i - 1]!, [bx, by] = c[i]!;
    const vx = bx! - ax!, vy = by! - ay!;
    const t = Math.max(0, Math.min(1, ((x - ax!) * vx + (y - ay!) * vy) / (vx * vx + vy * vy)));
    best = Math.min(best, Math.hypot(ax! + vx * t - x, ay! + vy * t - y));
  }
  return best;
}

/** Closest distance between two 3D segments (Ericson, Real-Time Collision Detection §5.1.9). */
function segmentDistance(p1: number[], q1: number[], p2: number[], q2: number[]): number {
  const d1 = [0, 1, 2].map((k) => q1[k]! - p1[k]!), d2 = [0, 1, 2].map((k) => q2[k]! - p2[k]!), r = [0, 1, 2].map((k) => p1[k]! - p2[k]!);
  const dot = (u: number[], v: number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
  const a = dot(d1, d1), e = dot(d2, d2), f = dot(d2, r), c = dot(d1, r), b = dot(d1, d2), den = a * e - b * b;
  let s = den > 1e-12 ? Math.min(1, Math.max(0, (b * f - c * e) / den)) : 0;
  let t = (b * s + f) / e;
  if (t < 0) { t = 0; s = Math.min(1, Math.max(0, -c / a)); } else if (t > 1) { t = 1; s = Math.min(1, Math.max(0, (b - c) / a)); }
  return Math.hypot(...[0, 1, 2].map((k) => r[k]! + d1[k]! * s - d2[k]! * t));
}

describe('the sample city generator', () => {
  it('gives the same city for the same seed and a different city for another seed', () => {
    const a = JSON.stringify(smallCity(SEED).features);
    expect(JSON.stringify(smallCity(SEED).features)).toBe(a);
    expect(JSON.stringify(smallCity(SEED + 1).features)).not.toBe(a);
  });

  it('makes a small city of 2,000 to 8,000 segments', () => {
    const n = segmentCount(smallCity().links);
    expect(n).toBeGreaterThanOrEqual(2000);
    expect(n).toBeLessThanOrEqual(8000);
  });

  it('writes every link in the exchange format, one ground height per vertex, finite values, no zero-length segment', () => {
    for (const { geometry, properties: p } of smallCity().links) {
      expect(Object.keys(p).sort()).toEqual([
        'feature_type', 'id', 'utility', 'subtype', 'material', ...(p.diameter_mm !== undefined ? ['diameter_mm'] : ['width_mm', 'height_mm']),
        'pressure_class', 'install_year', 'owner', 'status', 'quality_level', 'street', 'from_node', 'to_node', 'ground_z',
      ].sort());
      expect(UTILITY_TYPES).toContain(p.utility);
      expect(LINK_STATUSES).toContain(p.status);
      for (const s of [p.id, p.subtype, p.material, p.owner]) expect(typeof s === 'string' && s.length > 0).toBe(true);
      for (const s of [p.pressure_class, p.street, p.from_node, p.to_node]) expect(s === null || typeof s === 'string').toBe(true);
      expect(p.quality_level === null || QUALITY_LEVELS.includes(p.quality_level)).toBe(true);
      expect(Number.isInteger(p.install_year) && p.install_year! >= 1975 && p.install_year! <= 2024).toBe(true);
      for (const mm of [p.diameter_mm, p.width_mm, p.height_mm]) if (mm !== undefined) expect(mm).toBeGreaterThan(0);
      const c = geometry.coordinates;
      expect(c.length).toBeGreaterThanOrEqual(2);
      expect(p.ground_z).toHaveLength(c.length);
      for (const v of [...c.flat(), ...p.ground_z]) expect(Number.isFinite(v)).toBe(true);
      for (let i = 1; i < c.length; i++) expect(Math.hypot(c[i]![0]! - c[i - 1]![0]!, c[i]![1]! - c[i - 1]![1]!)).toBeGreaterThan(0);
    }
  });

  it('writes every node in the exchange format', () => {
    for (const { properties: p, geometry } of smallCity().nodes) {
      expect(Object.keys(p).sort()).toEqual(['feature_type', 'id', 'node_type', 'utility', 'ground_z', 'normally_open', 'operable', 'link', 'customer_class', 'name', 'street'].sort());
      expect(NODE_TYPES).toContain(p.node_type);
      expect(UTILITY_TYPES).toContain(p.utility);
      expect(p.customer_class === null || CUSTOMER_CLASSES.includes(p.customer_class)).toBe(true);
      expect(p.node_type === 'valve' ? typeof p.normally_open === 'boolean' && typeof p.operable === 'boolean' : p.normally_open === null && p.operable === null).toBe(true);
      expect(geometry.coordinates).toHaveLength(3);
      for (const v of [...geometry.coordinates, p.ground_z]) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('declares EPSG:4547 and the 1985 height datum, and places everything inside the city in Gauss-Krüger metres', () => {
    expect(cityCollectionHeader()).toEqual({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } }, vertical_datum: '1985 National Height Datum' });
    const ext = cityExtent('small');
    expect(ext.minX).toBeGreaterThan(430_000);
    expect(ext.maxX).toBeLessThan(433_000);
    expect(ext.minY).toBeGreaterThan(2_557_000);
    expect(ext.maxY).toBeLessThan(2_561_000);
    for (const f of smallCity().features) {
      const points = f.geometry.type === 'Point' ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const [x, y] of points) {
        expect(x! >= ext.minX - 1 && x! <= ext.maxX + 1 && y! >= ext.minY - 1 && y! <= ext.maxY + 1).toBe(true);
      }
      const grounds = f.properties.feature_type === 'link' ? f.properties.ground_z : [f.properties.ground_z];
      for (const g of grounds) expect(g > 8 && g < 20).toBe(true);
    }
  });

  it('gives every link and node its own id, and every reference names a feature that exists', () => {
    const { features, links, nodes } = smallCity();
    const ids = new Set(features.map((f) => f.properties.id));
    expect(ids.size).toBe(features.length);
    for (const { properties: p } of links) for (const ref of [p.from_node, p.to_node]) if (ref !== null) expect(ids.has(ref)).toBe(true);
    for (const { properties: p } of nodes) if (p.link !== null) expect(ids.has(p.link)).toBe(true);
  });

  it('keeps every line underground and 99 % of links at least as deep as the minimum cover, with a few deliberately shallow', () => {
    const { links } = smallCity();
    let shallow = 0;
    for (const { geometry, properties: p } of links) {
      const covers = geometry.coordinates.map((c, i) => p.ground_z[i]! - (c[2]! + halfHeight(p)));
      expect(Math.min(...covers)).toBeGreaterThanOrEqual(0);
      if (Math.min(...covers) < minimumCover(p.utility, p.subtype) - 1e-9) shallow++;
    }
    expect(shallow / links.length).toBeLessThanOrEqual(0.01);
    expect(shallow).toBeGreaterThan(0);
  });

  it('lets every sewer and storm link fall downstream along its whole length', () => {
    const gravity = smallCity().links.filter((l) => l.properties.utility === 'sewer' || l.properties.utility === 'storm');
    expect(gravity.length).toBeGreaterThan(100);
    for (const { geometry } of gravity) {
      const z = geometry.coordinates.map((c) => c[2]!);
      for (let i = 1; i < z.length; i++) expect(z[i]!).toBeLessThan(z[i - 1]!);
    }
  });

  it('puts every water valve on an existing water link that passes through it', () => {
    const { links, nodes } = smallCity();
    const byId = new Map(links.map((l) => [l.properties.id, l]));
    const valves = nodes.filter((n) => n.properties.utility === 'water' && n.properties.node_type === 'valve');
    expect(valves.length).toBeGreaterThan(20);
    for (const v of valves) {
      const link = byId.get(v.properties.link!);
      expect(link?.properties.utility).toBe('water');
      expect(distanceToLine(v.geometry.coordinates[0], v.geometry.coordinates[1], link!.geometry.coordinates)).toBeLessThan(0.01);
    }
  });

  it('spaces hydrants roughly 100–120 m apart along the water main of each street', () => {
    const { links } = smallCity();
    const hydrantTees = new Set(links.filter((l) => l.properties.subtype === 'hydrant_lateral').map((l) => l.properties.from_node));
    const mains = links.filter((l) => l.properties.utility === 'water' && l.properties.subtype === 'main' && l.properties.status === 'in_service');
    const key = (node: string | null, street: string | null) => `${node}|${street}`;
    const next = new Map(mains.map((l) => [key(l.properties.from_node, l.properties.street), l]));
    const arriving = new Set(mains.map((l) => key(l.properties.to_node, l.properties.street)));
    const spacings: number[] = [];
    // Follow each street's main from where it begins, through tees and through corner junctions.
    for (const start of mains.filter((l) => !arriving.has(key(l.properties.from_node, l.properties.street)))) {
      let chainage = 0, last: number | null = null;
      for (let link: LinkFeature | undefined = start; link; link = next.get(key(link.properties.to_node, link.properties.street))) {
        chainage += planLength(link.geometry.coordinates);
        if (hydrantTees.has(link.properties.to_node)) {
          if (last !== null) spacings.push(chainage - last);
          last = chainage;
        }
      }
    }
    expect(spacings.length).toBeGreaterThan(10);
    const sorted = [...spacings].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(100);
    expect(median).toBeLessThanOrEqual(120);
    // A hydrant that would stand among a corner's crossing lines is moved up to half a corner along.
    expect(sorted[0]!).toBeGreaterThan(75);
    expect(sorted[sorted.length - 1]!).toBeLessThan(160);
  });

  it('names the critical customers a burst must report', () => {
    const critical = smallCity().nodes.filter((n) => n.properties.node_type === 'service_connection' && n.properties.customer_class === 'critical');
    expect(critical.length).toBeGreaterThan(0);
    for (const c of critical) expect(c.properties.name).toMatch(/医院|学|中心|Hospital|School/);
  });

  it('lays streets that are not a grid: diagonals and curves', () => {
    const mains = smallCity().links.filter((l) => l.properties.subtype === 'gravity_main' && l.properties.utility === 'sewer');
    const headings = mains.flatMap((l) => {
      const c = l.geometry.coordinates;
      return c.slice(1).map((p, i) => Math.atan2(p[1]! - c[i]![1]!, p[0]! - c[i]![0]!) * 180 / Math.PI);
    });
    const offAxis = headings.filter((h) => Math.min(...[0, 90, 180, -90, -180].map((a) => Math.abs(h - a))) > 20);
    expect(offAxis.length).toBeGreaterThan(10);
    const telecom = smallCity().links.filter((l) => l.properties.utility === 'telecom');
    const turning = telecom.filter((l) => {
      const c = l.geometry.coordinates;
      let turn = 0;
      for (let i = 2; i < c.length; i++) {
        const a = Math.atan2(c[i - 1]![1]! - c[i - 2]![1]!, c[i - 1]![0]! - c[i - 2]![0]!), b = Math.atan2(c[i]![1]! - c[i - 1]![1]!, c[i]![0]! - c[i - 1]![0]!);
        turn += Math.abs(Math.atan2(Math.sin(b - a), Math.cos(b - a)));
      }
      return turn > 0.3 && c.length > 8;
    });
    expect(turning.length).toBeGreaterThan(0);
  });

  it('crosses lines of different utilities tightly at many places but never through each other', () => {
    const { links } = smallCity();
    const cell = 5;
    const grid = new Map<string, number[]>();
    const segs: { a: number[]; b: number[]; link: number }[] = [];
    links.forEach((l, link) => {
      const c = l.geometry.coordinates;
      for (let i = 1; i < c.length; i++) {
        const s = segs.push({ a: c[i - 1]!, b: c[i]!, link }) - 1;
        for (let x = Math.floor((Math.min(c[i - 1]![0]!, c[i]![0]!) - 2) / cell); x <= Math.floor((Math.max(c[i - 1]![0]!, c[i]![0]!) + 2) / cell); x++) {
          for (let y = Math.floor((Math.min(c[i - 1]![1]!, c[i]![1]!) - 2) / cell); y <= Math.floor((Math.max(c[i - 1]![1]!, c[i]![1]!) + 2) / cell); y++) {
            grid.set(`${x},${y}`, [...(grid.get(`${x},${y}`) ?? []), s]);
          }
        }
      }
    });
    const joined = (i: number, j: number) => {
      const p = links[i]!.properties, q = links[j]!.properties;
      return [p.from_node, p.to_node].some((n) => n !== null && (n === q.from_node || n === q.to_node));
    };
    let tight = 0;
    const seen = new Set<string>();
    for (const list of grid.values()) {
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const s = segs[list[i]!]!, t = segs[list[j]!]!;
          const key = `${Math.min(list[i]!, list[j]!)}:${Math.max(list[i]!, list[j]!)}`;
          if (s.link === t.link || seen.has(key) || joined(s.link, t.link)) continue;
          seen.add(key);
          const p = links[s.link]!.properties, q = links[t.link]!.properties;
          const clearance = segmentDistance(s.a, s.b, t.a, t.b) - boundingRadius(p) - boundingRadius(q);
          expect(clearance, `${p.id} and ${q.id}`).toBeGreaterThanOrEqual(0);
          if (p.utility !== q.utility && clearance < 0.15) tight++;
        }
      }
    }
    expect(tight).toBeGreaterThan(50);
  });
});
