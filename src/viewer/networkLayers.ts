/**
 * Draws the utility layers: one PolylineCollection per utility, each line at its depth below ground
 * (height = centreline elevation − ground elevation, see cityViewer.ts). Colour by the chosen
 * convention; picking returns a LinePick carried as the polyline's id.
 */
import { Cartesian3, Color, Material, NearFarScalar, PointPrimitiveCollection, PolylineCollection, type Scene } from 'cesium';
import { utilityColour, type ColourScheme } from '../core/colours';
import { lonLatTransform, type LocalFrame } from '../core/crs';
import { VERTEX_STRIDE, type UtilityType } from '../core/model';
import type { LayerPayload, NodePayload } from '../protocol/layerPayload';

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

/** Pixel width by pipe size: big mains read as big from afar; service lines stay thin. */
function lineWidth(sizeMm: number): number {
  return Math.min(5, 1.5 + sizeMm / 300);
}

/** Fittings a crew looks for are drawn bigger than the many service connections. Pixels. */
const NODE_PIXEL_SIZE: Record<string, number> = { valve: 7, hydrant: 7, manhole: 5, source: 9, outfall: 7, tank: 9 };
const DEFAULT_NODE_PIXEL_SIZE = 3;
/** Shrink fittings with distance so the city view is not a field of dots. */
const NODE_SCALE_BY_DISTANCE = new NearFarScalar(150, 1.2, 2500, 0.4);

interface LayerEntry {
  lines: PolylineCollection;
  nodes: PointPrimitiveCollection | null;
  material: Material;
  picks: Map<string, LinePick>;
}

export class NetworkLayers {
  private readonly layers = new Map<UtilityType, LayerEntry>();
  private scheme: ColourScheme = 'cjj61';

  constructor(private readonly scene: Scene, private readonly frame: LocalFrame) {}

  addLayer(payload: LayerPayload): void {
    const fromLocal = lonLatTransform(this.frame).fromLocal;
    const material = Material.fromType('Color', { color: this.colour(payload.utility) });
    const lines = this.scene.primitives.add(new PolylineCollection()) as PolylineCollection;
    const picks = new Map<string, LinePick>();
    let v = 0;
    for (let i = 0; i < payload.ids.length; i++) {
      const n = payload.vertexCounts[i]!;
      const positions: Cartesian3[] = [];
      const cover: number[] = [];
      const halfHeightM = (payload.diameterMm[i]! || payload.heightMm[i]!) / 2000;
      for (let k = 0; k < n; k++) {
        const o = v + k * VERTEX_STRIDE;
        const x = payload.xyzg[o]! / 100, y = payload.xyzg[o + 1]! / 100, z = payload.xyzg[o + 2]! / 100, g = payload.xyzg[o + 3]! / 100;
        const [lon, lat] = fromLocal(x, y);
        positions.push(Cartesian3.fromDegrees(lon, lat, z - g));
        cover.push(g - (z + halfHeightM));
      }
      v += n * VERTEX_STRIDE;
      const pick: LinePick = { kind: 'link', linkId: payload.ids[i]!, utility: payload.utility, positions, cover };
      picks.set(pick.linkId, pick);
      lines.add({ positions, width: lineWidth(payload.diameterMm[i]! || payload.widthMm[i]!), material, id: pick });
    }
    this.layers.set(payload.utility, { lines, nodes: null, material, picks });
    this.scene.requestRender();
  }

  addNodes(payload: NodePayload): void {
    const entry = this.layers.get(payload.utility);
    if (!entry) return;
    const fromLocal = lonLatTransform(this.frame).fromLocal;
    const points = this.scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
    const colour = this.colour(payload.utility);
    for (let i = 0; i < payload.ids.length; i++) {
      const o = i * 4;
      const [lon, lat] = fromLocal(payload.xyzg[o]! / 100, payload.xyzg[o + 1]! / 100);
      points.add({
        position: Cartesian3.fromDegrees(lon, lat, (payload.xyzg[o + 2]! - payload.xyzg[o + 3]!) / 100),
        pixelSize: NODE_PIXEL_SIZE[payload.nodeTypes[i]!] ?? DEFAULT_NODE_PIXEL_SIZE,
        scaleByDistance: NODE_SCALE_BY_DISTANCE,
        color: colour,
        outlineColor: Color.BLACK,
        outlineWidth: 1,
        id: { kind: 'node', nodeId: payload.ids[i], nodeType: payload.nodeTypes[i], utility: payload.utility },
      });
    }
    points.show = entry.lines.show;
    entry.nodes = points;
    this.scene.requestRender();
  }

  pickOf(linkId: string): LinePick | null {
    for (const entry of this.layers.values()) {
      const p = entry.picks.get(linkId);
      if (p) return p;
    }
    return null;
  }

  setVisible(utility: UtilityType, visible: boolean): void {
    const entry = this.layers.get(utility);
    if (!entry) return;
    entry.lines.show = visible;
    if (entry.nodes) entry.nodes.show = visible;
    this.scene.requestRender();
  }

  setColourScheme(scheme: ColourScheme): void {
    this.scheme = scheme;
    for (const [utility, entry] of this.layers) {
      const c = this.colour(utility);
      entry.material.uniforms.color = c;
      if (entry.nodes) for (let i = 0; i < entry.nodes.length; i++) entry.nodes.get(i).color = c;
    }
    this.scene.requestRender();
  }

  private colour(utility: UtilityType): Color {
    const [r, g, b] = utilityColour(this.scheme, utility);
    return Color.fromBytes(r, g, b, 255);
  }

  destroy(): void {
    for (const entry of this.layers.values()) {
      this.scene.primitives.remove(entry.lines);
      if (entry.nodes) this.scene.primitives.remove(entry.nodes);
    }
    this.layers.clear();
  }
}
