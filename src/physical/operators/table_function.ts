import type { Batch } from '../../common/vector.js';
import { VectorBuilder } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import { Decimal } from '../../common/decimal.js';
import { timestampAddInterval, intervalCmp, Interval } from '../../common/datetime.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { evalConstant, type CompileEnv } from '../compile.js';

const OUT_BATCH = 65536;

/** generate_series and unnest in FROM. */
export class TableFunctionExec implements PhysicalOperator {
  readonly name = 'TableFunctionExec';
  readonly children: PhysicalOperator[] = [];
  constructor(private fn: string, private args: Expr[], private ordinality: boolean, readonly schema: Field[], private env: CompileEnv) {}
  describe(): string { return `${this.fn}(${this.args.length} args)`; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const vals = this.args.map((a) => evalConstant(a, ctx, this.env));
    const t = this.schema[0]!.type;
    let out = new VectorBuilder(t, 1024);
    let ord = this.ordinality ? new VectorBuilder(this.schema[1]!.type, 1024) : null;
    let count = 0n;
    const flush = (): Batch => {
      const b: Batch = { length: out.length, columns: ord ? [out.finish(), ord.finish()] : [out.finish()] };
      out = new VectorBuilder(t, 1024);
      ord = this.ordinality ? new VectorBuilder(this.schema[1]!.type, 1024) : null;
      return b;
    };
    const push = (v: unknown): boolean => {
      out.push(v);
      ord?.push(++count);
      return out.length >= OUT_BATCH;
    };
    if (this.fn === 'unnest') {
      for (const v of vals) if (push(v)) yield flush();
    } else if (vals.some((v) => v === null)) {
      return;
    } else if (t.id === 'int4' || t.id === 'int8') {
      const big = t.id === 'int8';
      let cur = big ? vals[0] as bigint : BigInt(vals[0] as number);
      const stop = big ? vals[1] as bigint : BigInt(vals[1] as number);
      const step = big ? vals[2] as bigint : BigInt(vals[2] as number);
      if (step === 0n) throw new QuiverError(SqlState.invalidParameterValue, 'step size cannot equal zero');
      for (; step > 0n ? cur <= stop : cur >= stop; cur += step) if (push(big ? cur : Number(cur))) yield flush();
    } else if (t.id === 'numeric') {
      let cur = vals[0] as Decimal;
      const stop = vals[1] as Decimal, step = vals[2] as Decimal;
      if (step.isZero()) throw new QuiverError(SqlState.invalidParameterValue, 'step size cannot equal zero');
      const up = step.sign() > 0;
      for (; up ? cur.cmp(stop) <= 0 : cur.cmp(stop) >= 0; cur = cur.add(step)) if (push(cur)) yield flush();
    } else {
      let cur = vals[0] as number;
      const stop = vals[1] as number, step = vals[2] as Interval;
      const sign = intervalCmp(step, new Interval(0, 0, 0));
      if (sign === 0) throw new QuiverError(SqlState.invalidParameterValue, 'step size cannot equal zero');
      for (; sign > 0 ? cur <= stop : cur >= stop; cur = timestampAddInterval(cur, step)) if (push(cur)) yield flush();
    }
    if (out.length > 0) yield flush();
  }
}
