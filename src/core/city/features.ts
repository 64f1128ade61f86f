/**
 * Turns the generator's lines and fittings into features of the exchange format (networkGeojson.ts):
 * city-frame metres become EPSG:4547 eastings and northings, and every coordinate and height is
 * rounded to the millimetre, which is as exact as any survey and keeps the files compact.
 */
import type { CustomerClass, LinkAttributes, NodeType, UtilityType } from '../model';
import type { LinkFeature, NodeFeature, Position3 } from '../networkGeojson';
import type { Vertex3 } from './geometry';

export interface LinkRecord extends LinkAttributes {
  vertices: readonly Vertex3[];
}

export interface NodeRecord {
  id: string;
  nodeType: NodeType;
  utility: UtilityType;
  at: Vertex3;
  normallyOpen?: boolean;
  operable?: boolean;
  link?: string;
  customerClass?: CustomerClass;
  name?: string;
  street: string | null;
}

const mm = (v: number) => Math.round(v * 1000) / 1000;

export interface Origin {
  originX: number;
  originY: number;
}

export function linkFeature(r: LinkRecord, o: Origin): LinkFeature {
  const coordinates: Position3[] = [];
  const ground: number[] = [];
  for (const v of r.vertices) {
    coordinates.push([mm(o.originX + v.x), mm(o.originY + v.y), mm(v.z)]);
    ground.push(mm(v.g));
  }
  const size = r.section.shape === 'circular'
    ? { diameter_mm: r.section.diameterMm }
    : { width_mm: r.section.widthMm, height_mm: r.section.heightMm };
  return {
    type: 'Feature',
    geometry: { type: 'LineString', coordinates },
    properties: {
      feature_type: 'link',
      id: r.id,
      utility: r.utility,
      subtype: r.subtype,
      material: r.material,
      ...size,
      pressure_class: r.pressureClass,
      install_year: r.installYear,
      owner: r.owner,
      status: r.status,
      quality_level: r.qualityLevel,
      street: r.street,
      from_node: r.fromNode,
      to_node: r.toNode,
      ground_z: ground,
    },
  };
}

export function nodeFeature(r: NodeRecord, o: Origin): NodeFeature {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [mm(o.originX + r.at.x), mm(o.originY + r.at.y), mm(r.at.z)] },
    properties: {
      feature_type: 'node',
      id: r.id,
      node_type: r.nodeType,
      utility: r.utility,
      ground_z: mm(r.at.g),
      normally_open: r.normallyOpen ?? null,
      operable: r.operable ?? null,
      link: r.link ?? null,
      customer_class: r.customerClass ?? null,
      name: r.name ?? null,
      street: r.street,
    },
  };
}

/** The point `d` metres along a line from its start (or from its end when `fromEnd`), on the line. */
export function pointOnLine(vertices: readonly Vertex3[], d: number, fromEnd = false): Vertex3 {
  const pts = fromEnd ? [...vertices].reverse() : vertices;
  let left = d;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!, b = pts[i + 1]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len >= left || i + 2 === pts.length) {
      const f = len > 0 ? Math.min(1, left / len) : 0;
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, z: a.z + (b.z - a.z) * f, g: a.g + (b.g - a.g) * f };
    }
    left -= len;
  }
  return pts[0]!;
}
