/**
 * One copy of the network for every screening thread: the segment table's columns, the flatbush
 * index and its search grid moved into SharedArrayBuffers, so N workers screen against the same
 * memory instead of N clones (Node worker_threads; in browsers only under cross-origin isolation).
 */
import Flatbush from 'flatbush';
import { adoptGridIndex, buildGridIndex, shareGridIndex, type GridIndex } from './gridIndex';
import type { SegmentTable } from './segmentTable';

type Column = Float64Array | Float32Array | Uint32Array | Uint8Array;

function shared<T extends Column>(a: T): T {
  const buffer = new SharedArrayBuffer(a.byteLength);
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(buffer);
  copy.set(a);
  return copy;
}

export interface SharedScreeningData {
  table: SegmentTable;
  /** flatbush's serialised index; rebuild with Flatbush.from(indexData). */
  indexData: SharedArrayBuffer;
  /** The index's search grid (gridIndex.ts), shared too, or null where the index has none. */
  grid: GridIndex | null;
}

export function shareScreeningData(table: SegmentTable, index: Flatbush): SharedScreeningData {
  const indexData = new SharedArrayBuffer(index.data.byteLength);
  new Uint8Array(indexData).set(new Uint8Array(index.data));
  const grid = buildGridIndex(index);
  return {
    table: {
      ...table,
      coords: shared(table.coords),
      radius: shared(table.radius),
      segmentGround: shared(table.segmentGround),
      linkOfSegment: shared(table.linkOfSegment),
      segmentVertex: shared(table.segmentVertex),
      linkUtility: shared(table.linkUtility),
      linkQuality: shared(table.linkQuality),
    },
    indexData,
    grid: grid && shareGridIndex(grid),
  };
}

/** The index, with the shared grid as its search grid (no thread builds its own). */
export function indexFromShared(data: SharedScreeningData): Flatbush {
  const index = Flatbush.from(data.indexData);
  adoptGridIndex(index, data.grid);
  return index;
}
