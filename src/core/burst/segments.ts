/**
 * Valve segmentation with WNTR's semantics (wntr.metrics.topographic.valve_segments; the rule is
 * quoted in ../shared/data/real/README.md from the project root): delete every link that carries a
 * valve; each connected component of what is left is a segment; a link with valves at both ends is
 * a segment of its own; a link with one valve belongs to the segment of its unvalved end.
 *
 * Equivalently: the segments are the components of the graph whose vertices are nodes and links
 * and whose edges join a link to each of its ends, except the (link, node) pairs that hold a valve.
 * One union-find over the nodes (union by size, path halving; no recursion), then a counting sort
 * for the member lists: linear in nodes + links + valves.
 *
 * Several valves in series at the same (link, node) form one cut: water passes it only if all of
 * them are open, and closing any one of them shuts it. Boundaries list each cut once, by its lowest
 * valve index.
 */
import type { WaterGraph } from './graph';
import { buildSupplyIndex, type SupplyIndex } from './supply';

export interface ValvePartition {
  readonly segmentCount: number;
  readonly nodeSegment: Int32Array;
  readonly linkSegment: Int32Array;
  /** CSR: the nodes of segment s are segmentNodes[segmentNodeStart[s] .. segmentNodeStart[s+1]). */
  readonly segmentNodeStart: Int32Array;
  readonly segmentNodes: Int32Array;
  readonly segmentLinkStart: Int32Array;
  readonly segmentLinks: Int32Array;
  /** Per valve: the segment of its link and of its node (equal when it separates nothing). */
  readonly valveLinkSide: Int32Array;
  readonly valveNodeSide: Int32Array;
  /** Per valve: the lowest valve index at the same (link, node), which stands for the cut. */
  readonly valveCut: Int32Array;
  /** Per valve: the next valve at the same cut, or -1. Start from the cut's own index. */
  readonly nextValveInCut: Int32Array;
  /** CSR: the cuts (by lead valve) with exactly one side in segment s. */
  readonly boundaryStart: Int32Array;
  readonly boundaryCuts: Int32Array;
}

export interface ValveSegmentation extends ValvePartition {
  /** Which segments the sources reach with every normally open valve open (supply.ts). */
  readonly supply: SupplyIndex;
}

/** The segment on the other side of cut `v` from segment `s`. */
export function across(partition: ValvePartition, v: number, s: number): number {
  const a = partition.valveLinkSide[v]!;
  return a === s ? partition.valveNodeSide[v]! : a;
}

const VALVE_AT_FROM = 1;
const VALVE_AT_TO = 2;

function root(parent: Int32Array, i: number): number {
  while (parent[i]! !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g;
    i = g;
  }
  return i;
}

export function segmentValves(graph: WaterGraph): ValveSegmentation {
  const partition = partitionByValves(graph);
  return { ...partition, supply: buildSupplyIndex(graph, partition) };
}

/**
 * Memory is the cost that matters at a million links (fresh pages are slow to fault in on small
 * VMs), so scratch space is kept to one byte per node and one per link: the union-find forest
 * turns into the node labels in place, and the counting sorts reuse their own offsets.
 */
export function partitionByValves(graph: WaterGraph): ValvePartition {
  const { nodeCount, linkCount, valveCount, linkFrom, linkTo, valveLink, valveNode } = graph;
  const valvedEnds = new Uint8Array(linkCount);
  let seriesValves = false;
  for (let v = 0; v < valveCount; v++) {
    const l = valveLink[v]!;
    const a = linkFrom[l]!, b = linkTo[l]!;
    // A valve on a self-loop closes both of its ends.
    const bit = a === b ? VALVE_AT_FROM | VALVE_AT_TO : valveNode[v] === a ? VALVE_AT_FROM : VALVE_AT_TO;
    if ((valvedEnds[l]! & bit) !== 0) seriesValves = true;
    valvedEnds[l]! |= bit;
  }

  // Union by rank with path halving; the forest lives in what becomes nodeSegment.
  const parent = new Int32Array(nodeCount);
  const rank = new Uint8Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) parent[n] = n;
  for (let l = 0; l < linkCount; l++) {
    if (valvedEnds[l] !== 0) continue;
    let a = root(parent, linkFrom[l]!), b = root(parent, linkTo[l]!);
    if (a === b) continue;
    if (rank[a]! < rank[b]!) { const t = a; a = b; b = t; }
    parent[b] = a;
    if (rank[a] === rank[b]) rank[a]!++;
  }
  // Point every node at its root; number the roots in node order, stored as -(label + 1).
  let segmentCount = 0;
  for (let n = 0; n < nodeCount; n++) {
    const r = root(parent, n);
    parent[n] = r;
  }
  for (let n = 0; n < nodeCount; n++) if (parent[n] === n) parent[n] = -1 - segmentCount++;
  // Every non-root points straight at a root, which still holds its code: copy it, then decode.
  for (let n = 0; n < nodeCount; n++) if (parent[n]! >= 0) parent[n] = parent[parent[n]!]!;
  const nodeSegment = parent;
  for (let n = 0; n < nodeCount; n++) nodeSegment[n] = -1 - nodeSegment[n]!;
  const linkSegment = new Int32Array(linkCount);
  for (let l = 0; l < linkCount; l++) {
    const ends = valvedEnds[l]!;
    if (ends === (VALVE_AT_FROM | VALVE_AT_TO)) linkSegment[l] = segmentCount++;
    else linkSegment[l] = nodeSegment[ends === VALVE_AT_FROM ? linkTo[l]! : linkFrom[l]!]!;
  }

  const nodes = groupBy(nodeSegment, segmentCount);
  const links = groupBy(linkSegment, segmentCount);
  const cuts = cutsOf(graph, nodeSegment, linkSegment, segmentCount, seriesValves);
  return {
    segmentCount, nodeSegment, linkSegment,
    segmentNodeStart: nodes.start, segmentNodes: nodes.members,
    segmentLinkStart: links.start, segmentLinks: links.members,
    ...cuts,
  };
}

/** Counting sort of element indices by their group: CSR start (groups + 1) and members. */
function groupBy(groupOf: Int32Array, groups: number): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < groupOf.length; i++) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const members = new Int32Array(groupOf.length);
  // start[g] serves as group g's write cursor, which leaves it at start[g + 1]: shift back after.
  for (let i = 0; i < groupOf.length; i++) members[start[groupOf[i]!]!++] = i;
  for (let g = groups; g > 0; g--) start[g] = start[g - 1]!;
  start[0] = 0;
  return { start, members };
}

function cutsOf(graph: WaterGraph, nodeSegment: Int32Array, linkSegment: Int32Array, segmentCount: number, seriesValves: boolean) {
  const { valveCount, valveLink, valveNode, linkFrom } = graph;
  const valveLinkSide = new Int32Array(valveCount);
  const valveNodeSide = new Int32Array(valveCount);
  const valveCut = new Int32Array(valveCount);
  const nextValveInCut = new Int32Array(valveCount).fill(-1);
  // Valves in series are rare: only then is the last valve seen at each link end looked up.
  const lastAtEnd = seriesValves ? new Map<number, number>() : null;
  for (let v = 0; v < valveCount; v++) {
    const l = valveLink[v]!;
    valveLinkSide[v] = linkSegment[l]!;
    valveNodeSide[v] = nodeSegment[valveNode[v]!]!;
    valveCut[v] = v;
    if (!lastAtEnd) continue;
    const end = 2 * l + (valveNode[v] === linkFrom[l] ? 0 : 1);
    const previous = lastAtEnd.get(end);
    if (previous !== undefined) { valveCut[v] = valveCut[previous]!; nextValveInCut[previous] = v; }
    lastAtEnd.set(end, v);
  }
  const boundaryStart = new Int32Array(segmentCount + 1);
  for (let v = 0; v < valveCount; v++) {
    if (valveCut[v] !== v || valveLinkSide[v] === valveNodeSide[v]) continue;
    boundaryStart[valveLinkSide[v]! + 1]!++;
    boundaryStart[valveNodeSide[v]! + 1]!++;
  }
  for (let s = 0; s < segmentCount; s++) boundaryStart[s + 1]! += boundaryStart[s]!;
  const boundaryCuts = new Int32Array(boundaryStart[segmentCount]!);
  for (let v = 0; v < valveCount; v++) {
    if (valveCut[v] !== v || valveLinkSide[v] === valveNodeSide[v]) continue;
    boundaryCuts[boundaryStart[valveLinkSide[v]!]!++] = v;
    boundaryCuts[boundaryStart[valveNodeSide[v]!]!++] = v;
  }
  for (let s = segmentCount; s > 0; s--) boundaryStart[s] = boundaryStart[s - 1]!;
  boundaryStart[0] = 0;
  return { valveLinkSide, valveNodeSide, valveCut, nextValveInCut, boundaryStart, boundaryCuts };
}
