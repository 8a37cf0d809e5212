import type { Batch } from '../../common/vector.js';
import { VectorBuilder } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import { setFunction } from '../../udf/set_functions.js';
import type { RowValue } from '../../udf/row_value.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { evalConstant, type CompileEnv } from '../compile.js';
import { slicePause, sliceUsed } from '../pause.js';
import { AdaptiveBatch } from '../statement_run.js';

const OUT_BATCH = 65536;

/** A set-returning function in FROM (generate_series, unnest, ...), optionally WITH ORDINALITY. */
export class TableFunctionExec implements PhysicalOperator {
  readonly name = 'TableFunctionExec';
  readonly children: PhysicalOperator[] = [];
  constructor(private fn: string, private args: Expr[], private ordinality: boolean, readonly schema: Field[], private env: CompileEnv) {}
  describe(): string { return `${this.fn}(${this.args.length} args)`; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    if (this.fn === 'unnest_zip') { yield* this.zip(ctx); return; }
    if (setFunction(this.fn)!.yieldsRows) { yield* this.fields(ctx); return; }
    const f = setFunction(this.fn)!;
    const vals = this.args.map((a) => evalConstant(a, ctx, this.env));
    if (f.strict && vals.some((v) => v === null)) return;
    const t = this.schema[0]!.type;
    let out = new VectorBuilder(t, 1024);
    let ord = this.ordinality ? new VectorBuilder(this.schema[1]!.type, 1024) : null;
    let count = 0n;
    const size = new AdaptiveBatch(ctx.run, 8192, OUT_BATCH);
    const flush = (): Batch => {
      const b: Batch = { length: out.length, columns: ord ? [out.finish(), ord.finish()] : [out.finish()] };
      out = new VectorBuilder(t, 1024);
      ord = this.ordinality ? new VectorBuilder(this.schema[1]!.type, 1024) : null;
      return b;
    };
    for (const v of f.generate(vals)) {
      out.push(v);
      ord?.push(++count);
      // A pause may come between two values: the batch being built waits for the next turn.
      if ((out.length & 8191) === 0 && sliceUsed(ctx)) yield slicePause();
      if (out.length >= size.size) {
        size.begin();
        yield flush();
        size.end();
      }
    }
    if (out.length > 0) yield flush();
  }

  /** A function with several output columns (jsonb_each): each row it yields is a RowValue of them. */
  private *fields(ctx: ExecContext): Generator<Batch> {
    const f = setFunction(this.fn)!;
    const vals = this.args.map((a) => evalConstant(a, ctx, this.env));
    if (f.strict && vals.some((v) => v === null)) return;
    const width = this.schema.length - (this.ordinality ? 1 : 0);
    let builders = this.schema.map((c) => new VectorBuilder(c.type, 1024));
    let count = 0n;
    for (const row of f.generate(vals)) {
      const values = (row as RowValue).values;
      for (let c = 0; c < width; c++) builders[c]!.push(values[c]);
      if (this.ordinality) builders[width]!.push(++count);
      if (builders[0]!.length >= OUT_BATCH) {
        yield { length: builders[0]!.length, columns: builders.map((b) => b.finish()) };
        builders = this.schema.map((c) => new VectorBuilder(c.type, 1024));
      }
    }
    if (builders[0]!.length > 0) yield { length: builders[0]!.length, columns: builders.map((b) => b.finish()) };
  }

  /** unnest(a, b, ...): row i holds element i of every array (NULL past an array's end). */
  private *zip(ctx: ExecContext): Generator<Batch> {
    const arrays = this.args.map((a) => (evalConstant(a, ctx, this.env) as unknown[] | null) ?? []);
    const n = Math.max(0, ...arrays.map((a) => a.length));
    const builders = this.schema.map((f) => new VectorBuilder(f.type, Math.max(n, 1)));
    for (let i = 0; i < n; i++) {
      arrays.forEach((a, c) => builders[c]!.push(i < a.length ? a[i] : null));
      if (this.ordinality) builders[arrays.length]!.push(BigInt(i + 1));
    }
    if (n > 0) yield { length: n, columns: builders.map((b) => b.finish()) };
  }
}
