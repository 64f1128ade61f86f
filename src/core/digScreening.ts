/**
 * Screening a dig as a person asks for it: a footprint in lon/lat, a depth below ground and a rule
 * set. The same DigScreener runs in the browser's worker (for the person at the screen) and on the
 * server (for the decision), over the same network version, so both give the same answer.
 *
 * Ground under the dig: unless the person gives it, the LOWEST surveyed ground elevation at network
 * vertices within GROUND_SEARCH_RADIUS_M of the work's bounding box. Taking the lowest makes the
 * bottom of the dig (ground − depth) deeper than or equal to the true one everywhere: conservative.
 * Only vertices inside that box count: a segment passing under the work whose vertices lie far
 * away says nothing of the ground here (a valley between them), so with no vertex near, the
 * person is asked for the ground.
 *
 * The local frame's scale: distances in it read long away from its meridian; about 3 km out and
 * beyond, the works are screened with every threshold multiplied by a bound on the scale at them,
 * and the rows' clearance sources say so (frameScale.ts `frameScaler`, the one bound every
 * local-frame screening applies): a line truly inside a threshold is never read as outside it.
 */
import type Flatbush from 'flatbush';
import { lonLatTransform, type FrameTransform, type LocalFrame } from './crs';
import { given } from './rulesTable';
import { UTILITY_TYPES, type Link, type UtilityType } from './model';
import { readDigWorks, toExcavation, workPoints, type DigWork } from './screening/digWorks';
import { ExcavationError, type Excavation } from './screening/excavation';
import { MAX_WORKS_PER_PERMIT, screenPermit } from './screening/permit';
import { applyOverrides, ruleSetOf, validateScreeningRules, type RuleOverrides, type ScreeningRules } from './screening/rules';
import { frameScaler, workReach } from './frameScale';
import { screenExcavation, type LineConflict, type ScreeningSummary } from './screening/screen';
import { adoptGridIndex, buildGridIndex, gridIndexByteLength } from './screening/gridIndex';
import { buildSegmentIndex, buildSegmentTable, float32Below, type SegmentTable } from './screening/segmentTable';

/** How far around the footprint to look for surveyed ground levels, m. */
export const GROUND_SEARCH_RADIUS_M = 50;
/** The top of the dig volume above the highest ground found: catches lines laid shallow on a rise, m. */
export const TOP_ABOVE_GROUND_M = 1;
/**
 * Ground levels reach the kernel as float32 rounded up; the estimate is lowered by this, or to the
 * next float32 below where the float32 step is larger (above 1,024 m), to stay conservative, m.
 */
export const GROUND_ROUNDING_M = 1e-4;
export const MIN_DIG_DEPTH_M = 0.1;
export const MAX_DIG_DEPTH_M = 100;

export interface DigRequest {
  /** Corners in WGS 84 degrees, [lon, lat], at least 3. */
  footprint: [number, number][];
  /** Depth below ground, m. */
  depth: number;
  /** Ground elevation at the dig, m in the network's vertical datum; null to estimate it from the network. */
  groundElevation: number | null;
  ruleSetId: string;
  /** The reviewer's own clearances or notify distance, recorded as 'user override' in every result. */
  overrides?: RuleOverrides | null;
}

export interface ScreenedLine extends LineConflict {
  owner: string;
  /** The closest point on the line in WGS 84 degrees and elevation. */
  closest: { lon: number; lat: number; z: number };
}

/**
 * The rules a screening ran under, at the top of every result and export: a user override changes
 * verdicts (a clearance of 0 makes a line disappear), so the report says it was applied and why.
 */
export interface AppliedRules {
  /** The user's overrides as applied (clearances, notifyDistance, reason); null when none. */
  overrides: RuleOverrides | null;
  /** Where the notify distance comes from: the rules table's source, or 'user override: <reason>'. */
  notifySource: string;
  /**
   * Clearance per utility under the rule set used, with its source ('user override…' when overridden;
   * scaled, and saying so, where the local frame's scale is corrected: rulesAt).
   */
  clearances: Record<UtilityType, { value: number; source: string }>;
}

export interface DigScreening extends AppliedRules {
  networkVersion: number;
  ruleSetId: string;
  groundElevation: number;
  groundSource: 'given' | 'network';
  bottomZ: number;
  topZ: number;
  notifyDistance: number;
  lines: ScreenedLine[];
  summary: ScreeningSummary & { owners: string[] };
}

/** What screening needs of a link: geometry, section, type, quality, owner. */
export type ScreenableLink = Pick<Link, 'id' | 'utility' | 'owner' | 'qualityLevel' | 'section' | 'vertices'>;

export function validateDigRequest(input: unknown, rules: ScreeningRules): DigRequest {
  if (typeof input !== 'object' || input === null) throw new ExcavationError('(body)', 'expected an object with footprint, depth and ruleSetId');
  const r = input as Record<string, unknown>;
  const fp = r['footprint'];
  if (!Array.isArray(fp) || fp.length < 3) throw new ExcavationError('footprint', 'expected at least 3 [lon, lat] corners');
  const footprint = fp.map((p, i): [number, number] => {
    if (!Array.isArray(p) || p.length < 2) throw new ExcavationError(`footprint[${i}]`, 'expected [lon, lat]');
    const [lon, lat] = p as unknown[];
    if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) throw new ExcavationError(`footprint[${i}][0]`, `longitude must be in [-180, 180]°; got ${given(lon, '°')}`);
    if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) throw new ExcavationError(`footprint[${i}][1]`, `latitude must be in [-90, 90]°; got ${given(lat, '°')}`);
    return [lon, lat];
  });
  const depth = r['depth'];
  if (typeof depth !== 'number' || !Number.isFinite(depth) || depth < MIN_DIG_DEPTH_M || depth > MAX_DIG_DEPTH_M) {
    throw new ExcavationError('depth', `must be a number of metres between ${MIN_DIG_DEPTH_M} and ${MAX_DIG_DEPTH_M} m; got ${given(depth, ' m')}`);
  }
  return { footprint, depth, groundElevation: readGround(r), ...readRuleChoice(r, rules) };
}

function readGround(r: Record<string, unknown>): number | null {
  const ground = r['groundElevation'] ?? null;
  if (ground !== null && (typeof ground !== 'number' || !Number.isFinite(ground))) {
    throw new ExcavationError('groundElevation', `must be an elevation in metres (a number) or null; got ${given(ground, ' m')}`);
  }
  return ground as number | null;
}

function readRuleChoice(r: Record<string, unknown>, rules: ScreeningRules): { ruleSetId: string; overrides: RuleOverrides | null } {
  const ruleSetId = r['ruleSetId'] ?? rules.defaultRuleSet;
  if (typeof ruleSetId !== 'string' || !Object.prototype.hasOwnProperty.call(rules.ruleSets, ruleSetId)) {
    throw new ExcavationError('ruleSetId', `unknown rule set ${JSON.stringify(ruleSetId)}; known: ${Object.keys(rules.ruleSets).join(', ')}`);
  }
  const overrides = r['overrides'] ?? null;
  if (overrides !== null && (typeof overrides !== 'object' || Array.isArray(overrides))) throw new ExcavationError('overrides', 'must be an object with clearances, notifyDistance and reason, or null');
  return { ruleSetId, overrides: overrides as RuleOverrides | null };
}

/** What a result reports of the rules it was screened with (`used`: the request's rules as rulesAt made them, overrides applied and checked). */
function appliedRules(used: ScreeningRules, req: { ruleSetId: string; overrides?: RuleOverrides | null }): AppliedRules {
  const o = req.overrides;
  const overrides: RuleOverrides = {
    ...(o?.clearances !== undefined ? { clearances: Object.fromEntries(UTILITY_TYPES.filter((u) => o.clearances![u] !== undefined).map((u) => [u, o.clearances![u]!])) } : {}),
    ...(o?.notifyDistance !== undefined ? { notifyDistance: o.notifyDistance } : {}),
    ...(o?.reason ? { reason: o.reason } : {}),
  };
  const rs = ruleSetOf(used, req.ruleSetId);
  const clearances = Object.fromEntries(UTILITY_TYPES.map((u) => [u, { value: rs.clearances[u].value, source: rs.clearances[u].source }])) as AppliedRules['clearances'];
  return { overrides: Object.keys(overrides).length ? overrides : null, notifySource: used.notifyDistance.source, clearances };
}

/** The request for several works of any kind (digWorks.ts); ground is shared unless estimated per work. */
export interface WorksRequest {
  works: DigWork[];
  groundElevation: number | null;
  ruleSetId: string;
  overrides?: RuleOverrides | null;
}

export function isWorksRequest(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'works' in input;
}

export function validateWorksRequest(input: unknown, rules: ScreeningRules): WorksRequest {
  if (typeof input !== 'object' || input === null) throw new ExcavationError('(body)', 'expected an object with works and ruleSetId');
  const r = input as Record<string, unknown>;
  return { works: readDigWorks(r['works'], MAX_WORKS_PER_PERMIT), groundElevation: readGround(r), ...readRuleChoice(r, rules) };
}

export interface ScreenedWork {
  kind: DigWork['kind'];
  /** The work as asked (lon/lat, depths below ground): the JSON report carries every work's geometry. */
  geometry: DigWork;
  groundElevation: number;
  groundSource: 'given' | 'network';
  /** The screened volume's top and (lowest) bottom elevation, m. */
  topZ: number;
  bottomZ: number;
}

export interface WorksScreening extends AppliedRules {
  networkVersion: number;
  ruleSetId: string;
  notifyDistance: number;
  works: ScreenedWork[];
  lines: (ScreenedLine & { work: number })[];
  summary: ScreeningSummary & { owners: string[] };
}

/** Top and lowest bottom of a validated work's volume. */
function verticalExtent(ex: Excavation): { topZ: number; bottomZ: number } {
  switch (ex.kind) {
    case 'open_cut': return { topZ: ex.topZ, bottomZ: ex.bottomZ };
    case 'trench': return { topZ: ex.topZ, bottomZ: Math.min(...ex.bottomZ) };
    case 'piles': return { topZ: ex.piles[0]!.topZ, bottomZ: ex.piles[0]!.topZ - ex.piles[0]!.depth };
    case 'bore': {
      const r = ex.reamerDiameter / 2;
      const zs = [...ex.path.map((p) => p[2] + r), ...[ex.entryPit, ex.exitPit].flatMap((p) => (p ? [p.topZ] : []))];
      const bs = [...ex.path.map((p) => p[2] - r), ...[ex.entryPit, ex.exitPit].flatMap((p) => (p ? [p.bottomZ] : []))];
      return { topZ: Math.max(...zs), bottomZ: Math.min(...bs) };
    }
  }
}

export class DigScreener {
  private readonly rules: ScreeningRules;
  private table: SegmentTable | null = null;
  private index: Flatbush | null = null;
  private ownerByLink = new Map<string, string>();
  private transform: FrameTransform | null = null;
  private version = 0;

  constructor(rules: unknown) {
    this.rules = validateScreeningRules(rules);
  }

  load(links: readonly ScreenableLink[], frame: LocalFrame, version: number): { links: number; segments: number; indexBytes: number } {
    const table = buildSegmentTable(links);
    this.index = buildSegmentIndex(table);
    // The search grid now, with the rest of the load (~0.16 s at 1M segments), not on the second dig.
    const grid = buildGridIndex(this.index);
    adoptGridIndex(this.index, grid);
    this.table = table;
    this.ownerByLink = new Map(links.map((l) => [l.id, l.owner]));
    this.transform = lonLatTransform(frame);
    this.version = version;
    return { links: links.length, segments: table.segmentCount, indexBytes: this.index.data.byteLength + (grid ? gridIndexByteLength(grid) : 0) };
  }

  get networkVersion(): number {
    return this.version;
  }

  screen(input: unknown): DigScreening {
    if (!this.table || !this.index || !this.transform) throw new Error('DigScreener.screen: no network loaded');
    const req = validateDigRequest(input, this.rules);
    const { fromLocal, toLocal } = this.transform;
    const footprint = req.footprint.map(([lon, lat]) => toLocal(lon, lat));
    const ground = req.groundElevation === null ? this.groundNear(footprint) : { min: req.groundElevation, max: req.groundElevation };
    const bottomZ = ground.min - req.depth;
    const topZ = ground.max + TOP_ABOVE_GROUND_M;
    const cut: Excavation = { kind: 'open_cut', footprint, bottomZ, topZ };
    const rules = this.rulesAt(req, [cut]);
    const result = screenExcavation(this.table, this.index, cut, rules, req.ruleSetId);
    const lines: ScreenedLine[] = result.lines.map((l) => {
      const [lon, lat] = fromLocal(l.closestPoint.x, l.closestPoint.y);
      return { ...l, owner: this.ownerByLink.get(l.linkId) ?? '', closest: { lon, lat, z: l.closestPoint.z } };
    });
    return {
      networkVersion: this.version,
      ruleSetId: req.ruleSetId,
      groundElevation: ground.min,
      groundSource: req.groundElevation === null ? 'network' : 'given',
      bottomZ, topZ,
      notifyDistance: result.notifyDistance,
      ...appliedRules(rules, req),
      lines,
      summary: { ...result.summary, owners: [...new Set(lines.map((l) => l.owner))].sort() },
    };
  }

  /** Screens several works of any kind as one permit (the request shape in digWorks.ts). */
  screenWorks(input: unknown): WorksScreening {
    if (!this.table || !this.index || !this.transform) throw new Error('DigScreener.screenWorks: no network loaded');
    const req = validateWorksRequest(input, this.rules);
    const { fromLocal, toLocal } = this.transform;
    const screened: ScreenedWork[] = [];
    // Each work's plan points in the local frame, for its ground.
    const points = req.works.map((w) => workPoints(w).map(([lon, lat]) => toLocal(lon, lat)));
    const works: Excavation[] = req.works.map((w, i) => {
      const ground = req.groundElevation === null
        ? this.groundNear(points[i]!, `works[${i}]`)
        : { min: req.groundElevation, max: req.groundElevation };
      let ex: Excavation;
      try {
        ex = toExcavation(w, toLocal, ground, TOP_ABOVE_GROUND_M, this.rules.pitAtBoreEndTolerance.value);
      } catch (e) {
        if (e instanceof ExcavationError) throw new ExcavationError(`works[${i}].${e.field}`, e.detail);
        throw e;
      }
      screened.push({ kind: w.kind, geometry: w, groundElevation: ground.min, groundSource: req.groundElevation === null ? 'network' : 'given', ...verticalExtent(ex) });
      return ex;
    });
    const rules = this.rulesAt(req, works);
    const result = screenPermit(this.table, this.index, works, rules, req.ruleSetId);
    const lines = result.lines.map((l) => {
      const [lon, lat] = fromLocal(l.closestPoint.x, l.closestPoint.y);
      return { ...l, owner: this.ownerByLink.get(l.linkId) ?? '', closest: { lon, lat, z: l.closestPoint.z } };
    });
    return {
      networkVersion: this.version, ruleSetId: req.ruleSetId, notifyDistance: result.notifyDistance, ...appliedRules(rules, req), works: screened, lines,
      summary: { ...result.summary, owners: [...new Set(lines.map((l) => l.owner))].sort() },
    };
  }

  /**
   * Lowest and highest surveyed ground at network vertices within GROUND_SEARCH_RADIUS_M of the
   * work's bounding box (a vertex outside it does not count, though its segment passes near).
   */
  private groundNear(footprint: [number, number][], field = ''): { min: number; max: number } {
    const xs = footprint.map((p) => p[0]), ys = footprint.map((p) => p[1]);
    const pad = GROUND_SEARCH_RADIUS_M;
    const x0 = Math.min(...xs) - pad, y0 = Math.min(...ys) - pad, x1 = Math.max(...xs) + pad, y1 = Math.max(...ys) + pad;
    const hits = this.index!.search(x0, y0, x1, y1);
    const c = this.table!.coords, ground = this.table!.segmentGround;
    let min = Infinity, max = -Infinity;
    for (const s of hits) {
      for (let end = 0; end < 2; end++) {
        const x = c[6 * s + 3 * end]!, y = c[6 * s + 3 * end + 1]!;
        if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
        const g = ground[2 * s + end]!;
        if (Number.isNaN(g)) continue;
        if (g < min) min = g;
        if (g > max) max = g;
      }
    }
    if (!Number.isFinite(min)) {
      throw new ExcavationError('groundElevation', `${field ? `${field}: ` : ''}no surveyed ground at a network vertex within ${GROUND_SEARCH_RADIUS_M} m of the dig: give the ground elevation`);
    }
    // The stored ground is the float32 at or above the surveyed one: the next float32 below is under it.
    return { min: Math.min(min - GROUND_ROUNDING_M, float32Below(min)), max };
  }

  /**
   * The rules to screen works with: the request's, with every threshold multiplied by the local
   * frame's scale at the works where its error would pass half the verdicts' allowance (frameScale.ts).
   */
  private rulesAt(req: { overrides?: RuleOverrides | null }, works: readonly Excavation[]): ScreeningRules {
    const rules = req.overrides ? applyOverrides(this.rules, req.overrides) : this.rules;
    let reach = 0;
    for (const w of works) reach = Math.max(reach, workReach(w));
    return frameScaler(rules, this.table!.maxCentrelineDepth)(reach);
  }
}
