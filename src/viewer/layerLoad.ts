/**
 * Loads the JSON layers of one network version where they are needed. Tiles mode: the tiles draw
 * the city, so the main thread never parses the layers: it fetches each once as bytes (the server
 * answers and audits it once), every screening worker parses its own copy, and the line index asks
 * a worker for the few lines it draws or measures. Polyline mode: the main thread fetches them to
 * draw them and hands them to the workers, as before.
 */
import type { UtilityType } from '../core/model';
import type { LayerPayload } from '../protocol/layerPayload';
import type { WorkerPool } from '../protocol/workerPool';
import type { WorkerRequestMap } from '../protocol/workerProtocol';
import { api } from '../services/api';
import type { CityLayers } from './cityLayers';

export type NetworkLoaded = WorkerRequestMap['loadNetwork']['response'];

export interface LoadHooks {
  visible(utility: UtilityType): boolean;
  /** After each layer: how many of them are in. */
  progress(done: number, total: number): void;
}

/** One copy per worker, each moved into its worker (the last gets the fetched buffer itself). */
function sendToEach(workers: WorkerPool, version: number, utility: UtilityType, bytes: ArrayBuffer): Promise<unknown> {
  return Promise.all(Array.from({ length: workers.size }, (_, w) => {
    const own = w === workers.size - 1 ? bytes : bytes.slice(0);
    return workers.requestOn(w, 'addLayerBytes', { version, utility, bytes: own }, { transfer: [own] });
  }));
}

export async function loadLayers(layers: CityLayers, workers: WorkerPool, version: number, utilities: readonly UtilityType[], hooks: LoadHooks): Promise<NetworkLoaded> {
  hooks.progress(0, utilities.length);
  if (layers.mode === 'tiles') {
    layers.index.setSource(async (ids) => (await workers.request('lineGeometry', { ids })).lines);
    for (const [i, utility] of utilities.entries()) {
      // Fetched once, unparsed here: each worker parses its own copy, transferred (not cloned: a
      // structured clone of tens of MB held the main thread for a long task, bench/loadTrace.ts).
      await sendToEach(workers, version, utility, await api.layerBytes(version, utility));
      hooks.progress(i + 1, utilities.length);
    }
    const [loaded] = await workers.broadcast('loadFetched', { version });
    return loaded!;
  }
  const payloads: LayerPayload[] = [];
  for (const utility of utilities) {
    const payload = await api.layer(version, utility);
    layers.addLayer(payload, hooks.visible(utility));
    payloads.push(payload);
    hooks.progress(payloads.length, utilities.length);
  }
  const [loaded] = await workers.broadcast('loadNetwork', { layers: payloads });
  return loaded!;
}
