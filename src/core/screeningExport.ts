/**
 * A dig's screening as GeoJSON (RFC 7946, WGS 84 lon/lat, heights in the network's vertical datum):
 * the dig's footprint (or every work of a permit: open cuts and pits as polygons, trench centre lines
 * and bore paths as lines, piles as points, with widths, depths and diameters in the properties) and
 * one feature per screened line, so the report opens in any GIS. The JSON export is the screening
 * itself (DigScreening or WorksScreening); both carry the network version they were screened against.
 * The collection itself carries what the report rests on, for one dig and for a permit's works alike:
 * the summary (counts, owners to notify), the notify distance and its source, and the rules applied
 * (the user's overrides with their reason, and the clearance per utility with its source).
 */
import type { AppliedRules, DigRequest, DigScreening, ScreenedLine, ScreenedWork, WorksRequest, WorksScreening } from './digScreening';
import type { DigWork, PitWork } from './screening/digWorks';

export interface ExportedScreening extends AppliedRules {
  type: 'FeatureCollection';
  networkVersion: number;
  ruleSetId: string;
  screenedAt: string;
  notifyDistance: number;
  summary: DigScreening['summary'];
  features: ExportedFeature[];
}

export type ExportedGeometry =
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'LineString'; coordinates: [number, number][] | [number, number, number][] }
  | { type: 'MultiPoint'; coordinates: [number, number][] };

export interface ExportedFeature { type: 'Feature'; geometry: ExportedGeometry; properties: Record<string, unknown> }

function closedRing(r: readonly [number, number][]): [number, number][] {
  const ring = [...r];
  const first = ring[0]!, last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push(first);
  return ring;
}

/** Each work of a permit as GeoJSON: open cuts and pits as polygons (holes kept), trenches and bores as lines, piles as points. */
function workFeatures(work: DigWork, index: number, screened: ScreenedWork): ExportedFeature[] {
  const { geometry: _asked, ...volume } = screened;
  const common = { ...volume, kind: 'work', workKind: work.kind, work: index };
  const pit = (p: PitWork, role: string): ExportedFeature => ({
    type: 'Feature', geometry: { type: 'Polygon', coordinates: [closedRing(p.footprint), ...(p.holes ?? []).map(closedRing)] },
    properties: { ...common, role, depth: p.depth ?? null, bottomElevation: p.bottomElevation ?? null },
  });
  switch (work.kind) {
    case 'open_cut': return [pit(work, 'footprint')];
    case 'trench':
      return [{ type: 'Feature', geometry: { type: 'LineString', coordinates: work.centreLine },
        properties: { ...common, role: 'centre_line', width: work.width, depth: work.depth ?? null, depths: work.depths ?? null } }];
    case 'bore':
      return [
        { type: 'Feature', geometry: { type: 'LineString', coordinates: work.path.map(([lon, lat]): [number, number] => [lon, lat]) },
          properties: { ...common, role: 'path', reamerDiameter: work.reamerDiameter, depthsBelowGround: work.path.map((p) => p[2]) } },
        ...(work.entryPit ? [pit(work.entryPit, 'entry_pit')] : []),
        ...(work.exitPit ? [pit(work.exitPit, 'exit_pit')] : []),
      ];
    case 'piles':
      return [{ type: 'Feature', geometry: { type: 'MultiPoint', coordinates: work.points },
        properties: { ...common, role: 'piles', diameter: work.diameter, depth: work.depth } }];
  }
}

function lineFeatures(lines: readonly ScreenedLine[], geometryOf: LineGeometryLookup, networkVersion: number): ExportedFeature[] {
  return lines.map((line) => {
    const { closestPoint: _local, ...props } = line;
    const coordinates = geometryOf(line.linkId);
    if (!coordinates) throw new Error(`screening export: no geometry for line "${line.linkId}" in network version ${networkVersion}`);
    return { type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { kind: 'screened_line', ...props } };
  });
}

/** A permit's screening with several works: every work's geometry, then every screened line. */
export function worksToGeoJson(request: WorksRequest, result: WorksScreening, geometryOf: LineGeometryLookup, screenedAt: Date): ExportedScreening {
  return collection(result, screenedAt, [
    ...request.works.flatMap((w, i) => workFeatures(w, i, result.works[i]!)),
    ...lineFeatures(result.lines, geometryOf, result.networkVersion),
  ]);
}

function collection(result: DigScreening | WorksScreening, screenedAt: Date, features: ExportedFeature[]): ExportedScreening {
  return {
    type: 'FeatureCollection', networkVersion: result.networkVersion, ruleSetId: result.ruleSetId, screenedAt: screenedAt.toISOString(),
    summary: result.summary, notifyDistance: result.notifyDistance, notifySource: result.notifySource, overrides: result.overrides,
    clearances: result.clearances, features,
  };
}

/** Line geometry for the export: lon, lat, centreline elevation per vertex. */
export type LineGeometryLookup = (linkId: string) => [number, number, number][] | null;

export function screeningToGeoJson(request: DigRequest, result: DigScreening, geometryOf: LineGeometryLookup, screenedAt: Date): ExportedScreening {
  return collection(result, screenedAt, [
    {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [closedRing(request.footprint)] },
      properties: {
        kind: 'dig', depth: request.depth, groundElevation: result.groundElevation, groundSource: result.groundSource,
        bottomZ: result.bottomZ, topZ: result.topZ, notifyDistance: result.notifyDistance, summary: result.summary,
      },
    },
    ...lineFeatures(result.lines, geometryOf, result.networkVersion),
  ]);
}
