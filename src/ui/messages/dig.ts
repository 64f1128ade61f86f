/** Words for the kinds of work a permit can hold (open cut, trench, bore, piles) in the dig panel. */
import { defineMessages } from './define';

export const digMessages = defineMessages({
  'dig.kind': 'Kind of work',
  'dig.kind.open_cut': 'Open cut', 'dig.kind.trench': 'Trench', 'dig.kind.bore': 'Bore (HDD)', 'dig.kind.piles': 'Piles / posts',
  'dig.hint.trench': 'Tap the map along the trench’s centre line; give its width and depth.',
  'dig.hint.bore': 'Tap the map along the bore path; each new vertex takes the depth below, and you can change it per vertex.',
  'dig.hint.piles': 'Tap the map at each pile; give their diameter and depth.',
  'dig.width': 'Width (m)', 'dig.reamer': 'Reamer diameter (m)', 'dig.diameter': 'Pile diameter (m)',
  'dig.vertexDepth': 'Depth at vertex {n} (m)',
  'dig.addWork': 'Add to permit', 'dig.works': 'Works in this permit', 'dig.removeWork': 'Remove',
  'dig.workItem': '{n}. {kind}, {points} points',
  'dig.needPoints': 'Tap the map to draw the work first.',
  'dig.col.work': 'Work',
}, {
  'dig.kind': '作业类型',
  'dig.kind.open_cut': '明挖基坑', 'dig.kind.trench': '沟槽', 'dig.kind.bore': '定向钻（非开挖）', 'dig.kind.piles': '桩 / 立杆',
  'dig.hint.trench': '沿沟槽中心线在地图上点击；填写宽度和深度。',
  'dig.hint.bore': '沿钻孔轨迹在地图上点击；每个新顶点采用下方的深度，可逐点修改。',
  'dig.hint.piles': '在地图上点击每根桩的位置；填写桩径和深度。',
  'dig.width': '宽度（米）', 'dig.reamer': '扩孔直径（米）', 'dig.diameter': '桩径（米）',
  'dig.vertexDepth': '第 {n} 个顶点深度（米）',
  'dig.addWork': '加入本许可', 'dig.works': '本许可的作业', 'dig.removeWork': '移除',
  'dig.workItem': '{n}. {kind}，{points} 个点',
  'dig.needPoints': '请先在地图上绘制作业。',
  'dig.col.work': '作业',
});
