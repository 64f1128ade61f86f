/**
 * EPANET .inp and valve layer import: the real Net3 and CCWI17 files, unit conversion, isolation
 * valves given as TCV links, reprojection, and refusals that name section and line.
 */
import { describe, expect, it } from 'vitest';
import { transformBetween } from '../../src/core/crs';
import {
  buildWaterGraph, NetworkFileError, parseEpanetInp, parseValveLayerCsv, segmentValves, waterGraphInputFromEpanet,
  isolateBurst, linkIndexOf, VALVE_NORMALLY_OPEN,
} from '../../src/core/burst';
import { readRealData } from '../fixtures/burst/realData';

/** Unit conversions are compared to this, m. */
const LENGTH_TOLERANCE_M = 1e-9;

function refusal(run: () => unknown): NetworkFileError {
  try {
    run();
  } catch (e) {
    if (e instanceof NetworkFileError) return e;
    throw e;
  }
  throw new Error('expected a NetworkFileError');
}

const SMALL_SI = `[TITLE]
 two pipes and a gate valve
[JUNCTIONS]
;ID  Elev  Demand
 J1  10    1
 J2  12    0 ; a comment
 "J 3" 11  0

[RESERVOIRS]
 R1  50
[PIPES]
 P1  R1  J1  250  200  100  0  Open
 P2  J2  "J 3"  100  150  100
[VALVES]
 G1  J1  J2  200  TCV  0
 F1  J2  "J 3"  100  FCV  5
[STATUS]
 G1  Closed
[OPTIONS]
 Units  LPS
[COORDINATES]
 J1  0 0
 J2  100 0
 "J 3" 200 0
 R1  -250 0
[VERTICES]
 P2  150 10
[ENERGY]
 Global Efficiency 75
[END]
`;

describe('EPANET import of real networks', () => {
  it('reads Net3: 92 junctions, 2 reservoirs, 3 tanks, 117 pipes, 2 pumps, in US units', () => {
    const net = parseEpanetInp(readRealData('wntr-net3/Net3.inp'));
    const count = (kind: string) => net.nodes.filter((n) => n.kind === kind).length + net.links.filter((l) => l.kind === kind).length;
    expect([count('junction'), count('reservoir'), count('tank'), count('pipe'), count('pump')]).toEqual([92, 2, 3, 117, 2]);
    expect(net.units).toEqual({ flow: 'GPM', system: 'US' });
    expect(net.coordinates.size).toBe(97);
    expect(net.warnings).toEqual([]);
    expect(net.ignoredSections).toContain('CONTROLS');
    // Pipe 20: 99 ft long, 99 in across.
    const p20 = net.links.find((l) => l.id === '20')!;
    expect(Math.abs(p20.length - 99 * 0.3048)).toBeLessThan(LENGTH_TOLERANCE_M);
    expect(Math.abs(p20.diameter - 99 * 0.0254)).toBeLessThan(LENGTH_TOLERANCE_M);
    // [STATUS] closes pump 10 at the start.
    expect(net.links.find((l) => l.id === '10')!.status).toBe('CLOSED');
  });

  it('reads CCWI17, whose empty sections are only comment lines', () => {
    const net = parseEpanetInp(readRealData('wntr-net3/CCWI17-HermanMahmoud.inp'));
    expect(net.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 's']);
    expect(net.links).toHaveLength(8);
  });
});

describe('EPANET import of a small SI file', () => {
  it('converts SI lengths in metres and diameters in millimetres, and keeps quoted ids with spaces', () => {
    const net = parseEpanetInp(SMALL_SI);
    expect(net.units.system).toBe('SI');
    const p2 = net.links.find((l) => l.id === 'P2')!;
    expect(p2.node2).toBe('J 3');
    expect(p2.length).toBe(100);
    expect(p2.diameter).toBeCloseTo(0.15, 12);
    expect(net.vertices.get('P2')).toEqual([{ x: 150, y: 10 }]);
  });

  it('makes a TCV a normally closed valve on its own link at Node1 when [STATUS] closes it, and leaves other valve types as links', () => {
    const { graph } = buildWaterGraph(waterGraphInputFromEpanet(parseEpanetInp(SMALL_SI), { coordinates: 'local' }));
    expect(graph.valveIds).toEqual(['G1']);
    expect(graph.linkIds[graph.valveLink[0]!]).toBe('G1');
    expect(graph.nodeIds[graph.valveNode[0]!]).toBe('J1');
    expect(graph.valveFlags[0]! & VALVE_NORMALLY_OPEN).toBe(0);
    // The closed gate valve leaves J2 and "J 3" without supply: a burst on P2 is already dry.
    const result = isolateBurst(graph, segmentValves(graph), linkIndexOf(graph, 'P2'));
    expect(result.burstAlreadyWithoutSupply).toBe(true);
  });

  it('reprojects coordinates from the given EPSG code into the project frame', () => {
    const frame = { originLon: -84.5, originLat: 38.0 };
    const text = SMALL_SI.replace(' J1  0 0', ' J1  4971350 3905604');
    const { graph } = buildWaterGraph(waterGraphInputFromEpanet(parseEpanetInp(text), { coordinates: { crs: 'EPSG:3547', frame } }));
    const [x, y] = transformBetween('EPSG:3547', frame).toLocal(4971350, 3905604);
    const j1 = graph.nodeIds.indexOf('J1');
    expect(graph.nodeX[j1]).toBeCloseTo(x, 6);
    expect(graph.nodeY[j1]).toBeCloseTo(y, 6);
  });

  it('reports an unknown section as a warning and skips it', () => {
    const net = parseEpanetInp(SMALL_SI.replace('[ENERGY]', '[FROBNICATE]'));
    expect(net.warnings).toEqual([{ section: 'FROBNICATE', line: 28, message: 'unknown section: skipped' }]);
  });
});

describe('EPANET import refuses malformed files, naming section and line', () => {
  it('names a pipe line with too few fields', () => {
    const e = refusal(() => parseEpanetInp(SMALL_SI.replace(' P2  J2  "J 3"  100  150  100', ' P2  J2')));
    expect(e.issues).toEqual([{ section: 'PIPES', line: 13, message: 'expected at least 5 fields (ID Node1 Node2 Length Diameter); got 2' }]);
    expect(e.message).toContain('[PIPES] line 13: expected at least 5 fields');
  });

  it('names a number that is not one', () => {
    const e = refusal(() => parseEpanetInp(SMALL_SI.replace(' J2  12    0', ' J2  twelve    0')));
    expect(e.message).toContain('[JUNCTIONS] line 6: Elevation must be a number; got "twelve"');
  });

  it('names a link to a node that does not exist, and a pipe of length zero', () => {
    const e = refusal(() => parseEpanetInp(SMALL_SI.replace(' P1  R1  J1  250', ' P1  R1  J9  0')));
    expect(e.issues.map((i) => [i.section, i.line])).toEqual([['PIPES', 12], ['PIPES', 12]]);
    expect(e.message).toContain('Length must be a positive number; got "0"');
    expect(e.message).toContain('node "J9" is not defined in [JUNCTIONS], [RESERVOIRS] or [TANKS]');
  });

  it('names duplicate ids, unknown valve types, coordinates of unknown nodes and bad units', () => {
    const bad = SMALL_SI
      .replace(' R1  50', ' R1  50\n J1  3')
      .replace('TCV', 'XYZ')
      .replace(' R1  -250 0', ' R9  -250 0')
      .replace('Units  LPS', 'Units  BUCKETS');
    const e = refusal(() => parseEpanetInp(bad));
    const lines = e.issues.map((i) => `[${i.section}] ${i.line}`);
    expect(lines).toEqual(expect.arrayContaining(['[RESERVOIRS] 11', '[VALVES] 16', '[COORDINATES] 26', '[OPTIONS] 21']));
    expect(e.totalIssues).toBe(4);
  });

  it('names data before the first section', () => {
    const e = refusal(() => parseEpanetInp(' J1 10\n[JUNCTIONS]\n'));
    expect(e.issues).toEqual([{ section: null, line: 1, message: 'data before the first [SECTION] header' }]);
  });
});

describe('valve layer CSV', () => {
  it("reads WNTR's layer with its pandas index column, keeping the valve numbers as ids", () => {
    const rows = parseValveLayerCsv(readRealData('wntr-net3/valve_layer_random.csv'));
    expect(rows).toHaveLength(40);
    expect(rows[0]).toEqual({ id: '0', link: '105', node: '105', normallyOpen: true, operable: true, line: 2 });
  });

  it('reads link,node rows with and without a header, and optional state columns', () => {
    expect(parseValveLayerCsv('p1,n1\np3,n2\n').map((r) => [r.id, r.link, r.node])).toEqual([['0', 'p1', 'n1'], ['1', 'p3', 'n2']]);
    expect(parseValveLayerCsv('link,node\r\np1,n1\r\n').map((r) => r.line)).toEqual([2]);
    const rows = parseValveLayerCsv('link,node,normally_open,operable\np1,n1,false,yes\n');
    expect(rows[0]).toMatchObject({ normallyOpen: false, operable: true });
  });

  it('refuses rows of the wrong width or with bad flags, naming the line', () => {
    const e = refusal(() => parseValveLayerCsv('link,node,operable\np1,n1,true\np2\np3,n3,maybe\n'));
    expect(e.message).toBe('Valve layer refused (2 issues): line 3: expected 3 fields as in the header; got 1; line 4: operable must be true or false; got "maybe"');
  });

  it('refuses a valve on a link that is not in the network, or at a node that is not its end', () => {
    const net = parseEpanetInp(readRealData('wntr-net3/CCWI17-HermanMahmoud.inp'));
    const e = refusal(() => waterGraphInputFromEpanet(net, { coordinates: 'local', valveLayer: parseValveLayerCsv('link,node\np1,n1\np99,n1\np2,n5\n') }));
    expect(e.issues).toEqual([
      { section: null, line: 3, message: 'link "p99" is not in the network' },
      { section: null, line: 4, message: 'node "n5" is not an end of link "p2" (n1, n2)' },
    ]);
  });
});
