/**
 * Styling the tiled layers by attribute without re-downloading: a StyleSpec (what the style panel
 * chose) becomes a 3D Tiles style (Cesium3DTileStyle JSON) per utility, evaluated by Cesium on the
 * metadata the tiles already carry (src/core/tiles/metadata.ts), and a legend for the active
 * colouring. Fittings (class `fitting`, told apart by their `nodeType`) share the layer's style.
 */
import displayRules from '../../data/rules/display.json';
import { utilityColour, type ColourScheme, type Rgb } from '../core/colours';
import { LINK_STATUSES, QUALITY_LEVELS, type LinkStatus, type UtilityType } from '../core/model';
import { list, numberIn, record } from '../core/rulesTable';

export const COLOUR_BY = ['type', 'material', 'age', 'quality'] as const;
export type ColourBy = (typeof COLOUR_BY)[number];

export interface StyleSpec {
  colourBy: ColourBy;
  scheme: ColourScheme;
  /** Show only lines whose cover range meets [minM, maxM] (fittings: whose cover lies in it). */
  cover: { minM: number; maxM: number } | null;
  /** Show only this owner's lines; null: every owner. */
  owner: string | null;
  statuses: readonly LinkStatus[];
  /** Screened lines lit by verdict colour (link id → colour), drawn over any colouring. */
  highlights: ReadonlyMap<string, Rgb>;
}

export const DEFAULT_STYLE: StyleSpec = {
  colourBy: 'type', scheme: 'cjj61', cover: null, owner: null, statuses: LINK_STATUSES, highlights: new Map(),
};

/** Display values read from data/rules/display.json (validated: a bad edit fails loudly at start). */
export const DISPLAY = (() => {
  const r = record(displayRules, 'display');
  const value = (k: string) => record(r[k], k)['value'];
  const bands = list(value('ageBands'), 'ageBands.value').map((y, i) => numberIn(y, `ageBands.value[${i}]`, 1800, 2200));
  return {
    ageBands: bands,
    depthCueFullDepth: numberIn(value('depthCueFullDepth'), 'depthCueFullDepth.value', 0.5, 100),
    depthCueStrength: numberIn(value('depthCueStrength'), 'depthCueStrength.value', 0, 1),
    minimumPipePixels: numberIn(value('minimumPipePixels'), 'minimumPipePixels.value', 0, 20),
    maximumScreenSpaceError: numberIn(value('maximumScreenSpaceError'), 'maximumScreenSpaceError.value', 1, 256),
    hoverThrottle: numberIn(value('hoverThrottle'), 'hoverThrottle.value', 0, 5000),
    msaaSamples: numberIn(value('msaaSamples'), 'msaaSamples.value', 1, 8),
  };
})();

/** Categorical colours for materials, owners…; none equals a verdict colour (digOverlay.ts). */
const PALETTE: Rgb[] = [
  [31, 119, 180], [44, 160, 44], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127],
  [188, 189, 34], [23, 190, 207], [174, 199, 232], [152, 223, 138], [197, 176, 213], [219, 219, 141],
];
const AGE_COLOURS: Rgb[] = [[165, 0, 38], [244, 109, 67], [116, 173, 209], [49, 54, 149]];
const QUALITY_COLOURS: Record<string, Rgb> = { A: [26, 152, 80], B: [145, 207, 96], C: [254, 224, 139], D: [215, 48, 39] };
const UNKNOWN_COLOUR: Rgb = [170, 170, 170];
const FITTING_COLOUR: Rgb = [235, 235, 235];
/** Desktop hover tint (tileLayers.ts sets it on the feature itself, no re-style). */
export const HOVER_COLOUR: Rgb = [255, 255, 255];

/** A legend row: a message key with parameters, or a raw data value (materials are data). */
export interface LegendEntry {
  rgb: Rgb;
  label: { key: string; params?: Record<string, string | number> } | { text: string };
}

/** A string literal for the 3D Tiles style language (single quotes, backslash escapes). */
export function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function rgb([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Lighter, as the tiler draws fittings against their pipes. */
function lighter([r, g, b]: Rgb): Rgb {
  return [Math.round((r + 255) / 2), Math.round((g + 255) / 2), Math.round((b + 255) / 2)];
}

export function categoryColour(values: readonly string[], value: string): Rgb {
  const i = values.indexOf(value);
  return i < 0 ? UNKNOWN_COLOUR : PALETTE[i % PALETTE.length]!;
}

const IS_FITTING = '${nodeType} !== undefined';

function ageConditions(): [string, Rgb][] {
  const b = DISPLAY.ageBands;
  const out: [string, Rgb][] = [['${installYear} === undefined || ${installYear} === 0', UNKNOWN_COLOUR]];
  b.forEach((edge, i) => out.push([`\${installYear} < ${edge}`, AGE_COLOURS[i % AGE_COLOURS.length]!]));
  out.push(['true', AGE_COLOURS[b.length % AGE_COLOURS.length]!]);
  return out;
}

/**
 * The 3D Tiles style of one utility layer. `materials` is every material of every layer (so a
 * material has one colour city-wide).
 */
export function layerStyleJson(spec: StyleSpec, utility: UtilityType, materials: readonly string[]): { show: string; color: { conditions: [string, string][] } } {
  const conditions: [string, string][] = [];
  for (const [id, colour] of spec.highlights) conditions.push([`\${id} === ${literal(id)}`, rgb(colour)]);
  const typeColour = utilityColour(spec.scheme, utility);
  conditions.push([IS_FITTING, rgb(spec.colourBy === 'type' ? lighter(typeColour) : FITTING_COLOUR)]);
  if (spec.colourBy === 'type') conditions.push(['true', rgb(typeColour)]);
  else if (spec.colourBy === 'material') {
    for (const m of materials) conditions.push([`\${material} === ${literal(m)}`, rgb(categoryColour(materials, m))]);
    conditions.push(['true', rgb(UNKNOWN_COLOUR)]);
  } else if (spec.colourBy === 'age') {
    for (const [cond, c] of ageConditions()) conditions.push([cond, rgb(c)]);
  } else {
    for (const q of QUALITY_LEVELS) conditions.push([`\${qualityLevel} === '${q}'`, rgb(QUALITY_COLOURS[q]!)]);
    conditions.push(['true', rgb(UNKNOWN_COLOUR)]);
  }
  const linkShow: string[] = [];
  const fittingShow: string[] = [];
  if (spec.cover) {
    const lo = Math.round(spec.cover.minM * 100), hi = Math.round(spec.cover.maxM * 100);
    linkShow.push(`\${maxCoverCm} >= ${lo} && \${minCoverCm} <= ${hi}`);
    fittingShow.push(`\${coverCm} >= ${lo} && \${coverCm} <= ${hi}`);
  }
  if (spec.owner !== null) linkShow.push(`\${owner} === ${literal(spec.owner)}`);
  if (spec.statuses.length < LINK_STATUSES.length) {
    linkShow.push(spec.statuses.length === 0 ? 'false' : `(${spec.statuses.map((s) => `\${status} === ${literal(s)}`).join(' || ')})`);
  }
  const join = (parts: string[]) => (parts.length === 0 ? 'true' : parts.map((p) => `(${p})`).join(' && '));
  // Screened lines stay visible whatever the filter: the person must see what the dig hits.
  const screened = [...spec.highlights.keys()].map((id) => `\${id} === ${literal(id)}`);
  const links = screened.length > 0 ? `(${screened.join(' || ')}) || (${join(linkShow)})` : join(linkShow);
  return { show: `(${IS_FITTING}) ? (${join(fittingShow)}) : (${links})`, color: { conditions } };
}

/** The legend of the active colouring. */
export function legendOf(spec: StyleSpec, utilities: readonly UtilityType[], materials: readonly string[]): LegendEntry[] {
  if (spec.colourBy === 'type') return utilities.map((u) => ({ rgb: utilityColour(spec.scheme, u), label: { key: `utility.${u}` } }));
  if (spec.colourBy === 'material') {
    return [...materials.map((m) => ({ rgb: categoryColour(materials, m), label: { text: m } })), { rgb: UNKNOWN_COLOUR, label: { key: 'style.unknown' } }];
  }
  if (spec.colourBy === 'quality') {
    return [...QUALITY_LEVELS.map((q) => ({ rgb: QUALITY_COLOURS[q]!, label: { key: `quality.${q}` } })), { rgb: UNKNOWN_COLOUR, label: { key: 'quality.null' } }];
  }
  const b = DISPLAY.ageBands;
  const rows: LegendEntry[] = b.map((edge, i): LegendEntry => ({
    rgb: AGE_COLOURS[i % AGE_COLOURS.length]!,
    label: i === 0 ? { key: 'style.ageBefore', params: { year: edge } } : { key: 'style.ageRange', params: { from: b[i - 1]!, to: edge - 1 } },
  }));
  rows.push({ rgb: AGE_COLOURS[b.length % AGE_COLOURS.length]!, label: { key: 'style.ageFrom', params: { year: b[b.length - 1]! } } });
  rows.push({ rgb: UNKNOWN_COLOUR, label: { key: 'style.unknown' } });
  return rows;
}
