/**
 * The words the site view shows, by message key: the interface's dictionaries (src/ui/messages/site.ts
 * and the shared core words) hold them in zh-CN and en; the UI hands the view a translator for these
 * keys, so src/site never imports src/ui.
 */
import type { QualityLevel, UtilityType } from '../core/model';
import type { Verdict } from '../core/screening/verdicts';

export type SiteKey =
  | 'site.title' | 'site.close' | 'site.hint' | 'site.section' | 'site.sectionAcross' | 'site.ground' | 'site.depthUnknown'
  | 'site.depthTop' | 'site.notListed' | 'site.clearance' | 'site.tolerance' | 'site.unseen' | 'site.noCuts' | 'site.closeCard'
  | 'site.sectionMove' | 'site.sectionBack' | 'site.sectionOn' | 'site.sectionWhere' | 'site.sectionUser'
  | 'site.locate' | 'site.positionFinding' | 'site.positionRefused' | 'site.positionUnavailable' | 'site.positionNoApi' | 'site.positionInsecure'
  | 'site.positionNear' | 'site.positionNoSevere' | 'site.positionCoarse' | 'site.offline' | 'site.offlineOtherVersion' | 'site.noOfflineCopy'
  | 'site.stale' | 'site.notListedStale' | 'site.unseenStale' | 'site.metres' | 'site.sizeRound' | 'site.sizeRect'
  | 'attr.owner' | 'attr.quality' | 'attr.size' | 'col.line' | 'col.verdict' | 'col.d3' | 'col.h' | 'col.v'
  | `utility.${UtilityType}` | `verdict.${Verdict}` | `quality.${QualityLevel}` | 'quality.null';

export type SiteT = (key: SiteKey, params?: Record<string, string | number>) => string;
