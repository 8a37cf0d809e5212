/**
 * The optimizer: rules in the order they run. Each is a function from plan to plan (see rule.ts);
 * subquery plans inside expressions are optimized by the same list.
 */
import type { LogicalPlan } from '../plan.js';
import { transformPlan } from '../plan.js';
import { transformExpr } from '../expr.js';
import { mapNodeExprs, type OptimizerRule } from './rule.js';
import { foldConstants } from './fold_constants.js';
import { foldDateComparisons } from './fold_date_comparisons.js';
import { decorrelateSubqueries } from './decorrelate_subqueries.js';
import { pushDownFilter } from './push_down_filter.js';
import { planJoins } from './plan_joins.js';
import { pushDownSemiJoin } from './push_down_semi_join.js';
import { pruneProjections } from './prune_projections.js';
import { orderConjuncts } from './order_conjuncts.js';
import { pullUpProjections } from './pull_up_projections.js';
import { shareSubplans } from './share_subplans.js';

export const RULES: OptimizerRule[] = [
  foldConstants,
  foldDateComparisons,
  decorrelateSubqueries,
  pullUpProjections,
  pushDownFilter,
  pushDownSemiJoin,
  planJoins,
  pushDownFilter,
  orderConjuncts,
  pruneProjections,
];

function optimizeSubqueries(plan: LogicalPlan): LogicalPlan {
  return transformPlan(plan, (p) => mapNodeExprs(p, (e) => transformExpr(e, (x) => (x.kind === 'subquery' ? { ...x, plan: optimizeTree(x.plan) } : x))));
}

/**
 * Optimizes a statement's plan. Sharing repeated subplans runs first and once, on the whole
 * statement, while copies of a view or derived table are still identical as bound.
 */
export function optimize(plan: LogicalPlan): LogicalPlan {
  return optimizeTree(shareSubplans.apply(plan));
}

function optimizeTree(plan: LogicalPlan): LogicalPlan {
  let p = optimizeSubqueries(plan);
  for (const r of RULES) p = r.apply(p);
  return p;
}
