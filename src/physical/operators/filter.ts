import type { Batch } from '../../common/vector.js';
import { takeBatch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { evalFailure, type FilterFn } from '../compile.js';
import { isPause } from '../pause.js';

/** Keeps the rows for which the compiled predicate is true. */
export class FilterExec implements PhysicalOperator {
  readonly name = 'FilterExec';
  readonly children: PhysicalOperator[];
  constructor(readonly input: PhysicalOperator, private filter: FilterFn, private text: string) {
    this.children = [input];
  }
  get schema(): Field[] { return this.input.schema; }
  describe(): string { return this.text; }
  partitions(): number { return this.input.partitions(); }

  *execute(ctx: ExecContext, partition: number): Generator<Batch> {
    let sel = new Int32Array(1024);
    for (const b of this.input.execute(ctx, partition)) {
      if (isPause(b)) { yield b; continue; }
      if (sel.length < b.length) sel = new Int32Array(b.length);
      yield* acceptedRows(this.filter, b, ctx, sel);
    }
  }
}

/**
 * The rows of b the predicate accepts (none, b itself, or a copy of the selected rows). When the
 * predicate fails, the rows it accepted before the failing one go on first, then the error: a
 * consumer that needs no more (LIMIT) never asks for the row that fails. `sel` holds b.length.
 */
export function* acceptedRows(filter: FilterFn, b: Batch, ctx: ExecContext, sel: Int32Array): Generator<Batch> {
  let n: number;
  try {
    n = filter(b, ctx, sel);
  } catch (e) {
    const k = evalFailure.k;
    if (k > 0) yield takeBatch(b, sel, k);
    throw e;
  }
  if (n === 0) return;
  yield n === b.length ? b : takeBatch(b, sel, n);
}
