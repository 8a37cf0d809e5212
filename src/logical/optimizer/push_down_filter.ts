/**
 * Predicate pushdown: moves filter conjuncts as close to the scans as their columns allow —
 * through projections, sorts and distincts, into both sides of inner joins (and the preserved
 * side of outer joins), below aggregates when they read only group keys (present in every
 * grouping set), and into scans. A conjunct that spans both sides of an inner join becomes part
 * of its join condition, which is what turns comma joins into equi-joins.
 */
import type { LogicalPlan } from '../plan.js';
import type { BoolExpr, Expr } from '../expr.js';
import { conjuncts, columnsUsed, remapColumns, transformExpr, isVolatile } from '../expr.js';
import { exprKey } from '../expr_key.js';
import { T } from '../../common/types.js';
import type { OptimizerRule } from './rule.js';

function and(es: Expr[]): Expr | null {
  if (es.length === 0) return null;
  return es.length === 1 ? es[0]! : { kind: 'and', args: es, type: T.bool };
}

function filterOver(input: LogicalPlan, preds: Expr[]): LogicalPlan {
  const p = and(preds);
  return p ? { kind: 'filter', input, predicate: p, schema: input.schema } : input;
}

/** Pushes `preds` (over p's output) into p; returns the rewritten plan. */
function push(p: LogicalPlan, preds: Expr[]): LogicalPlan {
  switch (p.kind) {
    case 'filter':
      return push(p.input, [...preds, ...conjuncts(p.predicate)]);
    case 'scan': {
      const keep = preds.filter((e) => !hasSubquery(e));
      const up = preds.filter((e) => hasSubquery(e));
      const seen = new Set(p.filters.map(exprKey));
      const filters = [...p.filters, ...keep.filter((e) => !seen.has(exprKey(e)))];
      return filterOver({ ...p, filters }, up);
    }
    case 'project': {
      const down: Expr[] = [], stay: Expr[] = [];
      for (const e of preds) {
        const cols = columnsUsed(e);
        if ([...cols].some((i) => isVolatile(p.exprs[i]!)) || isVolatile(e)) { stay.push(e); continue; }
        down.push(transformExpr(e, (x) => (x.kind === 'col' ? p.exprs[x.index]! : x)));
      }
      return filterOver({ ...p, input: push(p.input, down) }, stay);
    }
    case 'sort':
      return { ...p, input: push(p.input, preds) };
    case 'distinct':
      if (p.onKeys) return filterOver({ ...p, input: push(p.input, []) }, preds);
      return { ...p, input: push(p.input, preds) };
    case 'join': return pushJoin(p, preds);
    case 'aggregate': {
      const nk = p.groupBy.length;
      // A key that some grouping set leaves out reads NULL in that set's rows, whatever the
      // input rows hold: a condition on it must stay above. Keys in every set are safe.
      const kept = (i: number): boolean => i < nk && (!p.groupingSets || p.groupingSets.every((set) => set.includes(i)));
      const down: Expr[] = [], stay: Expr[] = [];
      for (const e of preds) {
        const cols = columnsUsed(e);
        if (cols.size > 0 && [...cols].every(kept) && !isVolatile(e)) {
          down.push(transformExpr(e, (x) => (x.kind === 'col' ? p.groupBy[x.index]! : x)));
        } else stay.push(e);
      }
      return filterOver({ ...p, input: push(p.input, down) }, stay);
    }
    case 'setop': {
      if (p.op === 'union' || p.op === 'intersect' || (p.op === 'except')) {
        const safe = preds.filter((e) => !isVolatile(e));
        const stay = preds.filter((e) => isVolatile(e));
        // EXCEPT: filtering both sides by the same row predicate keeps the difference intact.
        return filterOver({ ...p, left: push(p.left, safe), right: push(p.right, safe) }, stay);
      }
      return filterOver(pushChildren(p), preds);
    }
    default:
      return filterOver(pushChildren(p), preds);
  }
}

function hasSubquery(e: Expr): boolean {
  let found = false;
  transformExpr(e, (x) => { if (x.kind === 'subquery') found = true; return x; });
  return found;
}

function pushChildren(p: LogicalPlan): LogicalPlan {
  switch (p.kind) {
    case 'scan': case 'values': case 'tablefunc': case 'worktable': return p;
    case 'join': return pushJoin(p, []);
    case 'setop': return { ...p, left: push(p.left, []), right: push(p.right, []) };
    case 'recursive_cte': return { ...p, anchor: push(p.anchor, []), recursive: push(p.recursive, []) };
    default: return { ...p, input: push(p.input, []) } as LogicalPlan;
  }
}

function pushJoin(p: Extract<LogicalPlan, { kind: 'join' }>, preds: Expr[]): LogicalPlan {
  const nl = p.left.schema.length;
  const jt = p.joinType;
  const toLeft: Expr[] = [], toRight: Expr[] = [], toOn: Expr[] = [], stay: Expr[] = [];
  const side = (e: Expr): 'l' | 'r' | 'both' | 'none' => {
    const cols = columnsUsed(e);
    let l = false, r = false;
    for (const i of cols) (i < nl ? (l = true) : (r = true));
    return l && r ? 'both' : l ? 'l' : r ? 'r' : 'none';
  };
  // Conjuncts from WHERE above the join.
  for (const e of preds) {
    if (isVolatile(e)) { stay.push(e); continue; }
    const s = side(e);
    const leftPreserved = jt === 'inner' || jt === 'left' || jt === 'semi' || jt === 'anti';
    const rightPreserved = jt === 'inner' || jt === 'right';
    if ((s === 'l' || s === 'none') && leftPreserved) toLeft.push(e);
    else if (s === 'r' && rightPreserved) toRight.push(e);
    else if (s === 'both' && jt === 'inner') toOn.push(e);
    else stay.push(e);
  }
  // Conjuncts of the join condition that read one side only can filter that side's input.
  let on = p.on ? conjuncts(p.on) : [];
  on = on.concat(toOn);
  const keepOn: Expr[] = [];
  for (const e of on) {
    // A null-aware anti join (NOT IN) must see the NULLs a pushed-down condition would remove.
    if (isVolatile(e) || p.nullAware) { keepOn.push(e); continue; }
    const s = side(e);
    if (s === 'l' && (jt === 'inner' || jt === 'right' || jt === 'semi')) toLeft.push(e);
    else if (s === 'r' && (jt === 'inner' || jt === 'left' || jt === 'semi' || jt === 'anti')) toRight.push(e);
    else keepOn.push(e);
  }
  if (jt === 'inner') {
    for (const e of keepOn) {
      if (e.kind !== 'or' || isVolatile(e)) continue;
      const l = impliedOneSide(e, (x) => side(x) === 'l');
      const r = impliedOneSide(e, (x) => side(x) === 'r');
      if (l) toLeft.push(l);
      if (r) toRight.push(r);
    }
  }
  const left = push(p.left, toLeft);
  const right = push(p.right, toRight.map((e) => remapColumns(e, (i) => i - nl)));
  return filterOver({ ...p, left, right, on: and(keepOn) }, stay);
}

/**
 * A disjunction that spans both join inputs still implies a condition on one input when every
 * branch constrains it: (a1 AND b1) OR (a2 AND b2) implies (a1 OR a2). That weaker condition can
 * filter the input before the join, while the full disjunction stays on the join (TPC-H Q7/Q19).
 */
function impliedOneSide(or: BoolExpr, onSide: (e: Expr) => boolean): Expr | null {
  const branches: Expr[] = [];
  for (const d of or.args) {
    const mine = conjuncts(d).filter(onSide);
    if (mine.length === 0) return null;
    branches.push(and(mine)!);
  }
  // Identical branches (a OR a) reduce to one.
  const unique = [...new Map(branches.map((b) => [exprKey(b), b])).values()];
  return unique.length === 1 ? unique[0]! : { kind: 'or', args: unique, type: T.bool };
}

export const pushDownFilter: OptimizerRule = {
  name: 'push_down_filter',
  apply(plan: LogicalPlan): LogicalPlan { return push(plan, []); },
};
