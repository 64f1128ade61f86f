/**
 * The site's offline copy: what the view drew the last time a site opened with a connection (the
 * layers' lines the server sent this user around it, with the screening's answer they were opened
 * with), kept in the browser's IndexedDB (no library: one object store, get and put) so that the same
 * site opens with the server unreachable, marked "offline copy, network version N, saved …"
 * (mountSite.ts). The view draws the copy's lines with the verdicts of the screening being opened,
 * never the copy's own (an earlier screening could rate a line milder); the copy's answer is kept so
 * the copy is whole (what was seen, against what) and a kept-sites list can be built on it.
 *
 * One copy per user and site: the key is the user's name and the works as asked (their geometry: the
 * same dig screened again, with other rules or on a newer network, is the same site). A copy is what
 * the server sent that user (a contractor's lines are clipped to their own sites), so another user of
 * the same tablet never opens it. A copy of an older network version than the stored one never
 * replaces it (`replaces`); the same or a newer one does.
 */
import type { DigScreening, WorksScreening } from '../core/digScreening';
import type { DigWork } from '../core/screening/digWorks';
import type { LayerPayload } from '../protocol/layerPayload';

const DB = 'undergrid-site';
const STORE = 'copies';

export interface SiteCopy {
  key: string;
  /** The network version the lines were sent from. */
  version: number;
  savedAt: number;
  result: DigScreening | WorksScreening;
  openCut?: { footprint: [number, number][]; depth: number };
  payloads: LayerPayload[];
}

/** The copy's key: the user and the works as asked. */
export function siteCopyKey(user: string, works: readonly DigWork[]): string {
  return JSON.stringify([user, works]);
}

/**
 * The bounds of every key of `user`'s copies (siteCopyKey's JSON starts `["<user>",`; the closing
 * quote keeps crew1 from matching crew10's copies).
 */
export function userKeyRange(user: string): [string, string] {
  const prefix = `${JSON.stringify([user]).slice(0, -1)},`;
  return [prefix, `${prefix}\uffff`];
}

/** Whether `incoming` takes the place of the stored copy: there is none, or it is of the same or a newer network version. */
export function replaces(stored: Pick<SiteCopy, 'version'> | undefined, incoming: Pick<SiteCopy, 'version'>): boolean {
  return !stored || incoming.version >= stored.version;
}

/** The server could not be reached (as opposed to answering with a refusal): the offline copy may stand in. */
export function unreachable(e: unknown): boolean {
  if (e instanceof TypeError) return true; // fetch: no network, connection refused or reset
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  const status = (e as { status?: unknown } | null)?.status;
  return status === 502 || status === 503 || status === 504;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB: open failed'));
    req.onblocked = () => reject(new Error('IndexedDB: open blocked'));
  });
}

/** Runs `body` in one transaction and settles when it completes. */
async function inStore<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore, done: (v: T) => void) => void): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let value = undefined as T;
      body(tx.objectStore(STORE), (v) => { value = v; });
      tx.oncomplete = () => resolve(value);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB: transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB: transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** The kept copy of a site, or null. */
export function loadCopy(key: string): Promise<SiteCopy | null> {
  return inStore<SiteCopy | null>('readonly', (store, done) => {
    const req = store.get(key);
    req.onsuccess = () => done((req.result as SiteCopy | undefined) ?? null);
  });
}

/** Keeps `copy` unless a copy of a newer network version is already kept; true when kept. */
export function saveCopy(copy: SiteCopy): Promise<boolean> {
  return inStore<boolean>('readwrite', (store, done) => {
    const req = store.get(copy.key);
    req.onsuccess = () => {
      const keep = replaces(req.result as SiteCopy | undefined, copy);
      if (keep) store.put(copy);
      done(keep);
    };
  });
}

/**
 * Deletes every copy kept for `user`: on signing out nothing the server sent them stays on the device
 * (a contractor's copy holds the restricted lines within their sites).
 */
export function forgetCopies(user: string): Promise<void> {
  const [lo, hi] = userKeyRange(user);
  return inStore<void>('readwrite', (store) => { store.delete(IDBKeyRange.bound(lo, hi)); });
}
