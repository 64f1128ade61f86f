/**
 * Every line of the loaded layers by id, for the few lines the viewer needs as geometry: the
 * screened lines the dig overlay lights up, the line a person tapped (cover at the tapped point).
 * Built lazily from the columnar JSON layers the screening worker needs anyway: nothing is
 * converted until a line is asked for, so a million-segment city costs one Map of ids here.
 * Heights are z − ground, as every layer is drawn (cityViewer.ts).
 */
import { Cartesian3 } from 'cesium';
import { lonLatTransform, type LocalFrame } from '../core/crs';
import { VERTEX_STRIDE, type UtilityType } from '../core/model';
import type { LayerPayload } from '../protocol/layerPayload';

export interface LinePick {
  kind: 'link';
  linkId: string;
  utility: UtilityType;
  /** Display positions of the line's vertices, for locating the tapped point along it. */
  positions: Cartesian3[];
  /** Cover (ground − top of pipe) at each vertex, m. */
  cover: number[];
}

export function isLinePick(id: unknown): id is LinePick {
  return typeof id === 'object' && id !== null && (id as LinePick).kind === 'link';
}

export interface LineLookup {
  pickOf(linkId: string): LinePick | null;
}

interface Located {
  payload: LayerPayload;
  index: number;
  /** Offset of the line's first vertex in payload.xyzg. */
  offset: number;
}

export class LineIndex implements LineLookup {
  private readonly lines = new Map<string, Located>();
  private readonly built = new Map<string, LinePick>();
  private readonly fromLocal: (x: number, y: number) => [number, number];

  constructor(frame: LocalFrame) {
    this.fromLocal = lonLatTransform(frame).fromLocal;
  }

  add(payload: LayerPayload): void {
    let offset = 0;
    for (let i = 0; i < payload.ids.length; i++) {
      this.lines.set(payload.ids[i]!, { payload, index: i, offset });
      offset += payload.vertexCounts[i]! * VERTEX_STRIDE;
    }
  }

  /** Ids of one layer, in payload order. */
  *ids(utility: UtilityType): Iterable<string> {
    for (const [id, l] of this.lines) if (l.payload.utility === utility) yield id;
  }

  pickOf(linkId: string): LinePick | null {
    const cached = this.built.get(linkId);
    if (cached) return cached;
    const l = this.lines.get(linkId);
    if (!l) return null;
    const { payload, index, offset } = l;
    const n = payload.vertexCounts[index]!;
    const halfHeightM = (payload.diameterMm[index]! || payload.heightMm[index]!) / 2000;
    const positions: Cartesian3[] = [];
    const cover: number[] = [];
    for (let k = 0; k < n; k++) {
      const o = offset + k * VERTEX_STRIDE;
      const x = payload.xyzg[o]! / 100, y = payload.xyzg[o + 1]! / 100, z = payload.xyzg[o + 2]! / 100, g = payload.xyzg[o + 3]! / 100;
      const [lon, lat] = this.fromLocal(x, y);
      positions.push(Cartesian3.fromDegrees(lon, lat, z - g));
      cover.push(g - (z + halfHeightM));
    }
    const pick: LinePick = { kind: 'link', linkId, utility: payload.utility, positions, cover };
    this.built.set(linkId, pick);
    return pick;
  }
}
