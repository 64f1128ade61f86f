/**
 * The network's own reports, per network version: lines shallower than the minimum cover and pairs
 * of lines closer than the clearance rules allow. Computed on first request and kept until the
 * network changes (the clearance check over ~1M segments takes seconds, not milliseconds).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkClearances } from '../core/screening/clearanceCheck';
import { checkCover } from '../core/screening/coverCheck';
import { validateCoverRules, type CoverRules } from '../core/screening/coverRules';
import { validateClearanceRules, type ClearanceRules } from '../core/screening/networkRules';
import { encodeJson, type Encoded } from './http/respond';
import type { NetworkStore } from './storage/networkStore';

export const NETWORK_REPORTS = ['cover', 'clearances'] as const;
export type NetworkReportKind = (typeof NETWORK_REPORTS)[number];

export class NetworkReports {
  private readonly coverRules: CoverRules;
  private readonly clearanceRules: ClearanceRules;
  private version = -1;
  private readonly cache = new Map<NetworkReportKind, Encoded>();

  constructor(private readonly store: NetworkStore, rulesDir = resolve('data/rules')) {
    this.coverRules = validateCoverRules(JSON.parse(readFileSync(resolve(rulesDir, 'cover.json'), 'utf8')));
    this.clearanceRules = validateClearanceRules(JSON.parse(readFileSync(resolve(rulesDir, 'clearances.json'), 'utf8')));
  }

  report(kind: NetworkReportKind, version: number): Encoded {
    if (version !== this.version) {
      this.cache.clear();
      this.version = version;
    }
    let e = this.cache.get(kind);
    if (!e) {
      const links = this.store.links();
      const body = kind === 'cover' ? checkCover(links, this.coverRules) : checkClearances(links, this.clearanceRules);
      e = encodeJson({ networkVersion: version, kind, ...body });
      this.cache.set(kind, e);
    }
    return e;
  }
}
