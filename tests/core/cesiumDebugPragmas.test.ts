/**
 * The build's strip of CesiumJS's debug pragmas (scripts/cesiumDebugPragmas.ts): what it removes,
 * that it refuses what it cannot strip cleanly, and that every CesiumJS module of the installed
 * version still parses after it, with none of its argument checks left.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';
import { cesiumDebugPragmas, stripDebugPragmas } from '../../scripts/cesiumDebugPragmas';

const SAMPLE = `Matrix4.pack = function (value, array, startingIndex) {
  //>>includeStart('debug', pragmas.debug);
  Check.typeOf.object("value", value);
  Check.defined("array", array);
  //>>includeEnd('debug');

  startingIndex = startingIndex ?? 0;
  //>>includeStart("debug", pragmas.debug);
  if (defined(x)) {
    Check.typeOf.string("x", x);
  }
  //>>includeEnd("debug");
  return array;
};
`;

describe('stripping CesiumJS debug pragmas', () => {
  it('removes each block, both quote styles, and keeps the code around them', () => {
    const out = stripDebugPragmas(SAMPLE, 'Matrix4.js');
    expect(out).not.toContain('Check.');
    expect(out).not.toContain('//>>');
    expect(out).toContain('startingIndex = startingIndex ?? 0;');
    expect(out).toContain('return array;');
    expect(() => parseAst(out)).not.toThrow();
  });

  it('leaves a file without pragmas as it is', () => {
    expect(stripDebugPragmas('const a = 1;\n', 'a.js')).toBe('const a = 1;\n');
  });

  it('refuses a block that does not close, and a nested one, naming the file', () => {
    expect(() => stripDebugPragmas("//>>includeStart('debug', pragmas.debug);\nCheck.defined('a', a);\n", 'Open.js'))
      .toThrow(/Open\.js: 1 debug pragma starts against 0 ends/);
    const nested = "//>>includeStart('debug', pragmas.debug);\n//>>includeStart('debug', pragmas.debug);\na();\n" +
      "//>>includeEnd('debug');\n//>>includeEnd('debug');\n";
    expect(() => stripDebugPragmas(nested, 'Nested.js')).toThrow(/Nested\.js: nested debug pragma/);
  });

  it('applies to the production build only, and to @cesium modules only', () => {
    const plugin = cesiumDebugPragmas();
    expect(plugin.apply).toBe('build');
    const transform = plugin.transform as (code: string, id: string) => { code: string } | null;
    expect(transform(SAMPLE, '/app/src/viewer/cityViewer.ts')).toBeNull();
    expect(transform(SAMPLE, '/app/node_modules/@cesium/engine/Source/Core/Matrix4.js')!.code).not.toContain('Check.');
  });

  it('strips every CesiumJS module of the installed version to code that still parses, with no check left', () => {
    const roots = ['engine', 'widgets'].map((p) => resolve('node_modules/@cesium', p, 'Source'));
    let files = 0, blocks = 0;
    const visit = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) { visit(path); continue; }
        if (!e.name.endsWith('.js')) continue;
        const code = readFileSync(path, 'utf8');
        if (!code.includes('//>>includeStart')) continue;
        blocks += code.split('//>>includeStart').length - 1;
        const out = stripDebugPragmas(code, path);
        expect(() => parseAst(out), path).not.toThrow();
        // What Cesium's release build keeps: Check and DeveloperError only outside the debug blocks.
        expect(out.split('//>>').length, path).toBe(1);
        files++;
      }
    };
    roots.forEach(visit);
    // CesiumJS 1.140: 1,934 blocks in 556 files; a new version may move these, not drop them to none.
    expect(files).toBeGreaterThan(400);
    expect(blocks).toBeGreaterThan(1500);
  });
});
