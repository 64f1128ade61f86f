/**
 * The server's screening: the same DigScreener as the browser's worker, over the store's current
 * network version. The client's answer is never trusted for a decision; this one is.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lonLatTransform } from '../core/crs';
import {
  DigScreener, isWorksRequest, validateDigRequest, validateWorksRequest, type DigScreening, type WorksScreening,
} from '../core/digScreening';
import { VERTEX_STRIDE } from '../core/model';
import { RulesError, validateScreeningRules, type ScreeningRules } from '../core/screening/rules';
import { screeningToGeoJson, worksToGeoJson, type ExportedScreening } from '../core/screeningExport';
import { ExcavationError } from '../core/screening/excavation';
import { HttpError } from './http/respond';
import type { NetworkStore } from './storage/networkStore';

export const RULES_FILE = resolve('data/rules/screening.json');

export class ScreeningService {
  private readonly rulesTable: unknown;
  /** Validated at start-up, not at the first request. */
  private readonly validRules: ScreeningRules;
  private screener: DigScreener | null = null;
  private readonly now: () => Date;

  constructor(private readonly store: NetworkStore, options: { rulesFile?: string; now?: () => Date } = {}) {
    this.rulesTable = JSON.parse(readFileSync(options.rulesFile ?? RULES_FILE, 'utf8'));
    this.validRules = validateScreeningRules(this.rulesTable);
    this.now = options.now ?? (() => new Date());
  }

  rules(): unknown {
    return this.rulesTable;
  }

  /**
   * The screener of the current network version. The version, frame and links are read in one
   * snapshot (NetworkStore.snapshot): read one by one, an import committed in between stamped one
   * version's number on another version's lines.
   */
  private current(): DigScreener {
    const version = this.store.currentVersion();
    if (!version) throw new HttpError(503, 'no_network', 'no network has been imported yet');
    if (!this.screener || this.screener.networkVersion !== version.version) {
      const snapshot = this.store.snapshot();
      if (!snapshot) throw new HttpError(503, 'no_network', 'no network has been imported yet');
      const screener = new DigScreener(this.rulesTable);
      screener.load(snapshot.links, snapshot.frame, snapshot.version.version);
      this.screener = screener;
    }
    return this.screener;
  }

  /** The same screening as a GeoJSON report with each work's and each line's geometry (lon, lat, elevation). */
  screenAsGeoJson(body: unknown): ExportedScreening {
    const result = this.screen(body);
    const toLonLat = lonLatTransform(this.store.frame()!).fromLocal;
    const geometryOf = (id: string): [number, number, number][] | null => {
      const link = this.store.link(id);
      if (!link) return null;
      const out: [number, number, number][] = [];
      for (let o = 0; o < link.vertices.length; o += VERTEX_STRIDE) {
        const [lon, lat] = toLonLat(link.vertices[o]!, link.vertices[o + 1]!);
        out.push([lon, lat, link.vertices[o + 2]!]);
      }
      return out;
    };
    if ('works' in result) return worksToGeoJson(validateWorksRequest(body, this.validRules), result, geometryOf, this.now());
    return screeningToGeoJson(validateDigRequest(body, this.validRules), result, geometryOf, this.now());
  }

  /**
   * Screens an untrusted request body; a bad field is a 400 that names it. Two shapes: one open cut
   * ({footprint, depth, …}: DigScreening) or several works of any kind ({works: […], …}: WorksScreening).
   */
  screen(body: unknown): DigScreening | WorksScreening {
    return this.run(body, (screener) => (isWorksRequest(body) ? screener.screenWorks(body) : screener.screen(body)));
  }

  /** Screens one open cut ({footprint, depth, …}), the shape a permit application stores. */
  screenOpenCut(body: unknown): DigScreening {
    return this.run(body, (screener) => screener.screen(body));
  }

  private run<T>(body: unknown, screen: (screener: DigScreener) => T): T {
    const screener = this.current();
    const asked = (body as { networkVersion?: unknown } | null)?.networkVersion;
    if (asked !== undefined && asked !== screener.networkVersion) {
      throw new HttpError(409, 'network_version_changed', `the network is now version ${screener.networkVersion}, not ${String(asked)}: reload and screen again`, 'networkVersion');
    }
    try {
      return screen(screener);
    } catch (e) {
      if (e instanceof ExcavationError) throw new HttpError(400, 'invalid_dig', e.message, e.field);
      if (e instanceof RulesError) throw new HttpError(400, 'invalid_overrides', e.message, e.path);
      throw e;
    }
  }
}
