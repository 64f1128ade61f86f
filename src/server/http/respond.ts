/** Small response helpers: JSON with gzip and ETags, errors that name the field. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** What an error answer carries besides `error`: headers (Retry-After) and fields beside it in the body (a job's progress). */
export interface HttpErrorExtra {
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string, readonly extra?: HttpErrorExtra) {
    super(message);
  }
}

const MIN_GZIP_BYTES = 1024;

/**
 * Whether the request's Accept-Encoding accepts `coding` (RFC 9110 §12.5.3): named, or covered by
 * `*`, with a q-value above 0 (`br;q=0` refuses br; a name outweighs `*`).
 */
export function acceptsCoding(req: IncomingMessage, coding: string): boolean {
  let named: number | null = null, star: number | null = null;
  for (const part of String(req.headers['accept-encoding'] ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const qParam = params.find((x) => x.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (name === coding) named = Number.isFinite(q) ? q : 0;
    else if (name === '*') star = Number.isFinite(q) ? q : 0;
  }
  return (named ?? star ?? 0) > 0;
}

export const acceptsGzip = (req: IncomingMessage): boolean => acceptsCoding(req, 'gzip');
export const acceptsBrotli = (req: IncomingMessage): boolean => acceptsCoding(req, 'br');

export interface Encoded {
  body: Buffer;
  gzipped: Buffer | null;
  /** Brotli, served before gzip when the client accepts it (optional: encoders that skip it lose nothing). */
  brotli?: Buffer | null;
  etag: string;
  contentType: string;
}

/** Brotli at `quality` (0–11), told the body's size. */
export function brotliCoded(body: Uint8Array, quality: number): Buffer {
  return brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
}

/** Encode once, serve many times: layer payloads are immutable per network version. Brotli-coded too when given a quality. */
export function encodeJson(value: unknown, contentType = 'application/json', brotliQuality: number | null = null): Encoded {
  const body = Buffer.from(JSON.stringify(value));
  return {
    body,
    gzipped: body.length >= MIN_GZIP_BYTES ? gzipSync(body) : null,
    brotli: body.length >= MIN_GZIP_BYTES && brotliQuality !== null ? brotliCoded(body, brotliQuality) : null,
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    contentType: `${contentType}; charset=utf-8`,
  };
}

export function sendEncoded(req: IncomingMessage, res: ServerResponse, e: Encoded, cacheControl: string): void {
  res.setHeader('ETag', e.etag);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === e.etag) {
    res.writeHead(304).end();
    return;
  }
  res.setHeader('Content-Type', e.contentType);
  if (e.brotli && acceptsBrotli(req)) {
    res.setHeader('Content-Encoding', 'br');
    res.writeHead(200).end(req.method === 'HEAD' ? undefined : e.brotli);
  } else if (e.gzipped && acceptsGzip(req)) {
    res.setHeader('Content-Encoding', 'gzip');
    res.writeHead(200).end(req.method === 'HEAD' ? undefined : e.gzipped);
  } else {
    res.writeHead(200).end(req.method === 'HEAD' ? undefined : e.body);
  }
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, contentType?: string): void {
  const e = encodeJson(value, contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', e.contentType);
  if (e.gzipped && acceptsGzip(req)) {
    res.setHeader('Content-Encoding', 'gzip');
    res.writeHead(status).end(e.gzipped);
  } else {
    res.writeHead(status).end(e.body);
  }
}

export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    for (const [name, value] of Object.entries(err.extra?.headers ?? {})) res.setHeader(name, value);
    sendJson(req, res, err.status, { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }, ...err.extra?.body });
    return;
  }
  console.error('[undergrid] unexpected error', err);
  sendJson(req, res, 500, { error: { code: 'internal', message: 'internal server error' } });
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
}
