/**
 * Join planning: flattens each tree of inner joins into its inputs and conditions, then rebuilds
 * it left-deep, starting from the largest input (the probe side) and adding at each step the
 * connected input that grows the intermediate result least, by sampled distinct-value estimates
 * of the join columns (so a fan-out join on a low-cardinality key waits until the selective
 * joins are done). An input with no condition
 * linking it is added last, as a cross product, so a cross product appears only where the query
 * really has one. A projection restores the original column order.
 */
import type { LogicalPlan, Field } from '../plan.js';
import { transformPlan } from '../plan.js';
import type { Expr } from '../expr.js';
import { conjuncts, columnsUsed, remapColumns, isVolatile } from '../expr.js';
import { T } from '../../common/types.js';
import type { OptimizerRule } from './rule.js';
import { distinctEstimate } from './column_stats.js';

interface Leaf { plan: LogicalPlan; offset: number; width: number; est: number }

export function estimateRows(p: LogicalPlan): number {
  switch (p.kind) {
    case 'scan': return Math.max(1, (p.table.external?.rowCount ?? p.table.data.rowCount) * Math.pow(0.25, p.filters.length));
    case 'values': return p.rows.length;
    case 'filter': return Math.max(1, estimateRows(p.input) * 0.25);
    case 'aggregate': return p.groupBy.length === 0 ? 1 : Math.max(1, estimateRows(p.input) * 0.2);
    case 'join': {
      const l = estimateRows(p.left), r = estimateRows(p.right);
      if (p.joinType === 'semi' || p.joinType === 'anti') return l;
      return p.on ? Math.max(l, r) : l * r;
    }
    case 'limit': return Math.min(estimateRows(p.input), p.limit && p.limit.kind === 'const' ? Number(p.limit.value) : Infinity);
    case 'setop': return estimateRows(p.left) + estimateRows(p.right);
    case 'tablefunc': return 1000;
    case 'recursive_cte': case 'worktable': return 1000;
    case 'cte_scan': return p.rows ?? 1000;
    default: return estimateRows(p.input);
  }
}

function flatten(p: LogicalPlan, leaves: Leaf[], conds: Expr[], offset: number): void {
  if (p.kind === 'join' && p.joinType === 'inner' && !p.lateral) {
    flatten(p.left, leaves, conds, offset);
    flatten(p.right, leaves, conds, offset + p.left.schema.length);
    if (p.on) for (const c of conjuncts(p.on)) conds.push(remapColumns(c, (i) => i + offset));
    return;
  }
  leaves.push({ plan: reorder(p), offset, width: p.schema.length, est: estimateRows(p) });
}

function reorderTree(p: Extract<LogicalPlan, { kind: 'join' }>): LogicalPlan {
  const leaves: Leaf[] = [];
  const conds: Expr[] = [];
  flatten(p, leaves, conds, 0);
  if (leaves.length <= 2 && !conds.some(isVolatile)) {
    // Two inputs: only make sure the smaller one is the build (right) side.
    if (leaves.length === 2 && leaves[0]!.est < leaves[1]!.est && conds.length > 0) return build(leaves, [1, 0], conds, p.schema);
    return { ...p, left: reorder(p.left), right: reorder(p.right) };
  }
  const leafOf = (col: number): number => leaves.findIndex((l) => col >= l.offset && col < l.offset + l.width);
  const condLeaves = conds.map((c) => new Set([...columnsUsed(c)].map(leafOf)));
  const remaining = new Set(leaves.map((_, i) => i));
  let first = 0;
  for (const i of remaining) if (leaves[i]!.est > leaves[first]!.est) first = i;
  const order = [first];
  remaining.delete(first);
  const joined = new Set([first]);
  // Distinct values of a flattened column, capped by its leaf's estimated rows; unknown outside
  // base-table scans, where the column is taken as unique within the leaf.
  const ndv = (col: number): number => {
    const leaf = leaves[leafOf(col)]!;
    const p = leaf.plan;
    if (p.kind !== 'scan') return leaf.est;
    return Math.max(1, Math.min(leaf.est, distinctEstimate(p.table, p.columns[col - leaf.offset]!)));
  };
  // Rows out of joining leaf i to what is joined, relative to the joined rows: the textbook
  // 1/max(ndv) of the most selective equi-condition. Only one counts, because the columns of a
  // composite key (part and supplier of a partsupp row) are far from independent; a join with
  // no equi-condition counts 1/4.
  const growth = (i: number): number | null => {
    let connected = false;
    let sel = 1;
    conds.forEach((c, k) => {
      const s = condLeaves[k]!;
      if (!s.has(i) || ![...s].every((x) => x === i || joined.has(x)) || ![...s].some((x) => x !== i)) return;
      connected = true;
      const eq = columnEquality(c);
      sel = Math.min(sel, eq ? 1 / Math.max(ndv(eq[0]), ndv(eq[1])) : 0.25);
    });
    return connected ? leaves[i]!.est * sel : null;
  };
  while (remaining.size > 0) {
    let best = -1;
    let bestGrowth = Infinity;
    for (const i of remaining) {
      const g = growth(i);
      if (g === null) continue;
      if (best < 0 || g < bestGrowth || (g === bestGrowth && leaves[i]!.est < leaves[best]!.est)) { best = i; bestGrowth = g; }
    }
    if (best < 0) for (const i of remaining) if (best < 0 || leaves[i]!.est < leaves[best]!.est) best = i;
    order.push(best);
    remaining.delete(best);
    joined.add(best);
  }
  return build(leaves, order, conds, p.schema);
}

/** The two column indexes of `a = b` between plain columns, else null. */
function columnEquality(c: Expr): [number, number] | null {
  if (c.kind !== 'call' || c.fn.name !== '=' || c.args.length !== 2) return null;
  const [a, b] = c.args as [Expr, Expr];
  return a.kind === 'col' && b.kind === 'col' ? [a.index, b.index] : null;
}

function build(leaves: Leaf[], order: number[], conds: Expr[], schema: Field[]): LogicalPlan {
  // newPos maps an original flattened column to its position in the rebuilt tree.
  const newPos = new Map<number, number>();
  let plan: LogicalPlan | null = null;
  let width = 0;
  const used = new Array(conds.length).fill(false);
  const placed = new Set<number>();
  for (const li of order) {
    const leaf = leaves[li]!;
    for (let c = 0; c < leaf.width; c++) newPos.set(leaf.offset + c, width + c);
    placed.add(li);
    if (!plan) { plan = leaf.plan; width = leaf.width; continue; }
    const on: Expr[] = [];
    conds.forEach((c, k) => {
      if (used[k]) return;
      const cols = [...columnsUsed(c)];
      if (cols.every((x) => newPos.has(x))) { on.push(remapColumns(c, (x) => newPos.get(x)!)); used[k] = true; }
    });
    plan = {
      kind: 'join', joinType: 'inner', left: plan, right: leaf.plan, nullAware: false,
      on: on.length === 0 ? null : on.length === 1 ? on[0]! : { kind: 'and', args: on, type: T.bool },
      schema: [...plan.schema, ...leaf.plan.schema],
    };
    width += leaf.width;
  }
  const rest = conds.filter((_, k) => !used[k]).map((c) => remapColumns(c, (x) => newPos.get(x)!));
  let out = plan!;
  if (rest.length) out = { kind: 'filter', input: out, predicate: rest.length === 1 ? rest[0]! : { kind: 'and', args: rest, type: T.bool }, schema: out.schema };
  const identity = schema.every((_, i) => newPos.get(i) === i);
  if (identity) return out;
  return { kind: 'project', input: out, exprs: schema.map((f, i) => ({ kind: 'col', index: newPos.get(i)!, type: f.type })), schema };
}

function reorder(p: LogicalPlan): LogicalPlan {
  if (p.kind === 'join' && p.joinType === 'inner' && !p.lateral) return reorderTree(p);
  switch (p.kind) {
    case 'scan': case 'values': case 'tablefunc': case 'worktable': return p;
    case 'join': return { ...p, left: reorder(p.left), right: reorder(p.right) };
    case 'setop': return { ...p, left: reorder(p.left), right: reorder(p.right) };
    case 'recursive_cte': return { ...p, anchor: reorder(p.anchor), recursive: reorder(p.recursive) };
    case 'cte_scan': return p;
    case 'cte': {
      // The scans of a materialized CTE are as large as its definition.
      const rows = new Map(p.ctes.map((c) => [c.id, estimateRows(c.plan)]));
      const sized = transformPlan(p.input, (q) => (q.kind === 'cte_scan' && rows.has(q.id) ? { ...q, rows: rows.get(q.id)! } : q));
      return { ...p, ctes: p.ctes.map((c) => ({ ...c, plan: reorder(c.plan) })), input: reorder(sized) };
    }
    default: return { ...p, input: reorder(p.input) } as LogicalPlan;
  }
}

export const planJoins: OptimizerRule = { name: 'plan_joins', apply: reorder };
