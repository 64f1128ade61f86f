/** Wire types of the HTTP API shared by the server and the client. */
import type { LocalFrame } from '../core/crs';
import type { Link, UtilityType } from '../core/model';
import type { AccessSummary, TilesetRef } from './accessApi';

export interface NetworkSummary {
  version: number;
  importedAt: string;
  sourceCrs: string;
  verticalDatum: string | null;
  frame: LocalFrame;
  /** West, south, east, north in degrees. */
  extent: [number, number, number, number];
  links: number;
  nodes: number;
  segments: number;
  layers: { utility: UtilityType; links: number; nodes: number }[];
  /** Who is asking and what they may load (src/server/access); set on every answer to a signed-in user. */
  access?: AccessSummary;
  /** The tilesets to open, restricted ones only for roles that may see them; empty when `access.tiles` is false. */
  tilesets?: TilesetRef[];
}

export interface LinkDetails {
  id: string;
  utility: Link['utility'];
  subtype: string;
  owner: string;
  material: string;
  section: Link['section'];
  pressureClass: string | null;
  installYear: number | null;
  qualityLevel: Link['qualityLevel'];
  status: Link['status'];
  street: string | null;
  /** Per vertex: lon, lat (degrees), local x, y, centreline elevation, ground elevation, cover (m). */
  vertices: { lon: number; lat: number; x: number; y: number; z: number; ground: number; cover: number }[];
  lengthM: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}
