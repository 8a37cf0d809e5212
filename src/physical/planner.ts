/**
 * Turns an optimized logical plan into physical operators: picks hash joins where the join
 * condition has equalities between the two sides, compiles every expression, and wires
 * subqueries left inside expressions to their own physical plans.
 */
import type { LogicalPlan } from '../logical/plan.js';
import type { Expr, SubqueryExpr, AggCall } from '../logical/expr.js';
import { conjuncts, columnsUsed, remapColumns, isVolatile } from '../logical/expr.js';
import { exprToString } from '../logical/explain.js';
import type { PhysicalOperator } from './operator.js';
import { compileExpr, compileFilter, type CompileEnv, type SubqueryRunner } from './compile.js';
import { ScanExec } from './operators/scan.js';
import { ParquetScanExec } from './operators/parquet_scan.js';
import { ParquetSource } from '../io/parquet/source.js';
import { FilterExec } from './operators/filter.js';
import { ProjectExec } from './operators/project.js';
import { ValuesExec } from './operators/values.js';
import { LimitExec } from './operators/limit.js';
import { HashAggregateExec } from './operators/hash_aggregate.js';
import { TableFunctionExec } from './operators/table_function.js';
import { RecursiveCteExec, WorkTableScanExec } from './operators/recursive_cte.js';
import { CteExec } from './operators/cte.js';
import { CteScanExec } from './operators/cte_scan.js';
import { HashJoinExec } from './operators/hash_join.js';
import { NestedLoopJoinExec } from './operators/nested_loop_join.js';
import { SortExec } from './operators/sort.js';
import { WindowExec } from './operators/window.js';
import { SetOpExec } from './operators/set_op.js';
import { DistinctExec } from './operators/distinct.js';
import { SubqueryRunnerImpl } from './subquery.js';
import { ProjectSetExec } from './operators/project_set.js';
import { InstrumentedExec } from './instrument.js';
import { LateralJoinExec } from './operators/lateral_join.js';
import { ParallelAggregateExec, PARALLEL_MIN_ROWS } from './operators/parallel_aggregate.js';
import type { TableEntry } from '../catalog/catalog.js';
import { encodeFragment, isPlainType } from './fragment.js';
import { GatherExec } from './operators/gather.js';
import { setConstantEvaluator } from '../logical/optimizer/evaluate.js';
import { evalConstant } from './compile.js';

// Plan-time folding evaluates with the same compiled code as execution.
setConstantEvaluator((e) => evalConstant(e, { params: [], outer: [], now: 0, random: Math.random, workTables: new Map() }));

export class PhysicalPlanner implements CompileEnv {
  /** With `analyze`, every operator is wrapped to record what it produced (EXPLAIN ANALYZE). */
  constructor(private analyze = false) {}

  subquery(sq: SubqueryExpr): SubqueryRunner {
    return new SubqueryRunnerImpl(sq, this.plan(sq.plan));
  }

  plan(p: LogicalPlan): PhysicalOperator {
    return this.wrap(this.planNode(p));
  }

  private wrap(op: PhysicalOperator): PhysicalOperator {
    return this.analyze && !(op instanceof InstrumentedExec) ? new InstrumentedExec(op) : op;
  }

  private planNode(p: LogicalPlan): PhysicalOperator {
    switch (p.kind) {
      case 'scan': return this.scan(p, true);
      case 'values': return new ValuesExec(p.rows, p.schema, this);
      case 'filter': {
        const input = this.plan(p.input);
        return new FilterExec(input, compileFilter(p.predicate, this), exprToString(p.predicate, p.input.schema));
      }
      case 'project': {
        const pj = this.projectedJoin(p.input, p.exprs);
        if (pj) {
          return new ProjectExec(pj.op, p.exprs.map((e) => compileExpr(pj.remap(e), this)), p.schema, p.exprs.map((e) => exprToString(e, p.input.schema)));
        }
        const input = this.plan(p.input);
        // Column names live in the logical plan only: an identity projection does nothing here.
        if (p.exprs.length === input.schema.length && p.exprs.every((e, i) => e.kind === 'col' && e.index === i)) return input;
        return new ProjectExec(input, p.exprs.map((e) => compileExpr(e, this)), p.schema, p.exprs.map((e) => exprToString(e, p.input.schema)));
      }
      case 'limit': {
        // ORDER BY + constant LIMIT: the sort keeps only the rows it will return (top-N).
        const lim = p.limit?.kind === 'const' ? p.limit.value : p.limit === null ? undefined : null;
        const off = p.offset === null ? 0n : p.offset.kind === 'const' ? p.offset.value : null;
        if (p.input.kind === 'sort' && !p.withTies && typeof lim === 'bigint' && typeof off === 'bigint' && lim >= 0n && off >= 0n && lim + off < 2n ** 31n) {
          const sort = new SortExec(this.gathered(p.input.input), p.input.keys, p.input.schema, this, Number(lim + off));
          return new LimitExec(sort, p.limit, p.offset, this);
        }
        return new LimitExec(this.plan(p.input), p.limit, p.offset, this, p.withTies ?? null);
      }
      case 'aggregate': return this.parallelAggregate(p, this.aggregate(p));
      case 'join': return this.join(p);
      case 'sort': {
        // A Sort directly under a constant Limit keeps only the rows it needs (top-N).
        return new SortExec(this.gathered(p.input), p.keys, p.schema, this, null);
      }
      case 'distinct': return new DistinctExec(this.plan(p.input), p.onKeys, p.schema, this);
      case 'setop': return new SetOpExec(this.plan(p.left), this.plan(p.right), p.op, p.all, p.schema);
      case 'window': return new WindowExec(this.plan(p.input), p.calls, p.schema, this);
      case 'tablefunc': return new TableFunctionExec(p.name, p.args, p.withOrdinality, p.schema, this);
      case 'recursive_cte': return new RecursiveCteExec(p.id, this.plan(p.anchor), this.plan(p.recursive), p.all, p.schema);
      case 'worktable': return new WorkTableScanExec(p.id, p.schema);
      case 'cte': return new CteExec(p.ctes.map((c) => ({ id: c.id, name: c.name, op: this.plan(c.plan) })), this.plan(p.input), p.schema);
      case 'cte_scan': return new CteScanExec(p.id, p.name, p.schema);
      case 'project_set': return new ProjectSetExec(this.plan(p.input), p.calls, p.schema, this);
    }
  }

  private aggregate(p: Extract<LogicalPlan, { kind: 'aggregate' }>): PhysicalOperator {
    const text = `groupBy: [${p.groupBy.map((e) => exprToString(e, p.input.schema)).join(', ')}], aggs: [${p.aggs.map((a) => `${a.fn.name}(${a.args.map((x) => exprToString(x, p.input.schema)).join(', ')})`).join(', ')}]`;
    // Aggregating straight off a filtered scan: the aggregate applies the filter itself. (Not
    // for Parquet: its scan filters before decoding the columns the filter does not read.)
    if (p.input.kind === 'scan' && p.input.filters.length > 0 && !(p.input.table.external instanceof ParquetSource)) {
      const scan = p.input;
      const pred = scan.filters.length === 1 ? scan.filters[0]! : { kind: 'and' as const, args: scan.filters, type: scan.filters[0]!.type };
      const bare = this.wrap(this.scan(scan, false));
      return new HashAggregateExec(bare, p.groupBy, p.aggs, p.groupingSets, p.schema, this, `${text}, filter: ${exprToString(pred, scan.schema)}`, compileFilter(pred, this));
    }
    const aggExprs = [...p.groupBy, ...p.aggs.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((k) => k.expr)])];
    const pj = this.projectedJoin(p.input, aggExprs);
    if (pj) {
      const aggs = p.aggs.map((a) => ({ ...a, args: a.args.map(pj.remap), filter: a.filter ? pj.remap(a.filter) : null, orderBy: a.orderBy.map((k) => ({ ...k, expr: pj.remap(k.expr) })) }));
      return new HashAggregateExec(pj.op, p.groupBy.map(pj.remap), aggs, p.groupingSets, p.schema, this, text);
    }
    return new HashAggregateExec(this.plan(p.input), p.groupBy, p.aggs, p.groupingSets, p.schema, this, text);
  }

  /**
   * An aggregate over filters and projections of a table scan, without grouping sets, DISTINCT or
   * ORDER BY inside its calls, whose expressions can all be rebuilt in a worker: an exchange that
   * runs it on the worker pool when the session's threads and the table's size make it worth it.
   */
  private parallelAggregate(p: Extract<LogicalPlan, { kind: 'aggregate' }>, serial: PhysicalOperator): PhysicalOperator {
    const agg = serial instanceof InstrumentedExec ? serial.inner : serial;
    if (p.groupingSets || !(agg instanceof HashAggregateExec)) return serial;
    const pipe = this.scanPipeline(p.input);
    if (!pipe || !bigEnough(pipe.scan.table)) return serial;
    const fragment = encodeFragment('aggregate', pipe.scan.columns, pipe.steps, p.groupBy, p.aggs);
    if (typeof fragment === 'string') return serial;
    return new ParallelAggregateExec(this.wrap(serial), agg, pipe.scan.table, fragment, stringsRead(pipe.scan.columns.length, pipe.steps, p.groupBy, p.aggs), p.groupBy, p.aggs);
  }

  /**
   * The input of a sort or a join: when it filters or computes over a table scan, a gather that
   * runs that pipeline on the worker pool (when the session's threads and the table's size make
   * it worth it), else the plan itself.
   */
  private gathered(p: LogicalPlan): PhysicalOperator {
    const serial = this.plan(p);
    const steps = this.scanPipeline(p);
    // Only a filter or a computed column is work worth moving; copying columns back is not.
    const work = steps?.steps.some((s) => s.kind === 'filter' || s.exprs.some((e) => e.kind !== 'col'));
    if (!steps || !work || !bigEnough(steps.scan.table) || !p.schema.every((f) => isPlainType(f.type))) return serial;
    const fragment = encodeFragment('gather', steps.scan.columns, steps.steps, [], []);
    if (typeof fragment === 'string') return serial;
    return this.wrap(new GatherExec(serial, steps.scan.table, fragment));
  }

  /** Filters and projections over a table scan, as steps from the scan up; null for other plans. */
  private scanPipeline(p: LogicalPlan): { scan: Extract<LogicalPlan, { kind: 'scan' }>; steps: PipelineStep[] } | null {
    const steps: PipelineStep[] = [];
    let cur = p;
    while (cur.kind === 'filter' || cur.kind === 'project') {
      steps.unshift(cur.kind === 'filter' ? { kind: 'filter', pred: cur.predicate } : { kind: 'project', exprs: cur.exprs });
      cur = cur.input;
    }
    if (cur.kind !== 'scan') return null;
    if (cur.filters.length) steps.unshift({ kind: 'filter', pred: cur.filters.length === 1 ? cur.filters[0]! : { kind: 'and', args: cur.filters, type: cur.filters[0]!.type } });
    return { scan: cur, steps };
  }

  /** A table scan; `withFilter` false leaves the filters to the consumer (they still prune row groups). */
  private scan(p: Extract<LogicalPlan, { kind: 'scan' }>, withFilter: boolean): PhysicalOperator {
    const pred = !withFilter || p.filters.length === 0 ? null : p.filters.length === 1 ? p.filters[0]! : { kind: 'and' as const, args: p.filters, type: p.filters[0]!.type };
    const filter = pred ? compileFilter(pred, this) : null, text = pred ? exprToString(pred, p.schema) : '';
    const ext = p.table.external;
    if (ext instanceof ParquetSource) return new ParquetScanExec(ext, p.table.columns.map((c) => c.name), p.columns, p.schema, p.filters, filter, text);
    return new ScanExec(p.table, p.columns, p.schema, filter, text);
  }

  /**
   * A hash join whose consumer reads only some of its columns produces just those: the others
   * (typically the join keys) are never gathered. Returns null when that does not apply.
   */
  private projectedJoin(input: LogicalPlan, exprs: Expr[]): { op: PhysicalOperator; remap: (e: Expr) => Expr } | null {
    if (input.kind !== 'join' || (input.joinType !== 'inner' && input.joinType !== 'left')) return null;
    const used = new Set<number>();
    for (const e of exprs) columnsUsed(e, used);
    const cols = [...used].sort((a, b) => a - b);
    if (cols.length === input.schema.length) return null;
    const op = this.join(input, cols);
    // Planned without the projection (e.g. a residual condition needs every column): keep it.
    const inner = op instanceof InstrumentedExec ? op.inner : op;
    if (!(inner instanceof HashJoinExec) || inner.outputCols === null) return { op, remap: (e: Expr) => e };
    const pos = new Map(cols.map((c, i) => [c, i]));
    return { op, remap: (e: Expr) => remapColumns(e, (i) => pos.get(i)!) };
  }

  private join(p: Extract<LogicalPlan, { kind: 'join' }>, outputCols: number[] | null = null): PhysicalOperator {
    if (p.lateral) return new LateralJoinExec(this.plan(p.left), this.plan(p.right), p.joinType, p.lateral, p.on, p.schema, this);
    const left = this.gathered(p.left), right = this.gathered(p.right);
    const nl = p.left.schema.length;
    const leftKeys: Expr[] = [], rightKeys: Expr[] = [];
    const rest: Expr[] = [];
    for (const c of p.on ? conjuncts(p.on) : []) {
      const k = equiKey(c, nl);
      if (k) { leftKeys.push(k[0]); rightKeys.push(remapColumns(k[1], (i) => i - nl)); } else rest.push(c);
    }
    if (leftKeys.length === 0) {
      return new NestedLoopJoinExec(left, right, p.joinType, p.on, p.nullAware, p.schema, this);
    }
    const residual = rest.length === 0 ? null : rest.length === 1 ? rest[0]! : { kind: 'and' as const, args: rest, type: rest[0]!.type };
    if (outputCols && (residual || p.nullAware)) return new HashJoinExec(left, right, p.joinType, leftKeys, rightKeys, residual, p.nullAware, p.schema, this);
    const schema = outputCols ? outputCols.map((c) => p.schema[c]!) : p.schema;
    return new HashJoinExec(left, right, p.joinType, leftKeys, rightKeys, residual, p.nullAware, schema, this, outputCols);
  }
}

/**
 * Exchanges are planned only over tables big enough for workers to pay (the plan is made for each
 * statement, so this is the table's size now); small tables keep the plain serial plan.
 */
function bigEnough(t: TableEntry): boolean {
  // Files are read by their own scan, in process, until their row groups become morsels.
  return !t.external && t.data.rowCount >= PARALLEL_MIN_ROWS;
}

type PipelineStep = { kind: 'filter'; pred: Expr } | { kind: 'project'; exprs: Expr[] };

/**
 * Per scan column of a fragment: whether an expression reads its values (a text column used only
 * as a group key is grouped on its dictionary codes, and a worker need not rebuild its strings).
 */
function stringsRead(n: number, steps: PipelineStep[], groupBy: Expr[], aggs: AggCall[]): boolean[] {
  const read = new Array<boolean>(n).fill(false);
  let origin: (number | null)[] = Array.from({ length: n }, (_, i) => i);
  const mark = (e: Expr): void => { for (const c of columnsUsed(e)) { const o = origin[c]; if (o !== null && o !== undefined) read[o] = true; } };
  // Unless every step is a filter (applied by the aggregate as a selection), a filter copies the
  // rows it keeps, strings included: every column alive at that point is read.
  const copies = steps.some((s) => s.kind !== 'filter');
  for (const s of steps) {
    if (s.kind === 'filter') {
      mark(s.pred);
      if (copies) for (const o of origin) if (o !== null && o !== undefined) read[o] = true;
      continue;
    }
    origin = s.exprs.map((e) => (e.kind === 'col' ? origin[e.index] ?? null : (mark(e), null)));
  }
  // The group table reads a bpchar key's strings row by row (it compares them blank-trimmed),
  // except for several keys that are all dictionary text columns, whose combinations of codes it
  // reads once each (GroupTable.lookupDictCombo).
  const comboKeys = groupBy.length > 1 && groupBy.every((g) => g.kind === 'col' && (g.type.id === 'text' || g.type.id === 'varchar' || g.type.id === 'bpchar'));
  for (const g of groupBy) if (g.kind !== 'col' || (g.type.id === 'bpchar' && !comboKeys)) mark(g);
  for (const a of aggs) { a.args.forEach(mark); if (a.filter) mark(a.filter); }
  return read;
}

/** `l = r` where one side reads only left columns and the other only right ones. */
function equiKey(c: Expr, nl: number): [Expr, Expr] | null {
  if (c.kind !== 'call' || c.fn.name !== '=' || c.args.length !== 2) return null;
  const [a, b] = c.args as [Expr, Expr];
  if (a.type.id !== b.type.id) return null;
  const side = (e: Expr): 'l' | 'r' | null => {
    const cols = columnsUsed(e);
    if (cols.size === 0) return null;
    // A key is computed once per row on its side: subqueries and volatile calls stay residual.
    if (isVolatile(e)) return null;
    let l = false, r = false;
    for (const i of cols) (i < nl ? (l = true) : (r = true));
    return l && !r ? 'l' : r && !l ? 'r' : null;
  };
  const sa = side(a), sb = side(b);
  if (sa === 'l' && sb === 'r') return [a, b];
  if (sa === 'r' && sb === 'l') return [b, a];
  return null;
}

export function planPhysical(p: LogicalPlan, analyze = false): PhysicalOperator {
  return new PhysicalPlanner(analyze).plan(p);
}

export function explainPhysical(op: PhysicalOperator, depth = 0, out: string[] = []): string[] {
  const d = op.describe();
  out.push('  '.repeat(depth) + op.name + (d ? `: ${d}` : ''));
  for (const c of op.children) explainPhysical(c, depth + 1, out);
  return out;
}

