/**
 * A date compared with a constant timestamp becomes a date compared with a constant date, where
 * that is the same comparison.
 *
 * `l_shipdate <= date '1998-12-01' - interval '90' day` folds to a timestamp constant, and
 * PostgreSQL's date-timestamp operators widen the date of every row to a timestamp. A date d
 * stands for the timestamp d 00:00, so against a constant c on day D (D 00:00 <= c < D+1 00:00):
 *
 * - c at midnight (c = D 00:00): every operator is the same operator against the date D;
 * - c later in day D: d < c and d <= c are d <= D; d > c and d >= c are d > D; d = c is never
 *   true and d <> c always (for a non-null d), which are left alone as rare.
 *
 * Infinite timestamps are left alone; infinite dates order below and above every finite day both
 * as dates and as timestamps, so they compare the same after the rewrite. timestamptz is left
 * alone: where its day starts depends on the session's time zone.
 */
import type { LogicalPlan } from '../plan.js';
import { transformPlan } from '../plan.js';
import type { Expr } from '../expr.js';
import { transformExpr } from '../expr.js';
import { T } from '../../common/types.js';
import { USECS_PER_DAY } from '../../common/datetime.js';
import { resolveScalar } from '../../udf/registry.js';
import { mapNodeExprs, type OptimizerRule } from './rule.js';

const MIRROR: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '<>': '<>' };

/** The date comparison `date op c` is equivalent to, as [operator, day], or null. */
function asDateComparison(op: string, c: number): [string, number] | null {
  if (!Number.isFinite(c)) return null;
  const day = Math.floor(c / USECS_PER_DAY);
  if (day * USECS_PER_DAY === c) return [op, day];
  switch (op) {
    case '<': case '<=': return ['<=', day];
    case '>': case '>=': return ['>', day];
    default: return null;
  }
}

function fold(e: Expr): Expr {
  if (e.kind !== 'call' || e.args.length !== 2 || !(e.fn.name in MIRROR)) return e;
  const [a, b] = e.args as [Expr, Expr];
  let op = e.fn.name, col: Expr, c: Expr;
  if (a.type.id === 'date' && b.type.id === 'timestamp' && b.kind === 'const') { col = a; c = b; }
  else if (a.type.id === 'timestamp' && b.type.id === 'date' && a.kind === 'const') { col = b; c = a; op = MIRROR[op]!; }
  else return e;
  // A NULL constant is left to constant folding's rules for strict operators.
  if (c.kind !== 'const' || typeof c.value !== 'number') return e;
  const folded = asDateComparison(op, c.value);
  if (!folded) return e;
  const r = resolveScalar(folded[0], [T.date, T.date]);
  if (!r) return e;
  return { kind: 'call', fn: r.fn, args: [col, { kind: 'const', value: folded[1], type: T.date }], type: e.type };
}

export const foldDateComparisons: OptimizerRule = {
  name: 'fold_date_comparisons',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlan(plan, (p) => mapNodeExprs(p, (e) => transformExpr(e, fold)));
  },
};
