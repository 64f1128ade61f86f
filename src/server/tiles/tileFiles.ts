/**
 * A tile file as the server keeps it: the bytes, gzipped and brotli-coded once (tiles are immutable
 * per network version and served many times), and their ETag. And a whole cut layer packed into one
 * ArrayBuffer, so the tile cutter's worker thread hands it over in a transfer list, not a copy.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { Encoded } from '../http/respond';
import type { TileCompression } from './tileRules';

export function gzipTile(body: Uint8Array, level: number): Buffer {
  return gzipSync(body, { level });
}

export function brotliTile(body: Uint8Array, quality: number): Buffer {
  return brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
}

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

export type Span = [offset: number, length: number];

/** A CutLayer without its bytes: spans into the one transferred buffer. */
export interface PackedLayer {
  version: number;
  utility: string;
  seconds: number;
  tilesets: {
    name: string;
    empty: boolean;
    files: { name: string; contentType: string; etag: string; body: Span; gzipped: Span; brotli: Span | null }[];
    assets: [string, string[]][] | null;
  }[];
}

/**
 * Byte arrays copied into one ArrayBuffer, to go in a transfer list: a view's whole backing buffer
 * would be cloned or detached with it, and zlib's Buffers may share pooled memory.
 */
export function packBytes(list: readonly Uint8Array[]): { buffer: ArrayBuffer; spans: Span[] } {
  const buffer = new ArrayBuffer(list.reduce((s, b) => s + b.byteLength, 0));
  const bytes = new Uint8Array(buffer);
  let at = 0;
  const spans = list.map((b): Span => {
    bytes.set(b, at);
    at += b.byteLength;
    return [at - b.byteLength, b.byteLength];
  });
  return { buffer, spans };
}

export function viewOf(buffer: ArrayBuffer, [offset, length]: Span): Buffer {
  return Buffer.from(buffer, offset, length);
}

/** Every file's bytes in one ArrayBuffer, the rest as spans into it. */
export function packLayer(cut: CutLayer): { packed: PackedLayer; buffer: ArrayBuffer } {
  const list: Uint8Array[] = [];
  for (const t of cut.tilesets) for (const e of t.files.values()) list.push(e.body, e.gzipped!, ...(e.brotli ? [e.brotli] : []));
  const { buffer, spans } = packBytes(list);
  let next = 0;
  const put = (): Span => spans[next++]!;
  const packed: PackedLayer = {
    version: cut.version, utility: cut.utility, seconds: cut.seconds,
    tilesets: cut.tilesets.map((t) => ({
      name: t.name, empty: t.empty,
      files: [...t.files].map(([name, e]) => ({
        name, contentType: e.contentType, etag: e.etag, body: put(), gzipped: put(), brotli: e.brotli ? put() : null,
      })),
      assets: t.assets ? [...t.assets] : null,
    })),
  };
  return { packed, buffer };
}

/** The CutLayer back, its Buffers views into `buffer` (no copy). */
export function unpackLayer(packed: PackedLayer, buffer: ArrayBuffer): CutLayer {
  const view = (span: Span) => viewOf(buffer, span);
  return {
    version: packed.version, utility: packed.utility, seconds: packed.seconds,
    tilesets: packed.tilesets.map((t) => ({
      name: t.name, empty: t.empty,
      files: new Map(t.files.map((f) => [f.name, { body: view(f.body), gzipped: view(f.gzipped), brotli: f.brotli ? view(f.brotli) : null, etag: f.etag, contentType: f.contentType }])),
      assets: t.assets ? new Map(t.assets) : null,
    })),
  };
}
