/**
 * Where hydrants stand along a street: every 100–120 m of its length, counted on through its
 * corners (GB 50974-2014 spaces outdoor hydrants no more than 120 m apart), each one that would
 * fall among a corner's crossing lines moved to the nearest stretch where a lateral may leave the
 * main, and the count continued from where it went.
 */
import { clearRun } from './corners';
import { rngFor, uniform } from './random';
import type { StreetChain, StreetGraph } from './streetGraph';

const SPACING_M: readonly [number, number] = [100, 120];
const FIRST_M: readonly [number, number] = [20, 60];
/** A hydrant moved back out of a corner keeps at least this from the one before it. */
const MIN_SPACING_M = 85;
/** Room kept at the far end of a stretch for the hydrant's tee. */
const END_ROOM_M = 4;

/** Hydrant chainages (m along each edge) of one street, by edge id. */
export function hydrantsAlongStreet(seed: number, graph: StreetGraph, chain: StreetChain): Map<number, number[]> {
  const r = rngFor(seed, 'hydrants', chain.line, chain.edges[0]!);
  const stretches: { edge: number; start: number; lo: number; hi: number }[] = [];
  let start = 0;
  for (const id of chain.edges) {
    const edge = graph.edges[id]!;
    const [lo, hi] = clearRun(graph, edge);
    if (hi - END_ROOM_M > lo) stretches.push({ edge: id, start, lo: start + lo, hi: start + hi - END_ROOM_M });
    start += edge.length;
  }
  const out = new Map<number, number[]>(chain.edges.map((e) => [e, []]));
  if (stretches.length === 0) return out;
  let previous = -Infinity;
  for (let h = stretches[0]!.lo + uniform(r, FIRST_M[0], FIRST_M[1]); ;) {
    const inside = stretches.find((s) => h >= s.lo && h <= s.hi);
    const next = stretches.find((s) => s.lo > h);
    const before = [...stretches].reverse().find((s) => s.hi < h && s.hi >= previous + MIN_SPACING_M);
    const choices = [
      ...(inside ? [{ s: inside, at: h }] : []),
      ...(next ? [{ s: next, at: next.lo }] : []),
      ...(before ? [{ s: before, at: before.hi }] : []),
    ].sort((a, b) => Math.abs(a.at - h) - Math.abs(b.at - h));
    const chosen = choices[0];
    if (!chosen) break;
    out.get(chosen.s.edge)!.push(chosen.at - chosen.s.start);
    previous = chosen.at;
    h = chosen.at + uniform(r, SPACING_M[0], SPACING_M[1]);
  }
  return out;
}
