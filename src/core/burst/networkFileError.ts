/**
 * The one error for a refused network file (an EPANET .inp, a valve layer CSV): all or nothing,
 * every issue naming the section and the line, as `[PIPES] line 123: expected at least 5 fields`.
 */

export interface FileIssue {
  /** The .inp section ('PIPES'), or null for files without sections. */
  section: string | null;
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export function formatFileIssue(issue: FileIssue): string {
  return `${issue.section === null ? '' : `[${issue.section}] `}line ${issue.line}: ${issue.message}`;
}

export class NetworkFileError extends Error {
  override readonly name = 'NetworkFileError';
  constructor(readonly file: string, readonly issues: FileIssue[], readonly totalIssues: number) {
    super(
      `${file} refused (${totalIssues} issue${totalIssues === 1 ? '' : 's'}): ` +
        issues.slice(0, 5).map(formatFileIssue).join('; ') + (totalIssues > 5 ? '; …' : ''),
    );
  }
}

export class FileIssues {
  readonly list: FileIssue[] = [];
  total = 0;
  constructor(private readonly max: number) {}
  add(section: string | null, line: number, message: string): void {
    this.total++;
    if (this.list.length < this.max) this.list.push({ section, line, message });
  }
  throwIfAny(file: string): void {
    if (this.total > 0) throw new NetworkFileError(file, this.list, this.total);
  }
}

/**
 * Splits a data line into fields: whitespace separated, a double-quoted field may hold spaces, and
 * everything from an unquoted ';' on is a comment (EPANET's .inp rules).
 */
export function inpFields(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ';') break;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      const end = close < 0 ? n : close;
      fields.push(text.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < n && text[j] !== ' ' && text[j] !== '\t' && text[j] !== '\r' && text[j] !== ';') j++;
    fields.push(text.slice(i, j));
    i = j;
  }
  return fields;
}
