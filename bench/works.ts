/**
 * The seeded works of every kind that bench/screeningPeersWorks.ts measures against PostGIS (its
 * header says what each kind is), drawn here so that a same-run A/B of one kind
 * (bench/screeningBoreAB.ts) screens exactly the same works.
 */
import type { Link } from '../src/core/model';
import { mulberry32, type Rng } from '../src/core/random';
import { validateExcavation, type Excavation } from '../src/core/screening/excavation';
import type { OpenCut } from '../src/core/screening/openCut';
import { dig } from './syntheticNetwork';

export const KINDS = ['open_cut', 'trench', 'bore', 'piles'] as const;
export type Kind = (typeof KINDS)[number];

/** perKind valid works of each kind, in KINDS order from one rng, over a side × side square. */
export function drawWorks(rng: Rng, side: number, perKind: number): { works: Record<Kind, Excavation[]>; refused: number } {
  const between = (a: number, b: number): number => a + rng() * (b - a);

  /** A plan polyline from (x, y) heading a: legs of the given lengths, each turning by up to ±turn radians. */
  function wander(legs: number[], turn: number): [number, number][] {
    let x = between(300, side - 300), y = between(300, side - 300), a = rng() * 2 * Math.PI;
    const out: [number, number][] = [[x, y]];
    for (const len of legs) {
      x += len * Math.cos(a); y += len * Math.sin(a);
      out.push([x, y]);
      a += (rng() - 0.5) * 2 * turn;
    }
    return out;
  }

  /** Legs of random shares of a total length. */
  function legs(count: number, total: number): number[] {
    const w = Array.from({ length: count }, () => 0.7 + rng() * 0.6);
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => (x / sum) * total);
  }

  function trench(): Excavation {
    const n = 3 + Math.floor(rng() * 4);
    const centreline = wander(legs(n - 1, between(20, 200)), (40 * Math.PI) / 180);
    const base = between(1, 2.5);
    return { kind: 'trench', centreline, width: between(0.6, 1.5), bottomZ: centreline.map(() => -(base + rng() * 0.5)), topZ: 0 };
  }

  /** A 3 m × 2 m pit, 2.5 m deep, centred on (x, y), its long side along heading a. */
  function pit(x: number, y: number, a: number): OpenCut {
    const c = Math.cos(a), s = Math.sin(a);
    const corner = (u: number, v: number): [number, number] => [x + c * u - s * v, y + s * u + c * v];
    return { kind: 'open_cut', footprint: [corner(-1.5, -1), corner(1.5, -1), corner(1.5, 1), corner(-1.5, 1)], bottomZ: -2.5, topZ: 0 };
  }

  function bore(): Excavation {
    const n = 3 + Math.floor(rng() * 4);
    const plan = wander(legs(n - 1, between(100, 400)), (10 * Math.PI) / 180);
    const deep = between(3, 15);
    const path = plan.map(([x, y], i): [number, number, number] => [x, y, i === 0 || i === n - 1 ? -2 : -(deep * between(0.7, 1))]);
    const heading = (i: number, j: number): number => Math.atan2(plan[j]![1] - plan[i]![1], plan[j]![0] - plan[i]![0]);
    return {
      kind: 'bore', path, reamerDiameter: between(0.2, 0.6),
      entryPit: pit(plan[0]![0], plan[0]![1], heading(0, 1)), exitPit: pit(plan[n - 1]![0], plan[n - 1]![1], heading(n - 2, n - 1)),
    };
  }

  function piles(): Excavation {
    const count = 4 + Math.floor(rng() * 17);
    const [x0, y0] = wander([], 0)[0]!, a = rng() * Math.PI, c = Math.cos(a), s = Math.sin(a);
    const spacing = between(2, 5), diameter = between(0.3, 1), depth = between(5, 20);
    const columns = rng() < 0.5 ? count : Math.ceil(Math.sqrt(count));
    return {
      kind: 'piles',
      piles: Array.from({ length: count }, (_, k) => {
        const u = (k % columns) * spacing, v = Math.floor(k / columns) * spacing;
        return { x: x0 + c * u - s * v, y: y0 + s * u + c * v, diameter, topZ: 0, depth };
      }),
    };
  }

  const make: Record<Kind, () => Excavation> = { open_cut: () => dig(rng, side), trench, bore, piles };
  let refused = 0;
  const works: Record<Kind, Excavation[]> = { open_cut: [], trench: [], bore: [], piles: [] };
  // The drawn work is kept, not the validator's copy (the same numbers: these works have no repeated
  // vertex or closing one to drop). Keeping 1,000 of the validator's outputs alive taught V8 to
  // allocate at the validator's sites straight into the old generation (allocation-site
  // pretenuring), which then made every later screening's validation slower on the side (A or B)
  // whose validator drew the works: piles read A / B 0.70 at p50 with it, 1.16 without.
  for (const kind of KINDS) {
    while (works[kind].length < perKind) {
      const w = make[kind]();
      try {
        validateExcavation(w);
        works[kind].push(w);
      } catch {
        refused++; // a centre line or path that met itself: drawn again
      }
    }
  }
  return { works, refused };
}

/**
 * bench/batch.ts's permits: `permits` open cuts of 2–22 m a side, each within 20 m of a random line's
 * first vertex, 1–4 m below its ground (seed 5), so that other benches screen exactly the same batch.
 */
export function batchOpenCuts(links: readonly Link[], permits: number): Excavation[] {
  const rand = mulberry32(5);
  return Array.from({ length: permits }, () => {
    const link = links[Math.floor(rand() * links.length)]!;
    const x = link.vertices[0]! + (rand() - 0.5) * 40, y = link.vertices[1]! + (rand() - 0.5) * 40;
    const w = 2 + rand() * 20, h = 2 + rand() * 20, ground = link.vertices[3]!;
    return { kind: 'open_cut', footprint: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]], bottomZ: ground - 1 - rand() * 3, topZ: ground + 1 };
  });
}
