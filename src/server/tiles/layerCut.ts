/**
 * Cutting one utility layer of a network version into its finished tile files: the lines and
 * fittings from the store, split into the general tileset and the restricted one when restricted
 * classes are given (src/server/access), cut by core tiles/layerTileset.ts `tileLayer`, every file
 * encoded, gzipped and brotli-coded. The same function runs in the tile cutter's worker thread
 * (workers/tileCut.node.ts) and in process (TileCache's in-process cutter, the bench's peer), so
 * both give the same bytes.
 */
import type { Link, UtilityType } from '../../core/model';
import { UTILITY_TYPES } from '../../core/model';
import { CONTENT_FILE, tileLayer, type LayerTileset } from '../../core/tiles/layerTileset';
import { fittingsUri, linesUri, type TilingOptions } from '../../core/tiles/tiling';
import type { AccessRules } from '../access/accessRules';
import { isRestrictedLink, restrictedNodes } from '../access/restrictedAssets';
import type { NetworkStore } from '../storage/networkStore';
import { encodeTileFile, type CutLayer, type CutTileset } from './tileFiles';
import { GLB_CONTENT_TYPE, JSON_CONTENT_TYPE, SCHEMA_FILE, TILESET_FILE, tilesetName } from './tileNames';
import type { TileCompression } from './tileRules';

export interface LayerCutOptions {
  tiling?: Partial<TilingOptions>;
  /** Restricted asset classes: when given, the layer is cut into `{utility}` without them and `{utility}-restricted` with only them. */
  restricted?: AccessRules;
  compression: TileCompression;
}

/** The version asked for is no longer in force (a new import came in): the cut is dropped. */
export class SupersededError extends Error {
  constructor(asked: number, current: number | null) {
    super(`network version ${asked} is no longer in force (current: ${current ?? 'none'})`);
    this.name = 'SupersededError';
  }
}

function inForce(store: NetworkStore, version: number): void {
  const current = store.currentVersion()?.version ?? null;
  if (current !== version) throw new SupersededError(version, current);
}

/**
 * The restricted links of every layer (a fitting is restricted when a restricted line of any layer
 * touches it: restrictedAssets.ts), read layer by layer so only they stay in memory.
 */
function restrictedLinksOf(store: NetworkStore, rules: AccessRules): Link[] {
  const out: Link[] = [];
  for (const utility of UTILITY_TYPES) for (const l of store.links({ utility })) if (isRestrictedLink(l, rules)) out.push(l);
  return out;
}

/** The restricted links of one version, read once for all its layers. */
export class RestrictedLinks {
  private held: { version: number; links: Link[] } | null = null;

  /** Null when no restricted classes are given (no split). */
  of(store: NetworkStore, version: number, rules: AccessRules | undefined): Link[] | null {
    if (!rules) return null;
    if (this.held?.version !== version) this.held = { version, links: restrictedLinksOf(store, rules) };
    return this.held.links;
  }

  clear(): void {
    this.held = null;
  }
}

/** The link and node ids each content file of a tileset draws (the audit of restricted views). */
function contentAssets(tiles: LayerTileset, names: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of names) {
    const m = CONTENT_FILE.exec(name)!;
    const tile = tiles.tree.tiles.get(m[1]!)!;
    const ids = new Set<string>();
    if (m[2] === undefined) for (const i of tile.segments) ids.add(tiles.layer.links[tiles.layer.segLink[i]!]!.id);
    else for (const i of tile.fittings) ids.add(tiles.layer.nodes[tiles.layer.fitNode[i]!]!.id);
    out.set(name, [...ids]);
  }
  return out;
}

function cutTileset(name: string, input: Parameters<typeof tileLayer>[0], version: number, options: LayerCutOptions, withAssets: boolean): CutTileset {
  if (input.links.length === 0) return { name, empty: true, files: new Map(), assets: null };
  const tiles = tileLayer(input, { tilesetVersion: String(version), ...(options.tiling ? { tiling: options.tiling } : {}) });
  const { compression } = options;
  const files = new Map([
    [TILESET_FILE, encodeTileFile(Buffer.from(JSON.stringify(tiles.tileset)), JSON_CONTENT_TYPE, compression)],
    [SCHEMA_FILE, encodeTileFile(Buffer.from(JSON.stringify(tiles.schema)), JSON_CONTENT_TYPE, compression)],
  ]);
  const contents: string[] = [];
  for (const id of tiles.tree.tiles.keys()) {
    for (const file of [linesUri(id), fittingsUri(id)]) {
      const glb = tiles.content(file);
      if (!glb) continue;
      files.set(file, encodeTileFile(Buffer.from(glb.buffer, glb.byteOffset, glb.byteLength), GLB_CONTENT_TYPE, compression));
      contents.push(file);
    }
  }
  return { name, empty: false, files, assets: withAssets ? contentAssets(tiles, contents) : null };
}

/**
 * Every tileset of one layer of `version`, finished. `restrictedLinks`: the version's restricted links
 * (RestrictedLinks.of, read once per version by the caller). Throws
 * SupersededError when another version comes into force before or while the layer is read.
 */
export function cutLayer(store: NetworkStore, version: number, utility: UtilityType, options: LayerCutOptions, restrictedLinks: readonly Link[] | null): CutLayer {
  const t0 = performance.now();
  inForce(store, version);
  const frame = store.frame()!;
  const links = store.links({ utility });
  const nodes = store.nodes({ utility });
  inForce(store, version); // an import between the reads would mix two versions
  const tilesets: CutTileset[] = [];
  if (!options.restricted || !restrictedLinks) {
    tilesets.push(cutTileset(utility, { utility, frame, links, nodes }, version, options, false));
  } else {
    const splitLinks = new Set(restrictedLinks.map((l) => l.id));
    const splitNodes = restrictedNodes(restrictedLinks, nodes, splitLinks);
    for (const restricted of [false, true]) {
      const part = {
        utility, frame,
        links: links.filter((l) => splitLinks.has(l.id) === restricted),
        nodes: nodes.filter((n) => splitNodes.has(n.id) === restricted),
      };
      tilesets.push(cutTileset(tilesetName(utility, restricted), part, version, options, restricted));
    }
  }
  return { version, utility, tilesets, seconds: (performance.now() - t0) / 1000 };
}
