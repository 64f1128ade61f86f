/** Messages between the tile cache and the tile cutter's worker thread (workers/tileCut.node.ts). */
import type { UtilityType } from '../../core/model';
import type { SerializedError } from '../../protocol/workerProtocol';
import type { LayerCutOptions } from './layerCut';
import type { PackedLayer } from './tileFiles';

/** Cut one layer of `version` from the SQLite file (opened read-only by the worker). */
export interface CutLayerRequest {
  id: number;
  type: 'cutLayer';
  databaseFile: string;
  version: number;
  utility: UtilityType;
  options: LayerCutOptions;
}

/** The layer packed into `buffer`, which comes in the transfer list. */
export type CutLayerReply =
  | { id: number; ok: true; layer: PackedLayer; buffer: ArrayBuffer }
  | { id: number; ok: false; error: SerializedError };
