/**
 * Rendering of query results and errors the way psql shows them. Everything here is a pure
 * function of its arguments so the layout can be checked byte for byte in tests.
 */
import type { QueryResult } from '../index.js';

export type OutputFormat = 'aligned' | 'csv' | 'json';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['aligned', 'csv', 'json'];

/** The fields of an error that the CLI reports; QuiverError has all of them. */
export interface ErrorReport {
  message: string;
  code?: string;
  position?: number;
  detail?: string;
  hint?: string;
}

// ---------------------------------------------------------------------------------------------
// Values as PostgreSQL's text output
// ---------------------------------------------------------------------------------------------

const INTEGER_TYPE = /^(smallint|integer|bigint|int|int2|int4|int8)\b/i;
const REAL_TYPE = /^(real|float4)\b/i;
const NUMERIC_TYPE = /^(numeric|decimal)\b/i;
// psql right-aligns exactly the numeric type family (see psql's column_type_alignment); arrays
// of numbers are left-aligned like any other text.
const RIGHT_ALIGNED_TYPE =
  /^(smallint|integer|bigint|int|int2|int4|int8|real|float4|float8|double precision|numeric|decimal|money|oid)\b(?!.*\[)/i;

function isRightAligned(type: string | undefined, values: Iterable<unknown>): boolean {
  if (type !== undefined && type !== '') return RIGHT_ALIGNED_TYPE.test(type);
  // Without a type name, fall back to what the values look like.
  for (const v of values) {
    if (v === null || v === undefined) continue;
    return typeof v === 'number' || typeof v === 'bigint';
  }
  return false;
}

/**
 * A float in PostgreSQL's output form: the shortest digits that read back to the same value,
 * in fixed notation for decimal exponents in [-4, 15) (double) or [-4, 6) (real), otherwise
 * printf-style exponent notation with at least two exponent digits ('1e+15', '1.5e-05').
 */
export function formatFloat(value: number, precision: 'double' | 'real' = 'double'): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';

  let exp: string = value.toExponential();
  if (precision === 'real' && Math.fround(value) === value) {
    // toExponential() gives the shortest digits for a double; a real needs fewer.
    for (let digits = 1; digits <= 9; digits++) {
      const candidate = value.toExponential(digits - 1);
      if (Math.fround(Number(candidate)) === value) {
        exp = candidate;
        break;
      }
    }
  }
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp);
  if (m === null) return String(value);
  const sign = m[1] ?? '';
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const e = Number(m[4]);
  const upper = precision === 'real' ? 6 : 15;
  if (e >= -4 && e < upper) {
    if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
    if (digits.length <= e + 1) return sign + digits + '0'.repeat(e + 1 - digits.length);
    return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const absExp = String(Math.abs(e)).padStart(2, '0');
  return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${absExp}`;
}

function hex(bytes: Uint8Array): string {
  let s = '\\x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function arrayElementText(v: unknown, type: string | undefined): string {
  const t = pgText(v, type);
  if (t === null) return 'NULL';
  if (t === '' || /[{},"\\\s]/.test(t) || /^null$/i.test(t)) {
    return `"${t.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return t;
}

/**
 * One value in PostgreSQL's text form, or null for SQL NULL. `type` is the column's type name
 * as the engine reports it; it decides how JS numbers are spelled.
 */
export function pgText(value: unknown, type?: string): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
      return value ? 't' : 'f';
    case 'bigint':
      return value.toString();
    case 'number':
      if (type !== undefined && INTEGER_TYPE.test(type) && Number.isInteger(value)) return String(value);
      return formatFloat(value, type !== undefined && REAL_TYPE.test(type) ? 'real' : 'double');
    case 'string':
      return value;
    default:
      break;
  }
  if (value instanceof Uint8Array) return hex(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const elementType = type?.replace(/\[\]$/, '');
    return `{${value.map((v) => arrayElementText(v, elementType)).join(',')}}`;
  }
  return toJson(value);
}

// ---------------------------------------------------------------------------------------------
// Display width (psql pads by screen columns, not by UTF-16 units)
// ---------------------------------------------------------------------------------------------

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

// East Asian Wide and Fullwidth ranges, as psql's width table treats them.
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0],
  [0x23f3, 0x23f3], [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f],
  [0x2693, 0x2693], [0x26a1, 0x26a1], [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5],
  [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea], [0x26f2, 0x26f3], [0x26f5, 0x26f5],
  [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b], [0x2728, 0x2728],
  [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55],
  [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f],
  [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x17000, 0x18cff], [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f251],
  [0x1f300, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c], [0x1f37e, 0x1f393], [0x1f3a0, 0x1f3ca],
  [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4], [0x1f3f8, 0x1f43e], [0x1f440, 0x1f440],
  [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e], [0x1f550, 0x1f567], [0x1f57a, 0x1f57a],
  [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f], [0x1f680, 0x1f6c5], [0x1f6cc, 0x1f6cc],
  [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d7], [0x1f6eb, 0x1f6ec], [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945], [0x1f947, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function charWidth(cp: number, ch: string): number {
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = WIDE_RANGES[mid];
    if (range === undefined) break;
    if (cp < range[0]) hi = mid - 1;
    else if (cp > range[1]) lo = mid + 1;
    else return 2;
  }
  return 1;
}

/** Screen columns taken by a string without control characters. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0) ?? 0, ch);
  return w;
}

interface CellLine { text: string; width: number }

/**
 * A cell split into display lines the way psql does it: newlines start a new line, tabs
 * advance to the next multiple of 8, \r and other control characters are shown escaped.
 */
function cellLines(s: string): CellLine[] {
  const lines: CellLine[] = [];
  let text = '';
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\n') {
      lines.push({ text, width });
      text = '';
      width = 0;
    } else if (ch === '\t') {
      do {
        text += ' ';
        width++;
      } while (width % 8 !== 0);
    } else if (ch === '\r') {
      text += '\\r';
      width += 2;
    } else if (cp < 0x20 || cp === 0x7f) {
      text += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
      width += 4;
    } else {
      text += ch;
      width += charWidth(cp, ch);
    }
  }
  lines.push({ text, width });
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Aligned (psql's default) format
// ---------------------------------------------------------------------------------------------

/** psql's footer: '(1 row)', '(0 rows)', '(12 rows)'. */
export function rowCountFooter(n: number): string {
  return n === 1 ? '(1 row)' : `(${n} rows)`;
}

/**
 * A result set laid out like psql's aligned format with the default border: centred headers,
 * a `-+-` rule, numbers right-aligned, NULL empty, multi-line cells continued with `+`,
 * then the row-count footer and a blank line.
 */
export function formatAligned(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const ncol = result.columns.length;
  const headers = result.columns.map((c) => cellLines(c.name));
  const cells = result.rows.map((row) =>
    result.columns.map((c, j) => cellLines(pgText(row[j], c.type) ?? '')),
  );
  const rightAligned = result.columns.map((c, j) => isRightAligned(c.type, result.rows.map((r) => r[j])));
  const widths = headers.map((h) => Math.max(...h.map((l) => l.width)));
  for (const row of cells) {
    row.forEach((lines, j) => {
      for (const l of lines) if (l.width > (widths[j] ?? 0)) widths[j] = l.width;
    });
  }

  const out: string[] = [];

  // Header lines: each column centred; '+' marks a column name that continues below.
  const headerDone = headers.map(() => false);
  let pending = ncol;
  for (let line = 0; pending > 0; line++) {
    let s = '';
    for (let j = 0; j < ncol; j++) {
      const width = widths[j] ?? 0;
      s += ' ';
      const h = headers[j] ?? [];
      if (!headerDone[j]) {
        const l = h[line] ?? { text: '', width: 0 };
        const space = width - l.width;
        s += ' '.repeat(Math.floor(space / 2)) + l.text + ' '.repeat(Math.ceil(space / 2));
        if (line + 1 >= h.length) {
          headerDone[j] = true;
          pending--;
        }
      } else {
        s += ' '.repeat(width);
      }
      s += headerDone[j] ? ' ' : '+';
      if (j < ncol - 1) s += '|';
    }
    out.push(s);
  }

  out.push('-' + widths.map((w) => '-'.repeat(w)).join('-+-') + '-');

  // psql prints no row lines at all for a result without columns (SELECT FROM t).
  for (const row of ncol > 0 ? cells : []) {
    const next = row.map(() => 0);
    let more = true;
    while (more) {
      more = false;
      let s = '';
      for (let j = 0; j < ncol; j++) {
        const last = j === ncol - 1;
        const width = widths[j] ?? 0;
        const lines = row[j] ?? [];
        const idx = next[j] ?? 0;
        s += ' ';
        let used = width;
        const l = lines[idx];
        if (l === undefined) {
          if (!last) s += ' '.repeat(width);
        } else {
          used = l.width;
          s += rightAligned[j] ? ' '.repeat(width - l.width) + l.text : l.text;
          next[j] = idx + 1;
          if (idx + 1 < lines.length) more = true;
        }
        const continues = (next[j] ?? 0) > 0 && (next[j] ?? 0) < lines.length;
        if (!rightAligned[j] && (!last || continues)) s += ' '.repeat(width - used);
        if (continues) s += '+';
        else if (!last) s += ' ';
        if (!last) s += '|';
      }
      out.push(s);
    }
  }

  out.push(rowCountFooter(result.rows.length));
  return out.join('\n') + '\n\n';
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/**
 * One CSV field (RFC 4180). NULL is an empty field and the empty string is `""`, as COPY ... CSV
 * writes them, so the two stay distinguishable.
 */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (text === '' || /[",\r\n]/.test(text) || text === '\\.') return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** A header line and one line per row; booleans are t/f as in PostgreSQL's text output. */
export function formatCsv(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of result.columns.length > 0 ? result.rows : []) {
    lines.push(result.columns.map((c, j) => csvField(pgText(row[j], c.type))).join(','));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * A value as JSON text. Written by hand rather than with JSON.stringify so that bigint and
 * numeric come out as number literals with every digit kept.
 */
export function toJson(value: unknown, type?: string): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number': {
      if (!Number.isFinite(value)) return JSON.stringify(formatFloat(value));
      const t = pgText(value, type) ?? 'null';
      return JSON_NUMBER.test(t) ? t : JSON.stringify(t);
    }
    case 'string':
      if (type !== undefined && NUMERIC_TYPE.test(type) && JSON_NUMBER.test(value)) return value;
      return JSON.stringify(value);
    default:
      break;
  }
  if (value instanceof Uint8Array) return JSON.stringify(hex(value));
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    const elementType = type?.replace(/\[\]$/, '');
    return `[${value.map((v) => toJson(v, elementType)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(String(value));
}

/** One JSON array per result, one object per row on its own line. */
export function formatJson(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  if (result.rows.length === 0) return '[]\n';
  const keys = result.columns.map((c) => JSON.stringify(c.name));
  const objects = result.rows.map(
    (row) => `  {${result.columns.map((c, j) => `${keys[j]}:${toJson(row[j], c.type)}`).join(',')}}`,
  );
  return `[\n${objects.join(',\n')}\n]\n`;
}

// ---------------------------------------------------------------------------------------------
// Command tags
// ---------------------------------------------------------------------------------------------

/** Statements whose tag psql prints even after their RETURNING rows. */
const DML = /^(INSERT|UPDATE|DELETE|MERGE)\b/i;

function firstKeyword(sql: string): string {
  const s = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/, '');
  return (/^[A-Za-z]+/.exec(s)?.[0] ?? '').toUpperCase();
}

/**
 * Whether the result is a row set to print as a table (as opposed to just a command tag).
 * A SELECT with no columns is still a row set (`SELECT;`), unless the statement was a
 * CREATE TABLE AS / SELECT INTO that the engine reports with the SELECT command word.
 */
export function returnsRows(result: Pick<QueryResult, 'columns' | 'command'>, statement?: string): boolean {
  if (result.columns.length > 0) return true;
  const command = result.command.toUpperCase();
  if (command !== 'SELECT' && command !== 'VALUES' && command !== 'TABLE') return false;
  if (statement === undefined) return true;
  const kw = firstKeyword(statement);
  return kw !== 'CREATE' && !/\bINTO\b/i.test(statement.slice(0, 200));
}

/** The command tag psql prints: 'CREATE TABLE', 'INSERT 0 3', 'UPDATE 2', 'SELECT 5', ... */
export function commandTag(result: Pick<QueryResult, 'command' | 'rowCount'>): string {
  const command = result.command.toUpperCase().trim();
  if (command === 'INSERT') return `INSERT 0 ${result.rowCount}`;
  if (command === 'CREATE TABLE AS' || command === 'SELECT INTO') return `SELECT ${result.rowCount}`;
  if (/^(SELECT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE|VALUES|TABLE)$/.test(command)) {
    return `${command === 'VALUES' || command === 'TABLE' ? 'SELECT' : command} ${result.rowCount}`;
  }
  return command;
}

/**
 * Everything psql would print to standard output for one statement's result. In JSON format
 * only row sets are printed, so the output stays a sequence of JSON documents; the command
 * tag is returned separately for the caller to show elsewhere.
 */
export function renderResult(
  result: QueryResult,
  format: OutputFormat,
  statement?: string,
): { out: string; tag: string | null } {
  const rows = returnsRows(result, statement);
  const tag = !rows || DML.test(result.command) ? commandTag(result) : null;
  if (format === 'json') return { out: rows ? formatJson(result) : '', tag };
  let out = '';
  if (rows) out += format === 'csv' ? formatCsv(result) : formatAligned(result);
  if (tag !== null) out += tag + '\n';
  return { out, tag: null };
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

/**
 * psql's `LINE n: ...` context with a caret under the error position (libpq's
 * reportErrorPosition): long lines are cut to about 60 columns around the position.
 */
export function errorPositionLines(statement: string, position: number): string[] {
  const chars = Array.from(statement);
  const loc = position - 1;
  if (loc < 0 || loc > chars.length) return [];

  const scr: number[] = [];
  let col = 0;
  let line = 1;
  let ibeg = 0;
  let iend = -1;
  for (let i = 0; i < chars.length; i++) {
    scr.push(col);
    const ch = chars[i] ?? '';
    if (ch === '\t') chars[i] = ' ';
    else if (ch === '\r' || ch === '\n') {
      if (i < loc) {
        // a \r\n pair counts as one line break
        if (!(ch === '\r' && chars[i + 1] === '\n')) {
          line++;
          ibeg = i + 1;
        }
      } else if (iend < 0) {
        iend = i;
      }
    }
    const w = ch === '\t' ? 1 : charWidth(ch.codePointAt(0) ?? 0, ch);
    col += w <= 0 ? 1 : w;
  }
  scr.push(col);
  if (iend < 0) iend = chars.length;

  const at = (i: number): number => scr[i] ?? 0;
  let begTrunc = false;
  let endTrunc = false;
  if (at(iend) - at(ibeg) > DISPLAY_SIZE) {
    if (at(ibeg) + DISPLAY_SIZE >= at(loc) + MIN_RIGHT_CUT) {
      while (at(iend) - at(ibeg) > DISPLAY_SIZE) iend--;
      endTrunc = true;
    } else {
      while (at(loc) + MIN_RIGHT_CUT < at(iend)) {
        iend--;
        endTrunc = true;
      }
      while (at(iend) - at(ibeg) > DISPLAY_SIZE) {
        ibeg++;
        begTrunc = true;
      }
    }
  }
  const prefix = `LINE ${line}: ${begTrunc ? '...' : ''}`;
  const text = chars.slice(ibeg, iend).join('');
  const caretCol = displayWidth(prefix) + at(loc) - at(ibeg);
  return [prefix + text + (endTrunc ? '...' : ''), ' '.repeat(caretCol) + '^'];
}

/**
 * An error as the CLI prints it to standard error:
 *
 *   ERROR:  relation "t" does not exist
 *   SQLSTATE: 42P01
 *   LINE 1: SELECT * FROM t
 *                         ^
 */
export function formatError(err: ErrorReport, statement?: string): string {
  const lines = [`ERROR:  ${err.message}`];
  if (err.code !== undefined) lines.push(`SQLSTATE: ${err.code}`);
  if (err.position !== undefined && statement !== undefined) {
    lines.push(...errorPositionLines(statement, err.position));
  }
  if (err.detail !== undefined) lines.push(`DETAIL:  ${err.detail}`);
  if (err.hint !== undefined) lines.push(`HINT:  ${err.hint}`);
  return lines.join('\n') + '\n';
}
