/**
 * The dispatcher's burst journey: locate (tap the map, or search a street, pipe id or coordinates),
 * pick the burst main from the nearest ones, read the trace, mark valves inoperable (the trace
 * re-runs at once, the change shown as a diff), save the incident, print the dispatch sheet.
 * Reopens an incident from `?incident=ID`. Owns its panel, its overlay and its map clicks while
 * burst mode is on; src/ui/main.ts only mounts it and leaves map taps to it then.
 */
import './burst.css';
import { Cartographic, Math as CesiumMath, ScreenSpaceEventHandler, ScreenSpaceEventType, type Viewer } from 'cesium';
import rulesJson from '../../../data/rules/burst.json';
import { parseBurstRules } from '../../core/burst/burstRules';
import type { NetworkSummary } from '../../protocol/apiTypes';
import type { BurstSearchResult, BurstTrace, Incident, NearestMainsResult, TraceRequest } from '../../protocol/burstApi';
import { ApiError, request } from '../../services/api';
import type { ViewStore } from '../../store/viewStore';
import { BurstOverlay } from '../../viewer/burstOverlay';
import { translate, type MessageKey } from '../i18n';
import { openDispatchSheet } from './dispatchSheet';
import { renderBurstPanel, type BurstActions, type BurstView } from './burstPanel';

export interface BurstController {
  /** True while burst mode is on: map taps locate a burst and nothing else. */
  isActive(): boolean;
}

const post = <T>(path: string, body: unknown) =>
  request<T>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

export function mountBurst(container: HTMLElement, deps: { store: ViewStore; viewer: Viewer }): BurstController {
  const rules = parseBurstRules(rulesJson);
  const overlay = new BurstOverlay(deps.viewer);
  const view: BurstView = {
    active: false, query: '', hits: null, mains: null, linkId: null, failedValves: [], nearbyDistance: rules.nearbyDistance.value,
    routeFrom: rules.route.start === 'depot' ? rules.depots[0]!.id : 'burst', trace: null, previous: null, busy: false,
    error: null, notice: null, incidentId: null, networkCrs: null,
  };
  let network: Promise<NetworkSummary> | null = null;
  let traceSeq = 0;
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(deps.store.getState().locale, k, p);
  const networkSummary = () => (network ??= request<NetworkSummary>('/api/network').then((s) => {
    view.networkCrs = s.sourceCrs;
    return s;
  }, (e: unknown) => {
    network = null; // ask again next time
    throw e;
  }));

  function render(): void {
    renderBurstPanel(container, view, t, actions, rules);
    document.body.dataset['burstState'] = view.busy ? 'busy' : view.error ? 'error' : 'idle';
  }

  async function guarded(work: () => Promise<void>): Promise<void> {
    view.busy = true;
    view.error = null;
    render();
    try {
      await work();
    } catch (e) {
      // The server's refusals are for the dispatcher; anything else is a bug and goes to the console too.
      if (!(e instanceof ApiError)) console.error(e);
      view.error = t('burst.failed', { message: (e as Error).message });
    } finally {
      view.busy = false;
      render();
    }
  }

  async function runTrace(keepPrevious: boolean): Promise<void> {
    if (!view.linkId) return;
    const seq = ++traceSeq;
    const previous = keepPrevious ? view.trace : null;
    const summary = await networkSummary();
    const body: TraceRequest = {
      networkVersion: summary.version, linkId: view.linkId, failedValves: view.failedValves,
      nearbyDistance: view.nearbyDistance, routeFrom: view.routeFrom,
    };
    const trace = await post<BurstTrace>('/api/burst/trace', body);
    if (seq !== traceSeq) return; // a newer trace was asked for meanwhile
    showTrace(trace, previous);
  }

  function showTrace(trace: BurstTrace, previous: BurstTrace | null): void {
    const focus = view.trace?.burst.linkId !== trace.burst.linkId;
    view.previous = previous;
    view.trace = trace;
    const counts = overlay.setTrace(trace);
    if (focus) overlay.focus(trace);
    document.body.dataset['burstHighlighted'] = String(counts.isolated);
    document.body.dataset['burstTrace'] = String(Number(document.body.dataset['burstTrace'] ?? 0) + 1);
  }

  async function locate(lon: number, lat: number): Promise<void> {
    view.mains = await request<NearestMainsResult>(`/api/burst/nearest?lon=${lon}&lat=${lat}`);
    document.body.dataset['burstMains'] = String(view.mains.mains.length);
  }

  const actions: BurstActions = {
    toggle(): void {
      view.active = !view.active;
      if (view.active && !view.networkCrs) void networkSummary().then(render, () => undefined);
      if (!view.active) {
        Object.assign(view, { hits: null, mains: null, linkId: null, failedValves: [], trace: null, previous: null, error: null, notice: null });
        overlay.setTrace(null);
      }
      render();
    },
    search(query: string): void {
      view.query = query;
      if (query.trim() === '') return;
      void guarded(async () => {
        const r = await request<BurstSearchResult>(`/api/burst/search?q=${encodeURIComponent(query)}`);
        view.hits = r.hits;
        if (r.hits.length === 1) await locate(r.hits[0]!.lon, r.hits[0]!.lat);
      });
    },
    locate(lon: number, lat: number): void {
      void guarded(() => locate(lon, lat));
    },
    selectMain(linkId: string): void {
      Object.assign(view, { linkId, failedValves: [], incidentId: null, notice: null });
      void guarded(() => runTrace(false));
    },
    toggleInoperable(valveId: string): void {
      view.failedValves = view.failedValves.includes(valveId) ? view.failedValves.filter((v) => v !== valveId) : [...view.failedValves, valveId];
      view.incidentId = null;
      void guarded(() => runTrace(true));
    },
    setNearbyDistance(m: number): void {
      if (!(m >= rules.nearbyDistance.min && m <= rules.nearbyDistance.max)) return render();
      view.nearbyDistance = m;
      void guarded(() => runTrace(false));
    },
    setRouteFrom(from: string): void {
      view.routeFrom = from;
      void guarded(() => runTrace(false));
    },
    save(): void {
      void guarded(async () => {
        const summary = await networkSummary();
        const incident = await post<Incident>('/api/burst/incidents', {
          networkVersion: summary.version, linkId: view.linkId, failedValves: view.failedValves, nearbyDistance: view.nearbyDistance, routeFrom: view.routeFrom,
        });
        view.incidentId = incident.id;
        const url = new URL(location.href);
        url.searchParams.set('incident', incident.id);
        history.replaceState(null, '', url);
        document.body.dataset['burstIncident'] = incident.id;
      });
    },
    openSheet(): void {
      if (!view.trace) return;
      deps.viewer.scene.render(); // the drawing buffer is preserved (cityViewer.ts): read it in this frame
      const mapImage = deps.viewer.scene.canvas.toDataURL('image/png');
      void networkSummary().then((s) => openDispatchSheet({ trace: view.trace!, incidentId: view.incidentId, mapImage, networkVersion: s.version, t, rules }));
    },
  };
  async function openIncident(id: string): Promise<void> {
    view.active = true;
    view.notice = t('burst.incidentLoading', { id });
    render();
    await guarded(async () => {
      const incident = await request<Incident>(`/api/burst/incidents/${encodeURIComponent(id)}`);
      const summary = await networkSummary();
      Object.assign(view, {
        linkId: incident.linkId, failedValves: incident.failedValves, nearbyDistance: incident.nearbyDistance, routeFrom: incident.routeFrom,
        notice: incident.networkVersion === summary.version ? null : t('burst.incidentStale', { saved: incident.networkVersion, current: summary.version }),
      });
      await runTrace(false);
      view.incidentId = incident.id;
      document.body.dataset['burstIncident'] = incident.id;
    });
  }

  const handler = new ScreenSpaceEventHandler(deps.viewer.scene.canvas);
  handler.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
    if (!view.active) return;
    const ground = deps.viewer.camera.pickEllipsoid(event.position, deps.viewer.scene.globe.ellipsoid);
    if (!ground) return;
    const c = Cartographic.fromCartesian(ground);
    actions.locate(CesiumMath.toDegrees(c.longitude), CesiumMath.toDegrees(c.latitude));
  }, ScreenSpaceEventType.LEFT_CLICK);

  deps.store.subscribe((s, prev) => { if (s.locale !== prev.locale) render(); });
  render();
  const incident = new URLSearchParams(location.search).get('incident');
  if (incident) void openIncident(incident);
  return { isActive: () => view.active };
}

