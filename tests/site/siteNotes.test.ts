/**
 * What the dig-site view says when a permit's stored screening was made on an earlier network version
 * than the lines it draws (src/site/siteNotes.ts), in the interface's own words (src/ui/i18n.ts,
 * zh-CN and en): a banner naming both versions; a line without a row "may be new", a row without a
 * line "may have been removed". With the versions equal, the words are as before.
 */
import { describe, expect, it } from 'vitest';
import { siteNotes } from '../../src/site/siteNotes';
import type { SiteT } from '../../src/site/siteWords';
import { LOCALES, translate } from '../../src/ui/i18n';

const tIn = (locale: (typeof LOCALES)[number]): SiteT => (k, p) => translate(locale, k, p);

describe('the site view’s notes on network versions', () => {
  it('says nothing extra when the screening was made on the version drawn', () => {
    const n = siteNotes({ screened: 4, loaded: 4 }, tIn('en'));
    expect(n.stale).toBeNull();
    expect(n.notListed).toBe('Not listed by the screening: farther than the notify distance.');
    expect(n.unseen(['G1', 'W2'])).toBe('Listed by the screening but not drawn (not shown to your role): G1, W2');
  });

  it('names both versions and says a line may be new or removed when they differ, in both languages', () => {
    const en = siteNotes({ screened: 3, loaded: 5 }, tIn('en'));
    expect(en.stale).toBe('Screened against network version 3; the network is now version 5: re-screen before relying on this view.');
    expect(en.notListed).toContain('may be new since version 3');
    expect(en.notListed).not.toContain('notify distance');
    expect(en.unseen(['G1'])).toContain('removed since version 3');
    expect(en.unseen(['G1'])).toContain('G1');
    const zh = siteNotes({ screened: 3, loaded: 5 }, tIn('zh-CN'));
    expect(zh.stale).toBe('筛查基于管网版本 3，管网现为版本 5：请重新筛查后再以此为据。');
    expect(zh.notListed).toContain('版本 3 之后新增');
    expect(zh.unseen(['G1'])).toContain('版本 3 之后已删除');
    // No placeholder is left unfilled in any locale.
    for (const l of LOCALES) {
      const n = siteNotes({ screened: 3, loaded: 5 }, tIn(l));
      for (const text of [n.stale!, n.notListed, n.unseen(['G1'])]) expect(text, l).not.toMatch(/[{}]/);
    }
  });
});
