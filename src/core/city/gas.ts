/**
 * Gas along a street block: the main (low pressure PE on local streets, medium B on secondary,
 * medium A steel on arterials) with valves at junctions where three or more mains meet, and PE
 * services to most parcels, ending at the customer's service connection (meter set).
 */
import { boundingRadius, halfHeight, type CrossSection } from '../model';
import { ownerOf, qualityLevel, serviceStatus, serviceYear } from './attributes';
import type { CityPlan } from './cityPlan';
import { addObstacles, yieldAtCrossings } from './crossings';
import type { Frontage } from './frontage';
import { offsetPointAlong, type Vertex3 } from './geometry';
import { emitMain, type Fitting, type StreetOutput } from './mainLinks';
import { pick, rngFor, uniform } from './random';
import type { StreetEdge } from './streetGraph';
import { minimumCover, propertyLineOffset } from './systems';
import { groundElevation } from './terrain';

const SERVICE_COVER_M: readonly [number, number] = [0.95, 1.3];
const METER_INSIDE_M = 1.0;

const tapId = (edge: number, parcel: number) => `GT${edge}-${parcel}`;

export function gasMain(plan: CityPlan, edge: StreetEdge, frontage: Frontage, out: StreetOutput): Map<string, Vertex3> {
  const fittings = frontage.parcels
    .flatMap((p, k): Fitting[] => (p.gasAt === null ? [] : [{ c: p.gasAt, id: tapId(edge.id, k), nodeType: 'tee' }]))
    .sort((a, b) => a.c - b.c);
  return emitMain(plan, edge, 'gas', fittings, out, (node) => (plan.corner(node, 'gas')?.pieces.size ?? 0) >= 3);
}

export function gasServices(plan: CityPlan, edge: StreetEdge, frontage: Frontage, taps: Map<string, Vertex3>, out: StreetOutput): void {
  const chain = plan.chainOf(edge.id);
  const owner = ownerOf(plan.seed, 'gas', chain.line);
  const main = plan.main(edge.id, 'gas');
  const pl = propertyLineOffset(chain.streetClass);
  frontage.parcels.forEach((parcel, k) => {
    if (parcel.gasAt === null) return;
    const r = rngFor(plan.seed, 'gas-service', edge.id, k);
    const section: CrossSection = { shape: 'circular', diameterMm: parcel.customerClass === 'domestic' ? 32 : pick(r, [50, 63]) };
    const year = serviceYear(r, main.year);
    const depth = uniform(r, SERVICE_COVER_M[0], SERVICE_COVER_M[1]) + halfHeight(section);
    const across = [parcel.side * pl, parcel.side * (pl + METER_INSIDE_M)].map((offset): Vertex3 => {
      const p = offsetPointAlong(edge.points, edge.cum, parcel.gasAt!, offset);
      const g = groundElevation(p.x, p.y);
      return { x: p.x, y: p.y, g, z: g - depth };
    });
    const vertices = yieldAtCrossings([taps.get(tapId(edge.id, k))!, ...across], out.obstacles, `gas${edge.id}`, {
      radius: boundingRadius(section), halfHeight: halfHeight(section), minCover: minimumCover('gas') + 0.05,
      fixedStart: true, fixedEnd: false, rng: r,
    });
    addObstacles(out.obstacles, vertices, boundingRadius(section), `GS${edge.id}-${k}`);
    out.links.push({
      id: `GS${edge.id}-${k}`, utility: 'gas', subtype: 'service', material: 'pe', section,
      pressureClass: main.pressureClass, installYear: year, owner, status: serviceStatus(r), qualityLevel: qualityLevel(r, year),
      street: chain.name, fromNode: tapId(edge.id, k), toNode: `GC${edge.id}-${k}`, vertices,
    });
    out.nodes.push({
      id: `GC${edge.id}-${k}`, nodeType: 'service_connection', utility: 'gas', at: vertices[vertices.length - 1]!,
      customerClass: parcel.customerClass, street: chain.name, ...(parcel.name ? { name: parcel.name } : {}),
    });
  });
}
