/**
 * SELECT DISTINCT (all columns) and DISTINCT ON (keys): the first row of each key tuple, in input
 * order, streamed as soon as it is seen. NULLs are equal to each other here, as in GROUP BY.
 */
import type { Batch } from '../../common/vector.js';
import { takeBatch } from '../../common/vector.js';
import type { Expr } from '../../logical/expr.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { executeAll } from '../operator.js';
import { compileExpr, type CompileEnv, type VectorFn } from '../compile.js';
import { GroupTable } from '../group_table.js';
import { exprText } from './sort.js';
import { isPause } from '../pause.js';

export class DistinctExec implements PhysicalOperator {
  readonly name = 'DistinctExec';
  readonly children: PhysicalOperator[];
  private readonly keyFns: VectorFn[] | null;

  constructor(
    readonly input: PhysicalOperator,
    readonly onKeys: Expr[] | null,
    readonly schema: Field[],
    env: CompileEnv,
  ) {
    this.children = [input];
    this.keyFns = onKeys ? onKeys.map((e) => compileExpr(e, env)) : null;
  }

  describe(): string {
    return this.onKeys ? `on: ${this.onKeys.map(exprText).join(', ')}` : 'all columns';
  }

  partitions(): number { return 1; }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    const keyTypes = this.onKeys ? this.onKeys.map((e) => e.type) : this.input.schema.map((f) => f.type);
    const table = new GroupTable(keyTypes);
    let ids = new Int32Array(0), sel = new Int32Array(0);
    for (const b of executeAll(this.input, ctx)) {
      const n = b.length;
      if (n === 0) { if (isPause(b)) yield b; continue; }
      if (ids.length < n) { ids = new Int32Array(n); sel = new Int32Array(n); }
      const keys = this.keyFns ? this.keyFns.map((f) => f(b, ctx)) : b.columns;
      // Ids are handed out in row order, so a row is the first of its key exactly when its id is
      // the next new one.
      let next = table.size;
      table.insert(keys, n, ids);
      let k = 0;
      for (let i = 0; i < n; i++) if (ids[i] === next) { sel[k++] = i; next++; }
      if (k > 0) yield k === n ? b : takeBatch(b, sel, k);
    }
  }
}
