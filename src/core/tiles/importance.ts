/**
 * Which lines and fittings matter from how far away: the level-of-detail classes the tiler sorts
 * by. Trunk lines sit in the upper tiles and are drawn from afar; distribution lines deeper;
 * service connections only in leaf tiles, drawn when the camera is close.
 */
import { type CrossSection, type Link, type NetworkNode, type NodeType } from '../model';

export const IMPORTANCE_NAMES = ['trunk', 'distribution', 'service'] as const;
export type ImportanceName = (typeof IMPORTANCE_NAMES)[number];
export const TRUNK = 0;
export const DISTRIBUTION = 1;
export const SERVICE = 2;
export type Importance = typeof TRUNK | typeof DISTRIBUTION | typeof SERVICE;

/**
 * A line this big is a trunk whatever its subtype, mm (largest dimension of the section). Water
 * practice calls mains of 300 mm and up transmission or trunk mains; smaller "main" subtypes are
 * distribution mains here, so the city's many 150–200 mm water mains do not all crowd the root.
 */
export const TRUNK_MIN_SIZE_MM = 300;
/** Subtypes that are trunks at any size. */
export const TRUNK_SUBTYPES: ReadonlySet<string> = new Set(['trunk', 'transmission', 'transmission_main', 'trunk_main', 'duct_bank', 'culvert', 'interceptor']);
/** Subtypes that are the last metres to a customer or an inlet. */
export const SERVICE_SUBTYPES: ReadonlySet<string> = new Set(['service', 'lateral', 'gully_connection', 'hydrant_lateral', 'service_connection', 'drop', 'house_connection']);

const TRUNK_NODES: ReadonlySet<NodeType> = new Set(['source', 'tank', 'outfall']);
const DISTRIBUTION_NODES: ReadonlySet<NodeType> = new Set(['valve', 'hydrant', 'manhole']);

/** Largest dimension of a section, mm. */
export function sectionSizeMm(section: CrossSection): number {
  return section.shape === 'circular' ? section.diameterMm : Math.max(section.widthMm, section.heightMm);
}

export function linkImportance(link: Pick<Link, 'subtype' | 'section'>): Importance {
  if (SERVICE_SUBTYPES.has(link.subtype)) return SERVICE;
  if (TRUNK_SUBTYPES.has(link.subtype) || sectionSizeMm(link.section) >= TRUNK_MIN_SIZE_MM) return TRUNK;
  return DISTRIBUTION;
}

/** Sources, tanks and outfalls with the trunks; valves, hydrants and manholes with distribution; the rest with services. */
export function nodeImportance(node: Pick<NetworkNode, 'nodeType'>): Importance {
  if (TRUNK_NODES.has(node.nodeType)) return TRUNK;
  if (DISTRIBUTION_NODES.has(node.nodeType)) return DISTRIBUTION;
  return SERVICE;
}
