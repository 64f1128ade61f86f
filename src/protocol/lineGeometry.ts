/**
 * The geometry of single lines, looked up by link id in the layers that are loaded: what the viewer
 * needs for the few lines it draws or measures itself (the screened lines the dig overlay lights up,
 * the line a person tapped). In tiles mode the screening worker holds the layers and answers
 * `lineGeometry` requests from this store, so the main thread never holds every layer's JSON; in
 * polyline mode the main thread has the layers anyway and keeps its own store. Pure: no DOM, no cesium.
 */
import { VERTEX_STRIDE, type UtilityType } from '../core/model';
import type { LayerPayload } from './layerPayload';

export interface LineGeometry {
  linkId: string;
  utility: UtilityType;
  /** x, y, z (centreline elevation), ground per vertex, cm in the local frame (as in LayerPayload). */
  xyzg: Int32Array;
  /** Half the section's height (diameter or box height), m: cover is measured to the top of the pipe. */
  halfHeightM: number;
}

interface Layer {
  utility: UtilityType;
  xyzg: Int32Array;
  diameterMm: Int32Array;
  heightMm: Int32Array;
}

export class LineGeometryStore {
  /** Per link: its layer, its index in the layer, the offset of its first vertex, its vertex count. */
  private readonly lines = new Map<string, { layer: Layer; index: number; offset: number; count: number }>();

  add(payload: LayerPayload): void {
    const layer: Layer = {
      utility: payload.utility,
      xyzg: Int32Array.from(payload.xyzg),
      diameterMm: Int32Array.from(payload.diameterMm),
      heightMm: Int32Array.from(payload.heightMm),
    };
    let offset = 0;
    for (let i = 0; i < payload.ids.length; i++) {
      const count = payload.vertexCounts[i]!;
      this.lines.set(payload.ids[i]!, { layer, index: i, offset, count });
      offset += count * VERTEX_STRIDE;
    }
  }

  clear(): void {
    this.lines.clear();
  }

  has(linkId: string): boolean {
    return this.lines.has(linkId);
  }

  get size(): number {
    return this.lines.size;
  }

  get(linkId: string): LineGeometry | null {
    const l = this.lines.get(linkId);
    if (!l) return null;
    const { layer, index, offset, count } = l;
    return {
      linkId,
      utility: layer.utility,
      xyzg: layer.xyzg.slice(offset, offset + count * VERTEX_STRIDE),
      halfHeightM: (layer.diameterMm[index]! || layer.heightMm[index]!) / 2000,
    };
  }

  /** The lines of these ids that are loaded (unknown ids are left out). */
  many(linkIds: readonly string[]): LineGeometry[] {
    const out: LineGeometry[] = [];
    for (const id of linkIds) {
      const g = this.get(id);
      if (g) out.push(g);
    }
    return out;
  }
}
