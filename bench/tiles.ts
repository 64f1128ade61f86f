/**
 * 3D Tiles for the large sample city (~1M segments): time to cut every layer (instances, quadtree,
 * every GLB), tiles and files, and bytes on the wire per segment — gzip of every file a client
 * would fetch (tileset.json, schema.json, every GLB, attributes included). The peer, measured in the
 * same run: today's JSON layer payload (protocol/layerPayload.ts encodeLayer, gzip), per segment.
 *
 * Usage: node --max-old-space-size=8192 --import tsx bench/tiles.ts [small|medium|large] [seed]
 */
import { gzipSync, constants as zlib } from 'node:zlib';
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { parseNetworkCollection } from '../src/core/importNetwork';
import { UTILITY_TYPES, type UtilityType } from '../src/core/model';
import type { NetworkFeature } from '../src/core/networkGeojson';
import { tileLayer } from '../src/core/tiles/layerTileset';
import { fittingsUri, linesUri } from '../src/core/tiles/tiling';
import { encodeLayer } from '../src/protocol/layerPayload';

const size = (process.argv[2] ?? 'large') as CitySize;
const seed = Number(process.argv[3] ?? 20261127);
const GZIP = { level: zlib.Z_BEST_COMPRESSION };

let t = performance.now();
const byUtility = new Map<UtilityType, NetworkFeature[]>();
for (const f of generateCity({ size, seed })) {
  const u = f.properties.utility;
  let list = byUtility.get(u);
  if (!list) byUtility.set(u, (list = []));
  list.push(f);
}
console.log(`${size} city (seed ${seed}) generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

interface Row { utility: string; segments: number; fittings: number; tiles: number; files: number; treeS: number; glbS: number; raw: number; gz: number; peerGz: number }
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
  t = performance.now();
  const files: Uint8Array[] = [];
  for (const id of tiles.tree.tiles.keys()) {
    for (const name of [linesUri(id), fittingsUri(id)]) {
      const glb = tiles.content(name);
      if (glb) files.push(glb);
    }
  }
  const glbS = (performance.now() - t) / 1000;
  files.push(Buffer.from(JSON.stringify(tiles.tileset)), Buffer.from(JSON.stringify(tiles.schema)));
  let raw = 0, gz = 0;
  for (const f of files) {
    raw += f.byteLength;
    gz += gzipSync(f, GZIP).byteLength;
  }
  const peerGz = gzipSync(Buffer.from(JSON.stringify(encodeLayer(1, utility, network.frame, network.links))), GZIP).byteLength;
  rows.push({ utility, segments: tiles.layer.segmentCount, fittings: tiles.layer.fittingCount, tiles: tiles.tree.tiles.size, files: files.length, treeS, glbS, raw, gz, peerGz });
}

const sum = (k: keyof Row) => rows.reduce((s, r) => s + (r[k] as number), 0);
const per = (bytes: number, n: number) => (bytes / n).toFixed(2);
console.log('\nlayer      segments  fittings  tiles  files  tree s  glb s   raw B/seg  gzip B/seg  JSON peer gzip B/seg  tiles/peer');
for (const r of rows) {
  console.log(
    `${r.utility.padEnd(9)} ${String(r.segments).padStart(9)} ${String(r.fittings).padStart(9)} ${String(r.tiles).padStart(6)} ${String(r.files).padStart(6)}`
    + ` ${r.treeS.toFixed(2).padStart(7)} ${r.glbS.toFixed(2).padStart(6)} ${per(r.raw, r.segments).padStart(11)} ${per(r.gz, r.segments).padStart(11)}`
    + ` ${per(r.peerGz, r.segments).padStart(21)} ${(r.gz / r.peerGz).toFixed(2).padStart(11)}×`,
  );
}
const segments = sum('segments');
console.log(`\nall layers: ${segments} segments, ${sum('fittings')} fittings, ${sum('tiles')} tiles, ${sum('files')} files; `
  + `cut in ${(sum('treeS') + sum('glbS')).toFixed(1)} s (quadtree ${sum('treeS').toFixed(1)} s, GLBs ${sum('glbS').toFixed(1)} s)`);
console.log(`bytes on the wire per segment (gzip, attributes and fittings included): ${per(sum('gz'), segments)} (goal < 16); raw ${per(sum('raw'), segments)}`);
console.log(`peer, JSON layer payload (encodeLayer + gzip, no fittings, 4 attributes): ${per(sum('peerGz'), segments)} B/segment; tiles / peer = ${(sum('gz') / sum('peerGz')).toFixed(2)}×`);
