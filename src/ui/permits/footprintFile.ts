/**
 * A dig footprint uploaded as a GeoJSON file: Polygon or MultiPolygon in WGS 84 lon/lat (RFC 7946),
 * bare, as a Feature, or as a FeatureCollection of such features. Every part becomes one open cut.
 *
 * The file is untrusted: a refusal names what is wrong and where ('features[1].geometry.coordinates[0][3]')
 * as a message key and parameters, so the person reads it in their language. Projected coordinates
 * (metres in a national grid) are the commonest mistake and get their own message.
 */
import { MAX_FOOTPRINT_VERTICES } from '../../core/screening/excavation';
import type { LonLat } from '../../store/viewStore';

/** A footprint file bigger than this is not a dig outline. */
export const MAX_FOOTPRINT_FILE_BYTES = 2_000_000;
/** One permit's parts: more than this many polygons in one upload is a data-entry error. */
export const MAX_FOOTPRINT_PARTS = 64;

export interface FootprintPart {
  /** Outer ring, open (the closing vertex dropped), [lon, lat] degrees. */
  ring: LonLat[];
  holes: LonLat[][];
}

export type FootprintErrorKey =
  | 'permit.file.notJson' | 'permit.file.tooBig' | 'permit.file.noPolygon' | 'permit.file.wrongType'
  | 'permit.file.crs' | 'permit.file.notPosition' | 'permit.file.projected' | 'permit.file.outOfRange'
  | 'permit.file.tooFewVertices' | 'permit.file.notClosed' | 'permit.file.tooManyVertices' | 'permit.file.tooManyParts'
  | 'permit.file.multiPart' | 'permit.file.holes';

export class FootprintFileError extends Error {
  override readonly name = 'FootprintFileError';
  constructor(readonly key: FootprintErrorKey, readonly path: string, readonly params: Record<string, string | number> = {}) {
    super(`${path}: ${key} ${JSON.stringify(params)}`);
  }
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7946 drops `crs`; older files name it. Only WGS 84 lon/lat names are accepted. */
function checkCrs(o: Record<string, Json>, path: string): void {
  const crs = o['crs'];
  if (crs === undefined || crs === null) return;
  const name = isObject(crs) && isObject(crs['properties']) ? crs['properties']['name'] : undefined;
  if (typeof name === 'string' && /(CRS84|EPSG:?:?4326|EPSG::4490|CRS:84)$/i.test(name)) return;
  throw new FootprintFileError('permit.file.crs', `${path}crs`, { crs: typeof name === 'string' ? name.slice(0, 80) : JSON.stringify(crs).slice(0, 80) });
}

function readPosition(v: Json, path: string): LonLat {
  if (!Array.isArray(v) || v.length < 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number' || !Number.isFinite(v[0]) || !Number.isFinite(v[1])) {
    throw new FootprintFileError('permit.file.notPosition', path, { value: JSON.stringify(v)?.slice(0, 60) ?? String(v) });
  }
  const lon = v[0], lat = v[1];
  if (Math.abs(lon) > 360 || Math.abs(lat) > 360) throw new FootprintFileError('permit.file.projected', path, { x: lon, y: lat });
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw new FootprintFileError('permit.file.outOfRange', path, { lon, lat });
  return [lon, lat];
}

function readRing(v: Json, path: string): LonLat[] {
  if (!Array.isArray(v)) throw new FootprintFileError('permit.file.notPosition', path, { value: JSON.stringify(v)?.slice(0, 60) ?? String(v) });
  if (v.length > MAX_FOOTPRINT_VERTICES + 1) throw new FootprintFileError('permit.file.tooManyVertices', path, { count: v.length, max: MAX_FOOTPRINT_VERTICES });
  const points = v.map((p, i) => readPosition(p, `${path}[${i}]`));
  const first = points[0], last = points[points.length - 1];
  if (points.length < 4) throw new FootprintFileError('permit.file.tooFewVertices', path, { count: points.length });
  if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) throw new FootprintFileError('permit.file.notClosed', path);
  const open = points.slice(0, -1);
  if (new Set(open.map(([x, y]) => `${x},${y}`)).size < 3) throw new FootprintFileError('permit.file.tooFewVertices', path, { count: open.length });
  return open;
}

function readPolygon(coords: Json, path: string): FootprintPart {
  if (!Array.isArray(coords) || coords.length === 0) throw new FootprintFileError('permit.file.notPosition', path, { value: JSON.stringify(coords)?.slice(0, 60) ?? String(coords) });
  const [outer, ...holes] = coords.map((r, i) => readRing(r, `${path}[${i}]`));
  return { ring: outer!, holes };
}

function readGeometry(g: Json, path: string, out: FootprintPart[]): void {
  if (!isObject(g)) throw new FootprintFileError('permit.file.wrongType', path, { type: String(g) });
  checkCrs(g, path);
  const type = g['type'];
  if (type === 'Polygon') out.push(readPolygon(g['coordinates'], `${path}coordinates`));
  else if (type === 'MultiPolygon') {
    const polys = g['coordinates'];
    if (!Array.isArray(polys)) throw new FootprintFileError('permit.file.notPosition', `${path}coordinates`, { value: String(polys) });
    polys.forEach((p, i) => out.push(readPolygon(p, `${path}coordinates[${i}]`)));
  } else if (type === 'GeometryCollection' && Array.isArray(g['geometries'])) {
    g['geometries'].forEach((sub, i) => readGeometry(sub, `${path}geometries[${i}].`, out));
  } else {
    throw new FootprintFileError('permit.file.wrongType', `${path}type`, { type: String(type).slice(0, 40) });
  }
  if (out.length > MAX_FOOTPRINT_PARTS) throw new FootprintFileError('permit.file.tooManyParts', path, { count: out.length, max: MAX_FOOTPRINT_PARTS });
}

/** The footprint's parts from a GeoJSON text; throws FootprintFileError naming the place. */
export function parseFootprintGeoJson(text: string): FootprintPart[] {
  if (text.length > MAX_FOOTPRINT_FILE_BYTES) throw new FootprintFileError('permit.file.tooBig', '(file)', { max: MAX_FOOTPRINT_FILE_BYTES });
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FootprintFileError('permit.file.notJson', '(file)', { message: (e as Error).message.slice(0, 120) });
  }
  if (!isObject(doc)) throw new FootprintFileError('permit.file.wrongType', '(file)', { type: Array.isArray(doc) ? 'array' : typeof doc });
  checkCrs(doc, '');
  const out: FootprintPart[] = [];
  if (doc['type'] === 'FeatureCollection') {
    const features = doc['features'];
    if (!Array.isArray(features)) throw new FootprintFileError('permit.file.wrongType', 'features', { type: typeof features });
    features.forEach((f, i) => {
      if (!isObject(f) || f['type'] !== 'Feature') throw new FootprintFileError('permit.file.wrongType', `features[${i}].type`, { type: isObject(f) ? String(f['type']) : typeof f });
      if (f['geometry'] !== null) readGeometry(f['geometry'], `features[${i}].geometry.`, out);
    });
  } else if (doc['type'] === 'Feature') {
    if (doc['geometry'] !== null) readGeometry(doc['geometry'], 'geometry.', out);
  } else {
    readGeometry(doc, '', out);
  }
  if (out.length === 0) throw new FootprintFileError('permit.file.noPolygon', '(file)');
  return out;
}

/**
 * The one outline a permit's works hold today (PermitWorks.footprint: one ring, no holes). A file with
 * several polygons or with holes is refused, saying so, rather than silently losing part of the dig.
 */
export function singleFootprint(parts: readonly FootprintPart[]): LonLat[] {
  if (parts.length > 1) throw new FootprintFileError('permit.file.multiPart', '(file)', { count: parts.length });
  const part = parts[0];
  if (!part) throw new FootprintFileError('permit.file.noPolygon', '(file)');
  if (part.holes.length > 0) throw new FootprintFileError('permit.file.holes', '(file)', { count: part.holes.length });
  return part.ring;
}
