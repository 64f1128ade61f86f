/**
 * Where the sample city lies: Guangzhou's Tianhe district around 113.33 E, 23.13 N, delivered in
 * CGCS2000 / 3-degree Gauss-Krüger CM 114E (EPSG:4547) with heights in the 1985 national height datum
 * (CJJ 61-2017 §3.0.4). The generator works in metres relative to the city origin and adds the
 * origin's easting and northing when it writes coordinates; GK scale error here (68 km west of the
 * central meridian) is 6e-5, far below anything the sample city needs.
 */
import proj4 from 'proj4';
import { crsDefinition } from '../crs';

export const CITY_SIZES = ['small', 'medium', 'large'] as const;
export type CitySize = (typeof CITY_SIZES)[number];

export const CITY_CRS = 'EPSG:4547';
export const CITY_CRS_URN = 'urn:ogc:def:crs:EPSG::4547';
export const CITY_VERTICAL_DATUM = '1985 National Height Datum';

const CENTRE_LON = 113.33;
const CENTRE_LAT = 23.13;
/** The medium city spans 113.32–113.34 E, 23.12–23.14 N. */
const MEDIUM_HALF_SPAN_DEG = 0.01;
/** The small city: a 580 m square in the middle of the medium one. */
const SMALL_HALF_SIDE_M = 290;
/** The large city's side over the medium's: ~10× the area, hence ~10× the segments. */
const LARGE_SIDE_FACTOR = Math.sqrt(10);

export interface CityExtent {
  size: CitySize;
  crs: typeof CITY_CRS;
  /** The city origin in EPSG:4547 (m): every generator coordinate is relative to it. */
  originX: number;
  originY: number;
  /** Half width (east-west) and half height (north-south) of the city, m. */
  halfX: number;
  halfY: number;
  /** Bounds in EPSG:4547, m. */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Bounds in CGCS2000 longitude/latitude, degrees (of the corners, so slightly generous). */
  west: number;
  south: number;
  east: number;
  north: number;
}

let projected: { toGrid: (lon: number, lat: number) => [number, number]; toLonLat: (x: number, y: number) => [number, number] } | null = null;

function projection() {
  if (!projected) {
    const conv = proj4(crsDefinition('EPSG:4490'), crsDefinition(CITY_CRS));
    projected = {
      toGrid: (lon, lat) => conv.forward([lon, lat]) as [number, number],
      toLonLat: (x, y) => conv.inverse([x, y]) as [number, number],
    };
  }
  return projected;
}

export function cityExtent(size: CitySize): CityExtent {
  if (!(CITY_SIZES as readonly string[]).includes(size)) {
    throw new RangeError(`cityExtent: size must be one of ${CITY_SIZES.join(', ')}; got ${JSON.stringify(size)}`);
  }
  const { toGrid, toLonLat } = projection();
  const [cx, cy] = toGrid(CENTRE_LON, CENTRE_LAT);
  const originX = Math.round(cx);
  const originY = Math.round(cy);
  const [wx] = toGrid(CENTRE_LON - MEDIUM_HALF_SPAN_DEG, CENTRE_LAT);
  const [ex] = toGrid(CENTRE_LON + MEDIUM_HALF_SPAN_DEG, CENTRE_LAT);
  const [, sy] = toGrid(CENTRE_LON, CENTRE_LAT - MEDIUM_HALF_SPAN_DEG);
  const [, ny] = toGrid(CENTRE_LON, CENTRE_LAT + MEDIUM_HALF_SPAN_DEG);
  const mediumHalfX = Math.round((ex - wx) / 2);
  const mediumHalfY = Math.round((ny - sy) / 2);
  const [halfX, halfY] =
    size === 'small' ? [SMALL_HALF_SIDE_M, SMALL_HALF_SIDE_M]
    : size === 'medium' ? [mediumHalfX, mediumHalfY]
    : [Math.round(mediumHalfX * LARGE_SIDE_FACTOR), Math.round(mediumHalfY * LARGE_SIDE_FACTOR)];
  const corners = [
    toLonLat(originX - halfX, originY - halfY), toLonLat(originX + halfX, originY - halfY),
    toLonLat(originX - halfX, originY + halfY), toLonLat(originX + halfX, originY + halfY),
  ];
  return {
    size, crs: CITY_CRS, originX, originY, halfX, halfY,
    minX: originX - halfX, minY: originY - halfY, maxX: originX + halfX, maxY: originY + halfY,
    west: Math.min(...corners.map((c) => c[0])), east: Math.max(...corners.map((c) => c[0])),
    south: Math.min(...corners.map((c) => c[1])), north: Math.max(...corners.map((c) => c[1])),
  };
}
