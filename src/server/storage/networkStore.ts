/**
 * The storage interface for the network. Everything above it (HTTP API, tiles, screening) talks to
 * this interface only, so the embedded SQLite store and a PostGIS store are interchangeable.
 */
import type { LocalFrame } from '../../core/crs';
import type { ImportedNetwork } from '../../core/importNetwork';
import type { Link, NetworkNode, UtilityType } from '../../core/model';

export interface NetworkVersion {
  version: number;
  importedAt: string;
  source: string;
  sourceCrs: string;
  verticalDatum: string | null;
  links: number;
  nodes: number;
  segments: number;
}

/** Local-frame rectangle, metres. */
export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface LinkQuery {
  utility?: UtilityType;
  bbox?: Rect;
}

/** The network as one version: its number, the frame and every link, read together. */
export interface NetworkSnapshot {
  version: NetworkVersion;
  frame: LocalFrame;
  links: Link[];
}

export interface NetworkStore {
  /** The project's local frame, fixed by the first import; null before any import. */
  frame(): LocalFrame | null;
  /** The network version now in force; null before any import. */
  currentVersion(): NetworkVersion | null;
  /** Replaces the whole network in one transaction: on any failure nothing changes. */
  replaceNetwork(network: ImportedNetwork, source: string): NetworkVersion;
  links(query?: LinkQuery): Link[];
  /**
   * The current version, the frame and all links in one read: an import committed by another
   * connection between separate currentVersion() and links() calls would pair one version's number
   * with another's lines. Null before any import.
   */
  snapshot(): NetworkSnapshot | null;
  /**
   * Runs `read` as one read of the store: every call it makes sees the same version, whatever
   * another connection commits meanwhile (a cache that reads the version, then the lines, the nodes
   * or the frame). `read` must not write.
   */
  readConsistent<T>(read: () => T): T;
  link(id: string): Link | null;
  nodes(query?: LinkQuery): NetworkNode[];
  countsByUtility(): Record<string, { links: number; nodes: number }>;
  close(): void;
}

/**
 * The version in force when it is not `seen`, else null: what a per-version cache polls (the tile
 * cutter, the network reports). A read that fails is logged as `what` and answers null: a poll must
 * not throw.
 */
export function newVersionIn(store: NetworkStore, seen: number, what: string, log: (line: string) => void): number | null {
  try {
    const v = store.currentVersion();
    return v && v.version !== seen ? v.version : null;
  } catch (e) {
    log(`[undergrid] ${what}: cannot read the network version: ${(e as Error).message}`);
    return null;
  }
}
