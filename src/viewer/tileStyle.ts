/**
 * Styling the tiled layers by attribute without re-downloading: a StyleSpec (what the style panel
 * chose) becomes a style per utility, evaluated by Cesium on the metadata the tiles already carry
 * (src/core/tiles/metadata.ts), and a legend for the active colouring. Fittings (class `fitting`,
 * their own tile content) share the layer's style.
 *
 * The style is compiled JavaScript, not the 3D Tiles style language: Cesium interprets a style
 * expression's syntax tree for every feature of every new tile, and resolves each `${name}` through
 * the whole metadata hierarchy (tile, content, group, tileset) when the feature lacks it, as a line
 * lacks `nodeType`; that ran in the frames that drew new tiles, on the main thread (bench/loadTrace.ts).
 */
import displayRules from '../../data/rules/display.json';
import { utilityColour, type ColourScheme, type Rgb } from '../core/colours';
import { LINK_STATUSES, QUALITY_LEVELS, type LinkStatus, type UtilityType } from '../core/model';
import { integerIn, list, numberIn, record } from '../core/rulesTable';

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
    globeDayTexturesLinkedAhead: numberIn(value('globeDayTexturesLinkedAhead'), 'globeDayTexturesLinkedAhead.value', 0, 16),
    tileWork: { budgetMs: numberIn(value('tileWorkBudgetMs'), 'tileWorkBudgetMs.value', 1, 1000) },
    tileRequests: { budgetMs: numberIn(value('tileRequestBudgetMs'), 'tileRequestBudgetMs.value', 1, 1000) },
    siteMarginM: numberIn(value('siteMarginM'), 'siteMarginM.value', 0, 100),
    siteSectionStepM: numberIn(value('siteSectionStepM'), 'siteSectionStepM.value', 0.01, 10),
    siteLayerTimeoutS: numberIn(value('siteLayerTimeoutS'), 'siteLayerTimeoutS.value', 1, 600),
    reportPageSize: integerIn(value('reportPageSize'), 'reportPageSize.value', 1, 1000),
    reportRetryAfterS: list(value('reportRetryAfterS'), 'reportRetryAfterS.value').map((s, i) => numberIn(s, `reportRetryAfterS.value[${i}]`, 0.1, 600)) as [number, number],
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

/** Lighter, as the tiler draws fittings against their pipes. */
function lighter([r, g, b]: Rgb): Rgb {
  return [Math.round((r + 255) / 2), Math.round((g + 255) / 2), Math.round((b + 255) / 2)];
}

export function categoryColour(values: readonly string[], value: string): Rgb {
  const i = values.indexOf(value);
  return i < 0 ? UNKNOWN_COLOUR : PALETTE[i % PALETTE.length]!;
}

/** What a style reads of a tile feature (a Cesium3DTileFeature's own property table, nothing inherited). */
export interface StyledFeature {
  getProperty(name: string): unknown;
}

/**
 * The style of one utility layer, as plain functions over a feature's properties. Cesium calls them
 * for each feature of each newly drawn tile (tileLayers.ts), on the main thread, inside the frame:
 * so they read as few properties as the style needs, compare against maps built once per style,
 * and always return one of a fixed set of colour arrays (the caller converts each once).
 * `fitting` tells the `fitting` class (its own tile content) from `link`.
 */
export interface FeatureStyle {
  colour(feature: StyledFeature, fitting: boolean): Rgb;
  show(feature: StyledFeature, fitting: boolean): boolean;
}

const AGE_BAND_COLOURS = DISPLAY.ageBands.map((_, i) => AGE_COLOURS[i % AGE_COLOURS.length]!);
const AGE_LAST_COLOUR = AGE_COLOURS[DISPLAY.ageBands.length % AGE_COLOURS.length]!;

/** By install year in the display table's age bands; unknown (missing or 0) in the unknown colour. */
function ageColourOf(f: StyledFeature): Rgb {
  const year = f.getProperty('installYear');
  if (typeof year !== 'number' || year === 0) return UNKNOWN_COLOUR;
  const b = DISPLAY.ageBands;
  for (let i = 0; i < b.length; i++) if (year < b[i]!) return AGE_BAND_COLOURS[i]!;
  return AGE_LAST_COLOUR;
}

/** By a categorical property: a map from value to colour, the unknown colour for the rest. */
function byValue(name: string, colours: ReadonlyMap<unknown, Rgb>): (f: StyledFeature) => Rgb {
  return (f) => colours.get(f.getProperty(name)) ?? UNKNOWN_COLOUR;
}

/**
 * The style of one utility layer. `materials` is every material of every layer (so a material has
 * one colour city-wide). Screened lines (spec.highlights) wear their verdict colour and stay shown
 * whatever the filter: the person must see what the dig hits.
 */
export function layerStyle(spec: StyleSpec, utility: UtilityType, materials: readonly string[]): FeatureStyle {
  const typeColour = utilityColour(spec.scheme, utility);
  const fittingColour = spec.colourBy === 'type' ? lighter(typeColour) : FITTING_COLOUR;
  const linkColour: (f: StyledFeature) => Rgb =
    spec.colourBy === 'type' ? () => typeColour
    : spec.colourBy === 'material' ? byValue('material', new Map(materials.map((m) => [m, categoryColour(materials, m)])))
    : spec.colourBy === 'quality' ? byValue('qualityLevel', new Map(QUALITY_LEVELS.map((q) => [q, QUALITY_COLOURS[q]!])))
    : ageColourOf;
  const highlights = spec.highlights;
  const lit = (f: StyledFeature) => (highlights.size === 0 ? undefined : highlights.get(f.getProperty('id') as string));

  const cover = spec.cover ? { lo: Math.round(spec.cover.minM * 100), hi: Math.round(spec.cover.maxM * 100) } : null;
  const statuses = spec.statuses.length < LINK_STATUSES.length ? new Set<unknown>(spec.statuses) : null;
  const owner = spec.owner;
  const num = (v: unknown) => (typeof v === 'number' ? v : NaN); // NaN fails every comparison: a missing cover hides
  const linkShown = (f: StyledFeature) =>
    (cover === null || (num(f.getProperty('maxCoverCm')) >= cover.lo && num(f.getProperty('minCoverCm')) <= cover.hi))
    && (owner === null || f.getProperty('owner') === owner)
    && (statuses === null || statuses.has(f.getProperty('status')));
  return {
    colour: (f, fitting) => lit(f) ?? (fitting ? fittingColour : linkColour(f)),
    show: (f, fitting) => {
      if (fitting) {
        if (cover === null) return true;
        const c = num(f.getProperty('coverCm'));
        return c >= cover.lo && c <= cover.hi;
      }
      return lit(f) !== undefined || linkShown(f);
    },
  };
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
    rgb: AGE_BAND_COLOURS[i]!,
    label: i === 0 ? { key: 'style.ageBefore', params: { year: edge } } : { key: 'style.ageRange', params: { from: b[i - 1]!, to: edge - 1 } },
  }));
  rows.push({ rgb: AGE_LAST_COLOUR, label: { key: 'style.ageFrom', params: { year: b[b.length - 1]! } } });
  rows.push({ rgb: UNKNOWN_COLOUR, label: { key: 'style.unknown' } });
  return rows;
}
