// Turning engine values into the text sqllogictest files compare against, per dialect, plus the
// sorting and hashing that operate on that text. The rules follow the reference runners (SQLite's
// C runner, sqllogictest-rs with DataFusion's normaliser, DuckDB's result checker) so that expected
// outputs written by those engines can be checked unchanged.
import { createHash } from 'node:crypto';
import { HASH_LINE } from './parser.js';
import type { Dialect, SortMode } from './parser.js';

export const NULL_TEXT = 'NULL';
export const EMPTY_TEXT = '(empty)';

// ---------------------------------------------------------------------------------------------
// Column type classification (PostgreSQL type names as reported by the engine)

export type TypeClass = 'float4' | 'float8' | 'numeric' | 'integer' | 'boolean' | 'timestamp' | 'other';

export function classifyType(columnType: string | undefined): TypeClass {
  const t = (columnType ?? '').toLowerCase().trim();
  if (t === 'real' || t === 'float4') return 'float4';
  if (t === 'double precision' || t === 'float8' || t === 'double' || t === 'float') return 'float8';
  if (t.startsWith('numeric') || t.startsWith('decimal')) return 'numeric';
  if (/^(smallint|integer|bigint|int[248]?|oid)$/.test(t)) return 'integer';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t.startsWith('timestamp')) return 'timestamp';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Number formatting

/** Exact binary decomposition of a finite, non-negative double: value = mant * 2^exp. */
function decompose(x: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mant, exp: -1074 };
  mant |= 1n << 52n;
  return { mant, exp: biased - 1075 };
}

/**
 * C's `printf("%.<digits>f", x)` as glibc prints it: the exact binary value rounded half-to-even,
 * sign kept for negative zero. `Number.prototype.toFixed` rounds exact ties away from zero and
 * switches to exponent notation above 1e21, so it cannot be used.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const { mant, exp } = decompose(Math.abs(x));
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) {
    q = (mant << BigInt(exp)) * scale;
  } else {
    const num = mant * scale;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const twice = 2n * (num - q * den);
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, '0');
  const intPart = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits);
  return (neg ? '-' : '') + intPart + (digits > 0 ? '.' + frac : '');
}

/** Shortest decimal digits and exponent that round-trip `x` (as a float32 when `float4`). */
function shortestDigits(x: number, float4: boolean): { neg: boolean; digits: string; exp: number } {
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let repr = a.toExponential();
  if (float4 && Math.fround(a) === a) {
    for (let p = 1; p <= 9; p++) {
      const candidate = a.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === a) { repr = candidate; break; }
    }
  }
  const [m, e] = repr.split('e') as [string, string];
  return { neg, digits: m.replace('.', ''), exp: Number(e) };
}

function placeDecimal(digits: string, exp: number): string {
  // value = 0.d1d2d3... * 10^(exp+1)
  const point = exp + 1;
  if (point <= 0) return '0.' + '0'.repeat(-point) + digits;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return digits.slice(0, point) + '.' + digits.slice(point);
}

/**
 * PostgreSQL's text output of float8/float4 (extra_float_digits = 1): shortest round-trip digits,
 * exponent notation below 1e-4 or from 1e15 (float8) / 1e6 (float4) on.
 */
export function pgFloatText(x: number, float4 = false): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { neg, digits, exp } = shortestDigits(x, float4);
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= (float4 ? 6 : 15)) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return sign + placeDecimal(digits, exp);
}

/** Plain (never exponent) decimal text of an integer-valued double. */
function integerText(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
}

interface Decimal { neg: boolean; digits: bigint; scale: number }

/** Parses `[-+]ddd[.ddd][e[-+]dd]`; null if `s` is not a plain decimal number. */
export function parseDecimal(s: string): Decimal | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(s);
  if (m === null) return null;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart === '' && frac === '') return null;
  let digits = BigInt((intPart + frac) || '0');
  let scale = frac.length - Number(m[4] ?? '0');
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { neg: m[1] === '-', digits, scale };
}

function decimalText(d: Decimal): string {
  let { digits, scale } = d;
  while (scale > 0 && digits % 10n === 0n) { digits /= 10n; scale--; }
  const s = digits.toString().padStart(scale + 1, '0');
  const body = scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  return d.neg && digits !== 0n ? '-' + body : body;
}

/** Canonical text of a decimal number (no trailing zeros, no exponent, no `-0`), or null. */
export function canonicalDecimal(s: string): string | null {
  const d = parseDecimal(s);
  return d === null ? null : decimalText(d);
}

/**
 * Rounds a decimal number given as text to `places` fractional digits, half to even, and strips
 * trailing zeros: DataFusion's `BigDecimal::round(12).normalized()`.
 */
export function roundDecimalText(s: string, places: number): string {
  const d = parseDecimal(s);
  if (d === null) return s;
  if (d.scale <= places) return decimalText(d);
  const div = 10n ** BigInt(d.scale - places);
  let q = d.digits / div;
  const twice = 2n * (d.digits - q * div);
  if (twice > div || (twice === div && (q & 1n) === 1n)) q += 1n;
  return decimalText({ neg: d.neg, digits: q, scale: places });
}

// ---------------------------------------------------------------------------------------------
// SQLite (original sqllogictest) rendering

function leadingInteger(s: string): string {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m === null ? '0' : BigInt(m[1]!).toString();
}

function leadingReal(s: string): number {
  const m = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s);
  return m === null ? 0 : Number(m[0]);
}

function toSltInteger(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? '0' : value > 0 ? '9223372036854775807' : '-9223372036854775808';
    return integerText(Math.trunc(value)).replace(/^-0$/, '0');
  }
  // Decimal text truncates toward zero by dropping the fraction; other text uses its numeric prefix.
  return leadingInteger(String(value));
}

function toSltReal(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  return leadingReal(String(value));
}

/** Every byte of the UTF-8 encoding outside printable ASCII becomes `@`, as the C runner does. */
function printableAscii(s: string): string {
  // Fast path: nothing to replace.
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) out += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : '@';
  return out;
}

/** Text of a value as the engine would print it, without any dialect's rewriting. */
export function plainText(value: unknown, columnType?: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    const cls = classifyType(columnType);
    if (cls === 'float4') return pgFloatText(value, true);
    if (Number.isInteger(value) && cls !== 'float8') return integerText(value);
    return pgFloatText(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value).toString('hex');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** SLT rendering: the type letter, not the engine's column type, decides the conversion. */
export function renderSlt(value: unknown, typeLetter: string, columnType?: string): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (typeLetter === 'I') return toSltInteger(value);
  if (typeLetter === 'R') return formatFixed(toSltReal(value), 3);
  // SQLite has no boolean type, so results written by it show truth values as 1/0.
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : plainText(value, columnType);
  if (text === '') return EMPTY_TEXT;
  return printableAscii(text);
}

// ---------------------------------------------------------------------------------------------
// DataFusion / sqllogictest-rs rendering

export function renderRs(value: unknown, columnType?: string): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const cls = classifyType(columnType);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    if (Number.isInteger(value) && cls !== 'float4' && cls !== 'float8') return integerText(value);
    const { neg, digits, exp } = shortestDigits(value, cls === 'float4');
    return roundDecimalText((neg ? '-' : '') + placeDecimal(digits, exp), 12);
  }
  if (typeof value === 'string') {
    if (value === '') return EMPTY_TEXT;
    if (cls === 'numeric' || cls === 'float4' || cls === 'float8') return roundDecimalText(value, 12);
    if (cls === 'timestamp') return value.replace(' ', 'T');
    return value;
  }
  return plainText(value, columnType);
}

// ---------------------------------------------------------------------------------------------
// DuckDB rendering and comparison

export function renderDuckdb(value: unknown, columnType?: string): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (value === '') return EMPTY_TEXT;
  return plainText(value, columnType);
}

/** DuckDB's `ApproxEqual`: 1% of the expected value plus a tiny absolute slack. */
export function approxEqual(actual: number, expected: number): boolean {
  if (Number.isNaN(actual) && Number.isNaN(expected)) return true;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= Math.abs(expected) * 0.01 + 0.00000001;
}

const TRUE_TEXTS: ReadonlySet<string> = new Set(['true', 't', '1']);
const FALSE_TEXTS: ReadonlySet<string> = new Set(['false', 'f', '0']);

/**
 * Whether an expected DuckDB value matches an actual one. DuckDB's checker casts the expected text
 * to the result column's type, so `13.000000` matches 13 and floats match within 1%; booleans may be
 * written as 1/0.
 */
export function duckdbValueEquals(expected: string, actual: unknown, columnType?: string): boolean {
  if (renderDuckdb(actual, columnType) === expected) return true;
  if (actual === null || actual === undefined || expected === NULL_TEXT) return false;
  if (typeof actual === 'boolean') {
    const e = expected.trim().toLowerCase();
    return actual ? TRUE_TEXTS.has(e) : FALSE_TEXTS.has(e);
  }
  const cls = classifyType(columnType);
  // numeric is approximate here because PostgreSQL returns numeric where DuckDB has DOUBLE (avg).
  const approximate = cls === 'float4' || cls === 'float8' || cls === 'numeric'
    || (typeof actual === 'number' && !Number.isInteger(actual));
  const isNumber = typeof actual === 'number' || typeof actual === 'bigint'
    || (typeof actual === 'string' && (approximate || cls === 'integer'));
  if (!isNumber) return false;
  let actualText: string | null;
  if (typeof actual === 'number') {
    actualText = !Number.isFinite(actual) ? null : Number.isInteger(actual) ? integerText(actual) : String(actual);
  } else {
    actualText = String(actual);
  }
  const e = canonicalDecimal(expected);
  if (e !== null && actualText !== null && canonicalDecimal(actualText) === e) return true;
  if (!approximate) return false;
  const expectedNumber = numberFromText(expected);
  const actualNumber = typeof actual === 'number' ? actual : numberFromText(String(actual));
  if (expectedNumber === null || actualNumber === null) return false;
  return approxEqual(actualNumber, expectedNumber);
}

function numberFromText(s: string): number | null {
  const t = s.trim();
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  const d = canonicalDecimal(t);
  return d === null ? null : Number(d);
}

// ---------------------------------------------------------------------------------------------
// Dispatch, sorting, hashing

export function renderValue(dialect: Dialect, value: unknown, typeLetter: string, columnType?: string): string {
  if (dialect === 'sqlite') return renderSlt(value, typeLetter, columnType);
  if (dialect === 'rs') return renderRs(value, columnType);
  return renderDuckdb(value, columnType);
}

/**
 * Byte-wise comparison of the UTF-8 encodings (C `strcmp`). UTF-16 code-unit order differs from
 * UTF-8 byte order only for surrogates versus U+E000..U+FFFF, which the remapping fixes.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    let x = a.charCodeAt(k);
    let y = b.charCodeAt(k);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareRows(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const c = compareBytes(a[k]!, b[k]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** `rowsort`: rows ordered column by column with byte-wise comparison of the rendered values. */
export function sortRows(rows: readonly (readonly string[])[]): string[][] {
  return rows.map((r) => [...r]).sort(compareRows);
}

/** `valuesort`: every value sorted on its own; row grouping is lost. */
export function sortValues(values: readonly string[]): string[] {
  return [...values].sort(compareBytes);
}

/** Applies a sort mode and returns the values in final order, row-major. */
export function applySortMode(rows: readonly (readonly string[])[], mode: SortMode): string[][] {
  if (mode === 'rowsort') return sortRows(rows);
  if (mode === 'valuesort') {
    const width = rows[0]?.length ?? 0;
    const flat = sortValues(rows.flat());
    const out: string[][] = [];
    for (let k = 0; k < flat.length; k += Math.max(width, 1)) out.push(flat.slice(k, k + Math.max(width, 1)));
    return out;
  }
  return rows.map((r) => [...r]);
}

/** MD5 over every value followed by a newline, lowercase hex. */
export function hashValues(values: readonly string[]): string {
  const h = createHash('md5');
  for (const v of values) {
    h.update(v, 'utf8');
    h.update('\n');
  }
  return h.digest('hex');
}

/** `{count, hash}` if the expected block is exactly one `N values hashing to H` line. */
export function parseHashLine(expected: readonly string[]): { count: number; hash: string } | null {
  if (expected.length !== 1) return null;
  const m = HASH_LINE.exec(expected[0]!.trim());
  return m === null ? null : { count: Number(m[1]), hash: m[2]! };
}

export function hashLine(values: readonly string[]): string {
  return `${values.length} values hashing to ${hashValues(values)}`;
}

/** sqllogictest-rs normalisation of a result line: trimmed, runs of whitespace collapsed. */
export function normalizeLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}
