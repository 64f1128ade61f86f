/**
 * 3D Tiles of the network version in force, per utility layer: cut on first request (core
 * tiles/layerTileset.ts), then every file encoded, gzipped and brotli-coded once and kept in memory. Tiles are
 * immutable per version, so a new import simply starts a new cache; URLs carry the version, so
 * clients may cache them forever (a CDN too, behind signed URLs: the network is read signed in).
 *
 * Memory: the large sample city (~1M segments) holds ~50 MB of tiles (raw and gzipped) once every
 * tile has been asked for. Disk or object storage would slot in behind `file()`.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { UTILITY_TYPES, type UtilityType } from '../../core/model';
import { CONTENT_FILE, tileLayer, type LayerTileset } from '../../core/tiles/layerTileset';
import type { TilingOptions } from '../../core/tiles/tiling';
import { HttpError, type Encoded } from '../http/respond';
import type { NetworkStore } from '../storage/networkStore';

export const TILESET_FILE = 'tileset.json';
export const SCHEMA_FILE = 'schema.json';
export const GLB_CONTENT_TYPE = 'model/gltf-binary';

export interface TileCacheOptions {
  tiling?: Partial<TilingOptions>;
  /**
   * Restricted asset classes (src/server/access): when given, each layer's tileset leaves them out
   * and a second tileset `{utility}-restricted` holds only them, so every file stays the same for
   * every viewer (cacheable for good) and the restricted files can be refused or audited per request.
   */
  restricted?: () => { links: ReadonlySet<string>; nodes: ReadonlySet<string> };
}

/** The tileset of a layer's restricted assets: `/api/tiles/{version}/{utility}${RESTRICTED_SUFFIX}/`. */
export const RESTRICTED_SUFFIX = '-restricted';

/** A tileset name in a tile path: a utility, or a utility's restricted part. */
export function parseTilesetName(name: string): { utility: UtilityType; restricted: boolean } | null {
  const restricted = name.endsWith(RESTRICTED_SUFFIX);
  const utility = restricted ? name.slice(0, -RESTRICTED_SUFFIX.length) : name;
  return (UTILITY_TYPES as readonly string[]).includes(utility) ? { utility: utility as UtilityType, restricted } : null;
}

interface LayerEntry {
  tiles: LayerTileset;
  files: Map<string, Encoded>;
  /** The asset ids each content file draws, found once (the audit asks on every restricted request, 304s too). */
  assets: Map<string, string[]>;
}

/**
 * Brotli quality for tiles, applied on a file's first request. Measured on the medium city's
 * meshopt GLBs (2.34 MB, on a loaded 2-core machine): gzip 9 → 55.7 % in 1.5 s; brotli 5 → 52.8 %
 * in 0.8–1.8 s; 9 → 52.4 % in 86 s; 11 → 47.8 % in 77 s. Quality 5 costs what gzip costs; 11 would
 * save another 9 % but make first requests ~50× slower, so it belongs to precompression at import.
 */
export const TILE_BROTLI_QUALITY = 5;

export function gzipTile(body: Uint8Array): Buffer {
  return gzipSync(body, { level: zlibConstants.Z_BEST_COMPRESSION });
}

export function brotliTile(body: Uint8Array): Buffer {
  return brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: TILE_BROTLI_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
}

/** Immutable bytes, gzipped and brotli-coded once (they are served many times). */
export function encodeBytes(body: Buffer, contentType: string): Encoded {
  return {
    body,
    gzipped: gzipTile(body),
    brotli: brotliTile(body),
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    contentType,
  };
}

export class TileCache {
  private version = -1;
  private readonly layers = new Map<string, LayerEntry>();

  constructor(private readonly store: NetworkStore, private readonly options: TileCacheOptions = {}) {}

  /** The version in force; throws 404 naming both when `requested` is another. */
  private checkVersion(requested: number): void {
    const v = this.store.currentVersion();
    if (!v) throw new HttpError(503, 'no_network', 'no network has been imported yet: run `npm run city`');
    if (v.version !== this.version) {
      this.layers.clear();
      this.version = v.version;
    }
    if (requested !== v.version) {
      throw new HttpError(404, 'stale_version', `network version ${requested} is not current (current: ${v.version}); tiles exist for the current version only`, 'version');
    }
  }

  private layer(name: string): LayerEntry {
    let entry = this.layers.get(name);
    if (!entry) {
      const { utility, restricted } = parseTilesetName(name)!;
      let links = this.store.links({ utility });
      let nodes = this.store.nodes({ utility });
      const split = this.options.restricted?.();
      if (split) {
        links = links.filter((l) => split.links.has(l.id) === restricted);
        nodes = nodes.filter((n) => split.nodes.has(n.id) === restricted);
      }
      if (links.length === 0) throw new HttpError(404, 'empty_layer', `layer ${name} has no lines in network version ${this.version}`, 'utility');
      const tiles = tileLayer(
        { utility, frame: this.store.frame()!, links, nodes },
        { tilesetVersion: String(this.version), ...(this.options.tiling ? { tiling: this.options.tiling } : {}) },
      );
      entry = { tiles, files: new Map(), assets: new Map() };
      this.layers.set(name, entry);
    }
    return entry;
  }

  /** A file of a layer's tileset: `tileset.json`, `schema.json` or a content `.glb`. */
  file(version: number, utility: string, name: string): Encoded {
    this.checkVersion(version);
    const parsed = parseTilesetName(utility);
    if (!parsed || (parsed.restricted && !this.options.restricted)) {
      throw new HttpError(404, 'unknown_layer', `unknown layer "${utility}"; layers: ${UTILITY_TYPES.join(', ')}${this.options.restricted ? ` (and {layer}${RESTRICTED_SUFFIX})` : ''}`, 'utility');
    }
    const entry = this.layer(utility);
    let e = entry.files.get(name);
    if (e) return e;
    if (name === TILESET_FILE) e = encodeBytes(Buffer.from(JSON.stringify(entry.tiles.tileset)), 'application/json; charset=utf-8');
    else if (name === SCHEMA_FILE) e = encodeBytes(Buffer.from(JSON.stringify(entry.tiles.schema)), 'application/json; charset=utf-8');
    else {
      const glb = entry.tiles.content(name);
      if (!glb) throw new HttpError(404, 'unknown_tile', `no tile content "${name}" in layer ${utility} of network version ${version}`, 'tile');
      e = encodeBytes(Buffer.from(glb.buffer, glb.byteOffset, glb.byteLength), GLB_CONTENT_TYPE);
    }
    entry.files.set(name, e);
    return e;
  }

  /** The link and node ids a file of a tileset draws (a tileset.json or schema.json draws none). */
  assetsOf(version: number, tileset: string, name: string): string[] {
    this.checkVersion(version);
    const entry = this.layer(tileset);
    const known = entry.assets.get(name);
    if (known) return known;
    const { tiles } = entry;
    const m = CONTENT_FILE.exec(name);
    const tile = m ? tiles.tree.tiles.get(m[1]!) : undefined;
    if (!m || !tile) return [];
    const ids = new Set<string>();
    if (m[2] === undefined) for (const i of tile.segments) ids.add(tiles.layer.links[tiles.layer.segLink[i]!]!.id);
    else for (const i of tile.fittings) ids.add(tiles.layer.nodes[tiles.layer.fitNode[i]!]!.id);
    const found = [...ids];
    entry.assets.set(name, found);
    return found;
  }
}
