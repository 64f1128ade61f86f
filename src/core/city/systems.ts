/**
 * The street cross-section: each line system's place under a street, its depth, and who yields when
 * two cross. Offsets are metres left (+) or right (−) of the street's centre line in the direction
 * the street is drawn; service lines, laterals and hydrants leave toward the property lines.
 *
 * Depth: a pressure or duct line's cover varies smoothly along the street within its band (the
 * band's floor is at or above the GB 50289-2016 carriageway minimum in data/rules/cover.json); its
 * centreline depth is the band's cover plus the half height of the system's largest section, so
 * the centreline runs on through a change of size. Gravity lines are graded instead (drainage.ts).
 */
import coverJson from '../../../data/rules/cover.json';
import type { UtilityType } from '../model';
import { coverRequirement, validateCoverRules } from '../screening/coverRules';
import { chance, rngFor, uniform } from './random';
import type { StreetClass } from './streets';

export const SYSTEM_CODES = [
  'sewer', 'storm', 'water_old', 'heat_supply', 'heat_return', 'water', 'power_hv', 'gas', 'power', 'telecom',
] as const;
export type SystemCode = (typeof SYSTEM_CODES)[number];

export interface LineSystem {
  code: SystemCode;
  utility: UtilityType;
  offset: number;
  /**
   * At a crossing the lower rank moves over or under the higher: pressure yields to gravity, small
   * to large, flexible to rigid (GB 50289-2016 avoidance order, ../shared/STANDARDS.md). An
   * abandoned main is left where it lies, so everything new goes round it.
   */
  rank: number;
  gravity: boolean;
  /** Cover (m) of the system's largest section: the band a pressure or duct line keeps. */
  coverBand: readonly [number, number];
  /** Half height (m) of the system's largest section. */
  referenceHalfHeight: number;
  /** Id prefix of the system's links and nodes. */
  prefix: string;
}

const system = (s: LineSystem) => s;

export const SYSTEMS: Readonly<Record<SystemCode, LineSystem>> = {
  sewer: system({ code: 'sewer', utility: 'sewer', offset: 1.0, rank: 100, gravity: true, coverBand: [2.4, 2.9], referenceHalfHeight: 0.6, prefix: 'S' }),
  storm: system({ code: 'storm', utility: 'storm', offset: -2.0, rank: 90, gravity: true, coverBand: [1.2, 1.6], referenceHalfHeight: 0.9, prefix: 'D' }),
  water_old: system({ code: 'water_old', utility: 'water', offset: 2.2, rank: 80, gravity: false, coverBand: [0.8, 1.2], referenceHalfHeight: 0.15, prefix: 'WX' }),
  heat_supply: system({ code: 'heat_supply', utility: 'heat', offset: -4.6, rank: 70, gravity: false, coverBand: [1.1, 1.5], referenceHalfHeight: 0.25, prefix: 'HS' }),
  heat_return: system({ code: 'heat_return', utility: 'heat', offset: -5.5, rank: 69, gravity: false, coverBand: [1.1, 1.5], referenceHalfHeight: 0.25, prefix: 'HR' }),
  water: system({ code: 'water', utility: 'water', offset: 3.0, rank: 60, gravity: false, coverBand: [0.9, 1.4], referenceHalfHeight: 0.3, prefix: 'W' }),
  power_hv: system({ code: 'power_hv', utility: 'power', offset: -7.2, rank: 55, gravity: false, coverBand: [1.1, 1.5], referenceHalfHeight: 0.35, prefix: 'PH' }),
  gas: system({ code: 'gas', utility: 'gas', offset: 4.5, rank: 40, gravity: false, coverBand: [0.95, 1.35], referenceHalfHeight: 0.2, prefix: 'G' }),
  power: system({ code: 'power', utility: 'power', offset: 6.0, rank: 30, gravity: false, coverBand: [0.6, 0.95], referenceHalfHeight: 0.25, prefix: 'P' }),
  telecom: system({ code: 'telecom', utility: 'telecom', offset: 7.4, rank: 20, gravity: false, coverBand: [0.65, 0.95], referenceHalfHeight: 0.2, prefix: 'T' }),
};

/** Pressure and duct systems, most rigid first: the order in which crossings are settled. */
export const YIELD_ORDER: readonly SystemCode[] = SYSTEM_CODES.filter((c) => !SYSTEMS[c].gravity)
  .sort((a, b) => SYSTEMS[b].rank - SYSTEMS[a].rank);

const coverRules = validateCoverRules(coverJson);

/** The subtype the city gives each utility's mains where cover depends on it (sections.ts): power and telecom in duct banks. */
const CITY_MAIN_SUBTYPE: Partial<Record<UtilityType, string>> = { power: 'duct_bank', telecom: 'duct_bank' };

/** GB 50289-2016 minimum cover under a carriageway for the city's mains (data/rules/cover.json), m. No
 * surface is recorded in the delivery, so the carriageway value (the larger) is the one every line honours. */
export function minimumCover(utility: UtilityType): number {
  return coverRequirement(coverRules.minimumCover[utility], CITY_MAIN_SUBTYPE[utility] ?? null, 'carriageway', null).value;
}

/** Distance of the property line from the street centre line, m. */
export function propertyLineOffset(streetClass: StreetClass): number {
  return { arterial: 15, secondary: 11, local: 9.5, lane: 9 }[streetClass];
}

const HEAT_STREET_SHARE = 0.22;
const OLD_MAIN_SHARE = 0.12;

/** Which systems run under a street (chain); `water_old` is decided per block by `oldMainOnEdge`. */
export function systemOnStreet(seed: number, code: SystemCode, line: string, streetClass: StreetClass): boolean {
  switch (code) {
    case 'storm': return streetClass !== 'lane';
    case 'heat_supply':
    case 'heat_return': return streetClass !== 'lane' && chance(rngFor(seed, 'heat-street', line), HEAT_STREET_SHARE);
    case 'power_hv': return streetClass === 'arterial';
    case 'water_old': return false;
    default: return true;
  }
}

/** An abandoned cast-iron main left in place beside its replacement, on some older blocks. */
export function oldMainOnEdge(seed: number, edge: number, streetClass: StreetClass): boolean {
  return (streetClass === 'local' || streetClass === 'secondary') && chance(rngFor(seed, 'old-main', edge), OLD_MAIN_SHARE);
}

/**
 * Cover (m) of a system's reference section at a point: smooth swells of 60–200 m wavelength across
 * its band, different for every system and seed.
 */
export function coverField(seed: number, code: SystemCode): (x: number, y: number) => number {
  const r = rngFor(seed, 'cover-field', code);
  const [lo, hi] = SYSTEMS[code].coverBand;
  const l1 = uniform(r, 60, 140), l2 = uniform(r, 80, 200), l3 = uniform(r, 50, 110);
  const p1 = uniform(r, 0, 6.3), p2 = uniform(r, 0, 6.3), p3 = uniform(r, 0, 6.3), a = uniform(r, 0, Math.PI);
  const ca = Math.cos(a), sa = Math.sin(a);
  return (x, y) => {
    const n = 0.6 * Math.sin(x / l1 + p1) * Math.sin(y / l2 + p2) + 0.4 * Math.sin((x * ca + y * sa) / l3 + p3);
    return lo + (hi - lo) * (0.5 + 0.5 * n);
  };
}
