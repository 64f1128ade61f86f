/** Where things live and which port to use: environment first, then defaults the README names. */
import { resolve } from 'node:path';

export const CITY_SIZES = ['small', 'medium', 'large'] as const;
export type CitySize = (typeof CITY_SIZES)[number];

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Where generated sample-city GeoJSON deliveries are written. */
  cityDir: string;
  databaseFile: string;
  citySize: CitySize;
  citySeed: number;
  clientDir: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(env['UNDERGRID_DATA_DIR'] ?? 'data/db');
  const size = env['UNDERGRID_CITY_SIZE'] ?? 'medium';
  if (!(CITY_SIZES as readonly string[]).includes(size)) throw new Error(`UNDERGRID_CITY_SIZE must be one of ${CITY_SIZES.join(', ')}; got "${size}"`);
  const port = Number(env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0-65535; got "${env['PORT']}"`);
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    dataDir,
    cityDir: resolve(env['UNDERGRID_CITY_DIR'] ?? 'data/city'),
    databaseFile: resolve(dataDir, `undergrid-${size}.sqlite`),
    citySize: size as CitySize,
    citySeed: Number(env['UNDERGRID_CITY_SEED'] ?? 20261127),
    clientDir: resolve(env['UNDERGRID_CLIENT_DIR'] ?? 'dist'),
  };
}
