/**
 * The junction of every system at every street corner: water junctions (a supply source where the
 * city is fed from outside), gas and district-energy junctions, cable manholes, and the corner
 * manholes of the gravity networks (outfalls where they discharge).
 */
import type { NodeType } from '../model';
import type { CityPlan } from './cityPlan';
import type { NodeRecord } from './features';
import { junctionId } from './mainLinks';
import { SYSTEM_CODES, SYSTEMS, type SystemCode } from './systems';

function junctionType(plan: CityPlan, node: number, code: SystemCode): NodeType {
  switch (code) {
    case 'water': return plan.waterSources.has(node) ? 'source' : 'junction';
    case 'sewer': return plan.sewer.outfalls.has(node) ? 'outfall' : 'manhole';
    case 'storm': return plan.storm.outfalls.has(node) ? 'outfall' : 'manhole';
    case 'power':
    case 'power_hv':
    case 'telecom': return 'manhole';
    default: return 'junction';
  }
}

export function cornerNodes(plan: CityPlan, node: number): NodeRecord[] {
  const out: NodeRecord[] = [];
  for (const code of SYSTEM_CODES) {
    const at = plan.junction(node, code);
    const corner = plan.corner(node, code);
    if (!at || !corner) continue;
    out.push({
      id: junctionId(code, node), nodeType: junctionType(plan, node, code), utility: SYSTEMS[code].utility, at,
      street: plan.chainOf(corner.trunkEdges[0]!).name,
    });
  }
  return out;
}
