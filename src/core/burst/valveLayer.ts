/**
 * A valve layer as CSV: one isolation valve per row as WNTR's (link, node) pair, the valve sitting
 * on `link` at the end that touches `node` (wntr.network.generate_valve_layer writes these).
 *
 * Accepted: a header naming `link` and `node` (and optionally an index column, as pandas writes
 * `,link,node`, and `normally_open` / `operable` columns of true/false/1/0/yes/no); or no header,
 * with rows of `link,node` or `index,link,node`. A valve's id is its index column, else its row
 * number from 0 (WNTR's valve numbers). Any malformed row refuses the layer, naming its line.
 */
import { FileIssues } from './networkFileError';

export interface ValveLayerRow {
  id: string;
  link: string;
  node: string;
  normallyOpen: boolean;
  operable: boolean;
  /** 1-based line in the CSV. */
  line: number;
}

const TRUE_WORDS = ['true', '1', 'yes', 'y', 't'];
const FALSE_WORDS = ['false', '0', 'no', 'n', 'f'];

function csvFields(line: string): string[] {
  return line.replace(/\r$/, '').split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

export function parseValveLayerCsv(text: string, options: { maxIssues?: number } = {}): ValveLayerRow[] {
  const issues = new FileIssues(options.maxIssues ?? 50);
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const first = i < lines.length ? csvFields(lines[i]!).map((f) => f.toLowerCase()) : [];
  const hasHeader = first.includes('link') && first.includes('node');
  let columns: { index: number; link: number; node: number; open: number; operable: number; width: number } | null = null;
  if (hasHeader) {
    const at = (name: string) => first.indexOf(name);
    // pandas writes the index column with an empty name.
    columns = { index: first.indexOf(''), link: at('link'), node: at('node'), open: at('normally_open'), operable: at('operable'), width: first.length };
    i++;
  }

  const rows: ValveLayerRow[] = [];
  for (; i < lines.length; i++) {
    const lineNo = i + 1;
    if (lines[i]!.trim() === '') continue;
    const f = csvFields(lines[i]!);
    let cols = columns;
    if (!cols) {
      if (f.length === 2) cols = { index: -1, link: 0, node: 1, open: -1, operable: -1, width: 2 };
      else if (f.length === 3) cols = { index: 0, link: 1, node: 2, open: -1, operable: -1, width: 3 };
      else { issues.add(null, lineNo, `expected 2 fields (link,node) or 3 (index,link,node); got ${f.length}`); continue; }
    } else if (f.length !== cols.width) {
      issues.add(null, lineNo, `expected ${cols.width} fields as in the header; got ${f.length}`);
      continue;
    }
    const link = f[cols.link]!, node = f[cols.node]!;
    if (link === '' || node === '') { issues.add(null, lineNo, 'link and node must not be empty'); continue; }
    const flag = (k: number, name: string): boolean => {
      if (k < 0) return true;
      const v = f[k]!.toLowerCase();
      if (TRUE_WORDS.includes(v)) return true;
      if (FALSE_WORDS.includes(v)) return false;
      issues.add(null, lineNo, `${name} must be true or false; got "${f[k]}"`);
      return true;
    };
    const id = cols.index >= 0 && f[cols.index] !== '' ? f[cols.index]! : String(rows.length);
    rows.push({ id, link, node, normallyOpen: flag(cols.open, 'normally_open'), operable: flag(cols.operable, 'operable'), line: lineNo });
  }
  issues.throwIfAny('Valve layer');
  return rows;
}
