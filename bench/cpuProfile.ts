/**
 * Where the page's main-thread JavaScript goes inside its long tasks: a CDP CPU profile (V8
 * sampling) of a stretch of the page, cut into busy stretches (consecutive samples that are not
 * idle) longer than 50 ms, which are the long tasks as the profile sees them (two tasks back to
 * back with no idle sample between them read as one). Self and inclusive time by function.
 * For names, the page is served from an unminified build of the same sources (`unminifiedClient`):
 * Cesium's functions then read as V8 names them (`ModelFeatureTable.applyStyle`…).
 */
import { cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { CDPSession } from 'playwright-core';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number; endTime: number; samples: number[]; timeDeltas: number[];
}

const LONG_US = 50_000;
const IDLE = new Set(['(idle)']);

/** Builds the client without minification into a temporary folder (with dist/'s Cesium statics) and returns it. */
export async function unminifiedClient(): Promise<string> {
  const outDir = join(tmpdir(), 'undergrid-client-unminified');
  await build({ logLevel: 'warn', build: { minify: false, outDir, emptyOutDir: true } });
  cpSync(resolve('dist/cesium'), join(outDir, 'cesium'), { recursive: true });
  return outDir;
}

export async function startProfile(cdp: CDPSession, intervalUs = 1000): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
}

export async function stopProfile(cdp: CDPSession): Promise<CpuProfile> {
  return ((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile;
}

const nameOf = (f: CpuProfile['nodes'][number]['callFrame']) =>
  f.functionName ? f.functionName : `(anonymous) ${f.url.split('/').pop()}:${f.lineNumber}`;

/** Self and inclusive ms by function inside the profile's busy stretches over 50 ms; printed, top `n`. */
export function printLongStretches(profile: CpuProfile, n = 30): void {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  // Sample i covers [t_i, t_i+1): its weight is the next delta.
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const weight = (i: number) => (i + 1 < times.length ? times[i + 1]! - times[i]! : 0) / 1e3;
  const idle = (i: number) => IDLE.has(byId.get(profile.samples[i]!)!.callFrame.functionName);
  const stretches: [number, number][] = [];
  for (let i = 0; i < profile.samples.length;) {
    if (idle(i)) { i++; continue; }
    let j = i;
    while (j + 1 < profile.samples.length && !idle(j + 1)) j++;
    if (times[j]! + weight(j) * 1e3 - times[i]! > LONG_US) stretches.push([i, j]);
    i = j + 1;
  }
  const self = new Map<string, number>(), incl = new Map<string, number>();
  let total = 0, longest = 0;
  for (const [a, b] of stretches) {
    longest = Math.max(longest, (times[b]! - times[a]!) / 1e3);
    for (let i = a; i <= b; i++) {
      const w = weight(i);
      total += w;
      let id: number | undefined = profile.samples[i]!;
      const leaf = nameOf(byId.get(id)!.callFrame);
      self.set(leaf, (self.get(leaf) ?? 0) + w);
      const seen = new Set<string>();
      for (; id !== undefined; id = parent.get(id)) {
        const name = nameOf(byId.get(id)!.callFrame);
        if (seen.has(name)) continue;
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + w);
      }
    }
  }
  console.log(`  CPU profile: ${stretches.length} busy stretches > 50 ms, ${total.toFixed(0)} ms sampled in them (longest ${longest.toFixed(0)} ms)`);
  const top = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).slice(0, n);
  console.log('  self time (ms):');
  for (const [k, v] of top(self)) console.log(`    ${v.toFixed(0).padStart(6)}  ${k.slice(0, 110)}`);
  console.log('  inclusive time (ms):');
  for (const [k, v] of [...incl].sort((x, y) => y[1] - x[1]).slice(0, 2 * n)) console.log(`    ${v.toFixed(0).padStart(6)}  ${k.slice(0, 110)}`);
}
