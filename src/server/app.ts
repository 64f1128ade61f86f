/**
 * The HTTP application: JSON API under /api, the built client and Cesium's static assets.
 * Stateless apart from caches derived from the store, so several instances can run behind a balancer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UTILITY_TYPES, type UtilityType } from '../core/model';
import { HttpError, readJsonBody, sendEncoded, sendError, sendJson } from './http/respond';
import { serveStatic } from './http/staticFiles';
import { NetworkCache } from './networkCache';
import type { NetworkStore } from './storage/networkStore';
import type { ScreeningService } from './screeningService';
import { createTileRoutes } from './tiles/tileRoutes';
import { NETWORK_REPORTS, NetworkReports, type NetworkReportKind } from './networkReports';
import type { ApiModule } from './http/apiModule';
import type { NetworkAccess, Viewer } from './access/networkAccess';
import { ViewerAnswers } from './access/viewerAnswers';
import { inForce, versionParam } from './http/versionParam';

export interface AppOptions {
  store: NetworkStore;
  screening: ScreeningService;
  /** The built client (vite build output); null serves the API only. */
  clientDir: string | null;
  /** Features' own routes, asked in order before the answer is 404. */
  modules?: ApiModule[];
  /** Who may read which part of the network (src/server/access): every network read passes its gate. */
  access: NetworkAccess;
  /** The network reports (computed in a worker thread per version); made here, with access.json's restricted classes, unless given. */
  reports?: NetworkReports;
}

function utilityParam(value: string): UtilityType {
  if (!(UTILITY_TYPES as readonly string[]).includes(value)) {
    throw new HttpError(404, 'unknown_layer', `unknown layer "${value}"; layers: ${UTILITY_TYPES.join(', ')}`, 'utility');
  }
  return value as UtilityType;
}

/** `bbox=west,south,east,north` in degrees (WGS 84), as OGC API Features takes it. */
function bboxParam(value: string): [number, number, number, number] {
  const parts = value.split(',').map(Number);
  const [w, s, e, n] = parts as [number, number, number, number];
  const ok = parts.length === 4 && parts.every(Number.isFinite) && w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n;
  if (!ok) throw new HttpError(400, 'bad_bbox', `bbox must be west,south,east,north in degrees with west < east and south < north; got "${value}"`, 'bbox');
  return [w, s, e, n];
}

export function createApp(options: AppOptions): Server {
  const cache = new NetworkCache(options.store);
  const { access } = options;
  const tiles = createTileRoutes(options.store, {
    restricted: access.rules,
    served: (req, t) => { if (t.restricted) access.record(access.viewerOf(req), tiles.cache.assetsOf(t.version, t.tileset, t.file), true); },
  });
  const reports = options.reports ?? new NetworkReports(options.store, { restricted: access.rules });
  const answers = new ViewerAnswers(access, options.store, cache, reports);
  // Network answers now differ by viewer: browsers may keep them (private) but must ask again (the ETag makes it a 304).
  const perViewer = 'private, no-cache';

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && path === '/api/health') return sendJson(req, res, 200, { ok: true });
    const viewer = access.gate(req, res, url);
    const who = (): Viewer => {
      if (!viewer) throw new Error(`network route ${path} is not gated (src/server/access/networkAccess.ts NETWORK_ROUTES)`);
      return viewer;
    };
    if (!cache.hasNetwork()) throw new HttpError(503, 'no_network', 'no network has been imported yet: run `npm run city`');
    if (tiles.matches(url)) return tiles.handleTileRequest(req, res, url);
    if (get && path === '/api/network') return sendJson(req, res, 200, answers.summary(who(), cache.summary()));
    // Versioned URLs are immutable: a new import gives new URLs, so clients and CDNs cache forever.
    let m = /^\/api\/network\/([^/]+)\/(layers|nodes|reports)\/([^/]+)$/.exec(path);
    if (get && m) {
      const current = cache.summary().version;
      const version = versionParam(m[1]!, current);
      inForce(version, current);
      const name = m[3]!;
      if (m[2] === 'layers') {
        const bbox = url.searchParams.get('bbox');
        return sendEncoded(req, res, answers.layer(who(), utilityParam(name), bbox === null ? null : bboxParam(bbox)), perViewer);
      }
      if (m[2] === 'nodes') return sendEncoded(req, res, answers.nodes(who(), utilityParam(name)), perViewer);
      if (!(NETWORK_REPORTS as readonly string[]).includes(name)) throw new HttpError(404, 'unknown_report', `unknown report "${name}"; reports: ${NETWORK_REPORTS.join(', ')}`, 'report');
      // Computed off this thread (networkReports.ts): 503 with Retry-After until ready.
      return sendEncoded(req, res, answers.report(who(), name as NetworkReportKind, version), perViewer);
    }
    m = /^\/api\/links\/([^/]+)$/.exec(path);
    if (get && m) {
      return sendJson(req, res, 200, answers.link(who(), decodeURIComponent(m[1]!)));
    }
    if (get && path === '/api/rules') return sendJson(req, res, 200, options.screening.rules());
    if (req.method === 'POST' && path === '/api/screenings') {
      const body = await readJsonBody(req);
      const format = url.searchParams.get('format') ?? 'json';
      if (format === 'json') return sendJson(req, res, 200, answers.screening(who(), options.screening.screen(body)));
      if (format === 'geojson') {
        res.setHeader('Content-Disposition', 'attachment; filename="screening.geojson"');
        return sendJson(req, res, 200, answers.screening(who(), options.screening.screenAsGeoJson(body)), 'application/geo+json');
      }
      throw new HttpError(400, 'bad_format', `format must be json or geojson; got "${format}"`, 'format');
    }
    for (const module of options.modules ?? []) {
      if (await module.handle(req, res, url)) return;
    }
    throw new HttpError(404, 'not_found', `no API route ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (url.pathname.startsWith('/api/')) {
      api(req, res, url).catch((err) => sendError(req, res, err));
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && options.clientDir && serveStatic(options.clientDir, req, res, url.pathname)) return;
    sendError(req, res, new HttpError(404, 'not_found', `no file ${url.pathname}`));
  });
  server.on('close', () => { tiles.close(); reports.close(); }); // the tile cutter's and the reports' worker threads
  return server;
}
