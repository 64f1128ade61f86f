/**
 * Flatbush's box search (flatbush 4, `Flatbush.search` without a filter) into reused typed arrays:
 * the same items, found by walking the same packed tree (`_boxes`, `_indices`, `_levelBounds`), but
 * no arrays are allocated per query. screen.ts runs one or more per screening; at a few microseconds
 * a screening, the two arrays flatbush allocates per search were a tenth of the time in the garbage
 * collector. The index stays flatbush's, built and shared as before (segmentTable.ts, sharedTable.ts).
 */
import type Flatbush from 'flatbush';
import { gridOf, searchGrid } from './gridIndex';

export class IndexSearch {
  /** Items found by the last `run`, in `items[0 .. count − 1]`. */
  items = new Int32Array(256);
  count = 0;
  /** The sum of the early reads (kept so that they are not optimised away). */
  warm = 0;
  /** Pending nodes: (box position, level) pairs. */
  private stack = new Int32Array(256);

  private readonly grow = (needed: number): Int32Array => {
    const s = new Int32Array(Math.max(needed, 2 * this.items.length));
    s.set(this.items);
    return (this.items = s);
  };

  /**
   * Every item whose box meets [minX, maxX] × [minY, maxY] (touching counts), as Flatbush.search:
   * through the index's grid (gridIndex.ts) once it has one, else by walking the tree.
   */
  run(index: Flatbush, minX: number, minY: number, maxX: number, maxY: number): number {
    const grid = gridOf(index);
    // An inverted or NaN box (never from a screening) goes to the tree walk, whose answer the grid's would not match.
    if (grid !== null && minX <= maxX && minY <= maxY) {
      return (this.count = searchGrid(grid, minX, minY, maxX, maxY, this.items, this.grow));
    }
    return this.walk(index, minX, minY, maxX, maxY);
  }

  /** The same search by flatbush's tree, whatever the index's grid. */
  walk(index: Flatbush, minX: number, minY: number, maxX: number, maxY: number): number {
    const boxes = index._boxes, indices = index._indices, levelBounds = index._levelBounds, nodeSize = index.nodeSize;
    if (index._pos !== boxes.length) throw new Error('IndexSearch: the index is not finished');
    const leafEnd = index.numItems * 4;
    let stack = this.stack, items = this.items;
    let top = 0, count = 0, warm = 0;
    let nodeIndex = boxes.length - 4;
    let level = levelBounds.length - 1;
    for (;;) {
      const end = Math.min(nodeIndex + nodeSize * 4, levelBounds[level]!);
      const isNode = nodeIndex >= leafEnd;
      // The tree is packed level by level, node k of a level over children k·nodeSize… of the level
      // below, so a node's first child is computed rather than read from `_indices` (one less cache
      // line per node); flatbush stores the same number there (the test checks the searches agree).
      const levelStart = isNode ? levelBounds[level - 1]! : 0, childLevelStart = level >= 2 ? levelBounds[level - 2]! : 0;
      for (let pos = nodeIndex; pos < end; pos += 4) {
        if (maxX < boxes[pos]! || maxY < boxes[pos + 1]! || minX > boxes[pos + 2]! || minY > boxes[pos + 3]!) continue;
        if (isNode) {
          const index = childLevelStart + (pos - levelStart) * nodeSize;
          if (top + 2 > stack.length) { const s = new Int32Array(2 * stack.length); s.set(stack); this.stack = stack = s; }
          stack[top++] = index; stack[top++] = level - 1;
          // Read one number from each cache line of the child's boxes (16 boxes of 4 float32: 4 lines)
          // now: their misses overlap this node's remaining tests instead of waiting for the pop.
          if (index + 48 < boxes.length) warm += boxes[index]! + boxes[index + 16]! + boxes[index + 32]! + boxes[index + 48]!;
        } else {
          if (count === items.length) { const s = new Int32Array(2 * items.length); s.set(items); this.items = items = s; }
          items[count++] = indices[pos >> 2]!;
        }
      }
      if (top === 0) break;
      level = stack[--top]!;
      nodeIndex = stack[--top]!;
    }
    this.count = count;
    this.warm = warm;
    return count;
  }
}
