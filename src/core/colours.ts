/**
 * Display colours by utility type, in both conventions the product supports.
 * CJJ 61-2017 Appendix B (China) and the APWA uniform colour code (USA); ../shared/STANDARDS.md.
 */
import type { UtilityType } from './model';

export const COLOUR_SCHEMES = ['cjj61', 'apwa'] as const;
export type ColourScheme = (typeof COLOUR_SCHEMES)[number];

/** 8-bit RGB. */
export type Rgb = readonly [number, number, number];

const CJJ61: Record<UtilityType, Rgb> = {
  water: [0, 255, 255], // JS cyan
  sewer: [76, 57, 38], // PS drainage brown (sewage WS)
  storm: [76, 57, 38], // PS drainage brown (rain YS)
  gas: [255, 0, 255], // RQ magenta
  heat: [255, 128, 0], // RL orange
  power: [255, 0, 0], // DL red
  telecom: [0, 255, 0], // TX green
};

const APWA: Record<UtilityType, Rgb> = {
  water: [0, 92, 230], // blue: potable water
  sewer: [0, 160, 0], // green: sewer and drain
  storm: [0, 160, 0],
  gas: [255, 215, 0], // yellow: gas, oil, steam
  heat: [255, 215, 0], // steam is yellow in APWA
  power: [230, 0, 0], // red: electric
  telecom: [255, 140, 0], // orange: communications
};

export function utilityColour(scheme: ColourScheme, utility: UtilityType): Rgb {
  return (scheme === 'apwa' ? APWA : CJJ61)[utility];
}

/**
 * Screening verdict colours, one set for every view (the city's overlay and tiles, the dig-site
 * view): red struck, orange encroached, yellow near. None is a CJJ 61 or APWA utility colour.
 */
export const VERDICT_COLOURS = {
  STRIKE: '#ff1744',
  ENCROACH: '#ff9100',
  NEAR: '#ffea00',
} as const satisfies Record<'STRIKE' | 'ENCROACH' | 'NEAR', string>;
