/**
 * Writes the sample city as a GeoJSON network delivery (EPSG:4547, 1985 national height datum),
 * streaming features to disk in ~1 MB chunks so that the large city never exists as one string.
 *
 *   npx tsx scripts/generateCity.ts <small|medium|large> [seed] [out.geojson]
 *
 * Defaults: seed 20261127 (the server's default), data/city/<size>-<seed>.geojson.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { CITY_SIZES, cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';

export interface CityFileStats {
  features: number;
  links: number;
  nodes: number;
  /** Straight pieces between consecutive vertices of every link. */
  segments: number;
  bytes: number;
  ms: number;
}

const CHUNK_CHARS = 1 << 20;
const DEFAULT_SEED = 20261127;

export async function writeCityGeojson(size: CitySize, seed: number, outFile: string): Promise<CityFileStats> {
  const t0 = performance.now();
  mkdirSync(dirname(resolve(outFile)), { recursive: true });
  const out = createWriteStream(outFile, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  const stats: CityFileStats = { features: 0, links: 0, nodes: 0, segments: 0, bytes: 0, ms: 0 };
  const write = async (text: string) => {
    stats.bytes += Buffer.byteLength(text);
    if (!out.write(text)) await Promise.race([new Promise<void>((done) => out.once('drain', () => done())), failed]);
  };

  // The header's members, then the features array left open: '{"type":…,"vertical_datum":"…","features":['.
  await write(JSON.stringify(cityCollectionHeader()).slice(0, -1) + ',"features":[\n');
  let chunk = '';
  for (const feature of generateCity({ size, seed })) {
    chunk += (stats.features === 0 ? '' : ',\n') + JSON.stringify(feature);
    stats.features++;
    if (feature.geometry.type === 'LineString') {
      stats.links++;
      stats.segments += feature.geometry.coordinates.length - 1;
    } else {
      stats.nodes++;
    }
    if (chunk.length >= CHUNK_CHARS) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + '\n]}\n');
  out.end();
  await Promise.race([finished(out), failed]);
  stats.ms = Math.round(performance.now() - t0);
  return stats;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [size = 'medium', seedArg, fileArg] = process.argv.slice(2);
  if (!(CITY_SIZES as readonly string[]).includes(size)) {
    console.error(`usage: npx tsx scripts/generateCity.ts <${CITY_SIZES.join('|')}> [seed] [out.geojson]; got size "${size}"`);
    process.exit(2);
  }
  const seed = seedArg === undefined ? DEFAULT_SEED : Number(seedArg);
  if (!Number.isInteger(seed)) {
    console.error(`seed must be an integer; got "${seedArg}"`);
    process.exit(2);
  }
  const file = fileArg ?? `data/city/${size}-${seed}.geojson`;
  const s = await writeCityGeojson(size as CitySize, seed, file);
  console.log(`${size} city, seed ${seed} → ${file}\n` +
    `  ${s.features} features (${s.links} links, ${s.nodes} nodes), ${s.segments} segments, ` +
    `${(s.bytes / 1e6).toFixed(1)} MB in ${(s.ms / 1000).toFixed(1)} s`);
}
