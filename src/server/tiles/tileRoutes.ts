/**
 * HTTP routes of the 3D Tiles, mounted by app.ts:
 *
 *   GET /api/tiles/{version}/{utility}/tileset.json        3D Tiles 1.1 tileset (application/json)
 *   GET /api/tiles/{version}/{utility}/schema.json         EXT_structural_metadata schema the tiles reference
 *   GET /api/tiles/{version}/{utility}/{level-x-y}.glb     a tile's lines (model/gltf-binary)
 *   GET /api/tiles/{version}/{utility}/{level-x-y}-fittings.glb   its fittings
 *   GET /api/tiles/{version}/status · GET /api/tiles/status   how far the cutting of a version (or the
 *                                                          one in force) has come (tileCache.ts TileCutStatus)
 *
 * Tiles are cut ahead of the first request, in a worker thread (tileCache.ts): a request for a
 * layer not yet cut waits for that layer alone, and never holds up the event loop.
 *
 * Every answer is immutable for its version: Cache-Control immutable, an ETag (If-None-Match → 304),
 * gzip when the client accepts it (JSON and GLB alike: instance attributes shrink by half). A
 * version other than the current one is a 404 naming both. Errors are thrown as HttpError for the
 * app's error handler.
 *
 * With `restricted` (src/server/access), restricted asset classes live in their own tilesets
 * (`/api/tiles/{version}/{utility}-restricted/…`), sent `private, no-cache` so no shared cache keeps
 * them and every use comes back to the server (an ETag makes it a 304), where `served` audits it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendEncoded, sendJson } from '../http/respond';
import type { NetworkStore } from '../storage/networkStore';
import { TileCache, parseTilesetName, type TileCacheOptions } from './tileCache';

export const TILES_PREFIX = '/api/tiles/';
/**
 * Immutable per version, but `private`: the network is read signed in (src/server/access), so a
 * shared cache must not hand tiles to someone without a session. The browser keeps them for good;
 * a CDN in front needs signed URLs or token checks at the edge (tiles are the same for every viewer).
 */
const IMMUTABLE = 'private, max-age=31536000, immutable';
const PRIVATE = 'private, no-cache';
const ROUTE = /^\/api\/tiles\/(\d+)\/([a-z]+(?:-restricted)?)\/([A-Za-z0-9.-]+)$/;
const STATUS_ROUTE = /^\/api\/tiles\/(?:(\d+)\/)?status$/;

/** A tile path's parts: `/api/tiles/{version}/{tileset}/{file}`; null when it is not one. */
export function tilePathOf(path: string): { version: number; tileset: string; file: string } | null {
  const m = ROUTE.exec(path);
  return m ? { version: Number(m[1]), tileset: m[2]!, file: m[3]! } : null;
}

export interface TileRoutesOptions extends TileCacheOptions {
  /** Called with every file about to be sent (the access audit). */
  served?: (req: IncomingMessage, tile: { version: number; tileset: string; file: string; restricted: boolean }) => void;
}

export interface TileRoutes {
  /** True when the path is under /api/tiles/ (the app then awaits handleTileRequest). */
  matches(url: URL): boolean;
  handleTileRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  cache: TileCache;
  /** Stops the background cutting and its worker thread (the server is closing). */
  close(): void;
}

export function createTileRoutes(store: NetworkStore, options: TileRoutesOptions = {}): TileRoutes {
  const cache = new TileCache(store, options);
  return {
    cache,
    close: () => cache.close(),
    matches: (url) => url.pathname.startsWith(TILES_PREFIX),
    async handleTileRequest(req, res, url) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw new HttpError(405, 'method_not_allowed', `tiles are read-only; ${req.method} is not allowed`);
      }
      const status = STATUS_ROUTE.exec(url.pathname);
      if (status) return sendJson(req, res, 200, cache.status(status[1] === undefined ? undefined : Number(status[1])));
      const m = tilePathOf(url.pathname);
      if (!m) {
        throw new HttpError(404, 'not_found', `no tile route ${url.pathname}; expected /api/tiles/{version}/{utility}/tileset.json, schema.json, {tile}.glb or /api/tiles/{version}/status`);
      }
      const encoded = await cache.file(m.version, m.tileset, m.file);
      const restricted = parseTilesetName(m.tileset)?.restricted ?? false;
      options.served?.(req, { ...m, restricted });
      sendEncoded(req, res, encoded, restricted ? PRIVATE : IMMUTABLE);
    },
  };
}
