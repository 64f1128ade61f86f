/**
 * The control page of the browser benches: the same app, same camera, with every layer hidden from
 * the first frame, so no tileset ever loads a tile. What is left is the globe under SwiftShader
 * (and the screening worker loading the JSON layers, as in the real page): subtract it to see what
 * our tiles add.
 *
 * An init script traps the assignment of `window.undergrid` (main.ts sets it synchronously when the
 * app module runs, before the network summary arrives) and hides every utility in the store there,
 * so the tilesets are created with `show: false` (tileLayers.ts) and request nothing.
 */
import type { BrowserContext } from 'playwright-core';

/** A string, not a function: tsx would wrap a nested arrow function in a helper the page lacks. */
const HIDE_EVERY_LAYER = `(() => {
  let handle;
  Object.defineProperty(window, 'undergrid', {
    configurable: true,
    get() { return handle; },
    set(value) {
      handle = value;
      const store = value.store;
      const visible = store.getState().visible;
      store.setState({ visible: Object.fromEntries(Object.keys(visible).map((k) => [k, false])) });
      window.__networkHidden = true;
    },
  });
})();`;

export async function hideNetworkFromStart(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: HIDE_EVERY_LAYER });
}
