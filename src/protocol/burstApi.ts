/** Wire types of the burst-response API (/api/burst/…), shared by the server and the client. */
import type { CustomerClass, UtilityType } from '../core/model';
import type { RouteStart } from '../core/burst/burstRules';
import type { NearbyLine } from '../core/burst/nearbyLines';

export type LonLat = [number, number];

export interface BurstSearchHit {
  kind: 'link' | 'node' | 'street' | 'coordinates';
  /** The link or node id, the street name, or the coordinates as typed. */
  label: string;
  /** For links and nodes: their utility. */
  utility: UtilityType | null;
  /** Where the hit is: the point the nearest mains are measured from. */
  lon: number;
  lat: number;
}

export interface BurstSearchResult {
  query: string;
  hits: BurstSearchHit[];
}

export interface NearbyMain {
  linkId: string;
  /** Plan distance from the located point to the main's centreline, m. */
  distance: number;
  street: string | null;
  diameterMm: number | null;
  subtype: string;
}

export interface NearestMainsResult {
  point: { lon: number; lat: number; x: number; y: number };
  mains: NearbyMain[];
}

export interface TraceRequest {
  networkVersion: number;
  linkId: string;
  failedValves?: string[];
  /** Plan distance for other lines near the burst, m; the rules table's default when absent. */
  nearbyDistance?: number;
  /** 'burst', or a depot id; the rules table's default when absent. */
  routeFrom?: string;
}

export interface TracedValve {
  id: string;
  lon: number;
  lat: number;
  /** Ground − valve elevation (to the operating nut when surveyed so), m; null when unknown. */
  depth: number | null;
  /** Diameter of the main it sits on, mm. */
  sizeMm: number | null;
  street: string | null;
  normallyOpen: boolean;
  /** Plan distance from the previous stop on the route, m (route valves only). */
  leg: number | null;
}

export interface TracedLine {
  id: string;
  /** lon, lat, height relative to ground (m), per vertex: what the viewer draws. */
  positions: number[];
}

export interface TracedPart {
  links: TracedLine[];
  length: number;
  volume: number;
}

/** A line near the burst (nearbyLines.ts) with its vertices for highlighting. */
export interface NearbyLineView extends Omit<NearbyLine, 'x' | 'y'> {
  positions: number[];
}

export interface BurstTrace {
  networkVersion: number;
  burst: { linkId: string; street: string | null; diameterMm: number | null; lon: number; lat: number };
  failedValves: string[];
  /** In the crew's route order. */
  valvesToClose: TracedValve[];
  route: { from: RouteStart; depotId: string | null; start: LonLat; distance: 'plan'; length: number };
  optionalValves: TracedValve[];
  alreadyClosedValves: TracedValve[];
  /** Valves at the edge found inoperable, which widened the shutdown. */
  failedValvesPassed: TracedValve[];
  isolated: TracedPart;
  unintended: TracedPart;
  alreadyWithoutSupply: TracedPart;
  sourcesInArea: string[];
  burstAlreadyWithoutSupply: boolean;
  customersCutOff: Record<CustomerClass, number>;
  criticalCustomers: { id: string; name: string | null; lon: number; lat: number }[];
  hydrantsOutOfService: { id: string; lon: number; lat: number }[];
  nearbyDistance: number;
  nearbyLines: NearbyLineView[];
  /** Server time for the trace (after the per-version graph is built), ms. */
  ms: number;
}

export interface IncidentRequest extends TraceRequest {
  note?: string;
}

export interface Incident {
  id: string;
  createdAt: string;
  networkVersion: number;
  linkId: string;
  failedValves: string[];
  nearbyDistance: number;
  routeFrom: string;
  note: string;
  /** The valves in route order and the customers cut off when it was saved. */
  trace: BurstTrace;
}
