/**
 * What SwiftShader (the software WebGL of the tests and benches) charges for, on a bare WebGL2 page
 * with no app: 20,000 pipe-like instances (an 8-sided, 16-vertex cylinder) drawn
 *  - as one instanced draw, against the same triangles merged into one plain draw, and against
 *    instances of 2 triangles and of 1 line (per-instance cost against per-vertex cost);
 *  - in 15 animation frames, counting the page's long tasks, with the tests' software compositing
 *    (--disable-gpu) and with the GPU process compositing (still SwiftShader).
 * Usage: npx tsx bench/swiftshader.ts
 */
import { loadavg } from 'node:os';
import { launchBenchBrowser } from './pageFrames';

const SCENE = `
  const gl = document.getElementById('c').getContext('webgl2', { antialias: false, preserveDrawingBuffer: true });
  const sh = (t, s) => { const x = gl.createShader(t); gl.shaderSource(x, s); gl.compileShader(x); return x; };
  const prog = gl.createProgram();
  gl.attachShader(prog, sh(gl.VERTEX_SHADER, '#version 300 es\\nin vec3 p; in vec4 o; void main() { gl_Position = vec4(p * o.w + o.xyz, 1.0); }'));
  gl.attachShader(prog, sh(gl.FRAGMENT_SHADER, '#version 300 es\\nprecision mediump float; out vec4 c; void main() { c = vec4(1.0, 0.5, 0.0, 1.0); }'));
  gl.linkProgram(prog); gl.useProgram(prog);
  const pl = gl.getAttribLocation(prog, 'p'), ol = gl.getAttribLocation(prog, 'o');
  const ring = []; for (const x of [-0.5, 0.5]) for (let k = 0; k < 8; k++) { const a = 2 * Math.PI * k / 8; ring.push(x, 0.5 * Math.cos(a), 0.5 * Math.sin(a)); }
  const idx = []; for (let k = 0; k < 8; k++) { const k1 = (k + 1) % 8; idx.push(k, k1, 8 + k1, k, 8 + k1, 8 + k); }
  for (let k = 1; k < 7; k++) idx.push(0, k + 1, k, 8, 8 + k, 8 + k + 1);
  const N = 20000, offs = new Float32Array(N * 4);
  for (let i = 0; i < N; i++) { offs[i * 4] = Math.random() * 2 - 1; offs[i * 4 + 1] = Math.random() * 2 - 1; offs[i * 4 + 3] = 0.004; }
  const buffer = (target, data) => { const b = gl.createBuffer(); gl.bindBuffer(target, b); gl.bufferData(target, data, gl.STATIC_DRAW); };
  const vaoI = gl.createVertexArray(); gl.bindVertexArray(vaoI);
  buffer(gl.ARRAY_BUFFER, new Float32Array(ring)); gl.enableVertexAttribArray(pl); gl.vertexAttribPointer(pl, 3, gl.FLOAT, false, 0, 0);
  buffer(gl.ARRAY_BUFFER, offs); gl.enableVertexAttribArray(ol); gl.vertexAttribPointer(ol, 4, gl.FLOAT, false, 0, 0); gl.vertexAttribDivisor(ol, 1);
  buffer(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array(idx));
  const instanced = (mode, count) => { gl.bindVertexArray(vaoI); gl.drawElementsInstanced(mode, count, gl.UNSIGNED_SHORT, 0, N); };
`;

const COSTS = `(async () => {
  ${SCENE}
  const vaoM = gl.createVertexArray(); gl.bindVertexArray(vaoM);
  const mp = new Float32Array(N * 48), mo = new Float32Array(N * 64), mi = new Uint32Array(N * idx.length);
  for (let i = 0; i < N; i++) {
    for (let v = 0; v < 16; v++) { for (let c = 0; c < 3; c++) mp[(i * 16 + v) * 3 + c] = ring[v * 3 + c]; for (let c = 0; c < 4; c++) mo[(i * 16 + v) * 4 + c] = offs[i * 4 + c]; }
    for (let j = 0; j < idx.length; j++) mi[i * idx.length + j] = idx[j] + i * 16;
  }
  buffer(gl.ARRAY_BUFFER, mp); gl.enableVertexAttribArray(pl); gl.vertexAttribPointer(pl, 3, gl.FLOAT, false, 0, 0);
  buffer(gl.ARRAY_BUFFER, mo); gl.enableVertexAttribArray(ol); gl.vertexAttribPointer(ol, 4, gl.FLOAT, false, 0, 0);
  buffer(gl.ELEMENT_ARRAY_BUFFER, mi);
  const px = new Uint8Array(4);
  // Median of 5, each drawn and read back (readPixels waits for the GPU process to finish it).
  const time = (draw) => { const ts = []; for (let r = 0; r < 5; r++) { gl.clear(gl.COLOR_BUFFER_BIT); const s = performance.now(); draw(); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); ts.push(performance.now() - s); } ts.sort((a, b) => a - b); return Math.round(ts[2]); };
  time(() => instanced(gl.TRIANGLES, idx.length));
  const out = {};
  for (let round = 0; round < 2; round++) {
    out['instanced cylinders (28 triangles each), round ' + (round + 1)] = time(() => instanced(gl.TRIANGLES, idx.length));
    out['the same triangles merged, one plain draw, round ' + (round + 1)] = time(() => { gl.bindVertexArray(vaoM); gl.drawElements(gl.TRIANGLES, mi.length, gl.UNSIGNED_INT, 0); });
    out['instances of 2 triangles, round ' + (round + 1)] = time(() => instanced(gl.TRIANGLES, 6));
    out['instances of 1 line, round ' + (round + 1)] = time(() => instanced(gl.LINES, 2));
  }
  return out;
})()`;

const FRAMES = `(async () => {
  const tasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) tasks.push(e.duration); }).observe({ type: 'longtask' });
  ${SCENE}
  const s = performance.now(); let frames = 0;
  await new Promise((done) => { const f = () => { gl.clear(gl.COLOR_BUFFER_BIT); instanced(gl.TRIANGLES, idx.length); if (++frames < 15) requestAnimationFrame(f); else done(); }; requestAnimationFrame(f); });
  await new Promise((r) => setTimeout(r, 500));
  return { frames, wallMs: Math.round(performance.now() - s), longTasks: tasks.length, inLongTasksMs: Math.round(tasks.reduce((a, x) => a + x, 0)) };
})()`;

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
for (const gpuCompositing of [false, true]) {
  const browser = await launchBenchBrowser(gpuCompositing);
  try {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.setContent('<canvas id=c width=800 height=600></canvas>');
    const label = gpuCompositing ? 'GPU compositing (SwiftShader)' : 'software compositing (--disable-gpu, as the tests)';
    if (!gpuCompositing) console.log('draw of 20,000 instances, ms:', await page.evaluate(COSTS), `load ${load()}`);
    console.log(`${label}: 15 frames of 20,000 instanced cylinders:`, await page.evaluate(FRAMES), `load ${load()}`);
  } finally {
    await browser.close();
  }
}
