/**
 * The two unit shapes every instance is drawn from, in glTF's own frame (y up, right-handed):
 * both are centred on the origin with their long axis along +X, one unit long, and one unit across
 * in Y and Z. An instance's SCALE is therefore (length, height, width): for a round pipe
 * (length, diameter, diameter), for a duct (length, height, width). See instancedPipes.ts for the
 * rotation that lays +X along a segment.
 *
 * Triangles wind counter-clockwise seen from outside (glTF 2.0 §3.7.2.1), normals point outward.
 */

export interface UnitMesh {
  positions: Float32Array;
  normals: Float32Array;
  indices: Uint16Array;
}

/**
 * Sides of the unit cylinder. Every instance runs the vertex shader once per vertex, and under
 * software WebGL (and on a tablet) a frame of the city costs about its instances × vertices, so the
 * cylinder is 8 sides on one shared pair of rings: 16 vertices, 28 triangles (12 sides with separate
 * cap vertices were 48 vertices, 44 triangles). Measured in bench/flythrough.ts (src/core/tiles/README.md).
 */
export const CYLINDER_SIDES = 8;
/**
 * Axial part of the vertex normals (the radial part is 1, then normalised): the caps share the side
 * rings, so each ring vertex leans its normal out of the end it closes, like a rounded pipe end.
 * Small, so the side shading and the shader's minimum-width push (along the normal) stay radial.
 */
const CAP_NORMAL_LEAN = 0.5;

/** Unit cylinder along +X: x ∈ [−0.5, 0.5], radius 0.5, closed at both ends. */
export function unitCylinder(sides = CYLINDER_SIDES): UnitMesh {
  const positions: number[] = [];
  const normals: number[] = [];
  const indices: number[] = [];
  const ring = (k: number) => (2 * Math.PI * k) / sides;
  const len = Math.hypot(1, CAP_NORMAL_LEAN);
  // Two rings; angle a turns from +Y towards +Z. Normals point out radially, leaning out of their end.
  for (const [x, nx] of [[-0.5, -1], [0.5, 1]] as const) {
    for (let k = 0; k < sides; k++) {
      const a = ring(k);
      const y = Math.cos(a), z = Math.sin(a);
      positions.push(x, 0.5 * y, 0.5 * z);
      normals.push((nx * CAP_NORMAL_LEAN) / len, y / len, z / len);
    }
  }
  for (let k = 0; k < sides; k++) {
    const k1 = (k + 1) % sides;
    const a0 = k, a1 = k1, b0 = sides + k, b1 = sides + k1;
    // Radial face normal (0, cos a, sin a); the quad a0 → b0 → b1 → a1 is counter-clockwise seen from outside.
    indices.push(a0, a1, b1, a0, b1, b0);
  }
  // Caps fanned from each ring's first vertex. The ring turns from +Y to +Z, counter-clockwise
  // about +X: keep that order for the +X cap, reverse it for the −X cap.
  for (let k = 1; k < sides - 1; k++) {
    indices.push(0, k + 1, k);
    indices.push(sides, sides + k, sides + k + 1);
  }
  return { positions: new Float32Array(positions), normals: new Float32Array(normals), indices: new Uint16Array(indices) };
}

/** Unit box centred on the origin, 24 vertices so each face has its own normal. */
export function unitBox(): UnitMesh {
  const positions: number[] = [];
  const normals: number[] = [];
  const indices: number[] = [];
  // Each face: normal n and two in-plane axes u, v with u × v = n, so (−u−v, u−v, u+v, −u+v) is counter-clockwise.
  const faces: [number[], number[], number[]][] = [
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    [[-1, 0, 0], [0, 0, 1], [0, 1, 0]],
    [[0, 1, 0], [0, 0, 1], [1, 0, 0]],
    [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
    [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
    [[0, 0, -1], [0, 1, 0], [1, 0, 0]],
  ];
  for (const [n, u, v] of faces) {
    const base = positions.length / 3;
    for (const [su, sv] of [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const) {
      positions.push(0.5 * (n[0]! + su * u[0]! + sv * v[0]!), 0.5 * (n[1]! + su * u[1]! + sv * v[1]!), 0.5 * (n[2]! + su * u[2]! + sv * v[2]!));
      normals.push(n[0]!, n[1]!, n[2]!);
    }
    indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return { positions: new Float32Array(positions), normals: new Float32Array(normals), indices: new Uint16Array(indices) };
}
