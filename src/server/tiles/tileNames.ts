/** Names in a tile URL: `/api/tiles/{version}/{tileset}/{file}`, a tileset being a utility or its restricted part. */
import { UTILITY_TYPES, type UtilityType } from '../../core/model';

export const TILESET_FILE = 'tileset.json';
export const SCHEMA_FILE = 'schema.json';
export const GLB_CONTENT_TYPE = 'model/gltf-binary';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The tileset of a layer's restricted assets: `/api/tiles/{version}/{utility}${RESTRICTED_SUFFIX}/`. */
export const RESTRICTED_SUFFIX = '-restricted';

/** A tileset name in a tile path: a utility, or a utility's restricted part. */
export function parseTilesetName(name: string): { utility: UtilityType; restricted: boolean } | null {
  const restricted = name.endsWith(RESTRICTED_SUFFIX);
  const utility = restricted ? name.slice(0, -RESTRICTED_SUFFIX.length) : name;
  return (UTILITY_TYPES as readonly string[]).includes(utility) ? { utility: utility as UtilityType, restricted } : null;
}

export function tilesetName(utility: UtilityType, restricted: boolean): string {
  return restricted ? `${utility}${RESTRICTED_SUFFIX}` : utility;
}
