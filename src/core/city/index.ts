/**
 * The deterministic sample city: Guangzhou Tianhe's buried utilities as a network delivery in the
 * exchange format (networkGeojson.ts), generated feature by feature so that the large city (about
 * a million segments) streams to disk without being held in memory. Same size and seed, same city.
 *
 *   for (const f of generateCity({ size: 'small', seed: 42 })) …
 *
 * Wrap the features with `cityCollectionHeader()` to write a FeatureCollection.
 */
import type { NetworkFeature } from '../networkGeojson';
import { planCity } from './cityPlan';
import { cornerNodes } from './cornerNodes';
import { CITY_CRS_URN, CITY_SIZES, CITY_VERTICAL_DATUM, type CitySize } from './extent';
import { linkFeature, nodeFeature } from './features';
import { streetFeatures } from './streetFeatures';

export { cityExtent, CITY_CRS, CITY_CRS_URN, CITY_SIZES, CITY_VERTICAL_DATUM, type CityExtent, type CitySize } from './extent';

export interface CityOptions {
  size: CitySize;
  /** Any 32-bit integer. */
  seed: number;
}

/** The FeatureCollection members that precede `features`. */
export function cityCollectionHeader(): { type: 'FeatureCollection'; crs: { type: 'name'; properties: { name: string } }; vertical_datum: string } {
  return { type: 'FeatureCollection', crs: { type: 'name', properties: { name: CITY_CRS_URN } }, vertical_datum: CITY_VERTICAL_DATUM };
}

export function* generateCity(options: CityOptions): Generator<NetworkFeature, void, undefined> {
  const { size, seed } = options;
  if (!(CITY_SIZES as readonly string[]).includes(size)) throw new RangeError(`generateCity: size must be one of ${CITY_SIZES.join(', ')}; got ${JSON.stringify(size)}`);
  if (!Number.isInteger(seed)) throw new RangeError(`generateCity: seed must be an integer; got ${JSON.stringify(seed)}`);
  const plan = planCity(size, seed | 0);
  const origin = plan.extent;
  for (const node of plan.graph.nodes) {
    for (const record of cornerNodes(plan, node.id)) yield nodeFeature(record, origin);
  }
  const critical = { count: 0 };
  for (const edge of plan.graph.edges) {
    const out = streetFeatures(plan, edge, critical);
    for (const record of out.links) yield linkFeature(record, origin);
    for (const record of out.nodes) yield nodeFeature(record, origin);
  }
}
