/**
 * The works of a permit in 3D, in the dig's white (APWA: proposed excavation): an open cut or pit as
 * its footprint extruded down to its depth, a trench as a corridor of its width, a bore as a tube of
 * its reamer along its path at each vertex's depth, piles as cylinders. Heights as the dig overlay
 * draws them: ground at 0, depths below it.
 */
import {
  Cartesian2, Cartesian3, Color, ColorMaterialProperty, CornerType, PolygonHierarchy, type Entity, type EntityCollection,
} from 'cesium';
import type { DigWork, PitWork } from '../core/screening/digWorks';

const WORK_ALPHA = 0.3;
const TUBE_SIDES = 12;
/** Drawn depth of a pit given by bottom elevation only (the viewer does not know the ground there), m. */
const UNKNOWN_PIT_DEPTH_M = 2;

const fill = (): ColorMaterialProperty => new ColorMaterialProperty(Color.WHITE.withAlpha(WORK_ALPHA));

function pitShape(entities: EntityCollection, p: PitWork): Entity {
  const ring = (r: [number, number][]): Cartesian3[] => r.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0));
  return entities.add({
    polygon: {
      hierarchy: new PolygonHierarchy(ring(p.footprint), (p.holes ?? []).map((h) => new PolygonHierarchy(ring(h)))),
      height: 0, extrudedHeight: -(p.depth ?? UNKNOWN_PIT_DEPTH_M), material: fill(), outline: true, outlineColor: Color.WHITE,
    },
  });
}

function tubeShape(radius: number): Cartesian2[] {
  return Array.from({ length: TUBE_SIDES }, (_, i) => {
    const a = (2 * Math.PI * i) / TUBE_SIDES;
    return new Cartesian2(radius * Math.cos(a), radius * Math.sin(a));
  });
}

/** Adds the entities of one work; the caller removes them. */
export function addWorkShape(entities: EntityCollection, w: DigWork): Entity[] {
  switch (w.kind) {
    case 'open_cut': return [pitShape(entities, w)];
    case 'trench': {
      const deepest = w.depths ? Math.max(...w.depths) : w.depth ?? 0;
      return [entities.add({
        corridor: {
          positions: w.centreLine.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0)), width: w.width,
          height: 0, extrudedHeight: -deepest, cornerType: CornerType.MITERED, material: fill(), outline: true, outlineColor: Color.WHITE,
        },
      })];
    }
    case 'bore':
      return [
        entities.add({
          polylineVolume: {
            positions: w.path.map(([lon, lat, depth]) => Cartesian3.fromDegrees(lon, lat, -depth)),
            shape: tubeShape(w.reamerDiameter / 2), material: fill(),
          },
        }),
        ...(w.entryPit ? [pitShape(entities, w.entryPit)] : []),
        ...(w.exitPit ? [pitShape(entities, w.exitPit)] : []),
      ];
    case 'piles':
      return w.points.map(([lon, lat]) => entities.add({
        position: Cartesian3.fromDegrees(lon, lat, -w.depth / 2),
        cylinder: { length: w.depth, topRadius: w.diameter / 2, bottomRadius: w.diameter / 2, material: fill(), outline: true, outlineColor: Color.WHITE },
      }));
  }
}
