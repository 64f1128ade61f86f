/**
 * The site's meshes, in local metres relative to the frame's origin (siteFrame.ts): each work's
 * screened volume from the kernels' own pieces (volume.ts: open-cut and pit prisms with their holes,
 * trench boxes and joints, bore capsules, pile cylinders), the lines as tubes of their true section
 * (siteGeometry.ts lineTubes), each listed line's tolerance zone, the ground with the dig's opening
 * cut out (a stencil of the pieces' plan shapes: no polygon union needed) and a depth scale.
 */
import {
  AlwaysStencilFunc, BoxGeometry, BufferGeometry, CanvasTexture, CapsuleGeometry, CircleGeometry, Color, CylinderGeometry, DoubleSide, EdgesGeometry,
  ExtrudeGeometry, Float32BufferAttribute, Group, LineBasicMaterial, LineSegments, Matrix4, Mesh, MeshBasicMaterial, MeshLambertMaterial,
  NotEqualStencilFunc, PlaneGeometry, Quaternion, ReplaceStencilOp, Shape, ShapeGeometry, SphereGeometry, Sprite, SpriteMaterial, Vector2, Vector3,
  type Material,
} from 'three';
import { utilityColour, VERDICT_COLOURS, type ColourScheme } from '../core/colours';
import type { Piece } from '../core/screening/volume';
import { lineTubes, toleranceRadius, type TubeSegment } from '../core/site/siteGeometry';
import type { SiteFrame } from './siteFrame';
import type { SiteLine, SiteModel } from './siteModel';
import type { SiteT } from './siteWords';

const WORK_OPACITY = 0.22;
const ZONE_OPACITY = 0.3;
const GROUND_OPACITY = 0.35;
const GROUND_COLOUR = 0x8d6e63;
const SIDES = 16;
const UP = new Vector3(0, 0, 1);
const Y = new Vector3(0, 1, 0);

const PILE_SIDES = 24;
const CAP_SEGMENTS = 4;
/** three's default for a Shape's arcs (the ground's opening over a pile). */
const ARC_SEGMENTS = 12;

const unitCylinder = new CylinderGeometry(1, 1, 1, SIDES, 1, true);
const unitBox = new BoxGeometry(1, 1, 1);
const unitSphere = new SphereGeometry(1, SIDES, 8);

/**
 * How much to widen a faceted round shape so that its facets hold the true one: 1 / the least
 * distance from its core (a centre, or an axis's two ends) to the plane of any of its triangles.
 * A faceted circle's corners lie on the circle, so its sides are cos(π / segments) inside it; what
 * is drawn as "the outside" of something (a zone, a pipe, a bore, a pile) must not be smaller than
 * what was screened (review14: a 16-sided zone was 2 % thin between its corners).
 */
export function facetScale(geometry: BufferGeometry, core: readonly Vector3[]): number {
  const pos = geometry.getAttribute('position'), index = geometry.getIndex();
  const count = index ? index.count : pos.count;
  const at = (i: number) => new Vector3().fromBufferAttribute(pos, index ? index.getX(i) : i);
  let least = Infinity;
  for (let t = 0; t + 2 < count; t += 3) {
    const a = at(t), b = at(t + 1), c = at(t + 2);
    const n = new Vector3().crossVectors(b.clone().sub(a), c.clone().sub(a));
    if (n.lengthSq() < 1e-18) continue; // a pole's degenerate triangle
    n.normalize();
    for (const p of core) least = Math.min(least, Math.abs(n.dot(p.clone().sub(a))));
  }
  return 1 / least;
}

const AXIS_ENDS = [new Vector3(0, -0.5, 0), new Vector3(0, 0.5, 0)];
/** 1 / cos(π / SIDES). */
const CYLINDER_OUT = facetScale(unitCylinder, AXIS_ENDS);
const SPHERE_OUT = facetScale(unitSphere, [new Vector3()]);
const CAPSULE_OUT = facetScale(new CapsuleGeometry(1, 1, CAP_SEGMENTS, SIDES), AXIS_ENDS);
const PILE_OUT = 1 / Math.cos(Math.PI / PILE_SIDES);
const ARC_OUT = 1 / Math.cos(Math.PI / ARC_SEGMENTS);

/** A prism's rings (outer first, then holes) in absolute local coordinates, traced along `next`. */
function prismRings(piece: Extract<Piece, { shape: 'prism' }>): Vector2[][] {
  const p = piece.prism, seen = new Set<number>(), rings: Vector2[][] = [];
  for (let start = 0; start < p.vertexCount; start++) {
    if (seen.has(start)) continue;
    const ring: Vector2[] = [];
    for (let i = start; !seen.has(i); i = p.next[i]!) { seen.add(i); ring.push(new Vector2(p.originX + p.xs[i]!, p.originY + p.ys[i]!)); }
    rings.push(ring);
  }
  return rings;
}

/** The plan shape of a piece relative to the origin (the opening in the ground); null for a bore leg. */
function planShape(frame: SiteFrame, piece: Piece): Shape | null {
  const rel = (v: Vector2) => new Vector2(v.x - frame.originX, v.y - frame.originY);
  switch (piece.shape) {
    case 'prism': {
      const [outer, ...holes] = prismRings(piece).map((r) => r.map(rel));
      const shape = new Shape(outer);
      for (const h of holes) shape.holes.push(new Shape(h));
      return shape;
    }
    case 'convex': {
      const c = piece.convex;
      return new Shape(Array.from({ length: c.vertexCount }, (_, i) => new Vector2(c.originX + c.xs[i]! - frame.originX, c.originY + c.ys[i]! - frame.originY)));
    }
    case 'cylinder': {
      const c = piece.cylinder, shape = new Shape();
      shape.absarc(c.centreX - frame.originX, c.centreY - frame.originY, c.radius * ARC_OUT, 0, 2 * Math.PI, false);
      return shape;
    }
    case 'capsule': return null;
  }
}

/** A convex prism with a sloped bottom: top and bottom fans and the walls. */
function convexGeometry(frame: SiteFrame, piece: Extract<Piece, { shape: 'convex' }>): BufferGeometry {
  const c = piece.convex, n = c.vertexCount;
  const top = (i: number) => frame.rel(c.originX + c.xs[i]!, c.originY + c.ys[i]!, c.topZ);
  const bottom = (i: number) => frame.rel(c.originX + c.xs[i]!, c.originY + c.ys[i]!, c.bottomAt[i]!);
  const tris: Vector3[] = [];
  for (let i = 1; i + 1 < n; i++) tris.push(top(0), top(i), top(i + 1), bottom(0), bottom(i + 1), bottom(i));
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    tris.push(bottom(i), bottom(j), top(j), bottom(i), top(j), top(i));
  }
  const g = new BufferGeometry();
  g.setAttribute('position', new Float32BufferAttribute(tris.flatMap((v) => [v.x, v.y, v.z]), 3));
  g.computeVertexNormals();
  return g;
}

/** A mesh of `geometry` placed along from → to (its local y axis), scaled across by (sx, sz). */
function along(geometry: BufferGeometry, material: Material, from: Vector3, to: Vector3, sx: number, sz: number): Mesh {
  const dir = to.clone().sub(from);
  const length = dir.length();
  dir.normalize();
  const mesh = new Mesh(geometry, material);
  // Local y along the axis; local z (a duct's height) as near to up as the axis allows.
  let x = new Vector3().crossVectors(dir, UP);
  if (x.lengthSq() < 1e-12) x = new Vector3(1, 0, 0);
  x.normalize();
  const z = new Vector3().crossVectors(x, dir).normalize();
  mesh.quaternion.setFromRotationMatrix(new Matrix4().makeBasis(x, dir, z));
  mesh.position.copy(from).add(to).multiplyScalar(0.5);
  mesh.scale.set(sx, length, sz);
  return mesh;
}

function pieceMesh(frame: SiteFrame, piece: Piece, material: Material): Mesh {
  switch (piece.shape) {
    case 'prism': {
      const p = piece.prism;
      const g = new ExtrudeGeometry(planShape(frame, piece)!, { depth: p.topZ - p.bottomZ, bevelEnabled: false });
      g.translate(0, 0, p.bottomZ - frame.originZ);
      return new Mesh(g, material);
    }
    case 'convex': return new Mesh(convexGeometry(frame, piece), material);
    case 'cylinder': {
      const c = piece.cylinder;
      const g = new CylinderGeometry(c.radius * PILE_OUT, c.radius * PILE_OUT, c.topZ - c.bottomZ, PILE_SIDES).rotateX(Math.PI / 2);
      g.translate(c.centreX - frame.originX, c.centreY - frame.originY, (c.topZ + c.bottomZ) / 2 - frame.originZ);
      return new Mesh(g, material);
    }
    case 'capsule': {
      const c = piece.capsule;
      const from = frame.rel(c.originX, c.originY, c.originZ), to = frame.rel(c.originX + c.ax, c.originY + c.ay, c.originZ + c.az);
      const length = from.distanceTo(to);
      const mesh = new Mesh(new CapsuleGeometry(c.radius * CAPSULE_OUT, length, CAP_SEGMENTS, SIDES), material);
      mesh.quaternion.copy(new Quaternion().setFromUnitVectors(Y, to.clone().sub(from).normalize()));
      mesh.position.copy(from).add(to).multiplyScalar(0.5);
      return mesh;
    }
  }
}

/** The works' volumes, translucent white with white edges (APWA: proposed excavation). */
export function workMeshes(frame: SiteFrame, model: SiteModel): Group {
  const group = new Group();
  const fill = new MeshLambertMaterial({ color: 0xffffff, transparent: true, opacity: WORK_OPACITY, depthWrite: false, side: DoubleSide });
  const edges = new LineBasicMaterial({ color: 0xffffff });
  for (const volume of model.volumes) {
    for (const piece of volume.pieces) {
      const mesh = pieceMesh(frame, piece, fill);
      mesh.renderOrder = 2;
      const outline = new LineSegments(new EdgesGeometry(mesh.geometry, 30), edges);
      outline.position.copy(mesh.position);
      outline.quaternion.copy(mesh.quaternion);
      group.add(mesh, outline);
    }
  }
  return group;
}

function tubeMesh(frame: SiteFrame, t: TubeSegment, material: Material): Mesh {
  const from = frame.rel(...t.from), to = frame.rel(...t.to);
  return t.shape === 'circle'
    ? along(unitCylinder, material, from, to, t.radius * CYLINDER_OUT, t.radius * CYLINDER_OUT)
    : along(unitBox, material, from, to, t.width, t.height);
}

/** A ball of radius `r` (its facets outside it) at a local-frame point. */
function ball(frame: SiteFrame, at: readonly [number, number, number], r: number, material: Material): Mesh {
  const m = new Mesh(unitSphere, material);
  m.position.copy(frame.rel(...at));
  m.scale.setScalar(r * SPHERE_OUT);
  return m;
}

/**
 * Each line as tubes of its true section in its utility's colour, and for a listed line its
 * tolerance zone (radius + tolerance, verdicts.ts) in its verdict's colour: what the screening
 * measures, a capsule about each segment, so a tube per segment and a ball at every vertex, the
 * line's ends included (review14: the ends had none, and the zone stopped square at the last vertex). Every mesh of a line
 * (pipe and zone) carries `userData.key`, so a tap on either picks the line; a zone's also
 * `userData.zone`, so a pipe seen through another line's zone is picked before that zone.
 */
export function lineMeshes(frame: SiteFrame, lines: readonly SiteLine[], scheme: ColourScheme): { group: Group; pickable: Mesh[] } {
  const group = new Group(), pickable: Mesh[] = [];
  const pipeMaterials = new Map<string, Material>();
  const zoneMaterials = new Map<string, Material>();
  for (const line of lines) {
    const u = line.link.utility;
    let pipe = pipeMaterials.get(u);
    if (!pipe) pipeMaterials.set(u, (pipe = new MeshLambertMaterial({ color: new Color(...utilityColour(scheme, u).map((c) => c / 255) as [number, number, number]) })));
    const tubes = lineTubes(line.link.vertices, line.link.section);
    const meshes = tubes.map((t) => tubeMesh(frame, t, pipe));
    // Round joints for round pipes, so bends show no gaps.
    for (let i = 1; i < tubes.length; i++) {
      const t = tubes[i]!;
      if (t.shape === 'circle') meshes.push(ball(frame, t.from, t.radius, pipe));
    }
    const row = line.row;
    if (row) {
      let zone = zoneMaterials.get(row.verdict);
      if (!zone) zoneMaterials.set(row.verdict, (zone = new MeshBasicMaterial({ color: VERDICT_COLOURS[row.verdict], transparent: true, opacity: ZONE_OPACITY, depthWrite: false })));
      const r = toleranceRadius(line.link.section, row.tolerance);
      const zoneMeshes = tubes.map((t) => along(unitCylinder, zone, frame.rel(...t.from), frame.rel(...t.to), r * CYLINDER_OUT, r * CYLINDER_OUT));
      if (tubes.length > 0) zoneMeshes.push(...[...tubes.map((t) => t.from), tubes[tubes.length - 1]!.to].map((v) => ball(frame, v, r, zone)));
      for (const z of zoneMeshes) {
        z.renderOrder = 1;
        z.userData['zone'] = true;
        meshes.push(z);
      }
    }
    for (const m of meshes) { m.userData['key'] = line.key; pickable.push(m); group.add(m); }
  }
  return { group, pickable };
}

/** The ground: a translucent plane over the site box, with the works' plan shapes cut out through the stencil. */
export function groundMeshes(frame: SiteFrame, model: SiteModel): Group {
  const group = new Group();
  const b = model.box, z = model.groundZ - frame.originZ;
  const opening = new MeshBasicMaterial({
    colorWrite: false, depthWrite: false, side: DoubleSide,
    stencilWrite: true, stencilRef: 1, stencilFunc: AlwaysStencilFunc, stencilZPass: ReplaceStencilOp,
  });
  for (const volume of model.volumes) {
    for (const piece of volume.pieces) {
      const shape = planShape(frame, piece);
      if (!shape) continue;
      const mesh = new Mesh(new ShapeGeometry(shape), opening);
      mesh.position.z = z;
      mesh.renderOrder = -1;
      group.add(mesh);
    }
  }
  const ground = new Mesh(new PlaneGeometry(b.maxX - b.minX, b.maxY - b.minY), new MeshLambertMaterial({
    color: GROUND_COLOUR, transparent: true, opacity: GROUND_OPACITY, depthWrite: false, side: DoubleSide,
    stencilWrite: true, stencilRef: 1, stencilFunc: NotEqualStencilFunc,
  }));
  ground.position.copy(frame.rel((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, model.groundZ));
  ground.renderOrder = 3;
  group.add(ground);
  return group;
}

function label(text: string, heightM: number): Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 128; canvas.height = 48;
  const ctx = canvas.getContext('2d')!;
  ctx.font = 'bold 30px system-ui, sans-serif';
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 4, 24);
  const sprite = new Sprite(new SpriteMaterial({ map: new CanvasTexture(canvas), depthTest: false }));
  sprite.scale.set(heightM * 128 / 48, heightM, 1);
  return sprite;
}

/** A depth scale at the site box's south-west corner: a tick and a label every metre below the ground. */
export function depthScale(frame: SiteFrame, model: SiteModel, t: SiteT): Group {
  const group = new Group();
  const x = model.box.minX, y = model.box.minY;
  // Down to a metre below the deepest work.
  const deepest = Math.ceil(model.groundZ - Math.min(...model.volumes.map((v) => v.bounds.minZ))) + 1;
  const points: Vector3[] = [frame.rel(x, y, model.groundZ), frame.rel(x, y, model.groundZ - deepest)];
  for (let d = 0; d <= deepest; d++) {
    points.push(frame.rel(x, y, model.groundZ - d), frame.rel(x + 0.5, y, model.groundZ - d));
    const l = label(t('site.metres', { m: d }), 0.5);
    l.position.copy(frame.rel(x + 1.6, y, model.groundZ - d));
    group.add(l);
  }
  group.add(new LineSegments(new BufferGeometry().setFromPoints(points), new LineBasicMaterial({ color: 0xffffff })));
  return group;
}
