/**
 * Fixed-point numeric in compiled expressions. A numeric vector may be fixed-point (one scale,
 * scaled integers in a Float64Array; see common/vector.ts). An expression whose numeric parts are
 * columns, constants, integer casts, +, -, * and comparisons is compiled a second time for the
 * scales its numeric input columns have, computing on the scaled integers in doubles.
 *
 * Why this stays exact: every fixed-point operand is an integer with |x| < 2^53, so its double is
 * exact. The exact result r of +, - or * of two such integers (or of a rescale by 10^k) is an
 * integer; when |r| < 2^53 it is a double itself and IEEE arithmetic, which returns the double
 * nearest r, returns r. When |r| >= 2^53 the computed value is >= 2^53 in magnitude, because
 * rounding is monotone and 2^53 is a double. So testing the computed value against 2^53 - 1
 * tells exact results from the others, and the check after every operation is sound. A value
 * that fails it throws FIXED_INEXACT and the whole batch is computed again with Decimals, which
 * widen to bigints: overflow costs time, never digits.
 *
 * Result scales are PostgreSQL's display scales (numeric.c): + and - give the larger operand
 * scale, * the sum of both, a cast to numeric(p,s) scale s (rounding half away from zero). A CASE
 * or COALESCE whose branches have different scales has no one scale (PostgreSQL keeps each value's
 * own), so it is left to the Decimal path, as is everything else (division, functions, text).
 */
import type { Expr } from '../logical/expr.js';
import { exprChildren } from '../logical/expr.js';
import { Decimal } from '../common/decimal.js';
import { MAX_FIXED, MAX_FIXED_SCALE, decimalVector, type Batch } from '../common/vector.js';

class NotFixed extends Error {}

/** A null constant fits any scale. */
export const ANY_SCALE = -2;
/** Scale of an expression that is not numeric. */
export const NOT_NUMERIC = -1;

const ARITH = new Set(['+', '-', '*']);
const COMPARE = new Set(['=', '<>', '<', '<=', '>', '>=']);

export function isFixedArith(e: Expr): boolean {
  return e.kind === 'call' && e.type.id === 'numeric' && ARITH.has(e.fn.name) && e.args.every((a) => a.type.id === 'numeric');
}
export function isFixedCompare(e: Expr): boolean {
  return e.kind === 'call' && e.args.length === 2 && COMPARE.has(e.fn.name) && e.args[0]!.type.id === 'numeric' && e.args[1]!.type.id === 'numeric';
}

/** A numeric constant as a fixed-point value, or null when it does not fit. */
export function fixedConstant(d: Decimal): number | null {
  if (d.s > MAX_FIXED_SCALE) return null;
  const x = Number(d.v);
  return Number.isSafeInteger(x) && BigInt(x) === d.v ? x : null;
}

/**
 * Display scale of each numeric sub-expression for the given input column scales, or null when
 * some numeric part of e cannot be computed fixed-point.
 */
export function fixedScales(e: Expr, colScale: ReadonlyMap<number, number>): Map<Expr, number> | null {
  const scales = new Map<Expr, number>();
  try {
    scaleOf(e, colScale, scales);
    return scales;
  } catch (err) {
    if (err instanceof NotFixed) return null;
    throw err;
  }
}

function scaleOf(e: Expr, cs: ReadonlyMap<number, number>, memo: Map<Expr, number>): number {
  const s = compute(e, cs, memo);
  memo.set(e, s);
  return s;
}

function compute(e: Expr, cs: ReadonlyMap<number, number>, memo: Map<Expr, number>): number {
  const sub = (x: Expr): number => scaleOf(x, cs, memo);
  if (e.type.id !== 'numeric') {
    if (isFixedCompare(e)) {
      for (const a of (e as { args: Expr[] }).args) sub(a);
      return NOT_NUMERIC;
    }
    if (e.kind === 'cast' && e.arg.type.id === 'numeric') {
      if (e.type.id !== 'float8') throw new NotFixed();
      sub(e.arg);
      return NOT_NUMERIC;
    }
    if (e.kind === 'subquery' || e.kind === 'inlist' || e.kind === 'greatest' || e.kind === 'least') {
      visitNumeric(e);
      return NOT_NUMERIC;
    }
    for (const c of exprChildren(e)) {
      // Only IS NULL and the boolean connectives may look at a numeric value otherwise.
      if (c.type.id === 'numeric' && e.kind !== 'isnull') throw new NotFixed();
      sub(c);
    }
    return NOT_NUMERIC;
  }
  switch (e.kind) {
    case 'col': {
      const s = cs.get(e.index);
      if (s === undefined) throw new NotFixed();
      return s;
    }
    case 'const':
      if (e.value === null) return ANY_SCALE;
      if (!(e.value instanceof Decimal) || fixedConstant(e.value) === null) throw new NotFixed();
      return e.value.s;
    case 'cast': {
      const f = e.arg.type.id;
      let s: number;
      if (f === 'int2' || f === 'int4' || f === 'int8') { sub(e.arg); s = 0; } else if (f === 'numeric') s = sub(e.arg);
      else throw new NotFixed();
      if (e.type.precision < 0) return s;
      if (e.type.scale < 0 || e.type.scale > MAX_FIXED_SCALE) throw new NotFixed();
      return e.type.scale;
    }
    case 'call': {
      if (!isFixedArith(e)) throw new NotFixed();
      const [a, b] = e.args.map(sub) as [number, number | undefined];
      if (b === undefined) return a; // unary minus or plus
      if (a === ANY_SCALE) return b;
      if (b === ANY_SCALE) return a;
      const s = e.fn.name === '*' ? a + b : Math.max(a, b);
      if (s > MAX_FIXED_SCALE) throw new NotFixed();
      return s;
    }
    case 'case': case 'coalesce': {
      let s = ANY_SCALE;
      const results = e.kind === 'case' ? [...e.whens.map((w) => w.result), ...(e.otherwise ? [e.otherwise] : [])] : e.args;
      if (e.kind === 'case') for (const w of e.whens) sub(w.cond);
      for (const r of results) {
        const rs = sub(r);
        if (rs === ANY_SCALE) continue;
        if (s !== ANY_SCALE && rs !== s) throw new NotFixed();
        s = rs;
      }
      // CASE without ELSE yields NULL where no branch matches: any scale does.
      return s === ANY_SCALE ? 0 : s;
    }
    default: throw new NotFixed();
  }
}

/** Throws NotFixed when e reads a numeric value anywhere (for nodes left to the Decimal path). */
function visitNumeric(e: Expr): void {
  if (e.type.id === 'numeric') throw new NotFixed();
  for (const c of exprChildren(e)) visitNumeric(c);
}

/** Numeric columns an expression reads: their layout decides which compiled loop runs. */
export function numericColumns(e: Expr): number[] {
  const out = new Set<number>();
  const visit = (x: Expr): void => {
    if (x.kind === 'col' && x.type.id === 'numeric') out.add(x.index);
    for (const c of exprChildren(x)) visit(c);
  };
  visit(e);
  return [...out].sort((a, b) => a - b);
}

/** Whether an expression has a numeric value anywhere (and so may take the fixed-point path). */
export function hasNumeric(e: Expr): boolean {
  if (e.type.id === 'numeric') return true;
  return exprChildren(e).some(hasNumeric);
}

/** The batch with the given columns as Decimals, for the Decimal loop. */
export function decimalColumns(b: Batch, cols: readonly number[]): Batch {
  let columns: typeof b.columns | null = null;
  for (const c of cols) {
    const v = b.columns[c]!;
    if (v.scale === undefined) continue;
    columns ??= [...b.columns];
    columns[c] = decimalVector(v);
  }
  return columns ? { length: b.length, columns } : b;
}

/** Source of a check that a computed fixed-point value is exact. */
export function exactCheck(v: string): string {
  return `if (!(${v} <= ${MAX_FIXED} && ${v} >= -${MAX_FIXED})) throw H.FIXED_INEXACT;`;
}
