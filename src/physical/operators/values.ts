import type { Batch } from '../../common/vector.js';
import { VectorBuilder } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { evalConstant, type CompileEnv } from '../compile.js';
import { slicePause, sliceUsed } from '../pause.js';

/** Rows given literally (VALUES, SELECT without FROM). */
export class ValuesExec implements PhysicalOperator {
  readonly name = 'ValuesExec';
  readonly children: PhysicalOperator[] = [];
  constructor(private rows: Expr[][], readonly schema: Field[], private env: CompileEnv) {}
  describe(): string { return `rows: ${this.rows.length}`; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const builders = this.schema.map((f) => new VectorBuilder(f.type, Math.max(this.rows.length, 1)));
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      for (let c = 0; c < r.length; c++) builders[c]!.push(evalConstant(r[c]!, ctx, this.env));
      // A long VALUES list (a bulk INSERT) is evaluated in turns.
      if ((i & 1023) === 1023 && sliceUsed(ctx)) yield slicePause();
    }
    yield { length: this.rows.length, columns: builders.map((b) => b.finish()) };
  }
}
