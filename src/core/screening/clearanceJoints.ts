/**
 * Which of the network's lines are one network joined at a node, for the clearance report
 * (clearanceCheck.ts): lines of one utility sharing an end node id, with end points within the
 * table's joints.toleranceM in 3D, or with an end within that tolerance of the other line's outline
 * (a tee onto a main not split there, common in real GIS data). Such pairs are not clearances when
 * the table's joints.exemptJoinedLines is true (as shipped).
 */
import type Flatbush from 'flatbush';
import { VERTEX_STRIDE, type UtilityType } from '../model';
import type { ClearanceLink } from './clearanceCheck';
import { LinkPairSlots } from './clearancePairs';
import type { SegmentTable } from './segmentTable';

/**
 * Link pairs that are one network joined at a node: same utility, and a shared end node id, end
 * points within `tol` (3D), or an end within `tol` of the other line's outline (exact radius; a tee
 * onto a main not split there). Returns the pairs and how many were joined by a tee only.
 */
export function connectedPairs(links: readonly ClearanceLink[], t: SegmentTable, index: Flatbush | null, exactRadius: Float64Array, tol: number): { pairs: LinkPairSlots; tees: number } {
  const out = new LinkPairSlots();
  // One map per utility: node ids are only compared within a utility.
  const byNode = new Map<UtilityType, Map<string, number | number[]>>();
  const join = (node: string | null, li: number, nodes: Map<string, number | number[]>): void => {
    if (node === null) return;
    const seen = nodes.get(node);
    if (seen === undefined) {
      nodes.set(node, li);
    } else if (typeof seen === 'number') {
      out.add(seen, li);
      nodes.set(node, [seen, li]);
    } else {
      for (const other of seen) out.add(other, li);
      seen.push(li);
    }
  };
  links.forEach((l, li) => {
    let nodes = byNode.get(l.utility);
    if (!nodes) byNode.set(l.utility, (nodes = new Map()));
    join(l.fromNode, li, nodes);
    if (l.toNode !== l.fromNode) join(l.toNode, li, nodes);
  });

  // Ends sorted by x, then a sweep over the ones within the tolerance in x.
  let ends = 0;
  for (const l of links) ends += Math.min(2, Math.floor(l.vertices.length / VERTEX_STRIDE));
  const link = new Uint32Array(ends), xs = new Float64Array(ends), ys = new Float64Array(ends), zs = new Float64Array(ends);
  let e = 0;
  links.forEach((l, li) => {
    const count = Math.floor(l.vertices.length / VERTEX_STRIDE);
    for (let k = 0; k < Math.min(2, count); k++) {
      const o = k === 0 ? 0 : (count - 1) * VERTEX_STRIDE;
      const x = l.vertices[o]!, y = l.vertices[o + 1]!, z = l.vertices[o + 2]!;
      if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) {
        link[e] = li; xs[e] = x; ys[e] = y; zs[e] = z; e++;
      }
    }
  });
  const order = new Uint32Array(e);
  for (let k = 0; k < e; k++) order[k] = k;
  order.sort((p, q) => xs[p]! - xs[q]!);
  for (let m = 0; m < e; m++) {
    const a = order[m]!;
    const la = link[a]!;
    for (let n = m + 1; n < e; n++) {
      const b = order[n]!;
      if (xs[b]! - xs[a]! > tol) break;
      const lb = link[b]!;
      if (lb === la || links[lb]!.utility !== links[la]!.utility) continue;
      if (Math.hypot(xs[b]! - xs[a]!, ys[b]! - ys[a]!, zs[b]! - zs[a]!) <= tol) out.add(la, lb);
    }
  }

  // Tees: an end within tol of a segment's outline (3D distance to its axis ≤ exact radius + tol).
  let tees = 0;
  if (index !== null) {
    const c = t.coords, linkOf = t.linkOfSegment;
    // Each segment's box in the index already holds its outline (radius rounded up): an end within tol of the outline is within tol of the box.
    const pad = tol + 1e-6;
    for (let k = 0; k < e; k++) {
      const la = link[k]!, x = xs[k]!, y = ys[k]!, z = zs[k]!;
      const u = links[la]!.utility;
      index.search(x - pad, y - pad, x + pad, y + pad, (j) => {
        const lb = linkOf[j]!;
        if (lb === la || links[lb]!.utility !== u || out.get(la, lb) >= 0) return false;
        const o = j * 6;
        const vx = c[o + 3]! - c[o]!, vy = c[o + 4]! - c[o + 1]!, vz = c[o + 5]! - c[o + 2]!;
        const vv = vx * vx + vy * vy + vz * vz;
        let s = vv > 0 ? ((x - c[o]!) * vx + (y - c[o + 1]!) * vy + (z - c[o + 2]!) * vz) / vv : 0;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        if (Math.hypot(c[o]! + s * vx - x, c[o + 1]! + s * vy - y, c[o + 2]! + s * vz - z) <= exactRadius[lb]! + tol) {
          out.add(la, lb);
          tees++;
        }
        return false;
      });
    }
  }
  return { pairs: out, tees };
}
