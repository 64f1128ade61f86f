/**
 * Taps and clicks on the city: while a dig is being drawn they add its corners (on the ground
 * surface); otherwise they pick a line, also underground, and report the cover at the tapped point.
 * Cesium's ScreenSpaceEventHandler turns a touch tap into LEFT_CLICK, so touch works the same.
 */
import {
  Cartesian2, Cartographic, Math as CesiumMath, ScreenSpaceEventHandler, ScreenSpaceEventType, SceneTransforms, type Viewer,
} from 'cesium';
import type { LonLat } from '../store/viewStore';
import { isLinePick, type LinePick } from './networkLayers';

/** A finger is wider than a mouse: pick within this many pixels. */
const PICK_BOX_PX = 12;

export interface InteractionCallbacks {
  isDrawing(): boolean;
  addCorner(corner: LonLat): void;
  picked(pick: LinePick | null, coverHere: number | null): void;
}

export function attachInteraction(viewer: Viewer, callbacks: InteractionCallbacks): () => void {
  const handler = new ScreenSpaceEventHandler(viewer.scene.canvas);
  handler.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
    if (callbacks.isDrawing()) {
      const ground = viewer.camera.pickEllipsoid(event.position, viewer.scene.globe.ellipsoid);
      if (!ground) return;
      const c = Cartographic.fromCartesian(ground);
      callbacks.addCorner([CesiumMath.toDegrees(c.longitude), CesiumMath.toDegrees(c.latitude)]);
      return;
    }
    const picked = viewer.scene.pick(event.position, PICK_BOX_PX, PICK_BOX_PX) as { id?: unknown } | undefined;
    if (picked && isLinePick(picked.id)) {
      callbacks.picked(picked.id, coverAtScreenPoint(viewer, picked.id, event.position));
    } else {
      callbacks.picked(null, null);
    }
  }, ScreenSpaceEventType.LEFT_CLICK);
  return () => handler.destroy();
}

const scratchA = new Cartesian2();
const scratchB = new Cartesian2();

/**
 * The cover where the person tapped: the line's vertices are projected to the screen, the tap is
 * located on the nearest projected segment, and the cover is interpolated between its vertices.
 */
export function coverAtScreenPoint(viewer: Viewer, pick: LinePick, tap: Cartesian2): number | null {
  let best = Infinity;
  let cover: number | null = null;
  for (let i = 0; i + 1 < pick.positions.length; i++) {
    const a = SceneTransforms.worldToWindowCoordinates(viewer.scene, pick.positions[i]!, scratchA);
    const b = SceneTransforms.worldToWindowCoordinates(viewer.scene, pick.positions[i + 1]!, scratchB);
    if (!a || !b) continue;
    const dx = b.x - a.x, dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((tap.x - a.x) * dx + (tap.y - a.y) * dy) / len2)) : 0;
    const d = Math.hypot(a.x + t * dx - tap.x, a.y + t * dy - tap.y);
    if (d < best) {
      best = d;
      cover = pick.cover[i]! + t * (pick.cover[i + 1]! - pick.cover[i]!);
    }
  }
  return cover;
}
