/**
 * The cross-section across the dig, drawn in SVG at true scale (one metre is as long across as
 * down): the ground line, the screened volume's outline in the slice, each line cut as its section
 * at its elevation with its tolerance zone in its verdict's colour, its label and the depth of its
 * top. The geometry is core's (src/core/site/crossSection.ts); this file only draws.
 */
import { utilityColour, VERDICT_COLOURS, type ColourScheme } from '../core/colours';
import { halfHeight, VERTEX_STRIDE } from '../core/model';
import { sliceCapsule, sliceLine, sliceVolume, type SliceOutline, type SlicePlane } from '../core/site/crossSection';
import { toleranceRadius } from '../core/site/siteGeometry';
import type { SiteLine, SiteModel } from './siteModel';
import type { SiteT } from './siteWords';

const SVG = 'http://www.w3.org/2000/svg';
const W = 640, MAX_H = 260, PAD = 28;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const css = (rgb: readonly number[]) => `rgb(${rgb.join(',')})`;

/** One line's cut as drawn: where, its section and its row. */
export interface SectionCut { line: SiteLine; s: number; z: number; topDepth: number | null }

/** Every line's cuts through the slice, nearest the middle first. */
export function sectionCuts(plane: SlicePlane, lines: readonly SiteLine[]): SectionCut[] {
  const cuts: SectionCut[] = [];
  for (const line of lines) {
    for (const c of sliceLine(plane, line.link.vertices)) {
      cuts.push({ line, s: c.s, z: c.z, topDepth: Number.isFinite(c.ground) ? c.ground - (c.z + halfHeight(line.link.section)) : null });
    }
  }
  return cuts.sort((a, b) => Math.abs(a.s) - Math.abs(b.s));
}

/**
 * A listed line's tolerance zone in the slice: the true cut of the tube the screening measures
 * (every point within toleranceRadius of the axis, a capsule per segment) by the slice plane: an
 * ellipse where the line crosses obliquely, a circle where square, a band where it runs near and
 * along the slice without crossing it. One outline per segment whose zone meets the slice within
 * its half-length (neighbours overlap at a joint). Until review14 a circle about the cut: smaller
 * than screened wherever the line crossed at a slant.
 */
export function zoneCuts(plane: SlicePlane, line: SiteLine): SliceOutline[] {
  if (!line.row) return [];
  const v = line.link.vertices, r = toleranceRadius(line.link.section, line.row.tolerance), out: SliceOutline[] = [];
  for (let o = 0; o + 2 * VERTEX_STRIDE <= v.length; o += VERTEX_STRIDE) {
    const q = o + VERTEX_STRIDE;
    const cut = sliceCapsule(plane, [v[o]!, v[o + 1]!, v[o + 2]!], [v[q]!, v[q + 1]!, v[q + 2]!], r);
    if (cut && cut.some(([s]) => Math.abs(s) <= plane.halfLength)) out.push(cut);
  }
  return out;
}

/** Where the user stands against the slice (userPosition.ts userOnSlice): s m along it, `off` m from it. */
export interface SectionUser { s: number; off: number }

/**
 * The section: the drawing, each cut numbered, and a table of the cuts by number (labels beside the
 * circles overlap where lines bunch); the user, when located within the slice's length, as a pin at
 * the ground at their place along it, with how far they stand off it.
 */
export function renderSection(model: SiteModel, plane: SlicePlane, lines: readonly SiteLine[], scheme: ColourScheme, t: SiteT, user: SectionUser | null = null): HTMLElement {
  const outlines = model.volumes.flatMap((v) => sliceVolume(plane, v));
  const cuts = sectionCuts(plane, lines);
  const zones = lines.map((l) => ({ line: l, outlines: zoneCuts(plane, l) })).filter((z) => z.outlines.length > 0);
  const zs = [model.groundZ, ...outlines.flat().map(([, z]) => z), ...cuts.map((c) => c.z), ...zones.flatMap((z) => z.outlines.flat().map(([, zz]) => zz))];
  const zTop = model.groundZ + 1, zBottom = Math.min(...zs) - 0.5;
  const drawnUser = user && Math.abs(user.s) <= plane.halfLength ? user : null;
  const ss = [...outlines.flat().map(([s]) => s), ...cuts.map((c) => c.s), ...(drawnUser ? [drawnUser.s] : [])];
  const sHalf = Math.max(2, ...ss.map((s) => Math.abs(s) + 1.5));
  const k = Math.min((W - 2 * PAD) / (2 * sHalf), (MAX_H - 2 * PAD) / (zTop - zBottom));
  const H = Math.ceil(2 * PAD + (zTop - zBottom) * k);
  const x = (s: number) => W / 2 + s * k, y = (z: number) => PAD + (zTop - z) * k;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': t('site.section') });
  svg.append(el('rect', { x: 0, y: 0, width: W, height: H, fill: '#1b2026' }));
  // The ground and a tick every metre below it.
  svg.append(el('line', { x1: 0, x2: W, y1: y(model.groundZ), y2: y(model.groundZ), stroke: '#a1887f', 'stroke-width': 2 }));
  svg.append(el('text', { x: 4, y: y(model.groundZ) - 4, fill: '#d7ccc8', 'font-size': 11 }, t('site.ground', { z: model.groundZ.toFixed(2) })));
  for (let d = 1; model.groundZ - d >= zBottom; d++) {
    svg.append(el('line', { x1: 0, x2: 8, y1: y(model.groundZ - d), y2: y(model.groundZ - d), stroke: '#bcd' }));
    svg.append(el('text', { x: 10, y: y(model.groundZ - d) + 4, fill: '#bcd', 'font-size': 10 }, t('site.metres', { m: d })));
  }
  for (const o of outlines) {
    svg.append(el('polygon', { points: o.map(([s, z]) => `${x(s)},${y(z)}`).join(' '), fill: 'rgba(255,255,255,0.18)', stroke: '#fff', 'stroke-width': 1.5, 'data-dig': '' }));
  }
  for (const { line, outlines: zoneOutlines } of zones) {
    const g = el('g', { 'data-zone': line.key, 'data-verdict': line.row!.verdict });
    for (const o of zoneOutlines) {
      g.append(el('polygon', {
        points: o.map(([s, z]) => `${x(s)},${y(z)}`).join(' '), fill: 'none',
        stroke: VERDICT_COLOURS[line.row!.verdict], 'stroke-width': 1.5, 'stroke-dasharray': '4 3',
      }));
    }
    svg.append(g);
  }
  if (drawnUser) {
    const ux = x(drawnUser.s), gy = y(model.groundZ);
    const pin = el('g', { id: 'site-section-user', 'data-s': drawnUser.s.toFixed(2) });
    pin.append(el('polygon', { points: `${ux},${gy} ${ux - 7},${gy - 14} ${ux + 7},${gy - 14}`, fill: '#2979ff', stroke: '#fff' }));
    pin.append(el('text', { x: ux + 9, y: gy - 6, fill: '#82b1ff', 'font-size': 11 }, t('site.sectionUser', { off: Math.abs(drawnUser.off).toFixed(1) })));
    svg.append(pin);
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const k of ['#', t('col.line'), t('col.verdict'), t('site.depthTop'), t('site.tolerance')]) head.append(Object.assign(document.createElement('th'), { textContent: k }));
  const body = table.createTBody();
  cuts.forEach((c, i) => {
    const { line } = c, sec = line.link.section, row = line.row;
    const g = el('g', { 'data-key': line.key, 'data-link-id': row?.linkId ?? line.link.id, ...(row ? { 'data-verdict': row.verdict } : {}) });
    const fill = css(utilityColour(scheme, line.link.utility));
    g.append(sec.shape === 'circular'
      ? el('circle', { cx: x(c.s), cy: y(c.z), r: Math.max(1.5, (sec.diameterMm / 2000) * k), fill })
      : el('rect', { x: x(c.s) - (sec.widthMm / 2000) * k, y: y(c.z) - (sec.heightMm / 2000) * k, width: (sec.widthMm / 1000) * k, height: (sec.heightMm / 1000) * k, fill }));
    g.append(el('text', { x: x(c.s) + 4, y: y(c.z) - 4, fill: '#fff', 'font-size': 11, 'font-weight': 700 }, String(i + 1)));
    svg.append(g);
    const tr = body.insertRow();
    tr.dataset['linkId'] = row?.linkId ?? line.link.id;
    const depth = c.topDepth === null ? t('site.depthUnknown') : t('site.metres', { m: c.topDepth.toFixed(2) });
    for (const text of [String(i + 1), `${t(`utility.${line.link.utility}`)} ${row?.linkId ?? line.link.id}`, row ? t(`verdict.${row.verdict}`) : '—', depth, row ? t('site.metres', { m: row.tolerance.toFixed(2) }) : '—']) {
      tr.insertCell().textContent = text;
    }
  });
  const box = document.createElement('div');
  box.append(svg, cuts.length ? table : Object.assign(document.createElement('div'), { className: 'status', textContent: t('site.noCuts') }));
  return box;
}
