/**
 * Entry point of a worker thread. It imports the same built-ins as the engine (so function keys,
 * overload choice and compiled code are the same as on the main thread), receives plan fragments
 * with the descriptors of the chunks to read, takes morsels from the query's shared counter until
 * none are left, and answers with its partial aggregate: group keys, accumulator states and, per
 * group, the first morsel it was seen in (so the merged groups come out in the serial order).
 *
 * An error fails the job with the error's SQLSTATE and fields (a QuiverError does not survive a
 * structured clone, so they travel as data); the worker itself stays up for the next job.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import '../udf/builtins.js';
import '../udf/window.js';
import type { Batch } from '../common/vector.js';
import type { Field } from '../logical/plan.js';
import type { ExecContext } from './context.js';
import type { PhysicalOperator } from './operator.js';
import { executeAll } from './operator.js';
import { compileExpr, compileFilter, type CompileEnv, type FilterFn } from './compile.js';
import { FilterExec } from './operators/filter.js';
import { ProjectExec } from './operators/project.js';
import { HashAggregateExec } from './operators/hash_aggregate.js';
import { decodeExpr, decodeAgg, RegistryMismatch, type WireFragment, type WireExpr } from './fragment.js';
import { morselBatch, type ChunkDesc } from './morsel.js';
import type { WorkerReply, WorkerPart } from './worker_pool.js';
import { exportState, type PartialAggregate } from './partial_state.js';
import { fromWire, type WireValue } from './wire_value.js';

export interface RunMessage {
  type: 'run';
  job: number;
  fragment: WireFragment;
  chunks: ChunkDesc[];
  /** Morsels as (chunk, start, end) triples. */
  morsels: Int32Array;
  /** [0]: next morsel to take; [1]: workers done (see Job.waitSync). */
  control: SharedArrayBuffer;
  params: WireValue[];
  now: number;
  buffers: [number, SharedArrayBuffer][];
  dicts: [number, string[]][];
  forget?: number[];
}

/** The morsel the running job is on, for the error it may raise. */
let currentMorsel = -1;

const buffers = new Map<number, SharedArrayBuffer>();
const dicts = new Map<number, string[]>();
/** The id of each dictionary, to send a text column back as codes. */
const dictIds = new Map<string[], number>();

const noSubqueries: CompileEnv = {
  subquery() { throw new RegistryMismatch('subquery in a fragment'); },
};

/** The morsels this worker takes from the shared counter, one batch each. */
class MorselSource implements PhysicalOperator {
  readonly name = 'MorselSource';
  readonly children: PhysicalOperator[] = [];
  readonly schema: Field[] = [];
  current = -1;
  taken = 0;
  constructor(private m: RunMessage, private control: Int32Array) {}
  describe(): string { return ''; }
  partitions(): number { return 1; }
  *execute(): Generator<Batch> {
    const total = this.m.morsels.length / 3;
    for (;;) {
      const k = Atomics.add(this.control, 0, 1);
      if (k >= total) return;
      this.current = k;
      currentMorsel = k;
      this.taken++;
      const ms = this.m.morsels;
      yield morselBatch(this.m.chunks[ms[3 * k]!]!, ms[3 * k + 1]!, ms[3 * k + 2]!, buffers, dicts);
    }
  }
}

/** The one batch it was last given (a gather runs the pipeline morsel by morsel). */
class OneBatch implements PhysicalOperator {
  readonly name = 'OneBatch';
  readonly children: PhysicalOperator[] = [];
  readonly schema: Field[] = [];
  batch: Batch | null = null;
  describe(): string { return ''; }
  partitions(): number { return 1; }
  *execute(): Generator<Batch> { if (this.batch) yield this.batch; }
}

function pipeline(source: PhysicalOperator, steps: WireFragment['steps']): PhysicalOperator {
  let top = source;
  for (const s of steps) {
    if (s.kind === 'filter') top = new FilterExec(top, compileFilter(decodeExpr(s.pred), noSubqueries), '');
    else top = new ProjectExec(top, s.exprs.map((e) => compileExpr(decodeExpr(e), noSubqueries)), [], []);
  }
  return top;
}

/**
 * A batch as it crosses back: typed arrays (views of shared memory cross as views; the rest are
 * moved, not copied), dictionary text as codes and the dictionary's id (main holds the strings).
 */
function encodeBatch(b: Batch, transfer: Set<ArrayBuffer>): unknown {
  return {
    length: b.length,
    columns: b.columns.map((v) => {
      for (const a of [v.data, v.valid, v.dict?.codes]) {
        if (a && ArrayBuffer.isView(a) && !(a.buffer instanceof SharedArrayBuffer)) transfer.add(a.buffer as ArrayBuffer);
      }
      const id = v.dict ? dictIds.get(v.dict.values as string[]) : undefined;
      if (v.dict && id !== undefined) return { type: v.type, length: v.length, valid: v.valid, codes: v.dict.codes, dict: id };
      return { type: v.type, length: v.length, data: v.data, valid: v.valid };
    }),
  };
}

/** Gather: runs the pipeline over each morsel taken and posts its rows (or its error) at once. */
function gather(m: RunMessage, control: Int32Array, ctx: ExecContext): { morsels: number; ms: number } {
  const t0 = performance.now();
  const source = new OneBatch();
  const top = pipeline(source, m.fragment.steps);
  const total = m.morsels.length / 3, ms = m.morsels;
  let taken = 0;
  for (;;) {
    const k = Atomics.add(control, 0, 1);
    if (k >= total) break;
    taken++;
    source.batch = morselBatch(m.chunks[ms[3 * k]!]!, ms[3 * k + 1]!, ms[3 * k + 2]!, buffers, dicts);
    const out: Batch[] = [];
    let error: WorkerPart['error'] = null;
    try {
      for (const b of executeAll(top, ctx)) if (b.length > 0) out.push(b);
    } catch (e) {
      // Morsels after this one are not needed: the query fails when its reader reaches this one.
      Atomics.store(control, 0, 0x3fffffff);
      error = errorFields(e);
    }
    const transfer = new Set<ArrayBuffer>();
    const part: WorkerPart = { job: m.job, part: k, batches: out.map((b) => encodeBatch(b, transfer)), error };
    port.postMessage(part, [...transfer]);
    Atomics.add(control, 2, 1);
    Atomics.notify(control, 2);
    if (error) break;
  }
  return { morsels: taken, ms: performance.now() - t0 };
}

function run(m: RunMessage, control: Int32Array): PartialAggregate {
  const t0 = performance.now();
  const ctx: ExecContext = { params: m.params.map(fromWire), outer: [], now: m.now, random: Math.random, workTables: new Map() };
  const source = new MorselSource(m, control);
  let top: PhysicalOperator = source;
  const steps = m.fragment.steps;
  if (m.fragment.mode === 'gather') return gather(m, control, ctx) as PartialAggregate;
  // Filters straight over the scan are applied by the aggregate as a selection, as the serial
  // plan does, instead of copying the rows they keep.
  let prefilter: FilterFn | null = null;
  if (steps.length > 0 && steps.every((s) => s.kind === 'filter')) {
    const preds = steps.map((s) => decodeExpr((s as { pred: WireExpr }).pred));
    prefilter = compileFilter(preds.length === 1 ? preds[0]! : { kind: 'and', args: preds, type: preds[0]!.type }, noSubqueries);
  } else {
    top = pipeline(source, steps);
  }
  const agg = new HashAggregateExec(top, m.fragment.groupBy.map(decodeExpr), m.fragment.aggs.map(decodeAgg), null, [], noSubqueries, '', prefilter);
  let first = new Int32Array(16);
  // A worker has no driver and nothing to share its thread with: pauses are passed over.
  const gen = agg.accumulate(ctx, executeAll(top, ctx), undefined, (from, to) => {
    if (to > first.length) { const f = new Int32Array(Math.max(to, first.length * 2)); f.set(first); first = f; }
    first.fill(source.current, from, to);
  });
  let r = gen.next();
  while (!r.done) r = gen.next();
  const st = r.value;
  if (!st.table) first[0] = 0;
  return {
    keys: st.table ? st.table.keyVectors() : [],
    states: st.accs.map(exportState),
    groups: st.groups,
    first: first.slice(0, st.groups),
    morsels: source.taken,
    ms: performance.now() - t0,
  };
}

function errorFields(e: unknown): Extract<WorkerReply, { ok: false }>['error'] {
  const x = e as { code?: unknown; message?: unknown; detail?: string; hint?: string; position?: number };
  const code = typeof x?.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code) ? x.code : 'XX000';
  const error: Extract<WorkerReply, { ok: false }>['error'] = { code, message: typeof x?.message === 'string' ? x.message : String(e) };
  if (x?.detail !== undefined) error.detail = x.detail;
  if (x?.hint !== undefined) error.hint = x.hint;
  if (x?.position !== undefined) error.position = x.position;
  return error;
}

const { port, state } = workerData as { port: MessagePort; state: Int32Array };

parentPort!.on('message', (m: RunMessage) => {
  for (const id of m.forget ?? []) {
    buffers.delete(id);
    const d = dicts.get(id);
    if (d) { dictIds.delete(d); dicts.delete(id); }
  }
  for (const [id, b] of m.buffers) buffers.set(id, b);
  for (const [id, d] of m.dicts) { dicts.set(id, d); dictIds.set(d, id); }
  const control = new Int32Array(m.control);
  let reply: WorkerReply;
  currentMorsel = -1;
  try {
    reply = { job: m.job, ok: true, result: run(m, control) };
  } catch (e) {
    // The others need not finish their morsels: the query has failed (or runs in process).
    Atomics.store(control, 0, 0x3fffffff);
    reply = e instanceof RegistryMismatch || (e as Error)?.name === 'DataCloneError'
      ? { job: m.job, ok: 'unsupported', reason: (e as Error).message }
      : { job: m.job, ok: false, error: errorFields(e), morsel: currentMorsel };
  }
  try {
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ job: m.job, ok: 'unsupported', reason: `partial state cannot be sent: ${(e as Error).message}` } satisfies WorkerReply);
  }
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
});

// Started: the pool may post jobs (see WorkerPool.take).
Atomics.store(state, 0, 1);
Atomics.notify(state, 0);
