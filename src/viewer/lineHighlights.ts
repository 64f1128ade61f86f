/**
 * Lines lit up over the network, each in its own colour with a black outline: the screened lines of a
 * dig by verdict (digOverlay.ts), the line or pair a network report's finding names
 * (src/ui/reports). The lines' geometry may have to come from the screening worker first
 * (lineIndex.ts `load`); only the latest `show` draws.
 */
import { Color, Material, PolylineCollection, type Scene } from 'cesium';
import type { LineLookup, LinePick } from './lineIndex';

export const HIGHLIGHT_WIDTH_PX = 9;
/**
 * A network report's chosen finding: lime, which is no verdict colour (digOverlay.ts) and no utility's
 * in either colour convention (colours.ts), so it reads as "this finding" over any layer.
 */
export const FINDING_COLOUR = '#c6ff00';

export class LineHighlights {
  private readonly polylines: PolylineCollection;
  private call = 0;

  constructor(private readonly scene: Scene, private readonly layers: LineLookup) {
    this.polylines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  }

  /** Lines drawn now. */
  get length(): number {
    return this.polylines.length;
  }

  /**
   * Replaces the lit lines. Resolves with the lines drawn (those this map holds), or null when a later
   * call replaced this one before its lines were loaded.
   */
  async show(lines: readonly { linkId: string; colour: string }[]): Promise<{ linkId: string; pick: LinePick }[] | null> {
    const call = ++this.call;
    await this.layers.load(lines.map((l) => l.linkId)).catch((e: Error) => console.error(e));
    if (call !== this.call) return null;
    this.polylines.removeAll();
    const drawn: { linkId: string; pick: LinePick }[] = [];
    for (const line of lines) {
      const pick = this.layers.pickOf(line.linkId);
      if (!pick) continue;
      this.polylines.add({
        positions: pick.positions,
        width: HIGHLIGHT_WIDTH_PX,
        // One material per polyline: removing a polyline destroys its material.
        material: Material.fromType('PolylineOutline', { color: Color.fromCssColorString(line.colour), outlineColor: Color.BLACK, outlineWidth: 2 }),
        id: pick,
      });
      drawn.push({ linkId: line.linkId, pick });
    }
    this.scene.requestRender();
    return drawn;
  }

  destroy(): void {
    this.call++;
    this.scene.primitives.remove(this.polylines);
  }
}
