/**
 * EXPLAIN ANALYZE: wraps an operator to count the rows and batches it produces and the time spent
 * producing them (inclusive of its inputs, as PostgreSQL's "actual time").
 */
import type { Batch } from '../common/vector.js';
import type { Field } from '../logical/plan.js';
import type { ExecContext } from './context.js';
import type { PhysicalOperator } from './operator.js';
import { isPause } from './pause.js';

export class InstrumentedExec implements PhysicalOperator {
  rows = 0;
  batches = 0;
  ms = 0;
  loops = 0;
  constructor(readonly inner: PhysicalOperator) {}
  get name(): string { return this.inner.name; }
  get schema(): Field[] { return this.inner.schema; }
  get children(): PhysicalOperator[] { return this.inner.children; }
  describe(): string {
    const d = this.inner.describe();
    const stats = `rows=${this.rows} batches=${this.batches} time=${this.ms.toFixed(3)} ms${this.loops > 1 ? ` loops=${this.loops}` : ''}`;
    return d ? `${d} (${stats})` : `(${stats})`;
  }
  partitions(): number { return this.inner.partitions(); }
  /** The wrapped operator's progress units (see driver.ts), so EXPLAIN ANALYZE reports progress too. */
  plannedRows(ctx: ExecContext): number {
    const inner = this.inner as PhysicalOperator & { plannedRows?: (c: ExecContext) => number };
    return inner.plannedRows ? inner.plannedRows(ctx) : 0;
  }

  *execute(ctx: ExecContext, partition: number): Generator<Batch> {
    this.loops++;
    const it = this.inner.execute(ctx, partition)[Symbol.iterator]();
    for (;;) {
      const t0 = performance.now();
      let r: IteratorResult<Batch>;
      try {
        r = it.next();
      } finally {
        this.ms += performance.now() - t0;
      }
      if (r.done) return;
      this.rows += r.value.length;
      if (!isPause(r.value)) this.batches++;
      yield r.value;
    }
  }
}
