/**
 * A subplan a statement computes more than once is computed once: every copy becomes a scan of
 * one materialized CTE defined at the top of the statement.
 *
 * Copies arise where a statement reads the same view twice (views are inlined where they are
 * referenced: TPC-H Q15 reads `revenue0` in its FROM list and again in a scalar subquery) or
 * repeats the same derived table. CTEs written twice are already materialized by the binder, as
 * PostgreSQL does; this does the same for what the binder inlined.
 *
 * It runs once on the statement's plan, before the other rules, while the copies are still
 * identical as bound. A subplan is shared only when computing it once cannot change an answer
 * — it reads nothing of an enclosing query (no outer references, no LATERAL), calls no volatile
 * function, and reads no CTE or work table whose rows belong to a narrower scope — and only
 * when it does work that must run to the end (an aggregate, window, DISTINCT or set operation):
 * a scan or join is usually cheaper to compute twice, each copy with its own filters pushed in,
 * than to materialize. The rule runs before filters are pushed down, so a comma join (a cross
 * join until then) is only shared below such a node, where its query block's WHERE clause is
 * part of the shared subplan too; shared alone, it would be a materialized cross product.
 */
import type { LogicalPlan } from '../plan.js';
import { planChildren, withChildren } from '../plan.js';
import { transformExpr, visitExpr } from '../expr.js';
import { mapNodeExprs, type OptimizerRule } from './rule.js';

/** Plan fields that hold child plans: their keys are the children's own (memoized) keys. */
const CHILD_FIELDS = new Set(['input', 'left', 'right', 'anchor', 'recursive', 'ctes']);
const WORK_KINDS = new Set(['aggregate', 'window', 'distinct', 'setop']);

/**
 * Canonical text of plans and of the values inside them. Plain data is written out; anything
 * with behaviour or hidden state (functions, catalog entries, class instances with object
 * fields) is named by identity, so two things are equal only when they surely act alike.
 */
class Keys {
  private readonly plans = new Map<LogicalPlan, string>();
  /** Full node texts to short ids, so a parent's text holds its children's ids, not their texts. */
  private readonly interned = new Map<string, string>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  plan(p: LogicalPlan): string {
    let k = this.plans.get(p);
    if (k === undefined) {
      const own = Object.entries(p).filter(([f]) => !CHILD_FIELDS.has(f)).sort(([a], [b]) => (a < b ? -1 : 1));
      const text = `${p.kind}{${own.map(([f, v]) => `${f}:${this.value(v, f)}`).join(',')}}(${planChildren(p).map((c) => this.plan(c)).join(';')})`;
      k = this.interned.get(text);
      if (k === undefined) { k = `#${this.interned.size}`; this.interned.set(text, k); }
      this.plans.set(p, k);
    }
    return k;
  }

  private identity(o: object): string {
    let i = this.ids.get(o);
    if (i === undefined) { i = this.nextId++; this.ids.set(o, i); }
    return `@${i}`;
  }

  private value(v: unknown, field: string, depth = 0): string {
    switch (typeof v) {
      case 'undefined': return 'u';
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return `${v}n`;
      case 'string': return JSON.stringify(v);
      case 'boolean': return String(v);
      case 'function': case 'symbol': return this.identity(v as object);
    }
    if (v === null) return 'null';
    const o = v as object;
    // Registry functions and catalog entries act by what they are, not by their fields.
    if (field === 'fn' || field === 'cmp' || field === 'eq' || field === 'table' || depth > 64) return this.identity(o);
    if (Array.isArray(o)) return `[${o.map((x) => this.value(x, field, depth + 1)).join(',')}]`;
    const proto = Object.getPrototypeOf(o) as object | null;
    const entries = Object.entries(o);
    if (proto !== Object.prototype && proto !== null) {
      // A value class (Decimal, Interval): equal fields, equal value. Anything holding objects is
      // compared by identity.
      if (entries.some(([, x]) => (typeof x === 'object' && x !== null) || typeof x === 'function')) return this.identity(o);
      return `${(o.constructor as { name?: string } | undefined)?.name ?? '?'}{${entries.map(([f, x]) => `${f}:${this.value(x, f, depth + 1)}`).join(',')}}`;
    }
    if (entries.some(([, x]) => typeof x === 'function')) return this.identity(o);
    // A subquery inside an expression: its plan is keyed as a plan; its source text says nothing
    // more than the plan does (and nests the texts of the subqueries inside it).
    if ('kind' in o && field === 'plan') return this.plan(o as LogicalPlan);
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.filter(([f]) => f !== 'sourceKey').map(([f, x]) => `${f}:${this.value(x, f, depth + 1)}`).join(',')}}`;
  }
}

/** Whether computing `p` once for the whole statement gives every copy the rows it would compute. */
function shareable(p: LogicalPlan): boolean {
  let ok = true;
  const visit = (q: LogicalPlan): void => {
    if (!ok) return;
    if (q.kind === 'cte' || q.kind === 'cte_scan' || q.kind === 'worktable' || q.kind === 'recursive_cte' || (q.kind === 'join' && q.lateral)) { ok = false; return; }
    mapNodeExprs(q, (e) => {
      visitExpr(e, (x) => {
        if (x.kind === 'outer' || (x.kind === 'call' && x.fn.volatile)) ok = false;
        else if (x.kind === 'subquery') visit(x.plan);
      });
      return e;
    });
    if (q.kind === 'aggregate' && q.aggs.some((a) => (a.fn as { volatile?: boolean }).volatile)) ok = false;
    for (const c of planChildren(q)) visit(c);
  };
  visit(p);
  return ok;
}

/**
 * Whether sharing `p` saves work: it holds a node of WORK_KINDS and no cross join outside one.
 * Memoized per node, as every node of the statement is asked.
 */
function worthSharing(p: LogicalPlan, memo: Map<LogicalPlan, { work: boolean; bareCross: boolean }>): boolean {
  const facts = (q: LogicalPlan): { work: boolean; bareCross: boolean } => {
    let f = memo.get(q);
    if (!f) {
      const kids = planChildren(q).map(facts);
      const work = WORK_KINDS.has(q.kind) || kids.some((k) => k.work);
      // Below a WORK node a cross join's filters are inside the shared subplan.
      const bareCross = !WORK_KINDS.has(q.kind) && ((q.kind === 'join' && q.on === null) || kids.some((k) => k.bareCross));
      f = { work, bareCross };
      memo.set(q, f);
    }
    return f;
  };
  const f = facts(p);
  return f.work && !f.bareCross;
}

/** Every plan of the statement: the tree's nodes and the plans of subqueries in their expressions. */
function eachNode(p: LogicalPlan, f: (p: LogicalPlan) => void): void {
  f(p);
  mapNodeExprs(p, (e) => { visitExpr(e, (x) => { if (x.kind === 'subquery') eachNode(x.plan, f); }); return e; });
  for (const c of planChildren(p)) eachNode(c, f);
}

// Negative, so they never meet the binder's CTE ids (positive) in an execution context.
let nextCteId = 0;

export const shareSubplans: OptimizerRule = {
  name: 'share_subplans',
  apply(plan: LogicalPlan): LogicalPlan {
    const keys = new Keys();
    const count = new Map<string, number>();
    const memo = new Map<LogicalPlan, { work: boolean; bareCross: boolean }>();
    eachNode(plan, (p) => {
      if (p === plan || !worthSharing(p, memo)) return;
      const k = keys.plan(p);
      count.set(k, (count.get(k) ?? 0) + 1);
    });
    const shared = new Map<string, { id: number; name: string; plan: LogicalPlan }>();
    const verdict = new Map<string, boolean>();
    // Top-down, so the largest repeated subplan is shared and not the pieces inside it.
    const rewrite = (p: LogicalPlan): LogicalPlan => {
      if (p !== plan && worthSharing(p, memo) && (count.get(keys.plan(p)) ?? 0) > 1) {
        const k = keys.plan(p);
        let ok = verdict.get(k);
        if (ok === undefined) { ok = shareable(p); verdict.set(k, ok); }
        if (ok) {
          let def = shared.get(k);
          if (!def) { const id = --nextCteId; def = { id, name: `subplan${-id}`, plan: p }; shared.set(k, def); }
          return { kind: 'cte_scan', id: def.id, name: def.name, schema: p.schema };
        }
      }
      const q = mapNodeExprs(p, (e) => transformExpr(e, (x) => (x.kind === 'subquery' ? { ...x, plan: rewrite(x.plan) } : x)));
      const kids = planChildren(q);
      return kids.length ? withChildren(q, kids.map(rewrite)) : q;
    };
    const out = rewrite(plan);
    if (shared.size === 0) return plan;
    return { kind: 'cte', ctes: [...shared.values()], input: out, schema: out.schema };
  },
};
