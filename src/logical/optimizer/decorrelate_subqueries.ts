/**
 * Decorrelation: rewrites subqueries in WHERE and in select lists into joins, so they run as one
 * hash join instead of once per outer row.
 *   EXISTS / NOT EXISTS (correlated)      → semi / anti join on the correlated conditions
 *   x IN (subquery) (correlated or not)   → semi join on x = column (+ correlated conditions)
 *   x NOT IN (uncorrelated subquery)      → null-aware anti join
 *   scalar aggregate subquery correlated by equalities → left join to the aggregate grouped by
 *     the correlated columns (with the COUNT-of-nothing-is-0 case handled)
 * Anything else stays a subquery expression, run per distinct outer row.
 */
import type { LogicalPlan, Field } from '../plan.js';
import { transformPlan } from '../plan.js';
import type { Expr, SubqueryExpr } from '../expr.js';
import { conjuncts, transformExpr, visitExpr, remapColumns, columnsUsed, isVolatile } from '../expr.js';
import { T } from '../../common/types.js';
import type { OptimizerRule } from './rule.js';
import { mapNodeExprs } from './rule.js';
import { simplify } from './fold_constants.js';
import { resolveScalar, type ScalarFunction } from '../../udf/registry.js';

function and(es: Expr[]): Expr | null {
  return es.length === 0 ? null : es.length === 1 ? es[0]! : { kind: 'and', args: es, type: T.bool };
}

function exprHasOuter(e: Expr): boolean {
  let f = false;
  visitExpr(e, (x) => { if (x.kind === 'outer') f = true; });
  return f;
}

/** Whether any expression of this plan (not of nested subquery plans) reads an outer slot. */
function planHasOuter(p: LogicalPlan): boolean {
  let f = false;
  transformPlan(p, (q) => { mapNodeExprs(q, (e) => { if (exprHasOuter(e)) f = true; return e; }); return q; });
  return f;
}

/** Replaces OuterExpr slots by the outer arguments (over the left input) and shifts inner columns. */
function lift(e: Expr, outerArgs: Expr[], shift: number): Expr {
  return transformExpr(e, (x) => {
    if (x.kind === 'col') return { ...x, index: x.index + shift };
    if (x.kind === 'outer') return outerArgs[x.slot]!;
    return x;
  });
}

/** Operators and functions whose domain errors (division by zero, logarithm of zero...) are common. */
const DOMAIN_ERRORS = new Set(['/', '%', 'div', 'mod', 'sqrt', 'ln', 'log', 'log10', 'power', 'exp']);
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'unknown']);
/** Integer arithmetic overflows its type (22003); numeric never does, floats only near their limits. */
const INTEGER_ARITHMETIC = new Set(['+', '-', '*', 'abs']);
const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

/**
 * Whether e can plausibly fail on some row: a division, a function with a narrow domain, a cast
 * from text or to a narrower type, integer arithmetic (which overflows its type). Run per outer
 * row, PostgreSQL computes such an expression only over the rows that match that row; the
 * decorrelated join would compute it over every row of the subquery's input.
 */
function mayFail(e: Expr): boolean {
  let f = false;
  visitExpr(e, (x) => {
    if (x.kind === 'call' && DOMAIN_ERRORS.has(x.fn.name)) f = true;
    else if (x.kind === 'call' && INTEGER_ARITHMETIC.has(x.fn.name) && INTEGER_TYPES.has(x.type.id)) f = true;
    else if (x.kind === 'cast' && x.arg.type.id !== x.type.id && !TEXT_TYPES.has(x.type.id)) {
      const from = x.arg.type.id, to = x.type.id;
      if (TEXT_TYPES.has(from) || to === 'int2' || to === 'int4' || (to === 'int8' && from !== 'int2' && from !== 'int4') || (to === 'numeric' && x.type.precision >= 0)) f = true;
    }
  });
  return f;
}

function planMayFail(p: LogicalPlan): boolean {
  let f = false;
  transformPlan(p, (q) => { mapNodeExprs(q, (e) => { if (mayFail(e)) f = true; return e; }); return q; });
  return f;
}

interface Split { base: LogicalPlan; correlated: Expr[] }

/**
 * Separates a subquery plan into an uncorrelated base and its correlated conditions, expressed over
 * the base's output columns. Conditions are pulled out of filters and scans (where an earlier
 * optimization may have pushed them) through inner joins and plain column projections.
 */
function splitCorrelated(p: LogicalPlan): Split | null {
  switch (p.kind) {
    case 'filter': {
      const inner = splitCorrelated(p.input);
      if (!inner) return null;
      const cs = conjuncts(p.predicate);
      const corr = cs.filter(exprHasOuter), rest = cs.filter((c) => !exprHasOuter(c));
      const pred = and(rest);
      return { base: pred ? { ...p, input: inner.base, predicate: pred, schema: inner.base.schema } : inner.base, correlated: [...inner.correlated, ...corr] };
    }
    case 'scan': {
      const corr = p.filters.filter(exprHasOuter);
      return { base: corr.length ? { ...p, filters: p.filters.filter((f) => !exprHasOuter(f)) } : p, correlated: corr };
    }
    case 'join': {
      if (p.joinType !== 'inner' || p.lateral) break;
      const l = splitCorrelated(p.left), r = splitCorrelated(p.right);
      if (!l || !r) return null;
      const nl = p.left.schema.length, nr = p.right.schema.length;
      const lw = l.base.schema.length, rw = r.base.schema.length;
      // A side may have grown (columns passed through for its correlations, after its own):
      // the join's own expressions address the right side from nl, the new join from lw.
      const toJoin = (i: number): number => (i < nl ? i : i - nl + lw);
      const on = p.on ? conjuncts(p.on) : [];
      const corr = [...l.correlated, ...r.correlated.map((c) => remapColumns(c, (i) => i + lw)), ...on.filter(exprHasOuter).map((c) => remapColumns(c, toJoin))];
      const keep = and(on.filter((c) => !exprHasOuter(c)).map((c) => remapColumns(c, toJoin)));
      const join: LogicalPlan = { ...p, left: l.base, right: r.base, on: keep, schema: [...l.base.schema, ...r.base.schema] };
      if (lw === nl && rw === nr) return { base: join, correlated: corr };
      // The join's original columns first, in their places; the passed-through ones after.
      const order: number[] = [];
      for (let i = 0; i < nl; i++) order.push(i);
      for (let i = 0; i < nr; i++) order.push(lw + i);
      for (let i = nl; i < lw; i++) order.push(i);
      for (let i = lw + nr; i < lw + rw; i++) order.push(i);
      const at = new Map(order.map((j, k) => [j, k]));
      const schema = order.map((j) => join.schema[j]!);
      const base: LogicalPlan = { kind: 'project', input: join, exprs: order.map((j): Expr => ({ kind: 'col', index: j, type: join.schema[j]!.type })), schema };
      return { base, correlated: corr.map((c) => remapColumns(c, (i) => at.get(i)!)) };
    }
    case 'project': {
      if (!p.exprs.every((e) => e.kind === 'col')) break;
      const inner = splitCorrelated(p.input);
      if (!inner) return null;
      const pos = new Map(p.exprs.map((e, i) => [(e as { index: number }).index, i]));
      // A correlated predicate pushed below this projection may read a column the projection
      // pruned (it was needed only there): pass it through, after the projection's own columns,
      // so the indices of those stay as they are.
      const exprs = [...p.exprs], schema = [...p.schema];
      const mapped: Expr[] = [];
      for (const c of inner.correlated) {
        for (const i of columnsUsed(c)) {
          if (pos.has(i)) continue;
          const f = inner.base.schema[i];
          if (!f) return null;
          pos.set(i, exprs.length);
          exprs.push({ kind: 'col', index: i, type: f.type });
          schema.push(f);
        }
        mapped.push(remapColumns(c, (i) => pos.get(i)!));
      }
      return { base: { ...p, input: inner.base, exprs, schema }, correlated: mapped };
    }
    default: break;
  }
  if (!planHasOuter(p)) return { base: p, correlated: [] };
  return null;
}

/** EXISTS ignores what the subquery selects, its order and its duplicates. */
function stripForExists(p: LogicalPlan): LogicalPlan {
  while (p.kind === 'project' || p.kind === 'sort' || p.kind === 'distinct') p = p.input;
  return p;
}

function semiJoinFor(sq: SubqueryExpr, negated: boolean, left: LogicalPlan): LogicalPlan | null {
  const nl = left.schema.length;
  if (sq.mode === 'exists') {
    const s = splitCorrelated(stripForExists(sq.plan));
    if (!s || s.correlated.length === 0) return null;
    const on = and(s.correlated.map((c) => lift(c, sq.outerArgs, nl)))!;
    return { kind: 'join', joinType: negated ? 'anti' : 'semi', left, right: s.base, on, nullAware: false, schema: left.schema };
  }
  if (sq.mode === 'any' && sq.cmp?.name === '=' && sq.test) {
    let p = sq.plan;
    let colExpr: Expr = { kind: 'col', index: 0, type: p.schema[0]!.type };
    if (p.kind === 'project') { colExpr = p.exprs[0]!; p = p.input; }
    if (isVolatile(colExpr) || exprHasOuter(colExpr)) return null;
    const s = splitCorrelated(p);
    if (!s) return null;
    if (negated && s.correlated.length > 0) return null;
    // PostgreSQL runs a correlated IN per outer row, over the rows that row selects; joined,
    // the subquery's expressions would run over all its rows and could fail on one of the others.
    if (s.correlated.length > 0 && (mayFail(colExpr) || planMayFail(s.base) || s.correlated.some(mayFail))) return null;
    // The subquery's column is computed over the base, so join on it there.
    const right: LogicalPlan = { kind: 'project', input: s.base, exprs: [colExpr, ...s.base.schema.map((f, i): Expr => ({ kind: 'col', index: i, type: f.type }))], schema: [{ name: 'sq', type: colExpr.type }, ...s.base.schema] };
    const eq: Expr = { kind: 'call', fn: sq.cmp, args: [sq.test, { kind: 'col', index: nl, type: colExpr.type }], type: T.bool };
    const corr = s.correlated.map((c) => lift(c, sq.outerArgs, nl + 1));
    if (negated) {
      return { kind: 'join', joinType: 'anti', left, right: { kind: 'project', input: right, exprs: [{ kind: 'col', index: 0, type: colExpr.type }], schema: [right.schema[0]!] }, on: eq, nullAware: true, schema: left.schema };
    }
    return { kind: 'join', joinType: 'semi', left, right, on: and([eq, ...corr])!, nullAware: false, schema: left.schema };
  }
  return null;
}

function rewriteFilter(p: Extract<LogicalPlan, { kind: 'filter' }>): LogicalPlan {
  let input = p.input;
  const rest: Expr[] = [];
  for (const c of conjuncts(p.predicate)) {
    let sq: SubqueryExpr | null = null, neg = false;
    if (c.kind === 'subquery') sq = c;
    else if (c.kind === 'not' && c.arg.kind === 'subquery') { sq = c.arg; neg = true; }
    const j = sq ? semiJoinFor(sq, neg, input) : null;
    if (j) input = j; else rest.push(c);
  }
  if (input === p.input) return scalarRewrite(p);
  const pred = and(rest);
  const out: LogicalPlan = pred ? { kind: 'filter', input, predicate: pred, schema: p.schema } : input;
  return out.kind === 'filter' ? scalarRewrite(out) : out;
}

// ---- scalar aggregate subqueries ----

interface ScalarJoin { right: LogicalPlan; leftKeys: Expr[]; valueIndex: number; emptyValue: Expr | null; width: number }

/** Project([e], Aggregate([], aggs, Filter(F, Q))) with F's correlations all equalities. */
function scalarJoinFor(sq: SubqueryExpr): ScalarJoin | null {
  if (sq.mode !== 'scalar' || sq.outerArgs.length === 0) return null;
  let p = sq.plan;
  let value: Expr = { kind: 'col', index: 0, type: p.schema[0]!.type };
  if (p.kind === 'project') { value = p.exprs[0]!; p = p.input; }
  if (p.kind !== 'aggregate' || p.groupBy.length > 0 || p.groupingSets) return null;
  if (exprHasOuter(value) || isVolatile(value)) return null;
  const agg = p;
  const s = splitCorrelated(agg.input);
  if (!s || s.correlated.length === 0) return null;
  // Grouped for every key at once, the aggregate would compute its arguments (and the value)
  // for groups no outer row selects, where PostgreSQL never evaluates them: one of those could
  // fail. Such a subquery runs per outer row instead.
  if (mayFail(value) || planMayFail(s.base) || agg.aggs.some((a) => a.args.some(mayFail) || (a.filter !== null && mayFail(a.filter)) || a.orderBy.some((k) => mayFail(k.expr)))) return null;
  const innerKeys: Expr[] = [], outerKeys: Expr[] = [];
  for (const c of s.correlated) {
    if (c.kind !== 'call' || c.fn.name !== '=' || c.args.length !== 2) return null;
    const [a, b] = c.args as [Expr, Expr];
    const ao = exprHasOuter(a), bo = exprHasOuter(b);
    const innerSide = ao ? b : a, outerSide = ao ? a : b;
    if (ao === bo || columnsUsed(outerSide).size > 0 || exprHasOuter(innerSide)) return null;
    innerKeys.push(innerSide);
    outerKeys.push(transformExpr(outerSide, (x) => (x.kind === 'outer' ? sq.outerArgs[x.slot]! : x)));
  }
  const nk = innerKeys.length;
  const grouped: LogicalPlan = {
    kind: 'aggregate', input: s.base, groupBy: innerKeys, aggs: agg.aggs, groupingSets: null,
    schema: [...innerKeys.map((k, i): Field => ({ name: `k${i}`, type: k.type })), ...agg.schema],
  };
  const shifted = remapColumns(value, (i) => i + nk);
  const right: LogicalPlan = {
    kind: 'project', input: grouped,
    exprs: [...innerKeys.map((k, i): Expr => ({ kind: 'col', index: i, type: k.type })), shifted],
    schema: [...grouped.schema.slice(0, nk), { name: 'value', type: value.type }],
  };
  // Over no rows, count() is 0 (not NULL): compute the value an empty group would give.
  let emptyValue: Expr | null = null;
  {
    const e = simplify(transformExpr(value, (x) => {
      if (x.kind !== 'col') return x;
      const a = agg.aggs[x.index];
      return { kind: 'const', value: a && a.fn.name === 'count' ? 0n : null, type: x.type };
    }));
    if (e.kind === 'const' && e.value !== null) emptyValue = e;
    else if (e.kind !== 'const') return null;
  }
  return { right, leftKeys: outerKeys, valueIndex: nk, emptyValue, width: nk + 1 };
}

/** Replaces decorrelatable scalar subqueries in a node's expressions by left-join columns. */
function scalarRewrite(p: LogicalPlan): LogicalPlan {
  if (p.kind !== 'filter' && p.kind !== 'project') return p;
  let input = p.input;
  const found: boolean[] = [];
  const rewrite = (e: Expr): Expr => transformExpr(e, (x) => {
    if (x.kind !== 'subquery') return x;
    if (x.outerArgs.some((a) => columnsUsed(a).size === 0 && !exprHasOuter(a))) return x;
    const sj = scalarJoinFor(x);
    if (!sj) return x;
    const nl = input.schema.length;
    const on = and(sj.leftKeys.map((k, i) => {
      const r: Expr = { kind: 'col', index: nl + i, type: sj.right.schema[i]!.type };
      return { kind: 'call', fn: EQ(k, r), args: [k, r], type: T.bool } as Expr;
    }));
    if (sj.leftKeys.some((k, i) => k.type.id !== sj.right.schema[i]!.type.id)) return x;
    input = { kind: 'join', joinType: 'left', left: input, right: sj.right, on, nullAware: false, schema: [...input.schema, ...sj.right.schema] };
    found.push(true);
    const v: Expr = { kind: 'col', index: nl + sj.valueIndex, type: x.type };
    if (!sj.emptyValue) return v;
    return { kind: 'case', whens: [{ cond: { kind: 'isnull', arg: { kind: 'col', index: nl, type: sj.right.schema[0]!.type }, negated: false, type: T.bool }, result: sj.emptyValue }], otherwise: v, type: x.type };
  });
  if (p.kind === 'filter') {
    const pred = rewrite(p.predicate);
    if (!found.length) return p;
    const f: LogicalPlan = { kind: 'filter', input, predicate: pred, schema: input.schema };
    return { kind: 'project', input: f, exprs: p.schema.map((fl, i): Expr => ({ kind: 'col', index: i, type: fl.type })), schema: p.schema };
  }
  const exprs = p.exprs.map(rewrite);
  if (!found.length) return p;
  return { ...p, input, exprs };
}

/** The equality operator of a key type (both sides already have that type). */
function EQ(l: Expr, _r: Expr): ScalarFunction {
  const r = resolveScalar('=', [l.type, l.type]);
  if (!r) throw new Error(`no equality for ${l.type.id}`);
  return r.fn;
}

export const decorrelateSubqueries: OptimizerRule = {
  name: 'decorrelate_subqueries',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlan(plan, (p) => {
      try {
        if (p.kind === 'filter') return rewriteFilter(p);
        if (p.kind === 'project') return scalarRewrite(p);
      } catch {
        return p;
      }
      return p;
    });
  },
};
