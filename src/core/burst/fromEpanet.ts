/**
 * An EPANET network (epanet.ts) and its valve layer (valveLayer.ts) as burst-graph input.
 *
 * - Reservoirs become 'source' nodes, tanks 'tank' nodes, junctions 'junction' nodes.
 * - Pipes, pumps and valves all become links, as in WNTR's graph (so segment partitions match
 *   WNTR's); pumps and valve links have length 0. Link initial status is not topology: a pump or a
 *   pipe that starts closed still joins its nodes (controls open them). To model a closed valve,
 *   give it in the valve layer with normally_open=false.
 * - Isolation valves in the network itself: an EPANET valve link whose type is in
 *   `isolationValveTypes` (TCV by default, the usual way to model a gate valve) becomes the pair
 *   (that link, its Node1): the valve link joins the segment on its Node2 side and the valve
 *   separates it from Node1's segment, which is exactly a valve between the two nodes. It is
 *   normally closed when its initial status ([STATUS]) is CLOSED.
 * - Coordinates are reprojected from the given EPSG code into the project frame (../crs.ts), or
 *   taken as they are with `'local'` (already local metres, or a schematic such as EPANET's
 *   examples). Nodes without coordinates get NaN positions.
 *
 * EPANET has no depths and no customer classes: valve depths are unknown and no customer counts
 * come from an EPANET file.
 */
import { transformBetween, type LocalFrame } from '../crs';
import type { EpanetNetwork } from './epanet';
import type { WaterGraphInput, WaterLinkInput, WaterNodeInput, WaterValveInput } from './graph';
import { FileIssues } from './networkFileError';
import type { ValveLayerRow } from './valveLayer';

export const DEFAULT_ISOLATION_VALVE_TYPES: readonly string[] = ['TCV'];

export interface EpanetGraphOptions {
  coordinates: { crs: string; frame: LocalFrame } | 'local';
  valveLayer?: readonly ValveLayerRow[];
  isolationValveTypes?: readonly string[];
}

export function waterGraphInputFromEpanet(network: EpanetNetwork, options: EpanetGraphOptions): WaterGraphInput {
  const toLocal = options.coordinates === 'local'
    ? (x: number, y: number): [number, number] => [x, y]
    : transformBetween(options.coordinates.crs, options.coordinates.frame).toLocal;
  const position = new Map<string, { x: number; y: number }>();
  for (const [id, c] of network.coordinates) {
    const [x, y] = toLocal(c.x, c.y);
    position.set(id, { x, y });
  }
  const at = (id: string) => position.get(id) ?? { x: NaN, y: NaN };

  const kindOf = { junction: 'junction', reservoir: 'source', tank: 'tank' } as const;
  const nodes: WaterNodeInput[] = network.nodes.map((n) => ({ id: n.id, kind: kindOf[n.kind], ...at(n.id) }));
  const links: WaterLinkInput[] = network.links.map((l) => {
    const a = at(l.node1), b = at(l.node2);
    return { id: l.id, from: l.node1, to: l.node2, startX: a.x, startY: a.y, endX: b.x, endY: b.y, length: l.length, diameter: l.diameter };
  });

  const valves: WaterValveInput[] = [];
  const isolationTypes = options.isolationValveTypes ?? DEFAULT_ISOLATION_VALVE_TYPES;
  for (const l of network.links) {
    if (l.kind !== 'valve' || !isolationTypes.includes(l.valveType ?? '')) continue;
    valves.push({ id: l.id, link: l.id, node: l.node1, normallyOpen: l.status !== 'CLOSED', operable: true, ...at(l.node1), depth: null });
  }

  const issues = new FileIssues(50);
  const byId = new Map(network.links.map((l) => [l.id, l]));
  for (const row of options.valveLayer ?? []) {
    const link = byId.get(row.link);
    if (!link) { issues.add(null, row.line, `link "${row.link}" is not in the network`); continue; }
    if (row.node !== link.node1 && row.node !== link.node2) {
      issues.add(null, row.line, `node "${row.node}" is not an end of link "${row.link}" (${link.node1}, ${link.node2})`);
      continue;
    }
    valves.push({ id: row.id, link: row.link, node: row.node, normallyOpen: row.normallyOpen, operable: row.operable, ...at(row.node), depth: null });
  }
  issues.throwIfAny('Valve layer');
  return { nodes, links, valves };
}
