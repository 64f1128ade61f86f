/**
 * The dig-site view: one screened dig in three.js, with every line near it at its true size and depth,
 * each listed line's tolerance zone, the ground with the dig's opening, a depth scale, orbit / pan /
 * zoom by mouse and touch (OrbitControls: one finger turns, two pinch and pan), a card for a tapped
 * line, and the cross-section across the work (sectionView.ts). Loaded by a dynamic import from the
 * UI (src/ui/siteLauncher.ts), so the city's first paint never pays for three.js.
 *
 * It renders on demand (a frame when the camera moves, the window resizes or a card opens), not in a
 * loop: a tablet's battery and software WebGL both pay per frame.
 */
import { AmbientLight, Color, DirectionalLight, PerspectiveCamera, Raycaster, Scene, Vector2, WebGLRenderer, type Material, type Mesh, type Texture } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { ColourScheme } from '../core/colours';
import type { ScreenedLine } from '../core/digScreening';
import { nearestOnLine } from '../core/site/siteGeometry';
import { SectionPanel } from './sectionPanel';
import { SiteFrame } from './siteFrame';
import { SectionSheet, UserMarker } from './siteMarkers';
import { depthScale, groundMeshes, lineMeshes, workMeshes } from './siteMeshes';
import { defaultSlice, type SiteLine, type SiteModel } from './siteModel';
import { siteNotes, type SiteNotes, type SiteVersions } from './siteNotes';
import type { SiteT } from './siteWords';
import { nearestSevereLine, userFix } from './userPosition';
import { WhereAmI } from './whereAmI';

/** A press that moves less than this and lifts within TAP_MS is a tap (a pick), not a drag. */
const TAP_PX = 8;
const TAP_MS = 600;

export interface SiteViewOptions {
  model: SiteModel;
  lines: SiteLine[];
  /** Rows of lines this viewer was not sent (restricted, or beyond a contractor's sites): listed, not drawn. */
  unseen: ScreenedLine[];
  rows: readonly ScreenedLine[];
  /** The screening's network version and the lines' (siteNotes.ts: a banner when they differ). */
  versions: SiteVersions;
  scheme: ColourScheme;
  t: SiteT;
  /** How far the section moves per step, m (data/rules/display.json siteSectionStepM). */
  sectionStepM: number;
  /** Shown when the view draws a kept copy, not the network's answer (mountSite.ts): "offline copy, network version N, saved …". */
  offlineNote: string | null;
  onClose(): void;
}

function div(attrs: Record<string, string>, ...children: (Node | string)[]): HTMLDivElement {
  const e = document.createElement('div');
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function button(id: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button'; b.id = id; b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}


export class SiteView {
  readonly element: HTMLDivElement;
  private readonly renderer: WebGLRenderer;
  private readonly camera = new PerspectiveCamera(50, 1, 0.05, 5000);
  private readonly scene = new Scene();
  private readonly controls: OrbitControls;
  private readonly frame: SiteFrame;
  private readonly pickable: Mesh[];
  private readonly card: HTMLDivElement;
  private readonly canvasBox: HTMLDivElement;
  private readonly resize: ResizeObserver;
  private press: { x: number; y: number; at: number; id: number } | null = null;
  /** The section's panel (tests move it through `section.move`). */
  readonly section: SectionPanel;
  private readonly whereAmI: WhereAmI;
  private readonly keys = (e: KeyboardEvent) => this.key(e);
  /** Pointers down on the canvas now: a second finger makes the gesture a pinch or pan, never a tap. */
  private readonly down = new Set<number>();
  private readonly notes: SiteNotes;

  constructor(parent: HTMLElement, private readonly o: SiteViewOptions) {
    const { model, t } = o;
    this.notes = siteNotes(o.versions, t);
    const b = model.box;
    this.frame = new SiteFrame((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, model.groundZ);
    this.renderer = new WebGLRenderer({ antialias: false, stencil: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.canvasBox = div({ id: 'site-canvas' }, this.renderer.domElement);
    this.card = div({ id: 'site-card', class: 'panel', hidden: '' });
    const { work, plane } = defaultSlice(model, o.lines, o.rows);
    const sheet = new SectionSheet(this.frame, model);
    sheet.place(plane);
    this.section = new SectionPanel({ model, lines: o.lines, work, plane, scheme: o.scheme, t, stepM: o.sectionStepM, onMove: (p) => { sheet.place(p); this.render(); } });
    const marker = new UserMarker(this.frame, model.groundZ);
    this.whereAmI = new WhereAmI(t, (lon, lat, accuracy) => this.located(marker, lon, lat, accuracy), () => {
      marker.place(null); this.section.setUser(null); this.render();
    });
    const offline = o.offlineNote ? div({ class: 'status warning', id: 'site-offline' }, o.offlineNote) : '';
    const unseen = o.unseen.length ? div({ class: 'status error', id: 'site-unseen' }, this.notes.unseen(o.unseen.map((r) => r.linkId))) : '';
    const stale = this.notes.stale === null ? '' : div({ class: 'status error', id: 'site-stale', role: 'alert' }, this.notes.stale);
    const head = div({ id: 'site-head', class: 'panel' },
      div({ class: 'row' }, div({ id: 'site-title' }, t('site.title', { lines: o.lines.length, margin: model.reachM.toFixed(1) })), button('site-close', t('site.close'), () => o.onClose())),
      stale, offline, div({ class: 'status' }, t('site.hint')), this.whereAmI.element, unseen);
    this.element = div({ id: 'site-view' }, this.canvasBox, head, this.card, this.section.element);
    parent.append(this.element);

    this.scene.background = new Color(0x1b2026);
    const sun = new DirectionalLight(0xffffff, 1.4);
    sun.position.copy(this.frame.toWorld(b.minX, b.minY, model.groundZ + 50));
    this.scene.add(new AmbientLight(0xffffff, 1.6), sun);
    const lines = lineMeshes(this.frame, o.lines, o.scheme);
    this.pickable = lines.pickable;
    this.frame.root.add(workMeshes(this.frame, model), lines.group, groundMeshes(this.frame, model), depthScale(this.frame, model, t), sheet.group, marker.group);
    this.scene.add(this.frame.root);

    // Looking at the dig from the south-east, above ground, with the whole site in view.
    const cx = (b.minX + b.maxX) / 2, cy = (b.minY + b.maxY) / 2, span = Math.max(b.maxX - b.minX, b.maxY - b.minY);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.copy(this.frame.toWorld(cx, cy, model.groundZ - 2));
    this.camera.position.copy(this.frame.toWorld(cx + span * 0.45, cy - span * 0.6, model.groundZ + span * 0.55));
    this.controls.update();
    this.controls.addEventListener('change', () => this.render());
    const canvas = this.renderer.domElement;
    canvas.addEventListener('pointerdown', (e) => {
      // A primary pointer starts a new gesture: nothing else is down (a lost pointerup cannot stick).
      if (e.isPrimary) this.down.clear();
      this.down.add(e.pointerId);
      // A second finger: no tap until every finger has lifted (review14: a two-finger tap opened a card).
      this.press = this.down.size === 1 ? { x: e.clientX, y: e.clientY, at: e.timeStamp, id: e.pointerId } : null;
    });
    canvas.addEventListener('pointerup', (e) => { this.down.delete(e.pointerId); this.pointerUp(e); });
    canvas.addEventListener('pointercancel', (e) => { this.down.delete(e.pointerId); this.press = null; });
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.canvasBox);
    window.addEventListener('keydown', this.keys);
    this.fit();
  }

  /** Arrow keys move the section along the work (the slider's own arrows when it has the focus; text fields keep theirs). */
  private key(e: KeyboardEvent): void {
    const sign = e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -1 : e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 1 : 0;
    const target = e.target as HTMLElement | null;
    if (sign === 0 || e.altKey || e.ctrlKey || e.metaKey || (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    e.preventDefault();
    this.section.step(sign);
  }

  /** A position from the device: its marker, its place in the section, and the sentence saying how far the nearest struck or encroached line is. */
  private located(marker: UserMarker, lon: number, lat: number, accuracy: number): string {
    const { t } = this.o, fix = userFix(this.o.model.frame, lon, lat, accuracy);
    marker.place(fix);
    this.section.setUser(fix);
    this.render();
    const near = nearestSevereLine(this.o.lines, fix.x, fix.y);
    this.element.dataset['userDistance'] = near ? near.distance.toFixed(2) : '';
    this.element.dataset['userLinkId'] = near ? near.line.row?.linkId ?? near.line.link.id : '';
    if (!near) return t('site.positionNoSevere', { accuracy: accuracy.toFixed(0) });
    const text = t('site.positionNear', {
      accuracy: accuracy.toFixed(0), distance: near.distance.toFixed(1),
      line: `${t(`utility.${near.line.link.utility}`)} ${near.line.row?.linkId ?? near.line.link.id}`, verdict: t(`verdict.${near.line.row!.verdict}`),
    });
    // A fix coarser than the distance cannot tell which side of the line the user is on.
    return accuracy >= near.distance ? `${text} ${t('site.positionCoarse', { accuracy: accuracy.toFixed(0) })}` : text;
  }

  private fit(): void {
    const w = Math.max(1, this.canvasBox.clientWidth), h = Math.max(1, this.canvasBox.clientHeight);
    this.renderer.setSize(w, h, true);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
    this.element.dataset['frames'] = String(Number(this.element.dataset['frames'] ?? 0) + 1);
  }

  private pointerUp(e: PointerEvent): void {
    const p = this.press;
    this.press = null;
    if (!p || p.id !== e.pointerId || Math.hypot(e.clientX - p.x, e.clientY - p.y) > TAP_PX || e.timeStamp - p.at > TAP_MS) return;
    this.pick(e.clientX, e.clientY);
  }

  /** The line under a window point, and its card; none closes the card. */
  pick(clientX: number, clientY: number): void {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    const ray = new Raycaster();
    ray.setFromCamera(ndc, this.camera);
    const hits = ray.intersectObjects(this.pickable, false);
    // A pipe seen through a zone (its own or another line's) is what the finger meant.
    const hit = hits.find((h) => !h.object.userData['zone']) ?? hits[0];
    const line = hit ? this.o.lines.find((l) => l.key === hit.object.userData['key']) : undefined;
    if (!hit || !line) { this.card.hidden = true; return; }
    const [x, y, z] = this.frame.fromWorld(hit.point);
    this.showCard(line, nearestOnLine(line.link.vertices, line.link.section, x, y, z).topDepth);
  }

  private showCard(line: SiteLine, topDepth: number | null): void {
    const { t } = this.o, l = line.link, row = line.row;
    const metres = (m: number | null): string => (m === null || !Number.isFinite(m) ? '—' : t('site.metres', { m: m.toFixed(2) }));
    const sec = l.section.shape === 'circular' ? t('site.sizeRound', { d: l.section.diameterMm }) : t('site.sizeRect', { w: l.section.widthMm, h: l.section.heightMm });
    const dl = document.createElement('dl');
    const put = (k: string, v: string, field: string) => {
      const dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k; dd.textContent = v; dd.dataset['field'] = field;
      dl.append(dt, dd);
    };
    put(t('attr.owner'), l.owner, 'owner');
    put(t('attr.quality'), t(l.qualityLevel ? `quality.${l.qualityLevel}` : 'quality.null'), 'quality');
    put(t('attr.size'), sec, 'size');
    put(t('site.depthTop'), topDepth === null ? t('site.depthUnknown') : metres(topDepth), 'depth');
    if (row) {
      put(t('col.verdict'), t(`verdict.${row.verdict}`), 'verdict');
      put(t('col.d3'), metres(row.distance3d), 'distance3d');
      put(t('col.h'), metres(row.horizontal), 'horizontal');
      put(t('col.v'), metres(row.vertical), 'vertical');
      put(t('site.clearance'), `${metres(row.clearance)} (${row.clearanceSource})`, 'clearance');
      put(t('site.tolerance'), `${metres(row.tolerance)} = ${metres(row.clearance)} + ${metres(row.uncertainty)} (QL-${row.quality ?? 'D'})`, 'tolerance');
    }
    this.card.replaceChildren(
      div({ class: 'row' }, div({ class: 'site-card-title' }, `${t(`utility.${l.utility}`)} ${row?.linkId ?? l.id}`), button('site-card-close', t('site.closeCard'), () => { this.card.hidden = true; })),
      row ? '' : div({ class: 'status' }, this.notes.notListed), dl);
    this.card.dataset['key'] = line.key;
    this.card.dataset['linkId'] = row?.linkId ?? l.id;
    this.card.hidden = false;
  }

  /** Window point of a local-frame point (tests and benches aim taps with it); null behind the camera. */
  windowPoint(x: number, y: number, z: number): { x: number; y: number } | null {
    const v = this.frame.toWorld(x, y, z).project(this.camera);
    if (v.z > 1) return null;
    const rect = this.renderer.domElement.getBoundingClientRect();
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height };
  }

  destroy(): void {
    this.whereAmI.stop();
    window.removeEventListener('keydown', this.keys);
    this.resize.disconnect();
    this.controls.dispose();
    this.scene.traverse((o) => {
      const m = o as Partial<Mesh>;
      m.geometry?.dispose();
      for (const mat of Array.isArray(m.material) ? m.material : m.material ? [m.material] : []) {
        (mat as Material & { map?: Texture | null }).map?.dispose(); // the depth scale's label textures
        mat.dispose();
      }
    });
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.element.remove();
  }
}
