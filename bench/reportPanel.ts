/**
 * The network reports panel in headless Chromium with a large-city-sized clearance report: the main
 * thread's long tasks (> 50 ms) while the panel opens the report, turns a page and filters by
 * utility, from a Chromium trace (longTaskTrace.ts): on two cores shared by several sessions most
 * long tasks are a thread waiting for a core, so each is classed by its CPU time, and the busiest
 * task's CPU is printed (ours: ≥ 50 ms of CPU). The page is the real viewer on the small city, signed in as a
 * reviewer; the report's route answers with bench/largeReport.ts' 50,000-finding body (23.6 MB)
 * instead of the small city's own (playwright `page.route`: the server would need the large city,
 * minutes to generate and import), so fetching, the worker's parse, the summary and the rows are the
 * panel's real path.
 *
 * Peers in the same page: (a) the page left alone for 5 s right before; (b) JSON.parse of the same body on the main thread, as the
 * panel would do without the report worker.
 *
 * Usage: npx tsx bench/reportPanel.ts [findings]      (default 50,000)
 */
import type { Page } from 'playwright-core';
import { ensureClientBuilt } from '../scripts/buildClient';
import { launchBrowser, openPage } from '../tests/helpers/browser';
import { startTestServer } from '../tests/helpers/testServer';
import { largeClearanceReport } from './largeReport';
import { longTaskLine, printBusiest, printOurs, printOurTasks, traced } from './longTaskTrace';
import { loadText } from './stats';

const TARGET = Number(process.argv[2] ?? 50_000);
const MINUTE = 60_000;

await ensureClientBuilt('dist');
const server = await startTestServer('small');
const browser = await launchBrowser();
try {
  const { page, consoleErrors } = await openPage(browser, server.url, { width: 1024, height: 768 }, { signInAs: 'reviewer' });
  await page.waitForSelector('body[data-pipes-drawn="true"]', { timeout: 5 * MINUTE });
  await page.waitForSelector('body[data-tiles-loaded="true"]', { timeout: 5 * MINUTE });
  const report = largeClearanceReport(TARGET);
  console.log(`clearance report: ${report.findings.toLocaleString()} findings, ${(report.bytes.length / 1e6).toFixed(1)} MB; ${loadText()}`);
  await page.route('**/api/network/*/reports/clearances', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: report.text }));
  const cdp = await page.context().newCDPSession(page);
  await page.waitForTimeout(3000); // the opening's last frames
  const during = async (label: string, act: (p: Page) => Promise<void>) => {
    const marks = `bench-${label.replace(/\W+/g, '-')}`;
    const t0 = Date.now();
    const { longTasks, profile } = await traced(cdp, marks, async () => {
      await page.evaluate((m) => performance.mark(`${m}-start`), marks);
      await act(page);
      await page.waitForTimeout(300); // the last render after the answer
      await page.evaluate((m) => performance.mark(`${m}-end`), marks);
    });
    const busiest = longTasks.busiest[0];
    console.log(longTaskLine(label.slice(0, 18), longTasks, (Date.now() - t0) / 1000));
    console.log(`    ${label}: busiest task ${busiest ? `${busiest.cpuMs.toFixed(0)} ms CPU / ${busiest.ms.toFixed(0)} ms wall (${busiest.what})` : 'none'}; ${loadText()}`);
    if (longTasks.ourTasks.length > 0) { printOurTasks(longTasks, profile); printOurs(longTasks); }
    if (process.env['BUSIEST']) printBusiest({ ...longTasks, busiest: longTasks.busiest.slice(0, 3) }, profile);
    return longTasks;
  };

  const control = await during('control: the page left alone for 5 s', (p) => p.waitForTimeout(5000));
  const open = await during('open the panel, fetch + worker parse, first page', async (p) => {
    await p.click('#reports-toggle');
    await p.click('#report-tab-clearances');
    await p.waitForSelector('#report-findings tr.result', { timeout: 5 * MINUTE });
  });
  await during('next page', async (p) => {
    const before = await p.getAttribute('#report-findings tr.result', 'data-index');
    await p.click('#report-next');
    await p.waitForFunction((b) => document.querySelector('#report-findings tr.result')?.getAttribute('data-index') !== b, before);
  });
  await during('filter by utility (gas)', async (p) => {
    await p.selectOption('#report-utility', 'gas');
    await p.waitForFunction(() => /Page 1 of/.test(document.querySelector('#report-page')?.textContent ?? '') && document.querySelector('#report-utility') !== null && (document.querySelector('#report-utility') as HTMLSelectElement).value === 'gas');
  });
  const peer = await during('peer: JSON.parse of the same body on the main thread', async (p) => {
    await p.evaluate(async () => { JSON.parse(await (await fetch('/api/network/1/reports/clearances')).text()); });
  });
  const rows = await page.locator('#report-findings tr.result').count();
  console.log(`rows in the DOM: ${rows}; page text: ${await page.textContent('#report-page')}; ${loadText()}`);
  const cpu = (r: typeof open) => r.busiest[0]?.cpuMs ?? 0;
  console.log(`busiest main-thread task (CPU): opening the report ${cpu(open).toFixed(0)} ms, the page alone ${cpu(control).toFixed(0)} ms, the main-thread parse (peer) ${cpu(peer).toFixed(0)} ms; long-task limit 50 ms`);
  if (consoleErrors.length) console.log(`console errors: ${consoleErrors.join(' | ')}`);
} finally {
  await browser.close();
  await server.dispose();
}
