/** Words of the tiled city: the style panel, its legend, tile loading, fittings. */
import { defineMessages } from './define';

const en = {
  'style.title': 'Style',
  'style.colourBy': 'Colour by',
  'style.by.type': 'Utility type', 'style.by.material': 'Material', 'style.by.age': 'Age (install year)', 'style.by.quality': 'Quality level',
  'style.cover': 'Cover between (m)', 'style.coverMin': 'Least cover, m', 'style.coverMax': 'Greatest cover, m',
  'style.owner': 'Owner', 'style.allOwners': 'All owners',
  'style.status': 'Status',
  'style.depthCue': 'Depth cue (deeper = darker)',
  'style.legend': 'Legend',
  'style.unknown': 'unknown',
  'style.ageBefore': 'before {year}', 'style.ageRange': '{from}–{to}', 'style.ageFrom': '{year} and later',
  'style.tilesLoading': 'Streaming tiles… {pending} waiting, {processing} processing',
  'style.tilesLoaded': 'All tiles for this view loaded',
  'style.badCover': 'Enter cover depths between 0 and 50 m, least first.',
  'fitting.title': 'Fitting attributes',
  'fitting.id': 'ID', 'fitting.utility': 'Utility', 'fitting.nodeType': 'Kind', 'fitting.importance': 'Level of detail',
  'fitting.normallyOpen': 'Normal state', 'fitting.operable': 'Operable', 'fitting.customerClass': 'Customer class', 'fitting.coverCm': 'Cover (cm)',
};

export const styleMessages = defineMessages(en, {
  'style.title': '样式',
  'style.colourBy': '着色依据',
  'style.by.type': '管线类型', 'style.by.material': '材质', 'style.by.age': '管龄（敷设年份）', 'style.by.quality': '数据质量等级',
  'style.cover': '覆土深度范围（米）', 'style.coverMin': '最小覆土，米', 'style.coverMax': '最大覆土，米',
  'style.owner': '权属单位', 'style.allOwners': '全部权属单位',
  'style.status': '状态',
  'style.depthCue': '深度提示（越深越暗）',
  'style.legend': '图例',
  'style.unknown': '未知',
  'style.ageBefore': '{year} 年以前', 'style.ageRange': '{from}–{to} 年', 'style.ageFrom': '{year} 年及以后',
  'style.tilesLoading': '正在加载瓦片… 等待 {pending}，处理中 {processing}',
  'style.tilesLoaded': '当前视图的瓦片已全部加载',
  'style.badCover': '请输入 0 到 50 米之间的覆土深度，小值在前。',
  'fitting.title': '附属设施属性',
  'fitting.id': '编号', 'fitting.utility': '管线类型', 'fitting.nodeType': '种类', 'fitting.importance': '显示层级',
  'fitting.normallyOpen': '常态', 'fitting.operable': '可操作', 'fitting.customerClass': '用户类别', 'fitting.coverCm': '埋深（厘米）',
});
