import type { Batch, Vector, VectorData } from '../../common/vector.js';
import { QuiverError } from '../../common/errors.js';
import type { TableEntry } from '../../catalog/catalog.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { waitPause } from '../pause.js';
import type { WireFragment } from '../fragment.js';
import { workerPool, type WorkerPart } from '../worker_pool.js';
import { describeExchange, inProcessReason } from './parallel_aggregate.js';
import { rowsIn, statementChunks } from '../statement_run.js';

/** A column as a worker sends it back: its data, or dictionary codes and the dictionary's id. */
interface WireVector { type: Vector['type']; length: number; valid: Uint8Array | null; data?: VectorData; codes?: Int32Array; dict?: number }

/**
 * The exchange of a pipeline of filters and projections over a table scan whose rows go on to a
 * consumer (a sort, either side of a hash join): workers run the pipeline morsel by morsel and
 * send each morsel's rows back at once; they are handed on in table order, morsel by morsel, so
 * the consumer sees exactly the rows, in the order, that the serial pipeline would give it. A
 * morsel that failed hands on the rows before its failing row, then raises the error, as the
 * serial filter does; a consumer that stops early (a LIMIT) cancels the workers.
 */
export class GatherExec implements PhysicalOperator {
  readonly name = 'GatherExec';
  readonly children: PhysicalOperator[];
  private last = '';

  constructor(private serial: PhysicalOperator, private table: TableEntry, private fragment: WireFragment) {
    this.children = [serial];
  }

  get schema(): Field[] { return this.serial.schema; }
  partitions(): number { return 1; }
  describe(): string { return describeExchange(this.table, this.last); }

  *execute(ctx: ExecContext): Generator<Batch> {
    // The rows the statement sees (a concurrent INSERT's are not among them).
    const chunks = statementChunks(ctx.run, this.table.data);
    const plan = inProcessReason(ctx, chunks as Batch[], this.fragment.columns, this.fragment.columns.map(() => true));
    if (typeof plan === 'string') {
      this.last = `ran in process (${plan})`;
      yield* this.serial.execute(ctx, 0);
      return;
    }
    const { described, morsels, slots, control } = plan;
    const pool = workerPool();
    const parts = new Map<number, WorkerPart>();
    const total = morsels.length / 3;
    const job = pool.start(slots, control, (slot, id) => plan.message(slot, id, this.fragment));
    job.onPart = (p) => parts.set(p.part, p);
    let yielded = false;
    try {
      for (let k = 0; k < total; k++) {
        while (!parts.has(k) && !job.settled) {
          if (ctx.awaitsPauses) yield waitPause(job.nextEvent());
          if (!parts.has(k) && !job.settled) job.waitUntil(() => parts.has(k));
        }
        const part = parts.get(k);
        if (!part) {
          if (job.failure) throw job.failure;
          const e = job.replies.find((r) => r.ok === false);
          if (e && e.ok === false) throw rebuild(e.error);
          if (!yielded && job.replies.some((r) => r.ok === 'unsupported')) {
            this.last = 'ran in process (fragment not supported by a worker)';
            yield* this.serial.execute(ctx, 0);
            return;
          }
          throw new QuiverError('XX000', `parallel scan of ${this.table.name} lost morsel ${k}`);
        }
        parts.delete(k);
        for (const b of part.batches) { yielded = true; yield this.decode(b as { length: number; columns: WireVector[] }, described.dicts); }
        if (part.error) throw rebuild(part.error);
      }
      // Every morsel is handed on; the workers' last word (their counts) follows.
      if (!job.settled && ctx.awaitsPauses) yield waitPause(job.done);
      if (!job.settled) job.waitSync();
    } finally {
      if (!job.settled) job.cancel();
    }
    // The workers read every row (progress counts rows read, as the serial scan would).
    ctx.run?.advance(rowsIn(chunks));
    const per = job.replies.map((r) => (r.ok === true ? (r.result as { morsels: number }).morsels : 0));
    this.last = `ran on ${slots.length} workers, morsels per worker: [${per.join(', ')}]`;
  }

  private decode(b: { length: number; columns: WireVector[] }, dicts: Map<number, string[]>): Batch {
    return {
      length: b.length,
      columns: b.columns.map((c): Vector => {
        if (c.codes === undefined) return { type: c.type, length: c.length, data: c.data!, valid: c.valid };
        const values = dicts.get(c.dict!)!, codes = c.codes, n = c.length;
        const data: (string | null)[] = new Array(n);
        for (let i = 0; i < n; i++) { const k = codes[i]!; data[i] = k < 0 ? null : values[k]!; }
        return { type: c.type, length: n, data, valid: c.valid, dict: { codes, values } };
      }),
    };
  }
}

export function rebuild(e: { code: string; message: string; detail?: string; hint?: string; position?: number }): QuiverError {
  const opts: { detail?: string; hint?: string; position?: number } = {};
  if (e.detail !== undefined) opts.detail = e.detail;
  if (e.hint !== undefined) opts.hint = e.hint;
  if (e.position !== undefined) opts.position = e.position;
  return new QuiverError(e.code, e.message, opts);
}
