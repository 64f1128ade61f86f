/**
 * Our network model (../model.ts) as burst-graph input: the water links in service, the water
 * nodes that are not valves, and the valves as (link, node) pairs.
 *
 * A valve node names the link it sits on (`link`); the end it sits at is the end nearest to it
 * along that link (its position projected onto the centreline), as the sample city places them
 * 0.8–1.5 m from the fitting they isolate. Unknown valve states read as normal: `normallyOpen: null`
 * as open, `operable: null` as operable. Abandoned and proposed links carry no water and are left
 * out (counted in `excludedLinks`).
 */
import { VERTEX_STRIDE, type Link, type NetworkNode } from '../model';
import type { WaterGraphInput, WaterLinkInput, WaterNodeInput, WaterValveInput, WaterNodeKind } from './graph';

export interface ModelGraphInput {
  input: WaterGraphInput;
  /** Water links not in service, by status. */
  excludedLinks: { abandoned: number; proposed: number };
  /** Valve nodes that name no link: not usable for isolation (ids). */
  valvesWithoutLink: string[];
}

function kindOf(node: NetworkNode): WaterNodeKind {
  switch (node.nodeType) {
    case 'source': return 'source';
    case 'tank': return 'tank';
    case 'hydrant': return 'hydrant';
    case 'service_connection': return 'service_connection';
    default: return 'junction';
  }
}

/** Centreline length in 3D, m. */
function polylineLength(v: Float64Array): number {
  let length = 0;
  for (let o = VERTEX_STRIDE; o < v.length; o += VERTEX_STRIDE) {
    length += Math.hypot(v[o]! - v[o - VERTEX_STRIDE]!, v[o + 1]! - v[o + 1 - VERTEX_STRIDE]!, v[o + 2]! - v[o + 2 - VERTEX_STRIDE]!);
  }
  return length;
}

/** Plan distance along the link from its start to the point of the centreline nearest (x, y), m. */
function chainageOf(v: Float64Array, x: number, y: number): { at: number; total: number } {
  let best = Infinity, at = 0, walked = 0;
  for (let o = VERTEX_STRIDE; o < v.length; o += VERTEX_STRIDE) {
    const ax = v[o - VERTEX_STRIDE]!, ay = v[o + 1 - VERTEX_STRIDE]!, bx = v[o]!, by = v[o + 1]!;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2));
    const d2 = (ax + t * dx - x) ** 2 + (ay + t * dy - y) ** 2;
    const len = Math.sqrt(len2);
    if (d2 < best) { best = d2; at = walked + t * len; }
    walked += len;
  }
  return { at, total: walked };
}

/** Inner diameter for the volume: the diameter, or a rectangle's equal-area diameter, m. */
function diameterOf(link: Link): number {
  const s = link.section;
  return s.shape === 'circular' ? s.diameterMm / 1000 : Math.sqrt((4 * s.widthMm * s.heightMm) / Math.PI) / 1000;
}

export function waterGraphInputFromModel(links: readonly Link[], nodes: readonly NetworkNode[]): ModelGraphInput {
  const excludedLinks = { abandoned: 0, proposed: 0 };
  const linkInputs: WaterLinkInput[] = [];
  const byId = new Map<string, Link>();
  for (const link of links) {
    if (link.utility !== 'water') continue;
    if (link.status !== 'in_service') { excludedLinks[link.status]++; continue; }
    const v = link.vertices;
    const last = v.length - VERTEX_STRIDE;
    linkInputs.push({
      id: link.id, from: link.fromNode, to: link.toNode,
      startX: v[0]!, startY: v[1]!, endX: v[last]!, endY: v[last + 1]!,
      length: polylineLength(v), diameter: diameterOf(link),
    });
    if (!byId.has(link.id)) byId.set(link.id, link);
  }
  const nodeInputs: WaterNodeInput[] = [];
  const valves: WaterValveInput[] = [];
  const valvesWithoutLink: string[] = [];
  for (const node of nodes) {
    if (node.utility !== 'water') continue;
    if (node.nodeType !== 'valve') {
      nodeInputs.push({ id: node.id, kind: kindOf(node), x: node.x, y: node.y, customerClass: node.customerClass, name: node.name });
      continue;
    }
    if (node.link === null) { valvesWithoutLink.push(node.id); continue; }
    const on = byId.get(node.link);
    // A valve on a link that is not in the graph is passed on, so the builder reports it.
    const end = on ? (() => { const c = chainageOf(on.vertices, node.x, node.y); return c.at <= c.total / 2 ? 'from' : 'to'; })() : 'from';
    valves.push({
      id: node.id, link: node.link, end, normallyOpen: node.normallyOpen !== false, operable: node.operable !== false,
      x: node.x, y: node.y, depth: node.ground - node.z,
    });
  }
  return { input: { nodes: nodeInputs, links: linkInputs, valves }, excludedLinks, valvesWithoutLink };
}
