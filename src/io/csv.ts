/**
 * CSV reading (RFC 4180 with PostgreSQL COPY's options): fields come out as text or null and are
 * converted to column types by the caller, with the same casts SQL uses.
 */
export interface CsvOptions {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  /** The text that stands for NULL when unquoted (COPY CSV: the empty string). */
  nullString: string;
}

export const CSV_DEFAULTS: CsvOptions = { delimiter: ',', quote: '"', escape: '"', header: false, nullString: '' };

/** Parses CSV text into rows of fields; a quoted empty field is '' while an unquoted one is NULL. */
export function parseCsv(text: string, opts: CsvOptions): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const { delimiter: d, quote: q, escape: e } = opts;
  let row: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = '';
    let quoted = false;
    if (text[i] === q) {
      quoted = true;
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated CSV quoted field');
        const c = text[i]!;
        if (c === e && text[i + 1] === q) { field += q; i += 2; continue; }
        if (c === q) { i++; break; }
        field += c; i++;
      }
      while (i < n && text[i] !== d && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
    } else {
      const start = i;
      while (i < n && text[i] !== d && text[i] !== '\n' && text[i] !== '\r') i++;
      field = text.slice(start, i);
    }
    row.push(!quoted && field === opts.nullString ? null : field);
    if (i < n && text[i] === d) { i++; if (i === n) row.push(opts.nullString === '' ? null : ''); continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  if (row.length) rows.push(row);
  return opts.header ? rows.slice(1) : rows;
}

export function csvField(v: string | null, opts: CsvOptions): string {
  if (v === null) return opts.nullString;
  if (v === '' || v.includes(opts.delimiter) || v.includes(opts.quote) || v.includes('\n') || v.includes('\r')) {
    return opts.quote + v.split(opts.quote).join(opts.escape + opts.quote) + opts.quote;
  }
  return v;
}
