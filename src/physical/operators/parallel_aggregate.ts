import type { Batch } from '../../common/vector.js';
import type { TableEntry } from '../../catalog/catalog.js';
import type { Field } from '../../logical/plan.js';
import type { AggCall, Expr } from '../../logical/expr.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { waitPause } from '../pause.js';
import type { WireFragment } from '../fragment.js';
import { toWire } from '../wire_value.js';
import { describeChunks, MORSEL_ROWS } from '../morsel.js';
import { workerPool, type Job, type WorkerReply, type Slot } from '../worker_pool.js';
import type { RunMessage } from '../worker.js';
import { mergePartials, type PartialAggregate } from '../partial_state.js';
import type { HashAggregateExec } from './hash_aggregate.js';
import { rebuild } from './gather.js';
import { rowsIn, statementChunks } from '../statement_run.js';

/** Below this many rows a query is not worth a worker's time (posting and merging cost ~1 ms). */
export const PARALLEL_MIN_ROWS = 100_000;

/**
 * The exchange of an aggregate over (filters and projections of) a scan: the table's chunks are
 * cut into morsels, each worker of the pool runs the pipeline and a partial aggregate over the
 * morsels it takes, and the partial states are merged here and finished by the serial aggregate's
 * own code. With `threads = 1`, a small table, or data a worker cannot read (see morsel.ts), the
 * serial aggregate runs in process, unchanged.
 */
/** EXPLAIN's line for an exchange over `table`: its morsels, and what the last run did. */
export function describeExchange(table: TableEntry, last: string): string {
  return `table: ${table.name}, morsels: ${planMorsels(table.data.chunks).length / 3}, workers: threads` + (last ? `, ${last}` : '');
}

export class ParallelAggregateExec implements PhysicalOperator {
  readonly name = 'ParallelAggregateExec';
  readonly children: PhysicalOperator[];
  /** What the last execution did, for EXPLAIN ANALYZE. */
  private last = '';

  /**
   * `serial` is the same aggregate planned for one thread (it also finishes the merged states);
   * `needData[i]`: whether an expression reads scan column i's strings, not only its codes.
   */
  constructor(private serial: PhysicalOperator, private agg: HashAggregateExec, private table: TableEntry, private fragment: WireFragment, private needData: boolean[], private groupBy: Expr[], private calls: AggCall[]) {
    this.children = [serial];
  }

  get schema(): Field[] { return this.serial.schema; }
  partitions(): number { return 1; }

  describe(): string { return describeExchange(this.table, this.last); }

  *execute(ctx: ExecContext): Generator<Batch> {
    // The rows the statement sees (those its serial scan announced for progress).
    const chunks = statementChunks(ctx.run, this.table.data);
    const plan = inProcessReason(ctx, chunks as Batch[], this.fragment.columns, this.needData);
    if (typeof plan === 'string') {
      this.last = `ran in process (${plan})`;
      yield* this.serial.execute(ctx, 0);
      return;
    }
    const job = workerPool().start(plan.slots, plan.control, (slot, id) => plan.message(slot, id, this.fragment));
    try {
      if (ctx.awaitsPauses) yield waitPause(job.done);
      // A driver that awaited the pause finds the job settled; one that did not is waited for
      // here (blocking, but never spinning through pauses the event loop cannot resolve).
      if (!job.settled) job.waitSync();
    } finally {
      // Closed early (the statement was cancelled): the workers need not finish.
      if (!job.settled) job.cancel();
    }
    const partials = this.collect(job);
    if (partials === null) {
      // A worker could not rebuild the fragment (its registry differs): the query runs here.
      this.last = 'ran in process (fragment not supported by a worker)';
      yield* this.serial.execute(ctx, 0);
      return;
    }
    const merged = mergePartials(partials, this.groupBy.map((e) => e.type), this.calls);
    if (merged === null) {
      this.last = 'ran in process (equal numerics of different scales for min or max)';
      yield* this.serial.execute(ctx, 0);
      return;
    }
    // The workers read every row (progress counts rows read, as the serial scan would).
    ctx.run?.advance(rowsIn(chunks));
    this.last = `ran on ${plan.slots.length} workers, morsels per worker: [${partials.map((p) => p.morsels).join(', ')}], worker ms: [${partials.map((p) => p.ms.toFixed(1)).join(', ')}]`;
    yield* this.agg.emit(merged.keys, merged.accs, merged.groups);
  }

  /** The partials, null when a worker could not run the fragment; throws the first error. */
  private collect(job: Job): PartialAggregate[] | null {
    if (job.failure) throw job.failure;
    const errors = job.replies.filter((r): r is Extract<WorkerReply, { ok: false }> => r.ok === false);
    // The error of the earliest morsel is the one the serial aggregate, reading in table order, raises.
    if (errors.length) throw rebuild(errors.reduce((a, b) => (b.morsel < a.morsel ? b : a)).error);
    if (job.replies.some((r) => r.ok === 'unsupported')) return null;
    return job.replies.map((r) => (r as Extract<WorkerReply, { ok: true }>).result as PartialAggregate);
  }
}

/** Morsels as (chunk, start, end) triples, in table order. */
export function planMorsels(chunks: Batch[]): Int32Array {
  const triples: number[] = [];
  chunks.forEach((c, i) => { for (let s = 0; s < c.length; s += MORSEL_ROWS) triples.push(i, s, Math.min(c.length, s + MORSEL_ROWS)); });
  return Int32Array.from(triples);
}

export interface ParallelRun {
  described: Exclude<ReturnType<typeof describeChunks>, string>;
  morsels: Int32Array;
  slots: Slot[];
  /** [0] next morsel, [1] final replies, [2] parts sent (see Job.waitUntil). */
  control: Int32Array;
  /** The job message for one worker: the buffers and dictionaries it does not hold yet, and the rest. */
  message(slot: Slot, job: number, fragment: WireFragment): RunMessage;
}

/**
 * What a parallel run of a fragment over these chunks needs (their descriptors, the morsels, the
 * workers), or why it runs in process: one thread, a table too small to be worth it, a parameter
 * or a column a worker cannot read, no worker able to start.
 */
export function inProcessReason(ctx: ExecContext, chunks: Batch[], columns: number[], needData: boolean[]): ParallelRun | string {
  const threads = ctx.threads ?? 1;
  if (threads <= 1) return 'threads = 1';
  const params = ctx.params.map(toWire);
  if (params.some((w, i) => w === undefined && ctx.params[i] !== undefined)) return 'parameter of an object type';
  const rows = rowsIn(chunks);
  // One large chunk (a table loaded by one COPY) is cut into morsels like several.
  if (rows < PARALLEL_MIN_ROWS) return 'small table';
  const described = describeChunks(chunks, columns, needData);
  if (typeof described === 'string') return described;
  const morsels = planMorsels(chunks);
  const slots = workerPool().take(Math.min(threads, morsels.length / 3));
  if (slots.length === 0) return 'no worker could start';
  const control = new Int32Array(new SharedArrayBuffer(12));
  return {
    described, morsels, slots, control,
    message(slot, job, fragment) {
      const buffers: [number, SharedArrayBuffer][] = [];
      for (const [bid, b] of described.buffers) if (!slot.known.has(bid)) { slot.known.add(bid); buffers.push([bid, b]); }
      const dicts: [number, string[]][] = [];
      for (const [did, d] of described.dicts) if (!slot.known.has(did)) { slot.known.add(did); dicts.push([did, d]); }
      return { type: 'run', job, fragment, chunks: described.chunks, morsels, control: control.buffer as SharedArrayBuffer, params, now: ctx.now, buffers, dicts };
    },
  };
}
