/**
 * Water along a street block: the main with its tees, in-line valves on runs over 300 m and valves
 * beside every junction; then, once every main of the block is placed, the service lines to the
 * parcels (DN20–DN50, ending at a service connection with its customer class; hospitals and
 * schools named) and the hydrant laterals to hydrants on the left kerb, each with its own valve.
 */
import { boundingRadius, halfHeight, type CrossSection } from '../model';
import { ownerOf, qualityLevel, serviceStatus, serviceYear } from './attributes';
import type { CityPlan } from './cityPlan';
import { addObstacles, yieldAtCrossings } from './crossings';
import { pointOnLine } from './features';
import type { Frontage } from './frontage';
import { offsetPointAlong, type Vertex3 } from './geometry';
import { emitMain, valveState, type Fitting, type StreetOutput } from './mainLinks';
import { pick, rngFor, uniform } from './random';
import type { StreetEdge } from './streetGraph';
import { minimumCover, propertyLineOffset } from './systems';
import { groundElevation } from './terrain';

const SERVICE_COVER_M: readonly [number, number] = [0.8, 1.2];
const HYDRANT_BURY_M: readonly [number, number] = [1.0, 1.25];
/** A hydrant stands this far inside the property line, on the footway by the kerb. */
const HYDRANT_SETBACK_M = 1.0;
/** Service connections (meters) sit just inside the parcel. */
const METER_INSIDE_M = 1.5;
const HYDRANT_VALVE_SETBACK_M = 0.8;

const serviceTapId = (edge: number, parcel: number) => `WT${edge}-${parcel}`;
const hydrantTapId = (edge: number, k: number) => `WT${edge}-h${k}`;

export function waterMain(plan: CityPlan, edge: StreetEdge, frontage: Frontage, out: StreetOutput): Map<string, Vertex3> {
  const fittings: Fitting[] = [
    ...frontage.parcels.flatMap((p, k): Fitting[] => (p.waterAt === null ? [] : [{ c: p.waterAt, id: serviceTapId(edge.id, k), nodeType: 'tee' }])),
    ...frontage.hydrantsAt.map((c, k): Fitting => ({ c, id: hydrantTapId(edge.id, k), nodeType: 'tee' })),
    ...frontage.inlineValvesAt.map((c, k): Fitting => ({ c, id: `WN${edge.id}-${k}`, nodeType: 'junction', inlineValve: true })),
  ].sort((a, b) => a.c - b.c);
  const junctionDegree = (node: number) => plan.corner(node, 'water')?.pieces.size ?? 0;
  return emitMain(plan, edge, 'water', fittings, out, (node) => junctionDegree(node) >= 2 || plan.waterSources.has(node));
}

/** A service or lateral leaving a main square across the street: tap, property line, end point. */
function squareAcross(plan: CityPlan, edge: StreetEdge, c: number, tap: Vertex3, endOffset: number, endDepth: number, via: number): Vertex3[] {
  const at = (offset: number, depth: number): Vertex3 => {
    const p = offsetPointAlong(edge.points, edge.cum, c, offset);
    const g = groundElevation(p.x, p.y);
    return { x: p.x, y: p.y, g, z: g - depth };
  };
  return [tap, at(via, endDepth), at(endOffset, endDepth)];
}

export function waterServices(plan: CityPlan, edge: StreetEdge, frontage: Frontage, taps: Map<string, Vertex3>, out: StreetOutput): void {
  const chain = plan.chainOf(edge.id);
  const owner = ownerOf(plan.seed, 'water', chain.line);
  const main = plan.main(edge.id, 'water');
  const pl = propertyLineOffset(chain.streetClass);
  frontage.parcels.forEach((parcel, k) => {
    if (parcel.waterAt === null) return;
    const r = rngFor(plan.seed, 'water-service', edge.id, k);
    const dn = parcel.customerClass === 'domestic' ? pick(r, [20, 25, 32]) : parcel.customerClass === 'business' ? pick(r, [32, 40, 50]) : 50;
    const section: CrossSection = { shape: 'circular', diameterMm: dn };
    const year = serviceYear(r, main.year);
    const depth = uniform(r, SERVICE_COVER_M[0], SERVICE_COVER_M[1]) + dn / 2000;
    const plan3 = squareAcross(plan, edge, parcel.waterAt, taps.get(serviceTapId(edge.id, k))!, parcel.side * (pl + METER_INSIDE_M), depth, parcel.side * pl);
    const vertices = yieldAtCrossings(plan3, out.obstacles, `water${edge.id}`, {
      radius: boundingRadius(section), halfHeight: halfHeight(section), minCover: minimumCover('water') + 0.05,
      fixedStart: true, fixedEnd: false, rng: r,
    });
    const id = `WS${edge.id}-${k}`;
    addObstacles(out.obstacles, vertices, boundingRadius(section), id);
    out.links.push({
      id, utility: 'water', subtype: 'service', material: year < 2000 ? 'galvanised_steel' : 'pe', section,
      pressureClass: null, installYear: year, owner, status: serviceStatus(r), qualityLevel: qualityLevel(r, year),
      street: chain.name, fromNode: serviceTapId(edge.id, k), toNode: `WC${edge.id}-${k}`, vertices,
    });
    out.nodes.push({
      id: `WC${edge.id}-${k}`, nodeType: 'service_connection', utility: 'water', at: vertices[vertices.length - 1]!,
      customerClass: parcel.customerClass, street: chain.name, ...(parcel.name ? { name: parcel.name } : {}),
    });
  });

  frontage.hydrantsAt.forEach((c, k) => {
    const r = rngFor(plan.seed, 'hydrant', edge.id, k);
    const section: CrossSection = { shape: 'circular', diameterMm: pick(r, [100, 150]) };
    const depth = uniform(r, HYDRANT_BURY_M[0], HYDRANT_BURY_M[1]) + halfHeight(section);
    const tap = taps.get(hydrantTapId(edge.id, k))!;
    const hydrantOffset = pl - HYDRANT_SETBACK_M;
    const plan3 = squareAcross(plan, edge, c, tap, hydrantOffset, depth, (hydrantOffset + 3) / 2);
    const vertices = yieldAtCrossings(plan3, out.obstacles, `water${edge.id}`, {
      radius: boundingRadius(section), halfHeight: halfHeight(section), minCover: minimumCover('water') + 0.05,
      fixedStart: true, fixedEnd: false, rng: r,
    });
    const id = `WH${edge.id}-${k}`;
    addObstacles(out.obstacles, vertices, boundingRadius(section), id);
    out.links.push({
      id, utility: 'water', subtype: 'hydrant_lateral', material: 'ductile_iron', section, pressureClass: null,
      installYear: main.year, owner, status: 'in_service', qualityLevel: qualityLevel(r, main.year),
      street: chain.name, fromNode: hydrantTapId(edge.id, k), toNode: `H${edge.id}-${k}`, vertices,
    });
    out.nodes.push({ id: `H${edge.id}-${k}`, nodeType: 'hydrant', utility: 'water', at: vertices[vertices.length - 1]!, street: chain.name });
    out.nodes.push({
      id: `WHV${edge.id}-${k}`, nodeType: 'valve', utility: 'water', link: id, at: pointOnLine(vertices, HYDRANT_VALVE_SETBACK_M),
      street: chain.name, ...valveState(r),
    });
  });
}
