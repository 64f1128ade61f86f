/**
 * The tile cutter's worker thread: a thin adapter over src/server/tiles/layerCut.ts. It opens the
 * network's SQLite file read-only, cuts the layer it is asked for (general and restricted tilesets),
 * encodes and compresses every file, and sends them back in one transferred ArrayBuffer.
 */
import { parentPort } from 'node:worker_threads';
import { meshoptReady } from '../src/core/tiles/meshopt';
import { serializeError } from '../src/protocol/workerProtocol';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { RestrictedLinks, cutLayer } from '../src/server/tiles/layerCut';
import type { CutLayerReply, CutLayerRequest } from '../src/server/tiles/tileCutProtocol';
import { packLayer } from '../src/server/tiles/tileFiles';

let store: SqliteNetworkStore | null = null;
const restricted = new RestrictedLinks();

async function handle(msg: CutLayerRequest): Promise<{ reply: CutLayerReply; transfer: ArrayBuffer[] }> {
  await meshoptReady;
  if (store?.path !== msg.databaseFile) {
    store?.close();
    store = new SqliteNetworkStore(msg.databaseFile, { readonly: true });
    restricted.clear();
  }
  const links = restricted.of(store, msg.version, msg.options.restricted);
  const { packed, buffer } = packLayer(cutLayer(store, msg.version, msg.utility, msg.options, links));
  return { reply: { id: msg.id, ok: true, layer: packed, buffer }, transfer: [buffer] };
}

parentPort!.on('message', (msg: CutLayerRequest) => {
  handle(msg).then(
    ({ reply, transfer }) => parentPort!.postMessage(reply, transfer),
    (e: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, error: serializeError(e) } satisfies CutLayerReply),
  );
});
