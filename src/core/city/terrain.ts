/**
 * Ground elevation of the sample city, m in the 1985 national height datum, as a function of the
 * city frame (m east and north of the city origin). Tianhe is flat and falls gently south toward
 * the Pearl River: about 9 m at the large city's southern edge, 19 m at its northern edge, with
 * low swells of under a metre. The surface is the place, not the seed: every seed and size share it.
 */

const MEAN_ELEVATION_M = 14;
/** Northward rise, m per m (0.14 %). */
const NORTH_RISE = 0.0014;

export function groundElevation(x: number, y: number): number {
  return (
    MEAN_ELEVATION_M +
    NORTH_RISE * y +
    0.6 * Math.sin(x / 610 + 0.7) * Math.cos(y / 830 - 0.2) +
    0.35 * Math.sin((x - 0.6 * y) / 290 + 1.3)
  );
}
