/**
 * The dig-site view's meshes are never smaller than what was screened (src/site/siteMeshes.ts,
 * review14): a listed line's tolerance zone, from a real screening (DigScreener, data/rules), holds
 * every point the screening counts as within its tolerance (distance to the axis ≤ toleranceRadius:
 * a capsule per segment), between the facets' corners, at the bends and past the line's ends; and a
 * faceted bore capsule holds the true one. Containment is tested in each mesh's own geometry: a
 * point is inside a convex mesh when it lies behind every triangle's plane.
 */
import { readFileSync } from 'node:fs';
import { BufferGeometry, CapsuleGeometry, Matrix4, Mesh, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { COLOUR_SCHEMES } from '../../src/core/colours';
import { lonLatTransform, type LocalFrame } from '../../src/core/crs';
import { DigScreener, type ScreenableLink } from '../../src/core/digScreening';
import { VERTEX_STRIDE } from '../../src/core/model';
import { toleranceRadius } from '../../src/core/site/siteGeometry';
import { SiteFrame } from '../../src/site/siteFrame';
import { facetScale, lineMeshes } from '../../src/site/siteMeshes';
import { screenedWorks, siteLines, siteModel } from '../../src/site/siteModel';

const frame: LocalFrame = { originLon: 113.3, originLat: 23.1 };
const { fromLocal } = lonLatTransform(frame);
const rules = JSON.parse(readFileSync(new URL('../../data/rules/screening.json', import.meta.url), 'utf8')) as unknown;

/** Behind every triangle's plane of `geometry` (outward-facing, counter-clockwise), within `eps`. */
function insideGeometry(geometry: BufferGeometry, p: Vector3, eps = 1e-7): boolean {
  const pos = geometry.getAttribute('position'), index = geometry.getIndex();
  const count = index ? index.count : pos.count;
  const at = (i: number) => new Vector3().fromBufferAttribute(pos, index ? index.getX(i) : i);
  for (let t = 0; t + 2 < count; t += 3) {
    const a = at(t), b = at(t + 1), c = at(t + 2);
    const n = new Vector3().crossVectors(b.clone().sub(a), c.clone().sub(a));
    if (n.lengthSq() < 1e-18) continue;
    if (n.normalize().dot(p.clone().sub(a)) > eps) return false;
  }
  return true;
}

/** Inside a zone mesh: its geometry's own frame; an open cylinder also between its end rings. */
function insideMesh(m: Mesh, p: Vector3): boolean {
  m.updateMatrix();
  const q = p.clone().applyMatrix4(new Matrix4().copy(m.matrix).invert());
  const g = m.geometry as BufferGeometry & { type: string };
  if (g.type === 'CylinderGeometry' && Math.abs(q.y) > 0.5 + 1e-9) return false;
  return insideGeometry(g, q);
}

describe('the tolerance zone as drawn', () => {
  it('holds every point the screening counts as within the tolerance: between facets, at the bend and past the ends', () => {
    // A gas main with a bend, struck by a pit.
    const main: ScreenableLink = {
      id: 'G1', utility: 'gas', owner: 'City Gas', qualityLevel: 'B', section: { shape: 'circular', diameterMm: 600 },
      vertices: Float64Array.from([-6, -1, 8.5, 10, 2, 0, 8.3, 10, 5, 6, 8.6, 10]),
    };
    const s = new DigScreener(rules);
    s.load([main], frame, 1);
    const footprint = [fromLocal(-3, -3), fromLocal(3, -3), fromLocal(3, 3), fromLocal(-3, 3)] as [number, number][];
    const result = s.screen({ footprint, depth: 3, groundElevation: 10, ruleSetId: 'cn-gb50289' });
    const model = siteModel(frame, screenedWorks(result, { footprint, depth: 3 }), result.notifyDistance, 5);
    const { lines } = siteLines(model, [main], result.lines);
    const line = lines[0]!;
    expect(line.row?.verdict).toBe('STRIKE');
    const r = toleranceRadius(main.section, line.row!.tolerance);
    const siteFrame = new SiteFrame(0, 0, 10);
    const zones = lineMeshes(siteFrame, lines, COLOUR_SCHEMES[0]).pickable.filter((m) => m.userData['zone']);
    const v = line.link.vertices, n = v.length / VERTEX_STRIDE;
    const vertex = (i: number) => new Vector3(v[i * VERTEX_STRIDE]!, v[i * VERTEX_STRIDE + 1]!, v[i * VERTEX_STRIDE + 2]!);
    let checked = 0;
    const missed: string[] = [];
    const check = (p: Vector3, what: string): void => {
      checked++;
      const rel = siteFrame.rel(p.x, p.y, p.z);
      if (!zones.some((m) => insideMesh(m, rel)) && missed.length < 5) missed.push(`${what} (${p.x.toFixed(3)}, ${p.y.toFixed(3)}, ${p.z.toFixed(3)})`);
    };
    // Points at distance r·(1 − 1e-9) from the axis: around each segment (at 64 angles, so between
    // the 16 facets' corners), and on a sphere about each vertex (the bend, and the two ends' caps).
    const shrink = r * (1 - 1e-9);
    for (let i = 0; i + 1 < n; i++) {
      const a = vertex(i), b = vertex(i + 1), d = b.clone().sub(a).normalize();
      const e1 = new Vector3().crossVectors(d, new Vector3(0, 0, 1)).normalize(), e2 = new Vector3().crossVectors(d, e1);
      for (const t of [0.1, 0.5, 0.9]) for (let k = 0; k < 64; k++) {
        const ang = (2 * Math.PI * k) / 64;
        check(a.clone().lerp(b, t).addScaledVector(e1, shrink * Math.cos(ang)).addScaledVector(e2, shrink * Math.sin(ang)), `segment ${i} at ${t}`);
      }
    }
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 24; k++) for (let j = 1; j < 12; j++) {
        const az = (2 * Math.PI * k) / 24, el = Math.PI * (j / 12 - 0.5);
        check(vertex(i).add(new Vector3(Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)).multiplyScalar(shrink)), `about vertex ${i}`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(missed).toEqual([]);
  });

  it('widens a faceted round shape so that its facets hold the true one (a bore leg’s capsule)', () => {
    const ends = [new Vector3(0, -0.5, 0), new Vector3(0, 0.5, 0)];
    const k = facetScale(new CapsuleGeometry(1, 1, 4, 16), ends);
    expect(k).toBeGreaterThan(1);
    const drawn = new CapsuleGeometry(k, 1, 4, 16);
    // The true unit capsule's surface, just inside: around the body and over both caps.
    for (let a = 0; a < 48; a++) {
      const az = (2 * Math.PI * a) / 48;
      for (const y of [-0.5, -0.2, 0.3, 0.5]) expect(insideGeometry(drawn, new Vector3(Math.cos(az) * 0.999999, y, Math.sin(az) * 0.999999)), `body ${a} ${y}`).toBe(true);
      for (let j = 1; j < 10; j++) {
        const el = (Math.PI / 2) * (j / 10), c = Math.cos(el) * 0.999999, s = Math.sin(el) * 0.999999;
        expect(insideGeometry(drawn, new Vector3(c * Math.cos(az), 0.5 + s, c * Math.sin(az))), `cap ${a} ${j}`).toBe(true);
        expect(insideGeometry(drawn, new Vector3(c * Math.cos(az), -0.5 - s, c * Math.sin(az))), `cap ${a} ${-j}`).toBe(true);
      }
    }
    // Without the widening the true capsule pokes through its facets: halfway between two corners
    // (at multiples of 22.5° about the axis) of the body.
    const thin = new CapsuleGeometry(1, 1, 4, 16), mid = Math.PI / 16;
    expect(insideGeometry(thin, new Vector3(Math.sin(mid) * 0.9999, 0, Math.cos(mid) * 0.9999))).toBe(false);
    expect(insideGeometry(drawn, new Vector3(Math.sin(mid) * 0.9999, 0, Math.cos(mid) * 0.9999))).toBe(true);
  });
});
