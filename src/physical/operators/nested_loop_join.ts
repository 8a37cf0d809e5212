/**
 * Joins on arbitrary conditions (and cross products): the right input is materialized and every
 * left row is paired with every right row. Pairs go through the condition BATCH_SIZE at a time,
 * gathered into a batch, so the condition is still evaluated by one compiled loop.
 */
import type { Batch } from '../../common/vector.js';
import { BATCH_SIZE } from '../../common/vector.js';
import type { Expr } from '../../logical/expr.js';
import { T } from '../../common/types.js';
import type { Field, JoinType } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { executeAll } from '../operator.js';
import { compileFilter, type CompileEnv, type FilterFn } from '../compile.js';
import { PairJoiner, leftRemainder, materializing, rightRemainder } from './hash_join.js';
import { exprText } from './sort.js';
import { isPause, slicePause, sliceUsed } from '../pause.js';

export class NestedLoopJoinExec implements PhysicalOperator {
  readonly name = 'NestedLoopJoinExec';
  readonly children: PhysicalOperator[];
  private readonly filter: FilterFn | null;

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly joinType: JoinType,
    readonly on: Expr | null,
    readonly nullAware: boolean,
    readonly schema: Field[],
    env: CompileEnv,
  ) {
    this.children = [left, right];
    let cond = on;
    // NOT IN: a comparison that is NULL (unknown) rules the left row out just as TRUE does.
    if (cond && nullAware && joinType === 'anti') cond = { kind: 'isbool', arg: cond, test: 'false', negated: true, type: T.bool };
    this.filter = cond ? compileFilter(cond, env) : null;
  }

  describe(): string {
    let s = `type: ${this.joinType}`;
    s += this.on ? `, on: ${exprText(this.on)}` : ', cross';
    if (this.nullAware) s += ', null-aware';
    return s;
  }

  partitions(): number { return 1; }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    const jt = this.joinType;
    const right = yield* materializing(this.right, ctx);
    const m = right.length;
    if (m === 0 && (jt === 'inner' || jt === 'semi' || jt === 'right')) return;
    const pj = new PairJoiner(jt, this.filter, this.on, right, this.left.schema.length);
    const semiAnti = jt === 'semi' || jt === 'anti';
    for (const lb of executeAll(this.left, ctx)) {
      const n = lb.length;
      if (n === 0) { if (isPause(lb)) yield lb; continue; }
      if (semiAnti && this.filter === null) {
        if ((jt === 'semi') === (m > 0)) yield lb;
        continue;
      }
      const lm = new Uint8Array(n);
      pj.leftMatched = lm;
      const l = pj.l, r = pj.r;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          // A semi or anti join has its answer for this row at the first match.
          if (semiAnti && lm[i]) break;
          l[pj.n] = i; r[pj.n++] = j;
          if (pj.n === BATCH_SIZE) {
            const out = pj.flush(lb, ctx);
            if (out) yield out;
            // One left batch against a large right side is a long step: it takes its turns too.
            if (sliceUsed(ctx)) yield slicePause();
          }
        }
      }
      const out = pj.flush(lb, ctx);
      if (out) yield out;
      yield* leftRemainder(jt, lb, lm, right);
    }
    if (pj.rightMatched) yield* rightRemainder(this.left.schema, right, pj.rightMatched);
  }
}
