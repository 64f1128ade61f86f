/**
 * Per-trace marks on the segments of one segmentation, reused across traces so that a trace costs
 * what it touches and not the size of the network: each mark is valid only while its stamp equals
 * the current trace's epoch, so starting a trace clears nothing.
 */
import type { ValveSegmentation } from './segments';

/** The segment is in the isolated area. */
export const IN_AREA = 1;
/** Proven to reach a source without crossing the area. */
export const SUPPLIED = 2;
/** Proven cut off from every source once the area is shut (unintended isolation). */
export const CUT_OFF = 4;
/** No path of strictly falling hop count reaches a source from here without crossing the area. */
export const NO_DESCENT = 8;
/** In the region being searched. */
export const IN_REGION = 16;

export class TraceState {
  private epoch = 0;
  private readonly stamp: Int32Array;
  private readonly bits: Uint8Array;
  private readonly valveStamp: Int32Array;
  private readonly componentStamp: Int32Array;
  /** Scratch lists, each long enough for every segment. */
  readonly area: Int32Array;
  readonly region: Int32Array;
  readonly stack: Int32Array;
  readonly cursor: Int32Array;

  constructor(segmentCount: number, valveCount: number, componentCount: number) {
    this.stamp = new Int32Array(segmentCount);
    this.bits = new Uint8Array(segmentCount);
    this.valveStamp = new Int32Array(valveCount);
    this.componentStamp = new Int32Array(componentCount);
    this.area = new Int32Array(segmentCount);
    this.region = new Int32Array(segmentCount);
    this.stack = new Int32Array(segmentCount);
    this.cursor = new Int32Array(segmentCount);
  }

  /** Starts a trace: every mark from earlier traces is forgotten. */
  begin(): void {
    if (this.epoch === 0x7fffffff) {
      this.stamp.fill(0); this.valveStamp.fill(0); this.componentStamp.fill(0);
      this.epoch = 0;
    }
    this.epoch++;
  }

  get(s: number): number {
    return this.stamp[s] === this.epoch ? this.bits[s]! : 0;
  }

  mark(s: number, bits: number): void {
    if (this.stamp[s] === this.epoch) this.bits[s]! |= bits;
    else { this.stamp[s] = this.epoch; this.bits[s] = bits; }
  }

  markValve(v: number): void {
    this.valveStamp[v] = this.epoch;
  }

  valveMarked(v: number): boolean {
    return this.valveStamp[v] === this.epoch;
  }

  /** Marks component c; false when it was already marked in this trace. */
  markComponent(c: number): boolean {
    if (this.componentStamp[c] === this.epoch) return false;
    this.componentStamp[c] = this.epoch;
    return true;
  }
}

const states = new WeakMap<ValveSegmentation, TraceState>();

/** The reusable state for traces on this segmentation (one per segmentation; traces run one at a time). */
export function traceStateFor(segmentation: ValveSegmentation, valveCount: number): TraceState {
  let state = states.get(segmentation);
  if (!state) {
    state = new TraceState(segmentation.segmentCount, valveCount, segmentation.supply.componentCount);
    states.set(segmentation, state);
  }
  return state;
}
