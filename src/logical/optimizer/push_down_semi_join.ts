/**
 * Semi and anti joins move below inner joins, onto the input their condition reads.
 *
 * Decorrelated IN / EXISTS / NOT IN subqueries become semi or anti joins above the whole FROM
 * clause. Whether a row qualifies depends only on the columns the condition reads, so when those
 * all come from one input of an inner join, the semi join can filter that input before the inner
 * join multiplies it (TPC-H Q18: the orders that qualify are few; lineitem × orders × customer
 * is large). Join planning then sees the filtered input as a smaller leaf.
 *
 * It moves past an inner join only when the join's other input is unfiltered: joining with a
 * filtered input (a nation restricted to one name, orders of one status) may discard most rows,
 * and then the semi join is cheaper above it, on what is left (TPC-H Q21).
 */
import type { LogicalPlan } from '../plan.js';
import { transformPlan } from '../plan.js';
import { columnsUsed, remapColumns, isVolatile } from '../expr.js';
import type { OptimizerRule } from './rule.js';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

/** Whether joining with `p` may discard rows: anything but plain scans (and projections of them). */
function mayFilter(p: LogicalPlan): boolean {
  switch (p.kind) {
    case 'scan': return p.filters.length > 0;
    case 'project': return mayFilter(p.input);
    case 'join': return p.joinType !== 'inner' || mayFilter(p.left) || mayFilter(p.right);
    default: return true;
  }
}

function pushSemi(p: Join): LogicalPlan {
  const inner = p.left;
  if (inner.kind !== 'join' || inner.joinType !== 'inner' || inner.lateral || p.lateral || !p.on) return p;
  // isVolatile also answers true for a subquery, whose outer references columnsUsed cannot see.
  if (isVolatile(p.on)) return p;
  const nA = inner.left.schema.length;
  const nl = inner.schema.length;
  const nB = nl - nA;
  let fromA = true, fromB = true;
  for (const c of columnsUsed(p.on)) {
    if (c >= nl) continue;
    if (c < nA) fromB = false;
    else fromA = false;
  }
  if (fromA && !fromB && !mayFilter(inner.right)) {
    // Over A ++ R: A's columns keep their places; R's move down past B's.
    const on = remapColumns(p.on, (c) => (c < nA ? c : c - nB));
    const semi: Join = { ...p, left: inner.left, on, schema: inner.left.schema };
    return { ...inner, left: pushSemi(semi) };
  }
  if (fromB && !fromA && !mayFilter(inner.left)) {
    const on = remapColumns(p.on, (c) => c - nA);
    const semi: Join = { ...p, left: inner.right, on, schema: inner.right.schema };
    return { ...inner, right: pushSemi(semi) };
  }
  return p;
}

export const pushDownSemiJoin: OptimizerRule = {
  name: 'push_down_semi_join',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlan(plan, (p) => (p.kind === 'join' && (p.joinType === 'semi' || p.joinType === 'anti') ? pushSemi(p) : p));
  },
};
