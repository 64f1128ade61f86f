/**
 * A burst trace in 3D, drawn as our own primitives from the coordinates the API returns (never from
 * how the layers are drawn): the shut-off pipes in red, unintended isolation in orange, parts
 * already without supply in grey, other lines near the burst in yellow, the valves to close as
 * numbered points in route order, valves found inoperable as black points, the burst as a marker.
 * Positions are lon, lat, height relative to ground, as cityViewer.ts draws every line.
 */
import {
  BoundingSphere, Cartesian3, Color, LabelCollection, LabelStyle, Material, PointPrimitiveCollection, PolylineCollection,
  VerticalOrigin, Cartesian2, type Viewer,
} from 'cesium';
import type { BurstTrace, TracedLine } from '../protocol/burstApi';

const STYLE = {
  isolated: { colour: '#ff1744', width: 10 },
  unintended: { colour: '#ff9100', width: 8 },
  alreadyWithout: { colour: '#9e9e9e', width: 6 },
  nearby: { colour: '#ffea00', width: 7 },
} as const;
const VALVE_PX = 14;
const BURST_PX = 18;
/** Valves and the burst are drawn at ground level so they are seen from above; a crew digs from there. */
const MARKER_HEIGHT_M = 0.3;
const FOCUS_MIN_RADIUS_M = 60;

export interface BurstOverlayCounts {
  isolated: number;
  unintended: number;
  nearby: number;
  valves: number;
}

export class BurstOverlay {
  private readonly lines: PolylineCollection;
  private readonly points: PointPrimitiveCollection;
  private readonly labels: LabelCollection;

  constructor(private readonly viewer: Viewer) {
    const primitives = viewer.scene.primitives;
    this.lines = primitives.add(new PolylineCollection()) as PolylineCollection;
    this.points = primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
    this.labels = primitives.add(new LabelCollection()) as LabelCollection;
  }

  private addLines(lines: readonly TracedLine[], style: { colour: string; width: number }): number {
    const colour = Color.fromCssColorString(style.colour);
    for (const l of lines) {
      // One material per polyline: removing a polyline destroys its material.
      const material = Material.fromType('PolylineOutline', { color: colour, outlineColor: Color.BLACK, outlineWidth: 2 });
      this.lines.add({ positions: Cartesian3.fromDegreesArrayHeights(l.positions), width: style.width, material, id: { kind: 'burst-line', linkId: l.id } });
    }
    return lines.length;
  }

  /** Draws a trace (null clears) and returns how much was drawn. */
  setTrace(trace: BurstTrace | null): BurstOverlayCounts {
    this.clear();
    if (!trace) return { isolated: 0, unintended: 0, nearby: 0, valves: 0 };
    const counts = {
      alreadyWithout: this.addLines(trace.alreadyWithoutSupply.links, STYLE.alreadyWithout),
      unintended: this.addLines(trace.unintended.links, STYLE.unintended),
      nearby: this.addLines(trace.nearbyLines, STYLE.nearby),
      isolated: this.addLines(trace.isolated.links, STYLE.isolated),
      valves: trace.valvesToClose.length,
    };
    trace.valvesToClose.forEach((v, i) => {
      const at = Cartesian3.fromDegrees(v.lon, v.lat, MARKER_HEIGHT_M);
      this.points.add({ position: at, pixelSize: VALVE_PX, color: Color.fromCssColorString('#00e5ff'), outlineColor: Color.BLACK, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY });
      this.labels.add({
        position: at, text: String(i + 1), font: 'bold 14px sans-serif', fillColor: Color.WHITE, outlineColor: Color.BLACK, outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE, verticalOrigin: VerticalOrigin.BOTTOM, pixelOffset: new Cartesian2(0, -VALVE_PX / 2 - 2),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    });
    for (const v of trace.failedValvesPassed) {
      this.points.add({ position: Cartesian3.fromDegrees(v.lon, v.lat, MARKER_HEIGHT_M), pixelSize: VALVE_PX, color: Color.BLACK, outlineColor: Color.WHITE, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    }
    this.points.add({
      position: Cartesian3.fromDegrees(trace.burst.lon, trace.burst.lat, MARKER_HEIGHT_M), pixelSize: BURST_PX,
      color: Color.fromCssColorString('#ff1744'), outlineColor: Color.WHITE, outlineWidth: 3, disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
    this.viewer.scene.requestRender();
    return counts;
  }

  /** Frames the shut-off area and the valves around it. */
  focus(trace: BurstTrace, durationSeconds = 0.6): void {
    const positions = [
      ...trace.isolated.links.flatMap((l) => { const p: Cartesian3[] = []; for (let i = 0; i < l.positions.length; i += 3) p.push(Cartesian3.fromDegrees(l.positions[i]!, l.positions[i + 1]!, 0)); return p; }),
      ...trace.valvesToClose.map((v) => Cartesian3.fromDegrees(v.lon, v.lat, 0)),
    ];
    if (positions.length === 0) return;
    const sphere = BoundingSphere.fromPoints(positions);
    sphere.radius = Math.max(sphere.radius, FOCUS_MIN_RADIUS_M);
    this.viewer.camera.flyToBoundingSphere(sphere, { duration: durationSeconds });
    this.viewer.scene.requestRender();
  }

  clear(): void {
    this.lines.removeAll();
    this.points.removeAll();
    this.labels.removeAll();
    this.viewer.scene.requestRender();
  }

  destroy(): void {
    const primitives = this.viewer.scene.primitives;
    primitives.remove(this.lines);
    primitives.remove(this.points);
    primitives.remove(this.labels);
  }
}
