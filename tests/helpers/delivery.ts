/** Small GeoJSON network deliveries written to a file, for tests that import versions one after another. */
import { writeFileSync } from 'node:fs';

export interface LinkOptions {
  utility?: string;
  owner?: string;
  qualityLevel?: string;
}

/** A link feature in lon/lat with its centreline elevations (coordinates' z) and ground elevations, one per vertex. */
export function linkFeature(id: string, coordinates: [number, number, number][], ground: number[], o: LinkOptions = {}): unknown {
  return {
    type: 'Feature', geometry: { type: 'LineString', coordinates },
    properties: {
      id, feature_type: 'link', utility: o.utility ?? 'gas', subtype: 'main', material: 'PE', owner: o.owner ?? `owner of ${id}`,
      status: 'in_service', quality_level: o.qualityLevel ?? 'A', diameter_mm: 200, ground_z: ground,
    },
  };
}

/** Writes a WGS 84 delivery of these features and returns its path. */
export function writeDelivery(file: string, features: unknown[]): string {
  writeFileSync(file, JSON.stringify({
    type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:4326' } }, vertical_datum: 'test datum', features,
  }));
  return file;
}
