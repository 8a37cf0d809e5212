/**
 * Conversions between engine values (what vectors hold) and the values the API hands out and
 * takes as parameters.
 */
import type { Vector } from '../common/vector.js';
import { T, physicalKind, type SqlType } from '../common/types.js';
import { Decimal } from '../common/decimal.js';
import { formatDate, formatTimestamp, formatInterval, type Interval } from '../common/datetime.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { formatTime } from '../common/time.js';

/** A function turning row i of a vector into its API value. */
export function columnReader(v: Vector): (i: number) => unknown {
  const valid = v.valid;
  const d = v.data as unknown as { [i: number]: unknown };
  let f: (i: number) => unknown;
  switch (v.type.id) {
    case 'bool': f = (i) => d[i] === 1; break;
    case 'numeric': f = (i) => (d[i] as Decimal).toString(); break;
    case 'date': f = (i) => formatDate(d[i] as number); break;
    case 'timestamp': f = (i) => formatTimestamp(d[i] as number); break;
    case 'time': f = (i) => formatTime(d[i] as number); break;
    case 'timetz': f = (i) => String(d[i]); break;
    case 'array': f = (i) => apiArray(d[i] as unknown[], v.type.elem!); break;
    case 'interval': f = (i) => formatInterval(d[i] as Interval); break;
    case 'record': f = (i) => String(d[i]); break;
    default: f = (i) => d[i];
  }
  return valid ? (i) => (valid[i] === 0 ? null : f(i)) : f;
}

/** Array elements as the API gives values of their type (bigint as BigInt, numeric as string, ...). */
function apiArray(a: unknown[], t: SqlType): unknown[] {
  const single: Vector = { type: t, length: a.length, data: (physicalKind(t.id) === 'bool' ? Uint8Array.from(a, (x) => (x ? 1 : 0)) : t.id === 'int8' ? BigInt64Array.from(a, (x) => (x === null ? 0n : x as bigint)) : a) as Vector['data'], valid: Uint8Array.from(a, (x) => (x === null ? 0 : 1)) };
  const read = columnReader(single);
  return a.map((_, i) => read(i));
}

/** The type a parameter value gets: strings stay untyped so context decides, as in PostgreSQL. */
export function paramType(v: unknown): SqlType {
  if (v === null || v === undefined) return T.unknown;
  switch (typeof v) {
    case 'number': return Number.isInteger(v) ? (v >= -2147483648 && v <= 2147483647 ? T.int4 : T.int8) : T.float8;
    case 'bigint': return T.int8;
    case 'boolean': return T.bool;
    case 'string': return T.unknown;
    default:
      if (v instanceof Date) return T.timestamp;
      if (v instanceof Decimal) return T.numeric;
      throw new QuiverError(SqlState.invalidParameterValue, `unsupported parameter value of type ${typeof v}`);
  }
}

export function paramValue(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  if (t.id === 'int8' && typeof v === 'number') return BigInt(v);
  if (t.id === 'timestamp' && v instanceof Date) return v.getTime() * 1000;
  return v;
}
