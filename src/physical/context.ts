/**
 * What an operator needs at run time besides its input: statement parameters, the values of the
 * enclosing row for correlated subqueries, the random source and the statement's clock.
 */
import type { Batch } from '../common/vector.js';
import type { CteBuffer } from './operators/cte_scan.js';
import type { StatementRun } from './statement_run.js';

export interface ExecContext {
  params: unknown[];
  /** Values bound to OuterExpr slots while a correlated subquery runs. */
  outer: unknown[];
  /** Statement start time (microseconds since the epoch, local time as timestamp without time zone). */
  now: number;
  /** random(): the session's generator, so setseed in one session leaves the others alone. */
  random: () => number;
  /** setseed(): reseeds `random`; absent where there is no session (constant folding). */
  setseed?: (seed: number) => void;
  /** Work tables of running recursive CTEs, by id. */
  workTables: Map<number, Batch[]>;
  /** Rows of the materialized CTEs in scope, by id (set by the CteExec above their scans). */
  ctes?: Map<number, CteBuffer>;
  /**
   * The statement's time slice, cancellation, progress and table snapshots, shared by every copy
   * of this context. Absent when operators are run directly, without the driver (then sources
   * never pause and read the tables' current chunks).
   */
  run?: StatementRun;
  /** Worker threads a query may use (`SET threads`); absent or 1 = everything in process. */
  threads?: number;
  /**
   * Set by a driver that awaits `Pause.wait` (see pause.ts): an operator waiting for workers then
   * yields a pause instead of blocking the thread until they answer.
   */
  awaitsPauses?: boolean;
}
