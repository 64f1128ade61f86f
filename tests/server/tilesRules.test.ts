/** data/rules/tile-server.json: the shipped table loads, and a bad edit is refused naming the value's path. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RulesError } from '../../src/core/rulesTable';
import { TILE_RULES_FILE, loadTileServerRules, validateTileServerRules } from '../../src/server/tiles/tileRules';

const shipped = JSON.parse(readFileSync(`data/rules/${TILE_RULES_FILE}`, 'utf8')) as Record<string, Record<string, unknown>>;

function edited(section: string, key: string, value: unknown): unknown {
  return { ...shipped, [section]: { ...shipped[section], [key]: value } };
}

describe('tile-server.json', () => {
  it('loads the shipped table: cut at brotli 5, coded again at 11, in milliseconds and bytes', () => {
    expect(loadTileServerRules()).toEqual({
      compression: { gzipLevel: 9, brotliQuality: 5, recodeBrotliQuality: 11, recodeBatchBytes: 256 * 1024, recodeAfterIdleMs: 30_000 },
      versionPollMs: 5000,
    });
  });

  it('refuses out-of-range qualities, unknown keys and a missing source, naming the path', () => {
    const cases: [unknown, string][] = [
      [edited('compression', 'brotliQuality', 12), 'compression.brotliQuality'],
      [edited('compression', 'recodeBrotliQuality', 'max'), 'compression.recodeBrotliQuality'],
      [edited('compression', 'gzipLevel', 0), 'compression.gzipLevel'],
      [edited('cutting', 'versionPollSeconds', 0.5), 'cutting.versionPollSeconds'],
      [edited('cutting', 'pollSeconds', 5), 'cutting.pollSeconds'],
      [edited('compression', 'source', ''), 'compression.source'],
    ];
    for (const [table, path] of cases) {
      expect(() => validateTileServerRules(table), path).toThrow(RulesError);
      try {
        validateTileServerRules(table);
      } catch (e) {
        expect((e as RulesError).path).toBe(path);
      }
    }
  });
});
