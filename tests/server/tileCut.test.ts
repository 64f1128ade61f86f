/**
 * Tiles cut in a worker thread, ahead of the first request (src/server/tiles/tileCache.ts), on a
 * real server over a real SQLite file holding the small sample city: the bytes equal core's
 * `tileLayer` run in this thread; the event loop answers other requests while a layer is cut; a
 * layer asked for twice at once is cut once; a re-import is cut and the old version's URLs answer
 * as before; a killed worker gives a 503 with an error body and the next request cuts again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityFile } from '../../scripts/city';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { UTILITY_TYPES } from '../../src/core/model';
import { tileLayer } from '../../src/core/tiles/layerTileset';
import { meshoptReady } from '../../src/core/tiles/meshopt';
import { tilesetIssues } from '../../src/core/tiles/tilesetChecks';
import type { NetworkSummary } from '../../src/protocol/apiTypes';
import type { TilesetRef } from '../../src/protocol/accessApi';
import { loadAccessRules } from '../../src/server/access/accessRules';
import { RestrictedAssets } from '../../src/server/access/restrictedAssets';
import { importNetworkFile } from '../../src/server/importFile';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import type { TileCutStatus } from '../../src/server/tiles/tileCache';
import type { WorkerTileCutter } from '../../src/server/tiles/tileCutter';
import { startTileRouteServer, type TileRouteServer } from '../helpers/tileRouteServer';
import { brotliTile } from '../../src/server/tiles/tileFiles';
import { createTileRoutes } from '../../src/server/tiles/tileRoutes';
import { loadTileServerRules } from '../../src/server/tiles/tileRules';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

await meshoptReady;

let server: TestServer;
let base: string;
let reviewer: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer('small');
  base = server.url.replace(/\/$/, '');
  reviewer = await signIn(base, 'reviewer');
}, 180_000);

afterAll(async () => {
  await server?.dispose();
});

async function bytes(path: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(base + path, { headers: reviewer });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

async function status(version?: number): Promise<TileCutStatus> {
  const res = await fetch(`${base}/api/tiles/${version === undefined ? '' : `${version}/`}status`, { headers: reviewer });
  expect(res.status).toBe(200);
  return (await res.json()) as TileCutStatus;
}

/** Waits for every layer of the version in force to be cut, asking the status route after each answer (no sleeps). */
async function allCut(version: number): Promise<TileCutStatus> {
  for (;;) {
    const s = await status(version);
    if (s.done === s.total) return s;
    if (s.layers.some((l) => l.state === 'failed')) throw new Error(`a layer failed: ${JSON.stringify(s.layers)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('tiles cut in a worker thread', () => {
  it('serves tileset.json, schema.json and every GLB byte for byte as core tileLayer cuts them in this thread (general and restricted tilesets)', async () => {
    const summary = (await (await fetch(`${base}/api/network`, { headers: reviewer })).json()) as NetworkSummary & { tilesets: TilesetRef[] };
    const { version } = summary;
    const store = new SqliteNetworkStore(server.config.databaseFile, { readonly: true });
    try {
      // The split the server made before tiles moved to the worker: RestrictedAssets over the whole network.
      const split = new RestrictedAssets(store, loadAccessRules()).get();
      expect(summary.tilesets.some((t) => t.restricted)).toBe(true);
      let files = 0;
      for (const ref of summary.tilesets) {
        const links = store.links({ utility: ref.utility }).filter((l) => split.links.has(l.id) === ref.restricted);
        const nodes = store.nodes({ utility: ref.utility }).filter((n) => split.nodes.has(n.id) === ref.restricted);
        const tiles = tileLayer({ utility: ref.utility, frame: store.frame()!, links, nodes }, { tilesetVersion: String(version) });
        const tileset = await bytes(`${ref.url}tileset.json`);
        expect(tileset.status, ref.url).toBe(200);
        expect(tileset.body.equals(Buffer.from(JSON.stringify(tiles.tileset))), `${ref.url}tileset.json`).toBe(true);
        const schema = await bytes(`${ref.url}schema.json`);
        expect(schema.body.equals(Buffer.from(JSON.stringify(tiles.schema))), `${ref.url}schema.json`).toBe(true);
        const uris = tilesetIssues(JSON.parse(tileset.body.toString('utf8')) as Record<string, unknown>).contentUris;
        expect(uris.length).toBeGreaterThan(0);
        for (const uri of uris) {
          const glb = await bytes(`${ref.url}${uri}`);
          expect(glb.status, uri).toBe(200);
          expect(glb.body.equals(Buffer.from(tiles.content(uri)!)), `${ref.url}${uri}`).toBe(true);
          files++;
        }
      }
      expect(files).toBeGreaterThan(summary.tilesets.length);
    } finally {
      store.close();
    }
  }, 120_000);

  it('cuts every layer ahead of the first request, each once, and reports it in the status route', async () => {
    const { version } = (await (await fetch(`${base}/api/network`, { headers: reviewer })).json()) as NetworkSummary;
    const s = await allCut(version);
    expect(s.version).toBe(version);
    expect(s.total).toBeGreaterThanOrEqual(5);
    for (const layer of s.layers) expect(layer, layer.utility).toMatchObject({ state: 'ready', cuts: 1, error: null });
    for (const layer of s.layers) expect([5, 11], layer.utility).toContain(layer.brotliQuality); // 11 once re-coded (tile-server.json)
    expect(s.layers.find((l) => l.utility === 'power')!.tilesets).toEqual(['power', 'power-restricted']);
    const current = await status(); // the version in force, without naming it
    expect([current.version, current.done, current.total]).toEqual([s.version, s.done, s.total]);
    const stale = await fetch(`${base}/api/tiles/${version + 7}/status`, { headers: reviewer });
    expect(stale.status).toBe(404);
    expect(((await stale.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: 'unknown_version', field: 'version' }); // it never existed
    expect((await fetch(`${base}/api/tiles/${version}/status`)).status).toBe(401);
  }, 120_000);

  it('after a re-import answers /api/health and /api/network while the new version\'s layer is cut, cuts a layer asked twice at once only once, and keeps the old version\'s URLs as they were', async () => {
    const old = ((await (await fetch(`${base}/api/network`, { headers: reviewer })).json()) as NetworkSummary).version;
    await allCut(old);
    const importer = new SqliteNetworkStore(server.config.databaseFile);
    const { version } = await importNetworkFile(importer, cityFile(server.config)).finally(() => importer.close());
    expect(version).toBe(old + 1);

    const order: string[] = [];
    const done = <T>(name: string, p: Promise<T>): Promise<T> => p.then((v) => { order.push(name); return v; });
    const first = done('tile', fetch(`${base}/api/tiles/${version}/gas/tileset.json`, { headers: reviewer }));
    const second = done('tile again', fetch(`${base}/api/tiles/${version}/gas/tileset.json`, { headers: reviewer }));
    // Once the server says it is cutting gas (a cut in this thread would block from here on)…
    for (let s = await status(version); s.layers.find((l) => l.utility === 'gas')!.state !== 'cutting'; s = await status(version)) {
      expect(s.layers.find((l) => l.utility === 'gas')!.state, 'gas was cut before it could be seen cutting').toBe('pending');
    }
    // …other requests are still answered, before the tile.
    const health = await done('health', fetch(`${base}/api/health`));
    const network = await done('network', fetch(`${base}/api/network`, { headers: reviewer }));
    expect(health.status).toBe(200);
    expect(network.status).toBe(200);
    expect(((await network.json()) as NetworkSummary).version).toBe(version);
    const [a, b] = await Promise.all([first, second]);
    // Both tile answers came after the two others: the event loop did not wait for the cut.
    expect(order.slice(0, 2)).toEqual(['health', 'network']);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
    expect(((await a.json()) as { asset: { tilesetVersion: string } }).asset.tilesetVersion).toBe(String(version));

    const s = await allCut(version);
    expect(s.layers.map((l) => [l.utility, l.cuts])).toEqual(s.layers.map((l) => [l.utility, 1]));
    // The old version's URLs answer as they always have: a 404 naming both versions.
    const stale = await fetch(`${base}/api/tiles/${old}/gas/tileset.json`, { headers: reviewer });
    expect(stale.status).toBe(404);
    const body = (await stale.json()) as { error: { code: string; message: string; field: string } };
    expect(body.error).toMatchObject({ code: 'stale_version', field: 'version' });
    expect(body.error.message).toContain(`network version ${old} is not current (current: ${version})`);
  }, 180_000);
});

describe('a tile cutter whose worker thread dies', () => {
  let tileServer: TileRouteServer;
  let routes: TileRouteServer['routes'];
  let url: string;

  beforeAll(async () => {
    tileServer = await startTileRouteServer({ background: false, log: () => {} });
    routes = tileServer.routes;
    url = `${tileServer.base}/api/tiles/${tileServer.version}`;
  }, 120_000);

  afterAll(() => tileServer?.dispose());

  it('answers the waiting request with a 503 and an error body, and the next request cuts the layer again', async () => {
    const cutter = routes.cache.cutter as WorkerTileCutter;
    const pending = fetch(`${url}/water/tileset.json`);
    while (!cutter.thread) await new Promise((resolve) => setImmediate(resolve));
    await cutter.thread.terminate(); // as if the thread were killed: the cache did not ask for it
    const res = await pending;
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('tiles_unavailable');
    expect(body.error.message).toMatch(/^cutting the tiles of layer water \(network version 1\) failed: the tile cutter's worker thread exited with code \d+; ask again/);
    expect(routes.cache.status().layers.find((l) => l.utility === 'water')).toMatchObject({ state: 'failed', cuts: 1 });

    const again = await fetch(`${url}/water/tileset.json`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { asset: { tilesetVersion: string } }).asset.tilesetVersion).toBe('1');
    expect(routes.cache.status().layers.find((l) => l.utility === 'water')).toMatchObject({ state: 'ready', cuts: 2, error: null });
    expect(routes.cache.cutsStarted).toBe(2);
  }, 120_000);

  it('without background cutting cuts only what is asked for, once for two requests at once', async () => {
    const before = routes.cache.cutsStarted;
    const [a, b] = await Promise.all([fetch(`${url}/sewer/tileset.json`), fetch(`${url}/sewer/schema.json`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(routes.cache.cutsStarted).toBe(before + 1);
    const states = Object.fromEntries(routes.cache.status().layers.map((l) => [l.utility, l.state]));
    expect(states).toMatchObject({ water: 'ready', sewer: 'ready', gas: 'pending' });
    expect(UTILITY_TYPES.filter((u) => states[u] === 'ready')).toEqual(['water', 'sewer']);
  }, 120_000);
});

describe('brotli coded again once a version is cut', () => {
  it('replaces every file\'s brotli bytes with quality 11 bytes that decode to the same file, under the same ETag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'undergrid-recode-'));
    const store = new SqliteNetworkStore(join(dir, 'network.sqlite'));
    store.replaceNetwork(parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 20261127 })] }), 'small city');
    const rules = loadTileServerRules();
    const lines: string[] = [];
    const routes = createTileRoutes(store, { rules: { ...rules, compression: { ...rules.compression, brotliQuality: 5, recodeBrotliQuality: 11, recodeBatchBytes: 64 * 1024, recodeAfterIdleMs: 0 } }, log: (l) => lines.push(l) });
    try {
      const first = await routes.cache.file(1, 'gas', 'tileset.json');
      const etag = first.etag;
      const atFive = brotliDecompressSync(first.brotli!);
      while (!routes.cache.status().layers.every((l) => l.brotliQuality === 11)) await new Promise((resolve) => setImmediate(resolve));
      expect(lines.some((l) => /brotli-coded again at quality 11/.test(l))).toBe(true);
      let at5 = 0, at11 = 0;
      for (const layer of routes.cache.status().layers) {
        for (const name of layer.tilesets) {
          const ts = JSON.parse((await routes.cache.file(1, name, 'tileset.json')).body.toString('utf8')) as Record<string, unknown>;
          for (const uri of tilesetIssues(ts).contentUris) {
            const e = await routes.cache.file(1, name, uri);
            expect(brotliDecompressSync(e.brotli!).equals(e.body), uri).toBe(true);
            at5 += brotliTile(e.body, 5).byteLength;
            at11 += e.brotli!.byteLength;
          }
        }
      }
      expect(at11).toBeLessThan(at5);
      const again = await routes.cache.file(1, 'gas', 'tileset.json');
      expect(again.etag).toBe(etag);
      expect(brotliDecompressSync(again.brotli!).equals(atFive)).toBe(true);
    } finally {
      routes.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
