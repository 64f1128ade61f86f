import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportedNetwork } from '../../src/core/importNetwork';
import type { Link } from '../../src/core/model';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';

function link(id: string, x0: number, y0: number, x1: number, y1: number, utility: Link['utility'] = 'water'): Link {
  return {
    id, utility, subtype: 'main', material: 'PE', section: { shape: 'circular', diameterMm: 200 }, pressureClass: null,
    installYear: 2001, owner: 'Owner', status: 'in_service', qualityLevel: 'B', street: null, fromNode: null, toNode: null,
    vertices: new Float64Array([x0, y0, 8, 10, x1, y1, 8, 10]),
  };
}

function network(links: Link[]): ImportedNetwork {
  return { sourceCrs: 'EPSG:4547', verticalDatum: null, frame: { originLon: 113.33, originLat: 23.13 }, links, nodes: [] };
}

describe('the SQLite network store', () => {
  let dir: string;
  let store: SqliteNetworkStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'undergrid-store-'));
    store = new SqliteNetworkStore(join(dir, 'net.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts empty, then holds version 1 with its frame after an import', () => {
    expect(store.currentVersion()).toBeNull();
    expect(store.frame()).toBeNull();
    const v = store.replaceNetwork(network([link('A', 0, 0, 10, 0), link('B', 100, 100, 110, 100, 'gas')]), 'test');
    expect(v).toMatchObject({ version: 1, links: 2, segments: 2 });
    expect(store.frame()).toEqual({ originLon: 113.33, originLat: 23.13 });
    expect(store.countsByUtility()).toEqual({ water: { links: 1, nodes: 0 }, gas: { links: 1, nodes: 0 } });
  });

  it('answers an area query through the R*Tree and a layer query by utility', () => {
    store.replaceNetwork(network([link('A', 0, 0, 10, 0), link('B', 100, 100, 110, 100, 'gas')]), 'test');
    expect(store.links({ bbox: { minX: -1, minY: -1, maxX: 5, maxY: 5 } }).map((l) => l.id)).toEqual(['A']);
    expect(store.links({ utility: 'gas' }).map((l) => l.id)).toEqual(['B']);
    expect(Array.from(store.link('A')!.vertices)).toEqual([0, 0, 8, 10, 10, 0, 8, 10]);
  });

  it('survives reopening the file (WAL) with the same content', () => {
    store.replaceNetwork(network([link('A', 0, 0, 10, 0)]), 'test');
    store.close();
    store = new SqliteNetworkStore(join(dir, 'net.sqlite'));
    expect(store.currentVersion()?.version).toBe(1);
    expect(store.link('A')?.section).toEqual({ shape: 'circular', diameterMm: 200 });
  });

  it('leaves the previous network whole when a replacement fails half way', () => {
    store.replaceNetwork(network([link('A', 0, 0, 10, 0)]), 'first');
    expect(() => store.replaceNetwork(network([link('X', 0, 0, 1, 1), link('X', 2, 2, 3, 3)]), 'broken')).toThrow(/UNIQUE/);
    expect(store.currentVersion()?.version).toBe(1);
    expect(store.links().map((l) => l.id)).toEqual(['A']);
    expect(store.links({ bbox: { minX: -1, minY: -1, maxX: 20, maxY: 20 } })).toHaveLength(1);
  });

  it('refuses a delivery in a different frame than the project', () => {
    store.replaceNetwork(network([link('A', 0, 0, 10, 0)]), 'first');
    const other = { ...network([link('B', 0, 0, 1, 0)]), frame: { originLon: 0, originLat: 0 } };
    expect(() => store.replaceNetwork(other, 'other')).toThrow(/frame/);
    expect(store.links().map((l) => l.id)).toEqual(['A']);
  });
});
