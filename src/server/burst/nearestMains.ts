/**
 * The water mains nearest a located point: an R*Tree query on a square of the rules table's radius
 * around it, then the exact plan distance to each main's centreline. Only lines in the trace graph
 * (water, in service) are offered, so whichever the dispatcher picks can be traced.
 */
import { segSegDist2 } from '../../core/screening/segmentSegment';
import { VERTEX_STRIDE, type Link } from '../../core/model';
import type { NearbyMain } from '../../protocol/burstApi';
import type { NetworkStore } from '../storage/networkStore';
import type { BurstNetwork } from './burstNetwork';

/** Plan distance from (x, y) to a link's centreline, m. */
function planDistance(link: Link, x: number, y: number): number {
  const v = link.vertices;
  let best = Infinity;
  for (let o = VERTEX_STRIDE; o < v.length; o += VERTEX_STRIDE) {
    best = Math.min(best, segSegDist2(v[o - VERTEX_STRIDE]!, v[o - VERTEX_STRIDE + 1]!, 0, v[o]!, v[o + 1]!, 0, x, y, 0, x, y, 0));
  }
  return Math.sqrt(best);
}

export function nearestMains(store: NetworkStore, net: BurstNetwork, x: number, y: number, radius: number, count: number): NearbyMain[] {
  const candidates = store.links({ utility: 'water', bbox: { minX: x - radius, minY: y - radius, maxX: x + radius, maxY: y + radius } });
  return candidates
    .filter((l) => l.subtype === 'main' && net.linkIndex.has(l.id))
    .map((l) => ({
      linkId: l.id, distance: Math.round(planDistance(l, x, y) * 100) / 100, street: l.street, subtype: l.subtype,
      diameterMm: l.section.shape === 'circular' ? l.section.diameterMm : null,
    }))
    .filter((m) => m.distance <= radius)
    .sort((a, b) => a.distance - b.distance || (a.linkId < b.linkId ? -1 : 1))
    .slice(0, count);
}
