/**
 * What the "Site view" button says when it cannot open (src/ui/siteNotices.ts siteFailure): the
 * interface's words in zh-CN and en with the detail kept, for a real fetch that got no answer (a
 * port on 127.0.0.1 with nothing listening: the TypeError the browser's "Failed to fetch" is), the
 * server's stale-version refusal, any other refusal, and an error of the page itself.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/services/api';
import { translate, type Locale } from '../../src/ui/i18n';
import { siteFailure } from '../../src/ui/siteNotices';

const tIn = (locale: Locale) => (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);

/** A port on 127.0.0.1 that was free a moment ago: a fetch to it gets no answer. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((done) => s.close(() => done()));
  return port;
}

describe('the site view’s failure messages', () => {
  it('says a fetch that got no answer is the connection, in both languages, keeping the browser’s detail', async () => {
    const e = await fetch(`http://127.0.0.1:${await closedPort()}/api/network/1/layers/gas`).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    const detail = (e as Error).message;
    expect(siteFailure(e, tIn('en'))).toBe(`no answer from the server (is the connection down?) (${detail})`);
    expect(siteFailure(e, tIn('zh-CN'))).toBe(`服务器无应答（网络是否已断开？）（${detail}）`);
  });

  it('says a replaced network version means reloading, and keeps any other refusal’s status and message', () => {
    const stale = new ApiError(404, 'stale_version', 'network version 3 is not current (current: 4): a later import replaced it', 'version');
    expect(siteFailure(stale, tIn('en'))).toBe(`the network was updated since this page loaded: reload the page (${stale.message})`);
    expect(siteFailure(stale, tIn('zh-CN'))).toContain('请刷新页面');
    const refused = new ApiError(403, 'forbidden', 'no access to this layer');
    expect(siteFailure(refused, tIn('en'))).toBe('the server refused (403: no access to this layer)');
    expect(siteFailure(new RangeError('siteBox: no works'), tIn('en'))).toBe('an error in the page (siteBox: no works)');
    expect(siteFailure('odd', tIn('zh-CN'))).toBe('页面出错（odd）');
  });
});
