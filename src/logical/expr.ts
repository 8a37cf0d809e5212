/**
 * Bound expressions: names resolved, types known, implicit casts made explicit. Column references
 * are positions in the input schema of the operator that evaluates them.
 */
import type { SqlType } from '../common/types.js';
import type { ScalarFunction, AggregateFunction, WindowFunction } from '../udf/registry.js';
import type { LogicalPlan } from './plan.js';

export type Expr =
  | ColExpr | ConstExpr | ParamExpr | OuterExpr | CallExpr | CastExpr | BoolExpr | NotExpr
  | IsNullExpr | CaseExpr | InListExpr | CoalesceExpr | MinMaxExpr | SubqueryExpr | IsBoolExpr;

export interface ColExpr { kind: 'col'; index: number; type: SqlType }
/** An engine value: bool as boolean, int8 as bigint, numeric as Decimal, date as days, etc. */
export interface ConstExpr { kind: 'const'; value: unknown; type: SqlType }
/** `$n` (index is 0-based). */
export interface ParamExpr { kind: 'param'; index: number; type: SqlType }
/** A value of the enclosing query's current row, supplied when a correlated subquery runs. */
export interface OuterExpr { kind: 'outer'; slot: number; type: SqlType }
export interface CallExpr { kind: 'call'; fn: ScalarFunction; args: Expr[]; type: SqlType }
export interface CastExpr { kind: 'cast'; arg: Expr; type: SqlType; explicit: boolean }
export interface BoolExpr { kind: 'and' | 'or'; args: Expr[]; type: SqlType }
export interface NotExpr { kind: 'not'; arg: Expr; type: SqlType }
export interface IsNullExpr { kind: 'isnull'; arg: Expr; negated: boolean; type: SqlType }
/** IS [NOT] TRUE / FALSE / UNKNOWN */
export interface IsBoolExpr { kind: 'isbool'; arg: Expr; test: 'true' | 'false'; negated: boolean; type: SqlType }
export interface CaseExpr { kind: 'case'; whens: { cond: Expr; result: Expr }[]; otherwise: Expr | null; type: SqlType }
/** `arg IN (list)`; the comparison function is resolved once for the common type. */
export interface InListExpr { kind: 'inlist'; arg: Expr; list: Expr[]; eq: ScalarFunction; negated: boolean; type: SqlType }
export interface CoalesceExpr { kind: 'coalesce'; args: Expr[]; type: SqlType }
export interface MinMaxExpr { kind: 'greatest' | 'least'; args: Expr[]; cmp: ScalarFunction; type: SqlType }

/**
 * A subquery used as a value. `outerArgs` are evaluated in the enclosing operator's row and bound
 * to the subquery's OuterExpr slots; an uncorrelated subquery has none and runs once.
 */
export interface SubqueryExpr {
  kind: 'subquery';
  mode: 'scalar' | 'exists' | 'any' | 'all' | 'array';
  plan: LogicalPlan;
  outerArgs: Expr[];
  /** For any/all: the left operand and the comparison applied to each subquery row. */
  test: Expr | null;
  cmp: ScalarFunction | null;
  type: SqlType;
  /** The subquery's source text structure: equal for the same subquery written twice. */
  sourceKey?: string;
}

export interface SortKey { expr: Expr; desc: boolean; nullsFirst: boolean }

export interface AggCall {
  fn: AggregateFunction;
  args: Expr[];
  distinct: boolean;
  filter: Expr | null;
  orderBy: SortKey[];
  type: SqlType;
}

export interface WindowFrame {
  mode: 'rows' | 'range' | 'groups';
  start: FrameBound;
  end: FrameBound;
  exclude: 'no others' | 'current row' | 'group' | 'ties';
}
export type FrameBound =
  | { kind: 'unbounded_preceding' } | { kind: 'unbounded_following' } | { kind: 'current_row' }
  | { kind: 'preceding'; offset: Expr } | { kind: 'following'; offset: Expr };

export interface WindowCall {
  fn: WindowFunction | AggregateFunction;
  isAggregate: boolean;
  args: Expr[];
  distinct: boolean;
  filter: Expr | null;
  partitionBy: Expr[];
  orderBy: SortKey[];
  frame: WindowFrame;
  type: SqlType;
}

export function col(index: number, type: SqlType): ColExpr { return { kind: 'col', index, type }; }
export function constant(value: unknown, type: SqlType): ConstExpr { return { kind: 'const', value, type }; }

/** Calls f on each direct child expression (not into subquery plans). */
export function exprChildren(e: Expr): Expr[] {
  switch (e.kind) {
    case 'col': case 'const': case 'param': case 'outer': return [];
    case 'call': case 'and': case 'or': case 'coalesce': case 'greatest': case 'least': return e.args;
    case 'cast': case 'not': case 'isnull': case 'isbool': return [e.arg];
    case 'case': {
      const out: Expr[] = [];
      for (const w of e.whens) out.push(w.cond, w.result);
      if (e.otherwise) out.push(e.otherwise);
      return out;
    }
    case 'inlist': return [e.arg, ...e.list];
    case 'subquery': return e.test ? [...e.outerArgs, e.test] : e.outerArgs;
  }
}

/** Rebuilds e with each direct child replaced by f(child). */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'col': case 'const': case 'param': case 'outer': return e;
    case 'call': return { ...e, args: e.args.map(f) };
    case 'and': case 'or': return { ...e, args: e.args.map(f) };
    case 'coalesce': return { ...e, args: e.args.map(f) };
    case 'greatest': case 'least': return { ...e, args: e.args.map(f) };
    case 'cast': return { ...e, arg: f(e.arg) };
    case 'not': return { ...e, arg: f(e.arg) };
    case 'isnull': return { ...e, arg: f(e.arg) };
    case 'isbool': return { ...e, arg: f(e.arg) };
    case 'case': return { ...e, whens: e.whens.map((w) => ({ cond: f(w.cond), result: f(w.result) })), otherwise: e.otherwise ? f(e.otherwise) : null };
    case 'inlist': return { ...e, arg: f(e.arg), list: e.list.map(f) };
    case 'subquery': return { ...e, outerArgs: e.outerArgs.map(f), test: e.test ? f(e.test) : null };
  }
}

/** Bottom-up rewrite. */
export function transformExpr(e: Expr, f: (e: Expr) => Expr): Expr {
  return f(mapChildren(e, (c) => transformExpr(c, f)));
}

export function visitExpr(e: Expr, f: (e: Expr) => void): void {
  f(e);
  for (const c of exprChildren(e)) visitExpr(c, f);
}

/** Input column positions an expression reads. */
export function columnsUsed(e: Expr, into: Set<number> = new Set()): Set<number> {
  visitExpr(e, (x) => { if (x.kind === 'col') into.add(x.index); });
  return into;
}

export function remapColumns(e: Expr, map: (i: number) => number): Expr {
  return transformExpr(e, (x) => (x.kind === 'col' ? { ...x, index: map(x.index) } : x));
}

export function isVolatile(e: Expr): boolean {
  let v = false;
  visitExpr(e, (x) => {
    if (x.kind === 'call' && x.fn.volatile) v = true;
    if (x.kind === 'subquery') v = true;
  });
  return v;
}

/** Splits a conjunction into its terms. */
export function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'and') return e.args.flatMap(conjuncts);
  return [e];
}
