/**
 * Computed columns of a join input are computed above the join instead, as PostgreSQL computes
 * the select list of a subquery it pulls up into the query above: only for the rows the join
 * (and the filters that end up above or inside it) keep. `FROM t JOIN (SELECT id, 10 / x AS r
 * FROM u) q ON ...` divides only on the rows that join, never on a u row no t row matches, so a
 * division by zero there is no error, in PostgreSQL or here.
 *
 * An input whose rows can be NULL-extended (the inner side of an outer join) only gives up an
 * expression that is NULL when its columns are, so computing it over a NULL-extended row gives
 * the NULL the row had. Volatile expressions and subqueries stay where they are.
 */
import type { LogicalPlan, Field } from '../plan.js';
import { transformPlan } from '../plan.js';
import type { Expr } from '../expr.js';
import { columnsUsed, isVolatile, remapColumns, transformExpr } from '../expr.js';
import type { OptimizerRule } from './rule.js';
import { nullWhenNull } from './push_down_filter.js';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

interface Lifted {
  /** The input without the lifted expressions: its input's columns, then the kept expressions. */
  input: LogicalPlan;
  /** For each column of the old input: an expression over the new input's columns. */
  cols: Expr[];
}

/** Splits a projection input of a join; null when nothing would move. */
function lift(p: LogicalPlan, nullable: boolean): Lifted | null {
  if (p.kind !== 'project') return null;
  const movable = (e: Expr): boolean => {
    if (e.kind === 'col' || e.kind === 'const' || isVolatile(e)) return false;
    const cols = columnsUsed(e);
    if (cols.size === 0) return false;
    return !nullable || nullWhenNull(e, () => true);
  };
  if (!p.exprs.some(movable)) return null;
  const w = p.input.schema.length;
  const kept: Expr[] = [], keptFields: Field[] = [];
  const cols: Expr[] = p.exprs.map((e, i) => {
    if (e.kind === 'col') return e;
    if (movable(e)) return e;
    kept.push(e);
    keptFields.push(p.schema[i]!);
    return { kind: 'col', index: w + kept.length - 1, type: e.type };
  });
  const input: LogicalPlan = kept.length === 0 ? p.input : {
    kind: 'project', input: p.input,
    exprs: [...p.input.schema.map((f, i): Expr => ({ kind: 'col', index: i, type: f.type })), ...kept],
    schema: [...p.input.schema, ...keptFields],
  };
  return { input, cols };
}

function pullUp(j: Join): LogicalPlan {
  if (j.lateral) return j;
  const jt = j.joinType;
  const l = lift(j.left, jt === 'right' || jt === 'full');
  // The right input of a semi or anti join has no columns above it.
  const r = jt === 'semi' || jt === 'anti' ? null : lift(j.right, jt === 'left' || jt === 'full');
  if (!l && !r) return j;
  const left = l ? l.input : j.left, right = r ? r.input : j.right;
  const nlOld = j.left.schema.length, nl = left.schema.length;
  const leftCols: Expr[] = l ? l.cols : j.left.schema.map((f, i) => ({ kind: 'col', index: i, type: f.type }));
  const rightCols: Expr[] = (r ? r.cols : j.right.schema.map((f, i): Expr => ({ kind: 'col', index: i, type: f.type })))
    .map((e) => remapColumns(e, (i) => i + nl));
  // Old join column -> expression over the new join's columns.
  const colsOf = [...leftCols, ...rightCols];
  const subst = (e: Expr): Expr => transformExpr(e, (x) => (x.kind === 'col' ? colsOf[x.index]! : x));
  const schema = jt === 'semi' || jt === 'anti' ? left.schema : [...left.schema, ...right.schema];
  const join: Join = { ...j, left, right, on: j.on ? subst(j.on) : null, schema };
  const width = jt === 'semi' || jt === 'anti' ? nlOld : j.schema.length;
  return { kind: 'project', input: join, exprs: colsOf.slice(0, width), schema: j.schema };
}

export const pullUpProjections: OptimizerRule = {
  name: 'pull_up_projections',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlan(plan, (p) => (p.kind === 'join' ? pullUp(p) : p));
  },
};
