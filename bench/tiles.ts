/**
 * 3D Tiles for the large sample city (~1M segments): time to cut every layer (instances, quadtree,
 * every GLB), tiles and files, and bytes on the wire per segment — every file a client would fetch
 * (tileset.json, schema.json, every GLB, attributes and fittings included), gzip and brotli as the
 * server encodes them (src/server/tiles/tileCache.ts).
 *
 * Peers, measured in the same run:
 * - the same tiles as plain glTF (`compression: 'none'`, no EXT_meshopt_compression): GLB time and
 *   bytes, so the cost and gain of meshopt are ratios, whatever the machine's load;
 * - the JSON layer payload (protocol/layerPayload.ts encodeLayer), per segment.
 *
 * Brotli quality: every file a client fetches, coded at each quality in BROTLI_QUALITIES (file by
 * file, the order rotating), bytes and seconds, beside the gzip level the server uses: the choice
 * in data/rules/tile-server.json. On by default for small and medium; `--brotli` for large.
 *
 * `--loop`: event-loop delay (perf_hooks monitorEventLoopDelay, max and p99) while the server's tile
 * cache cuts every layer of the city from a SQLite file, in this thread (as before) against in its
 * worker thread (now), in the same run (bench/tileLoop.ts).
 *
 * Usage: node --max-old-space-size=8192 --import tsx bench/tiles.ts [small|medium|large] [seed] [--brotli] [--loop]
 */
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { parseNetworkCollection } from '../src/core/importNetwork';
import { UTILITY_TYPES, type UtilityType } from '../src/core/model';
import type { NetworkFeature } from '../src/core/networkGeojson';
import type { TileCompression } from '../src/core/tiles/instancedPipes';
import { tileLayer, type LayerTileset } from '../src/core/tiles/layerTileset';
import { meshoptReady } from '../src/core/tiles/meshopt';
import { fittingsUri, linesUri } from '../src/core/tiles/tiling';
import { encodeLayer } from '../src/protocol/layerPayload';
import { brotliTile, gzipTile } from '../src/server/tiles/tileFiles';
import { loadTileServerRules } from '../src/server/tiles/tileRules';
import { loadText } from './stats';
import { benchTileLoop } from './tileLoop';

const { compression } = loadTileServerRules();

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const size = (args[0] ?? 'large') as CitySize;
const seed = Number(args[1] ?? 20261127);
if (process.argv.includes('--loop')) {
  await benchTileLoop(size, seed);
  process.exit(0);
}
const BROTLI_QUALITIES = [5, 9, 11];
const brotliRun = size !== 'large' || process.argv.includes('--brotli');

await meshoptReady;
let t = performance.now();
const byUtility = new Map<UtilityType, NetworkFeature[]>();
for (const f of generateCity({ size, seed })) {
  const u = f.properties.utility;
  let list = byUtility.get(u);
  if (!list) byUtility.set(u, (list = []));
  list.push(f);
}
console.log(`${size} city (seed ${seed}) generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

interface Bytes { raw: number; gz: number; br: number; gzS: number }
interface Row { utility: string; segments: number; fittings: number; tiles: number; files: number; treeS: number; glbS: number; plainS: number; meshopt: Bytes; plain: Bytes; peer: Bytes; qualities: Map<number, { bytes: number; s: number }> }

/** Every file at each brotli quality, the order rotating file by file so load falls on all alike. */
function brotliQualities(files: readonly Uint8Array[]): Map<number, { bytes: number; s: number }> {
  const out = new Map(BROTLI_QUALITIES.map((q) => [q, { bytes: 0, s: 0 }]));
  if (!brotliRun) return out;
  files.forEach((f, i) => {
    for (let k = 0; k < BROTLI_QUALITIES.length; k++) {
      const q = BROTLI_QUALITIES[(i + k) % BROTLI_QUALITIES.length]!;
      const t0 = performance.now();
      const bytes = brotliTile(f, q).byteLength;
      const r = out.get(q)!;
      r.s += (performance.now() - t0) / 1000;
      r.bytes += bytes;
    }
  });
  return out;
}

function measure(files: readonly Uint8Array[]): Bytes {
  const b: Bytes = { raw: 0, gz: 0, br: 0, gzS: 0 };
  for (const f of files) {
    b.raw += f.byteLength;
    const t0 = performance.now();
    b.gz += gzipTile(f, compression.gzipLevel).byteLength;
    b.gzS += (performance.now() - t0) / 1000;
    b.br += brotliTile(f, compression.brotliQuality).byteLength;
  }
  return b;
}

/**
 * Every GLB of the layer in both encodings, and the seconds each took: tile by tile, alternating
 * which goes first, so load from other processes and warm-up fall on both alike.
 */
function glbs(tiles: LayerTileset): Record<TileCompression, { files: Uint8Array[]; s: number }> {
  const out = { meshopt: { files: [] as Uint8Array[], s: 0 }, none: { files: [] as Uint8Array[], s: 0 } };
  let k = 0;
  for (const id of tiles.tree.tiles.keys()) {
    for (const name of [linesUri(id), fittingsUri(id)]) {
      const order: TileCompression[] = k++ % 2 === 0 ? ['none', 'meshopt'] : ['meshopt', 'none'];
      for (const c of order) {
        const t0 = performance.now();
        const glb = tiles.content(name, c);
        out[c].s += (performance.now() - t0) / 1000;
        if (glb) out[c].files.push(glb);
      }
    }
  }
  return out;
}

const rows: Row[] = [];
let frame: { originLon: number; originLat: number } | undefined;
for (const utility of UTILITY_TYPES) {
  const features = byUtility.get(utility);
  if (!features) continue;
  byUtility.delete(utility);
  // Each layer imported on its own (the same validated path), in the project's frame.
  const network = parseNetworkCollection({ ...cityCollectionHeader(), features }, frame ? { frame } : {});
  frame ??= network.frame;
  if (network.links.length === 0) continue;
  t = performance.now();
  const tiles = tileLayer({ utility, frame: network.frame, links: network.links, nodes: network.nodes }, { tilesetVersion: '1' });
  const treeS = (performance.now() - t) / 1000;
  const { meshopt, none: plain } = glbs(tiles);
  const json = [Buffer.from(JSON.stringify(tiles.tileset)), Buffer.from(JSON.stringify(tiles.schema))];
  const peer = measure([Buffer.from(JSON.stringify(encodeLayer(1, utility, network.frame, network.links)))]);
  rows.push({
    utility, segments: tiles.layer.segmentCount, fittings: tiles.layer.fittingCount, tiles: tiles.tree.tiles.size, files: meshopt.files.length + json.length,
    treeS, glbS: meshopt.s, plainS: plain.s, meshopt: measure([...meshopt.files, ...json]), plain: measure([...plain.files, ...json]), peer,
    qualities: brotliQualities([...meshopt.files, ...json]),
  });
}

const sum = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);
const per = (bytes: number, n: number) => (bytes / n).toFixed(2);
const col = (v: string, w: number) => v.padStart(w);
console.log(`\nbytes per segment (B/seg): meshopt tiles, the same tiles as plain glTF, and the JSON layer payload; brotli quality ${compression.brotliQuality}, gzip ${compression.gzipLevel}`);
console.log('layer      segments  fittings  tiles  files  tree s  glb s  plain s   raw  gzip  brotli   plain raw  gzip  brotli   JSON gzip  brotli   tiles/JSON br');
for (const r of rows) {
  const n = r.segments;
  console.log(
    `${r.utility.padEnd(9)} ${col(String(n), 9)} ${col(String(r.fittings), 9)} ${col(String(r.tiles), 6)} ${col(String(r.files), 6)}`
    + ` ${col(r.treeS.toFixed(2), 7)} ${col(r.glbS.toFixed(2), 6)} ${col(r.plainS.toFixed(2), 8)}`
    + ` ${col(per(r.meshopt.raw, n), 5)} ${col(per(r.meshopt.gz, n), 5)} ${col(per(r.meshopt.br, n), 7)}`
    + ` ${col(per(r.plain.raw, n), 11)} ${col(per(r.plain.gz, n), 5)} ${col(per(r.plain.br, n), 7)}`
    + ` ${col(per(r.peer.gz, n), 11)} ${col(per(r.peer.br, n), 7)} ${col((r.meshopt.br / r.peer.br).toFixed(2), 14)}×`,
  );
}
const segments = sum((r) => r.segments);
const tot = (f: (r: Row) => number) => per(sum(f), segments);
const glbS = sum((r) => r.glbS), plainS = sum((r) => r.plainS), treeS = sum((r) => r.treeS);
console.log(`\nall layers: ${segments} segments, ${sum((r) => r.fittings)} fittings, ${sum((r) => r.tiles)} tiles, ${sum((r) => r.files)} files; `
  + `cut in ${(treeS + glbS).toFixed(1)} s (quadtree ${treeS.toFixed(1)} s, GLBs ${glbS.toFixed(1)} s)`);
console.log(`tile generation, whole city: ${(treeS + glbS).toFixed(1)} s with meshopt, ${(treeS + plainS).toFixed(1)} s as plain glTF: ${((treeS + glbS) / (treeS + plainS)).toFixed(2)}× (GLBs alone ${(glbS / plainS).toFixed(2)}×)`);
console.log(`bytes on the wire per segment (attributes and fittings included; goal < 16): gzip ${tot((r) => r.meshopt.gz)}, brotli ${tot((r) => r.meshopt.br)}; raw ${tot((r) => r.meshopt.raw)}`);
console.log(`peer, the same tiles as plain glTF: gzip ${tot((r) => r.plain.gz)}, brotli ${tot((r) => r.plain.br)}, raw ${tot((r) => r.plain.raw)} B/segment; `
  + `meshopt / plain = ${(sum((r) => r.meshopt.gz) / sum((r) => r.plain.gz)).toFixed(2)}× gzip, ${(sum((r) => r.meshopt.br) / sum((r) => r.plain.br)).toFixed(2)}× brotli`);
console.log(`peer, JSON layer payload (encodeLayer, no fittings, 4 attributes): gzip ${tot((r) => r.peer.gz)}, brotli ${tot((r) => r.peer.br)} B/segment; `
  + `tiles / JSON = ${(sum((r) => r.meshopt.gz) / sum((r) => r.peer.gz)).toFixed(2)}× gzip, ${(sum((r) => r.meshopt.br) / sum((r) => r.peer.br)).toFixed(2)}× brotli`);

if (brotliRun) {
  // gzip at the server's level over the same files, timed the same way, as the yardstick.
  console.log(`\nbrotli quality over every served file (meshopt tiles, tileset.json, schema.json), ${loadText()}:`);
  const gzS = rows.reduce((s, r) => s + r.meshopt.gzS, 0), gzBytes = sum((r) => r.meshopt.gz);
  console.log(`  gzip ${compression.gzipLevel}: ${(gzBytes / 1e6).toFixed(2)} MB, ${tot((r) => r.meshopt.gz)} B/segment, ${gzS.toFixed(2)} s`);
  for (const q of BROTLI_QUALITIES) {
    const bytes = sum((r) => r.qualities.get(q)!.bytes), s = rows.reduce((a, r) => a + r.qualities.get(q)!.s, 0);
    console.log(`  brotli ${String(q).padStart(2)}: ${(bytes / 1e6).toFixed(2)} MB, ${per(bytes, segments)} B/segment, ${s.toFixed(2)} s = `
      + `${(bytes / gzBytes).toFixed(3)}× gzip bytes, ${(s / gzS).toFixed(2)}× gzip time`);
  }
}
