/** Messages between the tile cache and the tile cutter's worker thread (workers/tileCut.node.ts). */
import type { UtilityType } from '../../core/model';
import type { SerializedError } from '../../protocol/workerProtocol';
import type { LayerCutOptions } from './layerCut';
import type { PackedLayer, Span } from './tileFiles';

/** Cut one layer of `version` from the SQLite file (opened read-only by the worker). */
export interface CutLayerRequest {
  id: number;
  type: 'cutLayer';
  databaseFile: string;
  version: number;
  utility: UtilityType;
  options: LayerCutOptions;
}

/** Brotli-code these files again (at a higher quality, once a version is cut): `bodies` spans into the transferred `buffer`. */
export interface RecodeRequest {
  id: number;
  type: 'recode';
  buffer: ArrayBuffer;
  bodies: Span[];
  brotliQuality: number;
}

export type TileCutRequest = CutLayerRequest | RecodeRequest;

/** `buffer` comes in the transfer list: the packed layer's bytes, or each file's new brotli bytes (`brotli`, in the order asked). */
export type TileCutReply =
  | { id: number; ok: true; layer: PackedLayer; buffer: ArrayBuffer }
  | { id: number; ok: true; brotli: Span[]; buffer: ArrayBuffer }
  | { id: number; ok: false; error: SerializedError };
