import type { Batch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import type { VectorFn } from '../compile.js';

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
    const fs = this.exprs;
    for (const b of this.input.execute(ctx, partition)) {
      const cols = new Array(fs.length);
      for (let i = 0; i < fs.length; i++) cols[i] = fs[i]!(b, ctx);
      yield { length: b.length, columns: cols };
    }
  }
}
