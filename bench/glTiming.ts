/**
 * Where the page's main thread blocks while it draws (bench/flythrough.ts --gl): an init script
 * wraps WebGL2RenderingContext methods and times each call with performance.now(), and times
 * every requestAnimationFrame callback and the gap from the end of one callback to the start of
 * the next. In Chromium most GL calls only queue a command for the GPU process; a call that must
 * answer (getError, getProgramParameter after a link, readPixels, clientWaitSync) or that finds the
 * command buffer full waits for it. The frame's commit happens after the callback, outside any GL
 * call: with --disable-gpu (software compositing) Chromium reads the WebGL frame back for the
 * compositor there, so the gap holds the GPU process drawing the frame.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** Methods that can wait for the GPU process, and the ones Cesium calls per draw or upload. */
const WRAPPED = [
  'drawElementsInstanced', 'drawArraysInstanced', 'drawElements', 'drawArrays', 'bufferData', 'bufferSubData',
  'readPixels', 'getProgramParameter', 'getShaderParameter', 'getError', 'checkFramebufferStatus', 'getParameter',
  'texImage2D', 'texSubImage2D', 'fenceSync', 'clientWaitSync', 'getSyncParameter', 'linkProgram', 'compileShader',
  'getUniformLocation', 'getAttribLocation', 'getActiveUniform', 'getActiveAttrib', 'useProgram', 'uniformMatrix4fv',
  'clear', 'bindFramebuffer', 'finish', 'flush', 'getExtension', 'getShaderPrecisionFormat', 'getContextAttributes',
];

/** A string, not a function: tsx would wrap a nested arrow function in a helper the page lacks. */
const SCRIPT = `(() => {
  const stats = {};
  const frames = [];
  const links = [];
  window.__gl = { stats, frames, links, inFrame: null };
  const proto = WebGL2RenderingContext.prototype;
  // Which program a link-status query waited for: the #defines of its two shaders name it.
  const sources = new WeakMap(), attached = new WeakMap();
  const shaderSource = proto.shaderSource, attachShader = proto.attachShader;
  proto.shaderSource = function (sh, src) { sources.set(sh, src); return shaderSource.call(this, sh, src); };
  proto.attachShader = function (prog, sh) { const a = attached.get(prog) || []; a.push(sh); attached.set(prog, a); return attachShader.call(this, prog, sh); };
  const nameOf = (prog) => (attached.get(prog) || []).map((sh) => { const src = sources.get(sh) || ''; return ((src.match(/#define \\w+/g) || []).map((d) => d.slice(8)).join(' ') || src.replace(/\\s+/g, ' ').slice(0, 120)) + ' (' + src.length + ' chars)'; }).join(' | ');
  for (const name of ${JSON.stringify(WRAPPED)}) {
    const f = proto[name];
    if (typeof f !== 'function') continue;
    proto[name] = function (...args) {
      const s = performance.now();
      try { return f.apply(this, args); } finally {
        const d = performance.now() - s;
        const key = name === 'getProgramParameter' || name === 'getShaderParameter' ? name + '(' + args[1] + ')' : name;
        if (name === 'getProgramParameter' && args[1] === 0x8b82) links.push({ ms: d, program: nameOf(args[0]).slice(0, 400) });
        const r = stats[key] || (stats[key] = { n: 0, ms: 0, max: 0 });
        r.n++; r.ms += d; if (d > r.max) r.max = d;
        const fr = window.__gl.inFrame;
        if (fr) { fr.gl += d; if (name.startsWith('draw')) fr.draws++; if (d > fr.maxCall) { fr.maxCall = d; fr.maxCallName = key; } }
      }
    };
  }
  const raf = window.requestAnimationFrame.bind(window);
  let lastEnd = null;
  window.requestAnimationFrame = (cb) => raf((t) => {
    const s = performance.now();
    const fr = { start: s, gap: lastEnd === null ? 0 : s - lastEnd, ms: 0, gl: 0, draws: 0, maxCall: 0, maxCallName: '' };
    window.__gl.inFrame = fr;
    try { cb(t); } finally {
      lastEnd = performance.now();
      fr.ms = lastEnd - s;
      window.__gl.inFrame = null;
      frames.push(fr);
    }
  });
})();`;

export async function addGlTiming(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: SCRIPT });
}

interface CallRow { n: number; ms: number; max: number }
interface FrameRow { start: number; gap: number; ms: number; gl: number; draws: number; maxCall: number; maxCallName: string }
export interface GlWindow { calls: Record<string, CallRow>; frames: FrameRow[]; links: { ms: number; program: string }[] }

/** Empties the counters (a window starts here). */
export function resetGlTiming(page: Page): Promise<void> {
  return page.evaluate(`(() => { const g = window.__gl; for (const k of Object.keys(g.stats)) delete g.stats[k]; g.frames.length = 0; g.links.length = 0; })()`) as Promise<void>;
}

export function readGlTiming(page: Page): Promise<GlWindow> {
  return page.evaluate(`(() => ({ calls: JSON.parse(JSON.stringify(window.__gl.stats)), frames: window.__gl.frames.slice(), links: window.__gl.links.slice() }))()`) as Promise<GlWindow>;
}

/**
 * One line per window: animation-frame callbacks (time in them, in GL calls inside them) and the
 * gaps between them (the commit: the GPU process drawing and handing back the frame), the frames
 * over 50 ms split by where their time went, and the GL calls that took most time.
 */
export function describeGl(label: string, g: GlWindow): string[] {
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const ms = (x: number) => x.toFixed(0);
  const f = g.frames;
  // A frame that drew: its callback, then the gap until the next callback (the commit of what it
  // drew: the GPU process drawing it and, with software compositing, reading it back).
  const drew = f.flatMap((x, i) => (x.draws > 0 ? [{ cb: x.ms, gl: x.gl, after: f[i + 1]?.gap ?? 0, name: x.maxCallName, maxCall: x.maxCall, draws: x.draws }] : []));
  const long = drew.filter((c) => c.cb + c.after > 50);
  const worst = [...drew].sort((a, b) => b.cb + b.after - (a.cb + a.after))[0];
  const calls = Object.entries(g.calls).sort((a, b) => b[1].ms - a[1].ms).slice(0, 6)
    .map(([k, r]) => `${k} ${ms(r.ms)} ms/${r.n} (max ${ms(r.max)})`).join(', ');
  return [
    `${label}: ${f.length} animation frames, ${drew.length} drew (${ms(sum(drew.map((c) => c.draws)) / Math.max(1, drew.length))} draw calls each); in callbacks ${ms(sum(f.map((x) => x.ms)))} ms (GL calls ${ms(sum(f.map((x) => x.gl)))} ms)`,
    `    drawn frames over 50 ms (callback + gap after): ${long.length}; callbacks ${ms(sum(long.map((c) => c.cb)))} ms of which GL calls ${ms(sum(long.map((c) => c.gl)))} ms; gaps after them ${ms(sum(long.map((c) => c.after)))} ms` +
      (worst ? `; worst: callback ${ms(worst.cb)} ms (GL ${ms(worst.gl)}, longest call ${worst.name} ${ms(worst.maxCall)} ms), gap ${ms(worst.after)} ms` : ''),
    `    GL calls by time: ${calls}`,
    ...g.links.filter((l) => l.ms > 50).map((l) => `    link status waited ${ms(l.ms)} ms: ${l.program}`),
  ];
}
