/**
 * From the project's local frame to the frame a tileset is drawn in.
 *
 * Frames:
 * - local: the project's transverse Mercator (crs.ts), x east, y north, metres; heights in metres.
 * - ECEF: WGS 84 earth-centred, earth-fixed, metres (what CesiumJS renders in).
 * - tileset frame: east-north-up at the project origin (lon, lat of the frame, height 0), metres,
 *   z up. The tileset's root `transform` is this frame's ENU→ECEF matrix, so every bounding box and
 *   every glTF content (after the glTF y-up → z-up turn, see instancedPipes.ts) is in it.
 *
 * Each vertex goes local → lon/lat (proj4 inverse) → ECEF → tileset frame, exactly. The ENU plane
 * is not the curved ground: 5 km from the origin the ellipsoid lies 2 m below it, and tmerc grid
 * north turns from ENU north by the meridian convergence. A shortcut that used local x, y, h as ENU
 * directly would misplace pipes by metres at the edge of a large city.
 *
 * Ellipsoid: WGS 84 (as CesiumJS). The local frame is defined on GRS80; the two differ by 0.1 mm in
 * the semi-minor axis, far below anything drawn.
 */
import { lonLatTransform, type LocalFrame } from '../crs';

export const WGS84_A = 6378137.0;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const DEG = Math.PI / 180;

/** Geodetic lon, lat (degrees), ellipsoidal height h (m) → ECEF (m), written to out[o..o+2]. */
export function geodeticToEcef(lonDeg: number, latDeg: number, h: number, out: Float64Array | number[], o = 0): void {
  const lon = lonDeg * DEG, lat = latDeg * DEG;
  const sinLat = Math.sin(lat), cosLat = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - E2 * sinLat * sinLat);
  out[o] = (n + h) * cosLat * Math.cos(lon);
  out[o + 1] = (n + h) * cosLat * Math.sin(lon);
  out[o + 2] = (n * (1 - E2) + h) * sinLat;
}

/** An east-north-up frame at a point: origin in ECEF and the three unit axes in ECEF. */
export interface EnuFrame {
  origin: [number, number, number];
  east: [number, number, number];
  north: [number, number, number];
  up: [number, number, number];
}

export function enuFrameAt(lonDeg: number, latDeg: number, h = 0): EnuFrame {
  const origin = [0, 0, 0] as [number, number, number];
  geodeticToEcef(lonDeg, latDeg, h, origin);
  const lon = lonDeg * DEG, lat = latDeg * DEG;
  const sLon = Math.sin(lon), cLon = Math.cos(lon), sLat = Math.sin(lat), cLat = Math.cos(lat);
  return {
    origin,
    east: [-sLon, cLon, 0],
    north: [-sLat * cLon, -sLat * sLon, cLat],
    up: [cLat * cLon, cLat * sLon, sLat],
  };
}

/** The ENU→ECEF matrix as 3D Tiles wants a tile `transform`: 16 numbers, column-major. */
export function enuToEcefMatrix(f: EnuFrame): number[] {
  return [...f.east, 0, ...f.north, 0, ...f.up, 0, ...f.origin, 1];
}

/** How a vertex's height is drawn. */
export type HeightReference =
  /** z − ground: the ellipsoid surface is ground level, every line at its true depth below it (what the viewer draws, cityViewer.ts). */
  | 'ground'
  /** z as an ellipsoidal height (only right where the vertical datum is close to the ellipsoid). */
  | 'elevation';

/**
 * Maps local-frame points to the tileset frame (ENU at the project origin). One per layer; not
 * thread-safe (scratch state), cheap to create.
 */
export class TilesetFrame {
  readonly enu: EnuFrame;
  private readonly fromLocal: (x: number, y: number) => [number, number];
  private readonly scratch = new Float64Array(3);

  constructor(readonly frame: LocalFrame) {
    this.enu = enuFrameAt(frame.originLon, frame.originLat, 0);
    this.fromLocal = lonLatTransform(frame).fromLocal;
  }

  /** ENU→ECEF, column-major, for the root tile's `transform`. */
  rootTransform(): number[] {
    return enuToEcefMatrix(this.enu);
  }

  /** Local (x, y) and height h (m) → tileset frame (east, north, up), written to out[o..o+2]. */
  toTileset(x: number, y: number, h: number, out: Float64Array | number[], o = 0): void {
    const [lon, lat] = this.fromLocal(x, y);
    const p = this.scratch;
    geodeticToEcef(lon, lat, h, p);
    const { origin, east, north, up } = this.enu;
    const dx = p[0]! - origin[0], dy = p[1]! - origin[1], dz = p[2]! - origin[2];
    out[o] = dx * east[0] + dy * east[1] + dz * east[2];
    out[o + 1] = dx * north[0] + dy * north[1] + dz * north[2];
    out[o + 2] = dx * up[0] + dy * up[1] + dz * up[2];
  }
}
