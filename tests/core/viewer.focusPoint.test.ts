import { Cartesian3, Cartographic, Math as CesiumMath } from 'cesium';
import { describe, expect, it } from 'vitest';
import { displayPointNear } from '../../src/viewer/focusPoint';
import type { LinePick } from '../../src/viewer/lineIndex';

/** A drawn line from [lon, lat, height] vertices (height = z − ground, as the viewer draws it). */
function piece(linkId: string, vertices: [number, number, number][]): LinePick {
  return {
    kind: 'link', linkId, utility: 'water',
    positions: vertices.map(([lon, lat, h]) => Cartesian3.fromDegrees(lon, lat, h)),
    cover: vertices.map(() => 1),
  };
}

function lonLatHeight(p: Cartesian3): [number, number, number] {
  const c = Cartographic.fromCartesian(p);
  return [CesiumMath.toDegrees(c.longitude), CesiumMath.toDegrees(c.latitude), c.height];
}

describe('displayPointNear: where focusing a screened line points the camera', () => {
  // A water main along a parallel, drawn 1.5 m then 3.5 m below ground.
  const whole = piece('w1', [[113.30, 23.10, -1.5], [113.301, 23.10, -1.5], [113.302, 23.10, -3.5]]);

  it('lands on the line at its drawn depth, interpolated along the nearest segment', () => {
    // Over the middle of the second segment, 20 m north of the line in plan.
    const [lon, lat, h] = lonLatHeight(displayPointNear([whole], 113.3015, 23.10018)!);
    expect(lon).toBeCloseTo(113.3015, 6);
    expect(lat).toBeCloseTo(23.10, 6);
    expect(h).toBeCloseTo(-2.5, 1);
  });

  it('finds the point on a contractor\'s clipped pieces, whose vertices do not follow the whole line\'s numbering', () => {
    const first = piece('w1', [[113.30, 23.10, -1.5], [113.3005, 23.10, -1.5]]);
    const second = piece('w1#2', [[113.3015, 23.10, -2.5], [113.302, 23.10, -3.5]]);
    const [lon, , h] = lonLatHeight(displayPointNear([first, second], 113.30175, 23.10)!);
    expect(lon).toBeCloseTo(113.30175, 6);
    expect(h).toBeCloseTo(-3.0, 1);
    // Beyond a piece's end the nearest point is that end, not a point off the drawn line.
    const [endLon, , endH] = lonLatHeight(displayPointNear([first, second], 113.3009, 23.10)!);
    expect(endLon).toBeCloseTo(113.3005, 6);
    expect(endH).toBeCloseTo(-1.5, 1);
  });

  it('handles a line drawn as a single point and answers null with nothing drawn', () => {
    const [lon, lat, h] = lonLatHeight(displayPointNear([piece('v', [[113.3, 23.1, -2]])], 113.3001, 23.1)!);
    expect([lon, lat]).toEqual([expect.closeTo(113.3, 6), expect.closeTo(23.1, 6)]);
    expect(h).toBeCloseTo(-2, 1);
    expect(displayPointNear([], 113.3, 23.1)).toBeNull();
  });
});
