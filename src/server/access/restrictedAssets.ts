/**
 * Which links and nodes are restricted asset classes (access.json restrictedClasses): gas in a
 * restricted GB 50028 pressure class, power at or above the restricted voltage, and the fittings of
 * those lines. Computed once per network version.
 */
import { VERTEX_STRIDE, type Link, type NetworkNode, type UtilityType } from '../../core/model';
import type { NetworkStore } from '../storage/networkStore';
import type { AccessRules } from './accessRules';

/** '110kV', '220 kV', '0.4kV' → kilovolts; null when the class is not a voltage. */
export function voltageKv(pressureClass: string | null): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*kV\s*$/i.exec(pressureClass ?? '');
  return m ? Number(m[1]) : null;
}

export function isRestrictedLink(link: Pick<Link, 'utility' | 'pressureClass'>, rules: AccessRules): boolean {
  if (link.utility === 'gas') return link.pressureClass !== null && rules.gasPressureClasses.includes(link.pressureClass);
  if (link.utility === 'power') {
    const kv = voltageKv(link.pressureClass);
    return kv !== null && kv >= rules.minPowerVoltageKv;
  }
  return false;
}

export interface RestrictedSet {
  version: number;
  links: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
  /** Segments of the restricted lines (vertices − 1 each, as the version's summary counts them). */
  segments: number;
  /** Restricted link ids and node ids per layer (what a whole layer's answer carries). */
  linkIds: ReadonlyMap<UtilityType, readonly string[]>;
  nodeIds: ReadonlyMap<UtilityType, readonly string[]>;
}

function groupIds<T extends { id: string; utility: UtilityType }>(items: readonly T[], keep: ReadonlySet<string>): Map<UtilityType, string[]> {
  const out = new Map<UtilityType, string[]>();
  for (const x of items) {
    if (!keep.has(x.id)) continue;
    let list = out.get(x.utility);
    if (!list) out.set(x.utility, (list = []));
    list.push(x.id);
  }
  return out;
}

/** A node is restricted when it sits on a restricted line or a restricted line starts or ends at it. */
export function restrictedNodes(links: readonly Link[], nodes: readonly NetworkNode[], restrictedLinks: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const l of links) {
    if (!restrictedLinks.has(l.id)) continue;
    if (l.fromNode) out.add(l.fromNode);
    if (l.toNode) out.add(l.toNode);
  }
  for (const n of nodes) if (n.link !== null && restrictedLinks.has(n.link)) out.add(n.id);
  return out;
}

export class RestrictedAssets {
  private current: RestrictedSet | null = null;

  constructor(private readonly store: NetworkStore, private readonly rules: AccessRules) {}

  get(): RestrictedSet {
    // One read: the set stamped with a version is made of that version's lines and fittings.
    return this.store.readConsistent(() => this.read());
  }

  private read(): RestrictedSet {
    const v = this.store.currentVersion();
    if (!v) return { version: -1, links: new Set(), nodes: new Set(), segments: 0, linkIds: new Map(), nodeIds: new Map() };
    if (this.current?.version === v.version) return this.current;
    const links = this.store.links();
    const nodes = this.store.nodes();
    const restricted = new Set(links.filter((l) => isRestrictedLink(l, this.rules)).map((l) => l.id));
    const restrictedNodeIds = restrictedNodes(links, nodes, restricted);
    let segments = 0;
    for (const l of links) if (restricted.has(l.id)) segments += l.vertices.length / VERTEX_STRIDE - 1;
    this.current = {
      version: v.version, links: restricted, nodes: restrictedNodeIds, segments, linkIds: groupIds(links, restricted), nodeIds: groupIds(nodes, restrictedNodeIds),
    };
    return this.current;
  }
}
