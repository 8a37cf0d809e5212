/**
 * String functions. PostgreSQL counts characters (code points), while JavaScript strings index
 * UTF-16 code units; the two only differ for characters outside the Basic Multilingual Plane, so
 * each function checks for surrogates once and keeps plain code-unit indexing otherwise.
 */
import { createHash } from 'node:crypto';
import { QuiverError, SqlState } from '../../common/errors.js';
import { T, type SqlType } from '../../common/types.js';
import { registerScalar, type ScalarFunction } from '../registry.js';
import { toText } from '../runtime.js';
import { compileRegex, parseRegexFlags } from '../regex.js';

const PROGRAM_LIMIT = '54000';
const SUBSTRING_ERROR = '22011';

function reg(f: ScalarFunction): void { registerScalar(f); }

/** Whether s has a UTF-16 surrogate, i.e. a character that takes two code units. */
export function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** Number of characters (code points). */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A low surrogate completes a pair that was already counted by its high half.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

/** Characters from 0-based character index `from` up to (excluding) `to`; to < 0 means the end. */
function sliceChars(s: string, from: number, to: number): string {
  if (!hasSurrogates(s)) return to < 0 ? s.slice(from) : s.slice(from, to);
  const cs = Array.from(s);
  return (to < 0 ? cs.slice(from) : cs.slice(from, to)).join('');
}

export function utf8Length(s: string): number {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  return ascii ? s.length : Buffer.byteLength(s, 'utf8');
}

function rtrimBlanks(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

// ---- case mapping ---------------------------------------------------------------------------

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * PostgreSQL maps case one character at a time (towupper), so characters whose full Unicode
 * mapping is longer than one character ('ß' → 'SS') stay as they are.
 */
function mapCase(s: string, upper: boolean): string {
  if (isAscii(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += m.length === 1 || (m.length === 2 && m.codePointAt(0)! > 0xffff) ? m : ch;
  }
  return out;
}
export function upper(s: string): string { return mapCase(s, true); }
export function lower(s: string): string { return mapCase(s, false); }

const ALNUM = /[\p{L}\p{N}]/u;
function isAlnumChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return ALNUM.test(ch);
}
export function initcap(s: string): string {
  let out = '';
  let wasAlnum = false;
  for (const ch of s) {
    out += wasAlnum ? mapCase(ch, false) : mapCase(ch, true);
    wasAlnum = isAlnumChar(ch);
  }
  return out;
}

// ---- substring and friends ------------------------------------------------------------------

/** substring(s from start [for count]) with PostgreSQL's handling of starts before 1. */
export function substring(s: string, start: number, count?: number): string {
  const s1 = Math.max(start, 1);
  if (count === undefined) return sliceChars(s, s1 - 1, -1);
  if (count < 0) throw new QuiverError(SUBSTRING_ERROR, 'negative substring length not allowed');
  const e = start + count;
  if (e < 1 || e <= s1) return '';
  return sliceChars(s, s1 - 1, e - 1);
}

export function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i < 0) return 0;
  return (hasSurrogates(s) ? charLength(s.slice(0, i)) : i) + 1;
}

function trimSet(chars: string): Set<string> { return new Set(Array.from(chars)); }

function trimWith(s: string, chars: string, left: boolean, right: boolean): string {
  if (chars === ' ') {
    let b = 0, e = s.length;
    if (left) while (b < e && s.charCodeAt(b) === 32) b++;
    if (right) while (e > b && s.charCodeAt(e - 1) === 32) e--;
    return b === 0 && e === s.length ? s : s.slice(b, e);
  }
  if (chars === '') return s;
  if (!hasSurrogates(s) && !hasSurrogates(chars)) {
    let b = 0, e = s.length;
    if (left) while (b < e && chars.indexOf(s[b]!) >= 0) b++;
    if (right) while (e > b && chars.indexOf(s[e - 1]!) >= 0) e--;
    return s.slice(b, e);
  }
  const set = trimSet(chars);
  const cs = Array.from(s);
  let b = 0, e = cs.length;
  if (left) while (b < e && set.has(cs[b]!)) b++;
  if (right) while (e > b && set.has(cs[e - 1]!)) e--;
  return cs.slice(b, e).join('');
}
export function btrim(s: string, chars = ' '): string { return trimWith(s, chars, true, true); }
export function ltrim(s: string, chars = ' '): string { return trimWith(s, chars, true, false); }
export function rtrim(s: string, chars = ' '): string { return trimWith(s, chars, false, true); }

export function replace(s: string, from: string, to: string): string {
  return from === '' ? s : s.split(from).join(to);
}

export function splitPart(s: string, delim: string, field: number): string {
  if (field === 0) throw new QuiverError(SqlState.invalidParameterValue, 'field position must not be zero');
  if (s === '') return '';
  if (delim === '') return field === 1 || field === -1 ? s : '';
  const parts = s.split(delim);
  const i = field > 0 ? field - 1 : parts.length + field;
  return i >= 0 && i < parts.length ? parts[i]! : '';
}

export function left(s: string, n: number): string {
  if (n >= 0) return sliceChars(s, 0, n);
  const len = charLength(s);
  return sliceChars(s, 0, Math.max(0, len + n));
}
export function right(s: string, n: number): string {
  const len = charLength(s);
  if (n >= 0) return sliceChars(s, Math.max(0, len - n), -1);
  return sliceChars(s, Math.min(len, -n), -1);
}

function checkLength(n: number): void {
  // PostgreSQL's limit is 1GB of text; V8 strings top out lower, so report the SQL error first.
  if (n > 0x1fffffe8 / 2) throw new QuiverError(PROGRAM_LIMIT, 'requested length too large');
}

function pad(s: string, len: number, fill: string, atLeft: boolean): string {
  if (len <= 0) return '';
  checkLength(len);
  const sLen = charLength(s);
  if (sLen >= len) return sliceChars(s, 0, len);
  if (fill === '') return s;
  const need = len - sLen;
  let padding: string;
  if (!hasSurrogates(fill)) {
    padding = fill.repeat(Math.ceil(need / fill.length)).slice(0, need);
  } else {
    const fc = Array.from(fill);
    const out: string[] = [];
    for (let i = 0; i < need; i++) out.push(fc[i % fc.length]!);
    padding = out.join('');
  }
  return atLeft ? padding + s : s + padding;
}
export function lpad(s: string, len: number, fill = ' '): string { return pad(s, len, fill, true); }
export function rpad(s: string, len: number, fill = ' '): string { return pad(s, len, fill, false); }

export function repeat(s: string, n: number): string {
  if (n <= 0 || s === '') return '';
  checkLength(s.length * n);
  return s.repeat(n);
}

export function reverse(s: string): string {
  if (!hasSurrogates(s)) {
    let out = '';
    for (let i = s.length - 1; i >= 0; i--) out += s[i];
    return out;
  }
  return Array.from(s).reverse().join('');
}

export function ascii(s: string): number { return s === '' ? 0 : s.codePointAt(0)!; }

export function chr(n: number): string {
  if (n < 0) throw new QuiverError(PROGRAM_LIMIT, 'character number must be positive');
  if (n === 0) throw new QuiverError(PROGRAM_LIMIT, 'null character not permitted');
  if (n > 0x10ffff) throw new QuiverError(PROGRAM_LIMIT, `requested character too large for encoding: ${n}`);
  if (n >= 0xd800 && n <= 0xdfff) throw new QuiverError(PROGRAM_LIMIT, `requested character not valid for encoding: ${n}`);
  return String.fromCodePoint(n);
}

export function md5(s: string): string { return createHash('md5').update(s, 'utf8').digest('hex'); }

export function translate(s: string, from: string, to: string): string {
  const f = Array.from(from), t = Array.from(to);
  const map = new Map<string, string>();
  for (let i = 0; i < f.length; i++) if (!map.has(f[i]!)) map.set(f[i]!, i < t.length ? t[i]! : '');
  let out = '';
  for (const ch of s) {
    const m = map.get(ch);
    out += m === undefined ? ch : m;
  }
  return out;
}

export function toHex32(n: number): string { return (n >>> 0).toString(16); }
export function toHex64(n: bigint): string { return BigInt.asUintN(64, n).toString(16); }

/** concat's rendering of one argument: the type's output function (booleans print as t/f). */
function outText(v: unknown, t: SqlType): string {
  if (t.id === 'bool') return v ? 't' : 'f';
  return toText(v, t);
}

export function concat(...xs: unknown[]): string {
  const types = xs[xs.length - 2] as SqlType[];
  let out = '';
  for (let i = 0; i < xs.length - 2; i++) {
    const v = xs[i];
    if (v === null || v === undefined) continue;
    out += typeof v === 'string' ? v : outText(v, types[i]!);
  }
  return out;
}

export function concatWs(...xs: unknown[]): string | null {
  const types = xs[xs.length - 2] as SqlType[];
  const sep = xs[0];
  if (sep === null || sep === undefined) return null;
  let out = '';
  let first = true;
  for (let i = 1; i < xs.length - 2; i++) {
    const v = xs[i];
    if (v === null || v === undefined) continue;
    if (!first) out += sep as string;
    first = false;
    out += typeof v === 'string' ? v : outText(v, types[i]!);
  }
  return out;
}

// ---- regular expressions --------------------------------------------------------------------

type ReplPart = string | number;
const replCache = new Map<string, ReplPart[]>();
/** PostgreSQL replacement text: \1..\9 are groups, \& the whole match, \\ a backslash. */
function parseReplacement(r: string): ReplPart[] {
  let parts = replCache.get(r);
  if (parts) return parts;
  parts = [];
  let lit = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i]!;
    if (c === '\\' && i + 1 < r.length) {
      const d = r[i + 1]!;
      if (d >= '1' && d <= '9') { if (lit) parts.push(lit); lit = ''; parts.push(d.charCodeAt(0) - 48); i++; continue; }
      if (d === '&') { if (lit) parts.push(lit); lit = ''; parts.push(0); i++; continue; }
      if (d === '\\') { lit += '\\'; i++; continue; }
    }
    lit += c;
  }
  if (lit) parts.push(lit);
  if (replCache.size > 1000) replCache.clear();
  replCache.set(r, parts);
  return parts;
}

function expand(parts: ReplPart[], m: RegExpExecArray): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : (m[p] ?? '');
  return out;
}

/** Code-unit offset of 1-based character position `pos` (clamped to the string). */
function charOffset(s: string, pos: number): number {
  if (pos <= 1) return 0;
  if (!hasSurrogates(s)) return Math.min(pos - 1, s.length);
  let i = 0, k = 1;
  while (i < s.length && k < pos) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    k++;
  }
  return i;
}

/** Matches of re in s from code-unit offset `from`, as PostgreSQL finds them (no overlaps). */
function* matches(re: RegExp, s: string, from: number): Generator<RegExpExecArray> {
  re.lastIndex = from;
  for (;;) {
    const m = re.exec(s);
    if (!m) return;
    yield m;
    if (m[0] === '') re.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
    if (re.lastIndex > s.length) return;
  }
}

function checkStart(start: number): void {
  if (start <= 0) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "start": ${start}`);
}
function checkN(n: number): void {
  if (n < 0) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "n": ${n}`);
}

/**
 * regexp_replace(source, pattern, replacement [, start [, n]] [, flags]): n = 0 replaces every
 * match; when n is not given the 'g' flag decides between all and the first.
 */
export function regexpReplace(s: string, pattern: string, repl: string, start: number, n: number | null, flags: string): string {
  const opts = parseRegexFlags(flags, null);
  const re = compileRegex(pattern, opts);
  const parts = parseReplacement(repl);
  if (n === null) n = opts.global ? 0 : 1;
  const all = n === 0;
  let out = '';
  let last = 0, k = 0;
  for (const m of matches(re, s, charOffset(s, start))) {
    k++;
    if (!all && k < n) continue;
    out += s.slice(last, m.index) + expand(parts, m);
    last = m.index + m[0].length;
    if (!all) break;
  }
  return out + s.slice(last);
}

export function regexpLike(s: string, pattern: string, flags = ''): boolean {
  const re = compileRegex(pattern, parseRegexFlags(flags, 'regexp_like'));
  re.lastIndex = 0;
  return re.test(s);
}

export function regexpCount(s: string, pattern: string, start = 1, flags = ''): number {
  checkStart(start);
  const re = compileRegex(pattern, parseRegexFlags(flags, 'regexp_count'));
  let k = 0;
  for (const _ of matches(re, s, charOffset(s, start))) k++;
  return k;
}

export function regexpSubstr(s: string, pattern: string, start = 1, n = 1, flags = '', sub = 0): string | null {
  checkStart(start);
  if (n <= 0) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "n": ${n}`);
  if (sub < 0) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "subexpr": ${sub}`);
  const re = compileRegex(pattern, parseRegexFlags(flags, 'regexp_substr'));
  let k = 0;
  for (const m of matches(re, s, charOffset(s, start))) {
    if (++k < n) continue;
    if (sub >= m.length) return null;
    return m[sub] ?? null;
  }
  return null;
}

const indicesCache = new Map<RegExp, RegExp>();
/** The same pattern with match indices of every group (the 'd' flag). */
function withIndices(re: RegExp): RegExp {
  let d = indicesCache.get(re);
  if (!d) {
    if (indicesCache.size > 1000) indicesCache.clear();
    indicesCache.set(re, d = new RegExp(re.source, re.flags + 'd'));
  }
  return d;
}

/**
 * regexp_instr(s, pattern [, start [, n [, endoption [, flags [, subexpr]]]]]): the character
 * position where the n-th match (or its subexpr-th group) begins, or just after it ends with
 * endoption 1; 0 when there is no such match.
 */
export function regexpInstr(s: string, pattern: string, start = 1, n = 1, endoption = 0, flags = '', sub = 0): number {
  checkStart(start);
  if (n <= 0) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "n": ${n}`);
  if (endoption !== 0 && endoption !== 1) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "endoption": ${endoption}`);
  if (sub < 0) throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "subexpr": ${sub}`);
  const re = withIndices(compileRegex(pattern, parseRegexFlags(flags, 'regexp_instr')));
  let k = 0;
  for (const m of matches(re, s, charOffset(s, start))) {
    if (++k < n) continue;
    const span = m.indices![sub];
    if (!span) return 0;
    return charLength(s.slice(0, span[endoption]!)) + 1;
  }
  return 0;
}

/** substring(s from pattern): the first parenthesised group if the pattern has one, else the match. */
export function substringRegex(s: string, pattern: string): string | null {
  const re = compileRegex(pattern, parseRegexFlags('', null));
  re.lastIndex = 0;
  const m = re.exec(s);
  if (!m) return null;
  if (m.length > 1) return m[1] ?? null;
  return m[0];
}

// ---- registration ---------------------------------------------------------------------------

function register(): void {
  const t = T.text, i4 = T.int4;
  for (const name of ['length', 'char_length', 'character_length']) {
    reg({ name, args: ['text'], ret: i4, strict: true, impl: charLength });
    // char(n) values carry their padding; its length does not count trailing blanks.
    reg({ name, args: ['bpchar'], ret: i4, strict: true, impl: (s: string) => charLength(rtrimBlanks(s)) });
  }
  reg({ name: 'octet_length', args: ['text'], ret: i4, strict: true, impl: utf8Length });
  reg({ name: 'octet_length', args: ['bpchar'], ret: i4, strict: true, impl: utf8Length });
  reg({ name: 'bit_length', args: ['text'], ret: i4, strict: true, impl: (s: string) => utf8Length(s) * 8 });
  reg({ name: 'upper', args: ['text'], ret: t, strict: true, impl: upper });
  reg({ name: 'lower', args: ['text'], ret: t, strict: true, impl: lower });
  reg({ name: 'initcap', args: ['text'], ret: t, strict: true, impl: initcap });
  for (const name of ['substring', 'substr']) {
    reg({ name, args: ['text', 'int4'], ret: t, strict: true, impl: (s: string, a: number) => substring(s, a) });
    reg({ name, args: ['text', 'int4', 'int4'], ret: t, strict: true, impl: (s: string, a: number, b: number) => substring(s, a, b) });
  }
  reg({ name: 'substring', args: ['text', 'text'], ret: t, strict: true, impl: substringRegex });
  reg({ name: 'position', args: ['text', 'text'], ret: i4, strict: true, impl: strpos });
  reg({ name: 'strpos', args: ['text', 'text'], ret: i4, strict: true, impl: strpos });
  reg({ name: 'btrim', args: ['text'], ret: t, strict: true, impl: (s: string) => btrim(s) });
  reg({ name: 'btrim', args: ['text', 'text'], ret: t, strict: true, impl: btrim });
  reg({ name: 'ltrim', args: ['text'], ret: t, strict: true, impl: (s: string) => ltrim(s) });
  reg({ name: 'ltrim', args: ['text', 'text'], ret: t, strict: true, impl: ltrim });
  reg({ name: 'rtrim', args: ['text'], ret: t, strict: true, impl: (s: string) => rtrim(s) });
  reg({ name: 'rtrim', args: ['text', 'text'], ret: t, strict: true, impl: rtrim });
  reg({ name: 'replace', args: ['text', 'text', 'text'], ret: t, strict: true, impl: replace });
  reg({ name: 'split_part', args: ['text', 'text', 'int4'], ret: t, strict: true, impl: splitPart });
  reg({ name: 'concat', args: ['any'], variadic: true, ret: t, strict: false, needsTypes: true, impl: concat });
  reg({ name: 'concat_ws', args: ['text', 'any'], variadic: true, ret: t, strict: false, needsTypes: true, impl: concatWs });
  reg({ name: 'left', args: ['text', 'int4'], ret: t, strict: true, impl: left });
  reg({ name: 'right', args: ['text', 'int4'], ret: t, strict: true, impl: right });
  reg({ name: 'lpad', args: ['text', 'int4'], ret: t, strict: true, impl: (s: string, n: number) => lpad(s, n) });
  reg({ name: 'lpad', args: ['text', 'int4', 'text'], ret: t, strict: true, impl: lpad });
  reg({ name: 'rpad', args: ['text', 'int4'], ret: t, strict: true, impl: (s: string, n: number) => rpad(s, n) });
  reg({ name: 'rpad', args: ['text', 'int4', 'text'], ret: t, strict: true, impl: rpad });
  reg({ name: 'repeat', args: ['text', 'int4'], ret: t, strict: true, impl: repeat });
  reg({ name: 'reverse', args: ['text'], ret: t, strict: true, impl: reverse });
  reg({ name: 'starts_with', args: ['text', 'text'], ret: T.bool, strict: true, inline: ([a, b]) => `(${a}).startsWith(${b})` });
  reg({ name: 'ascii', args: ['text'], ret: i4, strict: true, impl: ascii });
  reg({ name: 'chr', args: ['int4'], ret: t, strict: true, impl: chr });
  reg({ name: 'md5', args: ['text'], ret: t, strict: true, impl: md5 });
  reg({ name: 'translate', args: ['text', 'text', 'text'], ret: t, strict: true, impl: translate });
  reg({ name: 'to_hex', args: ['int4'], ret: t, strict: true, impl: toHex32 });
  reg({ name: 'to_hex', args: ['int8'], ret: t, strict: true, impl: toHex64 });

  reg({ name: 'regexp_replace', args: ['text', 'text', 'text'], ret: t, strict: true,
    impl: (s: string, p: string, r: string) => regexpReplace(s, p, r, 1, null, '') });
  reg({ name: 'regexp_replace', args: ['text', 'text', 'text', 'text'], ret: t, strict: true,
    impl: (s: string, p: string, r: string, f: string) => regexpReplace(s, p, r, 1, null, f) });
  reg({ name: 'regexp_replace', args: ['text', 'text', 'text', 'int4'], ret: t, strict: true,
    impl: (s: string, p: string, r: string, st: number) => { checkStart(st); return regexpReplace(s, p, r, st, null, ''); } });
  reg({ name: 'regexp_replace', args: ['text', 'text', 'text', 'int4', 'int4'], ret: t, strict: true,
    impl: (s: string, p: string, r: string, st: number, n: number) => { checkStart(st); checkN(n); return regexpReplace(s, p, r, st, n, ''); } });
  reg({ name: 'regexp_replace', args: ['text', 'text', 'text', 'int4', 'int4', 'text'], ret: t, strict: true,
    impl: (s: string, p: string, r: string, st: number, n: number, f: string) => { checkStart(st); checkN(n); return regexpReplace(s, p, r, st, n, f); } });
  reg({ name: 'regexp_like', args: ['text', 'text'], ret: T.bool, strict: true, impl: (s: string, p: string) => regexpLike(s, p) });
  reg({ name: 'regexp_like', args: ['text', 'text', 'text'], ret: T.bool, strict: true, impl: regexpLike });
  reg({ name: 'regexp_count', args: ['text', 'text'], ret: i4, strict: true, impl: (s: string, p: string) => regexpCount(s, p) });
  reg({ name: 'regexp_count', args: ['text', 'text', 'int4'], ret: i4, strict: true, impl: (s: string, p: string, st: number) => regexpCount(s, p, st) });
  reg({ name: 'regexp_count', args: ['text', 'text', 'int4', 'text'], ret: i4, strict: true, impl: regexpCount });
  reg({ name: 'regexp_substr', args: ['text', 'text'], ret: t, strict: true, impl: (s: string, p: string) => regexpSubstr(s, p) });
  reg({ name: 'regexp_substr', args: ['text', 'text', 'int4'], ret: t, strict: true, impl: (s: string, p: string, st: number) => regexpSubstr(s, p, st) });
  reg({ name: 'regexp_substr', args: ['text', 'text', 'int4', 'int4'], ret: t, strict: true, impl: (s: string, p: string, st: number, n: number) => regexpSubstr(s, p, st, n) });
  reg({ name: 'regexp_substr', args: ['text', 'text', 'int4', 'int4', 'text'], ret: t, strict: true, impl: (s: string, p: string, st: number, n: number, f: string) => regexpSubstr(s, p, st, n, f) });
  reg({ name: 'regexp_substr', args: ['text', 'text', 'int4', 'int4', 'text', 'int4'], ret: t, strict: true, impl: regexpSubstr });
  // regexp_instr's optional parameters may stop after any of them.
  const instrArgs: ('int4' | 'text')[] = ['int4', 'int4', 'int4', 'text', 'int4'];
  for (let k = 0; k <= instrArgs.length; k++) {
    reg({ name: 'regexp_instr', args: ['text', 'text', ...instrArgs.slice(0, k)], ret: i4, strict: true,
      impl: (...a: never[]) => (regexpInstr as (...x: unknown[]) => number)(...a) });
  }
}

register();
