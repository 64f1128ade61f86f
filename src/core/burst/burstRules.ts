/**
 * The burst-response rules table (data/rules/burst.json): nearby-line distance, how many mains to
 * offer, search limits, the crew route's start and the depots. Parsed JSON is untrusted; every
 * refusal is a RulesError naming the offending value.
 */
import { labels, list, metres, numberIn, integerIn, oneOf, record, text } from '../rulesTable';

export const ROUTE_STARTS = ['depot', 'burst'] as const;
export type RouteStart = (typeof ROUTE_STARTS)[number];

export interface Depot {
  id: string;
  name: Record<string, string>;
  lon: number;
  lat: number;
}

export interface BurstRules {
  /** Default plan distance for nearby other lines, m, and the range a dispatcher may choose in. */
  nearbyDistance: { value: number; min: number; max: number };
  nearestMains: { count: number; radius: number };
  search: { limit: number; maxQueryLength: number };
  route: { start: RouteStart };
  depots: Depot[];
}

export function parseBurstRules(json: unknown): BurstRules {
  const o = record(json, 'burst');
  const nd = record(o['nearbyDistance'], 'nearbyDistance');
  const min = metres(nd['min'], 'nearbyDistance.min');
  const max = metres(nd['max'], 'nearbyDistance.max');
  const nearest = record(o['nearestMains'], 'nearestMains');
  const search = record(o['search'], 'search');
  const route = record(o['route'], 'route');
  const depots = list(o['depots'], 'depots').map((d, i): Depot => {
    const r = record(d, `depots[${i}]`);
    return {
      id: text(r['id'], `depots[${i}].id`), name: labels(r['name'], `depots[${i}].name`),
      lon: numberIn(r['lon'], `depots[${i}].lon`, -180, 180), lat: numberIn(r['lat'], `depots[${i}].lat`, -90, 90),
    };
  });
  const start = oneOf(route['start'], ROUTE_STARTS, 'route.start');
  return {
    nearbyDistance: { value: numberIn(nd['value'], 'nearbyDistance.value', min, max), min, max },
    nearestMains: { count: integerIn(nearest['count'], 'nearestMains.count', 1, 50), radius: metres(nearest['radius'], 'nearestMains.radius') },
    search: { limit: integerIn(search['limit'], 'search.limit', 1, 100), maxQueryLength: integerIn(search['maxQueryLength'], 'search.maxQueryLength', 1, 1000) },
    route: { start: start === 'depot' && depots.length === 0 ? 'burst' : start },
    depots,
  };
}
