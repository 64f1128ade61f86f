/**
 * CesiumJS's sources wrap their argument checks (`Check.typeOf…`, `DeveloperError`) in debug pragmas:
 *
 *   //>>includeStart('debug', pragmas.debug);
 *   Check.typeOf.object("value", value);
 *   //>>includeEnd('debug');
 *
 * Cesium's own release build (node_modules/cesium/Build/Cesium) strips those blocks. Vite bundles
 * `cesium` from its sources (package.json "import": ./Source/Cesium.js → @cesium/engine and
 * @cesium/widgets), which keeps all of them (1,934 blocks in 1.140) and runs them at every call, in
 * the render loop too: `Check.typeOf.*` showed in the fly-through's CPU profiles (src/core/tiles/README.md).
 * This plugin strips them from the @cesium/* modules of the production build, as Cesium's release
 * build does. A block that does not close, or nests, fails the build naming the file: a broken
 * strip must never ship a half-removed function.
 */
import type { Plugin } from 'vite';

const START = /\/\/>>includeStart\((['"])debug\1, pragmas\.debug\);?/g;
const END = /\/\/>>includeEnd\((['"])debug\1\);?/g;
const BLOCK = /\/\/>>includeStart\((['"])debug\1, pragmas\.debug\);?[\s\S]*?\/\/>>includeEnd\((['"])debug\2\);?/g;

/** `code` without its debug blocks; throws if the blocks are not balanced, one after another. */
export function stripDebugPragmas(code: string, file: string): string {
  const starts = code.match(START)?.length ?? 0;
  const ends = code.match(END)?.length ?? 0;
  if (starts !== ends) throw new Error(`${file}: ${starts} debug pragma starts against ${ends} ends`);
  if (starts === 0) return code;
  let blocks = 0;
  const out = code.replace(BLOCK, (block) => {
    blocks++;
    // A start inside the block (after its own) would mean nesting: the lazy match closed too early.
    if (block.slice(2).includes('//>>includeStart')) throw new Error(`${file}: nested debug pragma in block ${blocks}`);
    return '';
  });
  if (blocks !== starts || out.includes('//>>include')) throw new Error(`${file}: debug pragmas left after stripping (${blocks} of ${starts} blocks)`);
  return out;
}

const CESIUM_MODULE = /[\\/]node_modules[\\/]@cesium[\\/][^\\/]+[\\/]Source[\\/].*\.js$/;

/** Vite plugin (build only): the debug blocks out of CesiumJS's modules. */
export function cesiumDebugPragmas(): Plugin {
  return {
    name: 'undergrid-cesium-debug-pragmas',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!CESIUM_MODULE.test(file) || !code.includes('//>>includeStart')) return null;
      return { code: stripDebugPragmas(code, file), map: null };
    },
  };
}
