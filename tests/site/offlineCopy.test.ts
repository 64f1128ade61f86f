/**
 * The site's offline copy (src/site/offlineCopy.ts), its pure parts: which copy is kept, whose and of
 * which site, and which failures let the copy stand in (a real fetch to a closed port and to a server
 * that never answers, on 127.0.0.1). IndexedDB itself is exercised in Chromium by tests/e2e/site.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigWork } from '../../src/core/screening/digWorks';
import { replaces, siteCopyKey, unreachable, userKeyRange } from '../../src/site/offlineCopy';
import { ApiError, request } from '../../src/services/api';

describe('the offline copy', () => {
  it('is replaced by a copy of the same or a newer network version, never an older one', () => {
    expect(replaces(undefined, { version: 3 })).toBe(true);
    expect(replaces({ version: 3 }, { version: 3 })).toBe(true);
    expect(replaces({ version: 3 }, { version: 4 })).toBe(true);
    expect(replaces({ version: 4 }, { version: 3 })).toBe(false);
  });

  it('is forgotten per user: the key range holds every key of that user and none of another', () => {
    const pit: DigWork[] = [{ kind: 'open_cut', footprint: [[113.3, 23.1], [113.3001, 23.1], [113.3001, 23.1001]], depth: 3 }];
    const [lo, hi] = userKeyRange('crew1');
    const within = (k: string) => k >= lo && k <= hi;
    expect(within(siteCopyKey('crew1', pit))).toBe(true);
    expect(within(siteCopyKey('crew1', []))).toBe(true);
    for (const other of ['crew10', 'crew', 'crew1"', 'Crew1', '施工队1']) expect(within(siteCopyKey(other, pit))).toBe(false);
    const [zlo, zhi] = userKeyRange('施工队1');
    expect(siteCopyKey('施工队1', pit) >= zlo && siteCopyKey('施工队1', pit) <= zhi).toBe(true);
  });

  it('is one per user and works as asked', () => {
    const pit: DigWork[] = [{ kind: 'open_cut', footprint: [[113.3, 23.1], [113.3001, 23.1], [113.3001, 23.1001]], depth: 3 }];
    const deeper: DigWork[] = [{ ...pit[0]!, depth: 3.5 } as DigWork];
    expect(siteCopyKey('crew1', pit)).toBe(siteCopyKey('crew1', structuredClone(pit)));
    expect(siteCopyKey('crew1', pit)).not.toBe(siteCopyKey('crew2', pit));
    expect(siteCopyKey('crew1', pit)).not.toBe(siteCopyKey('crew1', deeper));
  });

  describe('stands in when the server cannot be reached, not when it refuses', () => {
    let silent: Server;
    let closedPort: number;
    beforeAll(async () => {
      silent = createServer(() => { /* never answers */ });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      closedPort = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
    });
    afterAll(async () => {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    });

    it('no server listening: the fetch fails', async () => {
      const e = await request(`http://127.0.0.1:${closedPort}/api/network`).catch((x: unknown) => x);
      expect(unreachable(e)).toBe(true);
    });

    it('a server that never answers: the timeout', async () => {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/network`;
      const e = await request(url, { signal: AbortSignal.timeout(100) }).catch((x: unknown) => x);
      expect(unreachable(e)).toBe(true);
    });

    it('a gateway that cannot reach it (502, 503, 504) stands in; a refusal (401, 403, 404) does not', () => {
      for (const status of [502, 503, 504]) expect(unreachable(new ApiError(status, 'http_error', 'down'))).toBe(true);
      for (const status of [401, 403, 404, 500]) expect(unreachable(new ApiError(status, 'http_error', 'no'))).toBe(false);
      expect(unreachable(new SyntaxError('bad JSON'))).toBe(false);
    });
  });
});
