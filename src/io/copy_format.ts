/**
 * PostgreSQL's COPY file formats, text and CSV, byte for byte as its copyfromparse.c / copyto.c
 * read and write them, so a file written by either system loads in the other.
 *
 * Text: one line per row, fields split by the delimiter (tab); a backslash escapes the next
 * character (`\b \f \n \r \t \v`, octal `\123`, hex `\x41`, anything else stands for itself),
 * the null string (`\N`) is compared with the field as written, and `\.` ends the data.
 * CSV: fields may be quoted (and then hold delimiters, quotes doubled by the escape character, and
 * newlines); only an unquoted field equal to the null string (empty by default) is NULL.
 *
 * The reader works on bytes: the delimiter, quote and escape are one byte each, as PostgreSQL
 * requires, and a field's bytes are decoded only once they are known to be valid UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { QuiverError } from '../common/errors.js';

export interface CopyTextOptions {
  csv: boolean;
  delimiter: string;
  nullString: string;
  quote: string;
  escape: string;
}

const BAD_FORMAT = '22P04';
const BAD_ENCODING = '22021';

/** A parse error, with PostgreSQL's CONTEXT line (`COPY t, line 3: "..."`) filled in by the caller. */
export class CopyParseError extends QuiverError {
  constructor(code: string, message: string, readonly line: number, readonly rawLine: string | null, opts: { hint?: string } = {}) {
    super(code, message, opts);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

const NAMED_ESCAPES: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v' };

/** One value in the text format (CopyAttributeOutText). */
export function textField(v: string, delimiter: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    const code = c.charCodeAt(0);
    let rep: string | null = null;
    if (code < 0x20) {
      const named = NAMED_ESCAPES[c];
      if (named !== undefined) rep = '\\' + named;
      else if (c === delimiter) rep = '\\' + c;
    } else if (c === '\\' || c === delimiter) {
      rep = '\\' + c;
    }
    if (rep === null) continue;
    out += v.slice(start, i) + rep;
    start = i + 1;
  }
  return start === 0 ? v : out + v.slice(start);
}

/**
 * One value in CSV (CopyAttributeOutCSV): quoted when forced, when it equals the null string,
 * when it holds the delimiter, the quote, a newline or carriage return, or when it is `\.` as the
 * only column (which would read back as the end marker).
 */
export function csvField(v: string, o: CopyTextOptions, force: boolean, singleColumn: boolean): string {
  let quote = force || v === o.nullString || (singleColumn && v === '\\.');
  if (!quote) {
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (c === o.delimiter || c === o.quote || c === '\n' || c === '\r') { quote = true; break; }
    }
  }
  if (!quote) return v;
  let out = o.quote;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === o.quote || c === o.escape) out += o.escape;
    out += c;
  }
  return out + o.quote;
}

// ---------------------------------------------------------------------------------------------
// Reading

const NL = 10, CR = 13, BACKSLASH = 92, DOT = 46;

export interface CopyLine {
  /** 1-based line number, counting lines as PostgreSQL does (a quoted CSV newline does not end one). */
  line: number;
  /** Fields: text, or null for NULL. */
  fields: (string | null)[];
  /** Fields as they were written (for error context). */
  raw: Buffer;
}

/**
 * Splits COPY input into rows of fields, handing each to `onRow`. `decode` turns a field's bytes
 * into text (UTF-8 or Latin-1); it is called only on bytes that passed validation.
 */
export function readCopy(buf: Buffer, o: CopyTextOptions, decode: (b: Buffer) => string, validate: (b: Buffer) => boolean, onRow: (r: CopyLine) => void): void {
  const delim = o.delimiter.charCodeAt(0);
  const quote = o.csv ? o.quote.charCodeAt(0) : -1;
  const escape = o.csv ? o.escape.charCodeAt(0) : -1;
  // For finding the end of a line, an escape equal to the quote is just another quote (a toggle).
  const lineEscape = o.csv && o.escape !== o.quote ? escape : -1;
  const nullBytes = Buffer.from(o.nullString, 'utf8');
  const n = buf.length;
  let pos = 0;
  let lineNo = 0;
  // The newline style of the first line is the style of every line.
  let eol: 'nl' | 'cr' | 'crnl' | null = null;
  const eolError = (what: 'newline' | 'carriage return'): CopyParseError => {
    const hint = o.csv
      ? `Use quoted CSV field to represent ${what}.`
      : `Use "${what === 'newline' ? '\\n' : '\\r'}" to represent ${what}.`;
    return new CopyParseError(BAD_FORMAT, `${o.csv ? 'unquoted' : 'literal'} ${what} found in data`, lineNo, null, { hint });
  };
  while (pos < n) {
    lineNo++;
    const start = pos;
    let end = -1;        // end of the line's data (exclusive)
    let next = n;        // where the following line starts
    let endOfData = false;
    let inQuote = false, lastWasEsc = false;
    let i = pos;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (o.csv) {
        if (inQuote && c === lineEscape) lastWasEsc = !lastWasEsc;
        if (c === quote && !lastWasEsc) inQuote = !inQuote;
        if (c !== lineEscape) lastWasEsc = false;
        if (inQuote) continue;
      }
      if (c === CR || c === NL) {
        if (c === CR) {
          const crnl = i + 1 < n && buf[i + 1] === NL;
          if (eol === null) eol = crnl ? 'crnl' : 'cr';
          else if (eol === 'nl') throw eolError('carriage return');
          else if (eol === 'crnl' && !crnl) throw eolError('carriage return');
          end = i;
          next = crnl ? i + 2 : i + 1;
        } else {
          if (eol === null) eol = 'nl';
          else if (eol !== 'nl') throw eolError('newline');
          end = i;
          next = i + 1;
        }
        break;
      }
      if (c === BACKSLASH && (!o.csv || i === start)) {
        if (i + 1 >= n) continue;
        if (buf[i + 1] === DOT) {
          // The end-of-data marker `\.`: must be followed by the end of a line (or of the input).
          const after = i + 2;
          let ok = after >= n;
          let skip = after;
          if (!ok && buf[after] === NL) { ok = true; skip = after + 1; if (eol !== null && eol !== 'nl') throw new CopyParseError(BAD_FORMAT, 'end-of-copy marker does not match previous newline style', lineNo, null); }
          else if (!ok && buf[after] === CR) {
            ok = true;
            const crnl = after + 1 < n && buf[after + 1] === NL;
            skip = crnl ? after + 2 : after + 1;
            if (eol !== null && eol !== (crnl ? 'crnl' : 'cr')) throw new CopyParseError(BAD_FORMAT, 'end-of-copy marker does not match previous newline style', lineNo, null);
          }
          if (ok) { end = i; next = skip; endOfData = true; break; }
          if (!o.csv) throw new CopyParseError(BAD_FORMAT, 'end-of-copy marker corrupt', lineNo, null);
          continue;
        }
        // Text format: the escaped character (even a newline) belongs to the field.
        if (!o.csv) i++;
      }
    }
    if (end < 0) { end = n; next = n; }
    if (o.csv && inQuote && !endOfData) {
      throw new CopyParseError(BAD_FORMAT, 'unterminated CSV quoted field', lineNo, decode(buf.subarray(start, n)));
    }
    pos = next;
    if (endOfData && end === start) return;
    const raw = buf.subarray(start, end);
    // Lines without escapes (text) or quotes (CSV), the common case, are decoded once and split.
    const plain = raw.indexOf(o.csv ? quote : BACKSLASH) < 0;
    const fields = plain
      ? splitPlain(decode(raw), o.delimiter, o.nullString)
      : o.csv
      ? csvFields(raw, delim, quote, escape, nullBytes, decode, lineNo)
      : textFields(raw, delim, nullBytes, decode, validate, lineNo);
    onRow({ line: lineNo, fields, raw });
    if (endOfData) return;
  }
}

function splitPlain(line: string, delimiter: string, nullString: string): (string | null)[] {
  const parts: (string | null)[] = line.split(delimiter);
  for (let i = 0; i < parts.length; i++) if (parts[i] === nullString) parts[i] = null;
  return parts;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** CopyReadAttributesText: split at the delimiter, undo the backslash escapes. */
function textFields(raw: Buffer, delim: number, nullBytes: Buffer, decode: (b: Buffer) => string, validate: (b: Buffer) => boolean, line: number): (string | null)[] {
  const out: (string | null)[] = [];
  const n = raw.length;
  let i = 0;
  for (;;) {
    const start = i;
    let escaped = false;
    while (i < n && raw[i] !== delim) {
      if (raw[i] === BACKSLASH) { escaped = true; i += 2; } else i++;
    }
    if (i > n) i = n;
    const field = raw.subarray(start, i);
    if (field.equals(nullBytes)) out.push(null);
    else if (!escaped) out.push(decode(field));
    else out.push(unescapeText(field, decode, validate, line, raw));
    if (i >= n) break;
    i++; // the delimiter
  }
  return out;
}

function unescapeText(f: Buffer, decode: (b: Buffer) => string, validate: (b: Buffer) => boolean, line: number, raw: Buffer): string {
  const bytes = Buffer.allocUnsafe(f.length);
  let k = 0;
  let checked = true;
  for (let i = 0; i < f.length; i++) {
    let c = f[i]!;
    if (c !== BACKSLASH) { bytes[k++] = c; continue; }
    // A backslash at the very end of the line stands for nothing.
    if (++i >= f.length) break;
    c = f[i]!;
    if (c >= 48 && c <= 55) {
      let v = c - 48;
      if (i + 1 < f.length && f[i + 1]! >= 48 && f[i + 1]! <= 55) {
        v = (v << 3) + f[++i]! - 48;
        if (i + 1 < f.length && f[i + 1]! >= 48 && f[i + 1]! <= 55) v = (v << 3) + f[++i]! - 48;
      }
      c = v & 0xff;
      if (c === 0 || c >= 0x80) checked = false;
    } else if (c === 0x78 /* x */ && i + 1 < f.length && isHex(f[i + 1]!)) {
      let v = hexVal(f[++i]!);
      if (i + 1 < f.length && isHex(f[i + 1]!)) v = (v << 4) + hexVal(f[++i]!);
      c = v;
      if (c === 0 || c >= 0x80) checked = false;
    } else {
      switch (c) {
        case 0x62: c = 8; break;   // \b
        case 0x66: c = 12; break;  // \f
        case 0x6e: c = 10; break;  // \n
        case 0x72: c = 13; break;  // \r
        case 0x74: c = 9; break;   // \t
        case 0x76: c = 11; break;  // \v
        default: break;            // anything else stands for itself
      }
    }
    bytes[k++] = c;
  }
  const out = bytes.subarray(0, k);
  // Escapes can spell any byte: what they spell must still be valid text.
  if (!checked && !validate(out)) throw invalidBytes(out, line, decodeLossy(raw));
  return decode(out);
}

/** CopyReadAttributesCSV: split at unquoted delimiters, undo quoting. */
function csvFields(raw: Buffer, delim: number, quote: number, escape: number, nullBytes: Buffer, decode: (b: Buffer) => string, line: number): (string | null)[] {
  const out: (string | null)[] = [];
  const n = raw.length;
  let bytes: Buffer | null = null;
  let i = 0;
  for (;;) {
    const start = i;
    // Most fields are unquoted: decode them in place.
    while (i < n && raw[i] !== delim && raw[i] !== quote) i++;
    if (i >= n || raw[i] === delim) {
      const rawField = raw.subarray(start, i);
      out.push(rawField.equals(nullBytes) ? null : decode(rawField));
      if (i >= n) break;
      i++;
      continue;
    }
    i = start;
    bytes ??= Buffer.allocUnsafe(n);
    let k = 0;
    let sawQuote = false;
    let inQuote = false;
    for (; i < n; i++) {
      const c = raw[i]!;
      if (!inQuote) {
        if (c === delim) break;
        if (c === quote) { sawQuote = true; inQuote = true; continue; }
        bytes[k++] = c;
        continue;
      }
      if (c === escape && i + 1 < n && (raw[i + 1] === escape || raw[i + 1] === quote)) { bytes[k++] = raw[++i]!; continue; }
      if (c === quote) { inQuote = false; continue; }
      bytes[k++] = c;
    }
    if (inQuote) throw new CopyParseError(BAD_FORMAT, 'unterminated CSV quoted field', line, decodeLossy(raw));
    const rawField = raw.subarray(start, i);
    if (!sawQuote && rawField.equals(nullBytes)) out.push(null);
    else out.push(decode(Buffer.from(bytes.subarray(0, k))));
    if (i >= n) break;
    i++; // the delimiter
  }
  return out;
}

function decodeLossy(b: Buffer): string {
  return b.toString('utf8');
}

/** PostgreSQL's report of invalid UTF-8: the offending sequence's bytes. */
export function invalidBytes(b: Buffer, line: number, rawLine: string | null): CopyParseError {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0) break;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > b.length || !isUtf8(b.subarray(i, i + len))) break;
    i += len;
  }
  const seq: string[] = [];
  const c = b[i] ?? 0;
  const want = c === 0 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 1;
  for (let j = i; j < Math.min(b.length, i + want); j++) seq.push('0x' + b[j]!.toString(16).padStart(2, '0'));
  return new CopyParseError(BAD_ENCODING, `invalid byte sequence for encoding "UTF8": ${seq.join(' ')}`, line, rawLine);
}

/** UTF-8 input: valid and without NUL bytes, which no text value can hold in PostgreSQL. */
export function validUtf8(b: Buffer): boolean {
  return isUtf8(b) && !b.includes(0);
}
