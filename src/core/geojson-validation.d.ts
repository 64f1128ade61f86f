// Minimal typings for geojson-validation 1.0.2 (CommonJS, no bundled types): only what we call.
declare module 'geojson-validation' {
  export function isFeature(feature: unknown, trace: true): string[];
  export function isFeature(feature: unknown, trace?: false): boolean;
  export function isFeatureCollection(fc: unknown, trace: true): string[];
  export function isFeatureCollection(fc: unknown, trace?: false): boolean;
}
