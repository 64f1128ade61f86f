/**
 * Which of the network's lines are one network joined at a node, for the clearance report
 * (clearanceCheck.ts): lines of one utility sharing an end node id where those ends meet in plan
 * (the data's own topology), or, from geometry alone, lines of one system (same utility, owner and pressure class: `sameSystem`)
 * with end points within the table's joints.toleranceM in 3D, or with an end inside the other
 * line's pipe or duct (within joints.toleranceM of its inscribed circle: a tee onto a main not split
 * there, common in real GIS data). Such pairs are not clearances when the table's
 * joints.exemptJoinedLines is true (as shipped), so the geometric joins are kept narrow: a line that
 * merely ends near another (over a wide culvert, beside a main of another pressure class or owner,
 * a reclaimed-water line on a potable main) is not joined and is checked (review 13).
 */
import type Flatbush from 'flatbush';
import { boundingRadius, inscribedRadius, VERTEX_STRIDE } from '../model';
import type { ClearanceLink } from './clearanceCheck';
import { LinkPairSlots } from './clearancePairs';
import type { SegmentTable } from './segmentTable';

/**
 * Lines that geometry alone may join: one utility, one owner, one pressure class (both unknown
 * counts as one). A low-pressure service cannot be teed straight onto a high-pressure main, and
 * another owner's line ending on a main is not part of its network.
 */
function sameSystem(a: ClearanceLink, b: ClearanceLink): boolean {
  return a.utility === b.utility && a.owner === b.owner && a.pressureClass === b.pressureClass;
}

/**
 * Link pairs that are one network joined at a node: same utility and a shared end node id at ends
 * that meet in plan (within `tol` + both bounding radii); or one
 * system (`sameSystem`) and end points within `tol` (3D), or an end within `tol` of the circle
 * inscribed in the other line's section (a tee onto a main not split there). Returns the pairs and
 * how many were joined by a tee only.
 */
export function connectedPairs(links: readonly ClearanceLink[], t: SegmentTable, index: Flatbush | null, tol: number): { pairs: LinkPairSlots; tees: number } {
  const out = new LinkPairSlots();
  const insideRadius = Float64Array.from(links, (l) => inscribedRadius(l.section));
  // Node ids, one map per utility. An id joins two lines only where their ends that carry it meet in
  // plan: within tol of each other's outline (tol + both bounding radii apart). Not in 3D: at a
  // manhole a lateral drops in above the main (the sample city's gully connections end 1.4 m over
  // theirs). Two owners' data can reuse an id for different places; such lines are not one network
  // and are checked (review 13).
  const byNode = new Map<string, Map<string, number[]>>();
  const endAt = (l: ClearanceLink, last: boolean): [number, number] => {
    const o = last ? (Math.floor(l.vertices.length / VERTEX_STRIDE) - 1) * VERTEX_STRIDE : 0;
    return [l.vertices[o]!, l.vertices[o + 1]!];
  };
  const meet = (li: number, liLast: boolean, lj: number, ljLast: boolean): boolean => {
    const [ax, ay] = endAt(links[li]!, liLast), [bx, by] = endAt(links[lj]!, ljLast);
    // NaN (a non-finite end) compares false: not joined, so checked.
    return Math.hypot(ax - bx, ay - by) <= tol + boundingRadius(links[li]!.section) + boundingRadius(links[lj]!.section);
  };
  const join = (node: string | null, li: number, last: boolean, nodes: Map<string, number[]>): void => {
    if (node === null || links[li]!.vertices.length < VERTEX_STRIDE) return;
    const code = 2 * li + (last ? 1 : 0);
    const seen = nodes.get(node);
    if (seen === undefined) { nodes.set(node, [code]); return; }
    for (const other of seen) {
      const lj = other >> 1;
      if (lj !== li && meet(li, last, lj, (other & 1) === 1)) out.add(lj, li);
    }
    seen.push(code);
  };
  links.forEach((l, li) => {
    let nodes = byNode.get(l.utility);
    if (!nodes) byNode.set(l.utility, (nodes = new Map()));
    join(l.fromNode, li, false, nodes);
    if (l.toNode !== l.fromNode) join(l.toNode, li, true, nodes);
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
      if (lb === la || !sameSystem(links[la]!, links[lb]!)) continue;
      if (Math.hypot(xs[b]! - xs[a]!, ys[b]! - ys[a]!, zs[b]! - zs[a]!) <= tol) out.add(la, lb);
    }
  }

  // Tees: an end within tol of the circle inscribed in a segment's section (3D distance to its axis ≤
  // inscribed radius + tol). Not the outline's bounding circle: half a rectangular duct's diagonal
  // reaches past its faces, and an end 0.6 m over a 2 m × 0.5 m culvert was joined to it and the pair
  // exempted along its whole length (review 13).
  let tees = 0;
  if (index !== null) {
    const c = t.coords, linkOf = t.linkOfSegment;
    // Each segment's box in the index already holds its outline (radius rounded up): an end within tol of the outline is within tol of the box.
    const pad = tol + 1e-6;
    for (let k = 0; k < e; k++) {
      const la = link[k]!, x = xs[k]!, y = ys[k]!, z = zs[k]!;
      const a = links[la]!;
      index.search(x - pad, y - pad, x + pad, y + pad, (j) => {
        const lb = linkOf[j]!;
        if (lb === la || !sameSystem(a, links[lb]!) || out.get(la, lb) >= 0) return false;
        const o = j * 6;
        const vx = c[o + 3]! - c[o]!, vy = c[o + 4]! - c[o + 1]!, vz = c[o + 5]! - c[o + 2]!;
        const vv = vx * vx + vy * vy + vz * vz;
        let s = vv > 0 ? ((x - c[o]!) * vx + (y - c[o + 1]!) * vy + (z - c[o + 2]!) * vz) / vv : 0;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        if (Math.hypot(c[o]! + s * vx - x, c[o + 1]! + s * vy - y, c[o + 2]! + s * vz - z) <= insideRadius[lb]! + tol) {
          out.add(la, lb);
          tees++;
        }
        return false;
      });
    }
  }
  return { pairs: out, tees };
}
