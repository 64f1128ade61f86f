/**
 * Per-version caches over the network store: encoded layer payloads (immutable per version, so
 * encoded and compressed once) and the extent of the network in lon/lat.
 */
import { lonLatTransform } from '../core/crs';
import { UTILITY_TYPES, VERTEX_STRIDE, type UtilityType } from '../core/model';
import { encodeLayer, encodeNodes } from '../protocol/layerPayload';
import { encodeJson, type Encoded } from './http/respond';
import type { NetworkStore, NetworkVersion } from './storage/networkStore';
import type { NetworkSummary } from '../protocol/apiTypes';


/** Each public read runs as one read of the store (readConsistent): its version, frame and lines agree. */
export class NetworkCache {
  private version = -1;
  private readonly layers = new Map<string, Encoded>();
  private summaryValue: NetworkSummary | null = null;

  constructor(private readonly store: NetworkStore) {}

  private current(): NetworkVersion {
    const v = this.store.currentVersion();
    if (!v) throw new Error('no network has been imported');
    if (v.version !== this.version) {
      this.layers.clear();
      this.summaryValue = null;
      this.version = v.version;
    }
    return v;
  }

  hasNetwork(): boolean {
    return this.store.currentVersion() !== null;
  }

  summary(): NetworkSummary {
    return this.store.readConsistent(() => {
      const v = this.current();
      if (this.summaryValue) return this.summaryValue;
      const frame = this.store.frame()!;
      const counts = this.store.countsByUtility();
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const l of this.store.links()) {
        for (let o = 0; o < l.vertices.length; o += VERTEX_STRIDE) {
          const x = l.vertices[o]!, y = l.vertices[o + 1]!;
          if (x < minX) minX = x; if (x > maxX) maxX = x;
          if (y < minY) minY = y; if (y > maxY) maxY = y;
        }
      }
      const toLonLat = lonLatTransform(frame).fromLocal;
      const [w, s] = toLonLat(minX, minY);
      const [e, n] = toLonLat(maxX, maxY);
      this.summaryValue = {
        version: v.version, importedAt: v.importedAt, sourceCrs: v.sourceCrs, verticalDatum: v.verticalDatum, frame,
        extent: [w, s, e, n], links: v.links, nodes: v.nodes, segments: v.segments,
        layers: UTILITY_TYPES.filter((u) => counts[u]).map((u) => ({ utility: u, links: counts[u]!.links, nodes: counts[u]!.nodes })),
      };
      return this.summaryValue;
    });
  }

  layer(utility: UtilityType): Encoded {
    return this.store.readConsistent(() => {
      const v = this.current();
      const key = `links:${utility}`;
      let e = this.layers.get(key);
      if (!e) {
        e = encodeJson(encodeLayer(v.version, utility, this.store.frame()!, this.store.links({ utility })));
        this.layers.set(key, e);
      }
      return e;
    });
  }

  /**
   * The lines of a layer whose extent meets a lon/lat rectangle (R*Tree query on the local frame).
   * Not cached: areas are many; the client asks for an area when it needs one, not per frame.
   */
  layerInArea(utility: UtilityType, area: [number, number, number, number]): Encoded {
    return this.store.readConsistent(() => {
      const v = this.current();
      const frame = this.store.frame()!;
      const toLocal = lonLatTransform(frame).toLocal;
      const [w, s, e, n] = area;
      // The four corners: a lon/lat rectangle is not a rectangle in the frame, so take their extent.
      const corners = [toLocal(w, s), toLocal(e, s), toLocal(e, n), toLocal(w, n)];
      const bbox = {
        minX: Math.min(...corners.map((c) => c[0])), maxX: Math.max(...corners.map((c) => c[0])),
        minY: Math.min(...corners.map((c) => c[1])), maxY: Math.max(...corners.map((c) => c[1])),
      };
      return encodeJson(encodeLayer(v.version, utility, frame, this.store.links({ utility, bbox })));
    });
  }

  nodes(utility: UtilityType): Encoded {
    return this.store.readConsistent(() => {
      const v = this.current();
      const key = `nodes:${utility}`;
      let e = this.layers.get(key);
      if (!e) {
        e = encodeJson(encodeNodes(v.version, utility, this.store.nodes({ utility })));
        this.layers.set(key, e);
      }
      return e;
    });
  }
}
