/** Imports a GeoJSON network delivery from a file through the one validated import path. */
import { readFile } from 'node:fs/promises';
import { NetworkImportError, parseNetworkCollection } from '../core/importNetwork';
import type { NetworkStore, NetworkVersion } from './storage/networkStore';

export async function importNetworkFile(store: NetworkStore, file: string): Promise<NetworkVersion> {
  const text = await readFile(file, 'utf8'); // a missing or unreadable file throws as itself
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new NetworkImportError([{ featureIndex: null, featureId: null, field: '(file)', message: `${file} is not valid JSON: ${(e as Error).message}` }], 1);
  }
  const network = parseNetworkCollection(parsed, { frame: store.frame() ?? undefined });
  return store.replaceNetwork(network, file);
}
