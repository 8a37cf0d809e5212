/**
 * Helpers that generated expression code calls through the `H` object: overflow checks, errors,
 * casts, LIKE. Kept monomorphic and small so V8 inlines them into the generated loops.
 */
import { QuiverError, SqlState } from '../common/errors.js';
import { Decimal, applyTypmod } from '../common/decimal.js';
import * as dt from '../common/datetime.js';
import { isTimestampTz, type SqlType } from '../common/types.js';
import { parseArrayText, formatArrayText } from '../common/array.js';
import { likeMatcher, type LikeMatcher } from './like.js';
import { jsonIn, jsonbIn } from '../common/json.js';
import { jsonpathIn } from '../common/jsonpath.js';
import { compileRegex, parseRegexFlags } from './regex.js';
import { formatTime, parseTime, timeAddInterval, parseTimeTz, formatTimeTz, timeTzAddInterval, timeTzCmp, type TimeTz } from '../common/time.js';

export const tm = { parseTime, formatTime, timeAddInterval, parseTimeTz, timeTzAddInterval, timeTzCmp };

const I4_MIN = -2147483648, I4_MAX = 2147483647;
const I2_MIN = -32768, I2_MAX = 32767;
const I8_MIN = -(2n ** 63n), I8_MAX = 2n ** 63n - 1n;

function outOfRange(what: string): never { throw new QuiverError(SqlState.numericOutOfRange, `${what} out of range`); }
export function divByZero(): never { throw new QuiverError(SqlState.divisionByZero, 'division by zero'); }

export function i2(x: number): number { if (x < I2_MIN || x > I2_MAX) outOfRange('smallint'); return x; }
export function i4(x: number): number { if (x < I4_MIN || x > I4_MAX) outOfRange('integer'); return x; }
export function i8(x: bigint): bigint { if (x < I8_MIN || x > I8_MAX) outOfRange('bigint'); return x; }
export function i2div(a: number, b: number): number { if (b === 0) divByZero(); return i2(Math.trunc(a / b)); }
export function i4div(a: number, b: number): number { if (b === 0) divByZero(); return i4(Math.trunc(a / b)); }
export function i8div(a: bigint, b: bigint): bigint { if (b === 0n) divByZero(); return i8(a / b); }
export function imod(a: number, b: number): number { if (b === 0) divByZero(); const r = a % b; return r === 0 ? 0 : r; }
export function i8mod(a: bigint, b: bigint): bigint { if (b === 0n) divByZero(); return a % b; }
export function f8(x: number, a: number, b: number): number {
  if (!Number.isFinite(x) && Number.isFinite(a) && Number.isFinite(b)) {
    if (Number.isNaN(x)) return x;
    throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: overflow');
  }
  return x;
}
export function f8div(a: number, b: number): number {
  if (b === 0) divByZero();
  const r = a / b;
  if (r === 0 && a !== 0 && Number.isFinite(b)) throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: underflow');
  return f8(r, a, b);
}
export function f8mul(a: number, b: number): number {
  const r = a * b;
  if (r === 0 && a !== 0 && b !== 0) throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: underflow');
  return f8(r, a, b);
}
export function f4(x: number): number {
  const r = Math.fround(x);
  if (!Number.isFinite(r) && Number.isFinite(x)) throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: overflow');
  if (r === 0 && x !== 0) throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: underflow');
  return r;
}
export function fmod(a: number, b: number): number { if (b === 0) divByZero(); return a % b; }
export function dadd(a: Decimal, b: Decimal): Decimal { return a.add(b); }

/** Whether c is a space as C's isspace sees it (pg_strtoint skips these around the digits). */
function isCSpace(c: number): boolean { return c === 32 || (c >= 9 && c <= 13); }

const I2_LO = BigInt(I2_MIN), I2_HI = BigInt(I2_MAX), I4_LO = BigInt(I4_MIN), I4_HI = BigInt(I4_MAX);

/**
 * Text → integer types, as PostgreSQL 15's pg_strtoint: optional spaces and sign, digits, optional
 * spaces. The digits are range-checked as they are read, so a run of digits too large for the type
 * is 22003 even when junk follows it ("99999abc", "2147483647.5" for smallint); anything else that
 * is not that shape is 22P02.
 */
function parseIntText(s: string, what: string, min: bigint, max: bigint): bigint | number {
  let i = 0;
  const n = s.length;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  const start = i;
  if (i < n && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43)) i++;
  const digits = i;
  while (i < n) { const c = s.charCodeAt(i); if (c < 48 || c > 57) break; i++; }
  if (i > digits) {
    // Up to 15 digits are exact as a double and within every type's reach but the range check.
    const text = s.slice(start, i);
    let v: bigint | number;
    if (i - digits <= 15) {
      v = Number(text) + 0; // + 0: '-0' is 0
      if (v < Number(min) || v > Number(max)) throw new QuiverError(SqlState.numericOutOfRange, `value "${s}" is out of range for type ${what}`);
    } else {
      const b = BigInt(text);
      if (b < min || b > max) throw new QuiverError(SqlState.numericOutOfRange, `value "${s}" is out of range for type ${what}`);
      v = b;
    }
    while (i < n && isCSpace(s.charCodeAt(i))) i++;
    if (i === n) return v;
  }
  throw new QuiverError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${what}: "${s}"`);
}
export function textToI4(s: string): number {
  return Number(parseIntText(s, 'integer', I4_LO, I4_HI));
}
export function textToI2(s: string): number {
  return Number(parseIntText(s, 'smallint', I2_LO, I2_HI));
}
export function textToI8(s: string): bigint {
  const v = parseIntText(s, 'bigint', I8_MIN, I8_MAX);
  return typeof v === 'bigint' ? v : BigInt(v);
}
export function textToF8(s: string, what = 'double precision'): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'infinity' || t === '+infinity' || t === 'inf' || t === '+inf') return Infinity;
  if (t === '-infinity' || t === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) {
    throw new QuiverError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${what}: "${s}"`);
  }
  const v = Number(t);
  // Too large becomes Infinity and too small becomes 0: PostgreSQL rejects both.
  if (!Number.isFinite(v) || (v === 0 && /[1-9]/.test(t.split('e')[0]!))) throw new QuiverError(SqlState.numericOutOfRange, `"${s}" is out of range for type ${what}`);
  return v;
}
export function textToF4(s: string): number {
  const v = textToF8(s, 'real');
  return realInRange(v, s);
}
/** A double narrowed to real, refused as float4in refuses what strtof overflows or flushes to zero. */
function realInRange(v: number, text: string): number {
  const r = Math.fround(v);
  if ((!Number.isFinite(r) && Number.isFinite(v)) || (r === 0 && v !== 0)) {
    throw new QuiverError(SqlState.numericOutOfRange, `"${text}" is out of range for type real`);
  }
  return r;
}
/** numeric → double precision goes through the numeric's text, as numeric_float8 does. */
export function numToF8(d: Decimal): number {
  const v = d.toNumber();
  if (!Number.isFinite(v) || (v === 0 && d.cmp(Decimal.ZERO) !== 0)) {
    throw new QuiverError(SqlState.numericOutOfRange, `"${d.toString()}" is out of range for type double precision`);
  }
  return v;
}
export function numToF4(d: Decimal): number {
  const v = d.toNumber();
  return realInRange(v, d.toString());
}
export function textToBool(s: string): boolean {
  const t = s.trim().toLowerCase();
  if (t.length > 0) {
    if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === 'on' || t === '1') return true;
    if ('false'.startsWith(t) || 'no'.startsWith(t) || t === 'off' || t === 'of' && false || t === '0') return false;
  }
  throw new QuiverError(SqlState.invalidTextRepresentation, `invalid input syntax for type boolean: "${s}"`);
}
export function textToNumeric(s: string): Decimal { return Decimal.parse(s); }

/** float → integer casts round half to even (rint), as PostgreSQL does. */
export function f8ToI4(x: number): number {
  if (Number.isNaN(x)) outOfRange('integer');
  const r = roundHalfEven(x);
  if (r < I4_MIN || r > I4_MAX) outOfRange('integer');
  return r;
}
export function f8ToI2(x: number): number {
  if (Number.isNaN(x)) outOfRange('smallint');
  const r = roundHalfEven(x);
  if (r < I2_MIN || r > I2_MAX) outOfRange('smallint');
  return r;
}
export function f8ToI8(x: number): bigint {
  if (!Number.isFinite(x)) outOfRange('bigint');
  const r = roundHalfEven(x);
  if (r < -9223372036854775808 || r >= 9223372036854775808) outOfRange('bigint');
  return BigInt(r);
}
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
export function i8ToI4(x: bigint): number { if (x < BigInt(I4_MIN) || x > BigInt(I4_MAX)) outOfRange('integer'); return Number(x); }
export function i8ToI2(x: bigint): number { if (x < BigInt(I2_MIN) || x > BigInt(I2_MAX)) outOfRange('smallint'); return Number(x); }
export function numToI4(d: Decimal): number { const v = d.toBigIntRound(); if (v < BigInt(I4_MIN) || v > BigInt(I4_MAX)) outOfRange('integer'); return Number(v); }
export function numToI2(d: Decimal): number { const v = d.toBigIntRound(); if (v < BigInt(I2_MIN) || v > BigInt(I2_MAX)) outOfRange('smallint'); return Number(v); }
export function numToI8(d: Decimal): bigint { return i8(d.toBigIntRound()); }

/** float8 output as PostgreSQL 15 prints it (shortest round-trip form). */
export function f8ToText(x: number, digits = 15): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const ax = Math.abs(x);
  // Like %g with the type's precision (DBL_DIG 15, FLT_DIG 6): exponent form outside that range.
  if (ax >= 1e-4 && ax < 10 ** digits) return String(x);
  // PostgreSQL uses exponent form like 1e+15, 1.5e-05 (two-digit exponent at least).
  const [m, e] = x.toExponential().split('e') as [string, string];
  const sign = e[0] === '-' ? '-' : '+';
  const exp = e.slice(1).padStart(2, '0');
  return `${m}e${sign}${exp}`;
}
export function f4ToText(x: number): string {
  if (!Number.isFinite(x) || x === 0) return f8ToText(x);
  // Shortest decimal that rounds back to the same float4.
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return f8ToText(Number(s), 6);
  }
  return f8ToText(x, 6);
}

export function boolToText(b: boolean): string { return b ? 'true' : 'false'; }

/** A value of any type rendered as PostgreSQL's text output. */
export function toText(v: unknown, t: SqlType): string {
  switch (t.id) {
    case 'bool': return v ? 'true' : 'false';
    case 'int2': case 'int4': case 'int8': return String(v);
    case 'float8': return f8ToText(v as number);
    case 'float4': return f4ToText(v as number);
    case 'numeric': return (v as Decimal).toString();
    case 'date': return dt.formatDate(v as number);
    case 'time': return formatTime(v as number);
    case 'timetz': return formatTimeTz(v as TimeTz);
    // Array elements print with their type's output function: booleans as t/f (boolout).
    case 'array': return formatArrayText((v as unknown[]).map((x) => (x === null ? null : t.elem!.id === 'bool' ? (x ? 't' : 'f') : toText(x, t.elem!))));
    case 'timestamp': return isTimestampTz(t) ? dt.formatTimestampTz(v as number) : dt.formatTimestamp(v as number);
    case 'interval': return dt.formatInterval(v as dt.Interval);
    // Row values carry their own output function (record_out).
    case 'record': return String(v);
    default: return v as string;
  }
}

/*
 * varchar(n) and char(n) count characters (code points), as PostgreSQL does; a JavaScript string's
 * length counts UTF-16 units, which is never fewer, so a string no longer than n units needs no
 * counting at all.
 */

/** The UTF-16 index where character n starts (s.length when s has at most n characters). */
function charIndex(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

export function varcharCheck(s: string, n: number): string {
  if (n < 0 || s.length <= n) return s;
  const cut = charIndex(s, n);
  if (cut === s.length) return s;
  // Trailing spaces beyond the limit are truncated silently, as the SQL standard asks.
  if (s.slice(cut).trim() === '') return s.slice(0, cut);
  throw new QuiverError(SqlState.stringDataRightTruncation, `value too long for type character varying(${n})`);
}
export function bpcharCheck(s: string, n: number): string {
  if (n < 0) return s;
  if (s.length <= n) return padChars(s, n);
  const cut = charIndex(s, n);
  if (cut === s.length) return s;
  if (s.slice(cut).trim() === '') return s.slice(0, cut);
  throw new QuiverError(SqlState.stringDataRightTruncation, `value too long for type character(${n})`);
}
/** s (at most n characters) padded with spaces to n characters. */
function padChars(s: string, n: number): string {
  if (s.length === n) return s;
  const have = countChars(s);
  return have >= n ? s : s + ' '.repeat(n - have);
}
function countChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800)) n++;
  }
  return n;
}
/** Explicit casts truncate instead of failing. */
export function varcharCut(s: string, n: number): string { return n >= 0 && s.length > n ? s.slice(0, charIndex(s, n)) : s; }
export function bpcharCut(s: string, n: number): string { return n < 0 ? s : s.length > n ? padChars(s.slice(0, charIndex(s, n)), n) : padChars(s, n); }

// The last pattern each operator saw: a constant pattern (the usual case) costs one string
// comparison per row, a pattern that varies per row goes through the compiled-pattern cache.
let likeP: string | null = null, likeM: LikeMatcher | null = null;
let ilikeP: string | null = null, ilikeM: LikeMatcher | null = null;
/** LIKE with backslash as the default escape; `_` and `%` are wildcards. */
export function like(s: string, p: string): boolean {
  if (p !== likeP) { likeM = likeMatcher(p, false, '\\'); likeP = p; }
  return likeM!.test(s);
}
export function ilike(s: string, p: string): boolean {
  if (p !== ilikeP) { ilikeM = likeMatcher(p, true, '\\'); ilikeP = p; }
  return ilikeM!.test(s);
}
let likeEP: string | null = null, likeEE: string | null = null, likeEM: LikeMatcher | null = null;
let ilikeEP: string | null = null, ilikeEE: string | null = null, ilikeEM: LikeMatcher | null = null;
export function likeEsc(s: string, p: string, e: string): boolean {
  if (p !== likeEP || e !== likeEE) { likeEM = likeMatcher(p, false, e); likeEP = p; likeEE = e; }
  return likeEM!.test(s);
}
export function ilikeEsc(s: string, p: string, e: string): boolean {
  if (p !== ilikeEP || e !== ilikeEE) { ilikeEM = likeMatcher(p, true, e); ilikeEP = p; ilikeEE = e; }
  return ilikeEM!.test(s);
}

export function cmpNum(a: number, b: number): number { return a < b ? -1 : a > b ? 1 : 0; }
export function cmpStr(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
export function cmpBig(a: bigint, b: bigint): number { return a < b ? -1 : a > b ? 1 : 0; }
/** Character(n) compares without its trailing blanks. */
export function rtrimSpaces(s: string): string { let e = s.length; while (e > 0 && s.charCodeAt(e - 1) === 32) e--; return e === s.length ? s : s.slice(0, e); }

export function err(code: string, msg: string): never { throw new QuiverError(code, msg); }

export { Decimal, dt, applyTypmod };

/** A value of a type from its text form (the type's input function). */
export { jsonIn, jsonbIn, jsonbToNumeric, jsonbToBool, compareJsonbText } from '../common/json.js';
export { jsonpathIn } from '../common/jsonpath.js';

export function fromText(s: string, t: SqlType): unknown {
  switch (t.id) {
    case 'bool': return textToBool(s);
    case 'int2': return textToI2(s);
    case 'int4': return textToI4(s);
    case 'int8': return textToI8(s);
    case 'float4': return textToF4(s);
    case 'float8': return textToF8(s);
    case 'numeric': return t.precision >= 0 ? applyTypmod(Decimal.parse(s), t.precision, Math.max(0, t.scale)) : Decimal.parse(s);
    case 'date': return dt.parseDate(s);
    case 'timestamp': return isTimestampTz(t) ? dt.parseTimestampTz(s) : dt.parseTimestamp(s);
    case 'interval': return dt.parseInterval(s);
    case 'time': return parseTime(s);
    case 'timetz': return parseTimeTz(s);
    case 'array': return arrFromText(s, (x) => fromText(x, t.elem!));
    case 'varchar': return varcharCheck(s, t.precision);
    case 'bpchar': return bpcharCheck(s, t.precision);
    case 'json': return jsonIn(s);
    case 'jsonb': return jsonbIn(s);
    case 'jsonpath': return jsonpathIn(s);
    default: return s;
  }
}

/** Text to array: split, then convert each element with the element type's input function. */
export function arrFromText(s: string, elem: (x: string) => unknown): unknown[] {
  return parseArrayText(s).map((x) => (x === null ? null : elem(x)));
}

/**
 * s ~ p. V8 compiles a pattern lazily and can overflow its stack on the first match of a very long
 * one: that is the pattern's fault, reported as PostgreSQL reports patterns its engine cannot take.
 */
let lastPattern: string | null = null;
let lastFlags = '';
let lastRegex: RegExp | null = null;
export function regexTest(p: string, flags: string, s: string): boolean {
  // A column compared with one pattern asks for the same regex on every row.
  let re = lastRegex;
  if (re === null || p !== lastPattern || flags !== lastFlags) {
    re = compileRegex(p, parseRegexFlags(flags, null));
    lastPattern = p;
    lastFlags = flags;
    lastRegex = re;
  }
  re.lastIndex = 0;
  try {
    return re.test(s);
  } catch (e) {
    if (e instanceof RangeError || e instanceof SyntaxError) {
      throw new QuiverError('2201B', 'invalid regular expression: regular expression is too complex');
    }
    throw e;
  }
}

// INTERVAL_MASK bits of PostgreSQL's interval typmod (utils/datetime.h).
const IM = { MONTH: 1 << 1, YEAR: 1 << 2, DAY: 1 << 3, HOUR: 1 << 10, MINUTE: 1 << 11, SECOND: 1 << 12 };

/** INTERVAL '1' YEAR etc.: a bare number counts in the qualifier's lowest field; the rest is truncated to it. */
export function parseIntervalQualified(s: string, mask: number): dt.Interval {
  const t = s.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) {
    const n = Number(t);
    const unit = mask & IM.SECOND ? 'seconds' : mask & IM.MINUTE ? 'minutes' : mask & IM.HOUR ? 'hours' : mask & IM.DAY ? 'days' : mask & IM.MONTH ? 'months' : 'years';
    return dt.parseInterval(`${n} ${unit}`);
  }
  const iv = dt.parseInterval(s);
  if (mask & IM.SECOND || mask === 0x7fff) return iv;
  const us = mask & IM.MINUTE ? 60_000_000 : mask & IM.HOUR ? 3_600_000_000 : mask & IM.DAY ? 86_400_000_000 : 0;
  if (us) return new dt.Interval(iv.months, iv.days, Math.trunc(iv.micros / us) * us);
  const months = mask & IM.MONTH ? iv.months : Math.trunc(iv.months / 12) * 12;
  return new dt.Interval(months, 0, 0);
}

// ---- fixed-point numeric (see common/vector.ts) -----------------------------------------------

/**
 * Thrown by a compiled fixed-point loop when a value would leave the range where doubles are
 * exact; the caller computes the batch again with Decimals. Never leaves the compiled function's
 * wrapper (physical/fixed_numeric.ts).
 */
export const FIXED_INEXACT: { readonly reason: string } = Object.freeze({ reason: 'fixed-point value not exact' });

/** int8 → a fixed-point integer, or the Decimal path when it is beyond 2^53. */
export function i8ToFixed(v: bigint): number {
  if (v > 9007199254740991n || v < -9007199254740991n) throw FIXED_INEXACT;
  return Number(v);
}

/**
 * x / f rounded half away from zero, for an exact integer x and f a power of ten: every step is
 * exact (the remainder of doubles is exact, x - r is an integer multiple of f below 2^53, and so
 * is the quotient), as numeric's round() to a smaller scale.
 */
export function fixedRound(x: number, f: number): number {
  const r = x % f;
  const q = (x - r) / f;
  if (2 * Math.abs(r) >= f) return x < 0 ? q - 1 : q + 1;
  return q;
}
