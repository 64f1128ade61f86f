/** Starts the Undergrid server on the embedded store: `tsx src/server/main.ts` (npm start does more). */
import { mkdirSync } from 'node:fs';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from './app';
import { createBurstModule } from './burst/burstModule';
import type { ApiModule } from './http/apiModule';
import { loadConfig, type ServerConfig } from './config';
import { ScreeningService } from './screeningService';
import { SqliteNetworkStore } from './storage/sqliteNetworkStore';
import { PermitsModule, type PermitsModuleOptions } from './permits/permitsModule';
import { AccessModule } from './access/accessModule';
import { NetworkReports, type NetworkReportsOptions } from './networkReports';

export interface RunningServer {
  server: Server;
  /** The network reports' job (tests watch it, or end its worker thread). */
  reports: NetworkReports;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Permits module settings; tests inject a clock here (`now`). */
  permits?: Omit<PermitsModuleOptions, 'dataDir' | 'network' | 'screening'>;
  /** Network reports settings; tests start them on the first request here (`background: false`). */
  reports?: Omit<NetworkReportsOptions, 'restricted'>;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = new SqliteNetworkStore(config.databaseFile);
  const screening = new ScreeningService(store);
  /** Features' API modules; each owns its routes and what it stores. */
  const permits = await PermitsModule.create({ dataDir: config.dataDir, network: store, screening, ...options.permits });
  const access = new AccessModule({ store, sessions: permits, dataDir: config.dataDir, ...(options.permits?.now ? { now: options.permits.now } : {}) });
  access.guardPermits(permits);
  const modules: ApiModule[] = [
    access,
    createBurstModule({ store, dataDir: config.dataDir, access: access.access }),
    permits,
  ];
  const reports = new NetworkReports(store, { restricted: access.access.rules, ...options.reports });
  const server = createApp({ store, screening, clientDir: existsSync(config.clientDir) ? config.clientDir : null, modules, access: access.access, reports });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    reports,
    url: `http://${config.host}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => {
        for (const module of modules) module.close?.();
        store.close();
        resolve();
      });
      server.closeAllConnections();
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const running = await startServer(loadConfig());
  console.log(`Undergrid is running at ${running.url}`);
}
