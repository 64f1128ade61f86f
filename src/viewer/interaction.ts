/**
 * Taps and clicks on the city: while a dig is being drawn they add its corners (on the ground
 * surface); otherwise they pick a line or a fitting (a tile feature, or a fallback polyline), also
 * underground, and report the cover at the tapped point. Cesium's ScreenSpaceEventHandler turns a
 * touch tap into LEFT_CLICK, so touch works the same. Hover (a tint under the mouse) is for fine
 * pointers only: a touch screen has no hover, and nothing depends on it.
 */
import {
  Cartesian2, Cartographic, Math as CesiumMath, ScreenSpaceEventHandler, ScreenSpaceEventType, SceneTransforms, type Viewer,
} from 'cesium';
import type { LonLat } from '../store/viewStore';
import { isLinePick, type LineLookup, type LinePick } from './lineIndex';

/** A finger is wider than a mouse: pick within this many pixels. */
const PICK_BOX_PX = 12;

/** What a tap found: a line (by id, for /api/links/{id}) or a fitting with its attributes. */
export type ScenePick = { kind: 'link'; linkId: string } | { kind: 'fitting'; properties: Record<string, string> };

export interface InteractionCallbacks {
  isDrawing(): boolean;
  addCorner(corner: LonLat): void;
  picked(pick: ScenePick | null, coverHere: number | null): void;
  /** Turns what scene.pick returned into a pick (tile features); polylines carry a LinePick id. */
  resolve(picked: unknown): ScenePick | null;
  /** The lines' geometry, for the cover at the tapped point. */
  lines(): LineLookup | null;
  /** Desktop hover over what scene.pick returned (undefined: nothing). */
  hover?(picked: unknown): void;
  hoverThrottleMs?: number;
}

export function attachInteraction(viewer: Viewer, callbacks: InteractionCallbacks): () => void {
  const handler = new ScreenSpaceEventHandler(viewer.scene.canvas);
  /** Taps so far: an answer that waits for a line's geometry is dropped when a later tap came. */
  let taps = 0;
  handler.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
    if (callbacks.isDrawing()) {
      const ground = viewer.camera.pickEllipsoid(event.position, viewer.scene.globe.ellipsoid);
      if (!ground) return;
      const c = Cartographic.fromCartesian(ground);
      callbacks.addCorner([CesiumMath.toDegrees(c.longitude), CesiumMath.toDegrees(c.latitude)]);
      return;
    }
    const tap = ++taps;
    const picked = viewer.scene.pick(event.position, PICK_BOX_PX, PICK_BOX_PX) as { id?: unknown } | undefined;
    const pick: ScenePick | null = picked && isLinePick(picked.id) ? picked.id : callbacks.resolve(picked);
    if (pick?.kind === 'link' && isLinePick(picked?.id)) {
      callbacks.picked(pick, coverAtScreenPoint(viewer, picked.id, event.position));
    } else if (pick?.kind === 'link') {
      // A tile feature: its line's geometry may have to come from the screening worker first.
      const lines = callbacks.lines();
      const at = Cartesian2.clone(event.position);
      void (lines ? lines.load([pick.linkId]) : Promise.resolve()).catch((e: Error) => console.error(e)).then(() => {
        if (tap !== taps) return; // a later tap has answered already
        const line = lines?.pickOf(pick.linkId);
        callbacks.picked(pick, line ? coverAtScreenPoint(viewer, line, at) : null);
      });
    } else {
      callbacks.picked(pick, null);
    }
  }, ScreenSpaceEventType.LEFT_CLICK);
  const hover = callbacks.hover;
  if (hover && typeof matchMedia === 'function' && matchMedia('(pointer: fine)').matches) {
    // One pick renders a pick frame: throttle, and pick only the latest mouse position.
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const at = new Cartesian2();
    handler.setInputAction((event: ScreenSpaceEventHandler.MotionEvent) => {
      Cartesian2.clone(event.endPosition, at);
      if (timer !== null) return;
      const wait = Math.max(0, last + (callbacks.hoverThrottleMs ?? 0) - performance.now());
      timer = setTimeout(() => {
        timer = null;
        last = performance.now();
        if (callbacks.isDrawing()) return;
        hover(viewer.scene.pick(at, PICK_BOX_PX / 2, PICK_BOX_PX / 2));
      }, wait);
    }, ScreenSpaceEventType.MOUSE_MOVE);
  }
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
