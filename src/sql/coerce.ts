/**
 * Implicit coercion as PostgreSQL does it: untyped literals take the type their context asks for,
 * and a set of expressions (CASE branches, UNION columns, IN lists) resolves to one common type.
 */
import type { Expr } from '../logical/expr.js';
import { T, type SqlType, category, numericRank, typeName, canImplicitCast, arrayOf } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';

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
  // Widening text-like types to text needs no conversion.
  if (!explicit && t.id === 'text' && (e.type.id === 'varchar' || e.type.id === 'unknown')) {
    if (e.kind === 'const') return { ...e, type: t };
    return { kind: 'cast', arg: e, type: t, explicit };
  }
  return { kind: 'cast', arg: e, type: t, explicit };
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
