/**
 * The physical operator contract. Operators pull batches from their children through generators.
 * An operator is split into `partitions()` independent streams; every operator here runs each
 * partition with the same code, so the worker-thread executor can run partitions in parallel.
 */
import type { Batch } from '../common/vector.js';
import type { Field } from '../logical/plan.js';
import type { ExecContext } from './context.js';

export interface PhysicalOperator {
  /** e.g. 'HashJoinExec', shown by EXPLAIN. */
  readonly name: string;
  readonly schema: Field[];
  readonly children: PhysicalOperator[];
  /** Details for EXPLAIN, e.g. 'on: #0 = #3'. */
  describe(): string;
  /** Number of independent output streams (1 for operators that need all their input). */
  partitions(): number;
  execute(ctx: ExecContext, partition: number): Iterable<Batch>;
}

/** Runs every partition of an operator in turn and yields all its batches. */
export function* executeAll(op: PhysicalOperator, ctx: ExecContext): Generator<Batch> {
  const n = op.partitions();
  for (let p = 0; p < n; p++) yield* op.execute(ctx, p);
}
