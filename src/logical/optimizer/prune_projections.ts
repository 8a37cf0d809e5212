/**
 * Projection pruning: each node keeps only the columns something above it reads, so scans read
 * only the needed columns and unused computed expressions are never evaluated.
 */
import type { LogicalPlan } from '../plan.js';
import type { Expr } from '../expr.js';
import { columnsUsed, remapColumns } from '../expr.js';
import type { OptimizerRule } from './rule.js';
import { mapNodeExprs } from './rule.js';

interface Pruned { plan: LogicalPlan; map: Map<number, number> }

const all = (n: number): Set<number> => new Set(Array.from({ length: n }, (_, i) => i));
const identity = (n: number): Map<number, number> => new Map(Array.from({ length: n }, (_, i) => [i, i]));

function used(es: (Expr | null)[], into = new Set<number>()): Set<number> {
  for (const e of es) if (e) columnsUsed(e, into);
  return into;
}

function remap(e: Expr, m: Map<number, number>): Expr { return remapColumns(e, (i) => m.get(i)!); }

function prune(p: LogicalPlan, req: Set<number>): Pruned {
  switch (p.kind) {
    case 'scan': {
      const need = used(p.filters, new Set(req));
      const keep = [...need].sort((a, b) => a - b);
      if (keep.length === p.columns.length) return { plan: p, map: identity(p.columns.length) };
      const map = new Map(keep.map((c, i) => [c, i]));
      return {
        plan: { ...p, columns: keep.map((c) => p.columns[c]!), schema: keep.map((c) => p.schema[c]!), filters: p.filters.map((f) => remap(f, map)) },
        map,
      };
    }
    case 'project': {
      const keep = [...req].sort((a, b) => a - b);
      const child = prune(p.input, used(keep.map((i) => p.exprs[i]!)));
      return {
        plan: { ...p, input: child.plan, exprs: keep.map((i) => remap(p.exprs[i]!, child.map)), schema: keep.map((i) => p.schema[i]!) },
        map: new Map(keep.map((c, i) => [c, i])),
      };
    }
    case 'filter': {
      const child = prune(p.input, used([p.predicate], new Set(req)));
      return { plan: { ...p, input: child.plan, predicate: remap(p.predicate, child.map), schema: child.plan.schema }, map: child.map };
    }
    case 'sort': {
      const child = prune(p.input, used(p.keys.map((k) => k.expr), new Set(req)));
      return { plan: { ...p, input: child.plan, keys: p.keys.map((k) => ({ ...k, expr: remap(k.expr, child.map) })), schema: child.plan.schema }, map: child.map };
    }
    case 'limit': {
      const child = prune(p.input, used((p.withTies ?? []).map((k) => k.expr), new Set(req)));
      const withTies = p.withTies ? { withTies: p.withTies.map((k) => ({ ...k, expr: remap(k.expr, child.map) })) } : {};
      return { plan: { ...p, input: child.plan, schema: child.plan.schema, ...withTies }, map: child.map };
    }
    case 'join': {
      const nl = p.left.schema.length;
      const need = used([p.on, ...(p.lateral ?? [])], new Set(req));
      if (p.joinType === 'semi' || p.joinType === 'anti') for (const i of req) need.add(i);
      const lreq = new Set([...need].filter((i) => i < nl));
      const rreq = new Set([...need].filter((i) => i >= nl).map((i) => i - nl));
      const l = prune(p.left, lreq), r = prune(p.right, rreq);
      const lw = l.plan.schema.length;
      const map = new Map<number, number>();
      for (const [o, n] of l.map) map.set(o, n);
      for (const [o, n] of r.map) map.set(o + nl, n + lw);
      const schema = p.joinType === 'semi' || p.joinType === 'anti' ? l.plan.schema : [...l.plan.schema, ...r.plan.schema];
      const lateral = p.lateral ? { lateral: p.lateral.map((e) => remap(e, l.map)) } : {};
      return { plan: { ...p, left: l.plan, right: r.plan, on: p.on ? remap(p.on, map) : null, schema, ...lateral }, map };
    }
    case 'aggregate': {
      const child = prune(p.input, used([...p.groupBy, ...p.aggs.flatMap((a) => [...a.args, a.filter, ...a.orderBy.map((k) => k.expr)])]));
      const plan = mapNodeExprs({ ...p, input: child.plan }, (e) => remap(e, child.map));
      return { plan, map: identity(p.schema.length) };
    }
    case 'window': {
      const inW = p.input.schema.length;
      const need = new Set([...req].filter((i) => i < inW));
      for (const w of p.calls) used([...w.args, w.filter, ...w.partitionBy, ...w.orderBy.map((k) => k.expr),
        'offset' in w.frame.start ? w.frame.start.offset : null, 'offset' in w.frame.end ? w.frame.end.offset : null], need);
      const child = prune(p.input, need);
      const cw = child.plan.schema.length;
      const plan = mapNodeExprs({ ...p, input: child.plan }, (e) => remap(e, child.map)) as Extract<LogicalPlan, { kind: 'window' }>;
      plan.schema = [...child.plan.schema, ...p.schema.slice(inW)];
      const map = new Map(child.map);
      for (let k = 0; k < p.calls.length; k++) map.set(inW + k, cw + k);
      return { plan, map };
    }
    case 'project_set': {
      const inW = p.input.schema.length;
      const child = prune(p.input, used(p.calls.flatMap((c) => c.args), new Set([...req].filter((i) => i < inW))));
      const cw = child.plan.schema.length;
      const plan = { ...p, input: child.plan, calls: p.calls.map((c) => ({ ...c, args: c.args.map((a) => remap(a, child.map)) })), schema: [...child.plan.schema, ...p.schema.slice(inW)] };
      const map = new Map(child.map);
      for (let k = 0; k < p.calls.length; k++) map.set(inW + k, cw + k);
      return { plan, map };
    }
    case 'distinct': {
      const child = prune(p.input, all(p.input.schema.length));
      return { plan: mapNodeExprs({ ...p, input: child.plan }, (e) => remap(e, child.map)), map: child.map };
    }
    case 'setop': return { plan: { ...p, left: prune(p.left, all(p.left.schema.length)).plan, right: prune(p.right, all(p.right.schema.length)).plan }, map: identity(p.schema.length) };
    case 'cte': {
      // A definition keeps every column: its scans may read any of them.
      const input = prune(p.input, req);
      return { plan: { ...p, ctes: p.ctes.map((c) => ({ ...c, plan: prune(c.plan, all(c.plan.schema.length)).plan })), input: input.plan, schema: input.plan.schema }, map: input.map };
    }
    case 'recursive_cte': return { plan: { ...p, anchor: prune(p.anchor, all(p.schema.length)).plan, recursive: prune(p.recursive, all(p.schema.length)).plan }, map: identity(p.schema.length) };
    default: return { plan: p, map: identity(p.schema.length) };
  }
}

export const pruneProjections: OptimizerRule = {
  name: 'prune_projections',
  apply(plan: LogicalPlan): LogicalPlan {
    const r = prune(plan, all(plan.schema.length));
    return r.plan;
  },
};
