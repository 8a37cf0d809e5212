/**
 * The json and jsonb types: input (PostgreSQL's lexer and its error details), the value tree,
 * jsonb's normalized output, its ordering and its hash key.
 *
 * Representation: both types live in vectors as strings. json keeps its input text verbatim, as
 * PostgreSQL does. jsonb keeps its normalized text (keys sorted, duplicates dropped, PostgreSQL's
 * spacing), not a parsed tree: the text is what every query prints, what storage and Parquet
 * hold, and, being normalized, it can be searched without parsing. `->` and `->>` (the operators
 * event analytics runs over millions of rows) scan the text for one key and slice the value out
 * (see json_access.ts) with no allocation but the result; a tree is built only by the functions
 * that need one (containment, constructors, set-returning functions).
 */
import { QuiverError, SqlState } from './errors.js';
import { Decimal } from './decimal.js';

/** A JSON number, kept as its text: json keeps the input's digits, jsonb numeric's output. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** An object's members in order (json: as written, duplicates kept; jsonb: sorted, unique). */
export class JsonObject {
  constructor(readonly keys: string[], readonly values: JsonValue[]) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

type Tok = '{' | '}' | '[' | ']' | ',' | ':' | 'string' | 'number' | 'true' | 'false' | 'null' | 'end';

function invalidJson(detail: string, code: string = SqlState.invalidTextRepresentation, message = 'invalid input syntax for type json'): QuiverError {
  return new QuiverError(code, message, { detail });
}

function isAlnum(c: number): boolean {
  // JSON_ALPHANUMERIC_CHAR: letters, digits, _ and $, and any non-ASCII character.
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
}

/**
 * PostgreSQL's JSON parser (src/common/jsonapi.c): the same tokens, the same one-token lookahead,
 * and so the same error detail for the same bad input. `build` decodes strings and builds the
 * tree (jsonb input, and json functions that need values); without it, input is only checked.
 */
class Parser {
  private pos = 0;
  private tok: Tok = 'end';
  private tokStart = 0;
  /** The decoded text of the current string token, or the number's text (when building). */
  private strVal = '';

  constructor(private readonly s: string, private readonly build: boolean, private readonly jsonb: boolean) {}

  /** The current token (a method, so that narrowing does not survive a call to lex). */
  private peek(): Tok { return this.tok; }

  parse(): JsonValue {
    this.lex();
    const v = this.value();
    if (this.peek() !== 'end') this.parseError('Expected end of input');
    return v;
  }

  private parseError(expected: string): never {
    if (this.peek() === 'end') throw invalidJson('The input string ended unexpectedly.');
    throw invalidJson(`${expected}, but found "${this.s.slice(this.tokStart, this.pos)}".`);
  }

  private value(): JsonValue {
    switch (this.peek()) {
      case '{': return this.object();
      case '[': return this.array();
      case 'string': { const v = this.strVal; this.lex(); return v; }
      case 'number': {
        const text = this.s.slice(this.tokStart, this.pos);
        this.lex();
        return this.build ? new JsonNumber(this.jsonb ? Decimal.parse(text).toString() : text) : null;
      }
      case 'true': this.lex(); return true;
      case 'false': this.lex(); return false;
      case 'null': this.lex(); return null;
      default: return this.parseError('Expected JSON value');
    }
  }

  private array(): JsonValue[] {
    this.lex();
    const out: JsonValue[] = [];
    if (this.peek() === ']') { this.lex(); return out; }
    for (;;) {
      const v = this.value();
      if (this.build) out.push(v);
      if (this.peek() === ',') { this.lex(); continue; }
      if (this.peek() === ']') { this.lex(); return out; }
      this.parseError('Expected "," or "]"');
    }
  }

  private object(): JsonObject {
    this.lex();
    const keys: string[] = [], values: JsonValue[] = [];
    if (this.peek() === '}') { this.lex(); return new JsonObject(keys, values); }
    if (this.peek() !== 'string') this.parseError('Expected string or "}"');
    for (;;) {
      const k = this.strVal;
      this.lex();
      if (this.peek() !== ':') this.parseError('Expected ":"');
      this.lex();
      const v = this.value();
      if (this.build) { keys.push(k); values.push(v); }
      if (this.peek() === '}') { this.lex(); break; }
      if (this.peek() !== ',') this.parseError('Expected "," or "}"');
      this.lex();
      if (this.peek() !== 'string') this.parseError('Expected string');
    }
    return new JsonObject(keys, values);
  }

  private lex(): void {
    const s = this.s;
    let p = this.pos;
    while (p < s.length) {
      const c = s.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) p++;
      else break;
    }
    this.tokStart = p;
    if (p >= s.length) { this.pos = p; this.tok = 'end'; return; }
    const c = s.charCodeAt(p);
    switch (c) {
      case 123: this.pos = p + 1; this.tok = '{'; return;
      case 125: this.pos = p + 1; this.tok = '}'; return;
      case 91: this.pos = p + 1; this.tok = '['; return;
      case 93: this.pos = p + 1; this.tok = ']'; return;
      case 44: this.pos = p + 1; this.tok = ','; return;
      case 58: this.pos = p + 1; this.tok = ':'; return;
      case 34: this.lexString(p); return;
      default: break;
    }
    if (c === 45 || (c >= 48 && c <= 57)) { this.lexNumber(p); return; }
    let e = p;
    while (e < s.length && isAlnum(s.charCodeAt(e))) e++;
    if (e === p) {
      this.pos = p + (c >= 0xd800 && c < 0xdc00 ? 2 : 1);
      throw invalidJson(`Token "${s.slice(p, this.pos)}" is invalid.`);
    }
    this.pos = e;
    const word = s.slice(p, e);
    if (word === 'true' || word === 'false' || word === 'null') { this.tok = word; return; }
    throw invalidJson(`Token "${word}" is invalid.`);
  }

  private lexNumber(start: number): void {
    const s = this.s;
    let p = start;
    let bad = false;
    const digit = (i: number): boolean => { const d = s.charCodeAt(i); return d >= 48 && d <= 57; };
    if (s.charCodeAt(p) === 45) p++;
    if (s.charCodeAt(p) === 48) p++;
    else if (digit(p)) { while (digit(p)) p++; }
    else bad = true;
    if (!bad && s.charCodeAt(p) === 46) {
      p++;
      if (!digit(p)) bad = true;
      else while (digit(p)) p++;
    }
    if (!bad && (s.charCodeAt(p) === 101 || s.charCodeAt(p) === 69)) {
      p++;
      if (s.charCodeAt(p) === 43 || s.charCodeAt(p) === 45) p++;
      if (!digit(p)) bad = true;
      else while (digit(p)) p++;
    }
    // Letters or digits glued to a number make the whole run one invalid token.
    while (p < s.length && isAlnum(s.charCodeAt(p))) { p++; bad = true; }
    this.pos = p;
    if (bad) throw invalidJson(`Token "${s.slice(start, p)}" is invalid.`);
    this.tok = 'number';
  }

  private lexString(start: number): void {
    const s = this.s;
    let p = start + 1;
    let out = '';
    let runStart = p;
    let hi = -1; // a pending high surrogate (jsonb)
    const decode = this.build;
    for (;;) {
      if (p >= s.length) {
        this.pos = s.length;
        throw invalidJson(`Token "${s.slice(start)}" is invalid.`);
      }
      const c = s.charCodeAt(p);
      if (c === 34) break;
      if (c < 32) {
        this.pos = p + 1;
        throw invalidJson(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`);
      }
      if (c !== 92) {
        if (hi >= 0 && decode && this.jsonb) throw invalidJson('Unicode low surrogate must follow a high surrogate.');
        p++;
        continue;
      }
      if (decode) out += s.slice(runStart, p);
      p++;
      if (p >= s.length) {
        this.pos = s.length;
        throw invalidJson(`Token "${s.slice(start)}" is invalid.`);
      }
      const e = s.charCodeAt(p);
      if (e === 117) {
        let cp = 0;
        for (let k = 1; k <= 4; k++) {
          const h = s.charCodeAt(p + k);
          const v = h >= 48 && h <= 57 ? h - 48 : h >= 97 && h <= 102 ? h - 87 : h >= 65 && h <= 70 ? h - 55 : -1;
          if (v < 0) {
            this.pos = Math.min(p + k + 1, s.length);
            throw invalidJson('"\\u" must be followed by four hexadecimal digits.');
          }
          cp = cp * 16 + v;
        }
        p += 5;
        if (decode) {
          if (this.jsonb) {
            if (cp >= 0xd800 && cp <= 0xdbff) {
              if (hi >= 0) throw invalidJson('Unicode high surrogate must not follow a high surrogate.');
              hi = cp;
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
              if (hi < 0) throw invalidJson('Unicode low surrogate must follow a high surrogate.');
              out += String.fromCharCode(hi, cp);
              hi = -1;
            } else {
              if (hi >= 0) throw invalidJson('Unicode low surrogate must follow a high surrogate.');
              if (cp === 0) throw invalidJson('\\u0000 cannot be converted to text.', '22P05', 'unsupported Unicode escape sequence');
              out += String.fromCharCode(cp);
            }
          } else {
            out += String.fromCharCode(cp);
          }
        }
        runStart = p;
        continue;
      }
      if (hi >= 0 && decode && this.jsonb) throw invalidJson('Unicode low surrogate must follow a high surrogate.');
      let ch: string;
      switch (e) {
        case 34: ch = '"'; break;
        case 92: ch = '\\'; break;
        case 47: ch = '/'; break;
        case 98: ch = '\b'; break;
        case 102: ch = '\f'; break;
        case 110: ch = '\n'; break;
        case 114: ch = '\r'; break;
        case 116: ch = '\t'; break;
        default: {
          const w = e >= 0xd800 && e < 0xdc00 ? 2 : 1;
          this.pos = p + w;
          throw invalidJson(`Escape sequence "\\${s.slice(p, p + w)}" is invalid.`);
        }
      }
      if (decode) out += ch;
      p++;
      runStart = p;
    }
    if (hi >= 0 && decode && this.jsonb) throw invalidJson('Unicode low surrogate must follow a high surrogate.');
    if (decode) this.strVal = runStart === start + 1 ? s.slice(runStart, p) : out + s.slice(runStart, p);
    this.pos = p + 1;
    this.tok = 'string';
  }
}

/** json's input function: the text is kept as given once it is known to be JSON. */
export function jsonIn(s: string): string {
  new Parser(s, false, false).parse();
  return s;
}

/** jsonb's input function: the normalized text. */
export function jsonbIn(s: string): string {
  return jsonbOut(parseJsonb(s));
}

/** The tree of a jsonb text (or of json text read as jsonb: keys sorted, last duplicate wins). */
export function parseJsonb(s: string): JsonValue {
  return normalize(new Parser(s, true, true).parse());
}

/** The tree of a json text, its objects as written (duplicate keys kept, numbers as written). */
export function parseJson(s: string): JsonValue {
  return new Parser(s, true, false).parse();
}

/** UTF-8 length of a string (jsonb orders keys by it first). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00) { n += 2; i++; } // a surrogate pair: 4 bytes for 2 units
    else n += 2;
  }
  return n;
}

/** Byte order of UTF-8 strings (C collation): code point order, which UTF-16 order is not. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+10000 and up) sort above U+E000..U+FFFF in code point order.
    if (x >= 0xd800 && x < 0xe000) x += 0x2000; else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y < 0xe000) y += 0x2000; else if (y >= 0xe000) y -= 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** jsonb's key order: shorter keys (in bytes) first, then bytewise. */
export function compareKeys(a: string, b: string): number {
  if (a.length === b.length && a === b) return 0;
  const la = utf8Length(a), lb = utf8Length(b);
  if (la !== lb) return la - lb;
  return compareUtf8(a, b);
}

/** jsonb's form of a tree: object keys sorted, the last of duplicate keys kept. */
export function normalize(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof JsonObject) return makeObject(v.keys, v.values.map(normalize));
  return v;
}

/** A jsonb object from members (values already normalized): sorted, last duplicate wins. */
export function makeObject(keys: string[], values: JsonValue[]): JsonObject {
  const idx = keys.map((_, i) => i);
  // A stable sort keeps duplicates in input order; the last of each run is kept.
  idx.sort((a, b) => compareKeys(keys[a]!, keys[b]!));
  const k: string[] = [], vs: JsonValue[] = [];
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    if (j + 1 < idx.length && keys[idx[j + 1]!] === keys[i]) continue;
    k.push(keys[i]!);
    vs.push(values[i]!);
  }
  return new JsonObject(k, vs);
}

/** A string as a JSON string literal (PostgreSQL's escape_json). */
export function quoteJson(s: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += s.slice(run, i);
    switch (c) {
      case 8: out += '\\b'; break;
      case 12: out += '\\f'; break;
      case 10: out += '\\n'; break;
      case 13: out += '\\r'; break;
      case 9: out += '\\t'; break;
      case 34: out += '\\"'; break;
      case 92: out += '\\\\'; break;
      default: out += '\\u' + c.toString(16).padStart(4, '0');
    }
    run = i + 1;
  }
  return out + s.slice(run) + '"';
}

/** jsonb's output function: `{"a": 1, "b": [1, 2]}`. */
export function jsonbOut(v: JsonValue): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return quoteJson(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ', ' : '') + jsonbOut(v[i]!);
    return s + ']';
  }
  let s = '{';
  for (let i = 0; i < v.keys.length; i++) s += (i ? ', ' : '') + quoteJson(v.keys[i]!) + ': ' + jsonbOut(v.values[i]!);
  return s + '}';
}

/** The scalar ranks of jsonb ordering: null < string < number < boolean < array < object. */
function rank(v: JsonValue): number {
  if (v === null) return 0;
  if (typeof v === 'string') return 1;
  if (v instanceof JsonNumber) return 2;
  if (typeof v === 'boolean') return 3;
  return Array.isArray(v) ? 16 : 17;
}

let decimalCache = new Map<string, Decimal>();
function num(n: JsonNumber): Decimal {
  let d = decimalCache.get(n.text);
  if (d === undefined) {
    if (decimalCache.size > 4096) decimalCache = new Map();
    d = Decimal.parse(n.text);
    decimalCache.set(n.text, d);
  }
  return d;
}

/**
 * jsonb's btree order (compareJsonbContainers): values of different kinds by kind; arrays and
 * objects first by their number of members, then member by member (objects key, value, key, ...
 * in their stored key order); a top-level scalar counts as a one-element array that sorts below
 * a real array of the same length.
 */
export function compareJsonb(a: JsonValue, b: JsonValue): number {
  const ca = Array.isArray(a) || a instanceof JsonObject, cb = Array.isArray(b) || b instanceof JsonObject;
  if (ca && cb) return compareValues(a, b);
  if (!ca && !cb) return compareValues(a, b);
  // A raw scalar against a container: against an array, the element counts decide, then the
  // scalar is below; against an object, arrays are below objects.
  if (!ca) {
    if (b instanceof JsonObject) return -1;
    const n = (b as JsonValue[]).length;
    return n === 1 ? -1 : 1 < n ? -1 : 1;
  }
  return -compareJsonb(b, a);
}

function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: return 0;
    case 1: return compareUtf8(a as string, b as string);
    case 2: return num(a as JsonNumber).cmp(num(b as JsonNumber));
    case 3: return (a ? 1 : 0) - (b ? 1 : 0);
    case 16: {
      const x = a as JsonValue[], y = b as JsonValue[];
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      for (let i = 0; i < x.length; i++) { const c = compareValues(x[i]!, y[i]!); if (c) return c; }
      return 0;
    }
    default: {
      const x = a as JsonObject, y = b as JsonObject;
      if (x.keys.length !== y.keys.length) return x.keys.length < y.keys.length ? -1 : 1;
      for (let i = 0; i < x.keys.length; i++) {
        const k = compareUtf8(x.keys[i]!, y.keys[i]!);
        if (k) return k < 0 ? -1 : 1;
        const c = compareValues(x.values[i]!, y.values[i]!);
        if (c) return c;
      }
      return 0;
    }
  }
}

/** Order of two jsonb texts. */
export function compareJsonbText(a: string, b: string): number {
  if (a === b) return 0;
  return compareJsonb(parseJsonb(a), parseJsonb(b));
}

/** Whether a jsonb text holds a number whose text a different but equal number could have. */
function mayHaveEqualVariants(s: string): boolean {
  // Only fractions (trailing zeros) make numeric texts that differ while the values are equal:
  // numeric's output has no exponent, no leading zeros and no negative zero.
  return s.includes('.');
}

/** A key that equal jsonb values share and unequal ones do not (grouping, DISTINCT, hash joins). */
export function jsonbHashKey(s: string): string {
  if (!mayHaveEqualVariants(s)) return s;
  return canonical(parseJsonb(s));
}

function canonical(v: JsonValue): string {
  if (v instanceof JsonNumber) return num(v).hashKey();
  // Shaped as jsonbOut, so that a text without fractions is its own key.
  if (Array.isArray(v)) return '[' + v.map(canonical).join(', ') + ']';
  if (v instanceof JsonObject) return '{' + v.keys.map((k, i) => quoteJson(k) + ': ' + canonical(v.values[i]!)).join(', ') + '}';
  return jsonbOut(v);
}

/** The name jsonb's cast errors give a value's kind. */
export function jsonbKindName(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof JsonNumber) return 'numeric';
  return Array.isArray(v) ? 'array' : 'object';
}

function castError(v: JsonValue, target: string): QuiverError {
  return new QuiverError(SqlState.invalidParameterValue, `cannot cast jsonb ${jsonbKindName(v)} to type ${target}`);
}

/** jsonb::numeric (and the other number types, which convert from numeric): a number only. */
export function jsonbToNumeric(s: string, target: string): Decimal {
  const v = parseJsonb(s);
  if (!(v instanceof JsonNumber)) throw castError(v, target);
  return num(v);
}

/** jsonb::boolean: a boolean only. */
export function jsonbToBool(s: string): boolean {
  const v = parseJsonb(s);
  if (typeof v !== 'boolean') throw castError(v, 'boolean');
  return v;
}
