/**
 * jsonb containment (`@>`, `<@`), existence (`?`, `?|`, `?&`) and editing (`||`, `-`, `#-`), as
 * PostgreSQL's jsonb_op.c and jsonfuncs.c define them, over parsed trees.
 */
import { T } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { registerScalar } from '../registry.js';
import { textArrayArg } from './json.js';
import { JsonNumber, JsonObject, type JsonValue, parseJsonb, jsonbOut, compareJsonb, makeObject } from '../../common/json.js';

type Impl = (...args: never[]) => unknown;
const fn = (f: (...xs: never[]) => unknown): Impl => f as Impl;

const isContainer = (v: JsonValue): v is JsonValue[] | JsonObject => Array.isArray(v) || v instanceof JsonObject;

function scalarEquals(a: JsonValue, b: JsonValue): boolean {
  if (a instanceof JsonNumber && b instanceof JsonNumber) return a.text === b.text || compareJsonb(a, b) === 0;
  return a === b;
}

/** A member's lookup in a jsonb object (keys are sorted and unique, so a linear scan is fine for the sizes seen). */
export function memberOf(o: JsonObject, key: string): number {
  return o.keys.indexOf(key);
}

/** JsonbDeepContains over two containers of the same kind. */
function deepContains(val: JsonValue[] | JsonObject, cont: JsonValue[] | JsonObject): boolean {
  if (val instanceof JsonObject) {
    if (!(cont instanceof JsonObject)) return false;
    if (cont.keys.length > val.keys.length) return false;
    for (let i = 0; i < cont.keys.length; i++) {
      const j = memberOf(val, cont.keys[i]!);
      if (j < 0) return false;
      const lv = val.values[j]!, cv = cont.values[i]!;
      if (isContainer(lv) && isContainer(cv)) { if (!deepContains(lv, cv)) return false; }
      else if (isContainer(lv) || isContainer(cv) || !scalarEquals(lv, cv)) return false;
    }
    return true;
  }
  if (!Array.isArray(cont)) return false;
  for (const c of cont) {
    if (isContainer(c)) {
      if (!val.some((v) => isContainer(v) && Array.isArray(v) === Array.isArray(c) && deepContains(v, c))) return false;
    } else if (!val.some((v) => !isContainer(v) && scalarEquals(v, c))) {
      return false;
    }
  }
  return true;
}

/** a @> b on jsonb values: a top-level scalar is a one-element array that contains no array. */
export function contains(a: JsonValue, b: JsonValue): boolean {
  const aScalar = !isContainer(a), bScalar = !isContainer(b);
  if (aScalar && !bScalar) return false;
  const va = aScalar ? [a] : a as JsonValue[] | JsonObject;
  const vb = bScalar ? [b] : b as JsonValue[] | JsonObject;
  return deepContains(va, vb);
}

/** `?`: a top-level key, or a string element of a top-level array (or scalar). */
function exists(v: JsonValue, key: string): boolean {
  if (v instanceof JsonObject) return memberOf(v, key) >= 0;
  if (Array.isArray(v)) return v.includes(key);
  return v === key;
}

/** jsonb || jsonb: objects merge (the right side wins), anything else concatenates as arrays. */
export function concat(a: JsonValue, b: JsonValue): JsonValue {
  if (a instanceof JsonObject && b instanceof JsonObject) return makeObject([...a.keys, ...b.keys], [...a.values, ...b.values]);
  const la = Array.isArray(a) ? a : [a], lb = Array.isArray(b) ? b : [b];
  return [...la, ...lb];
}

function deleteError(message: string): QuiverError {
  return new QuiverError(SqlState.invalidParameterValue, message);
}

function deleteKeys(v: JsonValue, keys: readonly (string | null)[]): JsonValue {
  if (!isContainer(v)) throw deleteError('cannot delete from scalar');
  if (v instanceof JsonObject) {
    const k: string[] = [], vs: JsonValue[] = [];
    for (let i = 0; i < v.keys.length; i++) if (!keys.includes(v.keys[i]!)) { k.push(v.keys[i]!); vs.push(v.values[i]!); }
    return new JsonObject(k, vs);
  }
  return v.filter((x) => typeof x !== 'string' || !keys.includes(x));
}

function deleteIndex(v: JsonValue, index: number): JsonValue {
  if (!isContainer(v)) throw deleteError('cannot delete from scalar');
  if (v instanceof JsonObject) throw deleteError('cannot delete from object using integer index');
  const i = index < 0 ? v.length + index : index;
  if (i < 0 || i >= v.length) return v;
  return [...v.slice(0, i), ...v.slice(i + 1)];
}

/** An array path element as an index, or the error PostgreSQL gives (position is 1-based). */
export function pathIndex(step: string, position: number): number {
  if (!/^\s*[+-]?\d+$/.test(step) || !Number.isSafeInteger(Number(step)) || Math.abs(Number(step)) > 2147483647) {
    throw new QuiverError(SqlState.invalidTextRepresentation, `path element at position ${position} is not an integer: "${step}"`);
  }
  return Number(step);
}

function deletePath(v: JsonValue, path: readonly (string | null)[], level: number): JsonValue {
  if (level === path.length) return v;
  const step = path[level]!;
  if (v instanceof JsonObject) {
    const j = memberOf(v, step);
    if (j < 0) return v;
    if (level === path.length - 1) return new JsonObject(v.keys.filter((_, i) => i !== j), v.values.filter((_, i) => i !== j));
    const inner = v.values[j]!;
    if (!isContainer(inner)) return v;
    const values = [...v.values];
    values[j] = deletePath(inner, path, level + 1);
    return new JsonObject(v.keys, values);
  }
  if (Array.isArray(v)) {
    let i = pathIndex(step, level + 1);
    if (i < 0) i += v.length;
    if (i < 0 || i >= v.length) return v;
    if (level === path.length - 1) return [...v.slice(0, i), ...v.slice(i + 1)];
    const inner = v[i]!;
    if (!isContainer(inner)) return v;
    const out = [...v];
    out[i] = deletePath(inner, path, level + 1);
    return out;
  }
  return v;
}

function register(): void {
  const j = (s: string): JsonValue => parseJsonb(s);
  registerScalar({ name: '@>', args: ['jsonb', 'jsonb'], ret: T.bool, strict: true, impl: fn((a: string, b: string) => contains(j(a), j(b))) });
  registerScalar({ name: '<@', args: ['jsonb', 'jsonb'], ret: T.bool, strict: true, impl: fn((a: string, b: string) => contains(j(b), j(a))) });
  registerScalar({ name: '?', args: ['jsonb', 'text'], ret: T.bool, strict: true, impl: fn((a: string, k: string) => exists(j(a), k)) });
  registerScalar({
    name: '?|', args: ['jsonb', 'array'], ret: textArrayArg('?|', T.bool), strict: true,
    impl: fn((a: string, ks: (string | null)[]) => { const v = j(a); return ks.some((k) => k !== null && exists(v, k)); }),
  });
  registerScalar({
    name: '?&', args: ['jsonb', 'array'], ret: textArrayArg('?&', T.bool), strict: true,
    impl: fn((a: string, ks: (string | null)[]) => { const v = j(a); return ks.every((k) => k === null || exists(v, k)); }),
  });
  registerScalar({ name: '||', args: ['jsonb', 'jsonb'], ret: T.jsonb, strict: true, impl: fn((a: string, b: string) => jsonbOut(concat(j(a), j(b)))) });
  registerScalar({ name: '-', args: ['jsonb', 'text'], ret: T.jsonb, strict: true, impl: fn((a: string, k: string) => jsonbOut(deleteKeys(j(a), [k]))) });
  registerScalar({ name: '-', args: ['jsonb', 'array'], ret: textArrayArg('-', T.jsonb), strict: true, impl: fn((a: string, ks: (string | null)[]) => jsonbOut(deleteKeys(j(a), ks))) });
  registerScalar({ name: '-', args: ['jsonb', 'int4'], ret: T.jsonb, strict: true, impl: fn((a: string, i: number) => jsonbOut(deleteIndex(j(a), i))) });
  registerScalar({
    name: '#-', args: ['jsonb', 'array'], ret: textArrayArg('#-', T.jsonb), strict: true,
    impl: fn((a: string, p: (string | null)[]) => {
      const v = j(a);
      if (!isContainer(v)) throw deleteError('cannot delete path in scalar');
      if (p.some((x) => x === null)) throw new QuiverError('22004', 'path element at position ' + (p.indexOf(null) + 1) + ' is null');
      return jsonbOut(deletePath(v, p, 0));
    }),
  });
  registerScalar({ name: 'jsonb_contains', args: ['jsonb', 'jsonb'], ret: T.bool, strict: true, impl: fn((a: string, b: string) => contains(j(a), j(b))) });
  registerScalar({ name: 'jsonb_contained', args: ['jsonb', 'jsonb'], ret: T.bool, strict: true, impl: fn((a: string, b: string) => contains(j(b), j(a))) });
  registerScalar({ name: 'jsonb_exists', args: ['jsonb', 'text'], ret: T.bool, strict: true, impl: fn((a: string, k: string) => exists(j(a), k)) });
  registerScalar({ name: 'jsonb_concat', args: ['jsonb', 'jsonb'], ret: T.jsonb, strict: true, impl: fn((a: string, b: string) => jsonbOut(concat(j(a), j(b)))) });
}

register();
