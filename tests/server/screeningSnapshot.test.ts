/**
 * The server's screening against one network version at a time, on a real SQLite file with a second
 * connection importing into it (as another process does): the version stamped on a screening is the
 * version of the lines it screened, even when an import commits while the screener loads.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DigScreening } from '../../src/core/digScreening';
import type { ExportedFeature } from '../../src/core/screeningExport';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { importNetworkFile } from '../../src/server/importFile';
import { ScreeningService } from '../../src/server/screeningService';
import { NetworkCache } from '../../src/server/networkCache';
import { BurstNetworkCache } from '../../src/server/burst/burstNetwork';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { linkFeature, writeDelivery } from '../helpers/delivery';

const lon0 = 113.33, lat0 = 23.13, d = 0.0005;
const e = 0.00002; // a 4 m square dig centred on (lon0, lat0)
const dig = { footprint: [[lon0 - e, lat0 - e], [lon0 + e, lat0 - e], [lon0 + e, lat0 + e], [lon0 - e, lat0 + e]], depth: 3, groundElevation: 10, ruleSetId: 'cn-gb50289' };

let dir: string;
let store: SqliteNetworkStore;
/** The importing process's own connection to the same file. */
let other: SqliteNetworkStore;

/** A delivery with one line under the dig (`id`, of `utility`) and one far away. */
function delivery(id: string, utility: string, lat = lat0): string {
  return writeDelivery(join(dir, `${id}-${lat}.geojson`), [
    linkFeature(id, [[lon0 - d, lat, 8], [lon0 + d, lat, 8]], [10, 10], { utility }),
    linkFeature('far', [[lon0 + 0.01, lat0 + 0.01, 8], [lon0 + 0.011, lat0 + 0.01, 8]], [10, 10]),
  ]);
}

/** Imports `file` through the other connection, synchronously (what importNetworkFile does, without its await). */
function importByOther(file: string): void {
  other.replaceNetwork(parseNetworkCollection(JSON.parse(readFileSync(file, 'utf8')), { frame: other.frame()! }), file);
}

/** The next store.links() call first lets the other connection commit `file`. */
function importDuringNextLinksRead(file: string): void {
  const links = store.links.bind(store);
  store.links = (query) => {
    store.links = links;
    importByOther(file);
    return links(query);
  };
}

/**
 * The next store.link(id) call (where the GeoJSON export read a line's geometry after screening)
 * first lets the other connection commit `file`; done() commits it if the export never read a line.
 */
function importDuringNextLinkRead(file: string): { done(): void } {
  const link = store.link.bind(store);
  let pending = true;
  const commit = () => {
    store.link = link;
    if (pending) importByOther(file);
    pending = false;
  };
  store.link = (id) => {
    commit();
    return link(id);
  };
  return { done: commit };
}

const lines = (s: { lines: { linkId: string; verdict: string }[] }) => s.lines.map((l) => `${l.linkId} ${l.verdict}`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'undergrid-snapshot-'));
  store = new SqliteNetworkStore(join(dir, 'net.sqlite'));
  other = new SqliteNetworkStore(join(dir, 'net.sqlite'));
});
afterEach(() => {
  store.close();
  other.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('one network version per screening', () => {
  it('stamps the version whose lines it screened when an import commits between reading the version and the links', async () => {
    await importNetworkFile(store, delivery('A-gas', 'gas'));
    const service = new ScreeningService(store);
    expect(lines(service.screen(dig))).toEqual(['A-gas STRIKE']);
    importByOther(delivery('B-water', 'water')); // version 2
    importDuringNextLinksRead(delivery('C-power', 'power')); // version 3 commits while the screener loads version 2
    const second = service.screen({ ...dig, networkVersion: 2 }) as DigScreening;
    expect([second.networkVersion, ...lines(second)]).toEqual([2, 'B-water STRIKE']);
    expect(store.currentVersion()!.version).toBe(3);
    const third = service.screen(dig) as DigScreening;
    expect([third.networkVersion, ...lines(third)]).toEqual([3, 'C-power STRIKE']);
  });

  it('reads version, frame and links of one version in NetworkStore.snapshot()', async () => {
    await importNetworkFile(store, delivery('A-gas', 'gas'));
    importDuringNextLinksRead(delivery('B-water', 'water'));
    const snap = store.snapshot()!;
    expect([snap.version.version, ...snap.links.map((l) => l.id).sort()]).toEqual([1, 'A-gas', 'far']);
    expect(snap.frame).toEqual(store.frame());
    const next = store.snapshot()!;
    expect([next.version.version, ...next.links.map((l) => l.id).sort()]).toEqual([2, 'B-water', 'far']);
  });
});

describe('the GeoJSON export draws the lines it screened', () => {
  const screenedLines = (features: ExportedFeature[]) => features.filter((f) => f.properties['kind'] === 'screened_line');

  it('takes each line\'s geometry from the version screened, not from an import committed after it', async () => {
    await importNetworkFile(store, delivery('A-gas', 'gas'));
    const service = new ScreeningService(store);
    expect(lines(service.screen(dig))).toEqual(['A-gas STRIKE']); // the screener holds version 1
    // Version 2 moves A-gas 110 m north (and puts another line under the dig) while the export runs.
    const during = importDuringNextLinkRead(writeDelivery(join(dir, 'moved.geojson'), [
      linkFeature('A-gas', [[lon0 - d, lat0 + 0.001, 8], [lon0 + d, lat0 + 0.001, 8]], [10, 10]),
      linkFeature('x', [[lon0 - d, lat0, 8], [lon0 + d, lat0, 8]], [10, 10]),
    ]));
    const report = service.screenAsGeoJson(dig);
    during.done();
    const [line, ...more] = screenedLines(report.features);
    expect([report.networkVersion, line!.properties['linkId'], more.length]).toEqual([1, 'A-gas', 0]);
    const closest = line!.properties['closest'] as { lat: number };
    for (const [, lat] of line!.geometry.coordinates as [number, number, number][]) {
      expect(Math.abs(lat - closest.lat)).toBeLessThan(1e-9); // the line passes through its own closest point
      expect(lat).toBeCloseTo(lat0, 9); // where version 1 has it, not 110 m north
    }
    const next = screenedLines(service.screenAsGeoJson(dig).features); // version 2: x under the dig, A-gas 110 m away
    expect(next.map((f) => f.properties['linkId'])).toEqual(['x']);
  });

  it('exports a line the store no longer holds (it was screened on the version that had it)', async () => {
    await importNetworkFile(store, delivery('A-gas', 'gas'));
    const service = new ScreeningService(store);
    service.screen(dig);
    const during = importDuringNextLinkRead(delivery('B-water', 'water', lat0 + 0.01)); // version 2 drops A-gas
    const report = service.screenAsGeoJson(dig);
    during.done();
    expect([report.networkVersion, ...screenedLines(report.features).map((f) => f.properties['linkId'])]).toEqual([1, 'A-gas']);
    const next = service.screenAsGeoJson(dig); // the next request screens version 2: nothing under the dig
    expect([next.networkVersion, screenedLines(next.features).length]).toEqual([2, 0]);
  });
});

describe('the other per-version caches read one version at a time', () => {
  it('encodes a layer with the version whose lines it holds when an import commits during the read', async () => {
    await importNetworkFile(store, delivery('A-gas', 'gas'));
    const cache = new NetworkCache(store);
    importDuringNextLinksRead(delivery('B-gas', 'gas')); // version 2 commits while version 1's gas lines are read
    const first = JSON.parse(cache.layer('gas').body.toString()) as { version: number; ids: string[] };
    expect([first.version, ...first.ids.sort()]).toEqual([1, 'A-gas', 'far']);
    const next = JSON.parse(cache.layer('gas').body.toString()) as { version: number; ids: string[] };
    expect([next.version, ...next.ids.sort()]).toEqual([2, 'B-gas', 'far']);
  });

  it('builds the burst graph of the version it is stamped with', async () => {
    await importNetworkFile(store, delivery('A-water', 'water'));
    const cache = new BurstNetworkCache(store);
    importDuringNextLinksRead(delivery('B-water', 'water'));
    const first = cache.get();
    expect([first.version, ...first.links.map((l) => l.id)]).toEqual([1, 'A-water']);
    const next = cache.get();
    expect([next.version, ...next.links.map((l) => l.id)]).toEqual([2, 'B-water']);
  });
});
