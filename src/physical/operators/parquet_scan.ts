/**
 * Scan of Parquet files (read_parquet): one partition per row group that survives pruning by its
 * footer statistics; each decodes only the projected columns and applies the pushed-down filter.
 */
import { sliceBatch, type Batch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import type { FilterFn } from '../compile.js';
import { acceptedRows } from './filter.js';
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

  constructor(
    private readonly source: ParquetSource, private readonly names: string[], readonly columns: number[], readonly schema: Field[],
    filters: Expr[], private filter: FilterFn | null, private filterText: string,
  ) {
    this.prune = prunePredicates(filters, columns);
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
      + (this.filterText ? `, filter: ${this.filterText}` : '');
  }

  partitions(): number { return this.kept.length; }

  *execute(ctx: ExecContext, partition: number): Generator<Batch> {
    const p = this.kept[partition];
    if (p === undefined) return;
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
