import type { Batch } from '../../common/vector.js';
import { sliceBatch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { Expr } from '../../logical/expr.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { evalConstant, compileExpr, type CompileEnv, type VectorFn } from '../compile.js';
import type { SortKey } from '../../logical/expr.js';
import { keyOf } from '../group_table.js';
import { isPause } from '../pause.js';

/** OFFSET then LIMIT; stops pulling from its input once the limit is reached. */
export class LimitExec implements PhysicalOperator {
  readonly name = 'LimitExec';
  readonly children: PhysicalOperator[];
  private tieKeys: VectorFn[] | null;
  constructor(readonly input: PhysicalOperator, private limit: Expr | null, private offset: Expr | null, private env: CompileEnv, withTies: SortKey[] | null = null) {
    this.children = [input];
    this.tieKeys = withTies ? withTies.map((k) => compileExpr(k.expr, env)) : null;
  }
  get schema(): Field[] { return this.input.schema; }
  describe(): string { return `limit: ${this.limit ? show(this.limit) : 'ALL'}, offset: ${this.offset ? show(this.offset) : 0}`; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const lim = this.limit ? evalConstant(this.limit, ctx, this.env) as bigint | null : null;
    const off = this.offset ? evalConstant(this.offset, ctx, this.env) as bigint | null : null;
    if (lim !== null && lim < 0n) throw new QuiverError(SqlState.invalidRowCountInLimit, 'LIMIT must not be negative');
    if (off !== null && off < 0n) throw new QuiverError(SqlState.invalidRowCountInOffset, 'OFFSET must not be negative');
    let skip = off === null ? 0 : Number(off);
    let tie: unknown[] | null = null;
    let left = lim === null ? Infinity : Number(lim);
    if (left === 0) return;
    const n = this.input.partitions();
    for (let p = 0; p < n; p++) {
      for (const b of this.input.execute(ctx, p)) {
        if (isPause(b)) { yield b; continue; }
        let start = 0;
        if (tie) {
          const keys = this.tieKeys!.map((f) => f(b, ctx));
          let e = 0;
          while (e < b.length && keys.every((k, c) => keyOf(k, e) === tie![c])) e++;
          if (e > 0) yield sliceBatch(b, 0, e);
          if (e < b.length) return;
          continue;
        }
        if (skip > 0) {
          if (skip >= b.length) { skip -= b.length; continue; }
          start = skip; skip = 0;
        }
        const end = Math.min(b.length, start + left);
        if (this.tieKeys && end > start && end === start + left) {
          // The limit ends in this batch: extend it over the rows that tie with its last row.
          const keys = this.tieKeys.map((f) => f(b, ctx));
          const last = keys.map((k) => keyOf(k, end - 1));
          let e = end;
          while (e < b.length && keys.every((k, c) => keyOf(k, e) === last[c])) e++;
          yield start === 0 && e === b.length ? b : sliceBatch(b, start, e);
          if (e < b.length) return;
          tie = last;
          left = 0;
          continue;
        }
        yield start === 0 && end === b.length ? b : sliceBatch(b, start, end);
        left -= end - start;
        if (left <= 0) return;
      }
    }
  }
}

function show(e: Expr): string { return e.kind === 'const' ? String(e.value) : 'expr'; }
