import type { Batch } from '../../common/vector.js';
import { sliceVector } from '../../common/vector.js';
import type { TableEntry } from '../../catalog/catalog.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import type { FilterFn } from '../compile.js';
import { acceptedRows } from './filter.js';
import { slicePause, sliceUsed } from '../pause.js';
import { AdaptiveBatch, rowsIn, statementChunks } from '../statement_run.js';

/** Batches of a scan are chunk slices: zero-copy views for typed-array columns. */
const SCAN_BATCH = 65536;
const MIN_SCAN_BATCH = 8192;

/** Reads a table's chunks, keeping only the needed columns and applying pushed-down filters. */
export class ScanExec implements PhysicalOperator {
  readonly name = 'ScanExec';
  readonly children: PhysicalOperator[] = [];
  constructor(readonly table: TableEntry, readonly columns: number[], readonly schema: Field[], private filter: FilterFn | null, private filterText: string) {}

  describe(): string {
    return `table: ${this.table.name}, columns: [${this.columns.map((c) => this.table.columns[c]!.name).join(', ')}]${this.filterText ? `, filter: ${this.filterText}` : ''}`;
  }
  partitions(): number { return 1; }

  /** Rows this scan reads (progress units); the statement's view of the table is fixed here. */
  plannedRows(ctx: ExecContext): number {
    return rowsIn(statementChunks(ctx.run, this.table.data));
  }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    const chunks = statementChunks(ctx.run, this.table.data);
    let sel: Int32Array | null = null;
    const size = new AdaptiveBatch(ctx.run, MIN_SCAN_BATCH, SCAN_BATCH);
    for (const chunk of chunks) {
      // A slice of a plain-array column (text) is a copy, and copies of 64K pointers measured
      // tens of times slower per element than of 8K (large-object allocation): smaller batches
      // when one is read.
      const textRead = !this.columns.every((c) => ArrayBuffer.isView(chunk.columns[c]!.data));
      for (let start = 0, end = 0; start < chunk.length; start = end) {
        if (sliceUsed(ctx)) yield slicePause();
        end = Math.min(chunk.length, start + (textRead ? MIN_SCAN_BATCH : size.size));
        ctx.run?.advance(end - start);
        // Only the needed columns are sliced: a slice of a text column is a copy.
        const whole = start === 0 && end === chunk.length;
        const b: Batch = { length: end - start, columns: this.columns.map((c) => (whole ? chunk.columns[c]! : sliceVector(chunk.columns[c]!, start, end))) };
        size.begin();
        if (this.filter) {
          if (!sel || sel.length < b.length) sel = new Int32Array(Math.max(b.length, 1024));
          yield* acceptedRows(this.filter, b, ctx, sel);
        } else {
          yield b;
        }
        size.end();
      }
    }
  }
}
