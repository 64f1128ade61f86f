/**
 * The network model: links (pipes, cables, ducts) and nodes (valves, hydrants, manholes, ...).
 *
 * Frames and units: every coordinate in this model is in the project's local metric frame
 * (see crs.ts: a transverse Mercator centred on the project origin, metres, x east, y north) and
 * every height is metres in the project's vertical datum (the sample city uses the 1985 national
 * height datum). Depth = ground elevation − top of pipe (DESIGN.md, "The network model").
 */

export const UTILITY_TYPES = ['water', 'sewer', 'storm', 'gas', 'power', 'telecom', 'heat'] as const;
export type UtilityType = (typeof UTILITY_TYPES)[number];

/** ASCE 38-22 / CJJ 61 quality levels: A exposed, B detected, C correlated, D records only. */
export const QUALITY_LEVELS = ['A', 'B', 'C', 'D'] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

export const LINK_STATUSES = ['in_service', 'abandoned', 'proposed'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export type CrossSection =
  | { shape: 'circular'; diameterMm: number }
  | { shape: 'rect'; widthMm: number; heightMm: number };

export interface LinkAttributes {
  id: string;
  utility: UtilityType;
  /** e.g. 'main', 'distribution', 'service', 'hydrant_lateral', 'gravity_main', 'duct_bank'. */
  subtype: string;
  material: string;
  section: CrossSection;
  /** Gas pressure class (GB 50028: low, medium_b, medium_a, ...) or power voltage class (e.g. '10kV'). */
  pressureClass: string | null;
  installYear: number | null;
  owner: string;
  status: LinkStatus;
  /** Null means unknown, and is treated as QL-D (records only). */
  qualityLevel: QualityLevel | null;
  street: string | null;
  fromNode: string | null;
  toNode: string | null;
}

/**
 * A link's geometry: n vertices, 4 numbers each: x, y (local metres), z (elevation of the
 * centreline, m), ground (ground elevation above that vertex, m).
 */
export interface Link extends LinkAttributes {
  vertices: Float64Array;
}

export const VERTEX_STRIDE = 4;

export const NODE_TYPES = [
  'valve', 'hydrant', 'manhole', 'junction', 'tee', 'meter', 'service_connection', 'tank', 'source', 'outfall',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const CUSTOMER_CLASSES = ['domestic', 'business', 'critical'] as const;
export type CustomerClass = (typeof CUSTOMER_CLASSES)[number];

export interface NetworkNode {
  id: string;
  nodeType: NodeType;
  utility: UtilityType;
  x: number;
  y: number;
  /** Elevation of the fitting (valve nut, manhole invert, ...), m. */
  z: number;
  ground: number;
  /** Valves: normally open? */
  normallyOpen: boolean | null;
  /** Valves: can a crew operate it? */
  operable: boolean | null;
  /** Valves sit on one link at the end that touches `node` (WNTR's (link, node) convention). */
  link: string | null;
  customerClass: CustomerClass | null;
  /** A name for critical customers (a hospital, a school). */
  name: string | null;
  street: string | null;
}

/** Outer radius of a link's cross-section, m: the radius of the capsule that bounds it. */
export function boundingRadius(section: CrossSection): number {
  if (section.shape === 'circular') return section.diameterMm / 2000;
  return Math.hypot(section.widthMm, section.heightMm) / 2000;
}

/**
 * Radius of the largest circle inside the section, m: a point this close to the centreline lies in
 * the pipe or duct whichever way a rectangular duct is turned about its axis (half its smaller side).
 */
export function inscribedRadius(section: CrossSection): number {
  return section.shape === 'circular' ? section.diameterMm / 2000 : Math.min(section.widthMm, section.heightMm) / 2000;
}

/** Half height of the section, m: the distance from the centreline to the top of the pipe or duct. */
export function halfHeight(section: CrossSection): number {
  return section.shape === 'circular' ? section.diameterMm / 2000 : section.heightMm / 2000;
}

/** Cover depth at vertex i: ground − top of pipe, m. */
export function coverAt(link: Link, i: number): number {
  const o = i * VERTEX_STRIDE;
  return link.vertices[o + 3]! - (link.vertices[o + 2]! + halfHeight(link.section));
}

export function vertexCount(link: Link): number {
  return link.vertices.length / VERTEX_STRIDE;
}
