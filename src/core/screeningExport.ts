/**
 * A dig's screening as GeoJSON (RFC 7946, WGS 84 lon/lat, heights in the network's vertical datum):
 * the dig's footprint and one feature per screened line, so the report opens in any GIS. The JSON
 * export is the DigScreening itself; both carry the network version they were screened against.
 */
import type { DigRequest, DigScreening, ScreenedLine } from './digScreening';

export interface ExportedScreening {
  type: 'FeatureCollection';
  networkVersion: number;
  ruleSetId: string;
  screenedAt: string;
  features: (
    | { type: 'Feature'; geometry: { type: 'Polygon'; coordinates: [number, number][][] }; properties: Record<string, unknown> }
    | { type: 'Feature'; geometry: { type: 'LineString'; coordinates: [number, number, number][] }; properties: Record<string, unknown> }
  )[];
}

/** Line geometry for the export: lon, lat, centreline elevation per vertex. */
export type LineGeometryLookup = (linkId: string) => [number, number, number][] | null;

export function screeningToGeoJson(request: DigRequest, result: DigScreening, geometryOf: LineGeometryLookup, screenedAt: Date): ExportedScreening {
  const ring = [...request.footprint];
  const first = ring[0]!, last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push(first);
  const lineFeature = (line: ScreenedLine) => {
    const { closestPoint: _local, ...props } = line;
    const coordinates = geometryOf(line.linkId);
    if (!coordinates) throw new Error(`screeningToGeoJson: no geometry for line "${line.linkId}" in network version ${result.networkVersion}`);
    return { type: 'Feature' as const, geometry: { type: 'LineString' as const, coordinates }, properties: { kind: 'screened_line', ...props } };
  };
  return {
    type: 'FeatureCollection',
    networkVersion: result.networkVersion,
    ruleSetId: result.ruleSetId,
    screenedAt: screenedAt.toISOString(),
    features: [
      {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: {
          kind: 'dig', depth: request.depth, groundElevation: result.groundElevation, groundSource: result.groundSource,
          bottomZ: result.bottomZ, topZ: result.topZ, notifyDistance: result.notifyDistance, summary: result.summary,
        },
      },
      ...result.lines.map(lineFeature),
    ],
  };
}
