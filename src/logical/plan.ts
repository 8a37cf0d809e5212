/**
 * Logical plan nodes. Each node's `schema` lists its output columns; expressions inside a node refer
 * to its input's columns by position (for joins: left columns, then right columns).
 */
import type { SqlType } from '../common/types.js';
import type { TableEntry } from '../catalog/catalog.js';
import type { Expr, SortKey, AggCall, WindowCall } from './expr.js';

export interface Field { name: string; type: SqlType }

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

export type LogicalPlan =
  | ScanNode | ValuesNode | FilterNode | ProjectNode | AggregateNode | JoinNode | SortNode
  | LimitNode | DistinctNode | SetOpNode | WindowNode | TableFunctionNode | RecursiveCteNode
  | WorkTableNode | ProjectSetNode | CteNode | CteScanNode;

export interface ScanNode {
  kind: 'scan'; schema: Field[];
  table: TableEntry;
  /** Table column positions produced, in output order. */
  columns: number[];
  /** Conjuncts over the output columns, evaluated during the scan. */
  filters: Expr[];
}
export interface ValuesNode { kind: 'values'; schema: Field[]; rows: Expr[][] }
export interface FilterNode { kind: 'filter'; schema: Field[]; input: LogicalPlan; predicate: Expr }
export interface ProjectNode { kind: 'project'; schema: Field[]; input: LogicalPlan; exprs: Expr[] }
/**
 * Output: the group keys, then the aggregates, then (when groupingSets is set) one int column,
 * the GROUPING() bitmask of the set a row belongs to.
 */
export interface AggregateNode {
  kind: 'aggregate'; schema: Field[]; input: LogicalPlan;
  groupBy: Expr[];
  aggs: AggCall[];
  /** Each set lists positions in groupBy that are grouped; absent = one set of all keys. */
  groupingSets: number[][] | null;
}
export interface JoinNode {
  kind: 'join'; schema: Field[]; joinType: JoinType;
  left: LogicalPlan; right: LogicalPlan;
  /** Over left ++ right columns; null = cross product. */
  on: Expr | null;
  /** anti join for NOT IN: a NULL on either side of the key makes the row not qualify. */
  nullAware: boolean;
  /**
   * LATERAL: the right side is run once per left row with these values (over the left columns)
   * bound to its OuterExpr slots.
   */
  lateral?: Expr[];
}
export interface SortNode { kind: 'sort'; schema: Field[]; input: LogicalPlan; keys: SortKey[] }
/** withTies: FETCH FIRST n ROWS WITH TIES — rows equal to the last one on these keys follow it. */
export interface LimitNode { kind: 'limit'; schema: Field[]; input: LogicalPlan; limit: Expr | null; offset: Expr | null; withTies?: SortKey[] }
/** DISTINCT (onKeys null) or DISTINCT ON (first row per key, in input order). */
export interface DistinctNode { kind: 'distinct'; schema: Field[]; input: LogicalPlan; onKeys: Expr[] | null }
export interface SetOpNode { kind: 'setop'; schema: Field[]; op: 'union' | 'intersect' | 'except'; all: boolean; left: LogicalPlan; right: LogicalPlan }
/** Output: the input columns, then one column per window call. */
export interface WindowNode { kind: 'window'; schema: Field[]; input: LogicalPlan; calls: WindowCall[] }
/** Set-returning functions in a select list: each input row repeats once per generated value. */
export interface ProjectSetNode { kind: 'project_set'; schema: Field[]; input: LogicalPlan; calls: { name: string; args: Expr[] }[] }
export interface TableFunctionNode { kind: 'tablefunc'; schema: Field[]; name: string; args: Expr[]; withOrdinality: boolean }
/** WITH RECURSIVE: anchor, then the recursive term run against the rows of the previous round. */
export interface RecursiveCteNode { kind: 'recursive_cte'; schema: Field[]; id: number; anchor: LogicalPlan; recursive: LogicalPlan; all: boolean }
export interface WorkTableNode { kind: 'worktable'; schema: Field[]; id: number }
/**
 * The materialized CTEs of a WITH clause: each definition is computed at most once per run of
 * this node (lazily, as far as its CTE scans read it), and `input` reads them through CteScan
 * leaves. Output: the input's columns.
 */
export interface CteNode { kind: 'cte'; schema: Field[]; ctes: { id: number; name: string; plan: LogicalPlan }[]; input: LogicalPlan }
/** Reads the rows of a materialized CTE (a CteNode above it computes them). */
export interface CteScanNode {
  kind: 'cte_scan'; schema: Field[]; id: number; name: string;
  /** The definition's estimated row count, for join ordering (set by the optimizer). */
  rows?: number;
}

export function planChildren(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'scan': case 'values': case 'tablefunc': case 'worktable': case 'cte_scan': return [];
    case 'join': case 'setop': return [p.left, p.right];
    case 'recursive_cte': return [p.anchor, p.recursive];
    case 'cte': return [...p.ctes.map((c) => c.plan), p.input];
    default: return [p.input];
  }
}

export function withChildren(p: LogicalPlan, c: LogicalPlan[]): LogicalPlan {
  switch (p.kind) {
    case 'scan': case 'values': case 'tablefunc': case 'worktable': case 'cte_scan': return p;
    case 'join': case 'setop': return { ...p, left: c[0]!, right: c[1]! };
    case 'recursive_cte': return { ...p, anchor: c[0]!, recursive: c[1]! };
    case 'cte': return { ...p, ctes: p.ctes.map((d, i) => ({ ...d, plan: c[i]! })), input: c[p.ctes.length]! };
    default: return { ...p, input: c[0]! } as LogicalPlan;
  }
}

export function transformPlan(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const kids = planChildren(p);
  const nk = kids.map((k) => transformPlan(k, f));
  const changed = nk.some((k, i) => k !== kids[i]);
  return f(changed ? withChildren(p, nk) : p);
}
