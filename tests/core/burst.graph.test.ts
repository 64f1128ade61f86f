/**
 * The burst graph: CSR adjacency, link ends without a node (snapped or reported, never dropped,
 * checked on the real Kentucky ky4 system), data issues, and the graph built from our model
 * through the validated import of the sample city.
 */
import { describe, expect, it } from 'vitest';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { transformBetween } from '../../src/core/crs';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import {
  buildWaterGraph, isolateBurst, linkIndexOf, segmentValves, waterGraphInputFromModel, NODE_KIND,
  type WaterGraphInput, type WaterLinkInput,
} from '../../src/core/burst';
import { readRealData } from '../fixtures/burst/realData';

const link = (id: string, from: string | null, to: string | null, a: [number, number], b: [number, number]): WaterLinkInput =>
  ({ id, from, to, startX: a[0], startY: a[1], endX: b[0], endY: b[1], length: Math.hypot(b[0] - a[0], b[1] - a[1]), diameter: 0.1 });

describe('burst graph', () => {
  it('lists every link at both of its end nodes in the CSR adjacency, a self-loop twice', () => {
    const { graph } = buildWaterGraph({
      nodes: ['A', 'B', 'C'].map((id, i) => ({ id, kind: 'junction' as const, x: i, y: 0 })),
      links: [link('ab', 'A', 'B', [0, 0], [1, 0]), link('bc', 'B', 'C', [1, 0], [2, 0]), link('cc', 'C', 'C', [2, 0], [2, 0])],
      valves: [],
    });
    const at = (n: number) => [...graph.adjLinks.subarray(graph.adjStart[n], graph.adjStart[n + 1])].map((l) => graph.linkIds[l]);
    expect([at(0), at(1), at(2)]).toEqual([['ab'], ['ab', 'bc'], ['bc', 'cc', 'cc']]);
  });

  it('snaps a link end without a node to a node within 1 cm, joins ends that meet, and keeps a dead end, reporting each', () => {
    const input: WaterGraphInput = {
      nodes: [{ id: 'A', kind: 'source', x: 0, y: 0 }, { id: 'B', kind: 'junction', x: 100, y: 0 }],
      links: [
        link('p1', null, 'B', [0.004, 0.005], [100, 0]), // 6.4 mm from A
        link('p2', 'B', null, [100, 0], [200, 0]),
        link('p3', null, null, [200.003, 0], [300, 0]), // meets p2's end, 3 mm away
        link('p4', 'A', 'Z', [0, 0], [0, 50]), // names a node that is not delivered
      ],
      valves: [],
    };
    const { graph, issues, issueCounts } = buildWaterGraph(input);
    expect(graph.linkCount).toBe(4);
    expect(graph.nodeIds[graph.linkFrom[0]!]).toBe('A');
    expect(graph.linkTo[1]).toBe(graph.linkFrom[2]);
    expect(issueCounts).toEqual({ end_snapped_to_node: 1, ends_joined: 2, unconnected_end: 2 });
    expect(issues.find((i) => i.id === 'p4')!.message).toBe('end (node "Z" is not in the delivery) has no node within 0.01 m: kept as dead end "p4:end"');
    // With a 1 m tolerance p4's end still finds nothing; nothing is dropped either way.
    expect(buildWaterGraph(input, { snapTolerance: 1 }).graph.linkCount).toBe(4);
  });

  it('reports duplicate nodes, valves that name a missing link or a node off their link, and a network with no source', () => {
    const { graph, issueCounts } = buildWaterGraph({
      nodes: [{ id: 'A', kind: 'junction', x: 0, y: 0 }, { id: 'A', kind: 'junction', x: 5, y: 0 }, { id: 'B', kind: 'junction', x: 1, y: 0 }, { id: 'C', kind: 'junction', x: 2, y: 0 }],
      links: [link('ab', 'A', 'B', [0, 0], [1, 0])],
      valves: [
        { id: 'v1', link: 'zz', node: 'A', normallyOpen: true, operable: true, x: 0, y: 0, depth: null },
        { id: 'v2', link: 'ab', node: 'C', normallyOpen: true, operable: true, x: 0, y: 0, depth: null },
        { id: 'v3', link: 'ab', end: 'to', normallyOpen: true, operable: true, x: 0, y: 0, depth: null },
      ],
    });
    expect(issueCounts).toEqual({ duplicate_id: 1, unknown_valve_link: 1, valve_not_at_link_end: 1, no_source: 1 });
    expect(graph.valveIds).toEqual(['v3']);
    expect(graph.nodeIds[graph.valveNode[0]!]).toBe('B');
  });

  it('does not change its input', () => {
    const input: WaterGraphInput = {
      nodes: [{ id: 'A', kind: 'junction', x: 0, y: 0 }],
      links: [link('p', 'A', null, [0, 0], [3, 4])],
      valves: [{ id: 'v', link: 'p', node: 'A', normallyOpen: false, operable: true, x: 0, y: 0, depth: 1 }],
    };
    const before = JSON.stringify(input);
    buildWaterGraph(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('snapping on the real ky4 system (EPSG:3547, US survey feet)', () => {
  const frame = { originLon: -84.9, originLat: 37.9 };
  const toLocal = transformBetween('EPSG:3547', frame).toLocal;
  type Feature = { properties: Record<string, string>; geometry: { coordinates: number[] | number[][] } };
  const features = (file: string) => (JSON.parse(readRealData(`wntr-ky4/${file}`)) as { features: Feature[] }).features;
  const nodes = ['ky4_junctions.geojson', 'ky4_tanks.geojson', 'ky4_reservoirs.geojson'].flatMap((file) => features(file).map((f) => {
    const [x, y] = toLocal(...(f.geometry.coordinates as [number, number]));
    return { id: f.properties['name']!, kind: file.includes('junctions') ? 'junction' as const : 'source' as const, x, y };
  }));
  const unnamedLinks = (file: string) => features(file).map((f) => {
    const c = f.geometry.coordinates as number[][];
    const [ax, ay] = toLocal(c[0]![0]!, c[0]![1]!);
    const [bx, by] = toLocal(c[c.length - 1]![0]!, c[c.length - 1]![1]!);
    return { link: { id: f.properties['name']!, from: null, to: null, startX: ax, startY: ay, endX: bx, endY: by, length: 1, diameter: 0.15 }, start: f.properties['start_node_name']!, end: f.properties['end_node_name']! };
  });

  it('connects all 1,156 pipes given only their end points as their named end nodes, flagging the pumps\' twin nodes', () => {
    const pipes = unnamedLinks('ky4_pipes.geojson');
    const { graph, issueCounts } = buildWaterGraph({ nodes, links: pipes.map((p) => p.link), valves: [] });
    expect(pipes).toHaveLength(1156);
    // Each pump's inlet and outlet junctions (I-Pump-k, O-Pump-k) share one point: position alone cannot choose.
    const twin = (name: string) => /^[IO]-Pump-\d$/.test(name);
    const atPumps = pipes.reduce((k, p) => k + (twin(p.start) ? 1 : 0) + (twin(p.end) ? 1 : 0), 0);
    expect(atPumps).toBeGreaterThan(0);
    expect(issueCounts).toEqual({ end_snapped_to_node: 2 * 1156 - atPumps, ambiguous_snap: atPumps });
    pipes.forEach((p, l) => {
      for (const [got, named] of [[graph.linkFrom[l]!, p.start], [graph.linkTo[l]!, p.end]] as const) {
        const id = graph.nodeIds[got]!;
        if (twin(named)) expect(id.slice(2)).toBe(named.slice(2));
        else expect(id).toBe(named);
      }
    });
  });

  it('keeps every pipe whose ends were moved off the junctions, reporting each end it cannot connect within 1 cm', () => {
    const pipes = unnamedLinks('ky4_disconnected_pipes.geojson');
    const { graph, issueCounts } = buildWaterGraph({ nodes, links: pipes.map((p) => p.link), valves: [] });
    expect(graph.linkCount).toBe(1156);
    const reported = (issueCounts.end_snapped_to_node ?? 0) + (issueCounts.ends_joined ?? 0) + (issueCounts.unconnected_end ?? 0);
    expect(reported).toBe(2 * 1156);
    // The moved ends are 9 ft off at the median: almost none lands within 1 cm of a junction.
    expect(issueCounts.end_snapped_to_node ?? 0).toBeLessThan(0.05 * 2 * 1156);
  });
});

describe('burst graph from the sample city through the validated import', () => {
  const features = [...generateCity({ size: 'small', seed: 42 })].filter((f) => f.properties.utility === 'water');
  const imported = parseNetworkCollection({ ...cityCollectionHeader(), features });
  const model = waterGraphInputFromModel(imported.links, imported.nodes);
  const { graph, issues } = buildWaterGraph(model.input);
  const segmentation = segmentValves(graph);

  it('builds without issues, leaving out only links that are not in service', () => {
    expect(issues).toEqual([]);
    expect(model.valvesWithoutLink).toEqual([]);
    const water = imported.links.filter((l) => l.utility === 'water');
    expect(graph.linkCount + model.excludedLinks.abandoned + model.excludedLinks.proposed).toBe(water.length);
    expect(graph.valveCount).toBe(imported.nodes.filter((n) => n.nodeType === 'valve').length);
  });

  it('places each valve at the end of its link nearest to it', () => {
    for (let v = 0; v < graph.valveCount; v++) {
      const l = graph.valveLink[v]!;
      const other = graph.valveNode[v] === graph.linkFrom[l] ? graph.linkTo[l]! : graph.linkFrom[l]!;
      const d = (n: number) => Math.hypot(graph.nodeX[n]! - graph.valveX[v]!, graph.nodeY[n]! - graph.valveY[v]!);
      expect(d(graph.valveNode[v]!)).toBeLessThan(d(other));
    }
  });

  it('gives every hydrant and its lateral a segment of their own, behind the lateral valve at the tee', () => {
    const hydrants = [...graph.nodeKind.keys()].filter((n) => graph.nodeKind[n] === NODE_KIND.hydrant);
    expect(hydrants.length).toBeGreaterThan(0);
    for (const h of hydrants) {
      const s = segmentation.nodeSegment[h]!;
      expect(segmentation.segmentNodeStart[s + 1]! - segmentation.segmentNodeStart[s]!).toBe(1);
      expect(segmentation.segmentLinkStart[s + 1]! - segmentation.segmentLinkStart[s]!).toBe(1);
    }
  });

  it('isolates a burst main behind valves with positions and depths, and names the customers cut off', () => {
    const main = imported.links.find((l) => l.utility === 'water' && l.subtype === 'main' && l.status === 'in_service')!;
    const r = isolateBurst(graph, segmentation, linkIndexOf(graph, main.id));
    expect(r.valvesToClose.length).toBeGreaterThan(0);
    for (const v of r.valvesToClose) {
      expect(v.depth).toBeGreaterThan(0.5);
      expect(v.depth).toBeLessThan(5);
      expect(Number.isFinite(v.x) && Number.isFinite(v.y)).toBe(true);
    }
    expect(r.area.links).toContain(linkIndexOf(graph, main.id));
    expect(r.area.length).toBeGreaterThan(0);
    expect(r.area.volume).toBeGreaterThan(0);
  });
});
