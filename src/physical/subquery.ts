/**
 * Runs subqueries that remained in expressions after decorrelation. Results are memoized by the
 * values of the outer row they depend on, so an uncorrelated subquery runs once per statement and
 * a correlated one once per distinct outer key.
 */
import type { SubqueryExpr } from '../logical/expr.js';
import { visitExpr } from '../logical/expr.js';
import type { LogicalPlan } from '../logical/plan.js';
import { planChildren } from '../logical/plan.js';
import { mapNodeExprs } from '../logical/optimizer/rule.js';
import type { Batch, Vector } from '../common/vector.js';
import { constantVector, concatVectors, getValue } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { executeAll, type PhysicalOperator } from './operator.js';
import type { ExecContext } from './context.js';
import type { SubqueryRunner, VectorFn } from './compile.js';
import { compileExpr } from './compile.js';

export class SubqueryRunnerImpl implements SubqueryRunner {
  private cache = new Map<string, unknown>();
  private cmp: VectorFn | null = null;
  /** Materialized CTEs the subquery reads from outside it: their rows are part of the cache key. */
  private cteIds: number[];
  constructor(private sq: SubqueryExpr, private op: PhysicalOperator) {
    this.cteIds = [...cteScans(sq.plan)];
    if (sq.cmp) {
      const t = sq.test!.type, c = sq.plan.schema[0]!.type;
      this.cmp = compileExpr({ kind: 'call', fn: sq.cmp, args: [{ kind: 'col', index: 1, type: t }, { kind: 'col', index: 0, type: c }], type: sq.type });
    }
  }

  /**
   * Runs the subquery synchronously: it is called per row from compiled expression code, which
   * cannot await. Pauses its operators hand up (zero-row batches) are passed over, so a subquery
   * keeps the thread until it is done.
   */
  eval(ctx: ExecContext, outerVals: unknown[], testVal: unknown): unknown {
    let key = outerVals.length === 0 ? '' : keyOf(outerVals);
    // A WITH around the subquery that runs again (inside a correlated subquery, a LATERAL item or
    // a recursive term) gives its CTEs new rows: results computed from the old ones do not apply.
    for (const id of this.cteIds) key += '\u0002' + (ctx.ctes?.get(id)?.serial ?? 0);
    // Runs to completion inside a compiled per-row call, which cannot await: no pauses in here.
    const inner: ExecContext = { ...ctx, outer: outerVals, awaitsPauses: false };
    switch (this.sq.mode) {
      case 'exists': {
        let r = this.cache.get(key) as boolean | undefined;
        if (r === undefined) {
          r = false;
          for (const b of executeAll(this.op, inner)) if (b.length > 0) { r = true; break; }
          this.cache.set(key, r);
        }
        return r;
      }
      case 'scalar': {
        if (this.cache.has(key)) return this.cache.get(key);
        let value: unknown = null, seen = 0;
        for (const b of executeAll(this.op, inner)) {
          if (b.length === 0) continue;
          seen += b.length;
          if (seen > 1) throw new QuiverError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
          const v = b.columns[0]!;
          value = getValue(v, 0);
        }
        this.cache.set(key, value);
        return value;
      }
      case 'array': {
        if (this.cache.has(key)) return this.cache.get(key);
        const values: unknown[] = [];
        for (const b of executeAll(this.op, inner)) {
          if (b.length === 0) continue;
          const v = b.columns[0]!;
          for (let i = 0; i < b.length; i++) values.push(getValue(v, i));
        }
        this.cache.set(key, values);
        return values;
      }
      default: {
        let col = this.cache.get(key) as Vector | undefined;
        if (!col) {
          const parts: Vector[] = [];
          for (const b of executeAll(this.op, inner)) if (b.length) parts.push(b.columns[0]!);
          col = concatVectors(this.sq.plan.schema[0]!.type, parts);
          this.cache.set(key, col);
        }
        return this.quantified(col, testVal, inner);
      }
    }
  }

  /** ANY: true if some comparison is true, else NULL if some is NULL, else false. ALL mirrors it. */
  private quantified(col: Vector, testVal: unknown, ctx: ExecContext): boolean | null {
    const n = col.length;
    if (n === 0) return this.sq.mode === 'all';
    const b: Batch = { length: n, columns: [col, constantVector(this.sq.test!.type, testVal, n)] };
    const r = this.cmp!(b, ctx);
    const d = r.data as Uint8Array, valid = r.valid;
    let sawNull = false;
    const any = this.sq.mode === 'any';
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) { sawNull = true; continue; }
      if (any ? d[i] === 1 : d[i] === 0) return any;
    }
    return sawNull ? null : !any;
  }
}

/** Ids of the CTE scans in a plan, its subqueries included. */
function cteScans(p: LogicalPlan, into = new Set<number>()): Set<number> {
  if (p.kind === 'cte_scan') into.add(p.id);
  mapNodeExprs(p, (e) => { visitExpr(e, (x) => { if (x.kind === 'subquery') cteScans(x.plan, into); }); return e; });
  for (const c of planChildren(p)) cteScans(c, into);
  return into;
}

function keyOf(vals: unknown[]): string {
  let s = '';
  for (const v of vals) {
    s += v === null ? '\u0001N' : typeof v === 'object' ? '\u0001o' + String(v && 'toString' in v ? (v as { toString(): string }).toString() : v) + JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : '\u0001' + typeof v + String(v);
  }
  return s;
}
