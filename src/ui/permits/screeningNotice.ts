/**
 * What the printable permit and the supervisor's dashboard say when a permit's screening is not one
 * to sign or dig on (the server's `approvalHold`, src/server/permits/views.ts): its re-screening on the
 * network in force failed, it is on an older network version, or a re-screening that changed the
 * verdicts or owners is not yet acknowledged. The sheet prints `headline` and `detail` as a banner;
 * the dashboard shows `detail` on the permit's card. Words only (no DOM): the permit tests read them
 * from the real server's views in both languages.
 */
import type { ApprovalHold, PermitSummary } from '../../protocol/permitApi';
import type { MessageKey } from '../i18n';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface ScreeningNotice {
  code: ApprovalHold['code'];
  headline: string;
  /** Why, with the network versions (and the refusal, for a failed re-screening). */
  detail: string;
}

export function screeningNotice(t: Translate, p: Pick<PermitSummary, 'approvalHold' | 'rescreenFailed'>): ScreeningNotice | null {
  const hold = p.approvalHold;
  if (!hold) return null;
  const params = {
    screened: hold.screenedVersion ?? '—', version: hold.networkVersion ?? '—',
    failed: p.rescreenFailed?.networkVersion ?? '—', reason: p.rescreenFailed?.reason ?? '—',
  };
  return { code: hold.code, headline: t('permit.sheetHold'), detail: t(`permit.screeningHold.${hold.code}`, params) };
}
