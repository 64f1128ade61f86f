import { describe, expect, it } from 'vitest';
import workflowJson from '../../data/rules/permit-workflow.json';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import { RECEIPT_ALPHABET, generateReceipt, isValidReceipt, normaliseReceipt, publicView } from '../../src/core/permits/receipt';
import { PermitWorkflow, type Actor } from '../../src/core/permits/workflow';
import { validatePermitWorkflowRules } from '../../src/core/permits/workflowRules';

/** A fixed "random" source: byte i is (seed · 37 + i · 11) mod 256. */
function bytesFrom(seed: number) {
  return (n: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 37 + i * 11) % 256);
}

const SAMPLES = Array.from({ length: 12 }, (_, seed) => generateReceipt(2026 + (seed % 2), bytesFrom(seed)));
/** Indexes of the characters the check covers in 'UG-2026-XXXXX-XXXXX': year, random, check. */
const CHECKED = [3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18];

describe('receipt numbers', () => {
  it('read UG-year-five-five, with the year of submission and the check character last', () => {
    for (const r of SAMPLES) {
      expect(r).toMatch(/^UG-202[67]-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(isValidReceipt(r)).toBe(true);
    }
    expect(generateReceipt(2026, bytesFrom(0))).toBe(SAMPLES[0]);
    expect(new Set(SAMPLES).size).toBe(SAMPLES.length);
  });

  it('take their nine random characters from the injected source', () => {
    const allOnes = generateReceipt(2026, (n) => new Uint8Array(n).fill(1));
    expect(allOnes.slice(8, 13) + allOnes.slice(14, 18)).toBe('111111111');
    expect(() => generateReceipt(2026, () => new Uint8Array(3))).toThrow(/returned 3 bytes/);
    expect(() => generateReceipt(99, bytesFrom(1))).toThrow(/^year: /);
  });

  it('catch every single-character typo', () => {
    const missed: string[] = [];
    let tried = 0;
    for (const r of SAMPLES) {
      for (const i of CHECKED) {
        for (const ch of RECEIPT_ALPHABET) {
          if (ch === r[i]) continue;
          const typo = r.slice(0, i) + ch + r.slice(i + 1);
          tried++;
          if (isValidReceipt(typo)) missed.push(typo);
        }
      }
    }
    expect(missed).toEqual([]);
    expect(tried).toBe(SAMPLES.length * CHECKED.length * 31);
  });

  it('catch every swap of two different characters, adjacent or not', () => {
    const missed: string[] = [];
    let tried = 0;
    for (const r of SAMPLES) {
      for (const [a, i] of CHECKED.entries()) {
        for (const j of CHECKED.slice(a + 1)) {
          if (r[i] === r[j]) continue;
          const chars = [...r];
          [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
          tried++;
          if (isValidReceipt(chars.join(''))) missed.push(chars.join(''));
        }
      }
    }
    expect(missed).toEqual([]);
    expect(tried).toBeGreaterThan(SAMPLES.length * 80);
  });

  it('accept what people type: lower case, spaces, no hyphens, O for 0, I and L for 1', () => {
    const r = generateReceipt(2026, (n) => new Uint8Array(n).fill(0).map((_, i) => (i === 2 ? 1 : 0)));
    const typed = ` ${r.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l')} `;
    expect(normaliseReceipt(typed)).toBe(r);
    expect(normaliseReceipt(r.replace(/-/g, ''))).toBe(r);
  });

  it('refuse anything else', () => {
    for (const bad of ['', 'UG-2026', `XX${(SAMPLES[0] ?? '').slice(2)}`, `${SAMPLES[0]}0`, 'U'.repeat(65), 42, null, { r: SAMPLES[0] }]) {
      expect(isValidReceipt(bad), String(bad)).toBe(false);
    }
    expect(isValidReceipt((SAMPLES[0] ?? '').replace(/[0-9A-Z]$/, 'U'))).toBe(false);
  });
});

describe('the public view', () => {
  const rules = validatePermitWorkflowRules(workflowJson);
  const wf = new PermitWorkflow(rules);
  const applicant: Actor = { id: 'applicant-zhang-13800138000', role: 'applicant' };
  const dispatcher: Actor = { id: 'dispatcher-li', role: 'dispatcher' };
  const receipt = generateReceipt(2026, bytesFrom(5));
  let permit = wf.submit({ permitId: 'permit-secret-77', receipt }, applicant, shanghaiTime('2026-09-30', 23, 30)).permit;
  permit = wf.transition(permit, 'return', dispatcher, 'Owner letter from 广州燃气 missing', shanghaiTime('2026-10-08', 0, 30)).permit;
  const withPrivateData = {
    ...permit,
    application: {
      applicantName: '张三', phone: '13800138000', email: 'zhang@example.cn', company: 'Tianhe Works Ltd',
      site: { type: 'Polygon', coordinates: [[[113.3245, 23.1291], [113.3251, 23.1291], [113.3251, 23.1295], [113.3245, 23.1291]]] },
    },
  };

  it('shows only the stage and the dates', () => {
    const view = publicView(withPrivateData);
    expect(Object.keys(view).sort()).toEqual(['history', 'stage', 'stageSince', 'submittedOn']);
    for (const entry of view.history) expect(Object.keys(entry).sort()).toEqual(['on', 'stage']);
    expect(view).toEqual({
      stage: 'returned', submittedOn: '2026-09-30', stageSince: '2026-10-08',
      history: [{ stage: 'submitted', on: '2026-09-30' }, { stage: 'returned', on: '2026-10-08' }],
    });
  });

  it('leaks no name, phone, e-mail, geometry, actor, reason, id or receipt', () => {
    const text = JSON.stringify(publicView(withPrivateData));
    for (const secret of ['张三', '13800138000', 'zhang@', 'Tianhe', '113.32', '23.129', 'applicant-zhang', 'dispatcher-li', '广州燃气', 'Owner letter', 'permit-secret', receipt, 'Polygon']) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).toMatch(/^[-a-z0-9":,{}[\]]+$/i); // stages, dates and punctuation only
  });
});
