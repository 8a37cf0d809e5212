/**
 * SQL values to JSON (PostgreSQL's datum_to_json and datum_to_jsonb) and the constructors built
 * on them: to_json(b), array_to_json, json(b)_build_object, json(b)_build_array.
 *
 * json output keeps PostgreSQL's spacing, which differs by constructor: arrays of to_json are
 * `[1,2]`, json_build_array is `[1, 2]`, json_build_object is `{"a" : 1}`; jsonb is always
 * normalized (`{"a": 1}`).
 */
import { T, isTimestampTz, type SqlType } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { Decimal } from '../../common/decimal.js';
import { registerScalar } from '../registry.js';
import { toText } from '../runtime.js';
import { formatTimestamp } from '../../common/datetime.js';
import { JsonNumber, type JsonValue, quoteJson, parseJsonb, jsonbOut, makeObject } from '../../common/json.js';

type Impl = (...args: never[]) => unknown;
const fn = (f: (...xs: never[]) => unknown): Impl => f as Impl;

/** ISO 8601 as JSON writes dates and times (JsonEncodeDateTime): a T between date and time. */
function isoTimestamp(us: number, tz: boolean): string {
  const s = formatTimestamp(us);
  if (!Number.isFinite(us)) return s;
  const bc = s.endsWith(' BC');
  const body = (bc ? s.slice(0, -3) : s).replace(' ', 'T');
  return body + (tz ? '+00:00' : '') + (bc ? ' BC' : '');
}

/** The number's text, or null when it is not finite (NaN and the infinities are JSON strings). */
function numberText(v: unknown, t: SqlType): string | null {
  const s = toText(v, t);
  return /^-?[0-9]/.test(s) ? s : null;
}

/** A non-null SQL value as json text. */
export function datumToJson(v: unknown, t: SqlType): string {
  switch (t.id) {
    case 'bool': return v ? 'true' : 'false';
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'numeric': {
      const s = numberText(v, t);
      return s ?? quoteJson(toText(v, t));
    }
    case 'json': case 'jsonb': return v as string;
    case 'array': {
      const et = t.elem!;
      return '[' + (v as unknown[]).map((x) => (x === null ? 'null' : datumToJson(et.id === 'bool' ? !!x : x, et))).join(',') + ']';
    }
    case 'date': return quoteJson(toText(v, t));
    case 'timestamp': return quoteJson(isoTimestamp(v as number, isTimestampTz(t)));
    default: return quoteJson(toText(v, t));
  }
}

/** A non-null SQL value as a jsonb tree. */
export function datumToJsonb(v: unknown, t: SqlType): JsonValue {
  switch (t.id) {
    case 'bool': return !!v;
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'numeric': {
      const s = numberText(v, t);
      return s === null ? toText(v, t) : new JsonNumber(Decimal.parse(s).toString());
    }
    case 'json': case 'jsonb': return parseJsonb(v as string);
    case 'array': {
      const et = t.elem!;
      return (v as unknown[]).map((x) => (x === null ? null : datumToJsonb(et.id === 'bool' ? !!x : x, et)));
    }
    case 'timestamp': return isoTimestamp(v as number, isTimestampTz(t));
    default: return toText(v, t);
  }
}

/** A SQL value as json text, NULL as JSON null. */
export function valueToJson(v: unknown, t: SqlType): string {
  return v === null || v === undefined ? 'null' : datumToJson(v, t);
}

export function valueToJsonb(v: unknown, t: SqlType): JsonValue {
  return v === null || v === undefined ? null : datumToJsonb(v, t);
}

/** An object key from a build_object argument: any type, as its text; never NULL. */
function keyText(v: unknown, t: SqlType, position: number): string {
  if (v === null) throw new QuiverError(SqlState.invalidParameterValue, `argument ${position} cannot be null`, { hint: 'Object keys should be text.' });
  return t.id === 'bool' ? (v ? 'true' : 'false') : toText(v, t);
}

/** A variadic build_object call's arguments (values, then their types, then the result type) as keys and values. */
function pairs(xs: unknown[], name: string): { keys: string[]; vals: unknown[]; types: SqlType[] } {
  const ts = xs[xs.length - 2] as SqlType[];
  if (ts.length % 2 !== 0) {
    throw new QuiverError(SqlState.invalidParameterValue, 'argument list must have even number of elements', { hint: `The arguments of ${name}() must consist of alternating keys and values.` });
  }
  const keys: string[] = [], vals: unknown[] = [], types: SqlType[] = [];
  for (let i = 0; i < ts.length; i += 2) { keys.push(keyText(xs[i], ts[i]!, i + 1)); vals.push(xs[i + 1]); types.push(ts[i + 1]!); }
  return { keys, vals, types };
}

function register(): void {
  registerScalar({ name: 'to_json', args: ['any'], ret: T.json, strict: true, needsTypes: true, impl: fn((v: unknown, t: SqlType) => datumToJson(v, t)) });
  registerScalar({ name: 'to_jsonb', args: ['any'], ret: T.jsonb, strict: true, needsTypes: true, impl: fn((v: unknown, t: SqlType) => jsonbOut(datumToJsonb(v, t))) });
  registerScalar({ name: 'array_to_json', args: ['array'], ret: T.json, strict: true, needsTypes: true, impl: fn((v: unknown, t: SqlType) => datumToJson(v, t)) });
  registerScalar({
    name: 'json_build_object', args: ['any'], variadic: true, ret: T.json, strict: false, needsTypes: true,
    impl: fn((...xs: unknown[]) => {
      const { keys, vals, types } = pairs(xs, 'json_build_object');
      return '{' + keys.map((k, i) => `${quoteJson(k)} : ${valueToJson(vals[i], types[i]!)}`).join(', ') + '}';
    }),
  });
  registerScalar({
    name: 'jsonb_build_object', args: ['any'], variadic: true, ret: T.jsonb, strict: false, needsTypes: true,
    impl: fn((...xs: unknown[]) => {
      const { keys, vals, types } = pairs(xs, 'jsonb_build_object');
      return jsonbOut(makeObject(keys, vals.map((v, i) => valueToJsonb(v, types[i]!))));
    }),
  });
  registerScalar({
    name: 'json_build_array', args: ['any'], variadic: true, ret: T.json, strict: false, needsTypes: true,
    impl: fn((...xs: unknown[]) => {
      const ts = xs[xs.length - 2] as SqlType[];
      return '[' + xs.slice(0, ts.length).map((v, i) => valueToJson(v, ts[i]!)).join(', ') + ']';
    }),
  });
  registerScalar({
    name: 'jsonb_build_array', args: ['any'], variadic: true, ret: T.jsonb, strict: false, needsTypes: true,
    impl: fn((...xs: unknown[]) => {
      const ts = xs[xs.length - 2] as SqlType[];
      return jsonbOut(xs.slice(0, ts.length).map((v, i) => valueToJsonb(v, ts[i]!)));
    }),
  });
}

register();
