/**
 * The seeded synthetic network and digs the screening benches share, so every peer is measured
 * on the same data: links of SEGMENTS_PER_LINK segments wandering east or north, mixed utilities,
 * sizes and quality levels; rectangular and L-shaped digs.
 */
import { QUALITY_LEVELS, UTILITY_TYPES, type Link } from '../src/core/model';
import type { OpenCut } from '../src/core/screening/excavation';
import { mulberry32 } from '../src/core/random';

export const SEGMENTS_PER_LINK = 8;
/** Plan area per segment: 400 m² puts 1M segments (~15,000 km of line) in a 20 km square. */
export const AREA_PER_SEGMENT_M2 = 400;

export function network(rng: () => number, segments: number, side: number): Link[] {
  const links: Link[] = [];
  for (let l = 0; l * SEGMENTS_PER_LINK < segments; l++) {
    const v = new Float64Array((SEGMENTS_PER_LINK + 1) * 4);
    let x = rng() * side, y = rng() * side, z = -0.8 - rng() * 4;
    const heading = rng() < 0.5 ? 0 : Math.PI / 2;
    for (let i = 0; i <= SEGMENTS_PER_LINK; i++) {
      v[i * 4] = x; v[i * 4 + 1] = y; v[i * 4 + 2] = z; v[i * 4 + 3] = 0;
      const len = 10 + rng() * 30;
      const a = heading + (rng() - 0.5) * 0.3;
      x += len * Math.cos(a); y += len * Math.sin(a); z += (rng() - 0.5) * 0.4;
    }
    links.push({
      id: `L${l}`, utility: UTILITY_TYPES[l % UTILITY_TYPES.length]!, subtype: 'main', material: 'PE',
      section: { shape: 'circular', diameterMm: 50 + Math.floor(rng() * 1200) }, pressureClass: null, installYear: null,
      owner: 'bench', status: 'in_service', qualityLevel: rng() < 0.1 ? null : QUALITY_LEVELS[Math.floor(rng() * 4)]!,
      street: null, fromNode: null, toNode: null, vertices: v,
    });
  }
  return links;
}

export function dig(rng: () => number, side: number): OpenCut {
  const cx = rng() * side, cy = rng() * side;
  const w = 3 + rng() * 37, h = 2 + rng() * 10, a = rng() * Math.PI;
  const c = Math.cos(a), s = Math.sin(a);
  const local: [number, number][] = rng() < 0.5
    ? [[0, 0], [w, 0], [w, h], [0, h]]
    : [[0, 0], [w, 0], [w, h / 2], [w / 2, h / 2], [w / 2, h], [0, h]];
  return {
    kind: 'open_cut',
    footprint: local.map(([x, y]) => [cx + c * x - s * y, cy + s * x + c * y]),
    bottomZ: -1.5 - rng() * 4.5,
    topZ: 0,
  };
}

/** The seed of screeningPeers.ts's network and digs (and bench/screening.ts's). */
export const PEERS_SEED = 0xb0a7;

/**
 * screeningPeers.ts's network and digs, which screeningPeersFull.ts shares: `segments` segments (from
 * the command line: positive) in a square of side `side`, then `digCount` digs from the same generator.
 */
export function peersCity(segments: number, digCount: number): { side: number; links: Link[]; digs: OpenCut[] } {
  if (!(segments > 0)) throw new RangeError(`segments should be a positive number, got ${segments}`);
  const rng = mulberry32(PEERS_SEED + segments);
  const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
  const links = network(rng, segments, side);
  return { side, links, digs: Array.from({ length: digCount }, () => dig(rng, side)) };
}
