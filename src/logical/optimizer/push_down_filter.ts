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
      // The filter's own conjuncts ahead of those from above (a HAVING moved into WHERE comes
      // after WHERE's own conditions, as in PostgreSQL): order_conjuncts keeps this order among
      // equally cheap ones, and it decides which conjunct may fail first.
      return push(p.input, [...conjuncts(p.predicate), ...preds]);
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
    case 'cte':
      // Into the query that reads the CTEs; a CTE scan itself is a fence (its rows are shared).
      return { ...p, ctes: p.ctes.map((c) => ({ ...c, plan: push(c.plan, []) })), input: push(p.input, preds) };
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
    case 'window': {
      // A conjunct over columns every call partitions by removes whole partitions, which leaves
      // the others' results alone: it goes below the window, as PostgreSQL moves it, so the
      // window's arguments are not computed (and cannot fail) on the rows it removes.
      const nIn = p.input.schema.length;
      const down: Expr[] = [], stay: Expr[] = [];
      for (const e of preds) {
        const cols = columnsUsed(e);
        const ok = cols.size > 0 && !isVolatile(e) && [...cols].every((i) => i < nIn && p.calls.every((c) => c.partitionBy.some((k) => k.kind === 'col' && k.index === i)));
        (ok ? down : stay).push(e);
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
    case 'scan': case 'values': case 'tablefunc': case 'worktable': case 'cte_scan': return p;
    case 'join': return pushJoin(p, []);
    case 'setop': return { ...p, left: push(p.left, []), right: push(p.right, []) };
    case 'recursive_cte': return { ...p, anchor: push(p.anchor, []), recursive: push(p.recursive, []) };
    default: return { ...p, input: push(p.input, []) } as LogicalPlan;
  }
}

/** Whether e is NULL whenever every column `onSide` accepts is NULL. */
export function nullWhenNull(e: Expr, onSide: (i: number) => boolean): boolean {
  switch (e.kind) {
    case 'col': return onSide(e.index);
    case 'cast': case 'not': return nullWhenNull(e.arg, onSide);
    case 'call': return e.fn.strict && e.args.some((a) => nullWhenNull(a, onSide));
    case 'inlist': return nullWhenNull(e.arg, onSide);
    default: return false;
  }
}

/** Whether the predicate e is never true when every column `onSide` accepts is NULL. */
function rejectsNulls(e: Expr, onSide: (i: number) => boolean): boolean {
  switch (e.kind) {
    case 'and': return e.args.some((a) => rejectsNulls(a, onSide));
    case 'or': return e.args.every((a) => rejectsNulls(a, onSide));
    case 'isnull': return e.negated && nullWhenNull(e.arg, onSide);
    case 'isbool': return !e.negated && nullWhenNull(e.arg, onSide);
    default: return nullWhenNull(e, onSide);
  }
}

/**
 * An outer join under a WHERE conjunct that no NULL-extended row can pass is an inner join on
 * that side (PostgreSQL's reduce_outer_joins): conditions then move into the formerly nullable
 * input as well, so its expressions are not computed (and cannot fail) on rows they remove.
 */
function reduceOuterJoin(p: Extract<LogicalPlan, { kind: 'join' }>, preds: Expr[]): Extract<LogicalPlan, { kind: 'join' }> {
  const jt = p.joinType;
  if ((jt !== 'left' && jt !== 'right' && jt !== 'full') || p.lateral || preds.length === 0) return p;
  const nl = p.left.schema.length;
  const noLeft = preds.some((e) => rejectsNulls(e, (i) => i < nl));
  const noRight = preds.some((e) => rejectsNulls(e, (i) => i >= nl));
  let t: typeof jt | 'inner' = jt;
  if (jt === 'left' && noRight) t = 'inner';
  else if (jt === 'right' && noLeft) t = 'inner';
  else if (jt === 'full') t = noLeft && noRight ? 'inner' : noLeft ? 'left' : noRight ? 'right' : 'full';
  return t === jt ? p : { ...p, joinType: t };
}

function pushJoin(join: Extract<LogicalPlan, { kind: 'join' }>, preds: Expr[]): LogicalPlan {
  const p = reduceOuterJoin(join, preds);
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
  // Conjuncts of the join condition that read one side only can filter that side's input. They
  // go ahead of the WHERE conjuncts, the order PostgreSQL gives a relation's restrictions (and
  // which order_conjuncts keeps among equally cheap ones).
  const fromWhere = [toLeft.splice(0), toRight.splice(0)] as const;
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
  toLeft.push(...fromWhere[0]);
  toRight.push(...fromWhere[1]);
  // The condition an OR implies on one input filters that input wherever a one-sided ON
  // conjunct could (PostgreSQL's extract_restriction_or_clauses does the same for every join).
  const impliedLeft = jt === 'inner' || jt === 'right' || jt === 'semi';
  const impliedRight = jt === 'inner' || jt === 'left' || jt === 'semi' || jt === 'anti';
  if (!p.nullAware) {
    for (const e of keepOn) {
      if (e.kind !== 'or' || isVolatile(e)) continue;
      const l = impliedLeft ? impliedOneSide(e, (x) => side(x) === 'l') : null;
      const r = impliedRight ? impliedOneSide(e, (x) => side(x) === 'r') : null;
      if (l) toLeft.push(l);
      if (r) toRight.push(r);
    }
  }
  if (!p.nullAware) deriveConstants(keepOn, nl, toLeft, toRight, impliedLeft, impliedRight);
  const left = push(p.left, toLeft);
  const right = push(p.right, toRight.map((e) => remapColumns(e, (i) => i - nl)));
  return filterOver({ ...p, left, right, on: and(keepOn) }, stay);
}

/** `col = constant` (either way round): the column and the constant, else null. */
function constantEquality(e: Expr): { col: number; other: Expr } | null {
  if (e.kind !== 'call' || e.fn.name !== '=' || e.args.length !== 2) return null;
  const [a, b] = e.args as [Expr, Expr];
  if (a.kind === 'col' && b.kind === 'const' && b.value !== null) return { col: a.index, other: b };
  if (b.kind === 'col' && a.kind === 'const' && a.value !== null) return { col: b.index, other: a };
  return null;
}

/**
 * `x = 5` on one input and the join condition `x = y` make `y = 5` on the other input (as
 * PostgreSQL's equivalence classes derive it): rows of that input with another y match no row
 * anyway. Filtering them first also keeps the other conditions there from running on them.
 * Conditions are over the join's columns; `toLeft` and `toRight` get the derived ones.
 */
function deriveConstants(on: Expr[], nl: number, toLeft: Expr[], toRight: Expr[], leftOk: boolean, rightOk: boolean): void {
  const pairs: [number, number][] = [];
  for (const e of on) {
    if (e.kind !== 'call' || e.fn.name !== '=' || e.args.length !== 2) continue;
    const [a, b] = e.args as [Expr, Expr];
    if (a.kind !== 'col' || b.kind !== 'col' || a.type.id !== b.type.id || a.type.id === 'bpchar') continue;
    if (a.index < nl && b.index >= nl) pairs.push([a.index, b.index]);
    else if (b.index < nl && a.index >= nl) pairs.push([b.index, a.index]);
  }
  if (pairs.length === 0) return;
  const carry = (from: Expr[], to: Expr[], mine: (p: [number, number]) => number, theirs: (p: [number, number]) => number): void => {
    for (const e of from) {
      const c = constantEquality(e);
      if (!c) continue;
      for (const p of pairs) if (mine(p) === c.col) to.push(remapColumns(e, (i) => (i === c.col ? theirs(p) : i)));
    }
  };
  const left0 = [...toLeft], right0 = [...toRight];
  if (rightOk) carry(left0, toRight, (p) => p[0], (p) => p[1]);
  if (leftOk) carry(right0, toLeft, (p) => p[1], (p) => p[0]);
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
