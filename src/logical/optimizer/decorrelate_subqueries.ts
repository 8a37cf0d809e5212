/** Placeholder: subqueries run per outer row (memoized) until decorrelation lands. */
import type { OptimizerRule } from './rule.js';
export const decorrelateSubqueries: OptimizerRule = { name: 'decorrelate_subqueries', apply: (p) => p };
