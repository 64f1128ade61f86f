/**
 * A tile file as the server keeps it: the bytes, gzipped and brotli-coded once (tiles are immutable
 * per network version and served many times), and their ETag. And a whole cut layer packed into one
 * ArrayBuffer, so the tile cutter's worker thread hands it over in a transfer list, not a copy.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { packEncoded, unpackEncoded, type PackedEncoded } from '../http/encodedTransfer';
import { brotliCoded, type Encoded } from '../http/respond';
import type { TileCompression } from './tileRules';

export { packBytes, viewOf, type Span } from '../http/encodedTransfer';

export function gzipTile(body: Uint8Array, level: number): Buffer {
  return gzipSync(body, { level });
}

export const brotliTile = brotliCoded;

/** Immutable bytes, gzipped and brotli-coded once. */
export function encodeTileFile(body: Buffer, contentType: string, compression: TileCompression): Encoded {
  return {
    body,
    gzipped: gzipTile(body, compression.gzipLevel),
    brotli: brotliTile(body, compression.brotliQuality),
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    contentType,
  };
}

/** One tileset of a cut layer: every file by name; the asset ids each content file draws (restricted tilesets only, for the audit). */
export interface CutTileset {
  name: string;
  /** Nothing to draw (no lines in this part of the layer): every request is a 404 empty_layer. */
  empty: boolean;
  files: Map<string, Encoded>;
  assets: Map<string, string[]> | null;
}

export interface CutLayer {
  version: number;
  utility: string;
  tilesets: CutTileset[];
  /** Seconds the cut took where it ran (loading, tiling, encoding, compressing). */
  seconds: number;
}

/** A CutLayer without its bytes: spans into the one transferred buffer. */
export interface PackedLayer {
  version: number;
  utility: string;
  seconds: number;
  tilesets: {
    name: string;
    empty: boolean;
    files: ({ name: string } & PackedEncoded)[];
    assets: [string, string[]][] | null;
  }[];
}

/** Every file's bytes in one ArrayBuffer, the rest as spans into it. */
export function packLayer(cut: CutLayer): { packed: PackedLayer; buffer: ArrayBuffer } {
  const { packed: files, buffer } = packEncoded(cut.tilesets.flatMap((t) => [...t.files.values()]));
  let next = 0;
  const packed: PackedLayer = {
    version: cut.version, utility: cut.utility, seconds: cut.seconds,
    tilesets: cut.tilesets.map((t) => ({
      name: t.name, empty: t.empty,
      files: [...t.files.keys()].map((name) => ({ name, ...files[next++]! })),
      assets: t.assets ? [...t.assets] : null,
    })),
  };
  return { packed, buffer };
}

/** The CutLayer back, its Buffers views into `buffer` (no copy). */
export function unpackLayer(packed: PackedLayer, buffer: ArrayBuffer): CutLayer {
  return {
    version: packed.version, utility: packed.utility, seconds: packed.seconds,
    tilesets: packed.tilesets.map((t) => ({
      name: t.name, empty: t.empty,
      files: new Map(t.files.map((f) => [f.name, unpackEncoded(f, buffer)])),
      assets: t.assets ? new Map(t.assets) : null,
    })),
  };
}
