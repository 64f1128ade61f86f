/** Builds the client with Vite when dist/ is missing or older than any of its sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const CLIENT_SOURCES = ['index.html', 'receipt.html', 'src', 'workers', 'shaders', 'data/rules', 'vite.config.ts', 'scripts/cesiumDebugPragmas.ts'];

function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

export async function ensureClientBuilt(clientDir: string): Promise<void> {
  const index = join(clientDir, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(CLIENT_SOURCES)) return;
  console.log('Building the client…');
  await build({ logLevel: 'warn' });
}
