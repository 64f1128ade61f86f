/**
 * One feature's dictionary in both languages. The Chinese side must carry every key the English
 * side has, so a missing translation is a type error, not a blank label.
 */
export interface FeatureMessages<K extends string> {
  en: Record<K, string>;
  'zh-CN': Record<K, string>;
}

export function defineMessages<K extends string>(en: Record<K, string>, zhCN: Record<K, string>): FeatureMessages<K> {
  return { en, 'zh-CN': zhCN };
}
