/**
 * The works of the permit being drawn, beside the view store's dig (its tapped points and depth):
 * which kind the taps draw, each kind's sizes, a bore's depth at each tapped vertex, and the works
 * already added. Turns both into the request the worker and the server screen: the one-open-cut
 * shape (DigRequest) while the permit is a single open cut, else the works shape (WorksRequest).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DigRequest, WorksRequest } from '../core/digScreening';
import type { DigWork } from '../core/screening/digWorks';
import type { ViewState } from '../store/viewStore';
import type { MessageKey } from './i18n';

export type WorkKind = DigWork['kind'];
export const WORK_KINDS: readonly WorkKind[] = ['open_cut', 'trench', 'bore', 'piles'];

export interface WorkDraft {
  kind: WorkKind;
  /** Trench width, m. */
  width: number;
  /** Bore reamer diameter, m. */
  reamerDiameter: number;
  /** Pile diameter, m. */
  diameter: number;
  /** A bore's depth below ground at each tapped vertex, m (a new vertex takes the depth field's value). */
  vertexDepths: number[];
  /** Works added to the permit, in order. */
  works: DigWork[];
}

export type WorkDraftStore = StoreApi<WorkDraft>;

export function createWorkDraft(): WorkDraftStore {
  return createStore<WorkDraft>(() => ({ kind: 'open_cut', width: 0.6, reamerDiameter: 0.3, diameter: 0.5, vertexDepths: [], works: [] }));
}

/** Taps needed to make a work of each kind. */
export const MIN_POINTS: Record<WorkKind, number> = { open_cut: 3, trench: 2, bore: 2, piles: 1 };

/** Keeps a bore's per-vertex depths in step with the tapped points. */
export function syncVertexDepths(draft: WorkDraftStore, s: ViewState): void {
  const d = draft.getState();
  const n = s.dig.corners.length;
  if (d.vertexDepths.length === n) return;
  const next = d.vertexDepths.slice(0, n);
  while (next.length < n) next.push(s.dig.depth);
  draft.setState({ vertexDepths: next });
}

/** The work drawn on the map now, or null when it has too few points. */
export function drawnWork(s: ViewState, d: WorkDraft): DigWork | null {
  const pts = s.dig.corners;
  if (pts.length < MIN_POINTS[d.kind]) return null;
  switch (d.kind) {
    case 'open_cut': return { kind: 'open_cut', footprint: pts, depth: s.dig.depth };
    case 'trench': return { kind: 'trench', centreLine: pts, width: d.width, depth: s.dig.depth };
    case 'bore': return { kind: 'bore', path: pts.map(([lon, lat], i) => [lon, lat, d.vertexDepths[i] ?? s.dig.depth]), reamerDiameter: d.reamerDiameter };
    case 'piles': return { kind: 'piles', points: pts, diameter: d.diameter, depth: s.dig.depth };
  }
}

/** What the map shows as works: those added, and the one being drawn unless it is an open cut (the dig overlay draws that). */
export function worksOnMap(s: ViewState, d: WorkDraft): DigWork[] {
  const drawn = drawnWork(s, d);
  return drawn && drawn.kind !== 'open_cut' ? [...d.works, drawn] : d.works;
}

function overridesOf(s: ViewState): DigRequest['overrides'] {
  const o = s.overrides;
  const hasOverrides = Object.keys(o.clearances).length > 0 || o.notifyDistance !== null;
  return hasOverrides
    ? { clearances: o.clearances, ...(o.notifyDistance !== null ? { notifyDistance: o.notifyDistance } : {}), ...(o.reason ? { reason: o.reason } : {}) }
    : null;
}

export type ScreeningJob =
  | { type: 'screenDig'; request: DigRequest }
  | { type: 'screenWorks'; request: WorksRequest }
  | { error: MessageKey };

/** What to screen: the permit's added works and the one on the map; a message key when there is nothing yet. */
export function screeningJob(s: ViewState, d: WorkDraft): ScreeningJob {
  const drawn = drawnWork(s, d);
  if (!drawn && d.works.length === 0) return { error: d.kind === 'open_cut' ? 'needPolygon' : 'dig.needPoints' };
  if (!(s.dig.depth >= 0.1 && s.dig.depth <= 50)) return { error: 'badDepth' };
  const common = { groundElevation: null, ruleSetId: s.ruleSetId, overrides: overridesOf(s) };
  if (d.works.length === 0 && drawn?.kind === 'open_cut') {
    return { type: 'screenDig', request: { footprint: drawn.footprint, depth: s.dig.depth, ...common } };
  }
  return { type: 'screenWorks', request: { works: drawn ? [...d.works, drawn] : d.works, ...common } };
}
