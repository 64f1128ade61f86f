/**
 * All features of one street block, in the order lines must be placed: gravity lines first (they
 * were graded city-wide), then the mains from the most rigid to the most flexible, then what crosses
 * the street: sewer laterals and gully connections (gravity), then water and gas services and
 * hydrant laterals, each yielding to everything placed before it.
 * Cable duct banks are split at cable manholes every 60–90 m.
 */
import { gasMain, gasServices } from './gas';
import type { CityPlan } from './cityPlan';
import { clearRun } from './corners';
import { gravityLinks, gullyConnections, sewerLaterals } from './drains';
import { layOutFrontage } from './frontage';
import type { Vertex3 } from './geometry';
import { emitMain, type Fitting, type StreetOutput } from './mainLinks';
import { criticalCustomerName } from './names';
import { rngFor, uniform } from './random';
import type { StreetEdge } from './streetGraph';
import { SYSTEMS, YIELD_ORDER, type SystemCode } from './systems';
import { waterMain, waterServices } from './water';

const CABLE_MANHOLE_SPACING_M: readonly [number, number] = [60, 90];
/** District-energy pairs isolate where three or more mains meet, as gas does. */
const BRANCH_DEGREE = 3;

function cableManholes(plan: CityPlan, edge: StreetEdge, code: SystemCode): Fitting[] {
  const r = rngFor(plan.seed, 'cable-manholes', code, edge.id);
  const [from, to] = clearRun(plan.graph, edge);
  const out: Fitting[] = [];
  for (let c = from + uniform(r, 20, 50); c < to; c += uniform(r, CABLE_MANHOLE_SPACING_M[0], CABLE_MANHOLE_SPACING_M[1])) {
    out.push({ c, id: `${SYSTEMS[code].prefix}M${edge.id}-${out.length}`, nodeType: 'manhole' });
  }
  return out;
}

export function streetFeatures(plan: CityPlan, edge: StreetEdge, critical: { count: number }): StreetOutput {
  const out: StreetOutput = { links: [], nodes: [], obstacles: [] };
  const frontage = layOutFrontage(plan, edge);
  if (edge.id === plan.centralEdge && frontage.parcels[0] && !frontage.parcels.some((p) => p.customerClass === 'critical')) {
    frontage.parcels[0].customerClass = 'critical';
  }
  for (const parcel of frontage.parcels) {
    if (parcel.customerClass === 'critical') parcel.name = criticalCustomerName(critical.count++);
  }
  const storm = plan.storm.lines.get(edge.id);
  const sewer = plan.sewer.lines.get(edge.id);
  if (storm) gravityLinks(plan, storm, out);
  if (sewer) gravityLinks(plan, sewer, out);

  let waterTaps = new Map<string, Vertex3>();
  let gasTaps = new Map<string, Vertex3>();
  for (const code of YIELD_ORDER) {
    if (!plan.carries(edge.id, code)) continue;
    switch (code) {
      case 'water': waterTaps = waterMain(plan, edge, frontage, out); break;
      case 'gas': gasTaps = gasMain(plan, edge, frontage, out); break;
      case 'power':
      case 'power_hv':
      case 'telecom': emitMain(plan, edge, code, cableManholes(plan, edge, code), out, () => false); break;
      case 'heat_supply':
      case 'heat_return':
        emitMain(plan, edge, code, [], out, (node) => (plan.corner(node, code)?.pieces.size ?? 0) >= BRANCH_DEGREE);
        break;
      case 'water_old': emitMain(plan, edge, code, [], out, () => false); break;
      case 'sewer':
      case 'storm': break;
    }
  }
  sewerLaterals(plan, edge, frontage, out);
  gullyConnections(plan, edge, frontage, out);
  if (plan.carries(edge.id, 'water')) waterServices(plan, edge, frontage, waterTaps, out);
  if (plan.carries(edge.id, 'gas')) gasServices(plan, edge, frontage, gasTaps, out);
  return out;
}
