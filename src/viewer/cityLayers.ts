/**
 * The network on screen, whichever way it is drawn: from the 3D Tiles of every layer (default,
 * tileLayers.ts) or, as a fallback and comparison peer, as polylines from the JSON layers
 * (`?lines=polylines`, networkLayers.ts). In tiles mode the main thread never holds the JSON layers
 * (the screening workers fetch them, layerLoad.ts); the line index asks a worker for the few lines
 * the dig overlay and the tap's cover need.
 */
import type { Scene } from 'cesium';
import type { ColourScheme } from '../core/colours';
import type { LocalFrame } from '../core/crs';
import type { UtilityType } from '../core/model';
import type { LayerPayload, NodePayload } from '../protocol/layerPayload';
import type { ScenePick } from './interaction';
import { LineIndex, type LineLookup, type LinePick } from './lineIndex';
import { NetworkLayers } from './networkLayers';
import { TileLayers, type TileProgress } from './tileLayers';
import type { StyleSpec } from './tileStyle';

export type DrawMode = 'tiles' | 'polylines';

/** `?lines=polylines` draws the old way; anything else draws tiles. */
export function drawModeOf(search: string): DrawMode {
  return new URLSearchParams(search).get('lines') === 'polylines' ? 'polylines' : 'tiles';
}

export class CityLayers implements LineLookup {
  readonly index: LineIndex;
  tiles: TileLayers | null;
  private polylines: NetworkLayers | null;
  private scheme: ColourScheme = 'cjj61';
  /** Lines drawn as polylines so far (the JSON layers' ids). */
  drawnLines = 0;

  constructor(private readonly scene: Scene, private readonly frame: LocalFrame, public mode: DrawMode, onProgress: (p: TileProgress) => void) {
    this.index = new LineIndex(frame);
    this.tiles = mode === 'tiles' ? new TileLayers(scene, onProgress) : null;
    this.polylines = mode === 'polylines' ? new NetworkLayers(scene, frame, this.index) : null;
  }

  /**
   * Tiles: opens the tilesets the server lists (they stream by themselves from here on). When the tiles
   * cannot be opened (no tile route, a broken tileset), falls back to polylines from the JSON layers.
   */
  async open(tilesets: readonly { utility: UtilityType; url: string }[], visible: (u: UtilityType) => boolean): Promise<void> {
    if (!this.tiles) return;
    try {
      await this.tiles.load(tilesets, visible);
    } catch (e) {
      console.warn(`3D Tiles unavailable (${(e as Error).message}): drawing polylines instead`);
      this.tiles.destroy();
      this.tiles = null;
      this.polylines = new NetworkLayers(this.scene, this.frame, this.index);
      this.polylines.setColourScheme(this.scheme);
      this.mode = 'polylines';
    }
  }

  /** Polyline mode only: tiles mode never has the JSON layers on the main thread. */
  addLayer(payload: LayerPayload, visible: boolean): void {
    if (!this.polylines) return;
    this.polylines.addLayer(payload);
    this.polylines.setVisible(payload.utility, visible);
    this.drawnLines += payload.ids.length;
  }

  /** Fittings come with the tiles; only the polyline fallback draws the node layers. */
  get needsNodes(): boolean {
    return this.polylines !== null;
  }

  addNodes(payload: NodePayload): void {
    this.polylines?.addNodes(payload);
  }

  pickOf(linkId: string): LinePick | null {
    return this.index.pickOf(linkId);
  }

  load(linkIds: readonly string[]): Promise<void> {
    return this.index.load(linkIds);
  }

  setVisible(utility: UtilityType, visible: boolean): void {
    this.tiles?.setVisible(utility, visible);
    this.polylines?.setVisible(utility, visible);
  }

  setColourScheme(scheme: ColourScheme): void {
    this.scheme = scheme;
    this.polylines?.setColourScheme(scheme);
  }

  setStyle(spec: StyleSpec, depthCue: boolean): void {
    this.tiles?.setStyle(spec);
    this.tiles?.setDepthCue(depthCue);
  }

  resolve(picked: unknown): ScenePick | null {
    const p = this.tiles?.describe(picked) ?? null;
    return p === null ? null : p.kind === 'link' ? { kind: 'link', linkId: p.linkId } : { kind: 'fitting', properties: p.properties };
  }

  hover(picked: unknown): void {
    this.tiles?.hover(picked);
  }
}
