/** Serves the built client (dist/) with safe path resolution and long caching for hashed assets. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.glb': 'model/gltf-binary', '.xml': 'application/xml',
  '.ktx2': 'image/ktx2', '.woff2': 'font/woff2', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  const base = resolve(root);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const file = normalize(join(base, rel));
  if (file !== base && !file.startsWith(base + sep)) return false;
  let target = file;
  if (!existsSync(target) || statSync(target).isDirectory()) {
    target = join(file, 'index.html');
    if (!existsSync(target)) return false;
  }
  const hashed = /[-.][A-Za-z0-9_-]{8,}\.(js|css)$/.test(target) || target.includes(`${sep}cesium${sep}`);
  res.setHeader('Content-Type', TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('Content-Length', statSync(target).size);
  res.writeHead(200);
  if (req.method === 'HEAD') res.end();
  else createReadStream(target).pipe(res);
  return true;
}
