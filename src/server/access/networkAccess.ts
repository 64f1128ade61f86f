/**
 * The one enforcement point for network reads (DESIGN.md Security, access.json). `gate` runs first
 * for every API request: a network route without a session is 401, a role with network 'none' is
 * 403, a contractor ('sites') asking for a whole-network view (reports, tiles, burst) is 403, and a
 * restricted tileset for a role without `restricted` is 403. The viewer it resolves is then used by
 * the answers (viewerAnswers.ts) to cut what the role may not see and to audit what it may.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lonLatTransform } from '../../core/crs';
import { UTILITY_TYPES } from '../../core/model';
import type { PermitState, Role } from '../../core/permits/workflowRules';
import type { AccessSummary, TilesetRef } from '../../protocol/accessApi';
import type { NetworkSummary } from '../../protocol/apiTypes';
import { isWorkList, type PermitWorks } from '../../protocol/permitApi';
import { HttpError } from '../http/respond';
import type { UserRow } from '../permits/accounts';
import type { NetworkStore } from '../storage/networkStore';
import { RESTRICTED_SUFFIX, parseTilesetName } from '../tiles/tileCache';
import { tilePathOf } from '../tiles/tileRoutes';
import type { AccessRules, RoleGrant } from './accessRules';
import type { AuditLog } from './auditLog';
import { assetsIn, withoutAssets, withoutNetworkSize } from './payloadFilter';
import { RestrictedAssets } from './restrictedAssets';
import { sitesExtent, type SiteArea, type XY } from './siteClip';

/** Who signs people in: the permits module (src/server/permits/permitsModule.ts). */
export interface SessionSource {
  userOf(req: IncomingMessage, res: ServerResponse, url: URL): UserRow | null;
  unitWorks(unitId: string, states: readonly PermitState[]): PermitWorks[];
}

export interface Viewer {
  user: UserRow;
  role: Role;
  grant: RoleGrant;
  /** 'METHOD /path' as asked, for the audit. */
  route: string;
  /** A 'sites' viewer's sites in the local frame; empty for 'all'. */
  sites: SiteArea[];
}

/** Every network read. Anything else (health, sign-in, permits, the public receipt page) is not gated here. */
const NETWORK_ROUTES = [/^\/api\/network(\/|$)/, /^\/api\/links\//, /^\/api\/tiles\//, /^\/api\/screenings$/, /^\/api\/rules$/, /^\/api\/burst\//];
/** Views of the whole network: a 'sites' role never gets them. */
const WHOLE_NETWORK_ROUTES = [/^\/api\/network\/[^/]+\/reports\//, /^\/api\/tiles\//, /^\/api\/burst\//];

export class NetworkAccess {
  readonly restricted: RestrictedAssets;
  private readonly viewers = new WeakMap<IncomingMessage, Viewer>();

  constructor(private readonly store: NetworkStore, private readonly sessions: SessionSource, readonly rules: AccessRules, readonly audit: AuditLog) {
    this.restricted = new RestrictedAssets(store, rules);
  }

  /** The viewer of a network read (401/403 as above); null when the route is not a network read. */
  gate(req: IncomingMessage, res: ServerResponse, url: URL): Viewer | null {
    const path = url.pathname;
    if (!NETWORK_ROUTES.some((r) => r.test(path))) return null;
    const user = this.sessions.userOf(req, res, url);
    if (!user) throw new HttpError(401, 'unauthenticated', 'sign in to see the network');
    const grant = this.rules.roles[user.role];
    if (grant.network === 'none') throw new HttpError(403, 'forbidden', `the network is not open to the role ${user.role}`);
    if (grant.network === 'sites' && WHOLE_NETWORK_ROUTES.some((r) => r.test(path))) {
      throw new HttpError(403, 'forbidden', `${path.split('/').slice(0, 3).join('/')}/… shows the whole network; as ${user.role} you see the network around your own sites`);
    }
    const tile = tilePathOf(path);
    if (tile && parseTilesetName(tile.tileset)?.restricted && !grant.restricted) {
      throw new HttpError(403, 'forbidden', `restricted assets are not shown to the role ${user.role}`, 'utility');
    }
    const viewer: Viewer = { user, role: user.role, grant, route: `${req.method} ${path}`, sites: grant.network === 'sites' ? this.sitesOf(user) : [] };
    if (req.method === 'POST' && path === '/api/screenings') this.takeScreening(user, viewer.route, res);
    this.viewers.set(req, viewer);
    return viewer;
  }

  /**
   * A screening asked by `user` (POST /api/screenings, or applying for / editing a permit): a 'sites'
   * role is held to access.json screenings.perHourForSites (429 with Retry-After past it), because a
   * screening shows every line near the dig, wherever the dig is.
   */
  takeScreening(user: UserRow, route: string, res?: ServerResponse): void {
    if (this.rules.roles[user.role].network !== 'sites') return;
    const limit = this.rules.screeningsPerHourForSites;
    const wait = this.audit.takeScreening(user.id, user.username, route, limit);
    if (wait === 0) return;
    res?.setHeader('Retry-After', String(wait));
    throw new HttpError(429, 'too_many_screenings', `as ${user.role} you may screen ${limit} digs an hour; try again in ${Math.ceil(wait / 60)} min`);
  }

  /**
   * A permit answer (its stored screenings may carry restricted lines): audited like a screening, its
   * lines never cut; returned as `screeningAnswer` gives it to the user's role.
   */
  permitAnswer(user: UserRow, route: string, answer: unknown): unknown {
    const { links, nodes } = this.restricted.get();
    const ids = [...assetsIn(answer, links), ...assetsIn(answer, nodes)];
    const grant = this.rules.roles[user.role];
    this.record({ user, role: user.role, grant, route, sites: [] }, ids);
    return this.screeningAnswer(grant, answer);
  }

  /**
   * A screening answer as a role gets it: whole with `restricted` and the whole network; otherwise
   * without the network's segment count (`withoutNetworkSize`: a count over every line, which the
   * general summary does not give) and, without `restricted`, without restricted ids among the
   * unscreenable lines.
   */
  screeningAnswer<T>(grant: RoleGrant, answer: T): T {
    if (grant.restricted && grant.network === 'all') return answer;
    return withoutNetworkSize(answer, grant.restricted ? new Set() : this.restricted.get().links);
  }

  /** The viewer `gate` resolved for this request (modules answering network reads call it). */
  viewerOf(req: IncomingMessage): Viewer {
    const v = this.viewers.get(req);
    if (!v) throw new Error('network access: the request did not pass the gate');
    return v;
  }

  /** Records a view of restricted assets; nothing when `assetIds` is empty and the view is not of a restricted tileset. */
  record(viewer: Viewer, assetIds: readonly string[], always = false): void {
    if (assetIds.length === 0 && !always) return;
    const version = this.store.currentVersion()?.version ?? -1;
    this.audit.record({ userId: viewer.user.id, username: viewer.user.username, role: viewer.role, route: viewer.route, networkVersion: version, assetIds });
  }

  /** A burst answer (trace, incident, search hits): restricted lines and fittings cut for roles without `restricted`, else audited. */
  burstAnswer<T>(req: IncomingMessage, answer: T): T {
    const viewer = this.viewerOf(req);
    const { links, nodes } = this.restricted.get();
    const out = viewer.grant.restricted ? answer : withoutAssets(withoutAssets(answer, links), nodes);
    this.record(viewer, [...assetsIn(out, links), ...assetsIn(out, nodes)]);
    return out;
  }

  /** The works of the viewer's unit's active permits, grown by the site radius, in the local frame. */
  private sitesOf(user: UserRow): SiteArea[] {
    const frame = this.store.frame();
    if (!frame || !user.unit_id) return [];
    const toLocal = lonLatTransform(frame).toLocal;
    const local = (pts: readonly (readonly number[])[]): XY[] => pts.map((p) => toLocal(p[0]!, p[1]!));
    const radius = this.rules.sites.radiusM;
    return this.sessions.unitWorks(user.unit_id, this.rules.sites.states).map((works): SiteArea => {
      if (!isWorkList(works)) return { rings: [local(works.footprint)], paths: [], radius };
      const site: SiteArea = { rings: [], paths: [], radius };
      for (const w of works.works) {
        if (w.kind === 'open_cut') site.rings.push(local(w.footprint));
        else if (w.kind === 'trench') site.paths.push(local(w.centreLine));
        else if (w.kind === 'piles') site.paths.push(...w.points.map((p) => local([p])));
        else {
          site.paths.push(local(w.path));
          for (const pit of [w.entryPit, w.exitPit]) if (pit) site.rings.push(local(pit.footprint));
        }
      }
      return site;
    });
  }

  private lonLatExtent(sites: readonly SiteArea[]): [number, number, number, number] | null {
    const r = sitesExtent(sites);
    const frame = this.store.frame();
    if (!r || !frame) return null;
    const fromLocal = lonLatTransform(frame).fromLocal;
    const corners = [fromLocal(r.minX, r.minY), fromLocal(r.maxX, r.minY), fromLocal(r.maxX, r.maxY), fromLocal(r.minX, r.maxY)];
    return [Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))];
  }

  /** The summary with what this viewer may load: its grant and the tilesets to open. */
  summary(viewer: Viewer, base: NetworkSummary): NetworkSummary {
    const { grant } = viewer;
    const tiles = grant.network === 'all';
    const access: AccessSummary = {
      role: viewer.role, network: grant.network === 'sites' ? 'sites' : 'all', restricted: grant.restricted, tiles,
      sites: viewer.sites.length, siteRadiusM: grant.network === 'sites' ? this.rules.sites.radiusM : null, siteExtent: this.lonLatExtent(viewer.sites),
    };
    const set = this.restricted.get();
    const tilesets: TilesetRef[] = [];
    if (tiles) {
      for (const layer of base.layers) {
        const restrictedLinks = set.linkIds.get(layer.utility)?.length ?? 0;
        const url = (name: string) => `/api/tiles/${base.version}/${name}/`;
        if (layer.links > restrictedLinks) tilesets.push({ utility: layer.utility, restricted: false, url: url(layer.utility) });
        if (grant.restricted && restrictedLinks > 0) tilesets.push({ utility: layer.utility, restricted: true, url: url(`${layer.utility}${RESTRICTED_SUFFIX}`) });
      }
    }
    const sorted = tilesets.sort((a, b) => UTILITY_TYPES.indexOf(a.utility) - UTILITY_TYPES.indexOf(b.utility));
    if (grant.restricted) return { ...base, access, tilesets: sorted };
    // Counts as this viewer's layers hold them: restricted lines, their segments and fittings left out (a count over every line would tell how many restricted ones there are).
    const layers = base.layers.map((l) => ({ ...l, links: l.links - (set.linkIds.get(l.utility)?.length ?? 0), nodes: l.nodes - (set.nodeIds.get(l.utility)?.length ?? 0) }));
    return { ...base, links: base.links - set.links.size, nodes: base.nodes - set.nodes.size, segments: base.segments - set.segments, layers, access, tilesets: sorted };
  }
}
