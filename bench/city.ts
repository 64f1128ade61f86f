/**
 * The sample city at each size: generation time, file size, segments, and the import through the
 * validated path into SQLite. The peer is the medium city in the same run: the large city's cost per
 * segment as a ratio of the medium's shows whether generation and import scale linearly.
 * Usage: npx tsx bench/city.ts   (writes into a temporary folder)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importNetworkFile } from '../src/server/importFile';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { writeCityGeojson } from '../scripts/generateCity';

const dir = mkdtempSync(join(tmpdir(), 'undergrid-bench-city-'));
const rows: { size: string; segments: number; genS: number; mb: number; importS: number; dbMb: number }[] = [];
for (const size of ['medium', 'large'] as const) {
  const file = join(dir, `${size}.geojson`);
  let t = performance.now();
  const stats = await writeCityGeojson(size, 20261127, file);
  const genS = (performance.now() - t) / 1000;
  const store = new SqliteNetworkStore(join(dir, `${size}.sqlite`));
  t = performance.now();
  await importNetworkFile(store, file);
  const importS = (performance.now() - t) / 1000;
  store.close();
  rows.push({ size, segments: stats.segments, genS, mb: stats.bytes / 1e6, importS, dbMb: statSync(join(dir, `${size}.sqlite`)).size / 1e6 });
}
rmSync(dir, { recursive: true, force: true });

for (const r of rows) {
  console.log(`${r.size}: ${r.segments} segments; generated ${r.mb.toFixed(1)} MB of GeoJSON in ${r.genS.toFixed(1)} s; imported into a ${r.dbMb.toFixed(0)} MB SQLite file in ${r.importS.toFixed(1)} s`);
}
const [m, l] = rows as [typeof rows[0], typeof rows[0]];
const per = (s: number, n: number) => (s / n) * 1e6;
console.log(`large vs medium, seconds per million segments: generation ${(per(l.genS, l.segments) / per(m.genS, m.segments)).toFixed(2)}×, import ${(per(l.importS, l.segments) / per(m.importS, m.segments)).toFixed(2)}×`);
