/**
 * Implicit coercion as PostgreSQL does it: untyped literals take the type their context asks for,
 * and a set of expressions (CASE branches, UNION columns, IN lists) resolves to one common type.
 */
import type { Expr } from '../logical/expr.js';
import { T, type SqlType, category, numericRank, typeName, canImplicitCast, arrayOf } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import type { ScalarFunction } from '../udf/registry.js';

/** select_common_type: `what` names the construct in the error ('CASE', 'UNION', ...). */
export function commonType(types: SqlType[], what: string, position?: number): SqlType {
  const known = types.filter((t) => t.id !== 'unknown');
  if (known.length === 0) return T.text;
  let best = known[0]!;
  for (const t of known.slice(1)) {
    if (t.id === 'array' && best.id === 'array') {
      best = arrayOf(commonType([best.elem!, t.elem!], what, position));
      continue;
    }
    if (t.id === best.id) {
      // varchar(n) and varchar(m) → varchar, numeric(p,s) mixes → numeric
      if (t.precision !== best.precision || t.scale !== best.scale) best = T[best.id];
      continue;
    }
    const cb = category(best.id), ct = category(t.id);
    if (cb !== ct) {
      throw new QuiverError(SqlState.datatypeMismatch, `${what} types ${typeName(best)} and ${typeName(t)} cannot be matched`, position === undefined ? {} : { position });
    }
    if (cb === 'N') best = numericRank(t.id) > numericRank(best.id) ? T[t.id] : T[best.id];
    else if (cb === 'S') best = T.text;
    else if (cb === 'D') {
      if (t.id === 'time' || best.id === 'time') throw new QuiverError(SqlState.datatypeMismatch, `${what} types ${typeName(best)} and ${typeName(t)} cannot be matched`, position === undefined ? {} : { position });
      best = T.timestamp;
    }
    else if (!canImplicitCast(t.id, best.id)) {
      throw new QuiverError(SqlState.datatypeMismatch, `${what} types ${typeName(best)} and ${typeName(t)} cannot be matched`, position === undefined ? {} : { position });
    }
  }
  return best;
}

export function sameType(a: SqlType, b: SqlType): boolean {
  return a.id === b.id && a.precision === b.precision && a.scale === b.scale && (a.id !== 'array' || sameType(a.elem!, b.elem!));
}

/** Wraps e in an implicit cast to t when needed. Constants are converted by the folding rule. */
export function coerce(e: Expr, t: SqlType, explicit = false): Expr {
  if (sameType(e.type, t)) return e;
  if (e.kind === 'const' && e.value === null) return { kind: 'const', value: null, type: t };
  const viaText = paramNumberTo(e, t);
  if (viaText) return viaText;
  // Widening text-like types to text needs no conversion.
  if (!explicit && t.id === 'text' && (e.type.id === 'varchar' || e.type.id === 'unknown')) {
    if (e.kind === 'const') return { ...e, type: t };
    return { kind: 'cast', arg: e, type: t, explicit };
  }
  return { kind: 'cast', arg: e, type: t, explicit };
}

/** A double's text as JavaScript prints it: every digit the number has, no exponent below 1e21. */
const jsNumberText: ScalarFunction = {
  name: 'text', args: ['float8'], ret: T.text, strict: true,
  impl: ((x: number) => String(x)) as (...args: never[]) => unknown,
};

/**
 * A parameter given as a JavaScript number that is not a whole number in bigint's range (typed
 * double precision) becomes an integer or numeric as PostgreSQL reads the number's text, as it does
 * for the text a client library sends: 1.5 is not an integer (22P02), 1e20 is out of range (22003),
 * NaN and Infinity are not integers, and a numeric keeps every digit. Rounding a double here would
 * store a value the caller never gave.
 */
/**
 * Whether e reads a parameter into the type its context chose: an untyped parameter (a string,
 * an array) cast to a type, or a number read through its text. PostgreSQL performs these once,
 * when the statement starts, so their errors do not depend on rows.
 */
export function isParamConversion(e: Expr): boolean {
  if (e.kind !== 'cast') return false;
  const a = e.arg;
  if (a.kind === 'param') return a.type.id === 'unknown';
  return a.kind === 'call' && a.fn === jsNumberText && a.args[0]!.kind === 'param';
}

export function paramNumberTo(e: Expr, t: SqlType): Expr | null {
  if (e.kind !== 'param' || e.type.id !== 'float8') return null;
  if (t.id !== 'int2' && t.id !== 'int4' && t.id !== 'int8' && t.id !== 'numeric') return null;
  return { kind: 'cast', arg: { kind: 'call', fn: jsNumberText, args: [e], type: T.text }, type: t, explicit: true };
}

/** Assignment cast check (INSERT/UPDATE targets): PostgreSQL allows more than implicit casts here. */
export function canAssign(from: SqlType, to: SqlType): boolean {
  if (from.id === 'unknown' || canImplicitCast(from.id, to.id)) return true;
  const cf = category(from.id), ct = category(to.id);
  if (cf === 'N' && ct === 'N') return true;
  if (ct === 'S') return true; // anything has an assignment cast to text types
  if (from.id === 'timestamp' && to.id === 'date') return true;
  return false;
}
