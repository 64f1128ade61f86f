/**
 * Moving the cross-section along the work (the contractor's slider, src/site/sectionPanel.ts): a
 * track of positions, in metres, each giving a slice plane (crossSection.ts `SlicePlane`).
 *
 * - A trench or a bore: along its centre line (path) in plan, chainage 0 at its first point; the
 *   slice at chainage c is square to the leg it falls on, as `slicePlaneFor` cuts it (so the
 *   default slice is one position of the track). Where the default slice runs along its leg
 *   (`slicePlaneFor` turns it so to cut a line that would lie in a square slice), every position's
 *   slice runs along its leg too: the slider then moves the window along the work, bends followed,
 *   and the line stays cut (before, the first step turned it square and lost the line).
 * - An open cut or piles: the default slice moved along its own normal, from the footprint's (the
 *   piles' outsides') one end to the other. An open cut's default slice runs across its shorter side,
 *   so this moves it along the long axis; where the default turned 90° to cut a line that would lie
 *   in it, the track follows the turned slice (it keeps cutting that line square enough).
 *
 * Pure plan geometry in the local frame; the plan polyline helpers are city/geometry.ts's.
 */
import { closestOnPolyline, cumulativeLengths, pointAlong, type Point2 } from '../city/geometry';
import type { Excavation } from '../screening/excavation';
import type { SlicePlane } from './crossSection';

export interface SectionTrack {
  /** Positions run from 0 to `length`, m. */
  length: number;
  /** The position of the plane the track was made from. */
  start: number;
  /** The slice at a position (clamped to the track). */
  at(position: number): SlicePlane;
}

/** The centre line (trench) or path (bore) in plan, without repeated points. */
function planPath(work: Excavation & { kind: 'trench' | 'bore' }): Point2[] {
  const pts = (work.kind === 'trench' ? work.centreline : work.path).map((p) => ({ x: p[0], y: p[1] }));
  return pts.filter((p, i) => i === 0 || p.x !== pts[i - 1]!.x || p.y !== pts[i - 1]!.y);
}

/** The track of slices along `work` through `plane` (the default slice, or any slice across it). */
export function sectionTrack(work: Excavation, plane: SlicePlane): SectionTrack {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  if ((work.kind === 'trench' || work.kind === 'bore') && planPath(work).length >= 2) {
    const path = planPath(work), cum = cumulativeLengths(path), length = cum[cum.length - 1]!;
    const foot = closestOnPolyline({ x: plane.ox, y: plane.oy }, path);
    const start = cum[foot.segment]! + foot.f * (cum[foot.segment + 1]! - cum[foot.segment]!);
    // Along its leg or square to it: the default is one or the other (slicePlaneFor), never between.
    const leg = pointAlong(path, cum, start).t;
    const alongLeg = Math.abs(plane.ux * leg.x + plane.uy * leg.y) > Math.SQRT1_2;
    return {
      length, start,
      at(position) {
        const { p, t } = pointAlong(path, cum, clamp(position, 0, length));
        return alongLeg ? { ox: p.x, oy: p.y, ux: t.x, uy: t.y, halfLength: plane.halfLength } : { ox: p.x, oy: p.y, ux: -t.y, uy: t.x, halfLength: plane.halfLength };
      },
    };
  }
  // Along the slice's normal (−uy, ux): where the work's outline reaches, relative to the plane.
  const nx = -plane.uy, ny = plane.ux;
  const along = (x: number, y: number) => nx * (x - plane.ox) + ny * (y - plane.oy);
  const reach: number[] = work.kind === 'open_cut' ? work.footprint.map(([x, y]) => along(x, y))
    : work.kind === 'piles' ? work.piles.flatMap((p) => [along(p.x, p.y) - p.diameter / 2, along(p.x, p.y) + p.diameter / 2])
    : [0];
  const lo = Math.min(0, ...reach), hi = Math.max(0, ...reach);
  return {
    length: hi - lo, start: -lo,
    at(position) {
      const d = lo + clamp(position, 0, hi - lo);
      return { ...plane, ox: plane.ox + d * nx, oy: plane.oy + d * ny };
    },
  };
}
