/**
 * The few lines the viewer needs as geometry: the screened lines the dig overlay lights up, the
 * line a person tapped (cover at the tapped point), the line the camera focuses on. In polyline
 * mode the main thread holds the JSON layers and reads them (`add`); in tiles mode it does not:
 * the lines come on demand from the screening worker that holds the layers (`setSource`, worker
 * request `lineGeometry`), so a million-segment city costs the main thread nothing here until a line
 * is asked for. `load(ids)` fetches what is missing; `pickOf(id)` answers from what is loaded.
 * Heights are z − ground, as every layer is drawn (cityViewer.ts).
 */
import { Cartesian3 } from 'cesium';
import { lonLatTransform, type LocalFrame } from '../core/crs';
import { VERTEX_STRIDE, type UtilityType } from '../core/model';
import { pieceId } from '../protocol/accessApi';
import type { LayerPayload } from '../protocol/layerPayload';
import { LineGeometryStore, type LineGeometry } from '../protocol/lineGeometry';

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
  /** The line if it is loaded (after `load`), else null. */
  pickOf(linkId: string): LinePick | null;
  /** Makes these lines available to pickOf (a worker round trip in tiles mode). */
  load(linkIds: readonly string[]): Promise<void>;
}

/** Where lines come from when the main thread does not hold the layers. */
export type LineSource = (linkIds: string[]) => Promise<LineGeometry[]>;

/** Lines from the source are kept; past this many the oldest go (they are cheap to ask again). */
const MAX_BUILT_LINES = 5000;

export class LineIndex implements LineLookup {
  private readonly local = new LineGeometryStore();
  private readonly built = new Map<string, LinePick>();
  private source: LineSource | null = null;
  private readonly fromLocal: (x: number, y: number) => [number, number];

  constructor(frame: LocalFrame) {
    this.fromLocal = lonLatTransform(frame).fromLocal;
  }

  /** Polyline mode: the main thread has the layer anyway. */
  add(payload: LayerPayload): void {
    this.local.add(payload);
  }

  /** Tiles mode: ask for lines here (the screening worker). */
  setSource(source: LineSource): void {
    this.source = source;
  }

  /**
   * The ids this map draws a line under: the line's own, and on a contractor's map (layers clipped to
   * their sites) every further stretch `id#2`, `id#3`… (pieceId).
   */
  piecesOf(linkId: string): string[] {
    const ids = [linkId];
    for (let k = 1; this.local.has(pieceId(linkId, k)); k++) ids.push(pieceId(linkId, k));
    return ids;
  }

  pickOf(linkId: string): LinePick | null {
    const cached = this.built.get(linkId);
    if (cached) return cached;
    const g = this.local.get(linkId);
    return g ? this.build(g) : null;
  }

  async load(linkIds: readonly string[]): Promise<void> {
    const missing = [...new Set(linkIds)].filter((id) => !this.built.has(id) && this.local.get(id) === null);
    if (missing.length === 0 || !this.source) return;
    const lines = await this.source(missing);
    // Room for them by dropping the oldest lines this request does not want (a request larger than the
    // cap keeps all of its own: the overlay draws every line it asked for).
    const wanted = new Set(linkIds);
    let excess = this.built.size + lines.length - MAX_BUILT_LINES;
    for (const id of this.built.keys()) {
      if (excess <= 0) break;
      if (!wanted.has(id)) { this.built.delete(id); excess--; }
    }
    for (const g of lines) this.built.set(g.linkId, this.build(g));
  }

  private build(g: LineGeometry): LinePick {
    const n = g.xyzg.length / VERTEX_STRIDE;
    const positions: Cartesian3[] = [];
    const cover: number[] = [];
    for (let k = 0; k < n; k++) {
      const o = k * VERTEX_STRIDE;
      const x = g.xyzg[o]! / 100, y = g.xyzg[o + 1]! / 100, z = g.xyzg[o + 2]! / 100, ground = g.xyzg[o + 3]! / 100;
      const [lon, lat] = this.fromLocal(x, y);
      positions.push(Cartesian3.fromDegrees(lon, lat, z - ground));
      cover.push(ground - (z + g.halfHeightM));
    }
    return { kind: 'link', linkId: g.linkId, utility: g.utility, positions, cover };
  }
}
