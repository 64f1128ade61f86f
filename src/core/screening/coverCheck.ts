/**
 * The cover report: every stretch of a line whose cover (ground − top of pipe, model.ts `coverAt`)
 * is less than the minimum for its utility and the surface above it (data/rules/cover.json,
 * GB 50289-2016, unverified).
 *
 * Frames and units: the model's local metric frame; cover, lengths and elevations in metres.
 *
 * Along a straight segment the top of the pipe is linear, and the ground is known only at the
 * vertices, so it is taken as linear between them too (the model stores one ground height per
 * vertex and nothing in between). Cover is then linear along each segment: its minimum is at a
 * vertex, and where a stretch starts or ends inside a segment is found exactly by interpolation.
 *
 * Surface: links carry no surface attribute, so each is checked against the larger of its footway
 * and carriageway values (carriageway in the shipped table), unless the caller's `surfaceOf` names
 * the surface (from street data). Findings say which lines were checked on the assumption.
 *
 * Installation: power, telecom and heat have one row per way of laying them (direct-buried, in duct,
 * in trench), chosen by the line's subtype (cover.json names the subtypes); a subtype naming none
 * gets the strictest row and the finding says the installation was assumed (networkRules.ts
 * `coverRequirement`).
 *
 * Boundary: a cover within COVER_SLACK_M of the minimum counts as a finding (shortfall 0), so float
 * rounding can add a finding, never drop one (the screening kernel's rule, README.md).
 */
import { halfHeight, VERTEX_STRIDE, type Link, type UtilityType } from '../model';
import { coverRequirement, SURFACES, type CoverRules, type Surface } from './coverRules';
import type { Point3 } from './screen';

/** Rounding allowance, m: far above float error in ground − top (~1e-14 m), far below survey precision. */
export const COVER_SLACK_M = 1e-6;

/**
 * Named when no surface is known and both surfaces require the same cover. An unknown surface is
 * checked against the larger of footway and carriageway (carriageway for every utility in the
 * shipped table), never against a surface by name.
 */
export const DEFAULT_SURFACE: Surface = 'carriageway';

/** What the cover report states about the rules it applied (the report body's `rules`). */
export interface CoverReportRules {
  /** cover.json's `version`. */
  version: number;
  /** Where the points are. */
  frame: string;
  /** What is assumed when the data do not say, and the simplifications made. */
  assumptions: string[];
}

/** The fields of a Link the cover check reads. */
export type CoverLink = Pick<Link, 'id' | 'utility' | 'subtype' | 'section' | 'vertices'>;

export interface CoverCheckOptions<L extends CoverLink = CoverLink> {
  /** Surface above a link; null (or no resolver) means unknown, checked against the larger of the two values. */
  surfaceOf?: (link: L) => Surface | null;
}

export interface CoverFinding {
  linkId: string;
  utility: UtilityType;
  surface: Surface;
  /** True when no surface was known: `surface` is the one whose value is larger (DEFAULT_SURFACE on a tie). */
  surfaceAssumed: boolean;
  /** The row's installation ("direct-buried", "in duct", …), null for a utility with one row. */
  installation: string | null;
  /** True when the line's subtype names no installation of its utility and the strictest row was taken. */
  installationAssumed: boolean;
  /**
   * Where the shallow stretch starts and ends, as vertex positions: k + t is t of the way from
   * vertex k to vertex k + 1. Segments floor(from) .. ceil(to) − 1 are (partly) too shallow.
   */
  from: number;
  to: number;
  /** Length of the stretch along the centreline, m. */
  length: number;
  /** The shallowest vertex of the stretch (cover is linear along a segment: its minimum is at a vertex). */
  vertex: number;
  /** Centreline at that vertex, local frame. */
  point: Point3;
  /** Cover at that vertex, m. */
  cover: number;
  /** Minimum cover for the utility and surface, m. */
  required: number;
  /** required − cover, m (0 for a stretch within COVER_SLACK_M of the minimum). */
  shortfall: number;
  source: string;
  verified: boolean;
}

export interface CoverReport {
  /** Most shortfall first. */
  findings: CoverFinding[];
  linksChecked: number;
  defaultSurface: Surface;
  /** Links checked on an assumed surface (the larger value) because no surface was known. */
  linksOnDefaultSurface: number;
  /** Links of a utility with several installations whose subtype names none: checked against the strictest row. */
  linksOnAssumedInstallation: number;
  /** Links with vertices whose cover is unknown (non-finite elevation or ground); their other stretches are checked. */
  unknownCover: { linkId: string; vertices: number[] }[];
  /** The rules applied, stated so a report with no findings still says what it checked. */
  rules: CoverReportRules;
}

/** The frame every point of both network reports is in. */
export const LOCAL_FRAME = 'local metric frame of the network (x east, y north, z elevation, metres; a transverse Mercator projection): not lon/lat';

function surfaceFor<L extends CoverLink>(link: L, surfaceOf: ((link: L) => Surface | null) | undefined): Surface | null {
  if (!surfaceOf) return null;
  const s = surfaceOf(link);
  if (s === null || s === undefined) return null;
  if (!(SURFACES as readonly unknown[]).includes(s)) {
    throw new TypeError(`checkCover: surfaceOf returned ${JSON.stringify(s)} for link "${link.id}"; expected ${SURFACES.join(', ')} or null`);
  }
  return s;
}

/** Centreline length from vertex position `from` to `to` (from ≤ to), m. */
function lengthBetween(v: Float64Array, from: number, to: number): number {
  let length = 0;
  for (let k = Math.floor(from); k < to; k++) {
    const a = k * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
    if (b + 2 >= v.length) break;
    const t0 = Math.max(0, from - k), t1 = Math.min(1, to - k);
    length += (t1 - t0) * Math.hypot(v[b]! - v[a]!, v[b + 1]! - v[a + 1]!, v[b + 2]! - v[a + 2]!);
  }
  return length;
}

/**
 * Every shallow stretch of every link. `coverRules` is a validated table (networkRules.ts
 * `validateCoverRules`). The links are not modified.
 */
export function checkCover<L extends CoverLink>(links: readonly L[], coverRules: CoverRules, options: CoverCheckOptions<L> = {}): CoverReport {
  const findings: CoverFinding[] = [];
  const unknownCover: CoverReport['unknownCover'] = [];
  let linksOnDefaultSurface = 0;
  let linksOnAssumedInstallation = 0;

  for (const link of links) {
    const rule = Object.prototype.hasOwnProperty.call(coverRules.minimumCover, link.utility) ? coverRules.minimumCover[link.utility] : undefined;
    if (!rule) throw new RangeError(`checkCover: link "${link.id}" has utility ${JSON.stringify(link.utility)}, which the cover rules do not list`);
    const known = surfaceFor(link, options.surfaceOf);
    if (known === null) linksOnDefaultSurface++;
    const req = coverRequirement(rule, link.subtype ?? null, known, link.section.shape);
    if (req.installationAssumed) linksOnAssumedInstallation++;
    const { surface, value: required, row } = req;
    const limit = required + COVER_SLACK_M;
    const v = link.vertices;
    const n = Math.floor(v.length / VERTEX_STRIDE);
    const top = halfHeight(link.section);
    const cover = new Float64Array(n);
    const unknown: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * VERTEX_STRIDE;
      const c = v[o + 3]! - (v[o + 2]! + top);
      cover[i] = c;
      if (!Number.isFinite(c)) unknown.push(i);
    }
    if (unknown.length > 0) unknownCover.push({ linkId: link.id, vertices: unknown });

    let from = -1;
    let lowest = -1;
    const close = (to: number): void => {
      const c = cover[lowest]!;
      const o = lowest * VERTEX_STRIDE;
      findings.push({
        linkId: link.id, utility: link.utility, surface, surfaceAssumed: known === null,
        installation: row.installation, installationAssumed: req.installationAssumed,
        from, to, length: lengthBetween(v, from, to), vertex: lowest,
        point: { x: v[o]!, y: v[o + 1]!, z: v[o + 2]! },
        cover: c, required, shortfall: Math.max(0, required - c), source: row.source, verified: row.verified,
      });
      from = -1;
    };
    // Where cover reaches `limit` between vertices i and i + 1 (their covers straddle it).
    const crossing = (i: number): number => i + (limit - cover[i]!) / (cover[i + 1]! - cover[i]!);

    for (let i = 0; i < n; i++) {
      const c = cover[i]!;
      const prevKnown = i > 0 && Number.isFinite(cover[i - 1]!);
      if (!Number.isFinite(c)) {
        if (from >= 0) close(i - 1);
        continue;
      }
      if (c < limit) {
        if (from < 0) {
          from = prevKnown ? crossing(i - 1) : i;
          lowest = i;
        } else if (c < cover[lowest]!) {
          lowest = i;
        }
      } else if (from >= 0) {
        close(crossing(i - 1));
      }
    }
    if (from >= 0) close(n - 1);
  }

  findings.sort((a, b) => b.shortfall - a.shortfall || (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0) || a.from - b.from);
  return {
    findings, linksChecked: links.length, defaultSurface: DEFAULT_SURFACE, linksOnDefaultSurface, linksOnAssumedInstallation, unknownCover,
    rules: {
      version: coverRules.version,
      frame: LOCAL_FRAME,
      assumptions: [
        'cover is ground minus the top of the recorded section (a rectangular duct: its top face), linear between vertices; the ground is known at the vertices only',
        'no surface known: the larger of the footway and carriageway values',
        'installation (power, telecom, heat) from the line\'s subtype; a subtype naming none: the strictest row',
        `a cover within ${COVER_SLACK_M} m of the minimum counts as a finding (shortfall 0)`,
      ],
    },
  };
}
