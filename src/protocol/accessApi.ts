/**
 * Wire types of network access (issue 6, DESIGN.md Security): what /api/network tells the client it
 * may load, and the audit rows GET /api/admin/audit answers with.
 */
import type { UtilityType } from '../core/model';
import type { Role } from '../core/permits/workflowRules';

export interface AccessSummary {
  role: Role;
  /** 'all': the whole network (less restricted assets without `restricted`); 'sites': only around the unit's active permits. */
  network: 'all' | 'sites';
  restricted: boolean;
  /** May open the 3D Tiles (whole-network tilesets); false: draw the JSON layers as polylines. */
  tiles: boolean;
  /** Active permit sites the layers are clipped to ('sites' only; 0 for 'all'). */
  sites: number;
  /** Radius around each site's works, m ('sites' only). */
  siteRadiusM: number | null;
  /** West, south, east, north in degrees of the sites with their radius ('sites' with at least one site): where the viewer opens. */
  siteExtent: [number, number, number, number] | null;
}

/**
 * The id a stretch of a line clipped to a contractor's sites travels under (server: siteClip.ts;
 * viewer: lineIndex.ts lights every piece of a struck line): the line's own for the first, `id#2`,
 * `id#3`… after.
 */
export function pieceId(linkId: string, index: number): string {
  return index === 0 ? linkId : `${linkId}#${index + 1}`;
}

/**
 * The line a stretch id names (pieceId's inverse): `id#2`, `id#3`… → `id`; any other id as it is.
 * A viewer may be sent only `id#2` (the first stretch lies in another of its sites, outside the box
 * it asked for), so a stretch is matched by its own id first, then by this.
 */
export function lineIdOfPiece(id: string): string {
  const m = /^(.*)#([2-9]|[1-9]\d+)$/.exec(id);
  return m ? m[1]! : id;
}

/** A tileset the viewer may open: every layer's general tileset, plus the restricted ones when allowed. */
export interface TilesetRef {
  utility: UtilityType;
  restricted: boolean;
  /** Folder URL ending in '/', holding tileset.json and schema.json. */
  url: string;
}

export interface AuditRow {
  id: number;
  /** Epoch ms. */
  at: number;
  userId: string;
  username: string;
  role: Role;
  route: string;
  networkVersion: number;
  assetCount: number;
  /** Up to access.json audit.maxIdsPerRow ids; idsTruncated when the answer carried more. */
  assetIds: string[];
  idsTruncated: boolean;
}

export interface AuditResponse {
  rows: AuditRow[];
}
