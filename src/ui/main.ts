/**
 * The client's entry: lays out the page, creates the city viewer, streams the layers, starts the
 * screening worker and wires the panels to the store.
 */
import 'cesium/Build/Cesium/Widgets/widgets.css';
import './app.css';
import { BoundingSphere, Cartesian3, Math as CesiumMath, SceneTransforms } from 'cesium';
import rulesTable from '../../data/rules/screening.json';
import type { DigRequest, DigScreening, ScreenedLine, WorksScreening } from '../core/digScreening';
import { UTILITY_TYPES, type UtilityType } from '../core/model';
import type { LinkDetails, NetworkSummary } from '../protocol/apiTypes';
import type { Rgb } from '../core/colours';
import { api } from '../services/api';
import { defaultPoolSize, WorkerPool } from '../protocol/workerPool';
import { createViewStore, type ViewState } from '../store/viewStore';
import { createCityViewer } from '../viewer/cityViewer';
import { DigOverlay } from '../viewer/digOverlay';
import { displayPointNear } from '../viewer/focusPoint';
import { attachInteraction } from '../viewer/interaction';
import { CityLayers } from '../viewer/cityLayers';
import { loadLayers } from '../viewer/layerLoad';
import { verdictRgb } from '../viewer/pipeShader';
import { DISPLAY } from '../viewer/tileStyle';
import { renderAttributePanel } from './attributePanel';
import { mountBurst } from './burst/burstController';
import { renderControlPanel } from './controlPanel';
import { renderFittingPanel } from './fittingPanel';
import { createStyleStore, renderStylePanel, renderTileProgress, styleSpecOf } from './stylePanel';
import { renderDigPanel, type ScreeningView } from './digPanel';
import { h } from './dom';
import { detectLocale, translate } from './i18n';
import { mountPermits } from './permits/permitsPanel';
import { mountReports } from './reports/reportsController';
import { NetworkSession } from './session';
import { SiteLauncher, type SiteLaunch } from './siteLauncher';
import { createWorkDraft, screeningJob, syncVertexDepths, worksOnMap } from './workDraft';

/** How much of the city around a screened line the camera frames when the line is chosen, m. */
const FOCUS_RADIUS_M = 25;

/** Big mains first: the layers that matter most for safety reach the screen soonest. */
const LOAD_ORDER: UtilityType[] = ['gas', 'power', 'water', 'heat', 'sewer', 'storm', 'telecom'];

const store = createViewStore({ locale: detectLocale(navigator.languages) });
const draft = createWorkDraft();
const app = document.getElementById('app')!;
const cesiumEl = h('div', { id: 'cesium' });
const controlsTop = h('div', { id: 'controls-top' });
const digEl = h('div', { id: 'dig-panel' });
const burstEl = h('div', { id: 'burst-panel' });
const reportsEl = h('div', { id: 'reports-panel' });
const tileProgressEl = h('div', { id: 'tile-progress', className: 'status', role: 'status', hidden: true });
const styleEl = h('div', { id: 'style-panel' });
const controls = h('div', { id: 'controls', className: 'panel' }, controlsTop, tileProgressEl, styleEl, burstEl, reportsEl, digEl);
const attributes = h('div', { id: 'attributes', className: 'panel', hidden: true });
const fittingEl = h('div', { id: 'fitting', className: 'panel', hidden: true, style: 'top:8px;right:8px;width:240px' });
const hud = h('div', { id: 'hud', className: 'panel' });
app.append(cesiumEl, controls, attributes, fittingEl, hud);
const styleStore = createStyleStore();
let screened = new Map<string, Rgb>();
let fitting: Record<string, string> | null = null;

const city = createCityViewer(cesiumEl);
const scene = city.viewer.scene;
const burst = mountBurst(burstEl, { store, viewer: city.viewer });
const reports = mountReports(reportsEl, {
  store, viewer: city.viewer,
  focus: (linkIds, lonLat) => {
    void focusPlace(linkIds, lonLat).catch((e: Error) => console.error(e));
    if (linkIds[0] !== undefined) void showLink(linkIds[0], null);
  },
});
/** Each worker holds its own copy of the network: a few workers are plenty for one person's digs. */
const MAX_SCREENING_WORKERS = 4;
const workers = new WorkerPool({
  size: defaultPoolSize(navigator.hardwareConcurrency, MAX_SCREENING_WORKERS),
  createWorker: () => new Worker(new URL('../../workers/screening.worker.ts', import.meta.url), { type: 'module' }),
});
let layers: CityLayers | null = null;
let overlay: DigOverlay | null = null;
let screeningView: ScreeningView = { status: 'idle' };
let selected: { details: LinkDetails; coverHere: number | null } | null = null;
let networkVersion = 0;
let extent: [number, number, number, number] | null = null;
/** What the site view needs of the network in force: its version, frame and layers. */
let siteNetwork: { version: number; frame: NetworkSummary['frame']; utilities: UtilityType[] } | null = null;
/** The one open cut a done result screened (a one-dig result does not carry its footprint). */
let screenedOpenCut: { footprint: [number, number][]; depth: number } | undefined;
// `permits` is made below; the user is asked for only when a site opens.
const site = new SiteLauncher({ parent: app, store, network: () => siteNetwork, user: () => permits.deps.ui.getState().user?.username ?? '' });

const ruleSets = Object.entries(rulesTable.ruleSets).map(([id, r]) => ({
  id,
  titles: r.title,
  clearances: Object.fromEntries(UTILITY_TYPES.map((u) => [u, r.clearances[u].value])) as Record<UtilityType, number>,
}));

function render(): void {
  const s = store.getState();
  document.documentElement.lang = s.locale;
  document.title = translate(s.locale, 'appTitle');
  renderControlPanel(controlsTop, store, { home: goHome });
  renderDigPanel(digEl, store, screeningView, {
    screen: () => void screenDig(),
    exportReport: (format) => void exportReport(format),
    focusLine: (line) => void focusLine(line).catch((e: Error) => console.error(e)),
    openSite: () => {
      if (screeningView.status === 'done') void site.open({ result: screeningView.result, ...(screenedOpenCut ? { openCut: screenedOpenCut } : {}) });
    },
    ruleSets: ruleSets.map((r) => ({ id: r.id, title: r.titles[s.locale] ?? r.titles.en, clearances: r.clearances })),
    notifyDistance: rulesTable.notifyDistance.value,
    overrideLimit: rulesTable.overrideLimit.value,
    draft,
  });
  renderAttributePanel(attributes, s.locale, selected?.details ?? null, selected?.coverHere ?? null, () => {
    selected = null;
    render();
  });
  renderFittingPanel(fittingEl, s.locale, fitting, () => { fitting = null; render(); });
  const tiles = layers?.tiles;
  renderStylePanel(styleEl, styleStore, { locale: s.locale, scheme: s.colourScheme, utilities: UTILITY_TYPES, materials: tiles?.materials ?? [], owners: tiles?.owners ?? [] });
}

function applyStyle(): void {
  layers?.setStyle(styleSpecOf(styleStore.getState(), store.getState().colourScheme, screened), styleStore.getState().depthCue);
}
styleStore.subscribe(() => { applyStyle(); render(); });

/** Screened lines lit by verdict: overlay polylines and tubes, and the tiles' own colour. */
function setHighlights(screenedLines: readonly ScreenedLine[]): void {
  // A contractor's map holds a line as pieces clipped to their sites: light every piece.
  const lines = screenedLines.flatMap((l) => layers ? layers.index.piecesOf(l.linkId).map((linkId) => ({ ...l, linkId })) : [l]);
  overlay?.setHighlights(lines);
  screened = new Map(lines.map((l) => [l.linkId, verdictRgb(l.verdict)]));
  applyStyle();
}

store.subscribe((s: ViewState, prev: ViewState) => {
  if (s.visible !== prev.visible && layers) for (const u of UTILITY_TYPES) layers.setVisible(u, s.visible[u]);
  if (s.colourScheme !== prev.colourScheme) {
    layers?.setColourScheme(s.colourScheme);
    applyStyle();
  }
  if (s.underground !== prev.underground) city.setUnderground(s.underground);
  if ((s.overrides !== prev.overrides || s.ruleSetId !== prev.ruleSetId) && screeningView.status === 'done') {
    screeningView = { status: 'idle' };
    setHighlights([]);
  }
  if (s.dig !== prev.dig) {
    syncVertexDepths(draft, s);
    drawWorks();
    // A result belongs to the dig it screened: a changed outline or depth voids it.
    if ((s.dig.corners !== prev.dig.corners || s.dig.depth !== prev.dig.depth) && screeningView.status !== 'running') {
      screeningView = { status: 'idle' };
      setHighlights([]);
    }
  }
  render();
});

function drawWorks(): void {
  const s = store.getState(), d = draft.getState();
  overlay?.setDig(s.dig.corners, s.dig.depth, d.kind === 'open_cut');
  overlay?.setWorks(worksOnMap(s, d));
}

draft.subscribe(() => {
  drawWorks();
  // A result belongs to the works it screened.
  if (screeningView.status === 'done') {
    screeningView = { status: 'idle' };
    setHighlights([]);
  }
  render();
});

function goHome(): void {
  if (extent) city.flyToExtent(extent, 0.5);
}

function updateHud(): void {
  const height = city.cameraHeightAboveGround();
  const t = store.getState().locale;
  const text = height >= 0
    ? translate(t, 'cameraAbove', { m: height.toFixed(height < 100 ? 1 : 0) })
    : translate(t, 'cameraBelow', { m: (-height).toFixed(1) });
  if (hud.textContent !== text) hud.textContent = text;
  hud.classList.toggle('below', height < 0);
}
scene.postRender.addEventListener(updateHud);

/**
 * Frames a place on some lines: the point on their drawn pieces nearest to lon/lat (a line this map
 * does not draw, e.g. a restricted line the server's screening listed: lon/lat at ground level), or
 * with no lon/lat the first drawn vertex.
 */
async function focusPlace(linkIds: readonly string[], lonLat: readonly [number, number] | null): Promise<void> {
  if (!layers) return;
  const ids = linkIds.flatMap((id) => layers?.index.piecesOf(id) ?? []);
  await layers.load(ids);
  const pieces = ids.map((id) => layers?.pickOf(id)).filter((p) => p != null);
  const centre = lonLat ? displayPointNear(pieces, lonLat[0], lonLat[1]) ?? Cartesian3.fromDegrees(lonLat[0], lonLat[1], 0) : pieces[0]?.positions[0];
  if (centre) city.viewer.camera.flyToBoundingSphere(new BoundingSphere(centre, FOCUS_RADIUS_M), { duration: 0.5 });
}

async function focusLine(line: ScreenedLine): Promise<void> {
  await focusPlace([line.linkId], [line.closest.lon, line.closest.lat]);
  void showLink(line.linkId, null);
}

async function showLink(linkId: string, coverHere: number | null): Promise<void> {
  try {
    selected = { details: await api.link(linkId), coverHere };
  } catch (e) {
    selected = null;
    console.error(e);
  }
  render();
}

function sameVerdicts(a: DigScreening | WorksScreening, b: DigScreening | WorksScreening): boolean {
  const key = (r: DigScreening | WorksScreening) => r.lines.map((l) => `${l.linkId}:${l.verdict}`).sort().join('|');
  return key(a) === key(b);
}

async function screenDig(): Promise<void> {
  const s = store.getState();
  const job = screeningJob(s, draft.getState());
  if ('error' in job) {
    screeningView = { status: 'error', message: translate(s.locale, job.error) };
    return render();
  }
  if (s.dig.drawing) store.setState({ dig: { ...s.dig, drawing: false } });
  const request = job.request;
  screenedOpenCut = job.type === 'screenDig' ? { footprint: job.request.footprint, depth: job.request.depth } : undefined;
  screeningView = { status: 'running' };
  render();
  try {
    if (session.partialNetwork) {
      // This viewer's copy of the network lacks lines (restricted ones, or beyond their sites): only the server's screening is whole.
      const t0 = performance.now();
      const whole = (await api.screen({ ...request, networkVersion })) as DigScreening | WorksScreening;
      screeningView = { status: 'done', result: { ...whole, ms: performance.now() - t0 }, serverAgrees: null, onServer: true };
      setHighlights(whole.lines);
      return render();
    }
    const result = job.type === 'screenDig' ? await workers.request('screenDig', job.request) : await workers.request('screenWorks', job.request);
    screeningView = { status: 'done', result, serverAgrees: null };
    setHighlights(result.lines);
    render();
    // The worker's answer is for the person at the screen; the server's re-run is what counts.
    const server = (await api.screen({ ...request, networkVersion })) as DigScreening | WorksScreening;
    if (screeningView.status === 'done' && screeningView.result === result) {
      screeningView = { ...screeningView, serverAgrees: sameVerdicts(result, server) };
      render();
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') return;
    screeningView = { status: 'error', message: translate(store.getState().locale, 'screenFailed', { message: (e as Error).message }) };
    render();
  }
}

/** Downloads the server's report for the dig on screen, with the network version it was screened against. */
async function exportReport(format: 'json' | 'geojson'): Promise<void> {
  const s = store.getState();
  const job = screeningJob(s, draft.getState());
  if ('error' in job) return;
  try {
    const blob = await api.screeningReport({ ...job.request, networkVersion }, format);
    const a = h('a', { href: URL.createObjectURL(blob), download: `undergrid-screening-v${networkVersion}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (e) {
    screeningView = { status: 'error', message: translate(s.locale, 'exportFailed', { message: (e as Error).message }) };
    render();
  }
}

async function loadNetwork(): Promise<void> {
  const summary = await api.network();
  const mode = session.drawMode(summary, location.search);
  networkVersion = summary.version;
  siteNetwork = { version: summary.version, frame: summary.frame, utilities: summary.layers.map((l) => l.utility) };
  extent = summary.access?.siteExtent ?? summary.extent; // a contractor opens on their sites
  city.flyToExtent(extent);
  city.showGroundGrid(summary.extent);
  const cityLayers = new CityLayers(scene, summary.frame, mode, (p) => {
    renderTileProgress(tileProgressEl, store.getState().locale, p);
    document.body.dataset['tilesLoaded'] = String(p.settled);
    if (p.settled && !document.body.dataset['pipesDrawn']) {
      document.body.dataset['firstPipesMs'] = String(Math.round(cityLayers.tiles?.firstVisibleMs ?? performance.now()));
      document.body.dataset['tilesSettledMs'] = String(Math.round(performance.now()));
      document.body.dataset['pipesDrawn'] = 'true';
    }
  });
  layers = cityLayers;
  layers.setColourScheme(store.getState().colourScheme);
  overlay = new DigOverlay(city.viewer, layers);
  reports.setNetwork(summary, layers);
  const present = LOAD_ORDER.filter((u) => summary.layers.some((l) => l.utility === u));
  await layers.open(session.tilesets(summary, present), (u) => store.getState().visible[u]);
  applyStyle();
  render();
  const loaded = await loadLayers(layers, workers, summary.version, present, {
    visible: (u) => store.getState().visible[u],
    progress: (done, total) => store.setState({ load: { status: 'loading', done, total } }),
  });
  if (layers.mode === 'polylines') {
    document.body.dataset['firstPipesMs'] = String(Math.round(performance.now()));
    document.body.dataset['pipesDrawn'] = 'true';
  }
  store.setState({ load: { status: 'ready', version: summary.version, links: loaded.links, segments: loaded.segments } });
  document.body.dataset['workerReady'] = 'true';
  if (layers.needsNodes) for (const utility of present) layers.addNodes(await api.nodes(summary.version, utility));
  document.body.dataset['nodesDrawn'] = 'true';
}

attachInteraction(city.viewer, {
  isDrawing: () => store.getState().dig.drawing,
  addCorner: (corner) => {
    const dig = store.getState().dig;
    store.setState({ dig: { ...dig, corners: [...dig.corners, corner] } });
  },
  picked: (pick, coverHere) => {
    if (burst.isActive()) return; // burst mode: taps locate a burst (burstController.ts)
    fitting = pick?.kind === 'fitting' ? pick.properties : null;
    if (pick?.kind === 'link') return void showLink(pick.linkId, coverHere);
    selected = null;
    render();
  },
  resolve: (picked) => layers?.resolve(picked) ?? null,
  lines: () => layers,
  hover: (picked) => layers?.hover(picked),
  hoverThrottleMs: DISPLAY.hoverThrottle,
});

const permits = mountPermits(app, attributes, {
  store, viewer: city.viewer, draft, setHighlights, networkVersion: () => networkVersion, openSite: (launch) => void site.open(launch),
});
const session = new NetworkSession({ ui: permits.deps.ui, store, after: controlsTop });
render();
session.start(loadNetwork);

// A handle for end-to-end tests and the console; the app itself never reads it.
(window as unknown as { undergrid: unknown }).undergrid = {
  store,
  draft,
  viewer: city.viewer,
  /** Window pixel of a lon/lat at a height relative to ground, or null when off screen. */
  windowPosition(lon: number, lat: number, height = 0): { x: number; y: number } | null {
    const p = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, height));
    return p ? { x: p.x, y: p.y } : null;
  },
  requestRender: () => scene.requestRender(),
  /** Puts the camera at lon/lat and a height relative to ground (negative: underground). */
  lookFrom(lon: number, lat: number, height: number, headingDeg: number, pitchDeg: number): void {
    city.viewer.camera.setView({
      destination: Cartesian3.fromDegrees(lon, lat, height),
      orientation: { heading: CesiumMath.toRadians(headingDeg), pitch: CesiumMath.toRadians(pitchDeg), roll: 0 },
    });
    scene.requestRender();
  },
  /** Back to the opening view of the whole network. */
  home: goHome,
  /** Lines drawn from the JSON layers (polyline mode; a contractor's site-limited layers). */
  drawnLines: () => layers?.drawnLines ?? 0,
  /** The tilesets on screen (tests count features, benches read memory); empty in polyline mode. */
  tilesets: () => layers?.tiles?.tilesets() ?? [],
  /** Bytes Cesium holds for loaded tiles. */
  tileMemoryBytes: () => layers?.tiles?.memoryBytes() ?? 0,
  /** The per-tick budget for finishing new tiles (src/viewer/tileWorkBudget.ts): benches read it. */
  tileWork: () => layers?.tiles?.tileWork ?? null,
  /** Tile requests sent between frames (src/viewer/tileRequestQueue.ts): benches read it. */
  tileRequests: () => layers?.tiles?.tileRequests ?? null,
  /** The open dig-site view (src/site), null when closed: tests aim their taps through its windowPoint. */
  site: () => site.view,
  /** Opens a screening in the dig-site view as the dig panel's and a permit's buttons do: tests open a stored one. */
  openSite: (launch: SiteLaunch) => site.open(launch),
  /** Screens a dig in the worker without the UI: for benchmarks. */
  screenInWorker: (request: DigRequest) => workers.request('screenDig', request),
};
