import type { Batch } from '../../common/vector.js';
import { sliceBatch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { evalFailure, type VectorFn } from '../compile.js';
import { isPause } from '../pause.js';

/** Computes output columns from compiled expressions; plain column references pass through. */
export class ProjectExec implements PhysicalOperator {
  readonly name = 'ProjectExec';
  readonly children: PhysicalOperator[];
  constructor(readonly input: PhysicalOperator, private exprs: VectorFn[], readonly schema: Field[], private texts: string[]) {
    this.children = [input];
  }
  describe(): string { return this.texts.join(', '); }
  partitions(): number { return this.input.partitions(); }

  *execute(ctx: ExecContext, partition: number): Generator<Batch> {
    for (const b of this.input.execute(ctx, partition)) {
      if (isPause(b)) { yield b; continue; }
      let cur = b;
      let failure: unknown = null;
      for (;;) {
        let out: Batch;
        try {
          out = this.compute(cur, ctx);
        } catch (e) {
          // An expression failed at some row: the rows before it go on first (they may be all a
          // LIMIT needs), then the error. An earlier row may fail in a later column; computing
          // the prefix again finds that one, which is the error row-at-a-time execution raises.
          const r = evalFailure.row;
          evalFailure.row = -1;
          if (r <= 0 || r >= cur.length) throw e;
          failure = e;
          cur = sliceBatch(cur, 0, r);
          continue;
        }
        yield out;
        break;
      }
      if (failure !== null) throw failure;
    }
  }

  private compute(b: Batch, ctx: ExecContext): Batch {
    const fs = this.exprs;
    const cols = new Array(fs.length);
    for (let i = 0; i < fs.length; i++) cols[i] = fs[i]!(b, ctx);
    return { length: b.length, columns: cols };
  }
}
