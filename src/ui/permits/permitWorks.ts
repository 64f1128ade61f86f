/**
 * What a permit digs, for the permit pages: one open cut ({footprint, depth}) or a work list of any
 * kind ({works: […]}, src/core/screening/digWorks.ts). Its plan points (to frame the site), its
 * deepest depth below ground, and one line per work for the detail and the printed permit.
 */
import { workPoints, type DigWork } from '../../core/screening/digWorks';
import { isWorkList, type PermitWorks } from '../../protocol/permitApi';
import type { LonLat, ViewState } from '../../store/viewStore';
import { screeningJob, type WorkDraft } from '../workDraft';
import type { MessageKey } from '../i18n';
import type { Translate } from './permitController';

/** Every plan point of the permit's works, lon/lat. */
export function permitPoints(works: PermitWorks): LonLat[] {
  return isWorkList(works) ? works.works.flatMap(workPoints) : works.footprint;
}

/** A work's deepest depth below ground, m (null for an open cut given by its bottom elevation). */
function workDepth(w: DigWork): number | null {
  switch (w.kind) {
    case 'open_cut': return w.depth ?? null;
    case 'trench': return w.depth ?? Math.max(...(w.depths ?? []));
    case 'bore': return Math.max(...w.path.map((p) => p[2]));
    case 'piles': return w.depth;
  }
}

/** The deepest depth below ground of the permit's works, m; null when none is given as a depth. */
export function permitDepth(works: PermitWorks): number | null {
  if (!isWorkList(works)) return works.depth;
  const depths = works.works.map(workDepth).filter((d): d is number => d !== null && Number.isFinite(d));
  return depths.length ? Math.max(...depths) : null;
}

export function depthText(works: PermitWorks): string {
  const d = permitDepth(works);
  return d === null ? '—' : `${d} m`;
}

const coords = (pts: readonly (readonly number[])[]) => pts.map((p) => `${p[0]!.toFixed(6)}, ${p[1]!.toFixed(6)}`).join('; ');

function sizeOf(w: DigWork): string {
  switch (w.kind) {
    case 'open_cut': return '';
    case 'trench': return ` ⌀ ${w.width} m`;
    case 'bore': return ` ⌀ ${w.reamerDiameter} m`;
    case 'piles': return ` ⌀ ${w.diameter} m ×${w.points.length}`;
  }
}

/** One [label, text] row per work: its kind, size, depth and plan coordinates. */
export function workRows(t: Translate, works: PermitWorks): [string, string][] {
  if (!isWorkList(works)) return [[t('permit.footprint'), coords(works.footprint)]];
  return works.works.map((w, i) => {
    const d = workDepth(w);
    return [`${i + 1}. ${t(`dig.kind.${w.kind}` as MessageKey)}`, `${sizeOf(w).trim()}${d === null ? '' : ` · ${d} m`} · ${coords(workPoints(w))}`.replace(/^ · /, '')];
  });
}

/** What the permit digs, from the works draft and the dig on screen (screeningJob's choice of shape), or the message key of what is missing. */
export function permitWorksOf(s: ViewState, d: WorkDraft, networkVersion: number): PermitWorks | MessageKey {
  const job = screeningJob(s, d);
  if ('error' in job) return job.error === 'needPolygon' ? 'permit.need.footprint' : job.error;
  const common = { ruleSetId: job.request.ruleSetId, groundElevation: null, ...(networkVersion > 0 ? { networkVersion } : {}) };
  if (job.type === 'screenDig') return { footprint: job.request.footprint.map(([lon, lat]) => [lon, lat]), depth: job.request.depth, ...common };
  return { works: job.request.works, ...common };
}
