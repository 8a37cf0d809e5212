/**
 * jsonb_set, jsonb_insert, json(b)_strip_nulls, jsonb_pretty, json(b)_typeof and
 * json(b)_array_length, as PostgreSQL's jsonfuncs.c defines them.
 */
import { T } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { registerScalar } from '../registry.js';
import { JsonObject, type JsonValue, parseJsonb, parseJson, jsonbOut, quoteJson, makeObject } from '../../common/json.js';
import { topKind, arrayElements } from '../../common/json_access.js';
import { pathIndex, memberOf } from './jsonb_ops.js';
import { textArrayArg } from './json.js';

type Impl = (...args: never[]) => unknown;
const fn = (f: (...xs: never[]) => unknown): Impl => f as Impl;

type Mode = 'set' | 'create' | 'before' | 'after';

const isContainer = (v: JsonValue): v is JsonValue[] | JsonObject => Array.isArray(v) || v instanceof JsonObject;

/** setPath: `mode` is a replacement (set, create when missing) or an insertion before or after. */
function setPath(v: JsonValue, path: readonly string[], level: number, nv: JsonValue, mode: Mode): JsonValue {
  const last = level === path.length - 1;
  const step = path[level]!;
  if (v instanceof JsonObject) {
    const j = memberOf(v, step);
    if (j >= 0) {
      if (last) {
        if (mode === 'before' || mode === 'after') {
          throw new QuiverError(SqlState.invalidParameterValue, 'cannot replace existing key', { hint: 'Try using the function jsonb_set to replace key value.' });
        }
        const values = [...v.values];
        values[j] = nv;
        return new JsonObject(v.keys, values);
      }
      const inner = v.values[j]!;
      if (!isContainer(inner)) return v;
      const values = [...v.values];
      values[j] = setPath(inner, path, level + 1, nv, mode);
      return new JsonObject(v.keys, values);
    }
    if (last && mode !== 'set') return makeObject([...v.keys, step], [...v.values, nv]);
    return v;
  }
  if (Array.isArray(v)) {
    const n = v.length;
    let i = pathIndex(step, level + 1);
    let prepend = false;
    if (i < 0) {
      if (-i > n) prepend = true;
      else i += n;
    }
    if (last) {
      if (mode !== 'set' && (prepend || n === 0)) return [nv, ...v];
      if (prepend) return v;
      if (i >= n) return mode === 'set' ? v : [...v, nv];
      if (mode === 'before') return [...v.slice(0, i), nv, ...v.slice(i)];
      if (mode === 'after') return [...v.slice(0, i + 1), nv, ...v.slice(i + 1)];
      const out = [...v];
      out[i] = nv;
      return out;
    }
    if (prepend || i >= n || !isContainer(v[i]!)) return v;
    const out = [...v];
    out[i] = setPath(v[i]!, path, level + 1, nv, mode);
    return out;
  }
  return v;
}

function checkedPath(p: (string | null)[]): string[] {
  const k = p.indexOf(null);
  if (k >= 0) throw new QuiverError('22004', `path element at position ${k + 1} is null`);
  return p as string[];
}

function editPath(target: string, path: (string | null)[], value: string, mode: Mode): string {
  const v = parseJsonb(target);
  if (!isContainer(v)) throw new QuiverError(SqlState.invalidParameterValue, 'cannot set path in scalar');
  const p = checkedPath(path);
  if (p.length === 0) return target;
  return jsonbOut(setPath(v, p, 0, parseJsonb(value), mode));
}

/** Object members whose value is null are dropped, at every depth (array elements stay). */
function stripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v instanceof JsonObject) {
    const k: string[] = [], vs: JsonValue[] = [];
    for (let i = 0; i < v.keys.length; i++) {
      if (v.values[i] === null) continue;
      k.push(v.keys[i]!);
      vs.push(stripNulls(v.values[i]!));
    }
    return new JsonObject(k, vs);
  }
  return v;
}

/** json text without whitespace, members in their order (json_strip_nulls' output). */
function compactJson(v: JsonValue): string {
  if (Array.isArray(v)) return '[' + v.map(compactJson).join(',') + ']';
  if (v instanceof JsonObject) return '{' + v.keys.map((k, i) => quoteJson(k) + ':' + compactJson(v.values[i]!)).join(',') + '}';
  return jsonbOut(v);
}

/** jsonb_pretty: four spaces a level, an empty container's bracket on its own line. */
function pretty(v: JsonValue, indent: string): string {
  const inner = indent + '    ';
  if (Array.isArray(v)) return '[\n' + v.map((x) => inner + pretty(x, inner)).join(',\n') + (v.length ? '\n' : '') + indent + ']';
  if (v instanceof JsonObject) {
    return '{\n' + v.keys.map((k, i) => inner + quoteJson(k) + ': ' + pretty(v.values[i]!, inner)).join(',\n') + (v.keys.length ? '\n' : '') + indent + '}';
  }
  return jsonbOut(v);
}

function typeOf(s: string): string {
  const k = topKind(s);
  if (k !== 'scalar') return k;
  const c = s.trimStart()[0];
  if (c === '"') return 'string';
  if (c === 't' || c === 'f') return 'boolean';
  if (c === 'n') return 'null';
  return 'number';
}

function arrayLength(s: string): number {
  const k = topKind(s);
  if (k === 'object') throw new QuiverError(SqlState.invalidParameterValue, 'cannot get array length of a non-array');
  if (k === 'scalar') throw new QuiverError(SqlState.invalidParameterValue, 'cannot get array length of a scalar');
  return arrayElements(s).length;
}

function register(): void {
  registerScalar({ name: 'jsonb_set', args: ['jsonb', 'array', 'jsonb'], ret: textArrayArg('jsonb_set', T.jsonb), strict: true, impl: fn((t: string, p: (string | null)[], v: string) => editPath(t, p, v, 'create')) });
  registerScalar({
    name: 'jsonb_set', args: ['jsonb', 'array', 'jsonb', 'bool'], ret: textArrayArg('jsonb_set', T.jsonb), strict: true,
    impl: fn((t: string, p: (string | null)[], v: string, create: boolean) => editPath(t, p, v, create ? 'create' : 'set')),
  });
  registerScalar({ name: 'jsonb_insert', args: ['jsonb', 'array', 'jsonb'], ret: textArrayArg('jsonb_insert', T.jsonb), strict: true, impl: fn((t: string, p: (string | null)[], v: string) => editPath(t, p, v, 'before')) });
  registerScalar({
    name: 'jsonb_insert', args: ['jsonb', 'array', 'jsonb', 'bool'], ret: textArrayArg('jsonb_insert', T.jsonb), strict: true,
    impl: fn((t: string, p: (string | null)[], v: string, after: boolean) => editPath(t, p, v, after ? 'after' : 'before')),
  });
  registerScalar({ name: 'jsonb_strip_nulls', args: ['jsonb'], ret: T.jsonb, strict: true, impl: fn((s: string) => jsonbOut(stripNulls(parseJsonb(s)))) });
  registerScalar({ name: 'json_strip_nulls', args: ['json'], ret: T.json, strict: true, impl: fn((s: string) => compactJson(stripNulls(parseJson(s)))) });
  registerScalar({ name: 'jsonb_pretty', args: ['jsonb'], ret: T.text, strict: true, impl: fn((s: string) => pretty(parseJsonb(s), '')) });
  for (const t of ['json', 'jsonb'] as const) {
    registerScalar({ name: `${t}_typeof`, args: [t], ret: T.text, strict: true, impl: fn(typeOf) });
    registerScalar({ name: `${t}_array_length`, args: [t], ret: T.int4, strict: true, impl: fn(arrayLength) });
  }
}

register();
