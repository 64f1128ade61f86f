/**
 * Excavations: the volumes a permit asks to dig, in the project's local metric frame (x east,
 * y north, metres) with elevations in the project's vertical datum (DESIGN.md, "Screening a dig").
 *
 *   open_cut  a polygon footprint, possibly with holes, from topZ down to bottomZ    (openCut.ts)
 *   trench    a centre line + width, the bottom's elevation at each vertex, topZ     (trench.ts)
 *   bore      an HDD path (3D polyline) + reamer diameter, optional entry/exit pits (bore.ts)
 *   piles     points + diameter + depth below a top elevation, each a cylinder      (piles.ts)
 *
 * `Excavation` is a union discriminated on `kind`; each kind has its validator, called through
 * `validateExcavation`, and its screened volume in volume.ts. Every excavation is untrusted input:
 * validation refuses it with an ExcavationError naming the field and quoting the value, and returns a
 * normalised copy (the input is never mutated). A permit can hold several (permit.ts).
 */
import { validateBore, type BorePath } from './bore';
import { validateOpenCut, type OpenCut } from './openCut';
import { validatePiles, type PileGroup } from './piles';
import { validateTrench, type Trench } from './trench';
import { ExcavationError, fmt } from './validation';

export { ExcavationError, MAX_EXCAVATION_DEPTH_M, MAX_EXCAVATION_EXTENT_M } from './validation';
export { MAX_FOOTPRINT_VERTICES, MIN_FOOTPRINT_AREA_M2, validateOpenCut, type OpenCut } from './openCut';
export { MAX_CENTRELINE_VERTICES, MAX_TRENCH_BOTTOM_SLOPE, MAX_TRENCH_WIDTH_M, MIN_TRENCH_DEPTH_M, MIN_TRENCH_LEG_M, MIN_TRENCH_LENGTH_M, MIN_TRENCH_WIDTH_M, validateTrench, type Trench } from './trench';
export { MAX_BORE_VERTICES, MAX_REAMER_DIAMETER_M, MIN_BORE_LENGTH_M, MIN_REAMER_DIAMETER_M, validateBore, type BorePath } from './bore';
export { MAX_PILE_DIAMETER_M, MAX_PILES, MIN_PILE_DEPTH_M, MIN_PILE_DIAMETER_M, validatePiles, type Pile, type PileGroup } from './piles';

export type Excavation = OpenCut | Trench | BorePath | PileGroup;
export type ExcavationKind = Excavation['kind'];
export const EXCAVATION_KINDS: readonly ExcavationKind[] = ['open_cut', 'trench', 'bore', 'piles'];

/** Dispatches on `kind`; an unknown kind is refused with the list of known ones. */
export function validateExcavation(input: unknown): Excavation {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  switch (kind) {
    case 'open_cut': return validateOpenCut(input);
    case 'trench': return validateTrench(input);
    case 'bore': return validateBore(input);
    case 'piles': return validatePiles(input);
    default:
      throw new ExcavationError('kind', `unknown excavation kind ${fmt(kind)}; known kinds: ${EXCAVATION_KINDS.join(', ')}`);
  }
}
