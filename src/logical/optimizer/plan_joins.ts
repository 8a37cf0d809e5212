/**
 * Join planning: flattens each tree of inner joins into its inputs and conditions, then rebuilds
 * it left-deep, starting from the largest input (the probe side) and adding at each step the
 * smallest input connected to what is already joined by a condition. An input with no condition
 * linking it is added last, as a cross product, so a cross product appears only where the query
 * really has one. A projection restores the original column order.
 */
import type { LogicalPlan, Field } from '../plan.js';
import type { Expr } from '../expr.js';
import { conjuncts, columnsUsed, remapColumns, isVolatile } from '../expr.js';
import { T } from '../../common/types.js';
import type { OptimizerRule } from './rule.js';

interface Leaf { plan: LogicalPlan; offset: number; width: number; est: number }

export function estimateRows(p: LogicalPlan): number {
  switch (p.kind) {
    case 'scan': return Math.max(1, p.table.data.rowCount * Math.pow(0.25, p.filters.length));
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
  while (remaining.size > 0) {
    let best = -1;
    for (const i of remaining) {
      const connected = condLeaves.some((s) => s.has(i) && [...s].some((x) => x !== i && joined.has(x)) && [...s].every((x) => x === i || joined.has(x)));
      if (!connected) continue;
      if (best < 0 || leaves[i]!.est < leaves[best]!.est) best = i;
    }
    if (best < 0) for (const i of remaining) if (best < 0 || leaves[i]!.est < leaves[best]!.est) best = i;
    order.push(best);
    remaining.delete(best);
    joined.add(best);
  }
  return build(leaves, order, conds, p.schema);
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
    default: return { ...p, input: reorder(p.input) } as LogicalPlan;
  }
}

export const planJoins: OptimizerRule = { name: 'plan_joins', apply: reorder };
