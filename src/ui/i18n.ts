/** The interface speaks zh-CN and en. Every string a person reads comes from here. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * Every feature keeps its words in src/ui/messages/<feature>.ts; add a feature's dictionary here.
 * Keys are namespaced by feature ("burst.…", "permit.…") so dictionaries never collide.
 */
import { coreMessages } from './messages/core';
import { burstMessages } from './messages/burst';
import { digMessages } from './messages/dig';
import { permitMessages } from './messages/permit';
import { styleMessages } from './messages/style';
import { accessMessages } from './messages/access';
import { reportMessages } from './messages/reports';
import { siteMessages } from './messages/site';

const en = {
  ...coreMessages.en,
  ...burstMessages.en,
  ...digMessages.en,
  ...permitMessages.en,
  ...styleMessages.en,
  ...accessMessages.en,
  ...reportMessages.en,
  ...siteMessages.en,
};
const zhCN = {
  ...coreMessages['zh-CN'],
  ...burstMessages['zh-CN'],
  ...digMessages['zh-CN'],
  ...permitMessages['zh-CN'],
  ...styleMessages['zh-CN'],
  ...accessMessages['zh-CN'],
  ...reportMessages['zh-CN'],
  ...siteMessages['zh-CN'],
};

export type MessageKey = keyof typeof en;

const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** The browser's preferred language decides the default: any zh-* reads Chinese. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    if (/^zh\b/i.test(lang)) return 'zh-CN';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = MESSAGES[locale][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function hasMessage(key: string): key is MessageKey {
  return key in en;
}
