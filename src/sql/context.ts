/**
 * The state an expression is bound in: its scope, the link to an enclosing query, and the
 * collectors that turn aggregate and window calls into references to their operators' outputs.
 */
import type { AggCall, Expr, WindowCall } from '../logical/expr.js';
import type { Scope } from './scope.js';
import type { LogicalPlan } from '../logical/plan.js';
import { exprKey } from '../logical/expr_key.js';

/** Aggregate and window references are bound as column indices far beyond any real input. */
export const AGG_BASE = 1_000_000;
export const WIN_BASE = 2_000_000;
/** GROUPING(...) reads the grouping-set bitmask column, resolved when the Aggregate is built. */
export const GROUPING_ID = 3_000_000;
/** Set-returning functions of a select list, evaluated by a ProjectSet below the projection. */
export const SRF_BASE = 4_000_000;

export class SrfCollector {
  calls: { name: string; args: Expr[]; type: import('../common/types.js').SqlType }[] = [];
  add(name: string, args: Expr[], type: import('../common/types.js').SqlType): number { this.calls.push({ name, args, type }); return this.calls.length - 1; }
}

export class AggCollector {
  aggs: AggCall[] = [];
  /** GROUPING() was used: like an aggregate, it makes the query a grouped one. */
  grouping = false;
  private keys = new Map<string, number>();
  add(a: AggCall): number {
    const k = JSON.stringify([a.fn.name, a.distinct, a.args.map(exprKey), a.filter ? exprKey(a.filter) : null, a.orderBy.map((o) => [exprKey(o.expr), o.desc, o.nullsFirst]), a.type.id]);
    let i = this.keys.get(k);
    if (i === undefined) { i = this.aggs.length; this.aggs.push(a); this.keys.set(k, i); }
    return i;
  }
}

export class WindowCollector {
  calls: WindowCall[] = [];
  add(w: WindowCall): number { this.calls.push(w); return this.calls.length - 1; }
}

export interface CteDef {
  name: string;
  /** The plan a reference in context `at` reads: the CTE inlined, or a scan of its materialized rows. */
  bind: (at: BindContext) => { plan: LogicalPlan; names: string[] };
}

export class OuterLink {
  args: Expr[] = [];
  private keys = new Map<string, number>();
  constructor(readonly parent: BindContext) {}
  slot(e: Expr): number {
    const k = exprKey(e);
    let s = this.keys.get(k);
    if (s === undefined) { s = this.args.length; this.args.push(e); this.keys.set(k, s); }
    return s;
  }
  /** Forgets the slots added since `args.length` was `n` (after binding something only to inspect it). */
  reset(n: number): void {
    for (const [k, s] of this.keys) if (s >= n) this.keys.delete(k);
    this.args.length = n;
  }
}

export interface BindContext {
  scope: Scope;
  outer: OuterLink | null;
  aggs: AggCollector | null;
  windows: WindowCollector | null;
  /** Clause name used in "aggregate functions are not allowed in X" errors. */
  clause: string;
  ctes: Map<string, CteDef>;
  /** Collects set-returning functions where they are allowed (the select list). */
  srfs?: SrfCollector | null;
  /** WINDOW clause definitions of the query, by name. */
  windowDefs?: Map<string, PgNodeLike>;
}

// The parse tree is untyped JSON; see parser.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PgNodeLike = any;
