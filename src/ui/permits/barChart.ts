/**
 * A small grouped bar chart as inline SVG, no library: one group per category (a week), one bar per
 * series, a legend above and the category labels below. Text goes in through textContent only.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

export interface BarSeries {
  label: string;
  colour: string;
  values: readonly number[];
}

const HEIGHT = 140;
const PAD_TOP = 8;
const PAD_BOTTOM = 30;
const PAD_LEFT = 28;
const BAR_WIDTH = 5;
const GROUP_GAP = 6;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Ticks at round numbers: 0, step, 2·step … ≥ max, about four of them. */
function tickStep(max: number): number {
  if (max <= 4) return 1;
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
}

export function barChart(categories: readonly string[], series: readonly BarSeries[], title: string): HTMLElement {
  const groupWidth = series.length * BAR_WIDTH + GROUP_GAP;
  const width = PAD_LEFT + categories.length * groupWidth + GROUP_GAP;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = tickStep(max);
  const top = Math.ceil(max / step) * step;
  const plot = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const y = (v: number) => PAD_TOP + plot - (v / top) * plot;
  const root = svg('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img', class: 'bar-chart' });
  root.append(svg('title', {}, title));
  for (let v = 0; v <= top; v += step) {
    root.append(svg('line', { x1: PAD_LEFT - 3, x2: width, y1: y(v), y2: y(v), class: 'grid' }));
    root.append(svg('text', { x: PAD_LEFT - 5, y: y(v) + 3, 'text-anchor': 'end', class: 'tick' }, String(v)));
  }
  categories.forEach((cat, i) => {
    const x0 = PAD_LEFT + GROUP_GAP + i * groupWidth;
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const rect = svg('rect', { x: x0 + j * BAR_WIDTH, y: y(v), width: BAR_WIDTH - 1, height: Math.max(0, y(0) - y(v)), fill: s.colour, 'data-series': j, 'data-value': v });
      rect.append(svg('title', {}, `${cat} ${s.label}: ${v}`));
      root.append(rect);
    });
    if (i % 2 === 0) root.append(svg('text', { x: x0, y: HEIGHT - PAD_BOTTOM + 12, class: 'tick' }, cat.slice(5)));
  });
  const legend = document.createElement('div');
  legend.className = 'chart-legend';
  for (const s of series) {
    const item = document.createElement('span');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = s.colour;
    item.append(swatch, ` ${s.label} `);
    legend.append(item);
  }
  const box = document.createElement('figure');
  box.className = 'chart';
  box.append(legend, root);
  return box;
}
