/**
 * `npm run bench`: every benchmark in turn, each in its own process so one's heap and JIT state
 * do not colour the next. Not part of `npm test`: timings are for reading, never for pass/fail.
 */
import { spawnSync } from 'node:child_process';

const BENCHES: [string, ...string[]][] = [
  ['bench/screening.ts'],
  ['bench/screeningPeers.ts'],
  ['bench/city.ts'],
  ['bench/networkChecks.ts', 'medium', 'large'],
  ['bench/batch.ts', 'large', '10000'],
  ['bench/tiles.ts', 'large'],
  ['bench/burst.ts'],
  ['bench/skeleton.ts', 'medium', '200'],
  ['bench/flythrough.ts', 'large'],
];

for (const [file, ...args] of BENCHES) {
  console.log(`\n=== ${file} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', file, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
