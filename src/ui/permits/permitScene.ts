/**
 * A permit in the 3D city: its footprint becomes the dig on screen (the view store's dig, drawn by
 * the DigOverlay as for any dig), or its work list becomes the works draft's works (drawn by main.ts
 * drawWorks through DigOverlay.setWorks, as the dig panel's works are); its screened lines are lit by verdict, the camera frames the site,
 * and a snapshot of the canvas goes on the printed permit.
 */
import { BoundingSphere, Cartesian3, HeadingPitchRange, Math as CesiumMath, Matrix4, type Viewer } from 'cesium';
import type { ScreenedLine } from '../../core/digScreening';
import { isWorkList, type PermitWorks } from '../../protocol/permitApi';
import type { LonLat, ViewStore } from '../../store/viewStore';
import type { WorkDraftStore } from '../workDraft';
import { permitPoints } from './permitWorks';

/** Margin around the footprint when the camera frames a site, m (the lines around it matter too). */
const SITE_MARGIN_M = 20;
/** Looking down at the site at this pitch, from this many times its radius. */
const SITE_PITCH_DEG = -50;
const SITE_RANGE_FACTOR = 3;
const FLIGHT_SECONDS = 0.6;

export interface PermitSceneDeps {
  viewer: Viewer;
  store: ViewStore;
  /** The works draft main.ts draws (the dig panel's): a permit's work list is shown as its works. */
  draft: WorkDraftStore;
  /** Lights screened lines by verdict in 3D (overlay and tile colours: main.ts setHighlights). */
  setHighlights(lines: readonly ScreenedLine[]): void;
}

function siteSphere(footprint: readonly LonLat[]): BoundingSphere {
  const points = footprint.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0));
  const sphere = BoundingSphere.fromPoints(points);
  sphere.radius += SITE_MARGIN_M;
  return sphere;
}

function siteOffset(sphere: BoundingSphere): HeadingPitchRange {
  return new HeadingPitchRange(0, CesiumMath.toRadians(SITE_PITCH_DEG), sphere.radius * SITE_RANGE_FACTOR);
}

export class PermitScene {
  constructor(private readonly deps: PermitSceneDeps) {}

  /** Puts the permit's dig on screen (not drawing), lights its screened lines and flies to it. */
  show(works: PermitWorks, lines: readonly ScreenedLine[] | null, fly: boolean): void {
    const { store, viewer, draft } = this.deps;
    // Setting the dig or the works clears any earlier highlights (main.ts voids a result when they change): light ours after.
    if (isWorkList(works)) {
      draft.setState({ kind: 'open_cut', works: works.works, vertexDepths: [] });
      store.setState({ dig: { ...store.getState().dig, drawing: false, corners: [] } });
    } else {
      draft.setState({ kind: 'open_cut', works: [], vertexDepths: [] });
      store.setState({ dig: { drawing: false, corners: works.footprint.map(([lon, lat]) => [lon, lat] as LonLat), depth: works.depth } });
    }
    this.highlight(lines ?? []);
    const points = permitPoints(works);
    if (fly && points.length >= 1) {
      const sphere = siteSphere(points);
      viewer.camera.flyToBoundingSphere(sphere, { offset: siteOffset(sphere), duration: FLIGHT_SECONDS });
    }
  }

  highlight(lines: readonly ScreenedLine[]): void {
    this.deps.setHighlights(lines);
  }

  /**
   * A PNG of the site: the camera is put over it (no flight), one frame is rendered and read back in
   * that frame's postRender, so the picture is of this view whatever the drawing buffer keeps.
   */
  snapshot(works: PermitWorks): Promise<string> {
    const { viewer } = this.deps;
    const scene = viewer.scene;
    const sphere = siteSphere(permitPoints(works));
    viewer.camera.viewBoundingSphere(sphere, siteOffset(sphere));
    // viewBoundingSphere leaves the camera locked on the sphere: unlock it so the person can move again.
    viewer.camera.lookAtTransform(Matrix4.IDENTITY);
    return new Promise((resolve) => {
      const remove = scene.postRender.addEventListener(() => {
        remove();
        resolve(scene.canvas.toDataURL('image/png'));
      });
      scene.requestRender();
    });
  }
}
