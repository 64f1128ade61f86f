/**
 * Valve segmentation against WNTR's own results on real networks (../shared/data/real/wntr-net3):
 * the segment partitions of Net3 for its random and strategic valve layers, CCWI17's four segments,
 * and WNTR's valve criticality metrics computed from our segments. Plus random networks against a
 * plain reading of WNTR's rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildWaterGraph, parseEpanetInp, parseValveLayerCsv, segmentValves, waterGraphInputFromEpanet,
  type ValveSegmentation, type WaterGraph,
} from '../../src/core/burst';
import { randomNetwork, toGraphInput } from '../fixtures/burst/randomNetwork';
import { partitionOf, readNamedColumn, readRealData } from '../fixtures/burst/realData';

/** Criticality ratios are compared to this relative tolerance (WNTR's CSVs print 16 digits). */
const RATIO_TOLERANCE = 1e-12;

function net3(layerFile: string): { graph: WaterGraph; segmentation: ValveSegmentation } {
  const network = parseEpanetInp(readRealData('wntr-net3/Net3.inp'));
  const valveLayer = parseValveLayerCsv(readRealData(`wntr-net3/${layerFile}`));
  const { graph, issues } = buildWaterGraph(waterGraphInputFromEpanet(network, { coordinates: 'local', valveLayer }));
  expect(issues).toEqual([]);
  return { graph, segmentation: segmentValves(graph) };
}

function segmentSizes(segmentation: ValveSegmentation): number[] {
  const sizes = new Array<number>(segmentation.segmentCount).fill(0);
  for (const s of segmentation.nodeSegment) sizes[s]!++;
  for (const s of segmentation.linkSegment) sizes[s]!++;
  return sizes;
}

function ourLabels(graph: WaterGraph, segmentation: ValveSegmentation, of: 'node' | 'link'): Map<string, number> {
  const ids = of === 'node' ? graph.nodeIds : graph.linkIds;
  const seg = of === 'node' ? segmentation.nodeSegment : segmentation.linkSegment;
  return new Map(ids.map((id, i) => [id, seg[i]!]));
}

describe('valve segmentation matches WNTR on Net3', () => {
  for (const [layer, file, count, largest] of [
    ['random', 'valve_layer_random.csv', 23, 125],
    ['strategic', 'valve_layer_stategic_1.csv', 119, 3],
  ] as const) {
    it(`gives the ${layer} layer ${count} segments, the largest with ${largest} elements`, () => {
      const { segmentation } = net3(file);
      expect(segmentation.segmentCount).toBe(count);
      expect(Math.max(...segmentSizes(segmentation))).toBe(largest);
    });

    it(`puts the same nodes and links together as WNTR's valve_segments for the ${layer} layer`, () => {
      const { graph, segmentation } = net3(file);
      const wntrNodes = readNamedColumn(`wntr-net3/node_segments_${layer}.csv`);
      const wntrLinks = readNamedColumn(`wntr-net3/link_segments_${layer}.csv`);
      expect(wntrNodes.size).toBe(graph.nodeCount);
      expect(wntrLinks.size).toBe(graph.linkCount);
      // Nodes and links share labels, so the partition is taken over both at once.
      const theirs = new Map<string, string>([...[...wntrNodes].map(([k, v]) => [`N:${k}`, v] as const), ...[...wntrLinks].map(([k, v]) => [`L:${k}`, v] as const)]);
      const ours = new Map<string, number>([
        ...[...ourLabels(graph, segmentation, 'node')].map(([k, v]) => [`N:${k}`, v] as const),
        ...[...ourLabels(graph, segmentation, 'link')].map(([k, v]) => [`L:${k}`, v] as const),
      ]);
      expect(partitionOf(ours)).toEqual(partitionOf(theirs));
    });
  }

  it("reproduces WNTR's length-based valve criticality for the strategic layer", () => {
    const { graph, segmentation } = net3('valve_layer_stategic_1.csv');
    const expected = readNamedColumn('wntr-net3/valve_crit_length.csv');
    const segmentLength = new Float64Array(segmentation.segmentCount);
    for (let l = 0; l < graph.linkCount; l++) segmentLength[segmentation.linkSegment[l]!]! += graph.linkLength[l]!;
    expect(expected.size).toBe(graph.valveCount);
    for (let v = 0; v < graph.valveCount; v++) {
      const a = segmentation.valveNodeSide[v]!, b = segmentation.valveLinkSide[v]!;
      const la = segmentLength[a]!, lb = segmentLength[b]!;
      const ours = a === b || (la === 0 && lb === 0) ? 0 : (la + lb) / Math.max(la, lb) - 1;
      const theirs = Number(expected.get(graph.valveIds[v]!));
      expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(RATIO_TOLERANCE * Math.max(1, Math.abs(theirs)));
    }
  });

  it("reproduces WNTR's count of valves around each valve for the strategic layer", () => {
    const { graph, segmentation } = net3('valve_layer_stategic_1.csv');
    const expected = readNamedColumn('wntr-net3/valve_crit_valve.csv');
    for (let v = 0; v < graph.valveCount; v++) {
      const a = segmentation.valveNodeSide[v]!, b = segmentation.valveLinkSide[v]!;
      let ours = 0;
      if (a !== b) {
        // WNTR: the valves whose link or node lies in either segment, less the valve itself.
        const around = new Set<number>();
        for (let w = 0; w < graph.valveCount; w++) {
          const s1 = segmentation.linkSegment[graph.valveLink[w]!], s2 = segmentation.nodeSegment[graph.valveNode[w]!];
          if (s1 === a || s1 === b || s2 === a || s2 === b) around.add(w);
        }
        ours = around.size - 1;
      }
      expect(ours, `valve ${graph.valveIds[v]}`).toBe(Number(expected.get(graph.valveIds[v]!)));
    }
  });
});

describe('valve segmentation of CCWI17 (Herman & Mahmoud)', () => {
  const valveLayer = 'link,node\np1,n1\np3,n2\np7,n5\np7,n6\np8,n6\n';

  it('has 4 segments, the largest with 11 elements', () => {
    const network = parseEpanetInp(readRealData('wntr-net3/CCWI17-HermanMahmoud.inp'));
    const { graph } = buildWaterGraph(waterGraphInputFromEpanet(network, { coordinates: 'local', valveLayer: parseValveLayerCsv(valveLayer) }));
    const segmentation = segmentValves(graph);
    expect(segmentation.segmentCount).toBe(4);
    expect(Math.max(...segmentSizes(segmentation))).toBe(11);
    const together = (a: string, b: string) => {
      const find = (id: string) => (graph.nodeIds.includes(id) ? segmentation.nodeSegment[graph.nodeIds.indexOf(id)] : segmentation.linkSegment[graph.linkIds.indexOf(id)]);
      return find(a) === find(b);
    };
    // p7 has valves at both ends: a segment of its own. n6 has a valve on every link: alone too.
    expect(together('s', 'p1')).toBe(true);
    expect(together('p7', 'n5')).toBe(false);
    expect(together('p7', 'n6')).toBe(false);
    expect(together('p8', 'n1')).toBe(true);
    expect(together('p3', 'n3')).toBe(true);
  });
});

describe('valve segmentation follows WNTR\'s rule on random networks', () => {
  it('partitions nodes and links exactly as the node–link graph without valved pairs does', () => {
    fc.assert(fc.property(randomNetwork, (spec) => {
      const { graph } = buildWaterGraph(toGraphInput(spec));
      const segmentation = segmentValves(graph);
      // The rule read plainly: vertices are nodes and links; a link meets each end unless a valve sits there.
      const N = graph.nodeCount;
      const parent = Array.from({ length: N + graph.linkCount }, (_, i) => i);
      const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
      const valved = new Set<string>();
      for (let v = 0; v < graph.valveCount; v++) {
        const l = graph.valveLink[v]!;
        valved.add(`${l}:${graph.linkFrom[l] === graph.linkTo[l] ? 'both' : graph.valveNode[v]}`);
      }
      for (let l = 0; l < graph.linkCount; l++) {
        if (valved.has(`${l}:both`)) continue;
        for (const n of [graph.linkFrom[l]!, graph.linkTo[l]!]) if (!valved.has(`${l}:${n}`)) parent[find(N + l)] = find(n);
      }
      const plain = new Map<string, number>();
      const ours = new Map<string, number>();
      for (let i = 0; i < N + graph.linkCount; i++) {
        plain.set(String(i), find(i));
        ours.set(String(i), i < N ? segmentation.nodeSegment[i]! : segmentation.linkSegment[i - N]!);
      }
      expect(partitionOf(ours)).toEqual(partitionOf(plain));
    }), { numRuns: 300 });
  });

  it('lists as boundary of a segment exactly the cuts with one side in it', () => {
    fc.assert(fc.property(randomNetwork, (spec) => {
      const { graph } = buildWaterGraph(toGraphInput(spec));
      const s = segmentValves(graph);
      for (let seg = 0; seg < s.segmentCount; seg++) {
        const listed = [...s.boundaryCuts.subarray(s.boundaryStart[seg], s.boundaryStart[seg + 1])].sort((a, b) => a - b);
        const expected: number[] = [];
        for (let v = 0; v < graph.valveCount; v++) {
          if (s.valveCut[v] === v && s.valveLinkSide[v] !== s.valveNodeSide[v] && (s.valveLinkSide[v] === seg || s.valveNodeSide[v] === seg)) expected.push(v);
        }
        expect(listed).toEqual(expected);
      }
    }), { numRuns: 200 });
  });
});
