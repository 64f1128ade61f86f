/**
 * Each network answer as a viewer may have it (access.json):
 *   'all' + restricted     the whole answer; what restricted assets it carries is audited
 *   'all', no restricted   restricted links and nodes cut out (a link's details: 404 as if absent)
 *   'sites'                only the stretches of lines within the sites (siteClip.ts); restricted
 *                          ones too when the role has `restricted`, audited
 * Screening answers are never cut: a dig's screening lists every line it strikes (safety first);
 * restricted lines in them are audited; only the network's segment count goes, for a role that may
 * not know the network's size (NetworkAccess.screeningAnswer). Per-version answers for 'all' are encoded once and kept; the
 * network reports come encoded both ways from their job (networkReports.ts).
 */
import { lonLatTransform } from '../../core/crs';
import { VERTEX_STRIDE, type Link, type NetworkNode, type UtilityType } from '../../core/model';
import type { LinkDetails, NetworkSummary } from '../../protocol/apiTypes';
import { encodeLayer, encodeNodes, type LayerPayload, type NodePayload } from '../../protocol/layerPayload';
import { linkDetails } from '../api/linkDetails';
import { HttpError, encodeJson, type Encoded } from '../http/respond';
import type { NetworkCache } from '../networkCache';
import type { NetworkReportKind, NetworkReports } from '../networkReports';
import type { NetworkStore, Rect } from '../storage/networkStore';
import type { NetworkAccess, Viewer } from './networkAccess';
import { assetsIn, filterLayer, filterNodes } from './payloadFilter';
import { pieceId } from '../../protocol/accessApi';
import { clipToSites, nodeInSites, sitesExtent } from './siteClip';

type LonLatBox = [number, number, number, number];

const parsed = <T>(e: Encoded): T => JSON.parse(e.body.toString('utf8')) as T;

export class ViewerAnswers {
  private version = -1;
  private readonly kept = new Map<string, { encoded: Encoded; assets: string[] }>();

  constructor(private readonly access: NetworkAccess, private readonly store: NetworkStore, private readonly cache: NetworkCache, private readonly reports: NetworkReports) {}

  /** An answer for 'all' viewers, made once per network version. */
  private keep(key: string, make: () => { encoded: Encoded; assets: string[] }): { encoded: Encoded; assets: string[] } {
    const v = this.store.currentVersion()?.version ?? -1;
    if (v !== this.version) {
      this.kept.clear();
      this.version = v;
    }
    let k = this.kept.get(key);
    if (!k) this.kept.set(key, (k = make()));
    return k;
  }

  private get set() {
    return this.access.restricted.get();
  }

  layer(viewer: Viewer, utility: UtilityType, bbox: LonLatBox | null): Encoded {
    const restricted = this.set.links;
    if (viewer.grant.network === 'sites') {
      const { links, assets } = this.clippedLinks(viewer, utility, bbox);
      this.access.record(viewer, assets);
      return encodeJson(encodeLayer(this.set.version, utility, this.store.frame()!, links));
    }
    if (viewer.grant.restricted) {
      const e = bbox ? this.cache.layerInArea(utility, bbox) : this.cache.layer(utility);
      this.access.record(viewer, bbox ? parsed<LayerPayload>(e).ids.filter((id) => restricted.has(id)) : this.set.linkIds.get(utility) ?? []);
      return e;
    }
    const general = (e: Encoded) => encodeJson(filterLayer(parsed<LayerPayload>(e), (id) => !restricted.has(id)));
    if (bbox) return general(this.cache.layerInArea(utility, bbox));
    return this.keep(`layer:${utility}`, () => ({ encoded: general(this.cache.layer(utility)), assets: [] })).encoded;
  }

  /**
   * The network's summary as this viewer may have it (NetworkAccess.summary). For a 'sites' viewer
   * the counts are those of what it may load, the stretches and fittings within its sites, not the
   * city's: a contractor learns nothing of the network beyond its sites, not even its size.
   */
  summary(viewer: Viewer, base: NetworkSummary): NetworkSummary {
    const summary = this.access.summary(viewer, base);
    if (viewer.grant.network !== 'sites') return summary;
    let segments = 0;
    const layers = base.layers.map((l) => {
      const { links } = this.clippedLinks(viewer, l.utility, null);
      for (const link of links) segments += link.vertices.length / VERTEX_STRIDE - 1;
      return { utility: l.utility, links: links.length, nodes: this.siteNodes(viewer, l.utility).length };
    });
    return {
      ...summary, layers, segments,
      links: layers.reduce((n, l) => n + l.links, 0), nodes: layers.reduce((n, l) => n + l.nodes, 0),
    };
  }

  /** The fittings within a 'sites' viewer's sites (restricted ones only when its role may see them). */
  private siteNodes(viewer: Viewer, utility: UtilityType): NetworkNode[] {
    const extent = sitesExtent(viewer.sites);
    const restricted = this.set.nodes;
    return extent ? this.store.nodes({ utility, bbox: extent }).filter((n) => nodeInSites(n, viewer.sites) && (viewer.grant.restricted || !restricted.has(n.id))) : [];
  }

  nodes(viewer: Viewer, utility: UtilityType): Encoded {
    const restricted = this.set.nodes;
    if (viewer.grant.network === 'sites') {
      const nodes = this.siteNodes(viewer, utility);
      this.access.record(viewer, nodes.filter((n) => restricted.has(n.id)).map((n) => n.id));
      return encodeJson(encodeNodes(this.set.version, utility, nodes));
    }
    if (viewer.grant.restricted) {
      this.access.record(viewer, this.set.nodeIds.get(utility) ?? []);
      return this.cache.nodes(utility);
    }
    return this.keep(`nodes:${utility}`, () => ({ encoded: encodeJson(filterNodes(parsed<NodePayload>(this.cache.nodes(utility)), (id) => !restricted.has(id))), assets: [] })).encoded;
  }

  /** A link's details; a clipped stretch ('id#2') for a 'sites' viewer; 404 as if absent when the viewer may not see it. */
  link(viewer: Viewer, id: string): LinkDetails {
    const absent = () => new HttpError(404, 'unknown_link', `no link with id "${id}"`, 'id');
    const m = viewer.grant.network === 'sites' ? /^(.+?)(?:#(\d{1,6}))?$/.exec(id) : null;
    const link = this.store.link(m ? m[1]! : id);
    if (!link) throw absent();
    const isRestricted = this.set.links.has(link.id);
    if (isRestricted && !viewer.grant.restricted) throw absent();
    let shown: Link = link;
    if (m) {
      const pieces = clipToSites(link.vertices, viewer.sites);
      const k = m[2] ? Number(m[2]) - 1 : 0;
      if (k < 0 || k >= pieces.length || pieceId(link.id, k) !== id) throw absent();
      shown = { ...link, id, vertices: pieces[k]! };
    }
    if (isRestricted) this.access.record(viewer, [link.id]);
    return linkDetails(shown, this.store.frame()!);
  }

  /**
   * A network report: whole for a role with `restricted` (the restricted lines it names audited), else
   * without them. Both copies come ready from the reports' job (networkReports.ts), cut from the
   * same snapshot's lines, so nothing is parsed or encoded here. 503/404/500 as NetworkReports.report.
   */
  report(viewer: Viewer, kind: NetworkReportKind, version: number): Encoded {
    const answer = this.reports.report(kind, version);
    if (!viewer.grant.restricted) return answer.general;
    this.access.record(viewer, answer.assets);
    return answer.all;
  }

  /**
   * A screening answer: its lines never cut (every line the dig strikes stays); restricted lines in it
   * are audited. A viewer who may not know the network's size gets it without (`screeningAnswer`).
   */
  screening<T>(viewer: Viewer, answer: T): T {
    this.access.record(viewer, assetsIn(answer, this.set.links));
    return this.access.screeningAnswer(viewer.grant, answer);
  }

  /** The stretches of the layer's lines within the viewer's sites (and within `bbox` when given). */
  private clippedLinks(viewer: Viewer, utility: UtilityType, bbox: LonLatBox | null): { links: Link[]; assets: string[] } {
    const extent = sitesExtent(viewer.sites);
    if (!extent) return { links: [], assets: [] };
    const restricted = this.set.links;
    const area = bbox ? this.localRect(bbox) : null;
    const links: Link[] = [];
    const assets = new Set<string>();
    for (const link of this.store.links({ utility, bbox: extent })) {
      const isRestricted = restricted.has(link.id);
      if (isRestricted && !viewer.grant.restricted) continue;
      clipToSites(link.vertices, viewer.sites).forEach((vertices, i) => {
        if (area && !meets(vertices, area)) return;
        links.push({ ...link, id: pieceId(link.id, i), vertices });
        if (isRestricted) assets.add(link.id);
      });
    }
    return { links, assets: [...assets] };
  }

  private localRect([w, s, e, n]: LonLatBox): Rect {
    const toLocal = lonLatTransform(this.store.frame()!).toLocal;
    const corners = [toLocal(w, s), toLocal(e, s), toLocal(e, n), toLocal(w, n)];
    return {
      minX: Math.min(...corners.map((c) => c[0])), maxX: Math.max(...corners.map((c) => c[0])),
      minY: Math.min(...corners.map((c) => c[1])), maxY: Math.max(...corners.map((c) => c[1])),
    };
  }
}

/** Whether a vertex array's plan extent meets a rectangle. */
function meets(v: Float64Array, r: Rect): boolean {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let o = 0; o < v.length; o += VERTEX_STRIDE) {
    minX = Math.min(minX, v[o]!); maxX = Math.max(maxX, v[o]!);
    minY = Math.min(minY, v[o + 1]!); maxY = Math.max(maxY, v[o + 1]!);
  }
  return minX <= r.maxX && maxX >= r.minX && minY <= r.maxY && maxY >= r.minY;
}
