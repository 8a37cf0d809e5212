/** An optimizer rule: a plain function from a plan to an equivalent plan. */
import type { LogicalPlan } from '../plan.js';
import type { Expr, WindowCall } from '../expr.js';

export interface OptimizerRule {
  name: string;
  apply(plan: LogicalPlan): LogicalPlan;
}

/** Applies f to every expression held directly by a node (not its children). */
export function mapNodeExprs(p: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  const win = (w: WindowCall): WindowCall => ({
    ...w, args: w.args.map(f), filter: w.filter ? f(w.filter) : null, partitionBy: w.partitionBy.map(f),
    orderBy: w.orderBy.map((k) => ({ ...k, expr: f(k.expr) })),
  });
  switch (p.kind) {
    case 'scan': return { ...p, filters: p.filters.map(f) };
    case 'values': return { ...p, rows: p.rows.map((r) => r.map(f)) };
    case 'filter': return { ...p, predicate: f(p.predicate) };
    case 'project': return { ...p, exprs: p.exprs.map(f) };
    case 'aggregate': return { ...p, groupBy: p.groupBy.map(f), aggs: p.aggs.map((a) => ({ ...a, args: a.args.map(f), filter: a.filter ? f(a.filter) : null, orderBy: a.orderBy.map((k) => ({ ...k, expr: f(k.expr) })) })) };
    case 'join': return { ...p, on: p.on ? f(p.on) : null, ...(p.lateral ? { lateral: p.lateral.map(f) } : {}) };
    case 'sort': return { ...p, keys: p.keys.map((k) => ({ ...k, expr: f(k.expr) })) };
    case 'limit': return { ...p, limit: p.limit ? f(p.limit) : null, offset: p.offset ? f(p.offset) : null, ...(p.withTies ? { withTies: p.withTies.map((k) => ({ ...k, expr: f(k.expr) })) } : {}) };
    case 'distinct': return { ...p, onKeys: p.onKeys ? p.onKeys.map(f) : null };
    case 'window': return { ...p, calls: p.calls.map(win) };
    case 'tablefunc': return { ...p, args: p.args.map(f) };
    case 'project_set': return { ...p, calls: p.calls.map((c) => ({ ...c, args: c.args.map(f) })) };
    default: return p;
  }
}
