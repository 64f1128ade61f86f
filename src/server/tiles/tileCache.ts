/**
 * 3D Tiles of the network version in force, per utility layer. When a version comes into force
 * (found at start-up, by polling the store every `versionPollSeconds`, or by a request) every layer
 * is queued and cut, one at a time, in a worker thread (tileCutter.ts): the general and restricted
 * tilesets, every file encoded, gzipped and brotli-coded (layerCut.ts). The event loop only
 * receives the finished bytes. A request for a layer not yet cut moves it to the head of the queue
 * and awaits that one job (two requests, one cut). A new version drops the old one's layers; its
 * requests still waiting get the 404 any old version gets. A cut that fails (the worker died) is a
 * 503 to those waiting, and the next request cuts the layer again.
 *
 * Tiles are immutable per version, and URLs carry the version, so clients may cache them forever
 * (a CDN too, behind signed URLs: the network is read signed in).
 *
 * Memory: the large sample city (~1M segments) holds ~48 MB of tiles once cut (22.9 MB raw, and
 * ~12–13 MB each gzipped and brotli-coded). Disk or object storage would slot in behind `file()`.
 */
import { UTILITY_TYPES, type UtilityType } from '../../core/model';
import type { TilingOptions } from '../../core/tiles/tiling';
import type { AccessRules } from '../access/accessRules';
import { HttpError, type Encoded } from '../http/respond';
import { inForce } from '../http/versionParam';
import { newVersionIn, type NetworkStore } from '../storage/networkStore';
import { SqliteNetworkStore } from '../storage/sqliteNetworkStore';
import { InProcessTileCutter, WorkerTileCutter, type LayerCutter } from './tileCutter';
import type { CutLayer, CutTileset } from './tileFiles';
import { RESTRICTED_SUFFIX, parseTilesetName } from './tileNames';
import { loadTileServerRules, type TileServerRules } from './tileRules';

export { GLB_CONTENT_TYPE, RESTRICTED_SUFFIX, SCHEMA_FILE, TILESET_FILE, parseTilesetName } from './tileNames';

export interface TileCacheOptions {
  tiling?: Partial<TilingOptions>;
  /**
   * Restricted asset classes (src/server/access, access.json): when given, each layer's tileset
   * leaves them out and a second tileset `{utility}-restricted` holds only them, so every file stays
   * the same for every viewer (cacheable for good) and the restricted files can be refused or
   * audited per request.
   */
  restricted?: AccessRules;
  /** data/rules/tile-server.json unless given. */
  rules?: TileServerRules;
  /** 'worker' (the default for a SQLite store) or 'in-process' (any store; blocks the event loop while a layer is cut). */
  cutIn?: 'worker' | 'in-process';
  /** Cut every layer as soon as its version comes into force (default); false: only what is asked for. */
  background?: boolean;
  /** Where the line "tiles of version N cut" goes (console.log). */
  log?: (line: string) => void;
}

export type LayerCutState = 'pending' | 'cutting' | 'ready' | 'failed';

/** GET /api/tiles/{version}/status: how far the cutting of a version has come. */
export interface TileCutStatus {
  version: number;
  /** Layers with every tileset ready, and layers of the version (those with lines). */
  done: number;
  total: number;
  /** Seconds since the version's cutting began, or that it took once every layer is done. */
  seconds: number;
  /** Per layer: `cuts` started for this version (1, or more after a failed cut), `seconds` the cut took where it ran. */
  layers: { utility: UtilityType; state: LayerCutState; tilesets: string[]; files: number; cuts: number; brotliQuality: number | null; seconds: number | null; error: string | null }[];
}

interface LayerJob {
  utility: UtilityType;
  state: LayerCutState;
  done: Promise<CutLayer>;
  resolve(cut: CutLayer): void;
  reject(e: Error): void;
  cut: CutLayer | null;
  error: string | null;
  /** Cuts of this layer started for this version, failed ones included. */
  cuts: number;
  /** The brotli quality its files are coded at now (tile-server.json: raised once the whole version is cut). */
  brotliQuality: number | null;
  /** Files still to be brotli-coded again. */
  recodeLeft: number;
}

function newJob(utility: UtilityType, cuts = 0): LayerJob {
  let resolve!: (cut: CutLayer) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<CutLayer>((res, rej) => { resolve = res; reject = rej; });
  done.catch(() => {}); // a background cut that fails with nobody waiting is not an unhandled rejection
  return { utility, state: 'pending', done, resolve, reject, cut: null, error: null, cuts, brotliQuality: null, recodeLeft: 0 };
}

function staleVersion(requested: number, current: number): HttpError {
  return new HttpError(404, 'stale_version', `network version ${requested} is not current (current: ${current}); tiles exist for the current version only`, 'version');
}

export class TileCache {
  private version = -1;
  private readonly jobs = new Map<UtilityType, LayerJob>();
  private queue: UtilityType[] = [];
  /** Files brotli-coded again at compression.recodeBrotliQuality, once every layer is cut. */
  private recodeQueue: { job: LayerJob; files: Encoded[] }[] = [];
  private busy = false;
  /** When a tile was last asked for: re-coding waits for the server to be idle that long. */
  private lastRequestAt = -Infinity;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private startedAt = 0;
  private finishedAt: number | null = null;
  private readonly timer: NodeJS.Timeout | null = null;
  private readonly background: boolean;
  private readonly log: (line: string) => void;
  readonly cutter: LayerCutter;
  private readonly compression: TileServerRules['compression'];
  /** Layer cuts started since the cache was made (each layer once per version unless a cut fails). */
  cutsStarted = 0;

  constructor(private readonly store: NetworkStore, private readonly options: TileCacheOptions = {}) {
    const rules = options.rules ?? loadTileServerRules();
    this.compression = rules.compression;
    const cutOptions = { ...(options.tiling ? { tiling: options.tiling } : {}), ...(options.restricted ? { restricted: options.restricted } : {}), compression: rules.compression };
    this.cutter = options.cutIn !== 'in-process' && store instanceof SqliteNetworkStore
      ? new WorkerTileCutter(store.path, cutOptions)
      : new InProcessTileCutter(store, cutOptions);
    this.background = options.background ?? true;
    this.log = options.log ?? ((line) => console.log(line));
    if (this.background) {
      this.refresh();
      this.timer = setInterval(() => this.refresh(), rules.versionPollMs).unref();
    }
  }

  /** Looks at the version in force; a new one drops the old one's layers and starts cutting its own. */
  refresh(): void {
    const v = newVersionIn(this.store, this.version, 'tiles', this.log);
    if (v !== null) this.begin(v);
  }

  private begin(version: number): void {
    for (const job of this.jobs.values()) if (job.state !== 'ready') job.reject(staleVersion(this.version, version));
    this.jobs.clear();
    this.version = version;
    const counts = this.store.countsByUtility();
    for (const u of UTILITY_TYPES) if (counts[u]?.links) this.jobs.set(u, newJob(u));
    // The order the viewer asks for them (networkAccess.ts summary: UTILITY_TYPES order).
    this.queue = this.background ? [...this.jobs.keys()] : [];
    this.recodeQueue = [];
    this.startedAt = performance.now();
    this.finishedAt = null;
    this.pump();
  }

  /** The version in force; throws 404 naming both when `requested` is another (stale, or one that never existed: http/versionParam.ts). */
  private checkVersion(requested: number): void {
    const v = this.store.currentVersion();
    if (!v) throw new HttpError(503, 'no_network', 'no network has been imported yet: run `npm run city`');
    if (v.version !== this.version) this.begin(v.version);
    inForce(requested, v.version);
  }

  /** Starts the next queued layer when nothing is being cut. */
  private pump(): void {
    if (this.busy || this.closed) return;
    let next: LayerJob | undefined;
    while (!next && this.queue.length) {
      const job = this.jobs.get(this.queue.shift()!);
      if (job?.state === 'pending') next = job;
    }
    if (!next) {
      const wait = this.lastRequestAt + this.compression.recodeAfterIdleMs - performance.now();
      if (this.recodeQueue.length && wait > 0) {
        this.idleTimer ??= setTimeout(() => { this.idleTimer = null; this.pump(); }, wait).unref();
      } else if (!this.recodeNext()) this.cutter.release();
      return;
    }
    const job = next;
    const version = this.version;
    job.state = 'cutting';
    this.busy = true;
    this.cutsStarted++;
    job.cuts++;
    this.cutter.cut(version, job.utility).then(
      (cut) => {
        if (this.jobs.get(job.utility) !== job) return; // a new version came in: dropped
        job.state = 'ready';
        job.cut = cut;
        job.brotliQuality = this.compression.brotliQuality;
        job.resolve(cut);
        this.announce();
      },
      (e: Error) => {
        if (e.name === 'SupersededError') this.refresh();
        if (this.jobs.get(job.utility) !== job) return;
        job.state = 'failed';
        job.error = e.message;
        job.reject(new HttpError(503, 'tiles_unavailable', `cutting the tiles of layer ${job.utility} (network version ${version}) failed: ${e.message}; ask again to cut it again`));
      },
    ).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  /**
   * Brotli-codes the next batch of files again at the higher quality (every layer is cut by then):
   * the new bytes replace the old ones, which decode to the same file (same ETag). Small batches, so
   * a new version's first cut never waits long behind them. False: nothing to do.
   */
  private recodeNext(): boolean {
    const batch = this.recodeQueue.shift();
    if (!batch) return false;
    const { job, files } = batch;
    const target = this.compression.recodeBrotliQuality;
    this.busy = true;
    this.cutter.recode(files.map((e) => e.body), target).then(
      (brotli) => {
        if (this.jobs.get(job.utility) !== job) return;
        files.forEach((e, i) => { e.brotli = brotli[i]!; });
        job.recodeLeft -= files.length;
        if (job.recodeLeft === 0) job.brotliQuality = target;
        if (this.recodeQueue.length === 0) this.log(`[undergrid] tiles of network version ${this.version} brotli-coded again at quality ${target}: ${this.brotliBytes()} `
          + `in ${((performance.now() - this.finishedAt!) / 1000).toFixed(1)} s after they were cut`);
      },
      (e: Error) => this.log(`[undergrid] tiles: brotli-coding files of layer ${job.utility} again failed (they keep quality ${job.brotliQuality}): ${e.message}`),
    ).finally(() => {
      this.busy = false;
      this.pump();
    });
    return true;
  }

  /** Every file of the version in batches of about compression.recodeBatchBytes (before compression). */
  private recodeBatches(): { job: LayerJob; files: Encoded[] }[] {
    const out: { job: LayerJob; files: Encoded[] }[] = [];
    for (const job of this.jobs.values()) {
      let files: Encoded[] = [], bytes = 0;
      for (const t of job.cut!.tilesets) {
        for (const e of t.files.values()) {
          files.push(e);
          bytes += e.body.byteLength;
          job.recodeLeft++;
          if (bytes >= this.compression.recodeBatchBytes) { out.push({ job, files }); files = []; bytes = 0; }
        }
      }
      if (files.length) out.push({ job, files });
    }
    return out;
  }

  private brotliBytes(): string {
    let bytes = 0;
    for (const j of this.jobs.values()) for (const t of j.cut?.tilesets ?? []) for (const e of t.files.values()) bytes += e.brotli?.byteLength ?? 0;
    return `${(bytes / 1e6).toFixed(2)} MB of brotli`;
  }

  /** One console line when the last layer of a version is ready. */
  private announce(): void {
    const jobs = [...this.jobs.values()];
    if (this.finishedAt !== null || jobs.some((j) => j.state !== 'ready')) return;
    this.finishedAt = performance.now();
    const tilesets = jobs.flatMap((j) => j.cut!.tilesets.filter((t) => !t.empty));
    let files = 0, bytes = 0;
    for (const t of tilesets) for (const e of t.files.values()) { files++; bytes += e.body.byteLength; }
    this.log(`[undergrid] tiles of network version ${this.version} cut: ${jobs.length} layers, ${tilesets.length} tilesets, ${files} files `
      + `(${(bytes / 1e6).toFixed(1)} MB before compression) in ${((this.finishedAt - this.startedAt) / 1000).toFixed(1)} s`
      + ` (${this.cutter instanceof WorkerTileCutter ? 'worker thread' : 'in process'}; cutting alone ${jobs.reduce((s, j) => s + j.cut!.seconds, 0).toFixed(1)} s; ${this.brotliBytes()} at quality ${this.compression.brotliQuality})`);
    if (this.compression.recodeBrotliQuality !== this.compression.brotliQuality) this.recodeQueue = this.recodeBatches();
  }

  /** The cut layer, cut first if need be (it jumps the queue); a failed layer is cut again. */
  private layer(utility: UtilityType, name: string): Promise<CutLayer> {
    let job = this.jobs.get(utility);
    if (!job) throw new HttpError(404, 'empty_layer', `layer ${name} has no lines in network version ${this.version}`, 'utility');
    if (job.state === 'failed') this.jobs.set(utility, (job = newJob(utility, job.cuts)));
    if (job.state === 'pending') {
      this.queue = [utility, ...this.queue.filter((u) => u !== utility)];
      this.pump();
    }
    return job.done;
  }

  private tileset(cut: CutLayer, name: string): CutTileset {
    const t = cut.tilesets.find((s) => s.name === name);
    if (!t || t.empty) throw new HttpError(404, 'empty_layer', `layer ${name} has no lines in network version ${cut.version}`, 'utility');
    return t;
  }

  /** A file of a layer's tileset: `tileset.json`, `schema.json` or a content `.glb`. */
  async file(version: number, tileset: string, name: string): Promise<Encoded> {
    this.lastRequestAt = performance.now();
    this.checkVersion(version);
    const parsed = parseTilesetName(tileset);
    if (!parsed || (parsed.restricted && !this.options.restricted)) {
      throw new HttpError(404, 'unknown_layer', `unknown layer "${tileset}"; layers: ${UTILITY_TYPES.join(', ')}${this.options.restricted ? ` (and {layer}${RESTRICTED_SUFFIX})` : ''}`, 'utility');
    }
    const cut = await this.layer(parsed.utility, tileset);
    const e = this.tileset(cut, tileset).files.get(name);
    if (!e) throw new HttpError(404, 'unknown_tile', `no tile content "${name}" in layer ${tileset} of network version ${version}`, 'tile');
    return e;
  }

  /** The link and node ids a file of a restricted tileset draws (a tileset.json or schema.json draws none); the file has been served, so its layer is cut. */
  assetsOf(version: number, tileset: string, name: string): string[] {
    this.checkVersion(version);
    const parsed = parseTilesetName(tileset);
    const cut = parsed ? this.jobs.get(parsed.utility)?.cut : null;
    if (!cut) throw new Error(`assetsOf: layer ${tileset} of network version ${version} is not cut yet`);
    return this.tileset(cut, tileset).assets?.get(name) ?? [];
  }

  /** How far the cutting of `version` (the one in force) has come. */
  status(version?: number): TileCutStatus {
    const v = this.store.currentVersion();
    if (!v) throw new HttpError(503, 'no_network', 'no network has been imported yet: run `npm run city`');
    this.checkVersion(version ?? v.version);
    const layers = [...this.jobs.values()].map((j) => ({
      utility: j.utility, state: j.state,
      tilesets: j.cut ? j.cut.tilesets.filter((t) => !t.empty).map((t) => t.name) : [],
      files: j.cut ? j.cut.tilesets.reduce((s, t) => s + t.files.size, 0) : 0,
      cuts: j.cuts,
      brotliQuality: j.brotliQuality,
      seconds: j.cut ? Math.round(j.cut.seconds * 100) / 100 : null,
      error: j.error,
    }));
    const seconds = ((this.finishedAt ?? performance.now()) - this.startedAt) / 1000;
    return { version: this.version, done: layers.filter((l) => l.state === 'ready').length, total: layers.length, seconds: Math.round(seconds * 100) / 100, layers };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const job of this.jobs.values()) if (job.state !== 'ready') job.reject(new HttpError(503, 'closing', 'the server is closing'));
    this.queue = [];
    this.recodeQueue = [];
    this.cutter.close();
  }
}
