/**
 * The tile cutter's worker thread: a thin adapter over src/server/tiles/layerCut.ts. It opens the
 * network's SQLite file read-only, cuts the layer it is asked for (general and restricted tilesets),
 * encodes and compresses every file, and sends them back in one transferred ArrayBuffer. Once a
 * version is cut, it brotli-codes files again at a higher quality when asked (`recode`).
 */
import { parentPort } from 'node:worker_threads';
import { meshoptReady } from '../src/core/tiles/meshopt';
import { serializeError } from '../src/protocol/workerProtocol';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { RestrictedLinks, cutLayer } from '../src/server/tiles/layerCut';
import type { CutLayerRequest, RecodeRequest, TileCutReply, TileCutRequest } from '../src/server/tiles/tileCutProtocol';
import { brotliTile, packBytes, packLayer, viewOf } from '../src/server/tiles/tileFiles';

let store: SqliteNetworkStore | null = null;
const restricted = new RestrictedLinks();

async function cut(msg: CutLayerRequest): Promise<TileCutReply> {
  await meshoptReady;
  if (store?.path !== msg.databaseFile) {
    store?.close();
    store = new SqliteNetworkStore(msg.databaseFile, { readonly: true });
    restricted.clear();
  }
  const links = restricted.of(store, msg.version, msg.options.restricted);
  const { packed, buffer } = packLayer(cutLayer(store, msg.version, msg.utility, msg.options, links));
  return { id: msg.id, ok: true, layer: packed, buffer };
}

function recode(msg: RecodeRequest): TileCutReply {
  const coded = msg.bodies.map((span) => brotliTile(viewOf(msg.buffer, span), msg.brotliQuality));
  const { buffer, spans } = packBytes(coded);
  return { id: msg.id, ok: true, brotli: spans, buffer };
}

parentPort!.on('message', (msg: TileCutRequest) => {
  (msg.type === 'cutLayer' ? cut(msg) : Promise.resolve().then(() => recode(msg))).then(
    (reply) => parentPort!.postMessage(reply, reply.ok ? [reply.buffer] : []),
    (e: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, error: serializeError(e) } satisfies TileCutReply),
  );
});
