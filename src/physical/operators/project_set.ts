import type { Batch, Vector } from '../../common/vector.js';
import { VectorBuilder, getValue, sliceBatch, takeBatch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import { setFunction, type SetFunction } from '../../udf/set_functions.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { compileExpr, evalFailure, type CompileEnv, type VectorFn } from '../compile.js';
import { isPause } from '../pause.js';

/**
 * Set-returning functions in a select list: each input row is repeated as many times as its
 * longest function result, shorter results padded with NULLs (PostgreSQL 10+ semantics).
 */
export class ProjectSetExec implements PhysicalOperator {
  readonly name = 'ProjectSetExec';
  readonly children: PhysicalOperator[];
  private fns: SetFunction[];
  private args: VectorFn[][];
  constructor(readonly input: PhysicalOperator, private calls: { name: string; args: Expr[] }[], readonly schema: Field[], env: CompileEnv) {
    this.children = [input];
    this.fns = calls.map((c) => setFunction(c.name)!);
    this.args = calls.map((c) => c.args.map((a) => compileExpr(a, env)));
  }
  describe(): string { return this.calls.map((c) => c.name).join(', '); }
  partitions(): number { return this.input.partitions(); }

  *execute(ctx: ExecContext, partition: number): Generator<Batch> {
    const inW = this.input.schema.length;
    const outTypes = this.schema.slice(inW).map((f) => f.type);
    for (const input of this.input.execute(ctx, partition)) {
      if (isPause(input)) { yield input; continue; }
      // A row that fails (in an argument or in the function) ends the batch: the rows before it
      // go on first, then the error, as in ProjectExec, so a LIMIT they satisfy never sees it.
      let b = input;
      let failure: unknown = null;
      let argVecs: Vector[][];
      for (;;) {
        try {
          argVecs = this.args.map((fs) => fs.map((f) => f(b, ctx)));
          break;
        } catch (e) {
          const r = evalFailure.row;
          evalFailure.row = -1;
          if (r <= 0 || r >= b.length) throw e;
          failure = e;
          b = sliceBatch(b, 0, r);
        }
      }
      const rows: number[] = [];
      const builders = outTypes.map((t) => new VectorBuilder(t, b.length));
      for (let i = 0; i < b.length; i++) {
        let results: unknown[][];
        try {
          results = this.fns.map((f, k) => {
            const vals = argVecs[k]!.map((v) => valueAt(v, i));
            if (f.strict && vals.some((x) => x === null)) return [];
            return [...f.generate(vals)];
          });
        } catch (e) {
          if (i === 0) throw e;
          failure = e;
          break;
        }
        const n = Math.max(0, ...results.map((r) => r.length));
        for (let j = 0; j < n; j++) {
          rows.push(i);
          results.forEach((r, k) => builders[k]!.push(j < r.length ? r[j] : null));
        }
      }
      if (rows.length > 0) {
        const base = takeBatch(b, Int32Array.from(rows), rows.length);
        yield { length: rows.length, columns: [...base.columns, ...builders.map((x) => x.finish())] };
      }
      if (failure !== null) throw failure;
    }
  }
}

function valueAt(v: Vector, i: number): unknown {
  return getValue(v, i);
}
