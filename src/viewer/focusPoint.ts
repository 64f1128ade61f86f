/**
 * Where the camera looks when a person focuses a screened line: the point on the drawn line nearest
 * (in plan) to the screening's closest point, at the height the line is drawn (z − ground, as every
 * layer is drawn). The screening's segment number counts from the whole line's start; a contractor's
 * map holds the line as pieces clipped to their sites, whose vertices do not share that numbering,
 * so the point is found on the pieces themselves rather than by index.
 */
import { Cartesian3, Cartographic } from 'cesium';
import type { LinePick } from './lineIndex';

const EARTH_RADIUS_M = 6_371_008.8;

/** The display point on any of `pieces` nearest in plan to (lon, lat) in degrees; null if none has a vertex. */
export function displayPointNear(pieces: readonly LinePick[], lon: number, lat: number): Cartesian3 | null {
  const lat0 = lat * Math.PI / 180;
  const lon0 = lon * Math.PI / 180;
  const east = EARTH_RADIUS_M * Math.cos(lat0);
  let best: { d2: number; lon: number; lat: number; height: number } | null = null;
  for (const piece of pieces) {
    const c = piece.positions.map((p) => Cartographic.fromCartesian(p));
    for (let k = 0; k < c.length; k++) {
      const a = c[k]!;
      const b = c[Math.min(k + 1, c.length - 1)]!;
      // Plan metres about the target: small distances, so an equirectangular frame is exact enough.
      const ax = (a.longitude - lon0) * east, ay = (a.latitude - lat0) * EARTH_RADIUS_M;
      const bx = (b.longitude - lon0) * east, by = (b.latitude - lat0) * EARTH_RADIUS_M;
      const dx = bx - ax, dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
      const px = ax + t * dx, py = ay + t * dy;
      const d2 = px * px + py * py;
      if (best === null || d2 < best.d2) {
        best = {
          d2,
          lon: a.longitude + t * (b.longitude - a.longitude),
          lat: a.latitude + t * (b.latitude - a.latitude),
          height: a.height + t * (b.height - a.height),
        };
      }
    }
  }
  return best && Cartesian3.fromRadians(best.lon, best.lat, best.height);
}
