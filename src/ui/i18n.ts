/** The interface speaks zh-CN and en. Every string a person reads comes from here. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  appTitle: 'Undergrid',
  togglePanel: 'Show or hide the panel',
  home: 'View the whole network',
  language: 'Language',
  layers: 'Layers',
  'utility.water': 'Water', 'utility.sewer': 'Sewer', 'utility.storm': 'Storm drainage', 'utility.gas': 'Gas',
  'utility.power': 'Power', 'utility.telecom': 'Telecom', 'utility.heat': 'District heat',
  colourScheme: 'Colours', 'scheme.cjj61': 'CJJ 61 (China)', 'scheme.apwa': 'APWA (USA)',
  underground: 'Underground', undergroundOn: 'Underground view on: ground is translucent',
  groundLevel: 'Ground level', cameraAbove: '{m} m above ground', cameraBelow: '{m} m below ground',
  loading: 'Loading network… {done}/{total} layers', loaded: 'Network v{version}: {links} lines, {segments} segments',
  loadFailed: 'Could not load the network: {message}',
  attributes: 'Line attributes', close: 'Close',
  'attr.type': 'Type', 'attr.id': 'ID', 'attr.owner': 'Owner', 'attr.material': 'Material', 'attr.size': 'Size',
  'attr.cover': 'Depth of cover here', 'attr.installYear': 'Install year', 'attr.quality': 'Quality level',
  'attr.subtype': 'Subtype', 'attr.pressure': 'Pressure / voltage', 'attr.street': 'Street', 'attr.status': 'Status',
  'quality.A': 'QL-A exposed', 'quality.B': 'QL-B detected', 'quality.C': 'QL-C correlated', 'quality.D': 'QL-D records',
  'quality.null': 'unknown (treated as QL-D)',
  dig: 'Dig screening', drawDig: 'Draw dig', finishDig: 'Finish outline', clearDig: 'Clear',
  drawHint: 'Tap the map to add corners of the dig; then finish the outline.',
  depth: 'Depth (m)', ruleSet: 'Rules', screen: 'Screen',
  screening: 'Screening in a worker…', screened: '{count} lines within notify distance ({ms} ms, worker)',
  serverAgrees: 'Server re-check: same verdicts', serverDisagrees: 'Server re-check differs: use the server result',
  noConflicts: 'No line within notify distance.',
  overrides: 'My clearances (m)', notifyDistance: 'Notify distance', overrideReason: 'Reason',
  exportJson: 'Report (JSON)', exportGeojson: 'Report (GeoJSON)', exportFailed: 'Export failed: {message}',
  'verdict.STRIKE': 'STRIKE', 'verdict.ENCROACH': 'ENCROACH', 'verdict.NEAR': 'NEAR',
  'col.verdict': 'Verdict', 'col.line': 'Line', 'col.d3': '3D m', 'col.h': 'Horiz. m', 'col.v': 'Vert. m', 'col.req': 'Zone m',
  needPolygon: 'Draw at least 3 corners first.', badDepth: 'Enter a depth between 0.1 and 50 m.',
  screenFailed: 'Screening failed: {message}',
  'status.in_service': 'in service', 'status.abandoned': 'abandoned', 'status.proposed': 'proposed',
};

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  appTitle: 'Undergrid 地下管网',
  togglePanel: '显示或隐藏面板',
  home: '查看全部管网',
  language: '语言',
  layers: '图层',
  'utility.water': '给水', 'utility.sewer': '污水', 'utility.storm': '雨水', 'utility.gas': '燃气',
  'utility.power': '电力', 'utility.telecom': '通信', 'utility.heat': '热力',
  colourScheme: '配色', 'scheme.cjj61': 'CJJ 61（中国）', 'scheme.apwa': 'APWA（美国）',
  underground: '地下模式', undergroundOn: '地下模式已开启：地表半透明',
  groundLevel: '地面', cameraAbove: '地面以上 {m} 米', cameraBelow: '地面以下 {m} 米',
  loading: '正在加载管网… {done}/{total} 个图层', loaded: '管网版本 {version}：{links} 条管线，{segments} 段',
  loadFailed: '管网加载失败：{message}',
  attributes: '管线属性', close: '关闭',
  'attr.type': '类型', 'attr.id': '编号', 'attr.owner': '权属单位', 'attr.material': '材质', 'attr.size': '管径/断面',
  'attr.cover': '此处覆土深度', 'attr.installYear': '敷设年份', 'attr.quality': '数据质量等级',
  'attr.subtype': '子类', 'attr.pressure': '压力/电压等级', 'attr.street': '道路', 'attr.status': '状态',
  'quality.A': 'A 级 开挖实测', 'quality.B': 'B 级 物探探测', 'quality.C': 'C 级 地物推断', 'quality.D': 'D 级 仅档案',
  'quality.null': '未知（按 D 级处理）',
  dig: '开挖审查', drawDig: '绘制开挖范围', finishDig: '完成绘制', clearDig: '清除',
  drawHint: '在地图上点击添加开挖范围的角点，然后完成绘制。',
  depth: '开挖深度（米）', ruleSet: '规则', screen: '审查',
  screening: '后台线程审查中…', screened: '通知距离内 {count} 条管线（{ms} 毫秒，工作线程）',
  serverAgrees: '服务器复核：结论一致', serverDisagrees: '服务器复核结论不同：以服务器结果为准',
  noConflicts: '通知距离内没有管线。',
  overrides: '自定净距（米）', notifyDistance: '通知距离', overrideReason: '依据',
  exportJson: '报告（JSON）', exportGeojson: '报告（GeoJSON）', exportFailed: '导出失败：{message}',
  'verdict.STRIKE': '碰撞', 'verdict.ENCROACH': '侵入', 'verdict.NEAR': '邻近',
  'col.verdict': '结论', 'col.line': '管线', 'col.d3': '三维 米', 'col.h': '水平 米', 'col.v': '垂直 米', 'col.req': '容差 米',
  needPolygon: '请先绘制至少 3 个角点。', badDepth: '请输入 0.1 到 50 米之间的深度。',
  screenFailed: '审查失败：{message}',
  'status.in_service': '在用', 'status.abandoned': '废弃', 'status.proposed': '规划',
};

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
