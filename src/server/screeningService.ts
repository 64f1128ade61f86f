/**
 * The server's screening: the same DigScreener as the browser's worker, over the store's current
 * network version. The client's answer is never trusted for a decision; this one is.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DigScreener, type DigScreening } from '../core/digScreening';
import { ExcavationError } from '../core/screening/excavation';
import { HttpError } from './http/respond';
import type { NetworkStore } from './storage/networkStore';

export const RULES_FILE = resolve('data/rules/screening.json');

export class ScreeningService {
  private readonly rulesTable: unknown;
  private screener: DigScreener | null = null;

  constructor(private readonly store: NetworkStore, rulesFile = RULES_FILE) {
    this.rulesTable = JSON.parse(readFileSync(rulesFile, 'utf8'));
    new DigScreener(this.rulesTable); // validate the rules at start-up, not at the first request
  }

  rules(): unknown {
    return this.rulesTable;
  }

  private current(): DigScreener {
    const version = this.store.currentVersion();
    if (!version) throw new HttpError(503, 'no_network', 'no network has been imported yet');
    if (!this.screener || this.screener.networkVersion !== version.version) {
      const screener = new DigScreener(this.rulesTable);
      screener.load(this.store.links(), this.store.frame()!, version.version);
      this.screener = screener;
    }
    return this.screener;
  }

  /** Screens an untrusted request body; a bad field is a 400 that names it. */
  screen(body: unknown): DigScreening {
    const screener = this.current();
    const asked = (body as { networkVersion?: unknown } | null)?.networkVersion;
    if (asked !== undefined && asked !== screener.networkVersion) {
      throw new HttpError(409, 'network_version_changed', `the network is now version ${screener.networkVersion}, not ${String(asked)}: reload and screen again`, 'networkVersion');
    }
    try {
      return screener.screen(body);
    } catch (e) {
      if (e instanceof ExcavationError) throw new HttpError(400, 'invalid_dig', e.message, e.field);
      throw e;
    }
  }
}
