/**
 * One copy of the network for every screening thread: the segment table's columns and the flatbush
 * index moved into SharedArrayBuffers, so N workers screen against the same memory instead of N
 * clones (Node worker_threads; in browsers only under cross-origin isolation).
 */
import Flatbush from 'flatbush';
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
}

export function shareScreeningData(table: SegmentTable, index: Flatbush): SharedScreeningData {
  const indexData = new SharedArrayBuffer(index.data.byteLength);
  new Uint8Array(indexData).set(new Uint8Array(index.data));
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
  };
}

export function indexFromShared(data: SharedScreeningData): Flatbush {
  return Flatbush.from(data.indexData);
}
