/**
 * Structural checks of a tileset.json against the 3D Tiles 1.1 rules we can check without the 3D
 * Tiles validator (`3d-tiles-validator` is not on the npm registry this project installs from).
 * Like glbReader.ts glbLayoutIssues it returns sentences naming the tile and the values; empty when
 * all is well. Checked (3D Tiles 1.1 specification, "Tileset JSON", "Bounding volumes", "Geometric
 * error", "Refinement", "Tile content"):
 * - asset.version 1.0 or 1.1; geometricError a finite number ≥ 0 on the tileset and every tile;
 * - refine ADD or REPLACE, present at the root;
 * - exactly one bounding volume kind per tile and content; boxes of 12 finite numbers with
 *   orthogonal, non-degenerate half-axes;
 * - every child's box and every content box inside its tile's box (corners within a tolerance);
 * - geometric error falling strictly with depth, 0 at the leaves, the tileset's ≥ the root's;
 * - transform: 16 finite numbers, affine (last row 0 0 0 1);
 * - `content` and `contents` not both; content URIs relative (no scheme, no `..`, no leading `/`).
 *
 * Content URIs are returned so the caller can fetch them (tests/server/tiles.test.ts resolves
 * every one over HTTP); schema checks of the GLBs' property tables are in `propertyTableIssues`.
 */
import { readPropertyTable, type ParsedGlb } from './glbReader';

/** Slack for "inside", m: boxes are written as float64 JSON of float64 sums. */
const CONTAINMENT_TOLERANCE_M = 1e-6;

export interface TilesetCheck {
  issues: string[];
  /** Every content URI in tree order (relative to tileset.json). */
  contentUris: string[];
}

type Json = Record<string, unknown>;

export function tilesetIssues(tileset: Json): TilesetCheck {
  const issues: string[] = [];
  const contentUris: string[] = [];
  const asset = tileset['asset'] as Json | undefined;
  if (!asset || (asset['version'] !== '1.1' && asset['version'] !== '1.0')) issues.push(`asset.version is ${JSON.stringify(asset?.['version'])}, expected "1.1"`);
  const rootError = finiteError(tileset['geometricError'], 'tileset', issues);
  const root = tileset['root'] as Json | undefined;
  if (!root) return { issues: [...issues, 'no root tile'], contentUris };
  if (root['refine'] !== 'ADD' && root['refine'] !== 'REPLACE') issues.push(`root refine is ${JSON.stringify(root['refine'])}, expected ADD or REPLACE`);
  if (rootError !== null && typeof root['geometricError'] === 'number' && root['geometricError'] > rootError) {
    issues.push(`root geometricError ${root['geometricError']} exceeds the tileset's ${rootError}`);
  }

  const walk = (tile: Json, path: string, parentBox: number[] | null, parentError: number | null): void => {
    if (tile['refine'] !== undefined && tile['refine'] !== 'ADD' && tile['refine'] !== 'REPLACE') issues.push(`${path} refine ${JSON.stringify(tile['refine'])}`);
    if (tile['transform'] !== undefined) transformIssues(tile['transform'], path, issues);
    const box = boxOf(tile['boundingVolume'], `${path} boundingVolume`, issues);
    if (box && parentBox && !boxInside(box, parentBox)) issues.push(`${path} box is not inside its parent's`);
    const error = finiteError(tile['geometricError'], path, issues);
    if (error !== null && parentError !== null && !(error < parentError)) issues.push(`${path} geometricError ${error} is not below its parent's ${parentError}`);
    const children = (tile['children'] as Json[] | undefined) ?? [];
    if (children.length === 0 && error !== null && error !== 0) issues.push(`${path} is a leaf with geometricError ${error}, expected 0`);
    if (tile['content'] !== undefined && tile['contents'] !== undefined) issues.push(`${path} has both content and contents`);
    const contents = [tile['content'], ...((tile['contents'] as unknown[] | undefined) ?? [])].filter((c) => c !== undefined) as Json[];
    contents.forEach((c, k) => {
      const at = `${path} content ${k}`;
      const uri = c['uri'];
      if (typeof uri !== 'string' || uri.length === 0) { issues.push(`${at} has no uri`); return; }
      if (/^[a-z][a-z0-9+.-]*:|^\/|(^|\/)\.\.(\/|$)/i.test(uri)) issues.push(`${at} uri "${uri}" is not a relative path below the tileset`);
      contentUris.push(uri);
      if (c['boundingVolume'] !== undefined) {
        const cb = boxOf(c['boundingVolume'], `${at} boundingVolume`, issues);
        if (cb && box && !boxInside(cb, box)) issues.push(`${at} box is not inside its tile's`);
      }
    });
    children.forEach((child, i) => walk(child, `${path}/children/${i}`, box, error));
  };
  walk(root, 'root', null, null);
  return { issues, contentUris };
}

function finiteError(v: unknown, at: string, issues: string[]): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    issues.push(`${at} geometricError ${JSON.stringify(v)} is not a finite number ≥ 0`);
    return null;
  }
  return v;
}

function transformIssues(t: unknown, at: string, issues: string[]): void {
  if (!Array.isArray(t) || t.length !== 16 || !t.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    issues.push(`${at} transform is not 16 finite numbers`);
    return;
  }
  // Column-major: the last row is elements 3, 7, 11, 15.
  if (t[3] !== 0 || t[7] !== 0 || t[11] !== 0 || t[15] !== 1) issues.push(`${at} transform is not affine (last row ${[t[3], t[7], t[11], t[15]].join(' ')})`);
}

/** A box volume's 12 numbers, or null (with an issue) when it is not a valid box. */
function boxOf(volume: unknown, at: string, issues: string[]): number[] | null {
  const v = volume as Json | undefined;
  const kinds = ['box', 'region', 'sphere'].filter((k) => v?.[k] !== undefined);
  if (kinds.length !== 1) { issues.push(`${at} has ${kinds.length} volume kinds (${kinds.join(', ')}), expected one`); return null; }
  if (kinds[0] !== 'box') return null; // regions and spheres are valid 3D Tiles; we write boxes only
  const b = v!['box'];
  if (!Array.isArray(b) || b.length !== 12 || !b.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    issues.push(`${at} box is not 12 finite numbers`);
    return null;
  }
  const axes = [b.slice(3, 6), b.slice(6, 9), b.slice(9, 12)] as number[][];
  const dot = (p: number[], q: number[]) => p[0]! * q[0]! + p[1]! * q[1]! + p[2]! * q[2]!;
  if (axes.some((a) => dot(a, a) === 0)) issues.push(`${at} box has a zero half-axis`);
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) {
      if (Math.abs(dot(axes[i]!, axes[j]!)) > 1e-9 * Math.sqrt(dot(axes[i]!, axes[i]!) * dot(axes[j]!, axes[j]!))) issues.push(`${at} box half-axes ${i} and ${j} are not orthogonal`);
    }
  }
  return b as number[];
}

/** Are all 8 corners of box `inner` inside box `outer` (both oriented boxes with orthogonal axes)? */
export function boxInside(inner: readonly number[], outer: readonly number[]): boolean {
  const c = inner.slice(0, 3);
  for (let corner = 0; corner < 8; corner++) {
    const p = [0, 1, 2].map((k) => c[k]! + [0, 1, 2].reduce((s, a) => s + ((corner >> a) & 1 ? 1 : -1) * inner[3 + a * 3 + k]!, 0));
    for (let a = 0; a < 3; a++) {
      const axis = outer.slice(3 + a * 3, 6 + a * 3);
      const len = Math.hypot(axis[0]!, axis[1]!, axis[2]!);
      const along = ((p[0]! - outer[0]!) * axis[0]! + (p[1]! - outer[1]!) * axis[1]! + (p[2]! - outer[2]!) * axis[2]!) / len;
      if (Math.abs(along) > len + CONTAINMENT_TOLERANCE_M) return false;
    }
  }
  return true;
}

interface SchemaJson {
  id?: unknown;
  enums?: Record<string, { valueType?: string; values: { name: string; value: number }[] }>;
  classes?: Record<string, { properties: Record<string, { type: string; componentType?: string; enumType?: string; required?: boolean }> }>;
}

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ENUM_VALUE_TYPES = ['INT8', 'UINT8', 'INT16', 'UINT16', 'INT32', 'UINT32', 'INT64', 'UINT64'];

/**
 * A GLB's EXT_structural_metadata against its schema (3D Metadata Specification): schema id and
 * names are identifiers, enums well formed, every property table's class and properties declared,
 * required properties present, every column readable for `count` rows and every enum code a value
 * of its enum.
 */
export function propertyTableIssues(glb: ParsedGlb, schema: SchemaJson): string[] {
  const issues: string[] = [];
  if (typeof schema.id !== 'string' || !IDENTIFIER.test(schema.id)) issues.push(`schema id ${JSON.stringify(schema.id)} is not an identifier`);
  for (const [id, e] of Object.entries(schema.enums ?? {})) {
    if (!IDENTIFIER.test(id)) issues.push(`enum id "${id}" is not an identifier`);
    if (e.valueType !== undefined && !ENUM_VALUE_TYPES.includes(e.valueType)) issues.push(`enum ${id} valueType ${e.valueType}`);
    if (e.values.length === 0) issues.push(`enum ${id} has no values`);
    if (new Set(e.values.map((v) => v.name)).size !== e.values.length || new Set(e.values.map((v) => v.value)).size !== e.values.length) issues.push(`enum ${id} repeats a name or a value`);
  }
  for (const [id, c] of Object.entries(schema.classes ?? {})) {
    if (!IDENTIFIER.test(id)) issues.push(`class id "${id}" is not an identifier`);
    for (const [name, p] of Object.entries(c.properties)) {
      if (!IDENTIFIER.test(name)) issues.push(`property ${id}.${name} is not an identifier`);
      if (p.type === 'ENUM' && !schema.enums?.[p.enumType ?? '']) issues.push(`property ${id}.${name} names missing enum ${p.enumType}`);
    }
  }
  const meta = glb.json.extensions?.['EXT_structural_metadata'] as { propertyTables?: { class: string; count: number; properties: Record<string, unknown> }[] } | undefined;
  (meta?.propertyTables ?? []).forEach((table, t) => {
    const cls = schema.classes?.[table.class];
    if (!cls) { issues.push(`property table ${t} names missing class "${table.class}"`); return; }
    for (const name of Object.keys(table.properties)) if (!cls.properties[name]) issues.push(`property table ${t} has "${name}", which class ${table.class} lacks`);
    for (const [name, p] of Object.entries(cls.properties)) if (p.required && !(name in table.properties)) issues.push(`property table ${t} lacks required ${table.class}.${name}`);
    let rows: Record<string, string | number>[];
    try {
      rows = readPropertyTable(glb, schema as Parameters<typeof readPropertyTable>[1], t);
    } catch (err) {
      issues.push(`property table ${t} cannot be read: ${(err as Error).message}`);
      return;
    }
    if (rows.length !== table.count) issues.push(`property table ${t}: ${rows.length} rows for count ${table.count}`);
    for (const [name, p] of Object.entries(cls.properties)) {
      if (p.type !== 'ENUM' || !(name in table.properties)) continue;
      const bad = rows.find((r) => String(r[name]).startsWith('#'));
      if (bad) issues.push(`property table ${t} ${name}: code ${String(bad[name]).slice(1)} is no value of enum ${p.enumType}`);
    }
  });
  return issues;
}
