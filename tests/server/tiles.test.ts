/**
 * The tile routes on a real HTTP server on 127.0.0.1 over a real SQLite file holding the small
 * sample city: tileset, schema and tiles with immutable caching, ETags and gzip; stale versions
 * and unknown names refused by name.
 */
import { get } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import validator from 'gltf-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glbLayoutIssues, readGlb } from '../../src/core/tiles/glbReader';
import { meshoptReady } from '../../src/core/tiles/meshopt';
import { propertyTableIssues, tilesetIssues } from '../../src/core/tiles/tilesetChecks';
import { UTILITY_TYPES } from '../../src/core/model';
import { startTileRouteServer, type TileRouteServer } from '../helpers/tileRouteServer';

await meshoptReady;

let tileServer: TileRouteServer;
let base: string;
let version: number;

beforeAll(async () => {
  tileServer = await startTileRouteServer();
  ({ base, version } = tileServer);
}, 120_000);

afterAll(() => tileServer?.dispose());

/** A GET without decompression, so the encoding on the wire is visible. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(base + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

function firstContentUri(tileset: { root: Record<string, unknown> }): string {
  const stack = [tileset.root];
  while (stack.length) {
    const t = stack.shift()!;
    const c = (t['content'] as { uri: string } | undefined) ?? (t['contents'] as { uri: string }[] | undefined)?.[0];
    if (c) return c.uri;
    stack.push(...((t['children'] as Record<string, unknown>[]) ?? []));
  }
  throw new Error('tileset has no content');
}

describe('GET /api/tiles/{version}/{utility}/…', () => {
  it('serves a layer\'s tileset.json gzipped, immutable, with an ETag that answers 304', async () => {
    const res = await fetch(`${base}/api/tiles/${version}/water/tileset.json`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const tileset = (await res.json()) as { asset: { version: string; tilesetVersion: string }; root: Record<string, unknown> };
    expect(tileset.asset).toMatchObject({ version: '1.1', tilesetVersion: String(version) });
    expect(tileset.root['refine']).toBe('ADD');
    const again = await fetch(`${base}/api/tiles/${version}/water/tileset.json`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
  });

  it('serves a tile\'s GLB that parses and passes the layout checks, gzipped on request and plain otherwise', async () => {
    const tileset = (await (await fetch(`${base}/api/tiles/${version}/gas/tileset.json`)).json()) as { root: Record<string, unknown> };
    const uri = firstContentUri(tileset);
    const gz = await rawGet(`/api/tiles/${version}/gas/${uri}`, { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-type']).toBe('model/gltf-binary');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(gz.headers['etag']).toBeDefined();
    const plain = await rawGet(`/api/tiles/${version}/gas/${uri}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.body.byteLength).toBeLessThan(plain.body.byteLength);
    const bytes = new Uint8Array(plain.body.buffer, plain.body.byteOffset, plain.body.byteLength);
    expect(glbLayoutIssues(bytes)).toEqual([]);
    expect(readGlb(bytes).json.extensions!['EXT_structural_metadata']).toMatchObject({ schemaUri: 'schema.json' });
    const schema = await fetch(`${base}/api/tiles/${version}/gas/schema.json`);
    expect(schema.status).toBe(200);
    expect(((await schema.json()) as { classes: Record<string, unknown> }).classes).toHaveProperty('link');
  });

  it('serves brotli before gzip when the client accepts both, decoding to the same bytes', async () => {
    const tileset = (await (await fetch(`${base}/api/tiles/${version}/water/tileset.json`)).json()) as { root: Record<string, unknown> };
    const path = `/api/tiles/${version}/water/${firstContentUri(tileset)}`;
    const br = await rawGet(path, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toBe('Accept-Encoding');
    const plain = await rawGet(path);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.byteLength).toBeLessThan(plain.body.byteLength);
    expect((await rawGet(path, { 'Accept-Encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
  });

  it('every layer\'s tileset.json follows the 3D Tiles 1.1 rules we check, and every content and schema URI resolves over HTTP to valid glTF', async () => {
    let layers = 0, glbs = 0;
    for (const utility of UTILITY_TYPES) {
      const tilesetUrl = `${base}/api/tiles/${version}/${utility}/tileset.json`;
      const res = await fetch(tilesetUrl);
      if (res.status === 404) continue; // an empty layer (heat in the small city)
      layers++;
      const { issues, contentUris } = tilesetIssues((await res.json()) as Record<string, unknown>);
      expect(issues, utility).toEqual([]);
      expect(new Set(contentUris).size, utility).toBe(contentUris.length);
      const schemas = new Map<string, Parameters<typeof propertyTableIssues>[1]>();
      for (const uri of contentUris) {
        const url = new URL(uri, tilesetUrl);
        const got = await rawGet(url.pathname);
        expect(got.status, url.pathname).toBe(200);
        expect(got.headers['content-type']).toBe('model/gltf-binary');
        const bytes = new Uint8Array(got.body.buffer, got.body.byteOffset, got.body.byteLength);
        expect(glbLayoutIssues(bytes), url.pathname).toEqual([]);
        const report = await validator.validateBytes(bytes, { uri, maxIssues: 0 });
        expect(report.issues.numErrors + report.issues.numWarnings, `${url.pathname}: ${JSON.stringify(report.issues.messages.filter((m) => m.severity < 2))}`).toBe(0);
        const glb = readGlb(bytes);
        const schemaUri = (glb.json.extensions!['EXT_structural_metadata'] as { schemaUri: string }).schemaUri;
        const schemaUrl = new URL(schemaUri, url).href;
        if (!schemas.has(schemaUrl)) {
          const s = await fetch(schemaUrl);
          expect(s.status, schemaUrl).toBe(200);
          schemas.set(schemaUrl, (await s.json()) as Parameters<typeof propertyTableIssues>[1]);
        }
        expect(propertyTableIssues(glb, schemas.get(schemaUrl)!), url.pathname).toEqual([]);
        glbs++;
      }
    }
    expect(layers).toBeGreaterThanOrEqual(5);
    expect(glbs).toBeGreaterThan(layers);
  }, 120_000);

  it('answers HEAD with the headers and no body', async () => {
    const res = await fetch(`${base}/api/tiles/${version}/water/tileset.json`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses a version that never existed with a 404 that says so and names the current one', async () => {
    const res = await fetch(`${base}/api/tiles/${version + 41}/water/tileset.json`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string; field: string } };
    expect(body.error).toMatchObject({ code: 'unknown_version', field: 'version' });
    expect(body.error.message).toBe(`there is no network version ${version + 41}: versions run from 1 to ${version}, the current one`);
  });

  it('refuses unknown layers, empty layers, unknown tiles and writes, naming what was asked', async () => {
    const cases: [string, RequestInit, number, string][] = [
      [`/api/tiles/${version}/sewage/tileset.json`, {}, 404, 'unknown_layer'],
      [`/api/tiles/${version}/heat/tileset.json`, {}, 404, 'empty_layer'],
      [`/api/tiles/${version}/water/9-9-9.glb`, {}, 404, 'unknown_tile'],
      [`/api/tiles/${version}/water/../../network`, {}, 404, 'not_found'],
      [`/api/tiles/${version}/water/tileset.json`, { method: 'POST' }, 405, 'method_not_allowed'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await fetch(base + path, init);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
  });
});
