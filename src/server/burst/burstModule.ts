/**
 * Burst response over HTTP (issue 5):
 *   GET  /api/burst/rules                       the rules table (nearby distance, depots…)
 *   GET  /api/burst/search?q=…                  street names, link/node ids, or coordinates
 *   GET  /api/burst/nearest?lon=&lat=  |  ?x=&y= (network CRS)   the nearest water mains
 *   POST /api/burst/trace                       {networkVersion, linkId, failedValves?, nearbyDistance?, routeFrom?}
 *   POST /api/burst/incidents                   the same body + note → the saved incident with its id
 *   GET  /api/burst/incidents/{id}              a saved incident
 * The graph and its segmentation are built once per network version (burstNetwork.ts).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBurstRules } from '../../core/burst/burstRules';
import { transformBetween } from '../../core/crs';
import { given } from '../../core/rulesTable';
import type { Incident, NearestMainsResult } from '../../protocol/burstApi';
import type { ApiModule } from '../http/apiModule';
import { HttpError, readJsonBody, sendJson } from '../http/respond';
import type { NetworkStore } from '../storage/networkStore';
import type { NetworkAccess } from '../access/networkAccess';
import { BurstNetworkCache } from './burstNetwork';
import { IncidentStore } from './incidentStore';
import { nearestMains } from './nearestMains';
import { BurstSearchIndex } from './searchIndex';
import { runTrace, validateTraceRequest } from './traceService';

export const BURST_RULES_FILE = resolve('data/rules/burst.json');
export const INCIDENTS_FILE = 'incidents.sqlite';
const MAX_NOTE_LENGTH = 2000;

export interface BurstModuleOptions {
  store: NetworkStore;
  dataDir: string;
  rulesFile?: string;
  /** Network access (src/server/access): cuts restricted lines for roles that may not see them and audits the rest. */
  access: NetworkAccess;
}

function finiteParam(url: URL, name: string): number {
  const raw = url.searchParams.get(name);
  const v = raw === null || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new HttpError(400, 'bad_coordinates', `${name} must be a number; got ${JSON.stringify(raw)}`, name);
  return v;
}

export function createBurstModule(options: BurstModuleOptions): ApiModule {
  const rulesJson = JSON.parse(readFileSync(options.rulesFile ?? BURST_RULES_FILE, 'utf8')) as unknown;
  const rules = parseBurstRules(rulesJson);
  const networks = new BurstNetworkCache(options.store);
  const incidents = new IncidentStore(join(options.dataDir, INCIDENTS_FILE));
  let search: { version: number; index: BurstSearchIndex } | null = null;

  function searchIndex(): BurstSearchIndex {
    const net = networks.get();
    if (search?.version !== net.version) {
      search = { version: net.version, index: new BurstSearchIndex(options.store.links(), options.store.nodes(), net.frame, net.sourceCrs) };
    }
    return search.index;
  }

  function nearest(url: URL): NearestMainsResult {
    const net = networks.get();
    let lon: number, lat: number, x: number, y: number;
    if (url.searchParams.has('lon') || url.searchParams.has('lat')) {
      lon = finiteParam(url, 'lon');
      lat = finiteParam(url, 'lat');
      if (lon < -180 || lon > 180) throw new HttpError(400, 'bad_coordinates', `lon must be in -180…180°; got ${given(lon, '°')}`, 'lon');
      if (lat < -90 || lat > 90) throw new HttpError(400, 'bad_coordinates', `lat must be in -90…90°; got ${given(lat, '°')}`, 'lat');
      [x, y] = net.toLocal(lon, lat);
    } else if (url.searchParams.has('x') || url.searchParams.has('y')) {
      [x, y] = transformBetween(net.sourceCrs, net.frame).toLocal(finiteParam(url, 'x'), finiteParam(url, 'y'));
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new HttpError(400, 'bad_coordinates', `x,y do not transform from ${net.sourceCrs}`, 'x');
      [lon, lat] = net.toLonLat(x, y);
    } else {
      throw new HttpError(400, 'bad_coordinates', `give lon and lat (WGS 84) or x and y (${net.sourceCrs})`, 'lon');
    }
    return { point: { lon, lat, x, y }, mains: nearestMains(options.store, net, x, y, rules.nearestMains.radius, rules.nearestMains.count) };
  }

  async function traceAndMaybeSave(req: IncomingMessage, save: boolean): Promise<unknown> {
    const body = await readJsonBody(req);
    const net = networks.get();
    const valid = validateTraceRequest(body, net, rules);
    const trace = runTrace(options.store, net, rules, valid);
    if (!save) return trace;
    const note = (body as Record<string, unknown>)['note'] ?? '';
    if (typeof note !== 'string' || note.length > MAX_NOTE_LENGTH) throw new HttpError(400, 'bad_note', `note must be text of at most ${MAX_NOTE_LENGTH} characters`, 'note');
    return incidents.save({
      networkVersion: net.version, linkId: valid.linkId, failedValves: valid.failedValves, nearbyDistance: valid.nearbyDistance,
      routeFrom: valid.routeFrom, note,
    }, trace);
  }

  return {
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      const path = url.pathname;
      if (!path.startsWith('/api/burst/')) return false;
      const get = req.method === 'GET' || req.method === 'HEAD';
      const post = req.method === 'POST';
      if (get && path === '/api/burst/rules') {
        sendJson(req, res, 200, rulesJson);
      } else if (get && path === '/api/burst/search') {
        const q = url.searchParams.get('q') ?? '';
        if (q.trim() === '' || q.length > rules.search.maxQueryLength) throw new HttpError(400, 'bad_query', `q must be 1–${rules.search.maxQueryLength} characters`, 'q');
        let hits;
        try {
          hits = searchIndex().search(q, rules.search.limit);
        } catch (e) {
          if (e instanceof RangeError) throw new HttpError(400, 'bad_coordinates', e.message, 'q');
          throw e;
        }
        sendJson(req, res, 200, { query: q, hits: options.access.burstAnswer(req, hits) });
      } else if (get && path === '/api/burst/nearest') {
        sendJson(req, res, 200, options.access.burstAnswer(req, nearest(url)));
      } else if (post && path === '/api/burst/trace') {
        sendJson(req, res, 200, options.access.burstAnswer(req, await traceAndMaybeSave(req, false)));
      } else if (post && path === '/api/burst/incidents') {
        sendJson(req, res, 201, options.access.burstAnswer(req, await traceAndMaybeSave(req, true)));
      } else {
        const m = /^\/api\/burst\/incidents\/([A-Za-z0-9_-]{1,64})$/.exec(path);
        if (!(get && m)) throw new HttpError(404, 'not_found', `no API route ${req.method} ${path}`);
        const incident: Incident | null = incidents.get(m[1]!);
        if (!incident) throw new HttpError(404, 'unknown_incident', `no incident with id "${m[1]}"`, 'id');
        sendJson(req, res, 200, options.access.burstAnswer(req, incident));
      }
      return true;
    },
    close() {
      incidents.close();
    },
  };
}
