/**
 * A clearance report the size of the large city's (review 2026-11-28: 50,879 findings, 23.7 MB) in
 * the shape the server sends: the small sample city's real report (seed 42) with its findings
 * repeated, each copy under its own line ids (`id~k`) and its gap moved by a seeded few centimetres,
 * so ordering and filtering do real work. For bench/reportView.ts and bench/reportPanel.ts.
 */
import clearancesJson from '../data/rules/clearances.json';
import { cityCollectionHeader, generateCity } from '../src/core/city';
import { parseNetworkCollection, type ImportedNetwork } from '../src/core/importNetwork';
import { checkClearances, type ClearanceFinding } from '../src/core/screening/clearanceCheck';
import { validateClearanceRules } from '../src/core/screening/networkRules';
import { mulberry32 } from './stats';

export function largeClearanceReport(target: number, networkVersion = 1): { text: string; bytes: Uint8Array; network: ImportedNetwork; base: number; findings: number } {
  const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 42 })] });
  const report = checkClearances(network.links, validateClearanceRules(clearancesJson));
  const rng = mulberry32(7);
  const findings: ClearanceFinding[] = [];
  for (let k = 0; findings.length < target; k++) {
    for (const f of report.findings) {
      if (findings.length >= target) break;
      const actual = f.actual - rng() * 0.05;
      findings.push({ ...f, linkA: `${f.linkA}~${k}`, linkB: `${f.linkB}~${k}`, actual, shortfall: Math.max(0, f.required - actual) });
    }
  }
  const text = JSON.stringify({ networkVersion, kind: 'clearances', ...report, findings });
  return { text, bytes: new TextEncoder().encode(text), network, base: report.findings.length, findings: findings.length };
}
