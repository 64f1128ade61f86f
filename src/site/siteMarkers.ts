/**
 * What moves in the site view, in local metres relative to the frame's origin (siteFrame.ts): the
 * cross-section's plane (a translucent vertical sheet where the section is cut, moved by the section's
 * slider) and the user's position (a pin at the ground with the position's accuracy as a disc).
 */
import {
  BufferGeometry, CircleGeometry, CylinderGeometry, DoubleSide, Float32BufferAttribute, Group, LineBasicMaterial, LineLoop, Mesh,
  MeshBasicMaterial, SphereGeometry,
} from 'three';
import type { SlicePlane } from '../core/site/crossSection';
import type { SiteFrame } from './siteFrame';
import type { SiteModel } from './siteModel';
import type { UserFix } from './userPosition';

const SECTION_COLOUR = 0x4dd0e1;
const USER_COLOUR = 0x2979ff;
/** The pin stands this high above the ground, m: seen over the works' tops (1 m above ground). */
const PIN_HEIGHT_M = 2.5;

/** The section's sheet: s from −halfLength to +halfLength along the slice, from above the ground to below the deepest work. */
export class SectionSheet {
  readonly group = new Group();
  private readonly fill: Mesh;
  private readonly edge: LineLoop;
  private readonly top: number;
  private readonly bottom: number;

  constructor(private readonly frame: SiteFrame, model: SiteModel) {
    this.top = model.groundZ + 1;
    this.bottom = Math.min(...model.volumes.map((v) => v.bounds.minZ)) - 1;
    const fill = new BufferGeometry();
    fill.setAttribute('position', new Float32BufferAttribute(new Float32Array(12), 3));
    fill.setIndex([0, 1, 2, 0, 2, 3]);
    this.fill = new Mesh(fill, new MeshBasicMaterial({ color: SECTION_COLOUR, transparent: true, opacity: 0.18, depthWrite: false, side: DoubleSide }));
    this.fill.renderOrder = 5;
    const edge = new BufferGeometry();
    edge.setAttribute('position', new Float32BufferAttribute(new Float32Array(12), 3));
    this.edge = new LineLoop(edge, new LineBasicMaterial({ color: SECTION_COLOUR }));
    this.group.add(this.fill, this.edge);
  }

  /** Puts the sheet in `plane`. */
  place(plane: SlicePlane): void {
    const h = plane.halfLength, corners = [[-h, this.top], [h, this.top], [h, this.bottom], [-h, this.bottom]] as const;
    const xyz = corners.flatMap(([s, z]) => this.frame.rel(plane.ox + s * plane.ux, plane.oy + s * plane.uy, z).toArray());
    for (const mesh of [this.fill, this.edge]) {
      const a = mesh.geometry.getAttribute('position') as Float32BufferAttribute;
      a.set(xyz);
      a.needsUpdate = true;
      mesh.geometry.computeBoundingSphere();
    }
  }
}

/** The user's pin and accuracy disc; hidden until a position comes. */
export class UserMarker {
  readonly group = new Group();
  private readonly disc: Mesh;
  private readonly ring: LineLoop;

  constructor(private readonly frame: SiteFrame, private readonly groundZ: number) {
    const material = new MeshBasicMaterial({ color: USER_COLOUR });
    const pin = new Mesh(new CylinderGeometry(0.08, 0.08, PIN_HEIGHT_M, 12), material);
    pin.rotation.x = Math.PI / 2; // three's cylinder stands on y; the frame's up is z
    pin.position.z = PIN_HEIGHT_M / 2;
    const head = new Mesh(new SphereGeometry(0.3, 16, 8), material);
    head.position.z = PIN_HEIGHT_M;
    this.disc = new Mesh(new CircleGeometry(1, 48), new MeshBasicMaterial({ color: USER_COLOUR, transparent: true, opacity: 0.25, depthWrite: false, side: DoubleSide }));
    this.disc.renderOrder = 4;
    this.ring = new LineLoop(new BufferGeometry().setFromPoints(Array.from({ length: 48 }, (_, i) => {
      const a = (2 * Math.PI * i) / 48;
      return frame.rel(frame.originX + Math.cos(a), frame.originY + Math.sin(a), frame.originZ);
    })), new LineBasicMaterial({ color: USER_COLOUR }));
    this.group.add(pin, head, this.disc, this.ring);
    this.group.visible = false;
  }

  place(fix: UserFix | null): void {
    this.group.visible = fix !== null;
    if (!fix) return;
    this.group.position.copy(this.frame.rel(fix.x, fix.y, this.groundZ + 0.02));
    const r = Math.max(0.1, fix.accuracy);
    this.disc.scale.set(r, r, 1);
    this.ring.scale.set(r, r, 1);
  }
}
