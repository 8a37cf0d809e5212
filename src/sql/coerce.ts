/**
 * Implicit coercion as PostgreSQL does it: untyped literals take the type their context asks for,
 * and a set of expressions (CASE branches, UNION columns, IN lists) resolves to one common type.
 */
import type { Expr } from '../logical/expr.js';
import { T, type SqlType, category, numericRank, typeName, canImplicitCast, arrayOf, isJsonAssignmentCast } from '../common/types.js';
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

/** A parameter given as a JavaScript number or BigInt (typed by its value until a context types it). */
export function isNumberParam(e: Expr): boolean {
  return e.kind === 'param' && (e.type.id === 'int4' || e.type.id === 'int8' || e.type.id === 'float8');
}

/**
 * select_common_type over expressions, where a number parameter counts as untyped, as the text a
 * client sends for it does in PostgreSQL, when another expression has a type: COALESCE(s, $1) with
 * a smallint s reads $1 as a smallint. Members are coerced with coerceMember.
 */
export function commonTypeOf(es: Expr[], what: string, position?: number): SqlType {
  const typed = es.some((e) => e.type.id !== 'unknown' && !isNumberParam(e));
  const t = commonType(es.map((e) => (typed && isNumberParam(e) ? T.unknown : e.type)), what, position);
  // The result keeps a length or precision only when every member has it (select_common_typmod).
  return hasTypmod(t) && es.some((e) => !sameType(e.type, t)) ? T[t.id] : t;
}

function hasTypmod(t: SqlType): boolean {
  return (t.id === 'numeric' || t.id === 'varchar' || t.id === 'bpchar') && !sameType(t, T[t.id]);
}

/**
 * coerce for a member of commonTypeOf's set: an untyped member (a literal, a string or number
 * parameter) is read as the type without its length or precision, as PostgreSQL reads it.
 */
export function coerceMember(e: Expr, t: SqlType): Expr {
  if ((isNumberParam(e) || e.type.id === 'unknown') && hasTypmod(t)) return coerce(e, T[t.id]);
  return coerce(e, t);
}

export function sameType(a: SqlType, b: SqlType): boolean {
  return a.id === b.id && a.precision === b.precision && a.scale === b.scale && (a.id !== 'array' || sameType(a.elem!, b.elem!));
}

/** Wraps e in an implicit cast to t when needed. Constants are converted by the folding rule. */
export function coerce(e: Expr, t: SqlType, explicit = false): Expr {
  if (sameType(e.type, t)) return e;
  if (e.kind === 'const' && e.value === null) return { kind: 'const', value: null, type: t };
  const viaText = paramNumberTo(e, t, explicit);
  if (viaText) return viaText;
  // Widening text-like types to text needs no conversion.
  if (!explicit && t.id === 'text' && (e.type.id === 'varchar' || e.type.id === 'unknown')) {
    if (e.kind === 'const') return { ...e, type: t };
    return { kind: 'cast', arg: e, type: t, explicit };
  }
  return { kind: 'cast', arg: e, type: t, explicit };
}

/**
 * The text a client library would send for a JavaScript number or BigInt parameter: a whole number
 * is written out in full (1e21 → "1000000000000000000000"), any other number in JavaScript's
 * shortest round-trip form ("0.1"), NaN and the infinities as PostgreSQL spells them.
 */
export function paramNumberText(x: number | bigint): string {
  if (typeof x === 'bigint') return x.toString();
  return Number.isInteger(x) ? BigInt(x).toString() : String(x);
}

const jsNumberText: ScalarFunction = {
  name: 'text', args: ['float8'], ret: T.text, strict: true,
  impl: paramNumberText as (...args: never[]) => unknown,
};

/**
 * Whether e reads a parameter into the type its context chose: an untyped parameter (a string,
 * an array) cast to a type, or a number read through its text. PostgreSQL performs these once,
 * when the statement starts, so their errors do not depend on rows.
 */
export function isParamConversion(e: Expr): boolean {
  if (e.kind !== 'cast') return false;
  const a = e.arg;
  if (a.kind === 'param') return a.type.id === 'unknown';
  return isParamNumberText(a);
}

/** Whether e is a number parameter read as its text (the argument of a conversion). */
export function isParamNumberText(e: Expr): boolean {
  return e.kind === 'call' && e.fn === jsNumberText && e.args[0]!.kind === 'param';
}

/**
 * A parameter given as a JavaScript number or BigInt takes the type its context asks for as
 * PostgreSQL would take the text a client library sends for it: the target type's input function
 * reads the number's text. So 1.5 is not an integer (22P02), 1e20 is out of range for an integer
 * (22003), a BigInt past bigint's range is a fine numeric, real or text, and a numeric keeps every
 * digit. Rounding or wrapping the number instead would store a value the caller never gave. The
 * JavaScript type (integer, bigint, double precision) only decides where nothing else does.
 */
export function paramNumberTo(e: Expr, t: SqlType, explicit = true): Expr | null {
  if (e.kind !== 'param') return null;
  if (e.type.id !== 'float8' && e.type.id !== 'int4' && e.type.id !== 'int8') return null;
  if (sameType(e.type, t) || t.id === 'unknown') return null;
  return { kind: 'cast', arg: { kind: 'call', fn: jsNumberText, args: [e], type: T.text }, type: t, explicit };
}

/** Assignment cast check (INSERT/UPDATE targets): PostgreSQL allows more than implicit casts here. */
export function canAssign(from: SqlType, to: SqlType): boolean {
  if (from.id === 'unknown' || canImplicitCast(from.id, to.id)) return true;
  const cf = category(from.id), ct = category(to.id);
  if (cf === 'N' && ct === 'N') return true;
  if (ct === 'S') return true; // anything has an assignment cast to text types
  if (from.id === 'timestamp' && to.id === 'date') return true;
  if (isJsonAssignmentCast(from.id, to.id)) return true;
  return false;
}
