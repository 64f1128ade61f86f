/**
 * Draws every utility layer from its OGC 3D Tiles 1.1 tileset (`/api/tiles/{version}/{utility}/`):
 * Cesium streams, culls and refines by itself (trunks in the upper tiles, drawn from afar), the
 * tiles carry every attribute as metadata, so colouring and filtering are a style applied to what
 * is loaded (tileStyle.ts, as compiled functions in a Cesium3DTileStyle) and never a new download. One CustomShader (pipeShader.ts) keeps
 * pipes visible from afar and adds the depth cue.
 *
 * Orientation: a tileset turns its glTF content z-up itself (Y_UP_TO_Z_UP); no forwardAxis change
 * (src/core/tiles/README.md). Heights are z − ground, as the polylines of networkLayers.ts.
 */
import {
  Cesium3DTileColorBlendMode, Cesium3DTileFeature, Cesium3DTileset, Cesium3DTileStyle, Color, type Scene,
} from 'cesium';
import type { UtilityType } from '../core/model';
import { createPipeShader, type PipeShader } from './pipeShader';
import { linkPipeShadersAhead } from './pipeShaderLinks';
import { trimTileLoadCost } from './tileLoadCost';
import { installTileWorkBudget, type TileWorkBudget } from './tileWorkBudget';
import { installTileRequestQueue, type TileRequestQueue } from './tileRequestQueue';
import type { Rgb } from '../core/colours';
import { DISPLAY, HOVER_COLOUR, layerStyle, type FeatureStyle, type StyleSpec } from './tileStyle';

/** What a tap on a tile feature found: a line (its id for /api/links/{id}) or a fitting (its attributes). */
export type TilePick =
  | { kind: 'link'; linkId: string; utility: UtilityType }
  | { kind: 'fitting'; utility: UtilityType; properties: Record<string, string> };

export interface TileProgress {
  /** Tiles requested and not yet arrived, and arrived but still being processed. */
  pending: number;
  processing: number;
  /** Every tileset has loaded all tiles the current view needs. */
  settled: boolean;
}

interface LayerSchemaJson {
  enums?: Record<string, { values: { name: string }[] }>;
}

/** Fittings (class `fitting`) have a nodeType in their own property table; lines do not. */
const isFitting = (feature: Cesium3DTileFeature) => feature.hasProperty('nodeType');

/**
 * A Cesium3DTileStyle whose colour and show are our compiled functions (Cesium accepts any object
 * with evaluateColor / evaluate in place of a style expression). Each colour array of the style is
 * turned into a Color once.
 */
function cesiumStyle(style: FeatureStyle): Cesium3DTileStyle {
  const colours = new Map<Rgb, Color>();
  const colourOf = (rgb: Rgb) => {
    let c = colours.get(rgb);
    if (!c) colours.set(rgb, (c = Color.fromBytes(rgb[0], rgb[1], rgb[2], 255)));
    return c;
  };
  const s = new Cesium3DTileStyle();
  s.color = {
    evaluate: (feature: Cesium3DTileFeature, result?: Color) => Color.clone(colourOf(style.colour(feature, isFitting(feature))), result),
    evaluateColor: (feature: Cesium3DTileFeature, result?: Color) => Color.clone(colourOf(style.colour(feature, isFitting(feature))), result),
  } as unknown as Cesium3DTileStyle['color'];
  s.show = { evaluate: (feature: Cesium3DTileFeature) => style.show(feature, isFitting(feature)) } as unknown as Cesium3DTileStyle['show'];
  return s;
}

interface Layer {
  utility: UtilityType;
  tileset: Cesium3DTileset;
  pending: number;
  processing: number;
}

export class TileLayers {
  /** By tileset folder URL: a layer may have two (its general and its restricted tileset, src/server/access). */
  private readonly layers = new Map<string, Layer>();
  private readonly shader: PipeShader;
  private spec: StyleSpec | null = null;
  private materialNames: string[] = [];
  private ownerNames: string[] = [];
  private hovered: { feature: Cesium3DTileFeature; colour: Color } | null = null;
  private removePostRender: (() => void) | null = null;
  private lastSettled: boolean | null = null;
  /** A tileset's load counts changed since the last report. */
  private progressDirty = false;
  /** performance.now() when the first tile content was drawn. */
  firstVisibleMs: number | null = null;
  private readonly work: { budget: TileWorkBudget; remove(): void };
  private readonly requests: { queue: TileRequestQueue; remove(): void };

  constructor(private readonly scene: Scene, private readonly onProgress: (p: TileProgress) => void) {
    this.shader = createPipeShader(scene);
    // The first fittings tile must not wait on a new program mid-flight (pipeShaderLinks.ts).
    linkPipeShadersAhead(scene);
    // Cesium's per-tile work this viewer does not need (tileLoadCost.ts).
    trimTileLoadCost();
    // Newly arrived tiles finished in tasks between frames past a per-tick budget (tileWorkBudget.ts).
    this.work = installTileWorkBudget(scene, DISPLAY.tileWork);
    // Tile requests Cesium starts in a frame sent in tasks between frames (tileRequestQueue.ts).
    this.requests = installTileRequestQueue(DISPLAY.tileRequests);
  }

  /** The per-tick budget for finishing new tiles (benches read its figures and may turn it off). */
  get tileWork(): TileWorkBudget {
    return this.work.budget;
  }

  /** The queue of tile requests sent between frames (benches read its figures and may turn it off). */
  get tileRequests(): TileRequestQueue {
    return this.requests.queue;
  }

  static baseUrl(version: number, utility: UtilityType): string {
    return `/api/tiles/${version}/${utility}/`;
  }

  /** Opens every tileset the server listed (folder URLs ending in '/'); each starts streaming as soon as it is added. */
  async load(tilesets: readonly { utility: UtilityType; url: string }[], visible: (u: UtilityType) => boolean): Promise<void> {
    const schemas = await Promise.all(tilesets.map(async ({ url }) => {
      const res = await fetch(`${url}schema.json`);
      if (!res.ok) throw new Error(`schema of ${url}: HTTP ${res.status}`);
      return (await res.json()) as LayerSchemaJson;
    }));
    const names = (enumId: string) => [...new Set(schemas.flatMap((s) => s.enums?.[enumId]?.values.map((v) => v.name) ?? []))].sort();
    this.materialNames = names('material').filter((m) => m !== 'unknown');
    this.ownerNames = names('owner').filter((m) => m !== 'unknown');
    await Promise.all(tilesets.map(async ({ utility, url }) => {
      const tileset = await Cesium3DTileset.fromUrl(`${url}tileset.json`, {
        maximumScreenSpaceError: DISPLAY.maximumScreenSpaceError,
        show: visible(utility),
        // The pipe shader is UNLIT: image-based lighting is never read. Left on, each tileset
        // renders and uploads its own atmosphere cube map (and again every 1 km the camera
        // moves): main-thread texture uploads and GPU passes that drew nothing (bench/loadTrace.ts).
        environmentMapOptions: { enabled: false },
      });
      // REPLACE: the style's colour is the pipe's colour (not multiplied by the tile's base colour).
      tileset.colorBlendMode = Cesium3DTileColorBlendMode.REPLACE;
      tileset.customShader = this.shader.shader;
      const layer: Layer = { utility, tileset, pending: 0, processing: 0 };
      // Each tileset raises this in each frame its counts change: reported once per frame (after it).
      tileset.loadProgress.addEventListener((pending: number, processing: number) => {
        layer.pending = pending;
        layer.processing = processing;
        this.progressDirty = true;
        this.scene.requestRender();
      });
      const firstVisible = tileset.tileVisible.addEventListener(() => {
        this.firstVisibleMs ??= performance.now();
        firstVisible();
      });
      if (this.spec) tileset.style = cesiumStyle(layerStyle(this.spec, utility, this.materialNames));
      this.layers.set(url, layer);
      this.scene.primitives.add(tileset);
    }));
    // Settled is read after each frame from every tileset's own tilesLoaded: its allTilesLoaded
    // event comes only after a change in progress, so a tileset that needs no tile in this view
    // (e.g. hidden, or off screen) would never report.
    this.removePostRender = this.scene.postRender.addEventListener(() => {
      if (this.progressDirty || this.isSettled() !== this.lastSettled) this.report();
    });
    this.scene.requestRender();
  }

  private isSettled(): boolean {
    return this.layers.size > 0 && [...this.layers.values()].every((l) => !l.tileset.show || l.tileset.tilesLoaded);
  }

  private report(): void {
    let pending = 0, processing = 0;
    for (const l of this.layers.values()) {
      pending += l.pending;
      processing += l.processing;
    }
    const settled = this.isSettled();
    this.lastSettled = settled;
    this.progressDirty = false;
    this.onProgress({ pending, processing, settled });
    // Cesium renders on request only: keep frames coming while tiles load.
    this.scene.requestRender();
  }

  get materials(): readonly string[] {
    return this.materialNames;
  }

  get owners(): readonly string[] {
    return this.ownerNames;
  }

  tilesets(): Cesium3DTileset[] {
    return [...this.layers.values()].map((l) => l.tileset);
  }

  setVisible(utility: UtilityType, visible: boolean): void {
    for (const l of this.layers.values()) if (l.utility === utility) l.tileset.show = visible;
    this.report();
  }

  /** Re-styles every loaded tile in place: no tile is requested again. */
  setStyle(spec: StyleSpec): void {
    this.spec = spec;
    this.clearHover();
    for (const l of this.layers.values()) l.tileset.style = cesiumStyle(layerStyle(spec, l.utility, this.materialNames));
    this.scene.requestRender();
  }

  setDepthCue(on: boolean): void {
    this.shader.setDepthCue(on);
  }

  /** What scene.pick found, if it is one of our tile features. */
  describe(picked: unknown): TilePick | null {
    if (!(picked instanceof Cesium3DTileFeature)) return null;
    const utility = String(picked.getProperty('utility')) as UtilityType;
    if (picked.getProperty('nodeType') === undefined) {
      const id = picked.getProperty('id');
      return typeof id === 'string' ? { kind: 'link', linkId: id, utility } : null;
    }
    const properties: Record<string, string> = {};
    for (const name of picked.getPropertyIds()) {
      const v = picked.getProperty(name);
      if (v !== undefined && v !== null) properties[name] = String(v);
    }
    return { kind: 'fitting', utility, properties };
  }

  /** Desktop hover: tints the feature under the mouse (restored when the mouse leaves it). */
  hover(picked: unknown): string | null {
    const feature = picked instanceof Cesium3DTileFeature ? picked : null;
    if (this.hovered?.feature === feature) return feature ? String(feature.getProperty('id')) : null;
    this.clearHover();
    if (!feature) return null;
    this.hovered = { feature, colour: Color.clone(feature.color) };
    feature.color = Color.fromBytes(HOVER_COLOUR[0], HOVER_COLOUR[1], HOVER_COLOUR[2], 255);
    this.scene.requestRender();
    return String(feature.getProperty('id'));
  }

  private clearHover(): void {
    if (!this.hovered) return;
    try {
      this.hovered.feature.color = this.hovered.colour;
    } catch {
      // The tile was unloaded under the mouse: nothing left to restore.
    }
    this.hovered = null;
    this.scene.requestRender();
  }

  /** Bytes Cesium holds for the loaded tiles (GPU buffers and textures, per tileset). */
  memoryBytes(): number {
    let sum = 0;
    for (const l of this.layers.values()) sum += l.tileset.totalMemoryUsageInBytes;
    return sum;
  }

  destroy(): void {
    this.removePostRender?.();
    this.work.remove();
    this.requests.remove();
    this.shader.destroy();
    for (const l of this.layers.values()) this.scene.primitives.remove(l.tileset);
    this.layers.clear();
  }
}
