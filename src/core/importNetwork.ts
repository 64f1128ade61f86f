/**
 * The one import path for network deliveries (a surveyor's GeoJSON, the sample city): structural
 * GeoJSON validation (geojson-validation), then our own schema checks, then reprojection into the
 * project's local frame. All or nothing: any issue refuses the whole delivery, with every issue
 * naming the feature index, its id when readable, and the field.
 */
import { isFeature } from 'geojson-validation';
import { normaliseCrsCode, isSupportedCrs, toLonLat, transformBetween, type LocalFrame } from './crs';
import {
  CUSTOMER_CLASSES, LINK_STATUSES, NODE_TYPES, QUALITY_LEVELS, UTILITY_TYPES, VERTEX_STRIDE,
  type CrossSection, type Link, type NetworkNode,
} from './model';

export interface ImportIssue {
  featureIndex: number | null;
  featureId: string | null;
  field: string;
  message: string;
}

export class NetworkImportError extends Error {
  override readonly name = 'NetworkImportError';
  constructor(readonly issues: ImportIssue[], readonly totalIssues: number) {
    super(
      `Network delivery refused (${totalIssues} issue${totalIssues === 1 ? '' : 's'}): ` +
        issues.slice(0, 5).map(formatIssue).join('; ') + (totalIssues > 5 ? '; …' : ''),
    );
  }
}

export function formatIssue(issue: ImportIssue): string {
  const where = issue.featureIndex === null ? 'collection' : `feature ${issue.featureIndex}${issue.featureId ? ` (id "${issue.featureId}")` : ''}`;
  return `${where}, field "${issue.field}": ${issue.message}`;
}

export interface ImportedNetwork {
  sourceCrs: string;
  verticalDatum: string | null;
  frame: LocalFrame;
  links: Link[];
  nodes: NetworkNode[];
}

export interface ImportOptions {
  /** The project's frame; when absent (first import) it is centred on the delivery. */
  frame?: LocalFrame;
  /** Stop collecting after this many issues (the error still reports that more exist). */
  maxIssues?: number;
}

/** Generous sanity bounds for elevations in any real vertical datum, m. */
const ELEVATION_RANGE: readonly [number, number] = [-1000, 9000];
const DEFAULT_MAX_ISSUES = 50;

type Props = Record<string, unknown>;

class IssueCollector {
  readonly list: ImportIssue[] = [];
  total = 0;
  constructor(private readonly max: number) {}
  add(featureIndex: number | null, featureId: string | null, field: string, message: string): void {
    this.total++;
    if (this.list.length < this.max) this.list.push({ featureIndex, featureId, field, message });
  }
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function sourceCrsOf(input: Props, issues: IssueCollector): string | null {
  const crs = input['crs'];
  if (crs === undefined) return 'EPSG:4326';
  const name = (crs as { properties?: { name?: unknown } } | null)?.properties?.name;
  if (typeof name !== 'string') {
    issues.add(null, null, 'crs.properties.name', 'must be a CRS name such as "urn:ogc:def:crs:EPSG::4547"');
    return null;
  }
  const code = normaliseCrsCode(name);
  if (!code || !isSupportedCrs(code)) {
    issues.add(null, null, 'crs.properties.name', `unsupported CRS "${name}"`);
    return null;
  }
  return code;
}

export function parseNetworkCollection(input: unknown, options: ImportOptions = {}): ImportedNetwork {
  const issues = new IssueCollector(options.maxIssues ?? DEFAULT_MAX_ISSUES);
  if (typeof input !== 'object' || input === null || (input as Props)['type'] !== 'FeatureCollection') {
    issues.add(null, null, 'type', 'the delivery must be a GeoJSON FeatureCollection');
    throw new NetworkImportError(issues.list, issues.total);
  }
  const collection = input as Props;
  const features = collection['features'];
  if (!Array.isArray(features) || features.length === 0) {
    issues.add(null, null, 'features', 'must be a non-empty array');
    throw new NetworkImportError(issues.list, issues.total);
  }
  const sourceCrs = sourceCrsOf(collection, issues);
  const verticalDatum = typeof collection['vertical_datum'] === 'string' ? (collection['vertical_datum'] as string) : null;

  const seenIds = new Map<string, number>();
  const linkFeatures: number[] = [];
  const nodeFeatures: number[] = [];
  for (let i = 0; i < features.length; i++) {
    const f = features[i] as Props;
    const kind = checkFeature(f, i, issues, seenIds);
    if (kind === 'link') linkFeatures.push(i);
    else if (kind === 'node') nodeFeatures.push(i);
  }
  for (const i of nodeFeatures) {
    const p = (features[i] as Props)['properties'] as Props;
    const onLink = p['link'];
    if (typeof onLink === 'string' && !seenIds.has(onLink)) issues.add(i, p['id'] as string, 'link', `names link "${onLink}", which is not in the delivery`);
  }
  if (issues.total > 0 || sourceCrs === null) throw new NetworkImportError(issues.list, issues.total);

  const frame = options.frame ?? centredFrame(features as Props[], sourceCrs);
  const toLocal = transformBetween(sourceCrs, frame).toLocal;
  const links = linkFeatures.map((i) => toLink(features[i] as Props, toLocal));
  const nodes = nodeFeatures.map((i) => toNode(features[i] as Props, toLocal));
  return { sourceCrs, verticalDatum, frame, links, nodes };
}

function checkFeature(f: Props, i: number, issues: IssueCollector, seenIds: Map<string, number>): 'link' | 'node' | null {
  const structural = isFeature(f, true);
  const props = (f && typeof f === 'object' ? f['properties'] : null) as Props | null;
  const id = props && typeof props['id'] === 'string' ? (props['id'] as string) : null;
  if (structural.length > 0) {
    issues.add(i, id, 'geometry', `not a valid GeoJSON Feature: ${structural.slice(0, 2).join('; ')}`);
    return null;
  }
  if (!props) {
    issues.add(i, null, 'properties', 'missing');
    return null;
  }
  const field = (name: string, message: string) => issues.add(i, id, name, message);
  if (id === null || id.trim() === '') field('id', 'must be a non-empty string');
  else if (seenIds.has(id)) field('id', `duplicates feature ${seenIds.get(id)}`);
  else seenIds.set(id, i);

  const oneOf = (name: string, allowed: readonly string[], nullable = false) => {
    const v = props[name];
    if (nullable && (v === null || v === undefined)) return;
    if (typeof v !== 'string' || !allowed.includes(v)) field(name, `must be one of ${allowed.join(', ')}${nullable ? ' or null' : ''}; got ${JSON.stringify(v)}`);
  };
  const text = (name: string, nullable = false) => {
    const v = props[name];
    if (nullable && (v === null || v === undefined)) return;
    if (typeof v !== 'string' || v.length > 500) field(name, `must be a string${nullable ? ' or null' : ''} (≤ 500 characters)`);
  };
  const elevation = (name: string, v: unknown) => {
    if (!isFiniteNumber(v) || v < ELEVATION_RANGE[0] || v > ELEVATION_RANGE[1]) field(name, `must be an elevation in metres between ${ELEVATION_RANGE[0]} and ${ELEVATION_RANGE[1]}; got ${JSON.stringify(v)}`);
  };

  const geometry = f['geometry'] as { type: string; coordinates: unknown };
  oneOf('utility', UTILITY_TYPES);
  const kind = props['feature_type'];
  if (kind === 'link') {
    if (geometry.type !== 'LineString') { field('geometry.type', `a link must be a LineString; got ${geometry.type}`); return null; }
    const coords = geometry.coordinates as number[][];
    if (coords.length < 2) field('geometry.coordinates', 'a link needs at least 2 vertices');
    coords.forEach((c, k) => {
      if (c.length < 3) field(`geometry.coordinates[${k}]`, 'needs a z value (centreline elevation, m)');
      else elevation(`geometry.coordinates[${k}][2]`, c[2]);
    });
    const ground = props['ground_z'];
    if (!Array.isArray(ground) || ground.length !== coords.length) field('ground_z', `must be an array of ${coords.length} ground elevations, one per vertex`);
    else ground.forEach((g, k) => elevation(`ground_z[${k}]`, g));
    text('subtype'); text('material'); text('owner');
    text('street', true); text('pressure_class', true); text('from_node', true); text('to_node', true);
    oneOf('status', LINK_STATUSES);
    oneOf('quality_level', QUALITY_LEVELS, true);
    const year = props['install_year'];
    if (year !== null && year !== undefined && !(Number.isInteger(year) && (year as number) >= 1800 && (year as number) <= 2100)) field('install_year', `must be a year between 1800 and 2100 or null; got ${JSON.stringify(year)}`);
    const d = props['diameter_mm'], w = props['width_mm'], h = props['height_mm'];
    const positiveMm = (v: unknown) => isFiniteNumber(v) && v > 0 && v <= 20000;
    if (d !== undefined && d !== null) {
      if (!positiveMm(d)) field('diameter_mm', `must be a size in mm in (0, 20000]; got ${JSON.stringify(d)}`);
    } else if (!positiveMm(w) || !positiveMm(h)) {
      field(positiveMm(w) ? 'height_mm' : 'width_mm', 'a link needs diameter_mm, or width_mm and height_mm, in mm in (0, 20000]');
    }
    return 'link';
  }
  if (kind === 'node') {
    if (geometry.type !== 'Point') { field('geometry.type', `a node must be a Point; got ${geometry.type}`); return null; }
    const c = geometry.coordinates as number[];
    if (c.length < 3) field('geometry.coordinates', 'needs a z value (elevation, m)');
    else elevation('geometry.coordinates[2]', c[2]);
    elevation('ground_z', props['ground_z']);
    oneOf('node_type', NODE_TYPES);
    oneOf('customer_class', CUSTOMER_CLASSES, true);
    for (const b of ['normally_open', 'operable']) {
      const v = props[b];
      if (v !== null && v !== undefined && typeof v !== 'boolean') field(b, 'must be true, false or null');
    }
    text('link', true); text('name', true); text('street', true);
    return 'node';
  }
  field('feature_type', `must be "link" or "node"; got ${JSON.stringify(kind)}`);
  return null;
}

function centredFrame(features: Props[], sourceCrs: string): LocalFrame {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const f of features) {
    const g = f['geometry'] as { type: string; coordinates: unknown };
    const pts = (g.type === 'Point' ? [g.coordinates] : g.coordinates) as number[][];
    for (const p of pts) {
      const x = p[0]!, y = p[1]!;
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
  }
  const [lon, lat] = toLonLat(sourceCrs)((minX + maxX) / 2, (minY + maxY) / 2);
  // A round origin keeps the frame easy to quote.
  return { originLon: Math.round(lon * 1e4) / 1e4, originLat: Math.round(lat * 1e4) / 1e4 };
}

function str(p: Props, k: string): string | null {
  const v = p[k];
  return typeof v === 'string' ? v : null;
}

function toLink(f: Props, toLocal: (x: number, y: number) => [number, number]): Link {
  const p = f['properties'] as Props;
  const coords = (f['geometry'] as { coordinates: number[][] }).coordinates;
  const ground = p['ground_z'] as number[];
  const vertices = new Float64Array(coords.length * VERTEX_STRIDE);
  coords.forEach((c, k) => {
    const [x, y] = toLocal(c[0]!, c[1]!);
    vertices.set([x, y, c[2]!, ground[k]!], k * VERTEX_STRIDE);
  });
  const section: CrossSection = isFiniteNumber(p['diameter_mm'])
    ? { shape: 'circular', diameterMm: p['diameter_mm'] }
    : { shape: 'rect', widthMm: p['width_mm'] as number, heightMm: p['height_mm'] as number };
  return {
    id: p['id'] as string,
    utility: p['utility'] as Link['utility'],
    subtype: p['subtype'] as string,
    material: p['material'] as string,
    section,
    pressureClass: str(p, 'pressure_class'),
    installYear: isFiniteNumber(p['install_year']) ? p['install_year'] : null,
    owner: p['owner'] as string,
    status: p['status'] as Link['status'],
    qualityLevel: (str(p, 'quality_level') as Link['qualityLevel']) ?? null,
    street: str(p, 'street'),
    fromNode: str(p, 'from_node'),
    toNode: str(p, 'to_node'),
    vertices,
  };
}

function toNode(f: Props, toLocal: (x: number, y: number) => [number, number]): NetworkNode {
  const p = f['properties'] as Props;
  const c = (f['geometry'] as { coordinates: number[] }).coordinates;
  const [x, y] = toLocal(c[0]!, c[1]!);
  const bool = (k: string) => (typeof p[k] === 'boolean' ? (p[k] as boolean) : null);
  return {
    id: p['id'] as string,
    nodeType: p['node_type'] as NetworkNode['nodeType'],
    utility: p['utility'] as NetworkNode['utility'],
    x, y, z: c[2]!, ground: p['ground_z'] as number,
    normallyOpen: bool('normally_open'),
    operable: bool('operable'),
    link: str(p, 'link'),
    customerClass: (str(p, 'customer_class') as NetworkNode['customerClass']) ?? null,
    name: str(p, 'name'),
    street: str(p, 'street'),
  };
}
