/**
 * Orders the conjuncts of each filter, scan filter and join condition by their per-row cost,
 * cheapest first, keeping the written order among equals: PostgreSQL's order_qual_clauses.
 * Besides doing cheap tests first, this decides which conjuncts run on which rows, so it decides
 * where an error can come from: with `WHERE 10 / x > 1 AND x <> 0` PostgreSQL tests `x <> 0`
 * first and never divides by zero, and so must Quiver.
 */
import type { LogicalPlan } from '../plan.js';
import { transformPlan } from '../plan.js';
import type { Expr } from '../expr.js';
import { conjuncts } from '../expr.js';
import { T } from '../../common/types.js';
import type { OptimizerRule } from './rule.js';

/** A subquery costs far more than any operator, as a SubPlan does in PostgreSQL's estimate. */
const SUBQUERY_COST = 1000;

/**
 * Per-row cost in operator evaluations, after PostgreSQL's cost_qual_eval: one per function or
 * operator, two for a cast through text (output then input function), nothing for columns,
 * constants, AND/OR/NOT and NULL tests, half an operator per element of an IN list.
 */
export function qualCost(e: Expr): number {
  switch (e.kind) {
    case 'col': case 'const': case 'param': case 'outer': return 0;
    case 'call': return 1 + sum(e.args);
    case 'cast': {
      const f = e.arg.type.id, t = e.type.id;
      const text = (id: string): boolean => id === 'text' || id === 'varchar' || id === 'bpchar' || id === 'unknown';
      const c = f === t || (text(f) && text(t) && e.type.precision < 0) ? 0 : text(f) !== text(t) ? 2 : 1;
      return c + qualCost(e.arg);
    }
    case 'and': case 'or': case 'coalesce': return sum(e.args);
    case 'not': case 'isnull': case 'isbool': return qualCost(e.arg);
    case 'greatest': case 'least': return 1 + sum(e.args);
    case 'case': {
      let c = e.otherwise ? qualCost(e.otherwise) : 0;
      for (const w of e.whens) c += qualCost(w.cond) + qualCost(w.result);
      return c;
    }
    case 'inlist': return qualCost(e.arg) + e.list.length * 0.5 + sum(e.list);
    case 'subquery': return SUBQUERY_COST + sum(e.outerArgs) + (e.test ? qualCost(e.test) : 0);
  }
}

function sum(es: Expr[]): number {
  let c = 0;
  for (const x of es) c += qualCost(x);
  return c;
}

/** The conjuncts cheapest first; the same array when already in that order. */
export function orderByCost(cs: Expr[]): Expr[] {
  if (cs.length < 2) return cs;
  const costs = cs.map(qualCost);
  let sorted = true;
  for (let i = 1; i < costs.length; i++) if (costs[i]! < costs[i - 1]!) { sorted = false; break; }
  if (sorted) return cs;
  // Array.prototype.sort is stable: equal costs keep their written order.
  return cs.map((e, i) => ({ e, c: costs[i]! })).sort((a, b) => a.c - b.c).map((x) => x.e);
}

/** A predicate with its top-level conjuncts in cost order. */
export function orderPredicate(e: Expr): Expr {
  if (e.kind !== 'and') return e;
  const cs = conjuncts(e);
  const o = orderByCost(cs);
  return o === cs && cs.length === e.args.length ? e : { kind: 'and', args: o, type: T.bool };
}

export const orderConjuncts: OptimizerRule = {
  name: 'order_conjuncts',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlan(plan, (p) => {
      switch (p.kind) {
        case 'scan': {
          const f = orderByCost(p.filters.flatMap(conjuncts));
          return f.length === p.filters.length && f.every((x, i) => x === p.filters[i]) ? p : { ...p, filters: f };
        }
        case 'filter': {
          const q = orderPredicate(p.predicate);
          return q === p.predicate ? p : { ...p, predicate: q };
        }
        case 'join': {
          if (!p.on) return p;
          const q = orderPredicate(p.on);
          return q === p.on ? p : { ...p, on: q };
        }
        default: return p;
      }
    });
  },
};
