import type { Batch, Vector } from '../../common/vector.js';
import { BATCH_SIZE, getValue, takeVector } from '../../common/vector.js';
import type { Field, JoinType } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import type { ExecContext } from '../context.js';
import { executeAll, type PhysicalOperator } from '../operator.js';
import { compileExpr, compileFilter, type CompileEnv, type FilterFn, type VectorFn } from '../compile.js';
import { materializing } from './hash_join.js';
import { isPause, slicePause, sliceUsed } from '../pause.js';

/**
 * LATERAL join: the right side is run once per left row, with that row's values bound to the
 * right side's outer references. Inner and left joins; the ON condition filters the pairs.
 */
export class LateralJoinExec implements PhysicalOperator {
  readonly name = 'LateralJoinExec';
  readonly children: PhysicalOperator[];
  private args: VectorFn[];
  private filter: FilterFn | null;

  constructor(readonly left: PhysicalOperator, readonly right: PhysicalOperator, private joinType: JoinType, lateral: Expr[], on: Expr | null, readonly schema: Field[], env: CompileEnv) {
    this.children = [left, right];
    this.args = lateral.map((e) => compileExpr(e, env));
    this.filter = on ? compileFilter(on, env) : null;
  }

  describe(): string { return `type: ${this.joinType}, ${this.args.length} lateral reference(s)${this.filter ? ', with condition' : ''}`; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const leftJoin = this.joinType === 'left';
    const rightWidth = this.right.schema.length;
    for (const lb of executeAll(this.left, ctx)) {
      if (isPause(lb)) { yield lb; continue; }
      const argVecs = this.args.map((f) => f(lb, ctx));
      for (let i = 0; i < lb.length; i++) {
        const outer = argVecs.map((v) => valueAt(v, i));
        // The right side runs once per left row: each run may be the long step that takes a turn.
        if (sliceUsed(ctx)) yield slicePause();
        const rb = yield* materializing(this.right, { ...ctx, outer });
        let matched = 0;
        for (let s = 0; s < rb.length; s += BATCH_SIZE) {
          const m = Math.min(BATCH_SIZE, rb.length - s);
          const lsel = new Int32Array(m).fill(i);
          const rsel = new Int32Array(m);
          for (let k = 0; k < m; k++) rsel[k] = s + k;
          let out: Batch = { length: m, columns: [...lb.columns.map((c) => takeVector(c, lsel, m)), ...rb.columns.map((c) => takeVector(c, rsel, m))] };
          if (this.filter) {
            const sel = new Int32Array(m);
            const n = this.filter(out, ctx, sel);
            if (n < m) out = { length: n, columns: out.columns.map((c) => takeVector(c, sel, n)) };
          }
          matched += out.length;
          if (out.length) yield out;
        }
        if (leftJoin && matched === 0) {
          const one = Int32Array.of(i), none = Int32Array.of(-1);
          yield { length: 1, columns: [...lb.columns.map((c) => takeVector(c, one, 1)), ...rb.columns.slice(0, rightWidth).map((c) => takeVector(c, none, 1))] };
        }
      }
    }
  }
}

function valueAt(v: Vector, i: number): unknown {
  return getValue(v, i);
}
