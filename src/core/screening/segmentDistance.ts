/**
 * What every distance kernel answers for one segment (the open cut's prism, distance.ts; the convex
 * prism, convexPrism.ts; the cylinder, cylinder.ts; the capsule, capsule.ts), and what a union of
 * pieces folds them into (volume.ts `foldPieceDistance`, hits.ts's slots): the 3D distance and its
 * closest point, the plan distance and the vertical gap, each with its parameter along the segment.
 * An out-parameter, written in place: a kernel call allocates nothing.
 */
export interface SegmentPrismDistance {
  /** Minimum 3D distance from the segment to the piece (or union of pieces), m; 0 when they meet. */
  distance: number;
  /** Parameter along the segment (0 at the first end, 1 at the second) of a closest point. */
  t: number;
  /** The closest point on the segment, absolute local frame. */
  x: number; y: number; z: number;
  /** Plan distance from the segment's plan to the piece's; 0 when they overlap in plan. */
  horizontal: number;
  /** Parameter along the segment where the plan distance is attained. */
  horizontalT: number;
  /** Smallest vertical gap to the piece where the segment is over or under it; null if never. */
  vertical: number | null;
  /** Parameter along the segment where the vertical gap is attained; NaN when vertical is null. */
  verticalT: number;
}

export function createSegmentPrismDistance(): SegmentPrismDistance {
  return { distance: Infinity, t: 0, x: NaN, y: NaN, z: NaN, horizontal: Infinity, horizontalT: 0, vertical: null, verticalT: NaN };
}
