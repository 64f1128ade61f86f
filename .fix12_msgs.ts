import { lonLatTransform } from './src/core/crs';
import { signIn } from './tests/helpers/session';
import { startTestServer } from './tests/helpers/testServer';
const server = await startTestServer('small');
const headers = await signIn(server.url, 'reviewer');
const summary = await (await fetch(`${server.url}api/network`, { headers })).json() as any;
const { fromLocal } = lonLatTransform(summary.frame);
const sq = (x: number, y: number, h: number) => [[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h]].map(([a, b]) => fromLocal(a!, b!));
const fp = sq(0, 0, 3);
const post = async (body: unknown, q = '') => { const r = await fetch(`${server.url}api/screenings${q}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }); return { status: r.status, body: await r.json() as any }; };
const g = { groundElevation: 10, ruleSetId: 'cn-gb50289' };
const cases: [string, unknown][] = [
  ['negative override', { footprint: fp, depth: 2, ...g, overrides: { clearances: { gas: -1 } } }],
  ['override notify string', { footprint: fp, depth: 2, ...g, overrides: { notifyDistance: '3' } }],
  ['huge notify override', { footprint: fp, depth: 2, ...g, overrides: { notifyDistance: 1e9 } }],
  ['override notify 1e5', { footprint: fp, depth: 2, ...g, overrides: { notifyDistance: 1e5 } }],
  ['stale version', { footprint: fp, depth: 2, ...g, networkVersion: 0 }],
  ['version string', { footprint: fp, depth: 2, ...g, networkVersion: '1' }],
  ['ground string', { footprint: fp, depth: 2, groundElevation: '12', ruleSetId: 'cn-gb50289' }],
  ['depth string', { footprint: fp, depth: '2', ...g }],
  ['depth 200', { footprint: fp, depth: 200, ...g }],
  ['trench width 60', { works: [{ kind: 'trench', centreLine: [fp[0], fp[2]], width: 60, depth: 2 }], ...g }],
  ['trench width 0', { works: [{ kind: 'trench', centreLine: [fp[0], fp[2]], width: 0, depth: 2 }], ...g }],
  ['trench slope', { works: [{ kind: 'trench', centreLine: [fp[0], fp[1]], width: 1, depths: [1, 90] }], ...g }],
  ['piles diameter 60', { works: [{ kind: 'piles', points: [fp[0]], diameter: 60, depth: 3 }], ...g }],
  ['piles diameter 0', { works: [{ kind: 'piles', points: [fp[0]], diameter: 0, depth: 3 }], ...g }],
  ['reamer 6.3001', { works: [{ kind: 'bore', path: [[...fp[0]!, 2], [...fp[2]!, 2]], reamerDiameter: 6.3001 }], ...g }],
  ['bore 2D', { works: [{ kind: 'bore', path: [fp[0], fp[2]], reamerDiameter: 0.3 }], ...g }],
  ['bore vertical', { works: [{ kind: 'bore', path: [[...fp[0]!, 2], [...fp[0]!, 6]], reamerDiameter: 0.3 }], ...g }],
  ['bore depth 0', { works: [{ kind: 'bore', path: [[...fp[0]!, 0], [...fp[2]!, 2]], reamerDiameter: 0.3 }], ...g }],
  ['open cut bottomElevation above', { works: [{ kind: 'open_cut', footprint: fp, bottomElevation: 300 }], ...g }],
  ['huge footprint', { footprint: sq(0, 0, 3000), depth: 2, ...g }],
  ['tiny footprint', { footprint: sq(0, 0, 0.001), depth: 2, ...g }],
  ['big ground range', { works: [{ kind: 'bore', path: [[...fp[0]!, 2], [...fp[2]!, 2]], reamerDiameter: 0.3 }], groundElevation: null, ruleSetId: 'cn-gb50289' }],
  ['lon 181', { footprint: [[181, 23], [113, 23], [113, 24]], depth: 2, ...g }],
  ['works 2000', { works: Array.from({ length: 2000 }, () => ({ kind: 'piles', points: [fp[0]], diameter: 1, depth: 3 })), ...g }],
  ['many piles', { works: [{ kind: 'piles', points: Array.from({ length: 20000 }, () => fp[0]), diameter: 1, depth: 3 }], ...g }],
  ['format', { footprint: fp, depth: 2, ...g }],
];
for (const [name, body] of cases) {
  const r = await post(body, name === 'format' ? '?format=kml' : '');
  console.log(`${name}: ${r.status} ${r.status === 200 ? `lines ${r.body.lines?.length}` : JSON.stringify(r.body.error)}`);
}
await server.dispose();
