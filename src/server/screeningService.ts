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
import { given } from '../core/rulesTable';
import { RulesError, validateScreeningRules, type ScreeningRules } from '../core/screening/rules';
import { screeningToGeoJson, worksToGeoJson, type ExportedScreening } from '../core/screeningExport';
import { ExcavationError } from '../core/screening/excavation';
import { HttpError } from './http/respond';
import type { NetworkStore } from './storage/networkStore';

export const RULES_FILE = resolve('data/rules/screening.json');

/** The network one screener was loaded from: the lines' geometry the exports draw is the geometry screened. */
interface LoadedNetwork {
  screener: DigScreener;
  toLonLat: (x: number, y: number) => [number, number];
  vertices: Map<string, Float64Array>;
}

export class ScreeningService {
  private readonly rulesTable: unknown;
  /** Validated at start-up, not at the first request. */
  private readonly validRules: ScreeningRules;
  private loaded: LoadedNetwork | null = null;
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
   * version's number on another version's lines. The links' vertices are kept with it for the exports.
   */
  private current(): LoadedNetwork {
    const version = this.store.currentVersion();
    if (!version) throw new HttpError(503, 'no_network', 'no network has been imported yet');
    if (!this.loaded || this.loaded.screener.networkVersion !== version.version) {
      const snapshot = this.store.snapshot();
      if (!snapshot) throw new HttpError(503, 'no_network', 'no network has been imported yet');
      const screener = new DigScreener(this.rulesTable);
      screener.load(snapshot.links, snapshot.frame, snapshot.version.version);
      this.loaded = {
        screener, toLonLat: lonLatTransform(snapshot.frame).fromLocal, vertices: new Map(snapshot.links.map((l) => [l.id, l.vertices])),
      };
    }
    return this.loaded;
  }

  /**
   * The same screening as a GeoJSON report with each work's and each line's geometry (lon, lat,
   * elevation), the geometry of the very network version screened (not the store's after it: an
   * import in between moved the lines or dropped them, and the export drew or failed on the new ones).
   */
  screenAsGeoJson(body: unknown): ExportedScreening {
    return this.run(body, ({ screener, toLonLat, vertices }) => {
      const geometryOf = (id: string): [number, number, number][] | null => {
        const v = vertices.get(id);
        if (!v) return null;
        const out: [number, number, number][] = [];
        for (let o = 0; o < v.length; o += VERTEX_STRIDE) {
          const [lon, lat] = toLonLat(v[o]!, v[o + 1]!);
          out.push([lon, lat, v[o + 2]!]);
        }
        return out;
      };
      if (isWorksRequest(body)) return worksToGeoJson(validateWorksRequest(body, this.validRules), screener.screenWorks(body), geometryOf, this.now());
      return screeningToGeoJson(validateDigRequest(body, this.validRules), screener.screen(body), geometryOf, this.now());
    });
  }

  /**
   * Screens an untrusted request body; a bad field is a 400 that names it. Two shapes: one open cut
   * ({footprint, depth, …}: DigScreening) or several works of any kind ({works: […], …}: WorksScreening).
   */
  screen(body: unknown): DigScreening | WorksScreening {
    return this.run(body, ({ screener }) => (isWorksRequest(body) ? screener.screenWorks(body) : screener.screen(body)));
  }

  /** Screens one open cut ({footprint, depth, …}), the shape a permit application stores. */
  screenOpenCut(body: unknown): DigScreening {
    return this.run(body, ({ screener }) => screener.screen(body));
  }

  private run<T>(body: unknown, screen: (network: LoadedNetwork) => T): T {
    const network = this.current();
    const version = network.screener.networkVersion;
    const asked = (body as { networkVersion?: unknown } | null)?.networkVersion;
    if (asked !== undefined && !Number.isInteger(asked)) {
      // Said as sent: "1" read as 1 gave 'the network is now version 1, not 1'.
      throw new HttpError(400, 'invalid_dig', `networkVersion: must be the integer network version the works were drawn on, or left out; got ${given(asked)}`, 'networkVersion');
    }
    if (asked !== undefined && asked !== version) {
      throw new HttpError(409, 'network_version_changed', `the network is now version ${version}, not ${String(asked)}: reload and screen again`, 'networkVersion');
    }
    try {
      return screen(network);
    } catch (e) {
      if (e instanceof ExcavationError) throw new HttpError(400, 'invalid_dig', e.message, e.field);
      if (e instanceof RulesError) throw new HttpError(400, 'invalid_overrides', e.message, e.path);
      throw e;
    }
  }
}
