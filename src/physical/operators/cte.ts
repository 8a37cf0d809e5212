import type { Batch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import { executeAll, type PhysicalOperator } from '../operator.js';
import { CteBuffer } from './cte_scan.js';

/**
 * The materialized CTEs of a WITH clause: each run gives every CTE a fresh buffer (so a WITH
 * inside a correlated subquery is computed again for each outer row) and runs the query that
 * reads them. A definition runs with this operator's context, whichever scan pulls its rows.
 */
export class CteExec implements PhysicalOperator {
  readonly name = 'CteExec';
  readonly children: PhysicalOperator[];
  constructor(private ctes: { id: number; name: string; op: PhysicalOperator }[], private input: PhysicalOperator, readonly schema: Field[]) {
    this.children = [...ctes.map((c) => c.op), input];
  }
  describe(): string { return this.ctes.map((c) => c.name).join(', '); }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const buffers = new Map(ctx.ctes ?? []);
    const inner: ExecContext = { ...ctx, ctes: buffers };
    // Definitions may read one another (WITH RECURSIVE allows forward references), so every
    // buffer is in place before any is computed.
    for (const c of this.ctes) buffers.set(c.id, new CteBuffer(() => executeAll(c.op, inner)));
    yield* executeAll(this.input, inner);
  }
}
