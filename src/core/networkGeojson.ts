/**
 * The GeoJSON exchange format of a network delivery: what a surveyor hands over and what the sample
 * city generator writes. Import (see importNetwork.ts) validates it and reprojects it into the local frame.
 *
 * FeatureCollection members:
 *   crs            legacy GeoJSON 2008 member {type:'name', properties:{name:'urn:ogc:def:crs:EPSG::4547'}}
 *                  (or EPSG:xxxx); absent means WGS 84 lon/lat (RFC 7946).
 *   vertical_datum optional string, e.g. '1985 National Height Datum'.
 *   features       links (LineString) and nodes (Point); positions are [x, y, z] in the crs, z = elevation (m)
 *                  of the centreline (links) or of the fitting (nodes).
 *
 * Link properties (feature_type 'link'):
 *   id, utility, subtype, material, owner: strings (id unique in the delivery)
 *   diameter_mm (circular) or width_mm + height_mm (rectangular ducts, culverts, duct banks): numbers > 0
 *   pressure_class: string | null     install_year: integer | null     status: LinkStatus
 *   quality_level: 'A'|'B'|'C'|'D'|null   street: string | null   from_node, to_node: string | null
 *   ground_z: number[]  ground elevation (m) above each vertex, one per coordinate
 *
 * Node properties (feature_type 'node'):
 *   id, node_type (NodeType), utility; ground_z: number
 *   normally_open, operable: boolean | null (valves)   link: string | null (valves: the link they sit on)
 *   customer_class: CustomerClass | null (service connections, meters)   name, street: string | null
 */
import type { CustomerClass, LinkStatus, NodeType, QualityLevel, UtilityType } from './model';

export interface LinkFeatureProperties {
  feature_type: 'link';
  id: string;
  utility: UtilityType;
  subtype: string;
  material: string;
  diameter_mm?: number;
  width_mm?: number;
  height_mm?: number;
  pressure_class: string | null;
  install_year: number | null;
  owner: string;
  status: LinkStatus;
  quality_level: QualityLevel | null;
  street: string | null;
  from_node: string | null;
  to_node: string | null;
  ground_z: number[];
}

export interface NodeFeatureProperties {
  feature_type: 'node';
  id: string;
  node_type: NodeType;
  utility: UtilityType;
  ground_z: number;
  normally_open: boolean | null;
  operable: boolean | null;
  link: string | null;
  customer_class: CustomerClass | null;
  name: string | null;
  street: string | null;
}

export type Position3 = [number, number, number];

export interface LinkFeature {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: Position3[] };
  properties: LinkFeatureProperties;
}

export interface NodeFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: Position3 };
  properties: NodeFeatureProperties;
}

export type NetworkFeature = LinkFeature | NodeFeature;

export interface NetworkCollection {
  type: 'FeatureCollection';
  crs?: { type: 'name'; properties: { name: string } };
  vertical_datum?: string;
  features: NetworkFeature[];
}
