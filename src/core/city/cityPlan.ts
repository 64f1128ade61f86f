/**
 * Everything about the city that must be settled before any feature is written: the streets, which
 * systems run under each, the corner geometry, both gravity networks graded upstream first, and at
 * every corner the elevations of the pressure and duct lines where they cross (most rigid first).
 * What is left — the straight runs between corners, with their services — is produced street by
 * street while the features stream out (cityFeatures.ts), so memory stays small for a large city.
 */
import { boundingRadius, halfHeight } from '../model';
import { installYear } from './attributes';
import { planCorner, type CornerPlan } from './corners';
import { addObstacles, crossingGap, findCrossings, yieldAtCrossings, type Obstacle } from './crossings';
import { cityExtent, type CityExtent, type CitySize } from './extent';
import type { Vertex3 } from './geometry';
import { buildGravityNetwork, spanVertices, type CityContext, type GravityLine, type GravityNetwork } from './gravityNetwork';
import { hydrantsAlongStreet } from './hydrants';
import { integer, rngFor } from './random';
import { mainSpec, type MainSpec } from './sections';
import { buildStreetGraph, type StreetChain, type StreetGraph } from './streetGraph';
import { layOutStreets } from './streets';
import { coverField, minimumCover, oldMainOnEdge, SYSTEM_CODES, SYSTEMS, systemOnStreet, YIELD_ORDER, type SystemCode } from './systems';
import { groundElevation } from './terrain';

export interface CityPlan extends CityContext {
  extent: CityExtent;
  sewer: GravityNetwork;
  storm: GravityNetwork;
  /** Main size, material and class of a pressure or duct system under an edge, with its install year. */
  main(edge: number, code: SystemCode): MainSpec & { year: number };
  /** Centreline elevation of a pressure or duct line at a point, before any crossing moves it. */
  naturalZ(code: SystemCode, x: number, y: number, g: number): number;
  /** A settled corner piece, from the edge's setback point to the junction, with elevations. */
  cornerPiece(node: number, code: SystemCode, edge: number): Vertex3[] | undefined;
  /** The corner's junction for a system, with its elevation (gravity: the manhole invert). */
  junction(node: number, code: SystemCode): Vertex3 | undefined;
  waterSources: Set<number>;
  /** The street block nearest the city centre: a hospital fronts it in every city. */
  centralEdge: number;
  /** Chainages along an edge where hydrant laterals leave the water main. */
  hydrantsAlong(edge: number): number[];
}

/** Sewers drain to the southern edge and to interceptor sewers under every 6th east-west street. */
const INTERCEPTOR_ROW_PERIOD = 6;
/** Storm drains discharge to the southern edge and to creeks (涌) beside every 4th north-south street. */
const CREEK_COLUMN_PERIOD = 4;
const WATER_SOURCES = 2;
/** Abandoned cast-iron mains were laid before ductile iron took over. */
const OLD_MAIN_YEARS: readonly [number, number] = [1975, 1990];
/** Streets end this far inside the extent, so that services to parcels on edge streets stay inside it too. */
const EDGE_MARGIN_M = 20;

function lineIndex(line: string, kind: 'r' | 'c'): number | null {
  return line.startsWith(kind) ? Number(line.slice(1)) : null;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

export function planCity(size: CitySize, seed: number): CityPlan {
  const extent = cityExtent(size);
  const streetsX = extent.halfX - EDGE_MARGIN_M, streetsY = extent.halfY - EDGE_MARGIN_M;
  const graph = buildStreetGraph(layOutStreets(seed, streetsX, streetsY), streetsX, streetsY);
  const chainOf = (edge: number): StreetChain => graph.chains[graph.edges[edge]!.chain]!;
  const presence = new Map<number, Set<SystemCode>>();
  for (const e of graph.edges) {
    const chain = chainOf(e.id);
    const set = new Set(SYSTEM_CODES.filter((c) => systemOnStreet(seed, c, chain.line, chain.streetClass)));
    if (oldMainOnEdge(seed, e.id, chain.streetClass)) set.add('water_old');
    presence.set(e.id, set);
  }
  const carries = (edge: number, code: SystemCode) => presence.get(edge)!.has(code);
  const corners = new Map<string, CornerPlan | null>();
  const corner = (node: number, code: SystemCode): CornerPlan | null => {
    const key = `${node}|${code}`;
    if (!corners.has(key)) corners.set(key, code === 'water_old' ? null : planCorner(graph, node, code, carries));
    return corners.get(key)!;
  };
  const ctx: CityContext = { seed, graph, carries, corner, chainOf };

  const nodesOnLine = (test: (chain: StreetChain) => boolean) =>
    graph.nodes.filter((n) => n.edges.some((e) => test(chainOf(e)))).map((n) => n.id);
  const southEdge = graph.nodes.filter((n) => n.boundary === 'south').map((n) => n.id);
  const lowest = () => [graph.nodes.reduce((a, b) => (b.y < a.y ? b : a)).id];
  const sewerOutfalls = [...southEdge, ...nodesOnLine((c) => { const j = lineIndex(c.line, 'r'); return j !== null && mod(j - 3, INTERCEPTOR_ROW_PERIOD) === 0; })];
  const stormOutfalls = [...southEdge, ...nodesOnLine((c) => { const i = lineIndex(c.line, 'c'); return i !== null && mod(i - 2, CREEK_COLUMN_PERIOD) === 0; })];
  const storm = buildGravityNetwork(ctx, 'storm', stormOutfalls.length ? stormOutfalls : lowest());
  const sewer = buildGravityNetwork(ctx, 'sewer', sewerOutfalls.length ? sewerOutfalls : lowest(), (line, radius) => {
    // A sewer passes under each storm drain it crosses near its corners.
    const obstacles: Obstacle[] = [];
    const edge = graph.edges[line.edge]!;
    for (const n of [edge.from, edge.to]) {
      for (const e of graph.nodes[n]!.edges) {
        const s = storm.lines.get(e);
        if (s) s.spans.forEach((_, k) => addObstacles(obstacles, spanVertices(s, k), boundingRadius(s.section), `storm${e}`));
      }
    }
    const r = rngFor(seed, 'sewer-under-storm', line.edge);
    return findCrossings(line.vertices, line.cum, obstacles, '').map((k) => ({ c: k.c, z: k.z - k.r - crossingGap(r) - radius }));
  });

  const mains = new Map<string, MainSpec & { year: number }>();
  const main = (edge: number, code: SystemCode) => {
    const key = `${edge}|${code}`;
    let spec = mains.get(key);
    if (!spec) {
      const chain = chainOf(edge);
      const year = code === 'water_old'
        ? integer(rngFor(seed, 'old-main-year', edge), OLD_MAIN_YEARS[0], OLD_MAIN_YEARS[1])
        : installYear(seed, SYSTEMS[code].utility, chain.line, `${code}${edge}`);
      spec = { ...mainSpec(seed, code, chain.line, chain.streetClass, year), year };
      mains.set(key, spec);
    }
    return spec;
  };
  const fields = Object.fromEntries(SYSTEM_CODES.map((c) => [c, coverField(seed, c)])) as Record<SystemCode, (x: number, y: number) => number>;
  const naturalZ = (code: SystemCode, x: number, y: number, g: number) => g - fields[code](x, y) - SYSTEMS[code].referenceHalfHeight;

  const pieces = new Map<string, Vertex3[]>();
  const junctions = new Map<string, Vertex3>();
  for (const node of graph.nodes) settleCorner(node.id);

  const sources = graph.nodes.filter((n) => n.boundary !== null && n.edges.some((e) => chainOf(e).streetClass === 'arterial'));
  const sourcePool = sources.length >= WATER_SOURCES ? sources : graph.nodes.filter((n) => n.boundary !== null);
  const draw = new Map(sourcePool.map((n) => [n.id, rngFor(seed, 'water-source', n.id)()]));
  const waterSources = new Set([...draw.keys()].sort((a, b) => draw.get(a)! - draw.get(b)!).slice(0, WATER_SOURCES));

  const centralEdge = graph.edges.reduce((best, e) => {
    const mid = (x: typeof e) => Math.hypot((x.points[0]!.x + x.points.at(-1)!.x) / 2, (x.points[0]!.y + x.points.at(-1)!.y) / 2);
    return mid(e) < mid(best) ? e : best;
  }).id;

  const hydrants = new Map<number, Map<number, number[]>>();
  const hydrantsAlong = (edge: number) => {
    const chain = graph.edges[edge]!.chain;
    if (!hydrants.has(chain)) hydrants.set(chain, hydrantsAlongStreet(seed, graph, graph.chains[chain]!));
    return hydrants.get(chain)!.get(edge)!;
  };

  return {
    ...ctx, extent, sewer, storm, main, naturalZ, waterSources, centralEdge, hydrantsAlong,
    cornerPiece: (node, code, edge) => pieces.get(`${node}|${code}|${edge}`),
    junction: (node, code) => {
      if (code === 'sewer' || code === 'storm') {
        const net = code === 'sewer' ? sewer : storm;
        const at = corner(node, code)?.junction;
        const invert = net.cornerInvert.get(node);
        return at && invert !== undefined ? { ...at, z: invert, g: groundElevation(at.x, at.y) } : undefined;
      }
      return junctions.get(`${node}|${code}`);
    },
  };

  /** Settles the pressure and duct lines at one corner against the gravity lines and each other. */
  function settleCorner(node: number): void {
    const obstacles: Obstacle[] = [];
    for (const e of graph.nodes[node]!.edges) {
      for (const net of [sewer, storm]) {
        const line: GravityLine | undefined = net.lines.get(e);
        if (line) line.spans.forEach((_, k) => addObstacles(obstacles, spanVertices(line, k), boundingRadius(line.section), `${net.code}${e}`));
      }
    }
    for (const code of YIELD_ORDER) {
      const plan = corner(node, code);
      if (!plan) continue;
      const settle = (edges: number[], line: Vertex3[], fixedEnd: boolean) => {
        const spec = main(edges[0]!, code);
        const settled = yieldAtCrossings(line, obstacles, `${code}@${node}`, {
          radius: boundingRadius(spec.section),
          halfHeight: halfHeight(spec.section),
          minCover: minimumCover(SYSTEMS[code].utility) + 0.05,
          fixedStart: true,
          fixedEnd,
          rng: rngFor(seed, 'corner-crossing', node, code, ...edges),
        });
        addObstacles(obstacles, settled, boundingRadius(spec.section), `${code}@${node}`);
        return settled;
      };
      const natural = (edge: number) => plan.pieces.get(edge)!.map((p): Vertex3 => {
        const g = groundElevation(p.x, p.y);
        return { x: p.x, y: p.y, g, z: naturalZ(code, p.x, p.y, g) };
      });
      // The trunk is settled as one line through the junction, so that a crossing beside the
      // junction is passed level on both sides of it.
      const [inEdge, outEdge] = plan.trunkEdges;
      let junctionZ: number;
      if (outEdge === undefined) {
        const settled = settle([inEdge!], natural(inEdge!), false);
        pieces.set(`${node}|${code}|${inEdge}`, settled);
        junctionZ = settled[settled.length - 1]!.z;
      } else {
        const a = natural(inEdge!), b = natural(outEdge);
        const through = settle([inEdge!, outEdge], [...a, ...b.slice(0, -1).reverse()], true);
        let j = 0;
        through.forEach((v, i) => {
          if (Math.hypot(v.x - plan.junction.x, v.y - plan.junction.y) < Math.hypot(through[j]!.x - plan.junction.x, through[j]!.y - plan.junction.y)) j = i;
        });
        pieces.set(`${node}|${code}|${inEdge}`, through.slice(0, j + 1));
        pieces.set(`${node}|${code}|${outEdge}`, through.slice(j).reverse());
        junctionZ = through[j]!.z;
      }
      for (const edge of [...plan.pieces.keys()].filter((e) => !plan.trunkEdges.includes(e)).sort((x, y) => x - y)) {
        const line = natural(edge);
        line[line.length - 1]!.z = junctionZ;
        pieces.set(`${node}|${code}|${edge}`, settle([edge], line, true));
      }
      junctions.set(`${node}|${code}`, { ...plan.junction, z: junctionZ, g: groundElevation(plan.junction.x, plan.junction.y) });
    }
  }
}
