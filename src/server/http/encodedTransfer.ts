/**
 * Encoded answers (respond.ts `Encoded`: the bytes, gzipped and brotli-coded once, and their ETag)
 * handed from a worker thread to the event loop in one transferred ArrayBuffer, not a copy: the tile
 * cutter's layers (tiles/tileFiles.ts) and the network reports (networkReportsJob.ts).
 */
import type { Encoded } from './respond';

export type Span = [offset: number, length: number];

/** An Encoded without its bytes: spans into the one transferred buffer. */
export interface PackedEncoded {
  contentType: string;
  etag: string;
  body: Span;
  gzipped: Span | null;
  brotli: Span | null;
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

/** Every answer's bytes in one ArrayBuffer, in order. */
export function packEncoded(files: readonly Encoded[]): { packed: PackedEncoded[]; buffer: ArrayBuffer } {
  const list: Uint8Array[] = [];
  for (const e of files) list.push(e.body, ...(e.gzipped ? [e.gzipped] : []), ...(e.brotli ? [e.brotli] : []));
  const { buffer, spans } = packBytes(list);
  let next = 0;
  const put = (): Span => spans[next++]!;
  const packed = files.map((e) => ({ contentType: e.contentType, etag: e.etag, body: put(), gzipped: e.gzipped ? put() : null, brotli: e.brotli ? put() : null }));
  return { packed, buffer };
}

/** An Encoded back, its Buffers views into `buffer` (no copy). */
export function unpackEncoded(p: PackedEncoded, buffer: ArrayBuffer): Encoded {
  return {
    body: viewOf(buffer, p.body), gzipped: p.gzipped ? viewOf(buffer, p.gzipped) : null, brotli: p.brotli ? viewOf(buffer, p.brotli) : null,
    etag: p.etag, contentType: p.contentType,
  };
}
