/**
 * The network reports are computed in a worker thread (src/server/networkReports.ts): until they are
 * ready the server answers 503 report_computing with Retry-After. A client asks again; these helpers
 * do, sooner than Retry-After says (a test need not wait whole seconds).
 */
type Answer = { status: number; body: unknown };

const computing = (a: Answer) => a.status === 503 && (a.body as { error?: { code?: string } } | null)?.error?.code === 'report_computing';

/** Asks until the answer is not a 503 report_computing; every 503 seen is kept in `waits`. */
export async function untilReady<T extends Answer>(ask: () => Promise<T>, waits: T[] = [], timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const a = await ask();
    if (!computing(a)) return a;
    waits.push(a);
    if (Date.now() > until) throw new Error(`the report was still being computed after ${timeoutMs} ms: ${JSON.stringify(a.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET a URL as JSON with the headers given, asking again while the report is being computed. */
export function fetchReport<T>(url: string, headers: Record<string, string>, waits: { status: number; body: T; res: Response }[] = []): Promise<{ status: number; body: T; res: Response }> {
  return untilReady(async () => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: (await res.json()) as T, res };
  }, waits);
}
