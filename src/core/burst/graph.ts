/**
 * The water network as a compact graph for burst response: nodes and links in typed arrays with a
 * CSR adjacency (node → incident links), and isolation valves as WNTR's (link, node) pairs: a valve
 * sits on `link` at the end that touches `node` (../shared/data/real/README.md from the project root).
 *
 * Built from a plain input (fromModel.ts makes it from our model, epanet.ts from an EPANET file).
 * Bad data never throws and never vanishes: a link end whose node is missing is snapped
 * (snapping.ts) or kept as a dead end, and every such case is reported as a `GraphIssue`.
 *
 * Frames and units: x, y in the project's local frame (metres); lengths and diameters in metres;
 * valve depth = ground − valve elevation, m (NaN when unknown).
 */
import { CUSTOMER_CLASSES, type CustomerClass } from '../model';
import { DEFAULT_SNAP_TOLERANCE_M, snapDanglingEnds } from './snapping';

export const WATER_NODE_KINDS = ['junction', 'source', 'tank', 'hydrant', 'service_connection'] as const;
export type WaterNodeKind = (typeof WATER_NODE_KINDS)[number];
/** Codes stored in `WaterGraph.nodeKind`. Sources and tanks feed the network. */
export const NODE_KIND = { junction: 0, source: 1, tank: 2, hydrant: 3, service_connection: 4 } as const;
/** `WaterGraph.nodeCustomer`: 0 for none, else 1 + the index in CUSTOMER_CLASSES. */
export const CUSTOMER_CODE = { none: 0, domestic: 1, business: 2, critical: 3 } as const;
/** Bits of `WaterGraph.valveFlags`. */
export const VALVE_NORMALLY_OPEN = 1;
export const VALVE_OPERABLE = 2;

export interface WaterNodeInput {
  id: string;
  kind: WaterNodeKind;
  x: number;
  y: number;
  customerClass?: CustomerClass | null;
  /** A critical customer's name (a hospital, a school). */
  name?: string | null;
}

export interface WaterLinkInput {
  id: string;
  /** End node ids; null (or an id not among the nodes) sends the end to snapping. */
  from: string | null;
  to: string | null;
  /** First and last vertex, local frame m: where a missing end is snapped from. */
  startX: number;
  startY: number;
  endX: number;
  endY: number;
  /** m; pumps and valve links carry 0. */
  length: number;
  /** Inner diameter, m; NaN when unknown (the link then adds no water volume). */
  diameter: number;
}

export interface WaterValveInput {
  id: string;
  link: string;
  /** The end of `link` the valve sits at: a node id, or which end when the node has no id. */
  node?: string;
  end?: 'from' | 'to';
  normallyOpen: boolean;
  operable: boolean;
  x: number;
  y: number;
  /** Ground − valve elevation, m; null when unknown. */
  depth: number | null;
}

export interface WaterGraphInput {
  nodes: readonly WaterNodeInput[];
  links: readonly WaterLinkInput[];
  valves: readonly WaterValveInput[];
}

export interface WaterGraph {
  readonly nodeCount: number;
  readonly linkCount: number;
  readonly valveCount: number;
  readonly nodeIds: readonly string[];
  readonly nodeKind: Uint8Array;
  readonly nodeCustomer: Uint8Array;
  /** Names of named nodes (critical customers), by node index. */
  readonly nodeNames: ReadonlyMap<number, string>;
  readonly nodeX: Float64Array;
  readonly nodeY: Float64Array;
  readonly linkIds: readonly string[];
  readonly linkFrom: Int32Array;
  readonly linkTo: Int32Array;
  readonly linkLength: Float64Array;
  readonly linkDiameter: Float64Array;
  /** CSR: the links at node n are adjLinks[adjStart[n] .. adjStart[n+1]). A self-loop appears twice. */
  readonly adjStart: Int32Array;
  readonly adjLinks: Int32Array;
  readonly valveIds: readonly string[];
  readonly valveLink: Int32Array;
  /** Always linkFrom or linkTo of the valve's link. */
  readonly valveNode: Int32Array;
  readonly valveFlags: Uint8Array;
  readonly valveX: Float64Array;
  readonly valveY: Float64Array;
  readonly valveDepth: Float64Array;
}

export type GraphIssueKind =
  | 'duplicate_id' | 'invalid_value' | 'end_snapped_to_node' | 'ambiguous_snap' | 'ends_joined' | 'unconnected_end'
  | 'unknown_valve_link' | 'valve_not_at_link_end' | 'no_source';

export interface GraphIssue {
  kind: GraphIssueKind;
  element: 'node' | 'link' | 'valve';
  id: string;
  message: string;
}

export interface WaterGraphBuild {
  graph: WaterGraph;
  /** The first `maxIssues` issues; `issueCounts` has them all. */
  issues: GraphIssue[];
  issueCounts: Partial<Record<GraphIssueKind, number>>;
}

export interface GraphBuildOptions {
  /** m; DEFAULT_SNAP_TOLERANCE_M (1 cm) when absent. */
  snapTolerance?: number;
  maxIssues?: number;
}

const DEFAULT_MAX_ISSUES = 200;

class Issues {
  readonly list: GraphIssue[] = [];
  readonly counts: Partial<Record<GraphIssueKind, number>> = {};
  constructor(private readonly max: number) {}
  add(kind: GraphIssueKind, element: GraphIssue['element'], id: string, message: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.list.length < this.max) this.list.push({ kind, element, id, message });
  }
}

export function buildWaterGraph(input: WaterGraphInput, options: GraphBuildOptions = {}): WaterGraphBuild {
  const tolerance = options.snapTolerance ?? DEFAULT_SNAP_TOLERANCE_M;
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) throw new RangeError(`buildWaterGraph: options.snapTolerance must be a finite length ≥ 0 m; got ${tolerance}`);
  const issues = new Issues(options.maxIssues ?? DEFAULT_MAX_ISSUES);

  const nodeIndex = new Map<string, number>();
  const kept: WaterNodeInput[] = [];
  for (const n of input.nodes) {
    if (nodeIndex.has(n.id)) { issues.add('duplicate_id', 'node', n.id, 'a second node with this id is ignored'); continue; }
    nodeIndex.set(n.id, kept.length);
    kept.push(n);
  }
  const givenNodes = kept.length;
  const linkCount = input.links.length;

  // Ends without a known node go to snapping.
  const danglingLink: number[] = [];
  const danglingX: number[] = [];
  const danglingY: number[] = [];
  const linkFrom = new Int32Array(linkCount);
  const linkTo = new Int32Array(linkCount);
  for (let l = 0; l < linkCount; l++) {
    const link = input.links[l]!;
    const a = link.from === null ? undefined : nodeIndex.get(link.from);
    const b = link.to === null ? undefined : nodeIndex.get(link.to);
    linkFrom[l] = a ?? -1;
    linkTo[l] = b ?? -1;
    if (a === undefined) { danglingLink.push(2 * l); danglingX.push(link.startX); danglingY.push(link.startY); }
    if (b === undefined) { danglingLink.push(2 * l + 1); danglingX.push(link.endX); danglingY.push(link.endY); }
  }
  const nodeX0 = new Float64Array(givenNodes);
  const nodeY0 = new Float64Array(givenNodes);
  for (let n = 0; n < givenNodes; n++) { nodeX0[n] = kept[n]!.x; nodeY0[n] = kept[n]!.y; }
  const snap = snapDanglingEnds(Float64Array.from(danglingX), Float64Array.from(danglingY), nodeX0, nodeY0, tolerance);
  const nodeIds = kept.map((n) => n.id);
  const newNodeX: number[] = [];
  const newNodeY: number[] = [];
  for (let j = 0; j < snap.newJunctions; j++) {
    const e = snap.junctionFirstEnd[j]!;
    const code = danglingLink[e]!;
    const linkId = input.links[code >> 1]!.id;
    nodeIds.push(`${linkId}:${code & 1 ? 'end' : 'start'}`);
    newNodeX.push(danglingX[e]!);
    newNodeY.push(danglingY[e]!);
  }
  for (let e = 0; e < danglingLink.length; e++) {
    const code = danglingLink[e]!;
    const l = code >> 1;
    const link = input.links[l]!;
    const t = snap.target[e]!;
    (code & 1 ? linkTo : linkFrom)[l] = t;
    const named = code & 1 ? link.to : link.from;
    const which = `${code & 1 ? 'end' : 'start'}${named === null ? '' : ` (node "${named}" is not in the delivery)`}`;
    const inReach = snap.nodesInReach[e]!;
    if (t < givenNodes && inReach > 1) issues.add('ambiguous_snap', 'link', link.id, `${which} snapped to node "${nodeIds[t]}", the nearest of ${inReach} nodes within ${tolerance} m`);
    else if (t < givenNodes) issues.add('end_snapped_to_node', 'link', link.id, `${which} snapped to node "${nodeIds[t]}" within ${tolerance} m`);
    else if (snap.junctionSize[t - givenNodes]! > 1) issues.add('ends_joined', 'link', link.id, `${which} joined to other link ends within ${tolerance} m as junction "${nodeIds[t]}"`);
    else issues.add('unconnected_end', 'link', link.id, `${which} has no node within ${tolerance} m: kept as dead end "${nodeIds[t]}"`);
  }

  const nodeCount = nodeIds.length;
  const nodeKind = new Uint8Array(nodeCount);
  const nodeCustomer = new Uint8Array(nodeCount);
  const nodeNames = new Map<number, string>();
  const nodeX = new Float64Array(nodeCount);
  const nodeY = new Float64Array(nodeCount);
  nodeX.set(nodeX0); nodeY.set(nodeY0);
  nodeX.set(newNodeX, givenNodes); nodeY.set(newNodeY, givenNodes);
  for (let n = 0; n < givenNodes; n++) {
    const node = kept[n]!;
    nodeKind[n] = NODE_KIND[node.kind];
    if (node.customerClass) nodeCustomer[n] = 1 + CUSTOMER_CLASSES.indexOf(node.customerClass);
    if (node.name) nodeNames.set(n, node.name);
  }

  if (!kept.some((n) => n.kind === 'source' || n.kind === 'tank')) {
    issues.add('no_source', 'node', '', 'no source or tank node: every part of the network is without supply, and every trace reports it all');
  }

  const linkIds: string[] = new Array(linkCount);
  const linkIndex = new Map<string, number>();
  const linkLength = new Float64Array(linkCount);
  const linkDiameter = new Float64Array(linkCount);
  for (let l = 0; l < linkCount; l++) {
    const link = input.links[l]!;
    linkIds[l] = link.id;
    if (linkIndex.has(link.id)) issues.add('duplicate_id', 'link', link.id, `a second link with this id is kept in the graph; valves naming it sit on the first`);
    else linkIndex.set(link.id, l);
    if (Number.isFinite(link.length) && link.length >= 0) linkLength[l] = link.length;
    else issues.add('invalid_value', 'link', link.id, `length must be a finite number of metres ≥ 0; got ${link.length}: counted as 0`);
    linkDiameter[l] = Number.isFinite(link.diameter) && link.diameter > 0 ? link.diameter : NaN;
  }
  const { adjStart, adjLinks } = incidence(nodeCount, linkFrom, linkTo);

  const valves = placeValves(input.valves, linkIndex, linkFrom, linkTo, nodeIndex, issues);
  const graph: WaterGraph = {
    nodeCount, linkCount, valveCount: valves.ids.length,
    nodeIds, nodeKind, nodeCustomer, nodeNames, nodeX, nodeY,
    linkIds, linkFrom, linkTo, linkLength, linkDiameter, adjStart, adjLinks,
    valveIds: valves.ids, valveLink: valves.link, valveNode: valves.node, valveFlags: valves.flags,
    valveX: valves.x, valveY: valves.y, valveDepth: valves.depth,
  };
  return { graph, issues: issues.list, issueCounts: issues.counts };
}

function incidence(nodeCount: number, linkFrom: Int32Array, linkTo: Int32Array): { adjStart: Int32Array; adjLinks: Int32Array } {
  const linkCount = linkFrom.length;
  const adjStart = new Int32Array(nodeCount + 1);
  for (let l = 0; l < linkCount; l++) { adjStart[linkFrom[l]! + 1]!++; adjStart[linkTo[l]! + 1]!++; }
  for (let n = 0; n < nodeCount; n++) adjStart[n + 1]! += adjStart[n]!;
  const fill = adjStart.slice(0, nodeCount);
  const adjLinks = new Int32Array(2 * linkCount);
  for (let l = 0; l < linkCount; l++) { adjLinks[fill[linkFrom[l]!]!++] = l; adjLinks[fill[linkTo[l]!]!++] = l; }
  return { adjStart, adjLinks };
}

function placeValves(
  input: readonly WaterValveInput[], linkIndex: Map<string, number>, linkFrom: Int32Array, linkTo: Int32Array,
  nodeIndex: Map<string, number>, issues: Issues,
) {
  const size = input.length;
  const ids: string[] = [];
  const link = new Int32Array(size);
  const node = new Int32Array(size);
  const flags = new Uint8Array(size);
  const x = new Float64Array(size);
  const y = new Float64Array(size);
  const depth = new Float64Array(size);
  let k = 0;
  for (const v of input) {
    const l = linkIndex.get(v.link);
    if (l === undefined) { issues.add('unknown_valve_link', 'valve', v.id, `link "${v.link}" is not in the graph: valve not used`); continue; }
    let n: number;
    if (v.node !== undefined) {
      const at = nodeIndex.get(v.node);
      if (at === undefined || (at !== linkFrom[l] && at !== linkTo[l])) {
        issues.add('valve_not_at_link_end', 'valve', v.id, `node "${v.node}" is not an end of link "${v.link}": valve not used`);
        continue;
      }
      n = at;
    } else if (v.end === 'from' || v.end === 'to') {
      n = v.end === 'from' ? linkFrom[l]! : linkTo[l]!;
    } else {
      throw new TypeError(`buildWaterGraph: valve "${v.id}" needs node or end ('from' | 'to'); got ${JSON.stringify(v.end)}`);
    }
    ids.push(v.id);
    link[k] = l;
    node[k] = n;
    flags[k] = (v.normallyOpen ? VALVE_NORMALLY_OPEN : 0) | (v.operable ? VALVE_OPERABLE : 0);
    x[k] = v.x;
    y[k] = v.y;
    depth[k] = v.depth ?? NaN;
    k++;
  }
  const fit = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => (k === size ? a : (a.slice(0, k) as T));
  return { ids, link: fit(link), node: fit(node), flags: fit(flags), x: fit(x), y: fit(y), depth: fit(depth) };
}

const linkLookup = new WeakMap<WaterGraph, Map<string, number>>();

/** The index of the link with this id (the first, if ids repeat), or -1. Builds a lookup once per graph. */
export function linkIndexOf(graph: WaterGraph, id: string): number {
  let map = linkLookup.get(graph);
  if (!map) {
    map = new Map();
    for (let l = graph.linkCount - 1; l >= 0; l--) map.set(graph.linkIds[l]!, l);
    linkLookup.set(graph, map);
  }
  return map.get(id) ?? -1;
}
