/**
 * Sewer and storm drain along a street block as written: one link per manhole span (from_node the
 * upstream manhole, coordinates upstream to downstream, so every link falls along its direction)
 * and the block's own manholes; sewer laterals from each parcel's inspection chamber into the street
 * manhole in front of it; gully connections from the kerb gullies into the storm manhole beside
 * them. Laterals and gully connections are laid straight at 0.5–2 % and enter the manhole at or
 * above its invert (a drop connection where the lines they cross keep them high).
 */
import { boundingRadius, halfHeight, type CrossSection } from '../model';
import { ownerOf, qualityLevel, serviceStatus, serviceYear } from './attributes';
import type { CityPlan } from './cityPlan';
import { addObstacles, chainages, crossingGap, findCrossings } from './crossings';
import type { Frontage } from './frontage';
import { offsetPointAlong, type Vertex3 } from './geometry';
import { spanVertices, type GravityLine } from './gravityNetwork';
import { junctionId, type StreetOutput } from './mainLinks';
import { pick, rngFor, uniform, type Rng } from './random';
import type { StreetEdge } from './streetGraph';
import type { StreetClass } from './streets';
import { minimumCover, propertyLineOffset, SYSTEMS } from './systems';
import { groundElevation } from './terrain';

const LATERAL_SLOPES = [0.02, 0.01, 0.005] as const;
const CHAMBER_COVER_M: readonly [number, number] = [1.2, 1.8];
const GULLY_COVER_M: readonly [number, number] = [0.8, 1.0];
/** Gullies stand at the kerb: half the carriageway from the centre line, m. */
const KERB_OFFSET_M: Record<StreetClass, number> = { arterial: 10, secondary: 8.5, local: 4, lane: 3.5 };
/** The parcel's inspection chamber sits this far inside the property line. */
const CHAMBER_INSIDE_M = 1.0;
/** Laterals turn toward the manhole this far outside the gravity line's wall. */
const LATERAL_TURN_M = 0.3;

function manholeId(line: GravityLine, k: number): string {
  if (k === line.manholes.length - 1) return junctionId(line.code, line.downstreamNode);
  if (k === 0) return line.startsAtCorner ? junctionId(line.code, line.upstreamNode) : `${SYSTEMS[line.code].prefix}H${line.edge}`;
  return `${SYSTEMS[line.code].prefix}M${line.edge}-${k}`;
}

export function gravityLinks(plan: CityPlan, line: GravityLine, out: StreetOutput): void {
  const sys = SYSTEMS[line.code];
  const chain = plan.chainOf(line.edge);
  const owner = ownerOf(plan.seed, sys.utility, chain.line);
  const r = rngFor(plan.seed, 'gravity-links', line.code, line.edge);
  const hh = halfHeight(line.section);
  const subtype = line.section.shape === 'rect' ? 'culvert' : 'gravity_main';
  for (let k = 0; k < line.spans.length; k++) {
    const vertices = spanVertices(line, k);
    out.links.push({
      id: `${sys.prefix}${line.edge}-${k}`, utility: sys.utility, subtype, material: line.material, section: line.section,
      pressureClass: null, installYear: line.year, owner, status: 'in_service', qualityLevel: qualityLevel(r, line.year),
      street: chain.name, fromNode: manholeId(line, k), toNode: manholeId(line, k + 1), vertices,
    });
    addObstacles(out.obstacles, vertices, boundingRadius(line.section), `${line.code}${line.edge}`);
    const isCorner = k === 0 && line.startsAtCorner;
    if (!isCorner) {
      out.nodes.push({
        id: manholeId(line, k), nodeType: 'manhole', utility: sys.utility,
        at: { ...vertices[0]!, z: vertices[0]!.z - hh }, street: chain.name,
      });
    }
  }
}

/** The elevation of the lateral's manhole end, laid straight at `slope`, clear of every crossing; or null. */
function lateralEnd(plan3: readonly Vertex3[], cum: readonly number[], lowest: number, slope: number, radius: number, hh: number,
  chamberCover: number, crossings: readonly { c: number; z: number; r: number; gap: number }[]): number | null {
  const length = cum[cum.length - 1]!;
  const target = plan3[0]!.g - chamberCover - hh - slope * length;
  const bands = crossings.map((k) => {
    const reach = radius + k.r + k.gap;
    const rise = slope * (length - k.c);
    return [k.z - reach - rise, k.z + reach - rise] as const;
  });
  const sweep = (z: number, dir: 1 | -1) => {
    for (let moved = true; moved;) {
      moved = false;
      for (const [lo, hi] of bands) {
        if (z > lo && z < hi) {
          z = dir === 1 ? hi : lo;
          moved = true;
        }
      }
    }
    return z;
  };
  const keepsCover = (zEnd: number) => plan3.every((v, i) => zEnd + slope * (length - cum[i]!) + hh <= v.g - minimumCover('sewer') - 0.05);
  const candidates = [sweep(Math.max(target, lowest), 1), sweep(Math.max(target, lowest), -1)]
    .filter((z) => z >= lowest && keepsCover(z))
    .sort((a, b) => Math.abs(a - target) - Math.abs(b - target));
  return candidates[0] ?? null;
}

/**
 * A straight-graded pipe from a point beside the street (a parcel's inspection chamber, a gully)
 * square across to near the gravity line, then into one of its manholes; null when no grade at
 * 0.5–2 % clears every line it crosses and keeps its cover.
 */
function connection(plan: CityPlan, edge: StreetEdge, line: GravityLine, manhole: number, at: number, startOffsets: readonly number[],
  section: CrossSection, startCover: number, out: StreetOutput, r: Rng): Vertex3[] | null {
  const radius = boundingRadius(section), hh = halfHeight(section);
  const mainHalfWidth = line.section.shape === 'circular' ? line.section.diameterMm / 2000 : line.section.widthMm / 2000;
  const side = Math.sign(startOffsets[0]! - SYSTEMS[line.code].offset);
  const turn = SYSTEMS[line.code].offset + side * (mainHalfWidth + LATERAL_TURN_M);
  const point = (offset: number): Vertex3 => {
    const p = offsetPointAlong(edge.points, edge.cum, at, offset);
    return { x: p.x, y: p.y, z: 0, g: groundElevation(p.x, p.y) };
  };
  const plan3 = [...startOffsets.map(point), point(turn), { ...line.vertices[line.manholes[manhole]!]!, z: 0 }];
  const cum = chainages(plan3);
  const crossings = findCrossings(plan3, cum, out.obstacles, `${line.code}${edge.id}`).map((c) => ({ ...c, gap: crossingGap(r) }));
  const lowest = line.spans[manhole]![0]! - halfHeight(line.section) + hh;
  for (const slope of LATERAL_SLOPES) {
    const end = lateralEnd(plan3, cum, lowest, slope, radius, hh, startCover, crossings);
    if (end === null) continue;
    const length = cum[cum.length - 1]!;
    return plan3.map((v, i) => ({ ...v, z: end + slope * (length - cum[i]!) }));
  }
  return null;
}

export function sewerLaterals(plan: CityPlan, edge: StreetEdge, frontage: Frontage, out: StreetOutput): void {
  const sewer = plan.sewer.lines.get(edge.id);
  if (!sewer) return;
  const chain = plan.chainOf(edge.id);
  const owner = ownerOf(plan.seed, 'sewer', chain.line);
  const pl = propertyLineOffset(chain.streetClass);
  frontage.parcels.forEach((parcel, k) => {
    const r = rngFor(plan.seed, 'lateral', edge.id, k);
    const section: CrossSection = { shape: 'circular', diameterMm: parcel.customerClass === 'domestic' ? 150 : 200 };
    const offsets = [parcel.side * (pl + CHAMBER_INSIDE_M), parcel.side * pl];
    const vertices = connection(plan, edge, sewer, parcel.manhole, parcel.lateralAt, offsets, section, uniform(r, CHAMBER_COVER_M[0], CHAMBER_COVER_M[1]), out, r);
    if (!vertices) return;
    const year = serviceYear(r, sewer.year);
    addObstacles(out.obstacles, vertices, boundingRadius(section), `SL${edge.id}-${k}`);
    out.links.push({
      id: `SL${edge.id}-${k}`, utility: 'sewer', subtype: 'lateral', material: year < 2000 ? pick(r, ['vitrified_clay', 'concrete']) : 'pvc',
      section, pressureClass: null, installYear: year, owner, status: serviceStatus(r), qualityLevel: qualityLevel(r, year),
      street: chain.name, fromNode: null, toNode: manholeId(sewer, parcel.manhole), vertices,
    });
  });
}

/** Gully connections (雨水口连接管, DN200–DN300) from the kerbs into the storm manholes. */
export function gullyConnections(plan: CityPlan, edge: StreetEdge, frontage: Frontage, out: StreetOutput): void {
  const storm = plan.storm.lines.get(edge.id);
  if (!storm) return;
  const chain = plan.chainOf(edge.id);
  const owner = ownerOf(plan.seed, 'storm', chain.line);
  const kerb = KERB_OFFSET_M[chain.streetClass];
  frontage.gullies.forEach((gully, k) => {
    const r = rngFor(plan.seed, 'gully', edge.id, k);
    const section: CrossSection = { shape: 'circular', diameterMm: pick(r, [200, 225, 300]) };
    const vertices = connection(plan, edge, storm, gully.manhole, gully.at, [gully.side * kerb], section, uniform(r, GULLY_COVER_M[0], GULLY_COVER_M[1]), out, r);
    if (!vertices) return;
    addObstacles(out.obstacles, vertices, boundingRadius(section), `DG${edge.id}-${k}`);
    out.links.push({
      id: `DG${edge.id}-${k}`, utility: 'storm', subtype: 'gully_connection', material: storm.year < 2000 ? 'concrete' : 'pvc',
      section, pressureClass: null, installYear: storm.year, owner, status: 'in_service', qualityLevel: qualityLevel(r, storm.year),
      street: chain.name, fromNode: null, toNode: manholeId(storm, gully.manhole), vertices,
    });
  });
}
