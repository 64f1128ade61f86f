/**
 * A screening's summary carries `segmentsInNetwork`, a count over every line. A role without
 * restricted access reads a network summary whose `segments` leave the restricted lines out, so the
 * screening's count would tell it how many restricted segments there are; a site's contractor would
 * learn the city's size (review 14, fault 3). Real server on 127.0.0.1, real SQLite file (the small
 * city with its 110 kV bank), the same answers through the screening route and a permit's stored
 * screening: the lines a screening lists are never cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigScreening } from '../../src/core/digScreening';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import type { NetworkSummary } from '../../src/protocol/apiTypes';
import { permitOverGas, squareAround, startPermitsHarness, type PermitDetail, type PermitsHarness } from './permitsHarness';

let h: PermitsHarness;
beforeAll(async () => { h = await startPermitsHarness(shanghaiTime('2026-03-09', 9)); }, 180_000);
afterAll(async () => { await h?.dispose(); });

/** A dig over the first 110 kV line: restricted to supervisors and admins, struck all the same. */
function overTheBank(): { footprint: [number, number][]; depth: number; ruleSetId: string; groundElevation: null } {
  const v = h.store.links().find((l) => l.pressureClass === '110kV')!.vertices;
  return { footprint: squareAround(h, (v[0]! + v[4]!) / 2, (v[1]! + v[5]!) / 2, 2), depth: 3, ruleSetId: 'cn-gb50289', groundElevation: null };
}

describe('the network size in screening answers', () => {
  it('a role with restricted access to the whole network gets the count; it is the network summary\'s', async () => {
    const s = await h.as<NetworkSummary>('reviewer', 'GET', '/api/network');
    const r = await h.as<DigScreening>('reviewer', 'POST', '/api/screenings', overTheBank());
    expect(r.status).toBe(200);
    expect(r.body.summary.segmentsInNetwork).toBe(s.body.segments);
  });

  it.each(['supervisor', 'admin', 'contractor-a'])('%s gets the screening without the count, its lines whole', async (who) => {
    const whole = (await h.as<DigScreening>('reviewer', 'POST', '/api/screenings', overTheBank())).body;
    const r = await h.as<DigScreening>(who, 'POST', '/api/screenings', overTheBank());
    expect(r.status).toBe(200);
    expect('segmentsInNetwork' in r.body.summary).toBe(false);
    // Everything else as the reviewer gets it: the struck restricted line included (safety first).
    const { segmentsInNetwork: _dropped, ...rest } = whole.summary;
    expect(r.body.summary).toEqual(rest);
    expect(r.body.lines).toEqual(whole.lines);
    expect(r.body.lines.some((l) => l.verdict === 'STRIKE' && h.store.links().find((k) => k.id === l.linkId)?.pressureClass === '110kV')).toBe(true);
  });

  it('a contractor\'s own permit: its stored screening without the count; the reviewer\'s copy keeps it', async () => {
    const created = await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', permitOverGas(h));
    expect(created.status).toBe(201);
    const mine = (await h.as<PermitDetail>('contractor-a', 'GET', `/api/permits/${created.body.id}`)).body;
    const office = (await h.as<PermitDetail>('reviewer', 'GET', `/api/permits/${created.body.id}`)).body;
    expect(JSON.stringify(mine)).not.toContain('segmentsInNetwork');
    expect(JSON.stringify(office)).toContain('segmentsInNetwork');
    expect(JSON.stringify(created.body)).not.toContain('segmentsInNetwork');
  });
});
