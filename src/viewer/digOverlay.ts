/**
 * The dig in 3D (its footprint at ground level extruded down to its depth, in white: the APWA
 * colour for proposed excavation) and the screened lines lit up by verdict.
 */
import { Cartesian2, Cartesian3, Color, ColorMaterialProperty, PolygonHierarchy, type Entity, type Viewer } from 'cesium';
import type { LonLat } from '../store/viewStore';
import { VERDICT_COLOURS } from '../core/colours';
import type { DigWork } from '../core/screening/digWorks';
import type { LineLookup, LinePick } from './lineIndex';
import { LineHighlights } from './lineHighlights';
import { addWorkShape } from './workShapes';

export type Verdict = 'STRIKE' | 'ENCROACH' | 'NEAR';

/** Moved to src/core/colours.ts (the dig-site view draws with the same colours); re-exported for the viewer. */
export { VERDICT_COLOURS };

const ZONE_ALPHA = 0.22;
const ZONE_SIDES = 16;

function circleShape(radius: number): Cartesian2[] {
  return Array.from({ length: ZONE_SIDES }, (_, i) => {
    const a = (2 * Math.PI * i) / ZONE_SIDES;
    return new Cartesian2(radius * Math.cos(a), radius * Math.sin(a));
  });
}

export class DigOverlay {
  private volume: Entity | null = null;
  private corners: Entity[] = [];
  private readonly highlights: LineHighlights;
  private zones: Entity[] = [];
  private workShapes: Entity[] = [];

  constructor(private readonly viewer: Viewer, layers: LineLookup) {
    this.highlights = new LineHighlights(viewer.scene, layers);
  }

  /** `volume` false: only the tapped points (a trench, bore or piles being drawn: see setWorks). */
  setDig(corners: readonly LonLat[], depth: number, volume = true): void {
    const entities = this.viewer.entities;
    for (const c of this.corners) entities.remove(c);
    this.corners = corners.map(([lon, lat]) =>
      entities.add({ position: Cartesian3.fromDegrees(lon, lat, 0), point: { pixelSize: 9, color: Color.WHITE, outlineColor: Color.BLACK, outlineWidth: 2 } }),
    );
    if (this.volume) entities.remove(this.volume);
    this.volume = null;
    if (volume && corners.length >= 3) {
      this.volume = entities.add({
        polygon: {
          hierarchy: new PolygonHierarchy(corners.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0))),
          height: 0,
          extrudedHeight: -depth,
          perPositionHeight: false,
          material: new ColorMaterialProperty(Color.WHITE.withAlpha(0.3)),
          outline: true,
          outlineColor: Color.WHITE,
        },
      });
    } else if (volume && corners.length === 2) {
      this.volume = entities.add({
        polyline: { positions: corners.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0)), width: 2, material: Color.WHITE },
      });
    }
    this.viewer.scene.requestRender();
  }

  /** The permit's works of every kind (workShapes.ts). */
  setWorks(works: readonly DigWork[]): void {
    for (const e of this.workShapes) this.viewer.entities.remove(e);
    this.workShapes = works.flatMap((w) => addWorkShape(this.viewer.entities, w));
    this.viewer.scene.requestRender();
  }

  /**
   * Lights up screened lines by verdict and, around each struck or encroached line, draws its
   * tolerance zone (clearance + positional uncertainty beyond the pipe wall) as a translucent tube.
   */
  setHighlights(lines: readonly { linkId: string; verdict: Verdict; tolerance?: number; radius?: number }[]): void {
    void this.highlights.show(lines.map((l) => ({ linkId: l.linkId, colour: VERDICT_COLOURS[l.verdict] }))).then((drawn) => {
      if (drawn) this.drawZones(lines, new Map(drawn.map((d) => [d.linkId, d.pick])));
    });
  }

  private drawZones(lines: readonly { linkId: string; verdict: Verdict; tolerance?: number; radius?: number }[], picks: ReadonlyMap<string, LinePick>): void {
    for (const z of this.zones) this.viewer.entities.remove(z);
    this.zones = [];
    for (const line of lines) {
      const pick = picks.get(line.linkId);
      if (!pick || line.verdict === 'NEAR' || line.tolerance === undefined) continue;
      this.zones.push(this.viewer.entities.add({
        polylineVolume: {
          positions: pick.positions,
          shape: circleShape(line.tolerance + (line.radius ?? 0)),
          material: Color.fromCssColorString(VERDICT_COLOURS[line.verdict]).withAlpha(ZONE_ALPHA),
          outline: false,
        },
      }));
    }
    this.viewer.scene.requestRender();
  }

  destroy(): void {
    this.highlights.destroy();
    for (const z of this.zones) this.viewer.entities.remove(z);
    if (this.volume) this.viewer.entities.remove(this.volume);
    for (const c of this.corners) this.viewer.entities.remove(c);
  }
}
