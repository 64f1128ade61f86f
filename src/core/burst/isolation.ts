/**
 * Burst isolation: which valves to close for a burst link, and what loses supply.
 *
 * 1. The isolated area starts as the burst link's valve segment (segments.ts). At each cut on its
 *    edge: a normally closed valve is already shut (a wall: what lies behind is not touched); an
 *    open cut whose valves are all inoperable (in the records, or `failedValves` found on site)
 *    cannot be shut, so the segment behind joins the area and the search goes on from there.
 * 2. With the area shut, every segment beside it is settled as still supplied or cut off from
 *    every source (supplyLoss.ts). Cut-off parts are the unintended isolation.
 * 3. Valves to close: one operable, open valve at each edge cut with supply behind it. Edge cuts
 *    that lead only into cut-off parts are `optionalValves`: the burst is isolated without them,
 *    though closing them stops the cut-off part draining into the burst. So the valves to close are
 *    exactly the operable open valves with one side in (area ∪ unintended isolation).
 * 4. 'Already without supply': parts with no source even before the burst (behind normally closed
 *    valves at the edge of the area or the cut-off part, or the burst's own part of the network).
 *
 * Cost: the segments in and around the area, never a pass over the whole network (see supply.ts).
 * Valve states: `normallyOpen: null` and `operable: null` were read as open and operable (fromModel.ts).
 */
import { CUSTOMER_CLASSES, type CustomerClass } from '../model';
import { CUSTOMER_CODE, NODE_KIND, VALVE_NORMALLY_OPEN, VALVE_OPERABLE, type WaterGraph } from './graph';
import { across, type ValveSegmentation } from './segments';
import { settleSupply } from './supplyLoss';
import { CUT_OFF, IN_AREA, SUPPLIED, traceStateFor, type TraceState } from './traceState';

export interface IsolationOptions {
  /** Valve indices found inoperable or inaccessible on site: they stay open. */
  failedValves?: ArrayLike<number>;
}

export interface ValveAction {
  index: number;
  id: string;
  /** Local frame, m. */
  x: number;
  y: number;
  /** Ground − valve elevation, m; null when unknown. */
  depth: number | null;
}

export interface IsolatedPart {
  segments: Int32Array;
  links: Int32Array;
  nodes: Int32Array;
  /** Total link length, m. */
  length: number;
  /** Water held, π·d²/4·L summed over links of known diameter, m³. */
  volume: number;
}

export interface BurstIsolation {
  burstLink: number;
  /** The burst link's segment, widened past valves that cannot be closed. */
  area: IsolatedPart;
  valvesToClose: ValveAction[];
  /** Open operable valves between the area and a cut-off part (see step 3 above). */
  optionalValves: ValveAction[];
  /** Valves at the area's edge that could not be closed and so widened it, by valve index. */
  failedValvesPassed: number[];
  /** Normally closed valves at the edge of the area or of the cut-off part: already shut. */
  alreadyClosedValves: number[];
  /** Parts that lose every source once the valves are closed. */
  unintended: IsolatedPart;
  /** Parts near the burst that had no source before it (not counted as cut off by it). */
  alreadyWithoutSupply: IsolatedPart;
  /** Source and tank nodes inside the area (node indices): no valve shuts them off from the burst. */
  sourcesInArea: number[];
  /** The burst itself lies in a part with no source (valves to close then only stop drainage). */
  burstAlreadyWithoutSupply: boolean;
  /** Service connections in the area and the unintended isolation, by customer class. */
  customersCutOff: Record<CustomerClass, number>;
  criticalCustomers: { node: number; id: string; name: string | null }[];
  hydrantsOutOfService: Int32Array;
}

export function isolateBurst(
  graph: WaterGraph, segmentation: ValveSegmentation, burstLinkIndex: number, options: IsolationOptions = {},
): BurstIsolation {
  if (segmentation.linkSegment.length !== graph.linkCount || segmentation.nodeSegment.length !== graph.nodeCount) {
    throw new RangeError(`isolateBurst: segmentation has ${segmentation.linkSegment.length} links and ${segmentation.nodeSegment.length} nodes; the graph has ${graph.linkCount} and ${graph.nodeCount}`);
  }
  if (!Number.isInteger(burstLinkIndex) || burstLinkIndex < 0 || burstLinkIndex >= graph.linkCount) {
    throw new RangeError(`isolateBurst: burstLinkIndex must be a link index in [0, ${graph.linkCount}); got ${burstLinkIndex}`);
  }
  const state = traceStateFor(segmentation, graph.valveCount);
  state.begin();
  const failed = options.failedValves ?? [];
  for (let i = 0; i < failed.length; i++) {
    const v = failed[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= graph.valveCount) throw new RangeError(`isolateBurst: options.failedValves[${i}] must be a valve index in [0, ${graph.valveCount}); got ${v}`);
    state.markValve(v);
  }

  const start = segmentation.linkSegment[burstLinkIndex]!;
  const failedValvesPassed: number[] = [];
  const areaLength = growArea(graph, segmentation, state, start, failedValvesPassed);
  const areaSegments = state.area.subarray(0, areaLength);

  // Cuts on the area's edge: walls, and cuts to close with the segment behind them.
  const alreadyClosedValves: number[] = [];
  const edge: { valve: number; behind: number }[] = [];
  const { boundaryStart, boundaryCuts } = segmentation;
  for (const s of areaSegments) {
    for (let i = boundaryStart[s]!, end = boundaryStart[s + 1]!; i < end; i++) {
      const cut = boundaryCuts[i]!;
      const behind = across(segmentation, cut, s);
      if (state.get(behind) & IN_AREA) continue;
      if (!segmentation.supply.cutOpen[cut]) alreadyClosedValves.push(...closedValvesAt(graph, segmentation, cut));
      else edge.push({ valve: closableValveAt(graph, segmentation, state, cut), behind });
    }
  }

  const { component, componentSupplied } = segmentation.supply;
  const burstAlreadyWithoutSupply = !componentSupplied[component[start]!];
  let cutOffLength = 0;
  if (!burstAlreadyWithoutSupply) {
    for (const e of edge) cutOffLength = settleSupply(segmentation, state, e.behind, cutOffLength);
  }
  const cutOffSegments = state.region.slice(0, cutOffLength);
  for (const s of cutOffSegments) {
    for (let i = boundaryStart[s]!, end = boundaryStart[s + 1]!; i < end; i++) {
      const cut = boundaryCuts[i]!;
      if (!segmentation.supply.cutOpen[cut] && !(state.get(across(segmentation, cut, s)) & (IN_AREA | CUT_OFF))) {
        alreadyClosedValves.push(...closedValvesAt(graph, segmentation, cut));
      }
    }
  }

  const valvesToClose: ValveAction[] = [];
  const optionalValves: ValveAction[] = [];
  for (const e of edge) {
    const behindSupplied = burstAlreadyWithoutSupply || (state.get(e.behind) & SUPPLIED) !== 0;
    (behindSupplied ? valvesToClose : optionalValves).push(valveAction(graph, e.valve));
  }

  const customersCutOff = { domestic: 0, business: 0, critical: 0 } as Record<CustomerClass, number>;
  const criticalCustomers: BurstIsolation['criticalCustomers'] = [];
  const hydrants: number[] = [];
  const area = collectPart(graph, segmentation, Int32Array.from(areaSegments), customersCutOff, criticalCustomers, hydrants);
  const unintended = collectPart(graph, segmentation, cutOffSegments, customersCutOff, criticalCustomers, hydrants);
  const sourcesInArea: number[] = [];
  for (const n of area.nodes) if (graph.nodeKind[n] === NODE_KIND.source || graph.nodeKind[n] === NODE_KIND.tank) sourcesInArea.push(n);
  const dry = withoutSupplyNear(graph, segmentation, state, start, burstAlreadyWithoutSupply, alreadyClosedValves);
  return {
    burstLink: burstLinkIndex, area, valvesToClose, optionalValves, failedValvesPassed, alreadyClosedValves, unintended,
    alreadyWithoutSupply: collectPart(graph, segmentation, dry, null, null, null),
    sourcesInArea, burstAlreadyWithoutSupply, customersCutOff, criticalCustomers, hydrantsOutOfService: Int32Array.from(hydrants),
  };
}

function valveFails(graph: WaterGraph, state: TraceState, v: number): boolean {
  return (graph.valveFlags[v]! & VALVE_OPERABLE) === 0 || state.valveMarked(v);
}

/** The first valve at an open cut that can be closed, or -1 when none can. */
function closableValveAt(graph: WaterGraph, seg: ValveSegmentation, state: TraceState, cut: number): number {
  for (let v = cut; v >= 0; v = seg.nextValveInCut[v]!) if (!valveFails(graph, state, v)) return v;
  return -1;
}

function closedValvesAt(graph: WaterGraph, seg: ValveSegmentation, cut: number): number[] {
  const out: number[] = [];
  for (let v = cut; v >= 0; v = seg.nextValveInCut[v]!) if ((graph.valveFlags[v]! & VALVE_NORMALLY_OPEN) === 0) out.push(v);
  return out;
}

/** Breadth-first over cuts that are open and cannot be closed; returns the area's segment count. */
function growArea(graph: WaterGraph, seg: ValveSegmentation, state: TraceState, start: number, failedPassed: number[]): number {
  const area = state.area;
  const { boundaryStart, boundaryCuts, nextValveInCut } = seg;
  const { cutOpen } = seg.supply;
  let tail = 0;
  area[tail++] = start;
  state.mark(start, IN_AREA);
  for (let head = 0; head < tail; head++) {
    const s = area[head]!;
    for (let i = boundaryStart[s]!, end = boundaryStart[s + 1]!; i < end; i++) {
      const cut = boundaryCuts[i]!;
      if (!cutOpen[cut] || closableValveAt(graph, seg, state, cut) >= 0) continue;
      const t = across(seg, cut, s);
      if (state.get(t) & IN_AREA) continue;
      for (let v = cut; v >= 0; v = nextValveInCut[v]!) failedPassed.push(v);
      state.mark(t, IN_AREA);
      area[tail++] = t;
    }
  }
  return tail;
}

function valveAction(graph: WaterGraph, v: number): ValveAction {
  const depth = graph.valveDepth[v]!;
  return { index: v, id: graph.valveIds[v]!, x: graph.valveX[v]!, y: graph.valveY[v]!, depth: Number.isNaN(depth) ? null : depth };
}

/** Unsupplied components behind the walls, and the burst's own component when it has no source. */
function withoutSupplyNear(
  graph: WaterGraph, seg: ValveSegmentation, state: TraceState, start: number, burstDry: boolean, walls: readonly number[],
): Int32Array {
  const { component, componentSupplied, componentStart, componentSegments } = seg.supply;
  const out: number[] = [];
  const take = (c: number) => {
    if (componentSupplied[c] || !state.markComponent(c)) return;
    for (let i = componentStart[c]!, end = componentStart[c + 1]!; i < end; i++) {
      const s = componentSegments[i]!;
      if (!(state.get(s) & (IN_AREA | CUT_OFF))) out.push(s);
    }
  };
  if (burstDry) take(component[start]!);
  for (const v of walls) {
    take(component[seg.valveLinkSide[v]!]!);
    take(component[seg.valveNodeSide[v]!]!);
  }
  return Int32Array.from(out);
}

function collectPart(
  graph: WaterGraph, seg: ValveSegmentation, segments: Int32Array,
  customers: Record<CustomerClass, number> | null, critical: BurstIsolation['criticalCustomers'] | null, hydrants: number[] | null,
): IsolatedPart {
  let linkTotal = 0, nodeTotal = 0;
  for (const s of segments) {
    linkTotal += seg.segmentLinkStart[s + 1]! - seg.segmentLinkStart[s]!;
    nodeTotal += seg.segmentNodeStart[s + 1]! - seg.segmentNodeStart[s]!;
  }
  const links = new Int32Array(linkTotal);
  const nodes = new Int32Array(nodeTotal);
  let length = 0, volume = 0, li = 0, ni = 0;
  for (const s of segments) {
    for (let i = seg.segmentLinkStart[s]!, end = seg.segmentLinkStart[s + 1]!; i < end; i++) {
      const l = seg.segmentLinks[i]!;
      links[li++] = l;
      const len = graph.linkLength[l]!, d = graph.linkDiameter[l]!;
      length += len;
      if (!Number.isNaN(d)) volume += (Math.PI * d * d / 4) * len;
    }
    for (let i = seg.segmentNodeStart[s]!, end = seg.segmentNodeStart[s + 1]!; i < end; i++) {
      const n = seg.segmentNodes[i]!;
      nodes[ni++] = n;
      const customer = graph.nodeCustomer[n]!;
      if (customers && customer !== CUSTOMER_CODE.none) {
        customers[CUSTOMER_CLASSES[customer - 1]!]++;
        if (customer === CUSTOMER_CODE.critical) critical!.push({ node: n, id: graph.nodeIds[n]!, name: graph.nodeNames.get(n) ?? null });
      }
      if (hydrants && graph.nodeKind[n] === NODE_KIND.hydrant) hydrants.push(n);
    }
  }
  return { segments, links, nodes, length, volume };
}
