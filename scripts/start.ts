/**
 * `npm start`: everything a fresh clone needs, then the server. Generates and imports the sample
 * city when the database is empty, builds the client when it is missing or older than its sources,
 * and prints the URL.
 */
import { loadConfig } from '../src/server/config';
import { startServer } from '../src/server/main';
import { printSeedAccounts } from './seedAccounts';
import { ensureClientBuilt } from './buildClient';
import { ensureCity } from './city';

const config = loadConfig();
await ensureCity(config);
await ensureClientBuilt(config.clientDir);
const running = await startServer(config);
console.log(`Undergrid is running at ${running.url}  (data: ${config.databaseFile}; stop with Ctrl+C)`);
printSeedAccounts();
