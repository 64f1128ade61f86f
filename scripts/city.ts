/**
 * `npm run city [-- small|medium|large] [--seed N]`: generates the sample city as a GeoJSON delivery
 * in EPSG:4547 and imports it through the same validated path as any user's file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, CITY_SIZES, type ServerConfig } from '../src/server/config';
import { importNetworkFile } from '../src/server/importFile';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { writeCityGeojson } from './generateCity';

export function cityFile(config: ServerConfig): string {
  return resolve(config.cityDir, `${config.citySize}-${config.citySeed}.geojson`);
}

/** Makes sure the configured database holds the sample city; generates it when `force` or missing. */
export async function ensureCity(config: ServerConfig, force = false): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = new SqliteNetworkStore(config.databaseFile);
  try {
    if (!force && store.currentVersion()) return;
    const file = cityFile(config);
    if (force || !existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      const t0 = performance.now();
      const stats = await writeCityGeojson(config.citySize, config.citySeed, file);
      console.log(`Generated the ${config.citySize} sample city (seed ${config.citySeed}): ${stats.links} links, ${stats.nodes} nodes, ` +
        `${stats.segments} segments, ${(stats.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${file}`);
    }
    const t1 = performance.now();
    const version = await importNetworkFile(store, file);
    console.log(`Imported network version ${version.version} (${version.links} links, ${version.segments} segments) in ` +
      `${((performance.now() - t1) / 1000).toFixed(1)} s → ${config.databaseFile}`);
  } finally {
    store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const env = { ...process.env };
  const size = args.find((a) => (CITY_SIZES as readonly string[]).includes(a));
  if (size) env['UNDERGRID_CITY_SIZE'] = size;
  const seedAt = args.indexOf('--seed');
  if (seedAt >= 0) env['UNDERGRID_CITY_SEED'] = args[seedAt + 1];
  await ensureCity(loadConfig(env), true);
}
