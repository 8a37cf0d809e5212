/**
 * The pool of worker threads that run plan fragments (see worker.ts for the worker side).
 *
 * Plain `worker_threads` rather than piscina. Piscina's model is a task queue: one task, one
 * worker, the answer back through the pool. Morsel-driven execution wants the opposite: every
 * worker of a query takes the next morsel from one shared atomic counter, so the scheduling is a
 * single Atomics.add per morsel with no main-thread round trip, and a fragment is posted once per
 * worker, not once per morsel. Piscina's extras (a task queue, idle timeouts) are not needed here,
 * and a task per morsel would cost at least one message round trip each on the main thread,
 * measured at 0.23-0.45 ms for an empty message on this machine: ~100 morsels for 6M rows would
 * add 25-45 ms, about the whole time of a parallel Q1-like query. What this needs and piscina does
 * not give: a port per worker that the main thread can also read synchronously
 * (receiveMessageOnPort), and a per-worker memory of the buffers and dictionaries already sent.
 *
 * The pool is created on the first parallel query, its workers are unref'd while idle so they
 * never keep the process alive, a worker that dies is replaced on the next query, and the last
 * database to close terminates it.
 */
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { QuiverError } from '../common/errors.js';

/** What a worker sends back for one job. */
export type WorkerReply =
  | { job: number; ok: true; result: unknown }
  | { job: number; ok: false; error: { code: string; message: string; detail?: string; hint?: string; position?: number }; morsel: number }
  | { job: number; ok: 'unsupported'; reason: string };

/** Rows of one morsel, sent as soon as a worker has them (a gather job), before its final reply. */
export interface WorkerPart { job: number; part: number; batches: unknown[]; error: Extract<WorkerReply, { ok: false }>['error'] | null }

interface Slot {
  worker: Worker;
  port: MessagePort;
  /** Ids of the shared buffers and dictionaries this worker holds. */
  known: Set<number>;
  /** Jobs waiting for this worker's reply. */
  pending: Set<Job>;
  /** Buffers and dictionaries main no longer holds, to tell this worker with its next job. */
  forget: number[];
  dead: boolean;
  /** [0] turns 1 when the worker has loaded its modules and listens. */
  state: Int32Array;
}

/** How long a new worker may take to start before the query runs without it. */
const START_TIMEOUT_MS = 10_000;

export class Job {
  readonly replies: WorkerReply[] = [];
  failure: Error | null = null;
  settled = false;
  readonly done: Promise<void>;
  private resolve!: () => void;
  constructor(readonly id: number, readonly slots: Slot[], readonly control: Int32Array, private owner: { idle(): void; died(s: Slot, e: Error | null): void }) {
    this.done = new Promise((r) => { this.resolve = r; });
  }
  /** Hears each part of a gather job. */
  onPart: ((p: WorkerPart) => void) | null = null;
  private wake: (() => void)[] = [];
  part(p: WorkerPart): void {
    if (this.settled) return;
    this.onPart?.(p);
    for (const w of this.wake.splice(0)) w();
  }
  /** Settles with the next part or the end of the job. */
  nextEvent(): Promise<void> {
    if (this.settled) return this.done;
    return new Promise((r) => { this.wake.push(r); void this.done.then(r); });
  }
  receive(r: WorkerReply, slot: Slot): void {
    if (this.settled) return;
    slot.pending.delete(this);
    this.replies.push(r);
    if (this.replies.length === this.slots.length) this.finish();
  }
  /** The query no longer wants the answer (it was cancelled or failed elsewhere): workers stop at their next morsel. */
  cancel(): void {
    this.fail(new QuiverError('57014', 'canceling statement due to user request'));
  }
  fail(e: Error): void {
    if (this.settled) return;
    this.failure = e;
    // The other workers stop at their next morsel.
    Atomics.store(this.control, 0, 0x3fffffff);
    this.finish();
  }
  private finish(): void {
    this.settled = true;
    for (const s of this.slots) s.pending.delete(this);
    this.owner.idle();
    this.resolve();
  }

  /**
   * Blocks until every worker has answered, for a driver that does not await pauses: the workers
   * count their replies in control[1]; Atomics.wait sleeps until then and the replies are read
   * off the ports synchronously. A worker that died is noticed by its threadId turning -1.
   */
  waitSync(): void {
    this.waitUntil(() => false);
  }

  /**
   * Blocks until `cond()` holds or the job has settled. Workers count their final replies in
   * control[1] and their parts in control[2], and notify on each, so the wait sleeps in between.
   */
  waitUntil(cond: () => boolean): void {
    while (!this.settled && !cond()) {
      const replies = Atomics.load(this.control, 1), parts = Atomics.load(this.control, 2);
      for (const s of this.slots) drain(s);
      if (this.settled || cond()) break;
      if (replies < this.slots.length) {
        // Either counter moving means a message to read; sleep on the parts when parts are expected.
        if (this.onPart) Atomics.wait(this.control, 2, parts, 5);
        else Atomics.wait(this.control, 1, replies, 20);
      }
      for (const s of this.slots) if (!s.dead && s.pending.has(this) && s.worker.threadId === -1 && !receivePending(s)) this.owner.died(s, null);
    }
  }
}

function drain(s: Slot): void {
  for (;;) {
    const m = receiveMessageOnPort(s.port);
    if (!m) return;
    route(s, m.message as WorkerReply | WorkerPart);
  }
}

function receivePending(s: Slot): boolean {
  const m = receiveMessageOnPort(s.port);
  if (!m) return false;
  route(s, m.message as WorkerReply | WorkerPart);
  return true;
}

const jobs = new Map<number, Job>();
function route(s: Slot, r: WorkerReply | WorkerPart): void {
  const j = jobs.get(r.job);
  if (!j) return;
  if ('part' in r) j.part(r);
  else j.receive(r, s);
}

let nextId = 1;
/** Ids for shared buffers and dictionaries, by object, for this process. */
const ids = new WeakMap<object, number>();
/** When main's handle of a buffer or dictionary is collected, workers may drop theirs. */
const forgotten: number[] = [];
const registry = new FinalizationRegistry<number>((id) => { forgotten.push(id); });

/** A process-wide id for a shared buffer or a dictionary's value list. */
export function objectId(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
    registry.register(o, id);
  }
  return id;
}

class WorkerPool {
  private slots: (Slot | null)[] = [];
  private busy = 0;

  /**
   * Up to `n` live workers (spawned or replaced as needed). A new worker is waited for until it
   * has started; one that does not start (an unloadable module, a broken runtime flag) is left
   * out, and with none left the caller runs the query in process.
   */
  take(n: number): Slot[] {
    const out: Slot[] = [];
    for (let i = 0; i < n; i++) {
      let s = this.slots[i];
      if (!s || s.dead) { s = this.spawn(); this.slots[i] = s; }
      out.push(s);
    }
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (const s of out) {
      while (Atomics.load(s.state, 0) === 0 && performance.now() < deadline) Atomics.wait(s.state, 0, 0, 50);
      if (Atomics.load(s.state, 0) === 0) this.died(s, null);
    }
    return out.filter((s) => !s.dead);
  }

  private spawn(): Slot {
    const { port1, port2 } = new MessageChannel();
    const state = new Int32Array(new SharedArrayBuffer(4));
    // Workers inherit the process's flags, but refuse --input-type (a flag for the main script):
    // then they get none (process-wide flags such as --single-threaded-gc apply to them anyway).
    const noFlags = process.execArgv.some((a) => a.startsWith('--input-type'));
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { port: port2, state }, transferList: [port2], ...(noFlags ? { execArgv: [] } : {}) });
    const slot: Slot = { worker, port: port1, known: new Set(), pending: new Set(), forget: [], dead: false, state };
    port1.on('message', (m: WorkerReply | WorkerPart) => route(slot, m));
    worker.on('error', (e) => this.died(slot, e));
    worker.on('exit', () => this.died(slot, null));
    worker.unref();
    port1.unref();
    return slot;
  }

  /** A worker is gone: its jobs fail (only those), and the next query spawns a replacement. */
  died(s: Slot, e: Error | null): void {
    if (s.dead) return;
    s.dead = true;
    drain(s);
    const oom = (e as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const err = oom
      ? new QuiverError('53200', 'out of memory', { detail: 'A worker thread ran out of memory.' })
      : new QuiverError('58000', `worker thread exited unexpectedly${e ? `: ${e.message}` : ''}`);
    for (const j of [...s.pending]) j.fail(err);
    s.pending.clear();
    void s.worker.terminate();
    s.port.close();
  }

  /**
   * Posts one message per worker (built by `message(slot)`, which may name buffers the worker
   * does not hold yet: it records them in slot.known) and returns the job collecting the replies.
   */
  start(slots: Slot[], control: Int32Array, message: (slot: Slot, job: number) => unknown): Job {
    const job = new Job(nextId++, slots, control, this);
    jobs.set(job.id, job);
    // While a job runs its workers keep the process alive (a pending query must not let it exit).
    this.busy++;
    for (const s of slots) { s.worker.ref(); s.port.ref(); }
    const gone = forgotten.splice(0);
    if (gone.length) {
      for (const s of this.slots) {
        if (!s || s.dead) continue;
        for (const id of gone) if (s.known.delete(id)) s.forget.push(id);
      }
    }
    for (const s of slots) {
      s.pending.add(job);
      const m = message(s, job.id) as Record<string, unknown>;
      const forget = s.forget.splice(0);
      s.worker.postMessage(forget.length ? { ...m, forget } : m);
    }
    void job.done.then(() => jobs.delete(job.id));
    return job;
  }

  idle(): void {
    if (--this.busy === 0) for (const s of this.slots) if (s && !s.dead) { s.worker.unref(); s.port.unref(); }
  }

  async terminate(): Promise<void> {
    const all = this.slots.filter((s): s is Slot => s !== null && !s.dead);
    this.slots = [];
    for (const s of all) s.dead = true;
    await Promise.all(all.map(async (s) => { s.port.close(); await s.worker.terminate(); }));
  }
}

let pool: WorkerPool | null = null;
let users = 0;

export function workerPool(): WorkerPool {
  pool ??= new WorkerPool();
  return pool;
}

/** The default of `SET threads`: the cores this process may use. */
export function defaultThreads(): number { return availableParallelism(); }

/** A database opened: it may use the pool (created only when a query first needs it). */
export function retainPool(): void { users++; }

/** A database closed: the last one terminates the workers. */
export async function releasePool(): Promise<void> {
  if (users > 0) users--;
  if (users === 0 && pool) {
    const p = pool;
    pool = null;
    await p.terminate();
  }
}

export type { Slot };
