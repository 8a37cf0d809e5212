/**
 * Scan of Parquet files (read_parquet): one partition per row group that survives pruning by its
 * footer statistics; each decodes only the projected columns and applies the pushed-down filter.
 */
import { sliceBatch, sliceVector, takeVector, type Batch, type Vector } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import type { FilterFn } from '../compile.js';
import { acceptedRows } from './filter.js';
import { evalFailure } from '../compile.js';
import { columnsUsed } from '../../logical/expr.js';
import type { ParquetSource } from '../../io/parquet/source.js';
import { mayMatch, type PruneOp, type PrunePredicate } from '../../io/parquet/statistics.js';

/**
 * Rows per batch handed downstream: slices of a decoded row group (views for typed arrays, copies
 * for text), the same size as the in-memory scan's.
 */
const PARQUET_BATCH = 65536;

export class ParquetScanExec implements PhysicalOperator {
  readonly name = 'ParquetScanExec';
  readonly children: PhysicalOperator[] = [];
  /** Source partitions (row groups) kept after pruning, in file order. */
  private readonly kept: number[] = [];
  private readonly prune: PrunePredicate[];
  /**
   * Output positions the filter reads, when they are fewer than the projected columns: those are
   * decoded first, and the others only for the rows that pass (none, for a row group none pass).
   */
  private readonly filterCols: number[] | null = null;

  constructor(
    private readonly source: ParquetSource, private readonly names: string[], readonly columns: number[], readonly schema: Field[],
    filters: Expr[], private filter: FilterFn | null, private filterText: string,
  ) {
    this.prune = prunePredicates(filters, columns);
    if (filter) {
      const used = new Set<number>();
      for (const f of filters) columnsUsed(f, used);
      if (used.size < columns.length) this.filterCols = [...used].sort((a, b) => a - b);
    }
    for (let p = 0; p < source.partitions.length; p++) {
      const stats = source.statistics(p);
      if (this.prune.every((q) => mayMatch(stats[q.column] ?? null, q))) this.kept.push(p);
    }
  }

  describe(): string {
    const total = this.source.partitions.length;
    const fb = this.source.fallbacks();
    return `file: ${this.source.pattern}, columns: [${this.columns.map((c) => this.names[c]!).join(', ')}]`
      + `, row groups: ${this.kept.length} of ${total} read (${total - this.kept.length} pruned)`
      + (fb.length ? `, through parquet-wasm: ${fb.join('; ')}` : '')
      + (this.filterText ? `, filter: ${this.filterText}` : '')
      + (this.filterCols ? `, filter columns first: [${this.filterCols.map((c) => this.names[this.columns[c]!]!).join(', ')}]` : '');
  }

  partitions(): number { return this.kept.length; }

  /** Row group `p`: the filter's columns, the filter, then the other columns for the rows kept. */
  private *filterFirst(ctx: ExecContext, p: number): Generator<Batch> {
    const fcols = this.filterCols!;
    const first = this.source.read(p, fcols.map((c) => this.columns[c]!))[0]!;
    const rows = first.length;
    const full: Vector[] = this.columns.map(() => UNREAD);
    fcols.forEach((c, k) => { full[c] = first.columns[k]!; });
    const kept = new Int32Array(rows);
    const sel = new Int32Array(Math.min(rows, PARQUET_BATCH));
    let total = 0;
    let failure: unknown = null;
    for (let start = 0; start < rows && failure === null; start += PARQUET_BATCH) {
      const end = Math.min(rows, start + PARQUET_BATCH);
      const b: Batch = { length: end - start, columns: full.map((v) => (v === UNREAD ? v : sliceVector(v, start, end))) };
      let n: number;
      try {
        n = this.filter!(b, ctx, sel);
      } catch (e) {
        // The rows accepted before the failing one still go out first (as acceptedRows does).
        n = evalFailure.k;
        failure = e;
      }
      for (let j = 0; j < n; j++) kept[total++] = start + sel[j]!;
    }
    if (total > 0) {
      const all = total === rows;
      const others = this.columns.map((_, i) => i).filter((i) => full[i] === UNREAD);
      const rest = this.source.read(p, others.map((c) => this.columns[c]!), all ? null : kept, total)[0]!;
      const cols = full.map((v) => (v === UNREAD ? v : all ? v : takeVector(v, kept, total)));
      others.forEach((c, k) => { cols[c] = rest.columns[k]!; });
      const out: Batch = { length: total, columns: cols };
      for (let start = 0; start < total; start += PARQUET_BATCH) {
        const end = Math.min(total, start + PARQUET_BATCH);
        yield start === 0 && end === total ? out : sliceBatch(out, start, end);
      }
    }
    if (failure !== null) throw failure;
  }

  *execute(ctx: ExecContext, partition: number): Generator<Batch> {
    const p = this.kept[partition];
    if (p === undefined) return;
    if (this.filterCols && this.source.isRowGroup(p)) { yield* this.filterFirst(ctx, p); return; }
    let sel: Int32Array | null = null;
    for (const group of this.source.read(p, this.columns)) {
      for (let start = 0; start < group.length; start += PARQUET_BATCH) {
        const end = Math.min(group.length, start + PARQUET_BATCH);
        const b = start === 0 && end === group.length ? group : sliceBatch(group, start, end);
        if (this.filter) {
          if (!sel || sel.length < b.length) sel = new Int32Array(Math.max(b.length, 1024));
          yield* acceptedRows(this.filter, b, ctx, sel);
        } else {
          yield b;
        }
      }
    }
  }
}

/** Stands for a column the filter does not read while it runs. */
const UNREAD: Vector = { type: { id: 'unknown' } as Vector['type'], length: 0, data: [], valid: null };

const INTEGER = new Set(['int2', 'int4', 'int8']);
/** The constant compares with the column's values as the engine would (same type, or integers of any width). */
function comparable(col: Expr, c: Expr): boolean {
  return col.type.id === c.type.id || (INTEGER.has(col.type.id) && INTEGER.has(c.type.id));
}

const FLIP: Record<string, PruneOp> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * The conjuncts of the scan's filters that footer statistics can judge: column op constant (either
 * way round), IN lists of constants, and ANDs of these (BETWEEN arrives as >= AND <=).
 */
function prunePredicates(filters: Expr[], columns: number[]): PrunePredicate[] {
  const out: PrunePredicate[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'and') { e.args.forEach(visit); return; }
    if (e.kind === 'call' && e.args.length === 2 && FLIP[e.fn.name] !== undefined) {
      const [a, b] = e.args as [Expr, Expr];
      if (a.kind === 'col' && b.kind === 'const' && comparable(a, b)) out.push({ column: columns[a.index]!, op: e.fn.name as PruneOp, values: [b.value] });
      else if (b.kind === 'col' && a.kind === 'const' && comparable(b, a)) out.push({ column: columns[b.index]!, op: FLIP[e.fn.name]!, values: [a.value] });
      return;
    }
    if (e.kind === 'inlist' && !e.negated && e.arg.kind === 'col' && e.eq.name === '=') {
      const arg = e.arg;
      if (e.list.every((x) => x.kind === 'const' && comparable(arg, x))) {
        out.push({ column: columns[arg.index]!, op: 'in', values: e.list.map((x) => (x as Extract<Expr, { kind: 'const' }>).value) });
      }
    }
  };
  filters.forEach(visit);
  return out;
}
