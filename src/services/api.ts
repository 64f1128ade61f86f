/** The client's one HTTP client: typed calls to the Undergrid API, errors carry the server's message. */
import type { UtilityType } from '../core/model';
import type { LayerPayload, NodePayload } from '../protocol/layerPayload';
import type { LinkDetails, NetworkSummary } from '../protocol/apiTypes';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
}

/** One request to the API; features' clients (src/ui/<feature>) call it too. */
/** The server's `{error: {code, message, field}}` as an ApiError (a body that is not JSON gives the status). */
async function errorOf(res: Response): Promise<ApiError> {
  const e = ((await res.json().catch(() => null)) as { error?: { code: string; message: string; field?: string } } | null)?.error;
  return new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `${res.status} ${res.statusText}`, e?.field);
}

/** One JSON request to our API; an empty answer (204) is null, an error answer throws ApiError. */
export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * A network report as the server answers it: its JSON bytes, unparsed (the report worker parses them:
 * the large city's clearance report is 23.7 MB), or "still computing" (503) with when to ask again.
 */
export type NetworkReportAnswer =
  | { status: 'ready'; bytes: ArrayBuffer }
  | { status: 'computing'; retryAfterS: number | null; message: string | null; progress: { step: number; steps: number } | null };

/** Retry-After as seconds from `nowMs`: delta-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h);
  // Every HTTP-date form names its month (RFC 9110 5.6.7); Date.parse alone reads '-3' as a year.
  const at = /[A-Za-z]{3}/.test(h) ? Date.parse(h) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, (at - nowMs) / 1000) : null;
}

/** The step the server is at, where a 503 body states it (`progress: {step, steps}`, 1-based). */
function progressOf(body: unknown): { step: number; steps: number } | null {
  const p = (body as { progress?: { step?: unknown; steps?: unknown } } | null)?.progress;
  const step = p?.step, steps = p?.steps;
  return typeof step === 'number' && typeof steps === 'number' && Number.isInteger(step) && Number.isInteger(steps) && step >= 1 && step <= steps ? { step, steps } : null;
}

const layerPath = (version: number, utility: UtilityType) => `/api/network/${version}/layers/${utility}`;

export const api = {
  network: () => request<NetworkSummary>('/api/network'),
  layer: (version: number, utility: UtilityType) => request<LayerPayload>(layerPath(version, utility)),
  /** A layer's lines meeting a bbox (west, south, east, north in degrees): the dig-site view's lines. */
  layerIn: (version: number, utility: UtilityType, bbox: readonly [number, number, number, number], signal?: AbortSignal) =>
    request<LayerPayload>(`${layerPath(version, utility)}?bbox=${bbox.join(',')}`, signal ? { signal } : undefined),
  /** A layer's JSON as bytes, unparsed: the main thread hands it on to the screening workers, which parse it. */
  layerBytes: async (version: number, utility: UtilityType): Promise<ArrayBuffer> => {
    const res = await fetch(layerPath(version, utility));
    if (!res.ok) throw await errorOf(res);
    return res.arrayBuffer();
  },
  nodes: (version: number, utility: UtilityType) => request<NodePayload>(`/api/network/${version}/nodes/${utility}`),
  link: (id: string) => request<LinkDetails>(`/api/links/${encodeURIComponent(id)}`),
  rules: () => request<unknown>('/api/rules'),
  /** The server's screening as a downloadable report (the server re-runs it: never the client's copy). */
  screeningReport: async (body: unknown, format: 'json' | 'geojson'): Promise<Blob> => {
    const res = await fetch(`/api/screenings?format=${format}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw await errorOf(res);
    return res.blob();
  },
  networkReport: async (version: number, kind: string, signal?: AbortSignal): Promise<NetworkReportAnswer> => {
    const res = await fetch(`/api/network/${version}/reports/${encodeURIComponent(kind)}`, { signal });
    if (res.status === 503) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: unknown }; message?: unknown } | null;
      const message = body?.error?.message ?? body?.message;
      return { status: 'computing', retryAfterS: retryAfterSeconds(res.headers.get('Retry-After'), Date.now()), message: typeof message === 'string' ? message : null, progress: progressOf(body) };
    }
    if (!res.ok) throw await errorOf(res);
    return { status: 'ready', bytes: await res.arrayBuffer() };
  },
  screen: (body: unknown) =>
    request<unknown>('/api/screenings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
};
