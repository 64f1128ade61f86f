/**
 * Rules for the network's cover report: minimum cover by utility, installation and surface
 * (data/rules/cover.json, read by coverCheck.ts and by the sample city's generator). Distances in
 * metres. The file is untrusted input: validation refuses anything malformed with a `RulesError`
 * (rules.ts) naming the path of the bad value.
 */
import { UTILITY_TYPES, type CrossSection, type UtilityType } from '../model';
import { RulesError, flag, metres, oneOf, onlyKeys, record, show, tableVersion as version, text } from '../rulesTable';

export const SURFACES = ['footway', 'carriageway'] as const;
export type Surface = (typeof SURFACES)[number];

/** One row of minimum cover: footway and carriageway values, m, with their source. */
export interface CoverRow {
  /** How the line is laid (e.g. "in duct"); null for a utility with one row. */
  installation: string | null;
  /** Line subtypes (Link.subtype) that mean this installation; empty for a utility with one row. */
  subtypes: string[];
  /**
   * The recorded section shapes this row may be read against, or null for any: heat "in trench" is
   * measured to the trench's top, so it needs the trench's outline (a rect) recorded, not the pipe.
   */
  sections: CrossSection['shape'][] | null;
  footway: number;
  carriageway: number;
  source: string;
  verified: boolean;
}

/**
 * A utility's minimum cover: one row, or one per installation (direct-buried, in duct, in trench),
 * chosen by the line's subtype (`coverRequirement`).
 */
export interface CoverRule {
  rows: CoverRow[];
}

export interface CoverRules {
  version: number;
  minimumCover: Record<UtilityType, CoverRule>;
}

/** The minimum cover a line must keep and which row and surface gave it. */
export interface CoverRequirement {
  value: number;
  row: CoverRow;
  surface: Surface;
  /** No surface was known: the larger of the row's footway and carriageway (carriageway on a tie). */
  surfaceAssumed: boolean;
  /** The utility has several installations and the subtype names none: the strictest row was taken. */
  installationAssumed: boolean;
}

/**
 * The cover a line of `subtype`, recorded with a section of `shape` (null: unknown), must keep under
 * `surface` (null: unknown). A subtype named by one of the rule's rows gets that row if the row
 * accepts the shape (`sections`); otherwise every row is a candidate and the largest value wins, so
 * an unknown installation or surface, or a pipe recorded where the row needs its trench, is always
 * read as the strictest the table allows, whatever order or values an override table gives.
 */
export function coverRequirement(rule: CoverRule, subtype: string | null, surface: Surface | null, shape: CrossSection['shape'] | null): CoverRequirement {
  const named = subtype === null ? undefined
    : rule.rows.find((r) => r.subtypes.includes(subtype) && (r.sections === null || (shape !== null && r.sections.includes(shape))));
  const rows = named ? [named] : rule.rows;
  const surfaces: readonly Surface[] = surface === null ? ['carriageway', 'footway'] : [surface];
  let best: CoverRequirement | null = null;
  for (const row of rows) {
    for (const s of surfaces) {
      if (best === null || row[s] > best.value) {
        best = { value: row[s], row, surface: s, surfaceAssumed: surface === null, installationAssumed: !named && rule.rows.length > 1 };
      }
    }
  }
  return best!;
}

function coverRow(v: unknown, path: string, installation: boolean): CoverRow {
  const o = record(v, path);
  onlyKeys(o, [...SURFACES, 'source', 'verified', ...(installation ? ['name', 'subtypes', 'sections'] : [])], path);
  let sections: CrossSection['shape'][] | null = null;
  if (installation && o.sections !== undefined) {
    if (!Array.isArray(o.sections) || o.sections.length === 0) throw new RulesError(`${path}.sections`, `expected a non-empty array of section shapes, got ${show(o.sections)}`);
    sections = o.sections.map((x, k) => oneOf(x, ['circular', 'rect'] as const, `${path}.sections[${k}]`));
  }
  let subtypes: string[] = [];
  if (installation) {
    const list = o.subtypes;
    if (!Array.isArray(list) || list.length === 0) throw new RulesError(`${path}.subtypes`, `expected a non-empty array of line subtypes, got ${show(list)}`);
    subtypes = list.map((t, k) => text(t, `${path}.subtypes[${k}]`));
  }
  return {
    installation: installation ? text(o.name, `${path}.name`) : null,
    subtypes,
    sections,
    footway: metres(o.footway, `${path}.footway`),
    carriageway: metres(o.carriageway, `${path}.carriageway`),
    source: text(o.source, `${path}.source`),
    verified: flag(o.verified, `${path}.verified`),
  };
}

/**
 * Checks cover rules (parsed JSON) and returns a typed copy: every utility present, with one row
 * (footway and carriageway finite and ≥ 0, a source and a verified flag) or `installations` (rows
 * with a name and the subtypes that mean it; a subtype in two rows is refused); unknown keys
 * refused, so a misspelt utility or surface cannot hide a missing one.
 */
export function validateCoverRules(input: unknown): CoverRules {
  const root = record(input, 'rules');
  onlyKeys(root, ['version', 'minimumCover'], 'rules');
  const v = version(root.version);
  const mc = record(root.minimumCover, 'minimumCover');
  onlyKeys(mc, UTILITY_TYPES, 'minimumCover');
  const minimumCover = {} as Record<UtilityType, CoverRule>;
  for (const u of UTILITY_TYPES) {
    const path = `minimumCover.${u}`;
    if (!(u in mc)) throw new RulesError(path, `missing; cover rules need all of ${UTILITY_TYPES.join(', ')}`);
    const o = record(mc[u], path);
    if (!('installations' in o)) {
      minimumCover[u] = { rows: [coverRow(o, path, false)] };
      continue;
    }
    onlyKeys(o, ['installations'], path);
    const list = o.installations;
    if (!Array.isArray(list) || list.length === 0) throw new RulesError(`${path}.installations`, `expected a non-empty array of rows, got ${show(list)}`);
    const rows = list.map((r, k) => coverRow(r, `${path}.installations[${k}]`, true));
    const seen = new Map<string, number>();
    rows.forEach((r, k) => {
      for (const t of r.subtypes) {
        const before = seen.get(t);
        if (before !== undefined) throw new RulesError(`${path}.installations[${k}].subtypes`, `"${t}" is already in ${path}.installations[${before}]`);
        seen.set(t, k);
      }
    });
    minimumCover[u] = { rows };
  }
  return { version: v, minimumCover };
}
