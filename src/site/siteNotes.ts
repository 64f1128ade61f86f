/**
 * What the site view says about how its lines relate to the screening it draws. The lines come from
 * the network as loaded now (the layers route of the version in force); a stored screening (a
 * permit's) may have been made on an earlier version. Then the view mixes versions: a line with no
 * row may simply be new since the screening (not "farther than the notify distance"), and a row
 * whose line is not drawn may name a line removed since (not only one hidden from the viewer's
 * role). So a stale screening gets a banner naming both versions, and those two texts say so.
 */
import type { SiteT } from './siteWords';

/** The network version the screening was made on, and the one the view's lines were loaded from. */
export interface SiteVersions { screened: number; loaded: number }

export interface SiteNotes {
  /** Said above the view when the versions differ; null when they agree. */
  stale: string | null;
  /** A drawn line's card when the screening has no row for it. */
  notListed: string;
  /** The rows whose line is not drawn. */
  unseen(ids: readonly string[]): string;
}

export function siteNotes(v: SiteVersions, t: SiteT): SiteNotes {
  if (v.screened === v.loaded) {
    return { stale: null, notListed: t('site.notListed'), unseen: (ids) => t('site.unseen', { ids: ids.join(', ') }) };
  }
  const p = { screened: v.screened, current: v.loaded };
  return {
    stale: t('site.stale', p),
    notListed: t('site.notListedStale', p),
    unseen: (ids) => t('site.unseenStale', { ...p, ids: ids.join(', ') }),
  };
}
