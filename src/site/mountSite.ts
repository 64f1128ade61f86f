/**
 * The site view's entry, loaded by a dynamic import (src/ui/siteLauncher.ts): from a screening's
 * answer to the view. The works come from the screening itself (or, for one open cut, the request it
 * answered); the lines from the layers route with the site's bbox (`GET /api/network/{v}/layers/{u}?bbox=`),
 * which for a contractor answers only the stretches within their own sites (src/server/access/siteClip.ts).
 *
 * A poor connection: what a site opened with is kept on the device (offlineCopy.ts); when the layers
 * cannot be fetched (no network, a timeout, the server or a proxy not answering), the kept copy's
 * lines are drawn instead, marked with their network version and when they were saved, with the
 * verdicts of the screening being opened (never the copy's: see below). Any other error (the server
 * refused: signed out, no access) is shown as it is.
 */
import type { LocalFrame } from '../core/crs';
import type { ColourScheme } from '../core/colours';
import type { DigScreening, WorksScreening } from '../core/digScreening';
import type { UtilityType } from '../core/model';
import { decodeLayer, type LayerPayload } from '../protocol/layerPayload';
import { loadCopy, saveCopy, siteCopyKey, unreachable, type SiteCopy } from './offlineCopy';
import { screenedWorks, siteLines, siteModel } from './siteModel';
import './site.css';
import { SiteView } from './siteView';
import type { SiteT } from './siteWords';

export interface MountSite {
  frame: LocalFrame;
  /** The network version in force (the layers are asked of it); when it is not the screening's, the view says so (siteNotes.ts). */
  version: number;
  /** Whose copy this is (offlineCopy.ts): the signed-in user's name. */
  user: string;
  result: DigScreening | WorksScreening;
  /** For a one-dig screening (DigScreening): the footprint and depth it was asked with. */
  openCut?: { footprint: [number, number][]; depth: number };
  utilities: readonly UtilityType[];
  /** A layer's lines within a bbox (west, south, east, north in degrees), as the server gives this viewer. */
  layer(utility: UtilityType, bbox: [number, number, number, number]): Promise<LayerPayload>;
  /** data/rules/display.json siteMarginM. */
  marginM: number;
  /** data/rules/display.json siteSectionStepM. */
  sectionStepM: number;
  scheme: ColourScheme;
  t: SiteT;
  /** A saved time as the interface writes times. */
  time(ms: number): string;
  progress(done: number, total: number): void;
  onClose(): void;
}

export async function mountSite(parent: HTMLElement, o: MountSite): Promise<SiteView> {
  const works = screenedWorks(o.result, o.openCut);
  const key = siteCopyKey(o.user, works.map((w) => w.work));
  const asked = siteModel(o.frame, works, o.result.notifyDistance, o.marginM);
  let copy: SiteCopy, offline = false;
  // Only the requests are in here: a fetch that fails to reach the server rejects with a TypeError.
  try {
    let done = 0;
    o.progress(0, o.utilities.length);
    const payloads = await Promise.all(o.utilities.map(async (u) => {
      const p = await o.layer(u, asked.lonLatBox);
      o.progress(++done, o.utilities.length);
      return p;
    }));
    copy = { key, version: o.version, savedAt: Date.now(), result: o.result, ...(o.openCut ? { openCut: o.openCut } : {}), payloads };
    // Keeping it must never stop the view: a full or disabled store only loses the offline copy.
    await saveCopy(copy).catch((e: unknown) => console.warn('site view: offline copy not kept', e));
  } catch (e) {
    if (!unreachable(e)) throw e;
    const kept = await loadCopy(key).catch(() => null);
    if (!kept) throw new Error(o.t('site.noOfflineCopy'), { cause: e });
    copy = kept;
    offline = true;
  }
  // The verdicts are always the screening the user opened (the one their panel shows), never the kept
  // copy's: a copy screened earlier, or with other rules, could rate a line milder. The copy gives the lines.
  const { lines, unseen } = siteLines(asked, copy.payloads.flatMap(decodeLayer), o.result.lines);
  const offlineNote = !offline ? null : [
    o.t('site.offline', { version: copy.version, at: o.time(copy.savedAt) }),
    ...(o.result.networkVersion !== copy.version ? [o.t('site.offlineOtherVersion', { screened: o.result.networkVersion, version: copy.version })] : []),
  ].join(' ');
  // The lines drawn are of `copy.version` (the version in force, or an offline copy's): not the screening's, the view says so.
  const versions = { screened: o.result.networkVersion, loaded: copy.version };
  const view = new SiteView(parent, {
    model: asked, lines, unseen, rows: o.result.lines, versions, scheme: o.scheme, t: o.t, sectionStepM: o.sectionStepM, offlineNote, onClose: o.onClose,
  });
  view.element.dataset['offline'] = offline ? String(copy.version) : '';
  return view;
}
