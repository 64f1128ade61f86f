/**
 * The site view's entry, loaded by a dynamic import (src/ui/siteLauncher.ts): from a screening's
 * answer to the view. The works come from the screening itself (or, for one open cut, the request it
 * answered); the lines from the layers route with the site's bbox (`GET /api/network/{v}/layers/{u}?bbox=`),
 * which for a contractor answers only the stretches within their own sites (src/server/access/siteClip.ts).
 */
import type { LocalFrame } from '../core/crs';
import type { ColourScheme } from '../core/colours';
import type { DigScreening, WorksScreening } from '../core/digScreening';
import type { UtilityType } from '../core/model';
import { decodeLayer, type LayerPayload } from '../protocol/layerPayload';
import { screenedWorks, siteLines, siteModel } from './siteModel';
import './site.css';
import { SiteView } from './siteView';
import type { SiteT } from './siteWords';

export interface MountSite {
  frame: LocalFrame;
  result: DigScreening | WorksScreening;
  /** For a one-dig screening (DigScreening): the footprint and depth it was asked with. */
  openCut?: { footprint: [number, number][]; depth: number };
  utilities: readonly UtilityType[];
  /** The network version `layer` loads: when it is not the screening's, the view says so (siteNotes.ts). */
  networkVersion: number;
  /** A layer's lines within a bbox (west, south, east, north in degrees), as the server gives this viewer. */
  layer(utility: UtilityType, bbox: [number, number, number, number]): Promise<LayerPayload>;
  /** data/rules/display.json siteMarginM. */
  marginM: number;
  scheme: ColourScheme;
  t: SiteT;
  progress(done: number, total: number): void;
  onClose(): void;
}

export async function mountSite(parent: HTMLElement, o: MountSite): Promise<SiteView> {
  const model = siteModel(o.frame, screenedWorks(o.result, o.openCut), o.result.notifyDistance, o.marginM);
  let done = 0;
  o.progress(0, o.utilities.length);
  const payloads = await Promise.all(o.utilities.map(async (u) => {
    const p = await o.layer(u, model.lonLatBox);
    o.progress(++done, o.utilities.length);
    return p;
  }));
  const { lines, unseen } = siteLines(model, payloads.flatMap(decodeLayer), o.result.lines);
  const versions = { screened: o.result.networkVersion, loaded: o.networkVersion };
  return new SiteView(parent, { model, lines, unseen, rows: o.result.lines, versions, scheme: o.scheme, t: o.t, onClose: o.onClose });
}
