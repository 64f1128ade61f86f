/**
 * The fallback drawing of the utility layers (`?lines=polylines`; the default is the 3D Tiles path
 * in tileLayers.ts): one PolylineCollection per utility, each line at its depth below ground
 * (height = centreline elevation − ground elevation, see cityViewer.ts). Colour by the chosen
 * convention; picking returns a LinePick carried as the polyline's id. Kept as the peer the tiles
 * are checked against (same place, same colours) and for browsers without instancing.
 */
import { Cartesian3, Color, Material, NearFarScalar, PointPrimitiveCollection, PolylineCollection, type Scene } from 'cesium';
import { utilityColour, type ColourScheme } from '../core/colours';
import { lonLatTransform, type LocalFrame } from '../core/crs';
import type { UtilityType } from '../core/model';
import type { LayerPayload, NodePayload } from '../protocol/layerPayload';
import { LineIndex, type LineLookup, type LinePick } from './lineIndex';

export { isLinePick, type LinePick } from './lineIndex';

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
}

export class NetworkLayers implements LineLookup {
  private readonly layers = new Map<UtilityType, LayerEntry>();
  private scheme: ColourScheme = 'cjj61';

  constructor(private readonly scene: Scene, private readonly frame: LocalFrame, private readonly index = new LineIndex(frame)) {}

  addLayer(payload: LayerPayload): void {
    this.index.add(payload);
    const material = Material.fromType('Color', { color: this.colour(payload.utility) });
    const lines = this.scene.primitives.add(new PolylineCollection()) as PolylineCollection;
    payload.ids.forEach((id, i) => {
      const pick: LinePick = this.index.pickOf(id)!;
      lines.add({ positions: pick.positions, width: lineWidth(payload.diameterMm[i]! || payload.widthMm[i]!), material, id: pick });
    });
    this.layers.set(payload.utility, { lines, nodes: null, material });
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
    return this.index.pickOf(linkId);
  }

  load(linkIds: readonly string[]): Promise<void> {
    return this.index.load(linkIds);
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
