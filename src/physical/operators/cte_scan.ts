import type { Batch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { isPause, slicePause, sliceUsed } from '../pause.js';

let serials = 0;

/**
 * The rows of one materialized CTE for one run of its WITH clause. They are computed on demand,
 * as far as the furthest reader has read, and kept for the other readers: every scan sees the
 * same rows, and a scan that stops early (LIMIT, EXISTS) does not force the rest.
 */
export class CteBuffer {
  private readonly batches: Batch[] = [];
  private source: Iterator<Batch> | null = null;
  private done = false;
  /** Distinguishes one run's rows from another's (subquery results are cached by it). */
  readonly serial = ++serials;

  constructor(private readonly compute: () => Iterable<Batch>) {}

  /**
   * The i-th non-empty batch, undefined past the last one, or a pause the computation handed up
   * on the way (the reader hands it on and asks again).
   */
  batch(i: number): Batch | undefined {
    while (i >= this.batches.length && !this.done) {
      this.source ??= this.compute()[Symbol.iterator]();
      const r = this.source.next();
      if (r.done) { this.done = true; this.source = null; } else if (isPause(r.value)) return r.value;
      else if (r.value.length > 0) this.batches.push(r.value);
    }
    return this.batches[i];
  }
}

/** Reads a materialized CTE (the CteExec above it computes the rows). */
export class CteScanExec implements PhysicalOperator {
  readonly name = 'CteScanExec';
  readonly children: PhysicalOperator[] = [];
  constructor(private id: number, private cteName: string, readonly schema: Field[]) {}
  describe(): string { return this.cteName; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const buf = ctx.ctes?.get(this.id);
    if (!buf) throw new QuiverError(SqlState.internalError, `CTE "${this.cteName}" is read outside its WITH clause`);
    for (let i = 0, b = buf.batch(0); b; b = buf.batch(i)) {
      if (sliceUsed(ctx)) yield slicePause();
      if (!isPause(b)) i++;
      yield b;
    }
  }
}
