import { describe, expect, it } from 'vitest';
import clearancesJson from '../../data/rules/clearances.json';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import type { Link, UtilityType } from '../../src/core/model';
import { checkClearances } from '../../src/core/screening/clearanceCheck';
import { validateClearanceRules } from '../../src/core/screening/networkRules';

const RULES = validateClearanceRules(clearancesJson);
function line(id: string, utility: UtilityType, points: [number, number, number][]): Link {
  return { id, utility, subtype: 'main', material: 'pe', section: { shape: 'circular', diameterMm: 100 }, pressureClass: null, installYear: null,
    owner: 't', status: 'in_service', qualityLevel: 'B', street: null, fromNode: null, toNode: null,
    vertices: Float64Array.from(points.flatMap(([x, y, z]) => [x, y, z, z + 1.5])) };
}

describe('the clearance report does not depend on where other lines are (the table stores lines in Hilbert order)', () => {
  it('an exact tie between two segment pairs goes to the same pair whatever other lines the network holds', () => {
    // A's segment 0 and B's segment 1 are 0.5 m apart at x = 0; A's segment 1 and B's segment 0 likewise at x = 100.
    const a = line('A', 'gas', [[0, 0, -1], [1, 0, -1], [100, 0, -1]]);
    const b = line('B', 'water', [[100, 0.5, -1], [50, 50, -1], [0, 0.5, -1]]);
    const alone = checkClearances([a, b], RULES).findings;
    expect(alone).toHaveLength(1);
    for (const [x, y] of [[-5000, 2000], [0, 9000], [5000, -3000]] as const) {
      const far = line('C', 'power', [[x, y, -1], [x + 10, y, -1]]);
      expect(checkClearances([a, b, far], RULES).findings).toEqual(alone);
    }
  });

  it('gives the sample city the same findings, to the last bit, with one more line far away', () => {
    const links = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 42 })] }).links;
    const before = checkClearances(links, RULES);
    // Far north, not east: the frame's scale bound reads |x| only (frameScale.ts), so it stays the same.
    const far = line('far-away', 'telecom', [[0, 5e4, -1], [10, 5e4, -1]]);
    const after = checkClearances([...links, far], RULES);
    expect(after.findings.length).toBeGreaterThan(100);
    expect(after.findings).toEqual(before.findings);
    expect(after.checkByHand).toEqual(before.checkByHand);
  });
});
