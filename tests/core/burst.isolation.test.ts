/**
 * Burst isolation: a small street network whose answers can be read off a sketch, CCWI17 from the
 * real data, and properties on random networks checked against plain floods (reference.ts and a
 * flood written here): closing the valves cuts the burst off from every source, no valve can be
 * spared, a failed valve only widens the area, and no normally closed valve is ever listed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildWaterGraph, isolateBurst, linkIndexOf, parseEpanetInp, parseValveLayerCsv, segmentValves, waterGraphInputFromEpanet,
  VALVE_NORMALLY_OPEN, VALVE_OPERABLE, type BurstIsolation, type WaterGraph, type WaterGraphInput,
} from '../../src/core/burst';
import { prepareReference, referenceIsolation } from '../../src/core/burst/reference';
import { burstReachesSource, randomNetwork, toGraphInput } from '../fixtures/burst/randomNetwork';
import { readRealData } from '../fixtures/burst/realData';

/**
 *   R ─m0─ J1 ─va─m1─ T1 ─m2─ T2 ─m3─vb─ J2 ─vc─m4─ T3 ─m5─ J3
 *          │          │ └s1─C1  └s2─C2(hospital)        └s3─C3
 *          │          └vh─h1─H1                                │
 *          └───────ve─────────────── m6 ───────────────vd──────┘
 * Segments: {R,J1,m0} {T1,T2,C1,C2,m1,m2,m3,s1,s2} {H1,h1} {J2} {T3,J3,C3,m4,m5,s3} {m6}.
 */
function streetNetwork(states: Record<string, { normallyOpen?: boolean; operable?: boolean }> = {}): WaterGraphInput {
  const node = (id: string, kind: 'junction' | 'source' | 'hydrant' | 'service_connection', extra = {}) => ({ id, kind, x: 0, y: 0, ...extra });
  const link = (id: string, from: string, to: string, length: number, diameter = 0.2) =>
    ({ id, from, to, startX: 0, startY: 0, endX: 0, endY: 0, length, diameter });
  const valve = (id: string, on: string, at: string) =>
    ({ id, link: on, node: at, x: 1, y: 2, depth: 1.4, normallyOpen: true, operable: true, ...states[id] });
  return {
    nodes: [
      node('R', 'source'), node('J1', 'junction'), node('T1', 'junction'), node('T2', 'junction'), node('J2', 'junction'),
      node('T3', 'junction'), node('J3', 'junction'), node('H1', 'hydrant'),
      node('C1', 'service_connection', { customerClass: 'domestic' }),
      node('C2', 'service_connection', { customerClass: 'critical', name: "St Mary's Hospital" }),
      node('C3', 'service_connection', { customerClass: 'business' }),
    ],
    links: [
      link('m0', 'R', 'J1', 50), link('m1', 'J1', 'T1', 40), link('m2', 'T1', 'T2', 60), link('m3', 'T2', 'J2', 30),
      link('m4', 'J2', 'T3', 40), link('m5', 'T3', 'J3', 50), link('m6', 'J3', 'J1', 200),
      link('s1', 'T1', 'C1', 10, 0.025), link('s2', 'T2', 'C2', 12, 0.05), link('s3', 'T3', 'C3', 8, 0.032),
      link('h1', 'T1', 'H1', 6, 0.1),
    ],
    valves: [valve('va', 'm1', 'J1'), valve('vb', 'm3', 'J2'), valve('vc', 'm4', 'J2'), valve('vd', 'm6', 'J3'), valve('ve', 'm6', 'J1'), valve('vh', 'h1', 'T1')],
  };
}

function trace(input: WaterGraphInput, burst: string, failed: string[] = []): { graph: WaterGraph; r: BurstIsolation } {
  const { graph } = buildWaterGraph(input);
  const r = isolateBurst(graph, segmentValves(graph), linkIndexOf(graph, burst), { failedValves: failed.map((id) => graph.valveIds.indexOf(id)) });
  return { graph, r };
}

const ids = (all: readonly string[], indices: ArrayLike<number>) => Array.from(indices, (i) => all[i]!).sort();

describe('isolating a burst on a street network', () => {
  it('closes the valves with supply behind them and reports the hydrant branch as cut off', () => {
    const { graph, r } = trace(streetNetwork(), 'm2');
    expect(r.valvesToClose.map((v) => v.id)).toEqual(['va', 'vb']);
    expect(r.valvesToClose[0]).toEqual({ index: 0, id: 'va', x: 1, y: 2, depth: 1.4 });
    expect(r.optionalValves.map((v) => v.id)).toEqual(['vh']);
    expect(ids(graph.linkIds, r.area.links)).toEqual(['m1', 'm2', 'm3', 's1', 's2']);
    expect(ids(graph.nodeIds, r.area.nodes)).toEqual(['C1', 'C2', 'T1', 'T2']);
    expect(r.area.length).toBe(40 + 60 + 30 + 10 + 12);
    const pipe = (d: number, l: number) => (Math.PI * d * d / 4) * l;
    expect(r.area.volume).toBeCloseTo(pipe(0.2, 130) + pipe(0.025, 10) + pipe(0.05, 12), 12);
    expect(ids(graph.linkIds, r.unintended.links)).toEqual(['h1']);
    expect(r.customersCutOff).toEqual({ domestic: 1, business: 0, critical: 1 });
    expect(r.criticalCustomers).toEqual([{ node: graph.nodeIds.indexOf('C2'), id: 'C2', name: "St Mary's Hospital" }]);
    expect(ids(graph.nodeIds, r.hydrantsOutOfService)).toEqual(['H1']);
    expect(r.failedValvesPassed).toEqual([]);
    expect(r.alreadyClosedValves).toEqual([]);
    expect(r.burstAlreadyWithoutSupply).toBe(false);
  });

  it('widens the area past a valve that fails on site and closes the next one instead', () => {
    const { graph, r } = trace(streetNetwork(), 'm2', ['vb']);
    expect(r.valvesToClose.map((v) => v.id)).toEqual(['va', 'vc']);
    expect(ids(graph.valveIds, r.failedValvesPassed)).toEqual(['vb']);
    expect(ids(graph.nodeIds, r.area.nodes)).toContain('J2');
  });

  it('widens past a valve recorded as inoperable as well as one that fails on site', () => {
    const { graph, r } = trace(streetNetwork({ vb: { operable: false } }), 'm2', ['vc']);
    expect(r.valvesToClose.map((v) => v.id)).toEqual(['va', 'vd']);
    expect(ids(graph.valveIds, r.failedValvesPassed)).toEqual(['vb', 'vc']);
    expect(r.customersCutOff).toEqual({ domestic: 1, business: 1, critical: 1 });
  });

  it('treats a normally closed valve as a wall and reports what it leaves cut off', () => {
    const { graph, r } = trace(streetNetwork({ vd: { normallyOpen: false } }), 'm2');
    expect(r.valvesToClose.map((v) => v.id)).toEqual(['va']);
    expect(r.optionalValves.map((v) => v.id).sort()).toEqual(['vb', 'vh']);
    expect(ids(graph.valveIds, r.alreadyClosedValves)).toEqual(['vd']);
    expect(ids(graph.nodeIds, r.unintended.nodes)).toEqual(['C3', 'H1', 'J2', 'J3', 'T3']);
    expect(r.customersCutOff).toEqual({ domestic: 1, business: 1, critical: 1 });
    expect(r.alreadyWithoutSupply.segments).toHaveLength(0);
  });

  it('reports what a closed hydrant valve already cuts off as already without supply, not as cut off by the burst', () => {
    const { graph, r } = trace(streetNetwork({ vh: { normallyOpen: false } }), 'm2');
    expect(r.valvesToClose.map((v) => v.id)).toEqual(['va', 'vb']);
    expect(r.optionalValves).toEqual([]);
    expect(ids(graph.valveIds, r.alreadyClosedValves)).toEqual(['vh']);
    expect(ids(graph.linkIds, r.alreadyWithoutSupply.links)).toEqual(['h1']);
    expect(r.unintended.links).toHaveLength(0);
    expect(r.hydrantsOutOfService).toHaveLength(0);
  });

  it('says so when the burst lies behind closed valves, and still lists the valves that shut its area', () => {
    const { graph, r } = trace(streetNetwork({ va: { normallyOpen: false }, vd: { normallyOpen: false } }), 'm2');
    expect(r.burstAlreadyWithoutSupply).toBe(true);
    expect(r.valvesToClose.map((v) => v.id)).toEqual(['vb', 'vh']);
    expect(ids(graph.valveIds, r.alreadyClosedValves)).toEqual(['va']);
    expect(ids(graph.nodeIds, r.alreadyWithoutSupply.nodes)).toEqual(['C3', 'H1', 'J2', 'J3', 'T3']);
    expect(r.unintended.links).toHaveLength(0);
  });

  it('flags a source inside the area, which no valve can shut off', () => {
    const { graph, r } = trace(streetNetwork(), 'm0');
    expect(ids(graph.nodeIds, r.sourcesInArea)).toEqual(['R']);
    // With the only source in the area, everything else loses supply: no valve is needed.
    expect(r.valvesToClose).toEqual([]);
    expect(r.optionalValves.map((v) => v.id).sort()).toEqual(['va', 've']);
  });

  it('gives the same answer for a burst whatever was traced before it', () => {
    const { graph } = buildWaterGraph(streetNetwork({ vd: { normallyOpen: false } }));
    const segmentation = segmentValves(graph);
    const first = isolateBurst(graph, segmentation, linkIndexOf(graph, 'm2'));
    isolateBurst(graph, segmentation, linkIndexOf(graph, 'm5'), { failedValves: [1, 2] });
    isolateBurst(graph, segmentation, linkIndexOf(graph, 'h1'));
    expect(isolateBurst(graph, segmentation, linkIndexOf(graph, 'm2'))).toEqual(first);
  });

  it('leaves the graph and the segmentation as they were', () => {
    const { graph } = buildWaterGraph(streetNetwork());
    const segmentation = segmentValves(graph);
    const before = JSON.stringify([graph, segmentation], (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v instanceof Map ? [...v] : v));
    isolateBurst(graph, segmentation, 2, { failedValves: [1] });
    expect(JSON.stringify([graph, segmentation], (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v instanceof Map ? [...v] : v))).toBe(before);
  });

  it('refuses a burst link or a failed valve that is not in the graph, naming the argument', () => {
    const { graph } = buildWaterGraph(streetNetwork());
    const segmentation = segmentValves(graph);
    expect(() => isolateBurst(graph, segmentation, 11)).toThrow('isolateBurst: burstLinkIndex must be a link index in [0, 11); got 11');
    expect(() => isolateBurst(graph, segmentation, 0, { failedValves: [0, 6] })).toThrow('options.failedValves[1] must be a valve index in [0, 6); got 6');
  });
});

describe('isolating bursts on CCWI17', () => {
  const { graph } = buildWaterGraph(waterGraphInputFromEpanet(
    parseEpanetInp(readRealData('wntr-net3/CCWI17-HermanMahmoud.inp')),
    { coordinates: 'local', valveLayer: parseValveLayerCsv('link,node\np1,n1\np3,n2\np7,n5\np7,n6\np8,n6\n') },
  ));
  const segmentation = segmentValves(graph);
  const valves = (r: BurstIsolation) => r.valvesToClose.map((v) => `${graph.linkIds[graph.valveLink[v.index]!]}@${graph.nodeIds[graph.valveNode[v.index]!]}`);

  it('shuts the big segment at p1 and leaves n6 and p7 cut off behind their valves', () => {
    const r = isolateBurst(graph, segmentation, linkIndexOf(graph, 'p4'));
    expect(valves(r)).toEqual(['p1@n1']);
    expect(ids(graph.linkIds, r.unintended.links)).toEqual(['p7']);
    expect(ids(graph.nodeIds, r.unintended.nodes)).toEqual(['n6']);
    // (p3, n2) has the big segment on both sides: it is never a valve to close.
    expect(r.area.links).toHaveLength(6);
  });

  it('shuts p7 at both of its valves', () => {
    expect(valves(isolateBurst(graph, segmentation, linkIndexOf(graph, 'p7')))).toEqual(['p7@n5', 'p7@n6']);
  });
});

describe('isolation properties on random networks', () => {
  const burstCase = randomNetwork.chain((spec) => fc.record({
    spec: fc.constant(spec),
    burst: fc.nat(spec.links.length - 1),
    failed: fc.subarray(spec.valves.map((_, i) => i), { maxLength: Math.min(3, spec.valves.length) }),
  }));

  it('matches the plain floods of reference.ts: area, valves, optional valves and unintended isolation', () => {
    fc.assert(fc.property(burstCase, ({ spec, burst, failed }) => {
      const { graph } = buildWaterGraph(toGraphInput(spec));
      const r = isolateBurst(graph, segmentValves(graph), burst, { failedValves: failed });
      const plain = referenceIsolation(prepareReference(graph), burst, failed);
      const flagged = (a: Uint8Array) => [...a.keys()].filter((i) => a[i] === 1);
      expect([...r.area.links].sort((a, b) => a - b)).toEqual(flagged(plain.areaLinks));
      expect([...r.area.nodes].sort((a, b) => a - b)).toEqual(flagged(plain.areaNodes));
      expect([...r.unintended.links].sort((a, b) => a - b)).toEqual(flagged(plain.unintendedLinks));
      expect([...r.unintended.nodes].sort((a, b) => a - b)).toEqual(flagged(plain.unintendedNodes));
      expect(r.valvesToClose.map((v) => v.index).sort((a, b) => a - b)).toEqual(plain.valvesToClose);
      expect(r.optionalValves.map((v) => v.index).sort((a, b) => a - b)).toEqual(plain.optionalValves);
    }), { numRuns: 500 });
  });

  it('closing the returned valves cuts the burst off from every source, and none of them can be spared', () => {
    fc.assert(fc.property(burstCase, ({ spec, burst, failed }) => {
      const { graph } = buildWaterGraph(toGraphInput(spec));
      const r = isolateBurst(graph, segmentValves(graph), burst, { failedValves: failed });
      fc.pre(r.sourcesInArea.length === 0);
      const toClose = r.valvesToClose.map((v) => v.index);
      expect(burstReachesSource(graph, burst, new Set(toClose))).toBe(false);
      if (r.burstAlreadyWithoutSupply) return;
      for (const spared of toClose) {
        expect(burstReachesSource(graph, burst, new Set(toClose.filter((v) => v !== spared)))).toBe(true);
      }
    }), { numRuns: 500 });
  });

  it('failing a returned valve gives an area, and a shutdown, that hold the old ones', () => {
    fc.assert(fc.property(burstCase, fc.nat(), ({ spec, burst, failed }, pick) => {
      const { graph } = buildWaterGraph(toGraphInput(spec));
      const segmentation = segmentValves(graph);
      const before = isolateBurst(graph, segmentation, burst, { failedValves: failed });
      fc.pre(before.valvesToClose.length > 0);
      const shut = new Set([...before.area.links, ...before.unintended.links]);
      const area = new Set(before.area.links);
      const more = before.valvesToClose[pick % before.valvesToClose.length]!.index;
      const after = isolateBurst(graph, segmentation, burst, { failedValves: [...failed, more] });
      const afterArea = new Set(after.area.links);
      const afterShut = new Set([...after.area.links, ...after.unintended.links]);
      for (const l of area) expect(afterArea.has(l)).toBe(true);
      for (const l of shut) expect(afterShut.has(l)).toBe(true);
      // The failed valve widened the area, or a twin valve at the same link end is closed instead.
      const twin = (v: number) => v !== more && graph.valveLink[v] === graph.valveLink[more] && graph.valveNode[v] === graph.valveNode[more];
      expect(after.failedValvesPassed.includes(more) || [...after.valvesToClose, ...after.optionalValves].some((v) => twin(v.index))).toBe(true);
    }), { numRuns: 500 });
  });

  it('never lists a normally closed, inoperable or failed valve to close', () => {
    fc.assert(fc.property(burstCase, ({ spec, burst, failed }) => {
      const { graph } = buildWaterGraph(toGraphInput(spec));
      const r = isolateBurst(graph, segmentValves(graph), burst, { failedValves: failed });
      for (const v of [...r.valvesToClose, ...r.optionalValves]) {
        expect(graph.valveFlags[v.index]! & VALVE_NORMALLY_OPEN).not.toBe(0);
        expect(graph.valveFlags[v.index]! & VALVE_OPERABLE).not.toBe(0);
        expect(failed).not.toContain(v.index);
      }
      for (const v of r.alreadyClosedValves) expect(graph.valveFlags[v]! & VALVE_NORMALLY_OPEN).toBe(0);
      // The parts reported are disjoint.
      const seen = new Set<number>();
      for (const part of [r.area, r.unintended, r.alreadyWithoutSupply]) {
        for (const l of part.links) { expect(seen.has(l)).toBe(false); seen.add(l); }
      }
    }), { numRuns: 500 });
  });
});
