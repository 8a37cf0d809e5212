/**
 * CSV reading (RFC 4180 with PostgreSQL COPY's options): fields come out as text or null and are
 * converted to column types by the caller, with the same casts SQL uses.
 */
import { QuiverError } from '../common/errors.js';

export interface CsvOptions {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  /** The text that stands for NULL when unquoted (COPY CSV: the empty string). */
  nullString: string;
}

export const CSV_DEFAULTS: CsvOptions = { delimiter: ',', quote: '"', escape: '"', header: false, nullString: '' };

/** Rows of fields, with the 1-based line of the file where each row starts (quoted fields may span lines). */
export interface CsvRows {
  rows: (string | null)[][];
  lines: number[];
}

/**
 * Parses CSV text into rows of fields (a quoted empty field is '' while an unquoted one is NULL),
 * with the line each row starts on, for errors that name the line. Linear in the text: fields are
 * sliced out of it, never built a character at a time.
 */
export function parseCsvLines(text: string, opts: CsvOptions): CsvRows {
  const rows: (string | null)[][] = [];
  const lines: number[] = [];
  const { delimiter: d, quote: q, escape: e } = opts;
  let row: (string | null)[] = [];
  let i = 0;
  let line = 1;
  let rowLine = 1;
  const n = text.length;
  while (i < n) {
    let field: string;
    let quoted = false;
    if (text[i] === q) {
      quoted = true;
      const startLine = line;
      i++;
      const parts: string[] = [];
      let start = i;
      for (;;) {
        if (i >= n) throw new QuiverError('22P04', `unterminated CSV quoted field (line ${startLine})`);
        const c = text[i]!;
        if (c === e && text[i + 1] === q) {
          parts.push(text.slice(start, i), q);
          i += 2; start = i;
          continue;
        }
        if (c === q) { parts.push(text.slice(start, i)); i++; break; }
        if (c === '\n') line++;
        i++;
      }
      // Text after the closing quote up to the delimiter belongs to the field, as in PostgreSQL.
      start = i;
      while (i < n && text[i] !== d && text[i] !== '\n' && text[i] !== '\r') i++;
      parts.push(text.slice(start, i));
      field = parts.length === 2 && parts[1] === '' ? parts[0]! : parts.join('');
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
    lines.push(rowLine);
    row = [];
    rowLine = ++line;
  }
  if (row.length) { rows.push(row); lines.push(rowLine); }
  return opts.header ? { rows: rows.slice(1), lines: lines.slice(1) } : { rows, lines };
}
