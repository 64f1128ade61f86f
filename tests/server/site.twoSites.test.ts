/**
 * The dig-site view for a contractor with two accepted sites on one long main, from a real server:
 * the layers route numbers the main's stretches over both sites (`id`, `id#2`) before dropping the
 * one outside the bbox asked for, so the second site's view is sent only `id#2`; it must still carry
 * the screening's row (src/site/siteModel.ts siteLines), not be drawn as "not listed" (review14).
 */
import { expect, it, afterAll } from 'vitest';
import displayJson from '../../data/rules/display.json';
import { VERTEX_STRIDE, type Link } from '../../src/core/model';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import type { DigScreening } from '../../src/core/digScreening';
import { decodeLayer, type LayerPayload } from '../../src/protocol/layerPayload';
import type { PermitDetail } from '../../src/protocol/permitApi';
import { screenedWorks, siteLines, siteModel } from '../../src/site/siteModel';
import { squareAround, startPermitsHarness, type PermitsHarness } from './permitsHarness';

let h: PermitsHarness;
afterAll(async () => { await h?.dispose(); });

function lengthOf(l: Link): number {
  let s = 0; const v = l.vertices;
  for (let o = VERTEX_STRIDE; o < v.length; o += VERTEX_STRIDE) s += Math.hypot(v[o]! - v[o - VERTEX_STRIDE]!, v[o + 1]! - v[o - VERTEX_STRIDE + 1]!);
  return s;
}
/** The point `d` m along the line. */
function at(l: Link, d: number): { x: number; y: number } {
  const v = l.vertices;
  for (let o = VERTEX_STRIDE; o < v.length; o += VERTEX_STRIDE) {
    const ax = v[o - VERTEX_STRIDE]!, ay = v[o - VERTEX_STRIDE + 1]!, len = Math.hypot(v[o]! - ax, v[o + 1]! - ay);
    if (d <= len) return { x: ax + (d / len) * (v[o]! - ax), y: ay + (d / len) * (v[o + 1]! - ay) };
    d -= len;
  }
  throw new Error('beyond');
}

it('a contractor with two sites on one main: the second site\'s view', async () => {
  h = await startPermitsHarness(shanghaiTime('2026-03-09', 9));
  const version = h.store.currentVersion()!.version;
  const line = h.store.links({ utility: 'water' }).sort((a, b) => lengthOf(b) - lengthOf(a))[0]!;
  const L = lengthOf(line);
  const A = at(line, 20), B = at(line, Math.min(L - 20, 320));
  for (const c of [A, B]) {
    const p = await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', {
      title: 'Valve pit', workKinds: ['water'], startDate: '2026-03-10', endDate: '2026-03-20', method: 'open-cut',
      contact: { name: 'Site lead', phone: '+86 138 1111 2222' },
      works: { footprint: squareAround(h, c.x, c.y, 2), depth: 3, ruleSetId: 'cn-gb50289', groundElevation: null }, submit: true,
    });
    expect(p.status).toBe(201);
    expect((await h.as('dispatcher', 'POST', `/api/permits/${p.body.id}/actions`, { action: 'accept' })).status).toBe(200);
  }
  const footprint = squareAround(h, B.x, B.y, 2);
  const screen = await h.as<DigScreening>('contractor-a', 'POST', '/api/screenings', { footprint, depth: 3, ruleSetId: 'cn-gb50289', groundElevation: null });
  expect(screen.status).toBe(200);
  const row = screen.body.lines.find((l) => l.linkId === line.id)!;
  const model = siteModel(h.store.frame()!, screenedWorks(screen.body, { footprint, depth: 3 }), screen.body.notifyDistance, displayJson.siteMarginM.value);
  const r = await h.as<LayerPayload>('contractor-a', 'GET', `/api/network/${version}/layers/water?bbox=${model.lonLatBox.join(',')}`);
  const { lines, unseen } = siteLines(model, decodeLayer(r.body), screen.body.lines);
  const drawn = lines.filter((l) => l.link.id.startsWith(line.id));
  expect(drawn.length).toBeGreaterThan(0);
  expect(drawn.every((l) => l.row?.verdict === row.verdict)).toBe(true);
  expect(unseen.map((u) => u.linkId)).not.toContain(line.id);
}, 180_000);
