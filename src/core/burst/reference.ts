/**
 * The plain way to answer a burst, kept as the independent twin of segments.ts + isolation.ts for
 * tests (an oracle) and the benchmark (the peer): no segments, no precomputed supply, just
 * breadth-first floods over nodes and links, with valves as walls at the link ends they sit on.
 *
 * 1. Flood from the burst link; stop at valves; pass a link end only if every valve there is open
 *    and none can be closed (all inoperable or failed). The flood is the isolated area.
 * 2. Flood from every source and tank outside the area over open link ends, avoiding the area; do
 *    the same once with nothing shut. What the second reaches and the first does not is the
 *    unintended isolation.
 * 3. Valves to close: the lowest-index closable valve at each link end on the area's edge whose far
 *    side is still supplied (all of them when the burst had no supply to begin with).
 *
 * Costs a pass over the whole network per burst.
 */
import { NODE_KIND, VALVE_NORMALLY_OPEN, VALVE_OPERABLE, type WaterGraph } from './graph';

export interface ReferenceIsolation {
  /** Per node / per link: 1 in the isolated area. */
  areaNodes: Uint8Array;
  areaLinks: Uint8Array;
  /** Per node / per link: 1 when cut off from every source by the closure (and supplied before). */
  unintendedNodes: Uint8Array;
  unintendedLinks: Uint8Array;
  valvesToClose: number[];
  optionalValves: number[];
}

export interface ReferenceNetwork {
  graph: WaterGraph;
  /** CSR of valves by link end (2·link + 0 at linkFrom, + 1 at linkTo); a self-loop's valves close both. */
  endStart: Int32Array;
  endValves: Int32Array;
  /** Elements (nodes, then links offset by nodeCount) that the sources reach with nothing shut. */
  suppliedBefore: Uint8Array;
}

export function prepareReference(graph: WaterGraph): ReferenceNetwork {
  const ends = 2 * graph.linkCount;
  const endStart = new Int32Array(ends + 1);
  const endsOf = (v: number): number[] => {
    const l = graph.valveLink[v]!;
    if (graph.linkFrom[l] === graph.linkTo[l]) return [2 * l, 2 * l + 1];
    return [2 * l + (graph.valveNode[v] === graph.linkFrom[l] ? 0 : 1)];
  };
  for (let v = 0; v < graph.valveCount; v++) for (const e of endsOf(v)) endStart[e + 1]!++;
  for (let e = 0; e < ends; e++) endStart[e + 1]! += endStart[e]!;
  const fill = endStart.slice(0, ends);
  const endValves = new Int32Array(endStart[ends]!);
  for (let v = 0; v < graph.valveCount; v++) for (const e of endsOf(v)) endValves[fill[e]!++] = v;
  const network: ReferenceNetwork = { graph, endStart, endValves, suppliedBefore: new Uint8Array(0) };
  network.suppliedBefore = floodFromSources(network, new Uint8Array(graph.nodeCount + graph.linkCount));
  return network;
}

function endIsOpen(net: ReferenceNetwork, e: number): boolean {
  for (let i = net.endStart[e]!; i < net.endStart[e + 1]!; i++) if ((net.graph.valveFlags[net.endValves[i]!]! & VALVE_NORMALLY_OPEN) === 0) return false;
  return true;
}

/** Lowest-index valve at end e that can be closed, or -1. */
function closableAt(net: ReferenceNetwork, e: number, failed: Uint8Array): number {
  let best = -1;
  for (let i = net.endStart[e]!; i < net.endStart[e + 1]!; i++) {
    const v = net.endValves[i]!;
    if ((net.graph.valveFlags[v]! & VALVE_OPERABLE) !== 0 && !failed[v] && (best < 0 || v < best)) best = v;
  }
  return best;
}

/** Elements reached from the sources outside `blocked` over open link ends. */
function floodFromSources(net: ReferenceNetwork, blocked: Uint8Array): Uint8Array {
  const g = net.graph;
  const N = g.nodeCount;
  const seen = new Uint8Array(N + g.linkCount);
  const queue = new Int32Array(N + g.linkCount);
  let tail = 0;
  for (let n = 0; n < N; n++) {
    const k = g.nodeKind[n];
    if ((k === NODE_KIND.source || k === NODE_KIND.tank) && !blocked[n]) { seen[n] = 1; queue[tail++] = n; }
  }
  for (let head = 0; head < tail; head++) {
    const x = queue[head]!;
    if (x < N) {
      for (let i = g.adjStart[x]!; i < g.adjStart[x + 1]!; i++) {
        const l = g.adjLinks[i]!;
        if (seen[N + l] || blocked[N + l] || !endIsOpen(net, 2 * l + (g.linkFrom[l] === x ? 0 : 1))) continue;
        seen[N + l] = 1; queue[tail++] = N + l;
      }
    } else {
      const l = x - N;
      for (let side = 0; side < 2; side++) {
        const n = side === 0 ? g.linkFrom[l]! : g.linkTo[l]!;
        if (seen[n] || blocked[n] || !endIsOpen(net, 2 * l + side)) continue;
        seen[n] = 1; queue[tail++] = n;
      }
    }
  }
  return seen;
}

export function referenceIsolation(net: ReferenceNetwork, burstLink: number, failedValves: readonly number[] = []): ReferenceIsolation {
  const g = net.graph;
  const N = g.nodeCount;
  const failed = new Uint8Array(g.valveCount);
  for (const v of failedValves) failed[v] = 1;
  const area = new Uint8Array(N + g.linkCount);
  const queue = new Int32Array(N + g.linkCount);
  let tail = 0;
  area[N + burstLink] = 1;
  queue[tail++] = N + burstLink;
  const passable = (e: number) => endIsOpen(net, e) && closableAt(net, e, failed) < 0;
  for (let head = 0; head < tail; head++) {
    const x = queue[head]!;
    if (x < N) {
      for (let i = g.adjStart[x]!; i < g.adjStart[x + 1]!; i++) {
        const l = g.adjLinks[i]!;
        if (!area[N + l] && passable(2 * l + (g.linkFrom[l] === x ? 0 : 1))) { area[N + l] = 1; queue[tail++] = N + l; }
      }
    } else {
      const l = x - N;
      for (let side = 0; side < 2; side++) {
        const n = side === 0 ? g.linkFrom[l]! : g.linkTo[l]!;
        if (!area[n] && passable(2 * l + side)) { area[n] = 1; queue[tail++] = n; }
      }
    }
  }

  const after = floodFromSources(net, area);
  const burstWasSupplied = net.suppliedBefore[N + burstLink] === 1;
  const toClose = new Set<number>();
  const optional = new Set<number>();
  for (let l = 0; l < g.linkCount; l++) {
    for (let side = 0; side < 2; side++) {
      const n = side === 0 ? g.linkFrom[l]! : g.linkTo[l]!;
      if (area[N + l] === area[n] || !endIsOpen(net, 2 * l + side)) continue;
      const v = closableAt(net, 2 * l + side, failed);
      if (v < 0) continue;
      const outside = area[n] ? N + l : n;
      (!burstWasSupplied || after[outside] ? toClose : optional).add(v);
    }
  }
  const lost = (x: number) => (burstWasSupplied && !area[x] && net.suppliedBefore[x] && !after[x] ? 1 : 0);
  return {
    areaNodes: area.slice(0, N), areaLinks: area.slice(N),
    unintendedNodes: Uint8Array.from({ length: N }, (_, n) => lost(n)),
    unintendedLinks: Uint8Array.from({ length: g.linkCount }, (_, l) => lost(N + l)),
    valvesToClose: [...toClose].sort((a, b) => a - b), optionalValves: [...optional].sort((a, b) => a - b),
  };
}
