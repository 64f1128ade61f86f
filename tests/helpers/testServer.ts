/** A real Undergrid server on 127.0.0.1 with a real SQLite file in a fresh temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCity } from '../../scripts/city';
import { loadConfig, type CitySize, type ServerConfig } from '../../src/server/config';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/main';

export interface TestServer extends RunningServer {
  config: ServerConfig;
  dispose(): Promise<void>;
}

export async function startTestServer(size: CitySize = 'small', seed = 20261127, options: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'undergrid-test-'));
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    UNDERGRID_DATA_DIR: join(dir, 'db'),
    UNDERGRID_CITY_DIR: join(dir, 'city'),
    UNDERGRID_CITY_SIZE: size,
    UNDERGRID_CITY_SEED: String(seed),
  });
  await ensureCity(config);
  const running = await startServer(config, options);
  return {
    ...running,
    config,
    async dispose() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
