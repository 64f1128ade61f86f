/**
 * The one place the site view goes between the project's local frame (crs.ts: x east, y north,
 * z up, metres) and three.js's y-up world. Everything is built in local metres relative to the
 * site's origin (the site box's centre, at the ground: small numbers, so float32 vertex buffers keep
 * a tenth of a millimetre) inside `root`, whose rotation turns z-up into y-up:
 *   three (x, y, z) = (east, up, −north)     (a rotation of −90° about x: right-handed both ways)
 */
import { Group, Vector3 } from 'three';

export class SiteFrame {
  /** Parent of every mesh of the site; its children use local metres relative to the origin. */
  readonly root = new Group();

  constructor(readonly originX: number, readonly originY: number, readonly originZ: number) {
    this.root.rotation.x = -Math.PI / 2;
    this.root.updateMatrixWorld(true);
  }

  /** Local frame → a position inside `root`. */
  rel(x: number, y: number, z: number): Vector3 {
    return new Vector3(x - this.originX, y - this.originY, z - this.originZ);
  }

  /** Local frame → three's world (for the camera, which lives outside `root`). */
  toWorld(x: number, y: number, z: number): Vector3 {
    return this.rel(x, y, z).applyMatrix4(this.root.matrixWorld);
  }

  /** three's world → local frame. */
  fromWorld(v: Vector3): [number, number, number] {
    const p = this.root.worldToLocal(v.clone());
    return [p.x + this.originX, p.y + this.originY, p.z + this.originZ];
  }
}
