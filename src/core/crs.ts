/**
 * Coordinate reference systems: bundled proj4 definitions (no network look-ups) and the project's
 * local metric frame, in which every distance and clearance is computed (never in degrees).
 */
import proj4 from 'proj4';

const GRS80 = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

/** EPSG code → proj4 definition. Only what we ship; an unknown code is refused, never guessed. */
function bundledDefinitions(): Map<string, string> {
  const defs = new Map<string, string>();
  defs.set('EPSG:4326', '+proj=longlat +datum=WGS84 +no_defs');
  defs.set('EPSG:4490', '+proj=longlat ' + GRS80); // CGCS2000 geographic
  // CGCS2000 / 3-degree Gauss-Krüger, CM 75E..135E, without zone prefix (EPSG:4534..4554).
  for (let cm = 75, code = 4534; cm <= 135; cm += 3, code++) {
    defs.set(`EPSG:${code}`, `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=1 +x_0=500000 +y_0=0 ${GRS80}`);
  }
  // CGCS2000 / 3-degree Gauss-Krüger zones 25..45, with the zone number in the easting (EPSG:4513..4533).
  for (let zone = 25, code = 4513; zone <= 45; zone++, code++) {
    defs.set(`EPSG:${code}`, `+proj=tmerc +lat_0=0 +lon_0=${zone * 3} +k=1 +x_0=${zone * 1e6 + 500000} +y_0=0 ${GRS80}`);
  }
  // CGCS2000 / 6-degree Gauss-Krüger CM 75E..135E (EPSG:4502..4512).
  for (let cm = 75, code = 4502; cm <= 135; cm += 6, code++) {
    defs.set(`EPSG:${code}`, `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=1 +x_0=500000 +y_0=0 ${GRS80}`);
  }
  for (let zone = 1; zone <= 60; zone++) {
    defs.set(`EPSG:${32600 + zone}`, `+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`);
    defs.set(`EPSG:${32700 + zone}`, `+proj=utm +zone=${zone} +south +datum=WGS84 +units=m +no_defs`);
  }
  defs.set('EPSG:27700', '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
    '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs');
  // NAD83(NSRS2007) / Kentucky Single Zone (ftUS): the WNTR ky4 network.
  defs.set('EPSG:3547', '+proj=lcc +lat_0=36.3333333333333 +lon_0=-85.75 +lat_1=37.0833333333333 ' +
    '+lat_2=38.6666666666667 +x_0=1500000 +y_0=1000000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs');
  defs.set('EPSG:3857', '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs');
  return defs;
}

const DEFINITIONS = bundledDefinitions();

/** Accepts 'EPSG:4547', 'epsg:4547', '4547' and the OGC URN forms GeoJSON's legacy crs member uses. */
export function normaliseCrsCode(input: string): string | null {
  const m = /(?:EPSG)?(?::{1,2}|^)(\d{4,5})\s*$/i.exec(input.trim());
  if (m) return `EPSG:${m[1]}`;
  if (/CRS84$/i.test(input.trim())) return 'EPSG:4326';
  return null;
}

export function isSupportedCrs(code: string): boolean {
  const norm = normaliseCrsCode(code);
  return norm !== null && DEFINITIONS.has(norm);
}

export function supportedCrsCodes(): string[] {
  return [...DEFINITIONS.keys()];
}

export function crsDefinition(code: string): string {
  const norm = normaliseCrsCode(code);
  const def = norm ? DEFINITIONS.get(norm) : undefined;
  if (!def) throw new RangeError(`Unsupported CRS "${code}": bundled definitions cover EPSG:4326, 4490, 4502-4554, 326xx/327xx, 27700, 3547, 3857`);
  return def;
}

/**
 * The project's local metric frame: transverse Mercator with scale 1 at a chosen origin on GRS80.
 * Within a few kilometres of the origin its scale error is below 1e-7, so planar distances in it
 * are true ground distances for clearance work.
 */
export interface LocalFrame {
  originLon: number;
  originLat: number;
}

export function localFrameDefinition(frame: LocalFrame): string {
  return `+proj=tmerc +lat_0=${frame.originLat} +lon_0=${frame.originLon} +k=1 +x_0=0 +y_0=0 ${GRS80}`;
}

export type XY = [number, number];

/** A reusable transformer between a source CRS and the local frame. */
export interface FrameTransform {
  toLocal(x: number, y: number): XY;
  fromLocal(x: number, y: number): XY;
}

export function transformBetween(sourceCrs: string, frame: LocalFrame): FrameTransform {
  const conv = proj4(crsDefinition(sourceCrs), localFrameDefinition(frame));
  return {
    toLocal: (x, y) => conv.forward([x, y]) as XY,
    fromLocal: (x, y) => conv.inverse([x, y]) as XY,
  };
}

/** Source CRS coordinates → WGS 84 longitude/latitude (degrees). */
export function toLonLat(sourceCrs: string): (x: number, y: number) => XY {
  const conv = proj4(crsDefinition(sourceCrs), crsDefinition('EPSG:4326'));
  return (x, y) => conv.forward([x, y]) as XY;
}

/** Local frame ↔ WGS 84 longitude/latitude (degrees). CGCS2000 and WGS 84 agree to centimetres. */
export function lonLatTransform(frame: LocalFrame): FrameTransform {
  return transformBetween('EPSG:4326', frame);
}
