/**
 * The tile server's settings (data/rules/tile-server.json): how tiles are compressed and how often
 * the server looks for a new network version to cut. Checked at start-up like every rules table.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { integerIn, onlyKeys, record, text, flag } from '../../core/rulesTable';

export const TILE_RULES_FILE = 'tile-server.json';

export interface TileCompression {
  /** zlib level, 1–9. */
  gzipLevel: number;
  /** BROTLI_PARAM_QUALITY, 0–11, of the files as they are cut (served at once). */
  brotliQuality: number;
  /** The quality every file is brotli-coded at again once all of its version is cut; equal to brotliQuality: not again. */
  recodeBrotliQuality: number;
  /** Bytes (before compression) brotli-coded again per job: a new version's first cut waits at most one job. */
  recodeBatchBytes: number;
  /** Re-coding starts only when no tile has been asked for this long (it takes a core for minutes on a large city). */
  recodeAfterIdleMs: number;
}

export interface TileServerRules {
  compression: TileCompression;
  versionPollMs: number;
}

function section(root: Record<string, unknown>, name: string, keys: string[]): Record<string, unknown> {
  const o = record(root[name], name);
  onlyKeys(o, [...keys, 'source', 'verified'], name);
  text(o['source'], `${name}.source`);
  if (o['verified'] !== undefined) flag(o['verified'], `${name}.verified`);
  return o;
}

export function validateTileServerRules(input: unknown): TileServerRules {
  const root = record(input, 'tile-server');
  onlyKeys(root, ['version', 'compression', 'cutting'], 'tile-server');
  integerIn(root['version'], 'version', 1, Number.MAX_SAFE_INTEGER);
  const c = section(root, 'compression', ['gzipLevel', 'brotliQuality', 'recodeBrotliQuality', 'recodeBatchKb', 'recodeAfterIdleSeconds']);
  const cut = section(root, 'cutting', ['versionPollSeconds']);
  return {
    compression: {
      gzipLevel: integerIn(c['gzipLevel'], 'compression.gzipLevel', 1, 9),
      brotliQuality: integerIn(c['brotliQuality'], 'compression.brotliQuality', 0, 11),
      recodeBrotliQuality: integerIn(c['recodeBrotliQuality'], 'compression.recodeBrotliQuality', 0, 11),
      recodeBatchBytes: integerIn(c['recodeBatchKb'], 'compression.recodeBatchKb', 1, 1 << 20) * 1024,
      recodeAfterIdleMs: integerIn(c['recodeAfterIdleSeconds'], 'compression.recodeAfterIdleSeconds', 0, 86_400) * 1000,
    },
    versionPollMs: integerIn(cut['versionPollSeconds'], 'cutting.versionPollSeconds', 1, 3600) * 1000,
  };
}

export function loadTileServerRules(dir = 'data/rules'): TileServerRules {
  return validateTileServerRules(JSON.parse(readFileSync(resolve(dir, TILE_RULES_FILE), 'utf8')));
}
