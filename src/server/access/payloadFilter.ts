/**
 * Cutting restricted assets out of answers that were built for the whole network: the columnar
 * layer and node payloads, the network reports, burst answers; and finding which restricted assets
 * an answer carries, for the audit.
 */
import { VERTEX_STRIDE } from '../../core/model';
import type { LayerPayload, NodePayload } from '../../protocol/layerPayload';

/** The payload with only the links `keep` accepts (same columns, same order). */
export function filterLayer(p: LayerPayload, keep: (id: string) => boolean): LayerPayload {
  const out: LayerPayload = { ...p, ids: [], subtypes: [], owners: [], quality: [], diameterMm: [], widthMm: [], heightMm: [], vertexCounts: [], xyzg: [] };
  let v = 0;
  for (let i = 0; i < p.ids.length; i++) {
    const n = p.vertexCounts[i]! * VERTEX_STRIDE;
    if (keep(p.ids[i]!)) {
      out.ids.push(p.ids[i]!); out.subtypes.push(p.subtypes[i]!); out.owners.push(p.owners[i]!); out.quality.push(p.quality[i] ?? null);
      out.diameterMm.push(p.diameterMm[i]!); out.widthMm.push(p.widthMm[i]!); out.heightMm.push(p.heightMm[i]!);
      out.vertexCounts.push(p.vertexCounts[i]!);
      for (let k = 0; k < n; k++) out.xyzg.push(p.xyzg[v + k]!);
    }
    v += n;
  }
  return out;
}

export function filterNodes(p: NodePayload, keep: (id: string) => boolean): NodePayload {
  const out: NodePayload = { ...p, ids: [], nodeTypes: [], xyzg: [] };
  for (let i = 0; i < p.ids.length; i++) {
    if (!keep(p.ids[i]!)) continue;
    out.ids.push(p.ids[i]!);
    out.nodeTypes.push(p.nodeTypes[i]!);
    for (let k = 0; k < 4; k++) out.xyzg.push(p.xyzg[i * 4 + k]!);
  }
  return out;
}

/** Every string in a JSON value that names an asset in `assets` (ids in findings, lines, hits…), once each. */
export function assetsIn(value: unknown, assets: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (assets.has(v)) found.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const x of Object.values(v)) walk(x);
    }
  };
  if (assets.size > 0) walk(value);
  return [...found];
}

/**
 * A JSON value with every array entry removed that names a restricted asset (a report's finding
 * about a restricted line, a nearby restricted line, a search hit for one, a bare id in a list such
 * as a report's unchecked lines). Object entries are checked by their own string fields; nested
 * arrays are filtered the same way. What loses nothing is shared with `value`, not copied (the large
 * city's ~50,000 clearance findings were each copied for the general copy: bench/reportMemory.ts);
 * the result is read, encoded, never changed, and `value` is not changed either.
 */
export function withoutAssets<T>(value: T, assets: ReadonlySet<string>): T {
  const names = (o: object) => Object.values(o).some((x) => typeof x === 'string' && assets.has(x));
  const named = (x: unknown) => (typeof x === 'string' && assets.has(x)) || (typeof x === 'object' && x !== null && !Array.isArray(x) && names(x));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v) && v.some(named)) return v.filter((x) => !named(x)).map(walk);
    return sharedMap(v, walk);
  };
  return walk(value) as T;
}

/**
 * `v` with `walk` applied to each array entry or object value: `v` itself when every one comes back
 * the same, so what a filter leaves alone is shared, not copied.
 */
function sharedMap(v: unknown, walk: (x: unknown) => unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(walk);
    return out.every((x, i) => x === v[i]) ? v : out;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    const out = entries.map(([k, x]) => [k, walk(x)] as const);
    return out.every(([, x], i) => x === entries[i]![1]) ? v : Object.fromEntries(out);
  }
  return v;
}

/**
 * A screening answer (a dig's, a work list's, or a permit answer holding stored screenings) as a
 * viewer that may not know the network's size gets it: every screening summary (an object with
 * `segmentsInNetwork`) without that count, and with the restricted line ids (`restricted`; none to
 * drop for a role that may see them) out of its `unscreenableLinkIds`. The lines the screening lists
 * are never cut (safety first: a dig's screening names every line it strikes); only the network-wide
 * count goes, which would tell a role without restricted access how many restricted segments there
 * are (the general summary's `segments` leaves them out) and a site's contractor how big the city is
 * (review 14, fault 3). What loses nothing is shared with `value`, not copied.
 */
export function withoutNetworkSize<T>(value: T, restricted: ReadonlySet<string>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !('segmentsInNetwork' in v)) return sharedMap(v, walk);
    const { segmentsInNetwork: _size, ...summary } = v as Record<string, unknown>;
    const ids = summary['unscreenableLinkIds'];
    if (Array.isArray(ids)) summary['unscreenableLinkIds'] = ids.filter((id) => !(typeof id === 'string' && restricted.has(id)));
    return sharedMap(summary, walk);
  };
  return walk(value) as T;
}
