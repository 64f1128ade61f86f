/**
 * One isolation trace over HTTP: validate the request, run isolateBurst on the version's cached
 * graph, order the valves for the crew, and dress the answer in lon/lat, streets and sizes.
 * Other lines near the burst come from the store's R*Tree (the burst pipe's extent grown by the
 * distance), then are measured exactly (nearbyLines.ts).
 */
import { isolateBurst, VALVE_NORMALLY_OPEN, type IsolatedPart } from '../../core/burst';
import type { BurstRules, RouteStart } from '../../core/burst/burstRules';
import { linesNearBurst } from '../../core/burst/nearbyLines';
import { orderValveRoute } from '../../core/burst/valveRoute';
import { VERTEX_STRIDE } from '../../core/model';
import { given } from '../../core/rulesTable';
import type { BurstTrace, TracedPart, TracedValve, TraceRequest } from '../../protocol/burstApi';
import { HttpError } from '../http/respond';
import type { NetworkStore } from '../storage/networkStore';
import { displayPositions, type BurstNetwork } from './burstNetwork';

/** A trace request whose fields have been checked against the network and the rules. */
export interface ValidTrace {
  linkIndex: number;
  failedValves: string[];
  nearbyDistance: number;
  routeFrom: string;
}

const MAX_ID_LENGTH = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateTraceRequest(body: unknown, net: BurstNetwork, rules: BurstRules): ValidTrace & TraceRequest {
  if (!isRecord(body)) throw new HttpError(400, 'bad_request', 'send a JSON object {networkVersion, linkId, failedValves?, nearbyDistance?, routeFrom?}');
  const version = body['networkVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new HttpError(400, 'bad_network_version', `networkVersion must be an integer; got ${given(version)}`, 'networkVersion');
  if (version !== net.version) throw new HttpError(409, 'stale_version', `network version ${version} is not current (current: ${net.version}); reload the network`, 'networkVersion');
  const linkId = body['linkId'];
  if (typeof linkId !== 'string' || linkId === '' || linkId.length > MAX_ID_LENGTH) throw new HttpError(400, 'bad_link_id', 'linkId must be a non-empty string', 'linkId');
  const linkIndex = net.linkIndex.get(linkId);
  if (linkIndex === undefined) throw new HttpError(404, 'unknown_link', `no water line in service with id "${linkId}"`, 'linkId');
  const failedRaw = body['failedValves'] ?? [];
  if (!Array.isArray(failedRaw) || failedRaw.length > net.graph.valveCount) throw new HttpError(400, 'bad_failed_valves', 'failedValves must be an array of valve ids', 'failedValves');
  const failedValves: string[] = [];
  failedRaw.forEach((v, i) => {
    if (typeof v !== 'string' || !net.valveIndex.has(v)) throw new HttpError(400, 'unknown_valve', `failedValves[${i}]: no valve with id ${JSON.stringify(v)}`, `failedValves[${i}]`);
    if (!failedValves.includes(v)) failedValves.push(v);
  });
  const nd = body['nearbyDistance'] ?? rules.nearbyDistance.value;
  const { min, max } = rules.nearbyDistance;
  if (typeof nd !== 'number' || !Number.isFinite(nd) || nd < min || nd > max) throw new HttpError(400, 'bad_nearby_distance', `nearbyDistance must be a number of metres in ${min}–${max} m; got ${given(nd, ' m')}`, 'nearbyDistance');
  const routeFrom = body['routeFrom'] ?? (rules.route.start === 'depot' ? rules.depots[0]!.id : 'burst');
  if (typeof routeFrom !== 'string' || (routeFrom !== 'burst' && !rules.depots.some((d) => d.id === routeFrom))) {
    throw new HttpError(400, 'bad_route_from', `routeFrom must be "burst" or a depot id (${rules.depots.map((d) => d.id).join(', ') || 'none configured'}); got ${JSON.stringify(routeFrom)}`, 'routeFrom');
  }
  return { networkVersion: version, linkId, linkIndex, failedValves, nearbyDistance: nd, routeFrom };
}

function valveView(net: BurstNetwork, index: number, leg: number | null): TracedValve {
  const g = net.graph;
  const id = g.valveIds[index]!;
  const node = net.nodes.get(id);
  const link = net.links[g.valveLink[index]!]!;
  const [lon, lat] = net.toLonLat(g.valveX[index]!, g.valveY[index]!);
  const depth = g.valveDepth[index]!;
  return {
    id, lon, lat, depth: Number.isFinite(depth) ? Math.round(depth * 100) / 100 : null,
    sizeMm: link.section.shape === 'circular' ? link.section.diameterMm : null,
    street: node?.street ?? link.street, normallyOpen: (g.valveFlags[index]! & VALVE_NORMALLY_OPEN) !== 0, leg,
  };
}

function partView(net: BurstNetwork, part: IsolatedPart): TracedPart {
  return {
    links: Array.from(part.links, (l) => ({ id: net.graph.linkIds[l]!, positions: displayPositions(net.links[l]!, net.toLonLat) })),
    length: Math.round(part.length * 100) / 100,
    volume: Math.round(part.volume * 1000) / 1000,
  };
}

export function runTrace(store: NetworkStore, net: BurstNetwork, rules: BurstRules, req: ValidTrace): BurstTrace {
  const t = performance.now();
  const g = net.graph;
  const failed = req.failedValves.map((id) => net.valveIndex.get(id)!);
  const iso = isolateBurst(g, net.segmentation, req.linkIndex, { failedValves: failed });
  const burstLink = net.links[req.linkIndex]!;
  const v = burstLink.vertices;
  const mid = Math.floor(v.length / VERTEX_STRIDE / 2) * VERTEX_STRIDE;
  const burstXY = { x: v[mid]!, y: v[mid + 1]! };
  const depot = rules.depots.find((d) => d.id === req.routeFrom);
  const from: RouteStart = depot ? 'depot' : 'burst';
  const start = depot ? (() => { const [x, y] = net.toLocal(depot.lon, depot.lat); return { x, y }; })() : burstXY;
  const route = orderValveRoute(start, iso.valvesToClose.map((a) => ({ x: a.x, y: a.y })));
  const valvesToClose = route.order.map((k, i) => valveView(net, iso.valvesToClose[k]!.index, Math.round(route.legs[i]! * 10) / 10));
  // Other utilities: R*Tree candidates on the burst pipe's extent grown by the distance, then exact.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let o = 0; o < v.length; o += VERTEX_STRIDE) {
    minX = Math.min(minX, v[o]!); maxX = Math.max(maxX, v[o]!); minY = Math.min(minY, v[o + 1]!); maxY = Math.max(maxY, v[o + 1]!);
  }
  const d = req.nearbyDistance;
  const candidates = store.links({ bbox: { minX: minX - d, minY: minY - d, maxX: maxX + d, maxY: maxY + d } });
  const nearbyLines = linesNearBurst(burstLink, candidates, d).map((n) => ({
    id: n.id, utility: n.utility, subtype: n.subtype, pressureClass: n.pressureClass,
    distance: Math.round(n.distance * 100) / 100, depth: Math.round(n.depth * 100) / 100,
    positions: displayPositions(candidates.find((c) => c.id === n.id)!, net.toLonLat),
  }));
  const [burstLon, burstLat] = net.toLonLat(burstXY.x, burstXY.y);
  const nodeLonLat = (n: number) => net.toLonLat(g.nodeX[n]!, g.nodeY[n]!);
  return {
    networkVersion: net.version,
    burst: {
      linkId: burstLink.id, street: burstLink.street, lon: burstLon, lat: burstLat,
      diameterMm: burstLink.section.shape === 'circular' ? burstLink.section.diameterMm : null,
    },
    failedValves: req.failedValves,
    valvesToClose,
    route: { from, depotId: depot?.id ?? null, start: net.toLonLat(start.x, start.y), distance: 'plan', length: Math.round(route.length * 10) / 10 },
    optionalValves: iso.optionalValves.map((a) => valveView(net, a.index, null)),
    alreadyClosedValves: iso.alreadyClosedValves.map((i) => valveView(net, i, null)),
    failedValvesPassed: iso.failedValvesPassed.map((i) => valveView(net, i, null)),
    isolated: partView(net, iso.area),
    unintended: partView(net, iso.unintended),
    alreadyWithoutSupply: partView(net, iso.alreadyWithoutSupply),
    sourcesInArea: iso.sourcesInArea.map((n) => g.nodeIds[n]!),
    burstAlreadyWithoutSupply: iso.burstAlreadyWithoutSupply,
    customersCutOff: iso.customersCutOff,
    criticalCustomers: iso.criticalCustomers.map((c) => { const [lon, lat] = nodeLonLat(c.node); return { id: c.id, name: c.name, lon, lat }; }),
    hydrantsOutOfService: Array.from(iso.hydrantsOutOfService, (n) => { const [lon, lat] = nodeLonLat(n); return { id: g.nodeIds[n]!, lon, lat }; }),
    nearbyDistance: d,
    nearbyLines,
    ms: Math.round((performance.now() - t) * 1000) / 1000,
  };
}
