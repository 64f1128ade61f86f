/**
 * A utility layer as a 3D Tiles 1.1 tileset: the entry point of this folder.
 *
 *   const tiles = tileLayer({ utility: 'water', frame, links, nodes }, { tilesetVersion: '7' });
 *   tiles.tileset          // tileset.json (object)
 *   tiles.schema           // schema.json, referenced by every tile's EXT_structural_metadata.schemaUri
 *   tiles.content('0-0-0.glb')          // lines of a tile: GLB bytes, built on demand (deterministic)
 *   tiles.content('0-0-0-fittings.glb') // its fittings
 *   tiles.content('0-0-0.glb', 'none')  // without EXT_meshopt_compression
 *
 * Tile ids are `level-x-y` (tiling.ts); content URIs in tileset.json are relative to it.
 */
import { utilityColour, type ColourScheme } from '../colours';
import type { LocalFrame } from '../crs';
import type { Link, NetworkNode, UtilityType } from '../model';
import { TilesetFrame, type HeightReference } from './earthFrame';
import { fittingsGlb, linesGlb, type TileCompression } from './instancedPipes';
import { layerInstances, type LayerInstances, type SkippedSegment } from './layerInstances';
import { layerSchema, type LayerSchema, type MetadataSchema } from './metadata';
import { boxCentre, buildTileTree, tilesetJson, type TileNode, type TileTree, type TilingOptions } from './tiling';

/** The file name tiles use to reference the layer schema, beside tileset.json. */
export const SCHEMA_FILE = 'schema.json';

export interface LayerTilesetInput {
  utility: UtilityType;
  frame: LocalFrame;
  links: readonly Link[];
  nodes: readonly NetworkNode[];
}

export interface LayerTilesetOptions {
  /** Goes into asset.tilesetVersion; use the network version. */
  tilesetVersion: string;
  tiling?: Partial<TilingOptions>;
  heightReference?: HeightReference;
  colourScheme?: ColourScheme;
  /** Embed the schema in every tile instead of referencing SCHEMA_FILE (for a standalone GLB). */
  embedSchema?: boolean;
  /** 'meshopt' (default, needs `await meshoptReady`) or 'none' (instancedPipes.ts TileContentInput). */
  compression?: TileCompression;
}

export interface LayerTileset {
  utility: UtilityType;
  tileset: Record<string, unknown>;
  schema: MetadataSchema;
  tree: TileTree;
  layer: LayerInstances;
  /** Segments not drawn (degenerate), with the reason. */
  skipped: SkippedSegment[];
  /** GLB of a content by its file name (`{id}.glb` lines, `{id}-fittings.glb` fittings); null when there is none. */
  content(fileName: string, compression?: TileCompression): Uint8Array | null;
}

export function tileLayer(input: LayerTilesetInput, options: LayerTilesetOptions): LayerTileset {
  const frame = new TilesetFrame(input.frame);
  const layer = layerInstances({ utility: input.utility, frame, links: input.links, nodes: input.nodes, heightReference: options.heightReference ?? 'ground' });
  const schema: LayerSchema = layerSchema(input.links);
  const tree = buildTileTree(layer, options.tiling);
  const tileset = tilesetJson(tree, {
    rootTransform: frame.rootTransform(),
    tilesetVersion: options.tilesetVersion,
    extras: {
      utility: input.utility,
      heightReference: layer.heightReference,
      frame: input.frame,
      segments: layer.segmentCount,
      fittings: layer.fittingCount,
      skippedSegments: layer.skipped.length,
    },
  });
  const colour = utilityColour(options.colourScheme ?? 'cjj61', input.utility);
  return {
    utility: input.utility, tileset, schema: schema.schema, tree, layer, skipped: layer.skipped,
    content(fileName: string, compression = options.compression): Uint8Array | null {
      const m = CONTENT_FILE.exec(fileName);
      const t: TileNode | undefined = m ? tree.tiles.get(m[1]!) : undefined;
      if (!m || !t) return null;
      const fittings = m[2] !== undefined;
      const box = fittings ? t.fittingsBox : t.linesBox;
      if (!box) return null;
      const input = {
        layer, schema, instances: fittings ? t.fittings : t.segments, anchor: roundedAnchor(boxCentre(box)), colour,
        ...(options.embedSchema ? {} : { schemaUri: SCHEMA_FILE }),
        ...(compression ? { compression } : {}),
      };
      return fittings ? fittingsGlb(input) : linesGlb(input);
    },
  };
}

/** `level-x-y.glb` or `level-x-y-fittings.glb` (tiling.ts linesUri, fittingsUri). */
export const CONTENT_FILE = /^(\d{1,2}-\d{1,8}-\d{1,8})(-fittings)?\.glb$/;

/** Anchors on whole centimetres: tidy numbers in the JSON, no effect on precision. */
function roundedAnchor(c: [number, number, number]): [number, number, number] {
  return [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100, Math.round(c[2] * 100) / 100];
}
