/** What a person sees when they tap a line: its attributes and per-vertex depths, lon/lat for display. */
import { lonLatTransform, type LocalFrame } from '../../core/crs';
import { VERTEX_STRIDE, coverAt, vertexCount, type Link } from '../../core/model';
import type { LinkDetails } from '../../protocol/apiTypes';


export function linkDetails(link: Link, frame: LocalFrame): LinkDetails {
  const toLonLat = lonLatTransform(frame).fromLocal;
  const vertices: LinkDetails['vertices'] = [];
  let lengthM = 0;
  for (let i = 0; i < vertexCount(link); i++) {
    const o = i * VERTEX_STRIDE;
    const x = link.vertices[o]!, y = link.vertices[o + 1]!, z = link.vertices[o + 2]!;
    const [lon, lat] = toLonLat(x, y);
    vertices.push({ lon, lat, x, y, z, ground: link.vertices[o + 3]!, cover: coverAt(link, i) });
    if (i > 0) {
      const p = vertices[i - 1]!;
      lengthM += Math.hypot(x - p.x, y - p.y, z - p.z);
    }
  }
  return {
    id: link.id, utility: link.utility, subtype: link.subtype, owner: link.owner, material: link.material,
    section: link.section, pressureClass: link.pressureClass, installYear: link.installYear,
    qualityLevel: link.qualityLevel, status: link.status, street: link.street, vertices, lengthM,
  };
}
