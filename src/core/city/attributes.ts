/**
 * Record attributes of the sample city's lines: owners, install years, position quality levels and
 * status. Owners are Guangzhou's utilities (the district-energy operator is illustrative). Years run
 * 1975–2024, set by when a street was built and when each line was renewed; older records are more
 * often QL-D (records only), as in any real archive (ASCE 38-22, CJJ 61-2017).
 */
import type { QualityLevel, UtilityType } from '../model';
import { chance, integer, rngFor, weighted, type Rng } from './random';

export const OWNERS: Readonly<Record<UtilityType, readonly string[]>> = {
  water: ['广州市自来水公司 Guangzhou Water Supply Co.'],
  sewer: ['广州市排水公司 Guangzhou Drainage Co.'],
  storm: ['广州市排水公司 Guangzhou Drainage Co.'],
  gas: ['广州燃气集团 Guangzhou Gas Group'],
  power: ['广州供电局 Guangzhou Power Supply Bureau'],
  telecom: ['中国电信广州分公司 China Telecom Guangzhou', '中国移动广州分公司 China Mobile Guangzhou', '中国联通广州分公司 China Unicom Guangzhou'],
  heat: ['广州珠江新城区域能源公司 Zhujiang New Town District Energy Co.'],
};

const FIRST_YEAR = 1975;
const LAST_YEAR = 2024;

/** The owner of a utility's line under a street: telecom operators share streets out between them. */
export function ownerOf(seed: number, utility: UtilityType, street: string): string {
  const list = OWNERS[utility];
  return list.length === 1 ? list[0]! : list[Math.floor(rngFor(seed, 'owner', utility, street)() * list.length)]!;
}

/** The year a street was built out. */
function streetEra(seed: number, street: string): number {
  return integer(rngFor(seed, 'street-era', street), 1978, 2012);
}

const EARLIEST: Partial<Record<UtilityType, number>> = { telecom: 1990, heat: 2005 };

/**
 * A line's install year: the street's era plus a few years, and for a quarter of lines a later
 * renewal; never before the utility existed here (fibre ducts from 1990, district energy from 2005).
 */
export function installYear(seed: number, utility: UtilityType, street: string, key: string | number): number {
  const r = rngFor(seed, 'install-year', utility, key);
  let year = streetEra(seed, street) + integer(r, -3, 8);
  if (chance(r, 0.25)) year = integer(r, Math.max(year, 2000), LAST_YEAR);
  year = Math.max(year, EARLIEST[utility] ?? FIRST_YEAR);
  return Math.min(LAST_YEAR, Math.max(FIRST_YEAR, year));
}

/** A service line: laid when its building went up, at or after the main. */
export function serviceYear(r: Rng, mainYear: number): number {
  return Math.min(LAST_YEAR, mainYear + integer(r, 0, 15));
}

/**
 * QL by age: before 1995 mostly records only (D) or correlated (C); later lines mostly detected (B),
 * a few exposed (A). Across the city this gives about A 3–5 %, B 40 %, C 35 %, D 20 %.
 */
export function qualityLevel(r: Rng, year: number): QualityLevel {
  if (year < 1995) return weighted(r, [['A', 1], ['B', 18], ['C', 36], ['D', 45]]);
  return weighted(r, [['A', 4], ['B', 46], ['C', 34], ['D', 16]]);
}

/** Share of service lines whose building is gone: abandoned in place. */
const ABANDONED_SERVICE_SHARE = 0.012;

export function serviceStatus(r: Rng): 'in_service' | 'abandoned' {
  return chance(r, ABANDONED_SERVICE_SHARE) ? 'abandoned' : 'in_service';
}
