/**
 * Common table expressions: whether each CTE of a WITH clause is inlined at its reference or
 * computed once and read by CTE scans, and how a CTE's outer references are carried to a
 * reference made from a deeper query level.
 *
 * As in PostgreSQL, a CTE is computed once (materialized) when it is referenced more than once,
 * when it calls a volatile function, or when it is written AS MATERIALIZED; otherwise (one
 * reference, or AS NOT MATERIALIZED) it is inlined, so filters and joins optimize through it.
 */
import type { PgNode } from './parser.js';
import type { Expr } from '../logical/expr.js';
import { transformExpr, visitExpr } from '../logical/expr.js';
import type { LogicalPlan } from '../logical/plan.js';
import { planChildren, withChildren } from '../logical/plan.js';
import { mapNodeExprs } from '../logical/optimizer/rule.js';
import type { BindContext, OuterLink } from './context.js';

export interface BoundCte { plan: LogicalPlan; names: string[] }

/** One CTE of a WITH clause while its query is bound. */
export class CteState {
  private bound: BoundCte | null = null;
  /** Decided at the first reference, once the CTE's plan (and so its volatility) is known. */
  private materialize: boolean | null = null;
  /** A CTE scan of it was handed out: its definition must be computed above the query. */
  scanned = false;

  constructor(
    readonly id: number,
    readonly name: string,
    /** 'always' / 'never' for AS [NOT] MATERIALIZED. */
    private mode: 'default' | 'always' | 'never',
    /** How many times the statement's text refers to it (PostgreSQL's cterefcount). */
    private refs: number,
    /** The link of the query level the WITH belongs to: the CTE's OuterExprs are its slots. */
    private level: OuterLink | null,
    private bindDefinition: () => BoundCte,
  ) {}

  definition(): BoundCte { return (this.bound ??= this.bindDefinition()); }

  /** The plan a reference made in context `at` reads. */
  reference(at: BindContext): BoundCte {
    const def = this.definition();
    if (this.materialize === null) {
      this.materialize = this.mode === 'always' || (this.mode === 'default' && this.refs > 1) || planCallsVolatile(def.plan);
    }
    if (!this.materialize) return { plan: relinkOuter(def.plan, this.level, at.outer), names: def.names };
    this.scanned = true;
    const schema = def.plan.schema.map((f, i) => ({ name: def.names[i] ?? f.name, type: f.type }));
    return { plan: { kind: 'cte_scan', id: this.id, name: this.name, schema }, names: def.names };
  }
}

/** Puts the definitions of the WITH clause's materialized CTEs above the query that reads them. */
export function anchorCtes(plan: LogicalPlan, ctes: CteState[]): LogicalPlan {
  const used = ctes.filter((c) => c.scanned);
  if (used.length === 0) return plan;
  return { kind: 'cte', ctes: used.map((c) => ({ id: c.id, name: c.name, plan: c.definition().plan })), input: plan, schema: plan.schema };
}

export function materializeMode(cte: PgNode): 'default' | 'always' | 'never' {
  return cte.ctematerialized === 'CTEMaterializeAlways' ? 'always' : cte.ctematerialized === 'CTEMaterializeNever' ? 'never' : 'default';
}

/**
 * References to CTE number `index` of the WITH clause of `stmt` (a SelectStmt's inner object):
 * in the statement's body, and in the other CTEs that can see it (later ones; all but itself in
 * WITH RECURSIVE). An inner WITH that defines the same name hides it.
 */
export function countCteRefs(stmt: PgNode, index: number): number {
  const w = stmt.withClause;
  const name: string = w.ctes[index].CommonTableExpr.ctename;
  let n = 0;
  for (const [k, v] of Object.entries(stmt as Record<string, unknown>)) if (k !== 'withClause') n += countRefs(v, name);
  (w.ctes as PgNode[]).forEach((c, j) => {
    if (j === index || (!w.recursive && j < index)) return;
    n += countRefs(c.CommonTableExpr.ctequery, name);
  });
  return n;
}

function countRefs(node: unknown, name: string): number {
  if (!node || typeof node !== 'object') return 0;
  if (Array.isArray(node)) return node.reduce((s: number, x) => s + countRefs(x, name), 0);
  const o = node as Record<string, PgNode>;
  if (o.RangeVar) return o.RangeVar.relname === name && !o.RangeVar.schemaname ? 1 : 0;
  const ctes = o.withClause?.ctes as PgNode[] | undefined;
  const shadow = ctes ? ctes.findIndex((c) => c.CommonTableExpr?.ctename === name) : -1;
  if (shadow >= 0) {
    // Only the CTEs before the inner definition (and that one, unless recursive) see ours.
    if (o.withClause.recursive) return 0;
    return ctes!.slice(0, shadow + 1).reduce((s: number, c) => s + countRefs(c.CommonTableExpr.ctequery, name), 0);
  }
  let n = 0;
  for (const v of Object.values(o)) n += countRefs(v, name);
  return n;
}

/** Whether any expression of the plan, or of a subquery inside it, calls a volatile function. */
export function planCallsVolatile(p: LogicalPlan): boolean {
  let found = false;
  const visit = (q: LogicalPlan): void => {
    mapNodeExprs(q, (e) => {
      visitExpr(e, (x) => {
        if (x.kind === 'call' && x.fn.volatile) found = true;
        else if (x.kind === 'subquery') visit(x.plan);
      });
      return e;
    });
    for (const c of planChildren(q)) visit(c);
  };
  visit(p);
  return found;
}

/**
 * A plan bound at the query level of link `from` (its OuterExprs are that level's slots), placed
 * at the deeper level of link `to`: each outer value is passed down through the links between
 * them, so it is read from the right row at every level (PostgreSQL's levelsup).
 */
export function relinkOuter(plan: LogicalPlan, from: OuterLink | null, to: OuterLink | null): LogicalPlan {
  // At the top level a plan has no outer references; at the same level nothing moves.
  if (from === null || from === to) return plan;
  const chain: OuterLink[] = [];
  let l: OuterLink | null = to;
  for (; l && l !== from; l = l.parent.outer) chain.push(l);
  if (l !== from) return plan;
  const slots = new Map<number, number>();
  const slotAt = (e: Extract<Expr, { kind: 'outer' }>): Expr => {
    let s = slots.get(e.slot);
    if (s === undefined) {
      s = e.slot;
      for (let i = chain.length - 1; i >= 0; i--) s = chain[i]!.slot({ kind: 'outer', slot: s, type: e.type });
      slots.set(e.slot, s);
    }
    return { ...e, slot: s };
  };
  return mapLevel(plan, (e) => transformExpr(e, (x) => (x.kind === 'outer' ? slotAt(x) : x)));
}

/**
 * Applies f to the expressions evaluated at the plan's own query level: not inside subquery
 * plans, nor on the right side of a LATERAL join (which has its own outer slots; its lateral
 * arguments are of this level).
 */
function mapLevel(p: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  const q = mapNodeExprs(p, f);
  const kids = planChildren(q);
  if (kids.length === 0) return q;
  const lateral = q.kind === 'join' && q.lateral !== undefined;
  return withChildren(q, kids.map((k, i) => (lateral && i === 1 ? k : mapLevel(k, f))));
}

