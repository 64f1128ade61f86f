/**
 * Sizes, materials and pressure or voltage classes of the mains under a street, by street class:
 * bigger water mains and higher gas pressure on arterials (GB 50028 classes: low ≤ 0.01 MPa,
 * medium B ≤ 0.2, medium A ≤ 0.4), 10 kV duct banks everywhere and 110 kV banks on arterials,
 * district-energy pairs DN300–DN500. Sizes are per street (chain), so a main keeps its size along
 * the street; materials follow the install year (grey cast iron before 1995).
 */
import type { CrossSection } from '../model';
import { chance, pick, rngFor } from './random';
import type { StreetClass } from './streets';
import type { SystemCode } from './systems';

export interface MainSpec {
  section: CrossSection;
  material: string;
  pressureClass: string | null;
  subtype: string;
}

const circular = (diameterMm: number): CrossSection => ({ shape: 'circular', diameterMm });
const rect = (widthMm: number, heightMm: number): CrossSection => ({ shape: 'rect', widthMm, heightMm });

const WATER_DN: Record<StreetClass, readonly number[]> = {
  arterial: [400, 500, 600], secondary: [200, 300], local: [100, 150, 200], lane: [100],
};
const HEAT_DN: Record<StreetClass, readonly number[]> = {
  arterial: [500, 400], secondary: [400, 300], local: [300, 200], lane: [200],
};

/** The main of `code` under street `line` (a chain's line key), laid in `year`. */
export function mainSpec(seed: number, code: SystemCode, line: string, streetClass: StreetClass, year: number): MainSpec {
  const r = rngFor(seed, 'main-spec', code, line);
  switch (code) {
    case 'water': {
      const dn = pick(r, WATER_DN[streetClass]);
      const material = year < 1995 ? 'cast_iron' : dn <= 200 && year >= 2005 && chance(r, 0.5) ? 'pe' : 'ductile_iron';
      return { section: circular(dn), material, pressureClass: null, subtype: 'main' };
    }
    case 'water_old':
      return { section: circular(pick(r, [150, 200, 300])), material: 'cast_iron', pressureClass: null, subtype: 'main' };
    case 'gas':
      if (streetClass === 'arterial') return { section: circular(pick(r, [300, 400])), material: 'steel', pressureClass: 'medium_a', subtype: 'main' };
      if (streetClass === 'secondary') {
        return chance(r, 0.5)
          ? { section: circular(250), material: 'pe', pressureClass: 'medium_b', subtype: 'main' }
          : { section: circular(200), material: 'steel', pressureClass: 'medium_b', subtype: 'main' };
      }
      return { section: circular(streetClass === 'lane' ? 90 : pick(r, [110, 160])), material: 'pe', pressureClass: 'low', subtype: 'main' };
    case 'power':
      return { section: streetClass === 'local' || streetClass === 'lane' ? rect(600, 400) : rect(800, 500), material: 'concrete', pressureClass: '10kV', subtype: 'duct_bank' };
    case 'power_hv':
      return { section: rect(1000, 700), material: 'concrete', pressureClass: '110kV', subtype: 'duct_bank' };
    case 'telecom':
      return { section: streetClass === 'local' || streetClass === 'lane' ? rect(400, 300) : rect(500, 400), material: 'pvc', pressureClass: null, subtype: 'duct_bank' };
    case 'heat_supply':
    case 'heat_return':
      return {
        section: circular(pick(rngFor(seed, 'main-spec', 'heat', line), HEAT_DN[streetClass])),
        material: 'steel', pressureClass: null, subtype: code === 'heat_supply' ? 'supply' : 'return',
      };
    case 'sewer':
    case 'storm':
      throw new RangeError(`mainSpec: ${code} is graded, not specified per street (see gravityNetwork.ts)`);
  }
}
