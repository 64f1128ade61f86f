/**
 * The tile routes alone on a real HTTP server on 127.0.0.1, over a real SQLite file holding the
 * small sample city (seed 20261127): what the tile tests share. Anything that is not a tile route
 * gets the server's own error answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { sendError } from '../../src/server/http/respond';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { createTileRoutes } from '../../src/server/tiles/tileRoutes';

export interface TileRouteServer {
  store: SqliteNetworkStore;
  routes: ReturnType<typeof createTileRoutes>;
  /** The network version the small city was stored as. */
  version: number;
  /** http://127.0.0.1:port, without a trailing slash. */
  base: string;
  dispose(): Promise<void>;
}

export async function startTileRouteServer(options?: Parameters<typeof createTileRoutes>[1]): Promise<TileRouteServer> {
  const dir = mkdtempSync(join(tmpdir(), 'undergrid-tiles-'));
  const store = new SqliteNetworkStore(join(dir, 'network.sqlite'));
  const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 20261127 })] });
  const version = store.replaceNetwork(network, 'small city').version;
  const routes = createTileRoutes(store, options);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (routes.matches(url)) routes.handleTileRequest(req, res, url).catch((err) => sendError(req, res, err));
    else sendError(req, res, new Error('not a tile route'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    store, routes, version,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async dispose() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      routes.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
