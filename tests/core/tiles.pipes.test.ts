/**
 * Orientation and metadata of instanced pipes, checked against CesiumJS's own math (a reference
 * implementation, not ours): Transforms.eastNorthUpToFixedFrame for the tile transform,
 * Axis.Y_UP_TO_Z_UP for the glTF → tileset turn, Matrix4.fromTranslationQuaternionRotationScale
 * for each instance, Cartesian3.fromDegrees for where the pipe's vertices truly are.
 *
 * Tolerances: positions 1 cm (translations and lengths snap to 1/128 m, int16 quaternions),
 * directions 1e-5 in the cosine (≈ 0.26°; the actual error is below 1e-8).
 */
import { Axis, Cartesian3, Cartesian4, Matrix4, Quaternion, Transforms } from 'cesium';
import { describe, expect, it } from 'vitest';
import { lonLatTransform, type LocalFrame } from '../../src/core/crs';
import type { Link, NetworkNode } from '../../src/core/model';
import { decodeInstancedNodes, glbLayoutIssues, readGlb, readPropertyTable, type DecodedInstances } from '../../src/core/tiles/glbReader';
import { tileLayer, type LayerTileset } from '../../src/core/tiles/layerTileset';
import { fittingsUri, linesUri } from '../../src/core/tiles/tiling';
import { meshoptReady } from '../../src/core/tiles/meshopt';

await meshoptReady;

/** CesiumJS's axis matrices exist at run time but are missing from its type declarations. */
const AXIS = Axis as unknown as { Y_UP_TO_Z_UP: Matrix4; Z_UP_TO_X_UP: Matrix4 };

const FRAME: LocalFrame = { originLon: 113.33, originLat: 23.13 };
const POSITION_TOLERANCE_M = 0.01;
const DIRECTION_TOLERANCE = 1e-5;

function link(id: string, subtype: string, section: Link['section'], xyzg: number[][], extra: Partial<Link> = {}): Link {
  return {
    id, utility: 'water', subtype, material: 'ductile_iron', section, pressureClass: null, installYear: 2015, owner: '广州市自来水公司 Guangzhou Water Supply Co.',
    status: 'in_service', qualityLevel: 'B', street: null, fromNode: null, toNode: null, vertices: new Float64Array(xyzg.flat()), ...extra,
  };
}

function node(id: string, nodeType: NetworkNode['nodeType'], x: number, y: number, z: number, ground: number, extra: Partial<NetworkNode> = {}): NetworkNode {
  return { id, nodeType, utility: 'water', x, y, z, ground, normallyOpen: null, operable: null, link: null, customerClass: null, name: null, street: null, ...extra };
}

// 3 km east and 2 km north of the origin, where the ENU plane and the tmerc grid both differ from the
// local ground (curvature 1 m, convergence 0.01°): a shortcut would show here.
const EAST_WEST = link('EW', 'main', { shape: 'circular', diameterMm: 400 }, [[3000, 2000, 10, 12], [3040, 2000, 10, 12], [3080, 2000, 9.8, 12]]);
const NORTH_SOUTH_DUCT = link('NS', 'duct_bank', { shape: 'rect', widthMm: 600, heightMm: 400 }, [[-500, 100, 11, 12], [-500, 160, 11, 12]], { material: 'concrete' });
const SLOPED_SERVICE = link('SV', 'service', { shape: 'circular', diameterMm: 32 }, [[0, 0, 11, 12], [3, 4, 10.5, 12], [3, 4, 10.5, 12], [6, 8, 10, 12]], { qualityLevel: null, installYear: null });
const VALVE = node('V1', 'valve', 3040, 2000, 10, 12, { normallyOpen: true, operable: false, link: 'EW' });
const MANHOLE = node('M1', 'manhole', -500, 100, 9, 12);

/** Everything in one root tile (placement is tiles.tiling.test.ts's subject). */
function tiles(embedSchema = true): LayerTileset {
  return tileLayer({ utility: 'water', frame: FRAME, links: [EAST_WEST, NORTH_SOUTH_DUCT, SLOPED_SERVICE], nodes: [VALVE, MANHOLE] }, { tilesetVersion: '1', embedSchema, tiling: { distributionMaxCellM: Infinity } });
}

const toLonLat = lonLatTransform(FRAME).fromLocal;
/** Where a local point truly is, in ECEF, by CesiumJS: height drawn as z − ground. */
function ecefOf(x: number, y: number, h: number): Cartesian3 {
  const [lon, lat] = toLonLat(x, y);
  return Cartesian3.fromDegrees(lon, lat, h);
}

function rootTransform(t: LayerTileset): Matrix4 {
  return Matrix4.fromArray((t.tileset['root'] as { transform: number[] }).transform);
}

/** Instance i's model matrix in ECEF, as a tileset in CesiumJS composes it. */
function instanceToEcef(root: Matrix4, node: DecodedInstances, i: number, axisCorrection: Matrix4 = AXIS.Y_UP_TO_Z_UP): Matrix4 {
  const t = new Cartesian3(node.translation[i * 3]!, node.translation[i * 3 + 1]!, node.translation[i * 3 + 2]!);
  const r = node.rotation!;
  const q = new Quaternion(r[i * 4]!, r[i * 4 + 1]!, r[i * 4 + 2]!, r[i * 4 + 3]!);
  const s = new Cartesian3(node.scale![i * 3]!, node.scale![i * 3 + 1]!, node.scale![i * 3 + 2]!);
  const instance = Matrix4.fromTranslationQuaternionRotationScale(t, q, s);
  const nodeMatrix = Matrix4.fromTranslation(Cartesian3.fromArray(node.nodeTranslation));
  let m = Matrix4.multiply(root, axisCorrection, new Matrix4());
  m = Matrix4.multiply(m, nodeMatrix, m);
  return Matrix4.multiply(m, instance, m);
}

function point(m: Matrix4, x: number, y: number, z: number): Cartesian3 {
  return Matrix4.multiplyByPoint(m, new Cartesian3(x, y, z), new Cartesian3());
}
function direction(m: Matrix4, x: number, y: number, z: number): Cartesian3 {
  const v = Matrix4.multiplyByVector(m, new Cartesian4(x, y, z, 0), new Cartesian4());
  return Cartesian3.normalize(new Cartesian3(v.x, v.y, v.z), new Cartesian3());
}
function enuAxes(x: number, y: number) {
  const enu = Transforms.eastNorthUpToFixedFrame(ecefOf(x, y, 0));
  const col = (k: number) => Cartesian3.fromElements(enu[k * 4]!, enu[k * 4 + 1]!, enu[k * 4 + 2]!);
  return { east: col(0), north: col(1), up: col(2) };
}

function decoded(t: LayerTileset, file: string) {
  const bytes = t.content(file);
  expect(bytes, file).not.toBeNull();
  const glb = readGlb(bytes!);
  return { glb, nodes: decodeInstancedNodes(glb), bytes: bytes! };
}

describe('instanced pipes in a tileset, as CesiumJS draws them', () => {
  const t = tiles();
  const root = rootTransform(t);
  const lines = decoded(t, linesUri(t.tree.root.id));

  it('the root transform is CesiumJS\'s east-north-up frame at the project origin', () => {
    expect(AXIS.Y_UP_TO_Z_UP).toBeInstanceOf(Matrix4);
    const expected = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(FRAME.originLon, FRAME.originLat, 0));
    for (let k = 0; k < 16; k++) expect(root[k]!).toBeCloseTo(expected[k]!, k >= 12 ? 3 : 12);
  });

  it('an east–west pipe\'s instances lay the unit cylinder\'s axis from vertex to vertex, pointing east', () => {
    const pipes = lines.nodes.find((n) => n.name === 'pipes')!;
    const rows = readPropertyTable(lines.glb, t.schema, pipes.propertyTable);
    const mine = [...pipes.featureIds.keys()].filter((i) => rows[pipes.featureIds[i]!]!['id'] === 'EW');
    expect(mine).toHaveLength(2);
    const v = EAST_WEST.vertices;
    const ends = [0, 1, 2].map((k) => ecefOf(v[k * 4]!, v[k * 4 + 1]!, v[k * 4 + 2]! - v[k * 4 + 3]!));
    mine.forEach((i, k) => {
      const m = instanceToEcef(root, pipes, i);
      expect(Cartesian3.distance(point(m, -0.5, 0, 0), ends[k]!)).toBeLessThan(POSITION_TOLERANCE_M);
      expect(Cartesian3.distance(point(m, 0.5, 0, 0), ends[k + 1]!)).toBeLessThan(POSITION_TOLERANCE_M);
    });
    const m = instanceToEcef(root, pipes, mine[0]!);
    const { east, up } = enuAxes(3020, 2000);
    expect(Cartesian3.dot(direction(m, 1, 0, 0), east)).toBeGreaterThan(1 - DIRECTION_TOLERANCE);
    // Radius 0.2 m across, upright: the cylinder's +Y goes up, 0.4 m across.
    expect(Cartesian3.dot(direction(m, 0, 1, 0), up)).toBeGreaterThan(1 - DIRECTION_TOLERANCE);
    expect(Cartesian3.distance(point(m, 0, 0.5, 0), point(m, 0, -0.5, 0))).toBeCloseTo(0.4, 4);
  });

  it('a duct keeps its height vertical and its width horizontal, with no roll', () => {
    const ducts = lines.nodes.find((n) => n.name === 'ducts')!;
    expect(ducts.count).toBe(1);
    const m = instanceToEcef(root, ducts, 0);
    const { north, up, east } = enuAxes(-500, 130);
    expect(Cartesian3.dot(direction(m, 1, 0, 0), north)).toBeGreaterThan(1 - DIRECTION_TOLERANCE);
    expect(Cartesian3.dot(direction(m, 0, 1, 0), up)).toBeGreaterThan(1 - DIRECTION_TOLERANCE);
    expect(Math.abs(Cartesian3.dot(direction(m, 0, 0, 1), east))).toBeGreaterThan(1 - DIRECTION_TOLERANCE);
    expect(Cartesian3.distance(point(m, 0, 0.5, 0), point(m, 0, -0.5, 0))).toBeCloseTo(0.4, 4);
    expect(Cartesian3.distance(point(m, 0, 0, 0.5), point(m, 0, 0, -0.5))).toBeCloseTo(0.6, 4);
  });

  it('a sloped service line follows its slope, and its zero-length segment is skipped and reported', () => {
    const pipes = lines.nodes.find((n) => n.name === 'pipes')!;
    const rows = readPropertyTable(lines.glb, t.schema, pipes.propertyTable);
    const mine = [...pipes.featureIds.keys()].filter((i) => rows[pipes.featureIds[i]!]!['id'] === 'SV');
    expect(mine).toHaveLength(2);
    const m = instanceToEcef(root, pipes, mine[1]!);
    expect(Cartesian3.distance(point(m, 0.5, 0, 0), ecefOf(6, 8, -2))).toBeLessThan(POSITION_TOLERANCE_M);
    expect(Cartesian3.distance(point(m, -0.5, 0, 0), ecefOf(3, 4, -1.5))).toBeLessThan(POSITION_TOLERANCE_M);
    expect(t.skipped).toEqual([{ linkId: 'SV', segment: 1, reason: expect.stringMatching(/0\.0000 m long/) }]);
  });

  it('loaded as a bare Model with CesiumJS\'s default forwardAxis Z, the same pipe would turn north–south', () => {
    // What DESIGN.md saw: Model.fromGltfAsync adds Z_UP_TO_X_UP; a tileset does not (forwardAxis X).
    const pipes = lines.nodes.find((n) => n.name === 'pipes')!;
    const modelCorrection = Matrix4.multiplyTransformation(AXIS.Y_UP_TO_Z_UP, AXIS.Z_UP_TO_X_UP, new Matrix4());
    const m = instanceToEcef(root, pipes, 0, modelCorrection);
    const { east, north } = enuAxes(3020, 2000);
    expect(Math.abs(Cartesian3.dot(direction(m, 1, 0, 0), east))).toBeLessThan(0.01);
    expect(Math.abs(Cartesian3.dot(direction(m, 1, 0, 0), north))).toBeGreaterThan(0.999);
  });

  it('every GLB passes the layout checks and names its extensions', () => {
    expect(glbLayoutIssues(lines.bytes)).toEqual([]);
    expect(lines.glb.json.extensionsUsed).toEqual(['EXT_mesh_gpu_instancing', 'EXT_instance_features', 'EXT_structural_metadata', 'EXT_meshopt_compression']);
    // Compressed without an uncompressed copy: a viewer that cannot decode meshopt must refuse the tile.
    expect(lines.glb.json.extensionsRequired).toEqual(['EXT_mesh_gpu_instancing', 'EXT_meshopt_compression']);
    expect(glbLayoutIssues(decoded(t, fittingsUri(t.tree.root.id)).bytes)).toEqual([]);
  });
});

describe('fittings', () => {
  const t = tiles();
  const root = rootTransform(t);
  const { glb, nodes } = decoded(t, fittingsUri(t.tree.root.id));
  const fittings = nodes[0]!;
  const rows = readPropertyTable(glb, t.schema, fittings.propertyTable);

  it('stand upright, a manhole\'s shaft from the fitting to the ground', () => {
    const i = rows.findIndex((r) => r['id'] === 'M1');
    const m = instanceToEcef(root, fittings, i);
    const { up } = enuAxes(-500, 100);
    expect(Cartesian3.dot(direction(m, 1, 0, 0), up)).toBeGreaterThan(1 - 1e-6);
    expect(Cartesian3.distance(point(m, 0.5, 0, 0), ecefOf(-500, 100, 0))).toBeLessThan(POSITION_TOLERANCE_M);
    expect(Cartesian3.distance(point(m, -0.5, 0, 0), ecefOf(-500, 100, -3))).toBeLessThan(POSITION_TOLERANCE_M);
  });

  it('carry their attributes by implicit feature id: instance i is row i', () => {
    expect(fittings.featureIds).toEqual([0, 1]);
    expect(rows.map((r) => r['id']).sort()).toEqual(['M1', 'V1']);
    const valve = rows.find((r) => r['id'] === 'V1')!;
    expect(valve).toMatchObject({ nodeType: 'valve', utility: 'water', normallyOpen: 'open', operable: 'no', customerClass: 'none', importance: 'distribution', coverCm: 200 });
  });
});

describe('link attributes', () => {
  it('round-trip from feature id to link id and every attribute, with no-data values for nulls', () => {
    const t = tiles();
    const { glb, nodes } = decoded(t, linesUri(t.tree.root.id));
    const pipes = nodes.find((n) => n.name === 'pipes')!;
    const rows = readPropertyTable(glb, t.schema, pipes.propertyTable);
    expect(pipes.featureCount).toBe(rows.length);
    const ew = rows.find((r) => r['id'] === 'EW')!;
    expect(ew).toMatchObject({
      utility: 'water', subtype: 'main', importance: 'trunk', material: 'ductile_iron', sectionShape: 'circular', diameterMm: 400,
      widthMm: 0, heightMm: 0, pressureClass: 'none', installYear: 2015, owner: '广州市自来水公司 Guangzhou Water Supply Co.',
      status: 'in_service', qualityLevel: 'B', minCoverCm: 180, maxCoverCm: 200,
    });
    expect(rows.find((r) => r['id'] === 'SV')).toMatchObject({ importance: 'service', qualityLevel: 'unknown', installYear: 0, diameterMm: 32 });
    const ducts = nodes.find((n) => n.name === 'ducts')!;
    expect(ducts.propertyTable).toBe(pipes.propertyTable);
    expect(rows[ducts.featureIds[0]!]).toMatchObject({ id: 'NS', subtype: 'duct_bank', sectionShape: 'rect', widthMm: 600, heightMm: 400, diameterMm: 0, importance: 'trunk' });
  });

  it('reference the layer schema by URI unless asked to embed it', () => {
    const t = tiles(false);
    const { glb } = decoded(t, linesUri(t.tree.root.id));
    const meta = glb.json.extensions!['EXT_structural_metadata'] as Record<string, unknown>;
    expect(meta['schemaUri']).toBe('schema.json');
    expect(meta['schema']).toBeUndefined();
    expect(t.schema.classes['link']!.properties['id']!.type).toBe('STRING');
  });
});
