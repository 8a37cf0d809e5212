/**
 * Field and element access on JSON text without parsing it: `->`, `->>`, `#>` and `#>>` find one
 * member by scanning and skipping the others, and return the member's text as a slice of the
 * input. Over valid JSON (every json and jsonb value is) this needs no tree, so a query reading a
 * few keys from millions of event documents allocates only its results.
 */
import { parseJsonb, utf8Length } from './json.js';

/** Index of the first non-whitespace character at or after i. */
function ws(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) i++;
    else return i;
  }
}

/**
 * Whether the text being scanned has a backslash anywhere (one indexOf per document). Most
 * documents have none; then a string ends at the next quote and a key's raw text is the key.
 * (A character loop beats indexOf for the short strings of keys and values: the call costs more.)
 */
let escapes = true;

function scanning(s: string): void { escapes = s.indexOf('\\') >= 0; }

/** End (exclusive) of the string token opening at i. */
function stringEnd(s: string, i: number): number {
  if (!escapes) {
    let p = i + 1;
    while (p < s.length && s.charCodeAt(p) !== 34) p++;
    return p + 1;
  }
  for (let p = i + 1; ; p++) {
    const c = s.charCodeAt(p);
    if (c === 34) return p + 1;
    if (c === 92) p++;
  }
}

/** End (exclusive) of the value starting at i (i at its first character). */
function valueEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) return stringEnd(s, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let p = i; p < s.length; p++) {
      const d = s.charCodeAt(p);
      if (d === 34) p = stringEnd(s, p) - 1;
      else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) { if (--depth === 0) return p + 1; }
    }
    return s.length;
  }
  let p = i;
  for (; p < s.length; p++) {
    const d = s.charCodeAt(p);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 9 || d === 13) break;
  }
  return p;
}

/** Whether the string token s[a..b) (quotes included) spells key. */
function keyMatches(s: string, a: number, b: number, key: string): boolean {
  const inner = b - a - 2;
  if (!escapes) return inner === key.length && s.startsWith(key, a + 1);
  if (inner === key.length && s.startsWith(key, a + 1)) {
    // A backslash in the raw key would make equal lengths a coincidence.
    const q = s.indexOf('\\', a + 1);
    return q < 0 || q >= b;
  }
  if (inner <= key.length) return false; // escapes only lengthen the text
  const raw = s.slice(a, b);
  return raw.includes('\\') && parseJsonb(raw) === key;
}

/**
 * The span of member `key` of the object whose text starts at `from`, or -1 when the value there
 * is not an object or has no such key. `last`: json keeps duplicate keys, and the last one counts.
 * The span is written to out[0..1].
 */
function fieldSpan(s: string, from: number, key: string, last: boolean, out: Int32Array): boolean {
  let i = ws(s, from);
  if (s.charCodeAt(i) !== 123) return false;
  i = ws(s, i + 1);
  if (s.charCodeAt(i) === 125) return false;
  let found = false;
  // jsonb's keys are sorted by UTF-8 length: once a key's text is longer than the wanted key's
  // UTF-8 length (without escapes, a key's text is at most its UTF-8 length), no later key can
  // match. json keeps keys as written, so it reads to the end.
  const stopAfter = last || escapes ? Infinity : utf8Length(key);
  for (;;) {
    const ke = stringEnd(s, i);
    if (ke - i - 2 > stopAfter) return false;
    const hit = keyMatches(s, i, ke, key);
    const vs = ws(s, ws(s, ke) + 1); // past the ':'
    const ve = valueEnd(s, vs);
    if (hit) {
      out[0] = vs; out[1] = ve;
      if (!last) return true;
      found = true;
    }
    i = ws(s, ve);
    if (s.charCodeAt(i) !== 44) return found;
    i = ws(s, i + 1);
  }
}

/** The span of element `index` (negative: from the end) of the array at `from`; false if none. */
function elementSpan(s: string, from: number, index: number, out: Int32Array): boolean {
  let i = ws(s, from);
  if (s.charCodeAt(i) !== 91) return false;
  i = ws(s, i + 1);
  if (s.charCodeAt(i) === 93) return false;
  if (index < 0) {
    let n = 0;
    for (let p = i; ;) {
      n++;
      p = ws(s, valueEnd(s, p));
      if (s.charCodeAt(p) !== 44) break;
      p = ws(s, p + 1);
    }
    index += n;
    if (index < 0) return false;
  }
  for (let k = 0; ; k++) {
    const e = valueEnd(s, i);
    if (k === index) { out[0] = i; out[1] = e; return true; }
    i = ws(s, e);
    if (s.charCodeAt(i) !== 44) return false;
    i = ws(s, i + 1);
  }
}

const span = new Int32Array(2);

/** `->` with a key: the member's text, or null. */
export function getField(s: string, key: string, json: boolean): string | null {
  scanning(s);
  return fieldSpan(s, 0, key, json, span) ? s.slice(span[0], span[1]) : null;
}

/**
 * jsonb keeps a top-level scalar as a one-element array, and `->` and `->>` with index 0 or -1
 * find it there (`#>` does not).
 */
function scalarAsElement(s: string, index: number): boolean {
  const c = s.charCodeAt(0);
  return c !== 91 && c !== 123 && (index === 0 || index === -1);
}

/** `->` with an index. */
export function getElement(s: string, index: number, jsonb: boolean): string | null {
  scanning(s);
  if (jsonb && scalarAsElement(s, index)) return s;
  return elementSpan(s, 0, index, span) ? s.slice(span[0], span[1]) : null;
}

/** `->>`: a member's text as SQL text: strings unquoted and unescaped, JSON null as NULL. */
export function spanText(s: string, a: number, b: number): string | null {
  const c = s.charCodeAt(a);
  if (c === 34) {
    const q = s.indexOf('\\', a);
    return q < 0 || q >= b ? s.slice(a + 1, b - 1) : (parseJsonb(s.slice(a, b)) as string);
  }
  if (c === 110 && b - a === 4) return null; // null
  return s.slice(a, b);
}

export function getFieldText(s: string, key: string, json: boolean): string | null {
  scanning(s);
  return fieldSpan(s, 0, key, json, span) ? spanText(s, span[0]!, span[1]!) : null;
}

export function getElementText(s: string, index: number, jsonb: boolean): string | null {
  scanning(s);
  if (jsonb && scalarAsElement(s, index)) return spanText(s, 0, s.length);
  return elementSpan(s, 0, index, span) ? spanText(s, span[0]!, span[1]!) : null;
}

/**
 * `#>`: follows a path of keys and array indexes (given as text, as PostgreSQL takes them); the
 * span of the value reached, or false when a step finds nothing or a path element is NULL.
 */
export function pathSpan(s: string, path: readonly (string | null)[], json: boolean, out: Int32Array): boolean {
  scanning(s);
  let a = ws(s, 0), b = valueEnd(s, a);
  for (const step of path) {
    if (step === null) return false;
    const c = s.charCodeAt(a);
    if (c === 123) {
      if (!fieldSpan(s, a, step, json, out)) return false;
    } else if (c === 91) {
      if (!/^\s*[+-]?\d+$/.test(step)) return false; // strtol: leading blanks only
      const n = Number(step);
      if (!Number.isSafeInteger(n) || !elementSpan(s, a, n, out)) return false;
    } else {
      return false;
    }
    a = out[0]!; b = out[1]!;
  }
  out[0] = a; out[1] = b;
  return true;
}

export function getPath(s: string, path: readonly (string | null)[], json: boolean): string | null {
  return pathSpan(s, path, json, span) ? s.slice(span[0], span[1]) : null;
}

export function getPathText(s: string, path: readonly (string | null)[], json: boolean): string | null {
  return pathSpan(s, path, json, span) ? spanText(s, span[0]!, span[1]!) : null;
}

/** What a JSON text holds at its top level (without parsing the members). */
export function topKind(s: string): 'object' | 'array' | 'scalar' {
  const c = s.charCodeAt(ws(s, 0));
  return c === 123 ? 'object' : c === 91 ? 'array' : 'scalar';
}

/** The members of a top-level object, in text order (json keeps duplicates): key, value span. */
export function objectMembers(s: string): { key: string; a: number; b: number }[] {
  scanning(s);
  const out: { key: string; a: number; b: number }[] = [];
  let i = ws(s, 0);
  if (s.charCodeAt(i) !== 123) return out;
  i = ws(s, i + 1);
  if (s.charCodeAt(i) === 125) return out;
  for (;;) {
    const ke = stringEnd(s, i);
    const key = spanText(s, i, ke)!;
    const vs = ws(s, ws(s, ke) + 1);
    const ve = valueEnd(s, vs);
    out.push({ key, a: vs, b: ve });
    i = ws(s, ve);
    if (s.charCodeAt(i) !== 44) return out;
    i = ws(s, i + 1);
  }
}

/** The element spans of a top-level array. */
export function arrayElements(s: string): [number, number][] {
  scanning(s);
  const out: [number, number][] = [];
  let i = ws(s, 0);
  if (s.charCodeAt(i) !== 91) return out;
  i = ws(s, i + 1);
  if (s.charCodeAt(i) === 93) return out;
  for (;;) {
    const e = valueEnd(s, i);
    out.push([i, e]);
    i = ws(s, e);
    if (s.charCodeAt(i) !== 44) return out;
    i = ws(s, i + 1);
  }
}
