/**
 * The wire format of one utility layer, as the HTTP API sends it to the client and the client hands
 * it (transferred, not copied) to the screening worker. Columnar so it packs small and converts
 * into typed arrays without walking objects. Lengths in centimetres (integers compress well),
 * relative to the project's local frame (see core/crs.ts).
 */
import type { LocalFrame } from '../core/crs';
import type { ScreenableLink } from '../core/digScreening';
import { VERTEX_STRIDE, type CrossSection, type Link, type NetworkNode, type QualityLevel, type UtilityType } from '../core/model';

export interface LayerPayload {
  version: number;
  utility: UtilityType;
  frame: LocalFrame;
  ids: string[];
  subtypes: string[];
  owners: string[];
  quality: (QualityLevel | null)[];
  /** Circular sections: diameter; rectangular: 0 and width/height set. mm. */
  diameterMm: number[];
  widthMm: number[];
  heightMm: number[];
  vertexCounts: number[];
  /** x, y, z (centreline elevation), ground per vertex, cm. */
  xyzg: number[];
}

export interface NodePayload {
  version: number;
  utility: UtilityType;
  ids: string[];
  nodeTypes: string[];
  /** x, y, z, ground per node, cm. */
  xyzg: number[];
}

const CM = 100;

export function encodeLayer(version: number, utility: UtilityType, frame: LocalFrame, links: readonly Link[]): LayerPayload {
  const p: LayerPayload = {
    version, utility, frame, ids: [], subtypes: [], owners: [], quality: [], diameterMm: [], widthMm: [], heightMm: [], vertexCounts: [], xyzg: [],
  };
  for (const l of links) {
    p.ids.push(l.id);
    p.subtypes.push(l.subtype);
    p.owners.push(l.owner);
    p.quality.push(l.qualityLevel);
    const s = l.section;
    p.diameterMm.push(s.shape === 'circular' ? s.diameterMm : 0);
    p.widthMm.push(s.shape === 'rect' ? s.widthMm : 0);
    p.heightMm.push(s.shape === 'rect' ? s.heightMm : 0);
    p.vertexCounts.push(l.vertices.length / VERTEX_STRIDE);
    for (let i = 0; i < l.vertices.length; i++) p.xyzg.push(Math.round(l.vertices[i]! * CM));
  }
  return p;
}

export function encodeNodes(version: number, utility: UtilityType, nodes: readonly NetworkNode[]): NodePayload {
  const p: NodePayload = { version, utility, ids: [], nodeTypes: [], xyzg: [] };
  for (const n of nodes) {
    p.ids.push(n.id);
    p.nodeTypes.push(n.nodeType);
    p.xyzg.push(Math.round(n.x * CM), Math.round(n.y * CM), Math.round(n.z * CM), Math.round(n.ground * CM));
  }
  return p;
}


/** The geometry and screening attributes of each link; descriptive attributes stay on the server. */
export function decodeLayer(p: LayerPayload): ScreenableLink[] {
  const out: ScreenableLink[] = [];
  let v = 0;
  for (let i = 0; i < p.ids.length; i++) {
    const n = p.vertexCounts[i]! * VERTEX_STRIDE;
    const vertices = new Float64Array(n);
    for (let k = 0; k < n; k++) vertices[k] = p.xyzg[v + k]! / CM;
    v += n;
    const d = p.diameterMm[i]!;
    const section: CrossSection = d > 0 ? { shape: 'circular', diameterMm: d } : { shape: 'rect', widthMm: p.widthMm[i]!, heightMm: p.heightMm[i]! };
    out.push({ id: p.ids[i]!, utility: p.utility, owner: p.owners[i]!, qualityLevel: p.quality[i] ?? null, section, vertices });
  }
  return out;
}
