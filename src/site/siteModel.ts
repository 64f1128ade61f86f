/**
 * What the dig-site view draws, from what a screening answered (digScreening.ts) and the lines the
 * server gave this viewer around the site (the layers route, which clips a contractor's lines to their
 * own sites): each work's screened volume (volume.ts, the kernels' own pieces, rebuilt from the work as
 * asked with the ground range the screening used), the site box, the lines clipped to it with their
 * screening row, and the rows whose line this viewer was not given (a screening is never cut).
 */
import { lonLatTransform, type LocalFrame } from '../core/crs';
import { TOP_ABOVE_GROUND_M, type DigScreening, type ScreenableLink, type ScreenedLine, type WorksScreening } from '../core/digScreening';
import { toExcavation, type DigWork, type GroundRange } from '../core/screening/digWorks';
import type { Excavation } from '../core/screening/excavation';
import { volumeOf, type Volume } from '../core/screening/volume';
import { lineIdOfPiece } from '../protocol/accessApi';
import { VERTEX_STRIDE } from '../core/model';
import { slicePlaneFor, type SlicePlane } from '../core/site/crossSection';
import { clipToBox, nearestOnLine, siteBox, type SiteBox } from '../core/site/siteGeometry';

/** A work as asked and the ground range it was screened against. */
export interface ScreenedSiteWork { work: DigWork; ground: GroundRange }

/**
 * The ground range a screened work was converted against (digWorks.ts toExcavation): its top is
 * the highest ground + TOP_ABOVE_GROUND_M, except a bore without pits, whose top is its path's
 * (the shallowest vertex at mid-range, reamed wider by the range: max − shallowest depth + reamer/2),
 * and a bore with pits, whose top is the higher of the two.
 */
export function groundRangeOf(work: DigWork, groundMin: number, topZ: number): GroundRange {
  if (work.kind !== 'bore') return { min: groundMin, max: topZ - TOP_ABOVE_GROUND_M };
  const pathTop = work.reamerDiameter / 2 - Math.min(...work.path.map((p) => p[2]));
  const above = work.entryPit || work.exitPit ? Math.max(TOP_ABOVE_GROUND_M, pathTop) : pathTop;
  return { min: groundMin, max: topZ - above };
}

/**
 * The works of a screening with their ground: a permit's (WorksScreening) from the result itself,
 * one open cut's (DigScreening) from the request it answered.
 */
export function screenedWorks(result: DigScreening | WorksScreening, openCut?: { footprint: [number, number][]; depth: number }): ScreenedSiteWork[] {
  if ('works' in result) return result.works.map((w) => ({ work: w.geometry, ground: groundRangeOf(w.geometry, w.groundElevation, w.topZ) }));
  if (!openCut) throw new RangeError('screenedWorks: a one-dig screening needs the footprint and depth it was asked with');
  const work: DigWork = { kind: 'open_cut', footprint: openCut.footprint, depth: openCut.depth };
  return [{ work, ground: groundRangeOf(work, result.groundElevation, result.topZ) }];
}

export interface SiteLine {
  /** The id the server sent (a contractor's clipped stretch is `id#2`…: accessApi.ts pieceId). */
  key: string;
  link: ScreenableLink;
  /** The line's screening row, or null when the screening did not list it. */
  row: ScreenedLine | null;
}

export interface SiteModel {
  frame: LocalFrame;
  excavations: Excavation[];
  volumes: Volume[];
  /** The lowest ground any work was screened against: where the view draws the ground surface, m. */
  groundZ: number;
  box: SiteBox;
  /** The box in WGS 84 degrees: west, south, east, north (the layers route's bbox). */
  lonLatBox: [number, number, number, number];
  notifyDistance: number;
  /** How far the box reaches beyond the works in plan: the notify distance + the margin, m. */
  reachM: number;
}

/**
 * The works in the local frame and the site around them: the box is the volumes' bounds grown by
 * the notify distance and `marginM` (data/rules/display.json siteMarginM).
 */
export function siteModel(frame: LocalFrame, works: readonly ScreenedSiteWork[], notifyDistance: number, marginM: number): SiteModel {
  const { toLocal, fromLocal } = lonLatTransform(frame);
  // Already screened: the pits were checked then, so no tolerance is asked of them here.
  const excavations = works.map((w) => toExcavation(w.work, toLocal, w.ground, TOP_ABOVE_GROUND_M, Infinity));
  const volumes = excavations.map(volumeOf);
  const groundZ = Math.min(...works.map((w) => w.ground.min));
  const box = siteBox(volumes.map((v) => v.bounds), notifyDistance + marginM, groundZ);
  const corners = [fromLocal(box.minX, box.minY), fromLocal(box.maxX, box.minY), fromLocal(box.maxX, box.maxY), fromLocal(box.minX, box.maxY)];
  const lons = corners.map((c) => c[0]), lats = corners.map((c) => c[1]);
  return {
    frame, excavations, volumes, groundZ, box, notifyDistance, reachM: notifyDistance + marginM,
    lonLatBox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
  };
}

/**
 * The lines the server sent, clipped to the site box, each with its screening row (every stretch of
 * a contractor's clipped line carries its line's row), and the rows none of them carries.
 */
export function siteLines(model: SiteModel, links: readonly ScreenableLink[], rows: readonly ScreenedLine[]): { lines: SiteLine[]; unseen: ScreenedLine[] } {
  // Rows come most severe first: should a line have two, the first is the one it carries.
  const rowById = new Map<string, ScreenedLine>();
  for (const r of rows) if (!rowById.has(r.linkId)) rowById.set(r.linkId, r);
  // By the id sent, else by the line it is a stretch of: a contractor may be sent only `id#2`.
  const rowOf = (id: string): ScreenedLine | null => rowById.get(id) ?? rowById.get(lineIdOfPiece(id)) ?? null;
  const lines: SiteLine[] = [];
  for (const link of links) {
    const row = rowOf(link.id);
    clipToBox(link.vertices, model.box).forEach((vertices, i) => {
      lines.push({ key: i === 0 ? link.id : `${link.id}~${i + 1}`, link: { ...link, vertices }, row });
    });
  }
  // A row none of the drawn stretches carries: not sent to this viewer, or (it cannot: the box holds
  // the notify distance) every stretch outside the box. A screening is never cut: it is still said.
  const drawn = new Set(lines.map((l) => l.row));
  return { lines, unseen: rows.filter((r) => !drawn.has(r)) };
}

/**
 * Where the cross-section goes by default: across the work that decided the most severe row (rows
 * come sorted STRIKE, ENCROACH, NEAR, then distance), through that line's closest point and turned to
 * cut it (crossSection.ts slicePlaneFor); with no row, across the first work's middle. With the work
 * it cuts: the section's slider moves along that work (core/site/sectionTrack.ts).
 */
export function defaultSlice(model: SiteModel, lines: readonly SiteLine[], rows: readonly ScreenedLine[]): { work: Excavation; plane: SlicePlane } {
  const first = rows.find((r) => lines.some((l) => l.row === r)) ?? null;
  const b = model.box;
  const halfLength = Math.max(b.maxX - b.minX, b.maxY - b.minY) / 2;
  if (!first) return { work: model.excavations[0]!, plane: slicePlaneFor(model.excavations[0]!, null, null, halfLength) };
  const work = model.excavations['work' in first ? (first as ScreenedLine & { work: number }).work : 0] ?? model.excavations[0]!;
  const c = first.closestPoint;
  let dir: [number, number] | null = null, best = Infinity;
  for (const l of lines) {
    if (l.row !== first) continue;
    const p = nearestOnLine(l.link.vertices, l.link.section, c.x, c.y, c.z);
    const d = Math.hypot(p.x - c.x, p.y - c.y, p.z - c.z);
    if (d >= best) continue;
    best = d;
    const v = l.link.vertices, o = p.segment * VERTEX_STRIDE;
    dir = [v[o + VERTEX_STRIDE]! - v[o]!, v[o + VERTEX_STRIDE + 1]! - v[o + 1]!];
  }
  return { work, plane: slicePlaneFor(work, [c.x, c.y], dir, halfLength) };
}
