/**
 * Per-feature attributes of a tile as EXT_structural_metadata property tables, so CesiumJS can
 * style, filter and pick by attribute (`${subtype} === 'main'`, `${diameterMm} >= 300`).
 *
 * One schema per layer (class `link` for pipes and ducts, class `fitting` for valves, hydrants,
 * manholes, …). Categorical attributes are enums whose values are built once per layer from the
 * data, so every tile of the layer shares the same codes and the schema can live in one
 * `schema.json` beside the tileset (glTF `schemaUri`), not in every tile.
 *
 * A feature is a link (all of its segments in the tile share its row) or a fitting. Binary table
 * format: 3D Metadata Specification, "Binary Table Format" (strings as UTF-8 with UINT32 offsets,
 * enums as their integer value type, scalars little-endian).
 */
import { CUSTOMER_CLASSES, LINK_STATUSES, NODE_TYPES, QUALITY_LEVELS, UTILITY_TYPES, type Link } from '../model';
import type { GltfBuilder } from './glb';
import { IMPORTANCE_NAMES } from './importance';

export const SCHEMA_ID = 'undergrid_network';
export const LINK_CLASS = 'link';
export const FITTING_CLASS = 'fitting';

/** Enum value names for missing data (the `noData` of nullable attributes). */
const NONE = 'none';
const UNKNOWN = 'unknown';

type EnumValueType = 'UINT8' | 'UINT16';
type ScalarType = 'UINT8' | 'UINT16' | 'INT16' | 'FLOAT32';

interface EnumDef {
  valueType: EnumValueType;
  values: { name: string; value: number }[];
}

interface PropertyDef {
  description: string;
  type: 'STRING' | 'ENUM' | 'SCALAR';
  componentType?: ScalarType;
  enumType?: string;
  required?: boolean;
  noData?: string | number;
}

export interface MetadataSchema {
  id: string;
  name: string;
  description: string;
  enums: Record<string, EnumDef>;
  classes: Record<string, { name: string; description: string; properties: Record<string, PropertyDef> }>;
}

/** A layer's schema and the look-ups from attribute values to enum codes. */
export interface LayerSchema {
  schema: MetadataSchema;
  code(enumId: string, name: string | null): number;
}

function enumOf(names: readonly string[]): EnumDef {
  return { valueType: names.length <= 256 ? 'UINT8' : 'UINT16', values: names.map((name, value) => ({ name, value })) };
}

function distinct(values: Iterable<string | null>, none: string | null): string[] {
  const set = new Set<string>();
  for (const v of values) if (v !== null) set.add(v);
  const sorted = [...set].sort();
  return none === null ? sorted : [none, ...sorted.filter((v) => v !== none)];
}

/** Builds the layer's schema from every link of the layer (not one tile), so codes agree across tiles. */
export function layerSchema(links: readonly Link[]): LayerSchema {
  const enums: Record<string, EnumDef> = {
    utility: enumOf(UTILITY_TYPES),
    subtype: enumOf(distinct(links.map((l) => l.subtype), null)),
    material: enumOf(distinct(links.map((l) => l.material), null)),
    owner: enumOf(distinct(links.map((l) => l.owner), null)),
    pressureClass: enumOf(distinct(links.map((l) => l.pressureClass), NONE)),
    status: enumOf(LINK_STATUSES),
    qualityLevel: enumOf([UNKNOWN, ...QUALITY_LEVELS]),
    importance: enumOf(IMPORTANCE_NAMES),
    sectionShape: enumOf(['circular', 'rect']),
    nodeType: enumOf(NODE_TYPES),
    valveState: enumOf([UNKNOWN, 'open', 'closed']),
    operable: enumOf([UNKNOWN, 'yes', 'no']),
    customerClass: enumOf([NONE, ...CUSTOMER_CLASSES]),
  };
  // Empty layers still need at least one value per enum (enum.schema.json: values minItems 1).
  for (const [id, e] of Object.entries(enums)) if (e.values.length === 0) enums[id] = enumOf([UNKNOWN]);
  const schema: MetadataSchema = {
    id: SCHEMA_ID,
    name: 'Undergrid buried utility network',
    description: 'Attributes of the lines (links) and fittings (nodes) of one utility layer; lengths in metres unless named in mm.',
    enums,
    classes: {
      [LINK_CLASS]: {
        name: 'Link',
        description: 'A pipe, cable or duct run; each straight segment is one instance sharing the link\'s row.',
        properties: {
          id: { description: 'Link id, as GET /api/links/{id} takes it.', type: 'STRING', required: true },
          utility: { description: 'Utility type.', type: 'ENUM', enumType: 'utility', required: true },
          subtype: { description: 'e.g. main, service, gravity_main, duct_bank.', type: 'ENUM', enumType: 'subtype', required: true },
          importance: { description: 'Level of detail class: trunk (drawn from afar), distribution, service.', type: 'ENUM', enumType: 'importance', required: true },
          material: { description: 'Pipe or duct material.', type: 'ENUM', enumType: 'material', required: true },
          sectionShape: { description: 'circular (diameterMm) or rect (widthMm × heightMm).', type: 'ENUM', enumType: 'sectionShape', required: true },
          diameterMm: { description: 'Circular sections: outside diameter, mm.', type: 'SCALAR', componentType: 'UINT16', noData: 0 },
          widthMm: { description: 'Rectangular sections: width, mm.', type: 'SCALAR', componentType: 'UINT16', noData: 0 },
          heightMm: { description: 'Rectangular sections: height, mm.', type: 'SCALAR', componentType: 'UINT16', noData: 0 },
          pressureClass: { description: 'Gas pressure or power voltage class.', type: 'ENUM', enumType: 'pressureClass', noData: NONE },
          installYear: { description: 'Year installed.', type: 'SCALAR', componentType: 'UINT16', noData: 0 },
          owner: { description: 'Owner.', type: 'ENUM', enumType: 'owner', required: true },
          status: { description: 'in_service, abandoned or proposed.', type: 'ENUM', enumType: 'status', required: true },
          qualityLevel: { description: 'ASCE 38 / CJJ 61 quality level of the position (unknown is treated as D).', type: 'ENUM', enumType: 'qualityLevel', noData: UNKNOWN },
          minCoverCm: { description: 'Least cover along the link: ground − top of pipe, cm (negative: above ground).', type: 'SCALAR', componentType: 'INT16', required: true },
          maxCoverCm: { description: 'Greatest cover along the link, cm.', type: 'SCALAR', componentType: 'INT16', required: true },
        },
      },
      [FITTING_CLASS]: {
        name: 'Fitting',
        description: 'A valve, hydrant, manhole, junction, tee, meter, service connection, tank, source or outfall.',
        properties: {
          id: { description: 'Node id.', type: 'STRING', required: true },
          utility: { description: 'Utility type.', type: 'ENUM', enumType: 'utility', required: true },
          nodeType: { description: 'Kind of fitting.', type: 'ENUM', enumType: 'nodeType', required: true },
          importance: { description: 'Level of detail class.', type: 'ENUM', enumType: 'importance', required: true },
          normallyOpen: { description: 'Valves: normal state.', type: 'ENUM', enumType: 'valveState', noData: UNKNOWN },
          operable: { description: 'Valves: can a crew operate it?', type: 'ENUM', enumType: 'operable', noData: UNKNOWN },
          customerClass: { description: 'Service connections and meters: domestic, business or critical.', type: 'ENUM', enumType: 'customerClass', noData: NONE },
          coverCm: { description: 'Ground − elevation of the fitting, cm.', type: 'SCALAR', componentType: 'INT16', required: true },
        },
      },
    },
  };
  const lookups = new Map<string, Map<string, number>>();
  for (const [id, e] of Object.entries(enums)) lookups.set(id, new Map(e.values.map((v) => [v.name, v.value])));
  const noneOf: Record<string, string> = { pressureClass: NONE, qualityLevel: UNKNOWN, valveState: UNKNOWN, operable: UNKNOWN, customerClass: NONE };
  return {
    schema,
    code(enumId, name) {
      const table = lookups.get(enumId);
      if (!table) throw new RangeError(`unknown enum "${enumId}"; enums: ${[...lookups.keys()].join(', ')}`);
      const key = name ?? noneOf[enumId];
      const v = key === undefined ? undefined : table.get(key);
      if (v === undefined) throw new RangeError(`enum "${enumId}" has no value "${String(name)}"; values: ${[...table.keys()].join(', ')}`);
      return v;
    },
  };
}

/** One column of a property table, as values per row. */
export type Column =
  | { type: 'STRING'; values: readonly string[] }
  | { type: 'ENUM'; valueType: EnumValueType; values: ArrayLike<number> }
  | { type: 'SCALAR'; componentType: ScalarType; values: ArrayLike<number> };

export interface PropertyTableJson {
  name?: string;
  class: string;
  count: number;
  properties: Record<string, { values: number; stringOffsets?: number; stringOffsetType?: 'UINT16' | 'UINT32' }>;
}

/** Writes the columns into the builder's buffer and returns the `propertyTables[]` entry. */
export function writePropertyTable(builder: GltfBuilder, className: string, count: number, columns: Record<string, Column>): PropertyTableJson {
  const properties: PropertyTableJson['properties'] = {};
  for (const [name, col] of Object.entries(columns)) {
    if (col.values.length !== count) throw new RangeError(`property table ${className}.${name}: ${col.values.length} values for ${count} rows`);
    if (col.type === 'STRING') {
      const encoder = new TextEncoder();
      const parts = col.values.map((s) => encoder.encode(s));
      const total = parts.reduce((sum, p) => sum + p.byteLength, 0);
      // 2-byte offsets when they reach (half the bytes of 4-byte ones, and they gzip better).
      const offsets = total <= 0xffff ? new Uint16Array(count + 1) : new Uint32Array(count + 1);
      const bytes = new Uint8Array(total);
      let at = 0;
      parts.forEach((p, i) => { offsets[i] = at; bytes.set(p, at); at += p.byteLength; });
      offsets[count] = at;
      const values = builder.addBufferView(bytes);
      const stringOffsets = builder.addBufferView(new Uint8Array(offsets.buffer));
      properties[name] = { values, stringOffsets, stringOffsetType: offsets instanceof Uint16Array ? 'UINT16' : 'UINT32' };
    } else {
      const kind = col.type === 'ENUM' ? col.valueType : col.componentType;
      const array = kind === 'UINT8' ? Uint8Array.from(col.values) : kind === 'UINT16' ? Uint16Array.from(col.values)
        : kind === 'INT16' ? Int16Array.from(col.values) : Float32Array.from(col.values);
      properties[name] = { values: builder.addBufferView(new Uint8Array(array.buffer)) };
    }
  }
  return { class: className, count, properties };
}

/** The schema's enum value type, for writing an enum column. */
export function enumValueType(schema: MetadataSchema, enumId: string): EnumValueType {
  const e = schema.enums[enumId];
  if (!e) throw new RangeError(`unknown enum "${enumId}"`);
  return e.valueType;
}
