/**
 * Conversions between engine values (what vectors hold) and the values the API hands out and
 * takes as parameters.
 */
import { decimalAt, type Vector } from '../common/vector.js';
import { T, physicalKind, isTimestampTz, type SqlType } from '../common/types.js';
import { Decimal } from '../common/decimal.js';
import { formatDate, formatTimestamp, formatTimestampTz, formatInterval, type Interval } from '../common/datetime.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { formatTime } from '../common/time.js';
import type { LogicalPlan } from '../logical/plan.js';
import { transformPlan } from '../logical/plan.js';
import { visitExpr, transformExpr, type Expr } from '../logical/expr.js';
import { mapNodeExprs } from '../logical/optimizer/rule.js';
import { isParamConversion, isParamNumberText, paramNumberText } from '../sql/coerce.js';
import { exprKey } from '../logical/expr_key.js';
import { evalConstant } from '../physical/compile.js';
import type { ExecContext } from '../physical/context.js';

/** A function turning row i of a vector into its API value. */
export function columnReader(v: Vector): (i: number) => unknown {
  const valid = v.valid;
  const d = v.data as unknown as { [i: number]: unknown };
  let f: (i: number) => unknown;
  switch (v.type.id) {
    case 'bool': f = (i) => d[i] === 1; break;
    case 'numeric': f = (i) => decimalAt(v, i).toString(); break;
    case 'date': f = (i) => formatDate(d[i] as number); break;
    case 'timestamp': f = isTimestampTz(v.type) ? (i) => formatTimestampTz(d[i] as number) : (i) => formatTimestamp(d[i] as number); break;
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

/**
 * The type a parameter value gets where its context asks for none: strings stay untyped so context
 * decides, as in PostgreSQL; a whole number is an integer (bigint when larger, out of range past
 * it), any other number double precision, a BigInt bigint. Where the context does ask for a type,
 * a number or BigInt is read from its text as that type (paramNumberTo in sql/coerce), as
 * PostgreSQL reads the text a client library sends; an array is untyped text in PostgreSQL's array
 * syntax, read by the type context asks for.
 */
export function paramType(v: unknown): SqlType {
  if (v === null || v === undefined) return T.unknown;
  switch (typeof v) {
    case 'number':
      if (!Number.isInteger(v)) return T.float8;
      return v >= -2147483648 && v <= 2147483647 ? T.int4 : T.int8;
    case 'bigint': return T.int8;
    case 'boolean': return T.bool;
    case 'string': return T.unknown;
    default:
      if (v instanceof Date) return T.timestamp;
      if (v instanceof Decimal) return T.numeric;
      if (Array.isArray(v)) return T.unknown;
      throw unsupported(v);
  }
}

function unsupported(v: unknown): QuiverError {
  // Only typeof: reading a property of a caller's object may run (and throw from) its getters.
  return new QuiverError(SqlState.invalidParameterValue, `unsupported parameter value of type ${typeof v}`, {
    hint: 'Parameters may be null, numbers, bigints, strings, booleans, Dates, Decimals, or arrays of these.',
  });
}

/** Timestamp range of PostgreSQL (4714-11-24 BC to 294276 AD), in microseconds from 1970. */
const MIN_TIMESTAMP = -211813488000000000 + 946684800000000;
const END_TIMESTAMP = 9223371331200000000 + 946684800000000;

export function paramValue(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  // A whole number past bigint's range is kept exact: read as its text into a numeric, real or
  // text it is a fine value; used as a bigint it is out of range (checkBareParams).
  if (t.id === 'int8') return typeof v === 'number' ? BigInt(v) : v as bigint;
  if (t.id === 'timestamp' && v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw new QuiverError(SqlState.invalidDatetimeFormat, 'invalid input syntax for type timestamp: "Invalid Date"');
    const us = ms * 1000;
    if (us < MIN_TIMESTAMP || us >= END_TIMESTAMP) throw new QuiverError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
    return us;
  }
  if (Array.isArray(v)) return arrayLiteral(v);
  return v;
}

/** A JavaScript array as PostgreSQL array text ('{1,"a b",NULL}'), as client libraries send it. */
function arrayLiteral(a: unknown[]): string {
  const item = (x: unknown): string => {
    if (x === null || x === undefined) return 'NULL';
    if (Array.isArray(x)) return arrayLiteral(x);
    let s: string;
    switch (typeof x) {
      case 'number': case 'bigint': s = paramNumberText(x); break;
      case 'boolean': s = x ? 't' : 'f'; break;
      case 'string': s = x; break;
      default:
        if (x instanceof Date) s = formatTimestamp(paramValue(x, T.timestamp) as number);
        else if (x instanceof Decimal) s = x.toString();
        else throw unsupported(x);
    }
    return `"${s.replace(/["\\]/g, '\\$&')}"`;
  };
  return `{${a.map(item).join(',')}}`;
}

/**
 * Runs each conversion of a parameter to the type its context chose once, before the plan runs,
 * and puts its value in the plan as a constant: PostgreSQL converts parameter values when the
 * statement starts, so '40000' for a smallint is an error even where no row is read (an empty
 * table, a false WHERE), and a row then compares with the converted value, not the text.
 */
export function convertParamsUpFront(plan: LogicalPlan, ctx: ExecContext): LogicalPlan {
  if (ctx.params.length === 0) return plan;
  const done = new Map<string, unknown>();
  const fix = (e: Expr): Expr => {
    // A number parameter read as its text is the argument of that conversion: it is not a bigint.
    const asText = new Set<Expr>();
    visitExpr(e, (x) => {
      if (isParamNumberText(x) && x.kind === 'call') asText.add(x.args[0]!);
      else if (x.kind === 'param' && !asText.has(x)) checkBareParam(x.type, ctx.params[x.index]);
    });
    return transformExpr(e, (x) => {
      if (x.kind === 'subquery') return { ...x, plan: walk(x.plan) };
      if (!isParamConversion(x)) return x;
      const k = exprKey(x);
      if (!done.has(k)) done.set(k, evalConstant(x, ctx));
      return { kind: 'const', value: done.get(k), type: x.type };
    });
  };
  const walk = (p: LogicalPlan): LogicalPlan => transformPlan(p, (n) => mapNodeExprs(n, fix));
  return walk(plan);
}

/**
 * A parameter used as the bigint its JavaScript value made it (no context asked for another type)
 * must fit: a wider value would wrap in a bigint vector. PostgreSQL's bigint input says 22003.
 */
function checkBareParam(t: SqlType, v: unknown): void {
  if (t.id !== 'int8' || typeof v !== 'bigint') return;
  if (v < -(2n ** 63n) || v >= 2n ** 63n) {
    throw new QuiverError(SqlState.numericOutOfRange, `value "${v}" is out of range for type bigint`, { hint: 'Pass a larger integer as a string or a Decimal.' });
  }
}
