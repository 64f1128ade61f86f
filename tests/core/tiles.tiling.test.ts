/**
 * The quadtree over the small sample city, cut with a small instance budget so it goes several
 * levels deep: nothing lost or doubled (checked on the decoded GLBs, not only on the tree), every
 * instance inside its tile's bounding box, errors falling with depth, importance placement.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection, type ImportedNetwork } from '../../src/core/importNetwork';
import { VERTEX_STRIDE } from '../../src/core/model';
import { decodeInstancedNodes, glbLayoutIssues, readAccessor, readGlb, readPropertyTable, type ParsedGlb } from '../../src/core/tiles/glbReader';
import { DISTRIBUTION, SERVICE, TRUNK } from '../../src/core/tiles/importance';
import { UNDRAWN_NODE_TYPES } from '../../src/core/tiles/layerInstances';
import { tileLayer, type LayerTileset } from '../../src/core/tiles/layerTileset';
import { buildTileTree, fittingsUri, linesUri, type Box6, type TileNode } from '../../src/core/tiles/tiling';
import { meshoptReady } from '../../src/core/tiles/meshopt';
import { propertyTableIssues, tilesetIssues } from '../../src/core/tiles/tilesetChecks';

await meshoptReady;

const SEED = 20261127;
const TILING = { maxInstancesPerTile: 250, distributionMaxCellM: 200 };
/** Decoded geometry must sit inside boxes built with 2 cm slack; allow float noise on top. */
const CONTAINMENT_EPS_M = 1e-4;
const MIDPOINT_MATCH_M = 0.01;

let network: ImportedNetwork;
let water: LayerTileset;
let power: LayerTileset;

function layer(utility: 'water' | 'power'): LayerTileset {
  return tileLayer(
    { utility, frame: network.frame, links: network.links.filter((l) => l.utility === utility), nodes: network.nodes.filter((n) => n.utility === utility) },
    { tilesetVersion: '1', tiling: TILING },
  );
}

beforeAll(() => {
  network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: SEED })] });
  water = layer('water');
  power = layer('power');
});

function tilesOf(t: LayerTileset): TileNode[] {
  return [...t.tree.tiles.values()];
}

interface DecodedTile { tile: TileNode; file: string; glb: ParsedGlb }
function decodeAll(t: LayerTileset): DecodedTile[] {
  const out: DecodedTile[] = [];
  for (const tile of tilesOf(t)) {
    for (const file of [linesUri(tile.id), fittingsUri(tile.id)]) {
      const bytes = t.content(file);
      if (bytes) out.push({ tile, file, glb: readGlb(bytes) });
    }
  }
  return out;
}

/** glTF point of instance i of a node → tileset frame (z up), as a tileset draws it. */
function toTileset(node: ReturnType<typeof decodeInstancedNodes>[number], i: number, v: [number, number, number]): [number, number, number] {
  const s = node.scale ? [node.scale[i * 3]!, node.scale[i * 3 + 1]!, node.scale[i * 3 + 2]!] : [1, 1, 1];
  const p = [v[0] * s[0]!, v[1] * s[1]!, v[2] * s[2]!];
  let r = p;
  if (node.rotation) {
    const [x, y, z, w] = [0, 1, 2, 3].map((k) => node.rotation![i * 4 + k]!) as [number, number, number, number];
    // Rotation matrix of a unit quaternion (column vectors).
    r = [
      (1 - 2 * (y * y + z * z)) * p[0]! + 2 * (x * y - z * w) * p[1]! + 2 * (x * z + y * w) * p[2]!,
      2 * (x * y + z * w) * p[0]! + (1 - 2 * (x * x + z * z)) * p[1]! + 2 * (y * z - x * w) * p[2]!,
      2 * (x * z - y * w) * p[0]! + 2 * (y * z + x * w) * p[1]! + (1 - 2 * (x * x + y * y)) * p[2]!,
    ];
  }
  const g = [0, 1, 2].map((k) => r[k]! + node.translation[i * 3 + k]! + node.nodeTranslation[k]!);
  // Y_UP_TO_Z_UP: (x, y, z) glTF → (x, −z, y).
  return [g[0]!, -g[2]!, g[1]!];
}

function inside(b: Box6, p: readonly number[]): boolean {
  return [0, 1, 2].every((k) => p[k]! >= b[k]! - CONTAINMENT_EPS_M && p[k]! <= b[k + 3]! + CONTAINMENT_EPS_M);
}

describe('cutting a layer into tiles', () => {
  it('goes several levels deep with the small budget, every content within it', () => {
    const tiles = tilesOf(water);
    expect(Math.max(...tiles.map((t) => t.level))).toBeGreaterThanOrEqual(2);
    for (const t of tiles) {
      if (t.level < water.tree.options.maxDepth) expect(t.segments.length + t.fittings.length).toBeLessThanOrEqual(TILING.maxInstancesPerTile);
    }
  });

  it('keeps the root to rootInstances and lets each level down hold 4× more, up to the tile budget', () => {
    const tree = buildTileTree(water.layer, { ...TILING, rootInstances: 30 });
    for (const t of tree.tiles.values()) {
      if (t.children.length === 0) continue;
      expect(t.segments.length + t.fittings.length).toBeLessThanOrEqual(Math.min(TILING.maxInstancesPerTile, 30 * 4 ** t.level));
    }
    expect(tree.root.segments.length + tree.root.fittings.length).toBeGreaterThan(0);
    expect(() => buildTileTree(water.layer, { rootInstances: 0 })).toThrow(/rootInstances must be ≥ 1; got 0/);
  });

  it('puts every segment in exactly one tile, once (tree)', () => {
    for (const t of [water, power]) {
      const seen = new Uint8Array(t.layer.segmentCount);
      for (const tile of tilesOf(t)) for (const s of tile.segments) seen[s]!++;
      expect([...seen].every((n) => n === 1)).toBe(true);
      const fseen = new Uint8Array(t.layer.fittingCount);
      for (const tile of tilesOf(t)) for (const f of tile.fittings) fseen[f]!++;
      expect([...fseen].every((n) => n === 1)).toBe(true);
    }
  });

  it('draws every non-degenerate segment of every link exactly once across the decoded GLBs', () => {
    const links = network.links.filter((l) => l.utility === 'water');
    const frame = water.layer.frame;
    // Expected: each segment's midpoint in the tileset frame, by link id.
    const expected = new Map<string, { mid: number[]; hits: number }[]>();
    const a = [0, 0, 0], b = [0, 0, 0];
    for (const l of links) {
      const list: { mid: number[]; hits: number }[] = [];
      const v = l.vertices;
      for (let i = 0; i + 1 < v.length / VERTEX_STRIDE; i++) {
        const o = i * VERTEX_STRIDE;
        frame.toTileset(v[o]!, v[o + 1]!, v[o + 2]! - v[o + 3]!, a);
        frame.toTileset(v[o + 4]!, v[o + 5]!, v[o + 6]! - v[o + 7]!, b);
        if (Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!) < 1e-3) continue;
        list.push({ mid: [0, 1, 2].map((k) => (a[k]! + b[k]!) / 2), hits: 0 });
      }
      expected.set(l.id, list);
    }
    let decodedInstances = 0;
    for (const { glb, file } of decodeAll(water)) {
      if (file.endsWith('-fittings.glb')) continue;
      for (const node of decodeInstancedNodes(glb)) {
        const rows = readPropertyTable(glb, water.schema, node.propertyTable);
        for (let i = 0; i < node.count; i++) {
          const id = rows[node.featureIds[i]!]!['id'] as string;
          const mid = toTileset(node, i, [0, 0, 0]);
          const candidates = expected.get(id) ?? [];
          const hit = candidates.find((c) => Math.hypot(c.mid[0]! - mid[0], c.mid[1]! - mid[1], c.mid[2]! - mid[2]) < MIDPOINT_MATCH_M);
          expect(hit, `instance of ${id} at ${mid.map((x) => x.toFixed(2))} matches none of its segments`).toBeDefined();
          hit!.hits++;
          decodedInstances++;
        }
      }
    }
    const all = [...expected.values()].flat();
    expect(decodedInstances).toBe(all.length);
    expect(all.filter((c) => c.hits !== 1)).toEqual([]);
  });

  it('draws every fitting but junctions and tees once, with its id', () => {
    const ids: string[] = [];
    for (const { glb, file } of decodeAll(water)) {
      if (!file.endsWith('-fittings.glb')) continue;
      const [node] = decodeInstancedNodes(glb);
      const rows = readPropertyTable(glb, water.schema, node!.propertyTable);
      expect(rows).toHaveLength(node!.count);
      ids.push(...rows.map((r) => r['id'] as string));
    }
    const wanted = network.nodes.filter((n) => n.utility === 'water' && !UNDRAWN_NODE_TYPES.has(n.nodeType)).map((n) => n.id);
    expect(ids.sort()).toEqual(wanted.sort());
  });

  it('bounds every instance\'s drawn geometry, radius included, by its content box and its tile box', () => {
    for (const t of [water, power]) {
      for (const { tile, file, glb } of decodeAll(t)) {
        const contentBox = file.endsWith('-fittings.glb') ? tile.fittingsBox! : tile.linesBox!;
        for (const node of decodeInstancedNodes(glb)) {
          const mesh = glb.json.meshes![node.mesh] as { primitives: { attributes: { POSITION: number } }[] };
          const positions = readAccessor(glb, mesh.primitives[0]!.attributes.POSITION);
          for (let i = 0; i < node.count; i++) {
            for (let k = 0; k < positions.length; k += 3) {
              const p = toTileset(node, i, [positions[k]!, positions[k + 1]!, positions[k + 2]!]);
              if (!inside(contentBox, p) || !inside(tile.box, p)) throw new Error(`${t.utility} ${file}: vertex ${p.map((x) => x.toFixed(3))} outside ${contentBox.map((x) => x.toFixed(3))}`);
            }
          }
        }
      }
    }
  });

  it('nests each child\'s box inside its parent\'s', () => {
    for (const t of tilesOf(water)) {
      for (const c of t.children) {
        expect(inside(t.box, c.box.slice(0, 3)) && inside(t.box, c.box.slice(3))).toBe(true);
      }
    }
  });

  it('lowers the geometric error with depth, to 0 at the leaves, below the tileset\'s', () => {
    for (const t of tilesOf(water)) {
      if (t.children.length === 0) expect(t.geometricError).toBe(0);
      for (const c of t.children) expect(c.geometricError).toBeLessThan(t.geometricError);
    }
    expect(water.tree.geometricError).toBeGreaterThan(water.tree.root.geometricError);
    // Drawing nothing misses the whole layer: CesiumJS skips a tileset whose own error is small on
    // screen, which kept whole layers of the large city off its opening view.
    expect(water.tree.geometricError).toBeGreaterThanOrEqual(water.tree.root.cell.size);
  });

  it('places trunks first, distribution only in small cells, services only in leaf tiles', () => {
    const cls = (t: LayerTileset, tile: TileNode) => [
      ...[...tile.segments].map((s) => t.layer.linkImportance[t.layer.segLink[s]!]!),
      ...[...tile.fittings].map((f) => t.layer.nodeImportance[f]!),
    ];
    const below = (tile: TileNode): TileNode[] => tile.children.flatMap((c) => [c, ...below(c)]);
    for (const tile of tilesOf(water)) {
      const mine = cls(water, tile);
      if (tile.children.length > 0) expect(mine).not.toContain(SERVICE);
      if (tile.level < water.tree.options.maxDepth && tile.cell.size > TILING.distributionMaxCellM) expect(mine).not.toContain(DISTRIBUTION);
      // Nothing deferred is more important than what a tile took.
      const deferred = below(tile).flatMap((d) => cls(water, d));
      if (mine.length > 0 && deferred.length > 0) expect(Math.max(...mine)).toBeLessThanOrEqual(Math.min(...deferred));
    }
    expect(cls(water, water.tree.root).every((c) => c === TRUNK)).toBe(true);
  });
});

describe('tileset.json', () => {
  it('is 3D Tiles 1.1 with additive refinement set once at the root and relative content URIs', () => {
    const ts = water.tileset as { asset: { version: string; tilesetVersion: string }; geometricError: number; root: Record<string, unknown> };
    expect(ts.asset.version).toBe('1.1');
    expect(ts.asset.tilesetVersion).toBe('1');
    expect(ts.root['refine']).toBe('ADD');
    expect((ts.root['transform'] as number[]).length).toBe(16);
    const uris: string[] = [];
    const walk = (t: Record<string, unknown>, isRoot: boolean) => {
      if (!isRoot) {
        expect(t['refine']).toBeUndefined();
        expect(t['transform']).toBeUndefined();
      }
      expect((t['boundingVolume'] as { box: number[] }).box).toHaveLength(12);
      const contents = [t['content'], ...((t['contents'] as unknown[]) ?? [])].filter(Boolean) as { uri: string; boundingVolume: { box: number[] } }[];
      for (const c of contents) {
        uris.push(c.uri);
        expect(c.boundingVolume.box).toHaveLength(12);
      }
      for (const c of (t['children'] as Record<string, unknown>[]) ?? []) walk(c, false);
    };
    walk(ts.root, true);
    expect(uris.length).toBeGreaterThan(2);
    for (const u of uris) {
      expect(u).toMatch(/^\d+-\d+-\d+(-fittings)?\.glb$/);
      expect(water.content(u)).not.toBeNull();
    }
  });

  it('every GLB passes the layout checks, and the same input gives the same bytes', () => {
    for (const { glb, file } of decodeAll(power)) {
      const bytes = power.content(file)!;
      expect(glbLayoutIssues(bytes), file).toEqual([]);
      expect(glb.json.asset.version).toBe('2.0');
    }
    const again = layer('power');
    expect(JSON.stringify(again.tileset)).toBe(JSON.stringify(power.tileset));
    const first = linesUri(power.tree.root.id);
    expect(Buffer.from(again.content(first)!).equals(Buffer.from(power.content(first)!))).toBe(true);
  });

  it('refuses caller bugs: a layer of the wrong utility, an empty layer', () => {
    const gas = network.links.filter((l) => l.utility === 'gas');
    expect(() => tileLayer({ utility: 'water', frame: network.frame, links: gas, nodes: [] }, { tilesetVersion: '1' })).toThrow(/is gas, the layer is water/);
    expect(() => tileLayer({ utility: 'heat', frame: network.frame, links: [], nodes: [] }, { tilesetVersion: '1' })).toThrow(/no segments and no fittings/);
  });

  it('passes the structural 3D Tiles checks, which name each broken rule in a damaged copy', () => {
    for (const t of [water, power]) expect(tilesetIssues(t.tileset).issues).toEqual([]);
    const ts = JSON.parse(JSON.stringify(water.tileset)) as { geometricError: number; root: Record<string, any> };
    const child = ts.root['children'][0];
    const leaf = (t: Record<string, any>): Record<string, any> => (t['children']?.length ? leaf(t['children'][0]) : t);
    child.boundingVolume.box[0] += 1e5; // moved out of its parent
    leaf(ts.root['children'][1]).geometricError = 3; // a leaf with an error
    ts.root['children'][1].geometricError = ts.root['geometricError'] + 1; // above its parent's
    ts.root['transform'][15] = 2;
    ts.root['refine'] = 'SOMETIMES';
    const withContent = [...water.tree.tiles.values()].find((t) => t.linesBox && t.fittingsBox)!;
    expect(withContent).toBeDefined();
    const found = (t: Record<string, any>): Record<string, any> | undefined => (t['contents'] ? t : (t['children'] ?? []).map(found).find(Boolean));
    const multi = found(ts.root)!;
    multi['content'] = { uri: '../../../etc/passwd' };
    const { issues, contentUris } = tilesetIssues(ts);
    const expected = [/root refine "SOMETIMES"/, /root transform is not affine/, /root\/children\/0 box is not inside its parent's/,
      /root\/children\/1 geometricError \d+(\.\d+)? is not below its parent's/, /is a leaf with geometricError 3/, /has both content and contents/,
      /uri "..\/..\/..\/etc\/passwd" is not a relative path below the tileset/];
    for (const e of expected) expect(issues.some((i) => e.test(i)), `${e} in ${JSON.stringify(issues)}`).toBe(true);
    expect(contentUris.length).toBeGreaterThan(2);
  });

  it('checks property tables against the schema: missing classes, properties and unknown enum codes are named', () => {
    const glb = readGlb(water.content(linesUri(water.tree.root.id))!);
    expect(propertyTableIssues(glb, water.schema)).toEqual([]);
    const copy = () => JSON.parse(JSON.stringify(water.schema)) as typeof water.schema;
    const schema = copy();
    delete schema.classes['link']!.properties['owner'];
    schema.classes['link']!.properties['extra'] = { description: 'x', type: 'SCALAR', componentType: 'UINT8', required: true };
    const issues = propertyTableIssues(glb, schema);
    for (const e of [/has "owner", which class link lacks/, /lacks required link.extra/]) expect(issues.some((i) => e.test(i)), `${e} in ${JSON.stringify(issues)}`).toBe(true);
    const codes = copy();
    const first = codes.enums['status']!.values[0]!;
    codes.enums['status']!.values = codes.enums['status']!.values.slice(1);
    expect(propertyTableIssues(glb, codes)).toContain(`property table 0 status: code ${first.value} is no value of enum status`);
    codes.enums['status']!.values = [];
    expect(propertyTableIssues(glb, codes)).toContain('enum status has no values');
    expect(propertyTableIssues(glb, { ...schema, classes: {} })).toEqual(['property table 0 names missing class "link"']);
  });
});
