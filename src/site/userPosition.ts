/**
 * "Where am I" on the dig site, pure (tested in tests/site/userPosition.test.ts): the device's
 * position (navigator.geolocation's WGS 84 lon/lat and its accuracy radius) in the project's local
 * frame (crs.ts, as every other lon/lat of the app goes), where it stands against the cross-section,
 * and the nearest line the screening rated STRIKE or ENCROACH, in plan.
 */
import { closestOnPolyline, type Point2 } from '../core/city/geometry';
import { lonLatTransform, type LocalFrame } from '../core/crs';
import { VERTEX_STRIDE, type CrossSection } from '../core/model';
import { planeCoords, type SlicePlane } from '../core/site/crossSection';
import type { SiteLine } from './siteModel';

/** The device's position in the local frame, m, and the radius it is good to (the Geolocation API's 95 % accuracy), m. */
export interface UserFix { x: number; y: number; accuracy: number }

export function userFix(frame: LocalFrame, lon: number, lat: number, accuracy: number): UserFix {
  const [x, y] = lonLatTransform(frame).toLocal(lon, lat);
  return { x, y, accuracy };
}

/** Half the section's width in plan, m: a pipe's radius, a duct's half width. */
function halfWidth(section: CrossSection): number {
  return section.shape === 'circular' ? section.diameterMm / 2000 : section.widthMm / 2000;
}

export interface NearestLine {
  line: SiteLine;
  /** Plan distance from the user to the line's outside (its axis less half its width, not below 0), m. */
  distance: number;
  /** The closest point of its axis in plan. */
  at: Point2;
}

/** Verdicts the user is told the distance to. */
const SEVERE = new Set(['STRIKE', 'ENCROACH']);

/** The nearest line rated STRIKE or ENCROACH, in plan; null when the screening rated none so. */
export function nearestSevereLine(lines: readonly SiteLine[], x: number, y: number): NearestLine | null {
  let best: NearestLine | null = null;
  for (const line of lines) {
    if (!line.row || !SEVERE.has(line.row.verdict)) continue;
    const v = line.link.vertices, pts: Point2[] = [];
    for (let o = 0; o < v.length; o += VERTEX_STRIDE) pts.push({ x: v[o]!, y: v[o + 1]! });
    const c = pts.length === 1 ? { q: pts[0]!, d: Math.hypot(x - pts[0]!.x, y - pts[0]!.y) } : closestOnPolyline({ x, y }, pts);
    const distance = Math.max(0, c.d - halfWidth(line.link.section));
    if (!best || distance < best.distance) best = { line, distance, at: c.q };
  }
  return best;
}

/** Where the user stands against a slice: `s` m along it, `off` m from it (signed, along its normal). */
export function userOnSlice(plane: SlicePlane, fix: UserFix): { s: number; off: number } {
  const [off, s] = planeCoords(plane, fix.x, fix.y);
  return { s, off };
}
