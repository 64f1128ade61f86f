/**
 * The water network of one network version, ready for traces: the graph and its valve
 * segmentation (built once per version, the costly part), and what a dispatcher reads beside the
 * engine's indices: streets, sizes, lon/lat, heights for drawing.
 */
import { lonLatTransform, type LocalFrame } from '../../core/crs';
import { buildWaterGraph, segmentValves, waterGraphInputFromModel, type ValveSegmentation, type WaterGraph } from '../../core/burst';
import { VERTEX_STRIDE, type Link, type NetworkNode } from '../../core/model';
import type { NetworkStore } from '../storage/networkStore';

export interface BurstNetwork {
  version: number;
  frame: LocalFrame;
  sourceCrs: string;
  graph: WaterGraph;
  segmentation: ValveSegmentation;
  linkIndex: Map<string, number>;
  valveIndex: Map<string, number>;
  /** Water links in the graph, by link index. */
  links: Link[];
  /** Water nodes by id (valves, hydrants, service connections…). */
  nodes: Map<string, NetworkNode>;
  toLonLat(x: number, y: number): [number, number];
  toLocal(lon: number, lat: number): [number, number];
  /** Milliseconds to read, build and segment. */
  buildMs: number;
}

function buildBurstNetwork(store: NetworkStore, version: number): BurstNetwork {
  const t = performance.now();
  const frame = store.frame()!;
  const waterLinks = store.links({ utility: 'water' });
  const waterNodes = store.nodes({ utility: 'water' });
  const { graph } = buildWaterGraph(waterGraphInputFromModel(waterLinks, waterNodes).input);
  const segmentation = segmentValves(graph);
  const byId = new Map(waterLinks.map((l) => [l.id, l]));
  const links = graph.linkIds.map((id) => byId.get(id)!);
  const linkIndex = new Map(graph.linkIds.map((id, i) => [id, i]));
  const valveIndex = new Map(graph.valveIds.map((id, i) => [id, i]));
  const nodes = new Map(waterNodes.map((n) => [n.id, n]));
  const { fromLocal: toLonLat, toLocal } = lonLatTransform(frame);
  return {
    version, frame, sourceCrs: store.currentVersion()!.sourceCrs, graph, segmentation, linkIndex, valveIndex, links, nodes,
    toLonLat, toLocal, buildMs: performance.now() - t,
  };
}

/** lon, lat, height relative to ground per vertex: how the viewer places a line (cityViewer.ts). */
export function displayPositions(link: Link, toLonLat: (x: number, y: number) => [number, number]): number[] {
  const v = link.vertices;
  const out: number[] = [];
  for (let o = 0; o < v.length; o += VERTEX_STRIDE) {
    const [lon, lat] = toLonLat(v[o]!, v[o + 1]!);
    out.push(lon, lat, Math.round((v[o + 2]! - v[o + 3]!) * 1000) / 1000);
  }
  return out;
}

/** One BurstNetwork per network version: a new import is picked up at the next request. */
export class BurstNetworkCache {
  private current: BurstNetwork | null = null;

  constructor(private readonly store: NetworkStore) {}

  get(): BurstNetwork {
    // One read: the graph stamped with a version is built from that version's pipes and valves.
    return this.store.readConsistent(() => {
      const v = this.store.currentVersion();
      if (!v) throw new Error('no network has been imported');
      if (this.current?.version !== v.version) this.current = buildBurstNetwork(this.store, v.version);
      return this.current;
    });
  }
}
