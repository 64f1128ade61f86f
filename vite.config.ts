import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { cesiumDebugPragmas } from './scripts/cesiumDebugPragmas';

const CESIUM_BUILD = resolve('node_modules/cesium/Build/Cesium');
const CESIUM_DIRS = ['Workers', 'Assets', 'ThirdParty', 'Widgets'];

/**
 * CesiumJS loads its workers, imagery and widget CSS at run time from CESIUM_BASE_URL. We ship
 * them with the client (no CDN, no ion): copied into dist/cesium on build, the app server serves them.
 */
function cesiumStatic(): Plugin {
  return {
    name: 'undergrid-cesium-static',
    apply: 'build',
    closeBundle() {
      for (const dir of CESIUM_DIRS) {
        cpSync(join(CESIUM_BUILD, dir), resolve('dist/cesium', dir), { recursive: true });
      }
      if (!existsSync(resolve('dist/cesium/Workers'))) throw new Error('Cesium workers were not copied into dist/cesium');
    },
  };
}

export default defineConfig({
  define: { CESIUM_BASE_URL: JSON.stringify('/cesium/') },
  build: {
    chunkSizeWarningLimit: 8000, sourcemap: false, target: 'es2022',
    // The public permit progress page (no map) is its own entry beside the city viewer.
    rollupOptions: { input: { main: resolve('index.html'), receipt: resolve('receipt.html') } },
  },
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/cesium': 'http://127.0.0.1:8080' } },
  // Cesium's argument checks stripped, as its own release build does (scripts/cesiumDebugPragmas.ts).
  plugins: [cesiumDebugPragmas(), cesiumStatic()],
});
