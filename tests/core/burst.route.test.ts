/**
 * The small pure pieces the dispatcher's screen adds to the burst engine: the crew's valve route,
 * the rules table reader, and nearby-line distances, each against a brute force.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBurstRules } from '../../src/core/burst/burstRules';
import { linesNearBurst } from '../../src/core/burst/nearbyLines';
import { orderValveRoute, type PlanPoint } from '../../src/core/burst/valveRoute';
import type { Link } from '../../src/core/model';
import { RulesError } from '../../src/core/rulesTable';

const dist = (a: PlanPoint, b: PlanPoint) => Math.hypot(a.x - b.x, a.y - b.y);

function pathLength(start: PlanPoint, points: PlanPoint[], order: number[]): number {
  let at = start, sum = 0;
  for (const i of order) { sum += dist(at, points[i]!); at = points[i]!; }
  return sum;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

const point = fc.record({ x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }) });

describe('the crew route through the valves', () => {
  it('visits every valve once and its legs add up to its length', () => {
    fc.assert(fc.property(point, fc.array(point, { maxLength: 30 }), (start, points) => {
      const r = orderValveRoute(start, points);
      expect([...r.order].sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
      expect(r.length).toBeCloseTo(pathLength(start, points, r.order), 6);
      expect(r.legs).toHaveLength(points.length);
    }));
  });

  it('is a 2-opt local optimum and within 1.5x of the best tour on small sets', () => {
    fc.assert(fc.property(point, fc.array(point, { minLength: 1, maxLength: 7 }), (start, points) => {
      const r = orderValveRoute(start, points);
      const best = Math.min(...permutations(points.length).map((p) => pathLength(start, points, p)));
      expect(r.length).toBeGreaterThanOrEqual(best - 1e-6);
      expect(r.length).toBeLessThanOrEqual(best * 1.5 + 1e-6);
      for (let i = 0; i < r.order.length; i++) {
        for (let j = i + 1; j < r.order.length; j++) {
          const o = [...r.order.slice(0, i), ...r.order.slice(i, j + 1).reverse(), ...r.order.slice(j + 1)];
          expect(pathLength(start, points, o)).toBeGreaterThanOrEqual(r.length - 1e-6);
        }
      }
    }));
  });

  it('starts with the nearest valve when they lie on a line away from the start', () => {
    const r = orderValveRoute({ x: 0, y: 0 }, [{ x: 30, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 0 }]);
    expect(r.order).toEqual([1, 2, 0]);
    expect(r.legs).toEqual([10, 10, 10]);
  });
});

describe('the burst rules table', () => {
  const json = JSON.parse(readFileSync('data/rules/burst.json', 'utf8')) as Record<string, unknown>;

  it('reads the shipped table: a default nearby distance inside its range and a depot in the sample city', () => {
    const rules = parseBurstRules(json);
    expect(rules.nearbyDistance.value).toBeGreaterThanOrEqual(rules.nearbyDistance.min);
    expect(rules.nearbyDistance.value).toBeLessThanOrEqual(rules.nearbyDistance.max);
    expect(rules.depots[0]!.lon).toBeGreaterThan(113.32);
    expect(rules.depots[0]!.lon).toBeLessThan(113.34);
    expect(rules.route.start).toBe('depot');
  });

  it('refuses a bad value, naming where it is', () => {
    const bad = { ...json, nearbyDistance: { ...(json['nearbyDistance'] as object), value: 500 } };
    expect(() => parseBurstRules(bad)).toThrow(RulesError);
    expect(() => parseBurstRules(bad)).toThrow(/nearbyDistance\.value/);
    expect(() => parseBurstRules({ ...json, depots: [{ id: 'x', name: { en: 'X' }, lon: 500, lat: 0 }] })).toThrow(/depots\[0\]\.lon/);
  });
});

describe('lines near a burst pipe', () => {
  const line = (id: string, utility: Link['utility'], xy: number[], depth = 1): Link => {
    const v: number[] = [];
    for (let i = 0; i < xy.length; i += 2) v.push(xy[i]!, xy[i + 1]!, 10 - depth - 0.1, 10);
    return {
      id, utility, subtype: 'main', material: 'pe', section: { shape: 'circular', diameterMm: 200 }, pressureClass: null,
      installYear: null, owner: 'o', status: 'in_service', qualityLevel: null, street: null, fromNode: null, toNode: null,
      vertices: Float64Array.from(v),
    };
  };
  const burst = line('W1', 'water', [0, 0, 100, 0]);

  it('measures plan distance between centrelines, crossing lines at zero, and leaves water out', () => {
    const near = linesNearBurst(burst, [
      line('G1', 'gas', [50, 3, 80, 3]), line('P1', 'power', [40, -10, 40, 10], 2), line('T1', 'telecom', [0, 9, 100, 9]),
      line('W2', 'water', [0, 1, 100, 1]), line('G2', 'gas', [103, 4, 110, 4]),
    ], 5);
    expect(near.map((n) => [n.id, n.distance])).toEqual([['P1', 0], ['G1', 3], ['G2', 5]]);
    expect(near[0]!.depth).toBeCloseTo(2, 6);
    expect(near[0]!.x).toBeCloseTo(40, 6);
    expect(near[0]!.y).toBeCloseTo(0, 6);
  });
});
