/**
 * The scheduling state of one running statement, shared by every copy of its ExecContext: when
 * its current time slice began, whether it was cancelled, how much of its input it has read, and
 * the table contents it reads (captured once, so a statement never sees rows another statement
 * stores while it is paused).
 */
import type { Batch } from '../common/vector.js';
import type { TableData } from '../catalog/catalog.js';
import { QuiverError } from '../common/errors.js';

/** How long a statement may hold the thread before its sources hand the event loop a turn. */
export const SLICE_MS = 4;

/** Progress of a statement: `done` units of work (rows read by its sources) of `total`. */
export interface Progress { done: number; total: number }

export interface RunOptions {
  /** Cancels the statement: it fails with SQLSTATE 57014 and changes nothing. */
  signal?: AbortSignal;
  /** Called (at most about every 100 ms) while the statement runs, with done <= total. */
  onProgress?: (p: Progress) => void;
}

const PROGRESS_EVERY_MS = 100;

/**
 * The chunks of `data` a statement reads: those its run captured on first use, or, for operators
 * run without the driver, the table's current ones.
 */
export function statementChunks(run: StatementRun | undefined, data: TableData): readonly Batch[] {
  return run ? run.chunks(data) : data.snapshot();
}

export function rowsIn(chunks: readonly Batch[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

export class StatementRun {
  /** performance.now() when the statement last got the thread back. */
  sliceStart = performance.now();
  done = 0;
  total = 0;
  /** How many times the statement has given the thread away and got it back. */
  turns = 0;
  private lastReport = 0;
  private readonly snapshots = new Map<TableData, readonly Batch[]>();

  constructor(readonly signal: AbortSignal | null = null, private readonly onProgress: ((p: Progress) => void) | null = null) {}

  /** Whether the statement has held the thread for a whole slice (one clock read). */
  sliceUsed(): boolean { return performance.now() - this.sliceStart > SLICE_MS; }

  /**
   * The chunks of `data` as this statement sees them: captured on first use and kept, so every
   * scan of the table in the statement reads the same rows whatever is stored meanwhile.
   */
  chunks(data: TableData): readonly Batch[] {
    let c = this.snapshots.get(data);
    if (c === undefined) { c = data.snapshot(); this.snapshots.set(data, c); }
    return c;
  }

  /** A source read `n` units it had announced in `total`. */
  advance(n: number): void { this.done += n; }

  /** Throws 57014 if the statement was cancelled. */
  checkCancel(): void {
    if (this.signal?.aborted) throw cancelled();
  }

  /** Called by the driver when the statement gets the thread back after a pause. */
  resumed(): void {
    this.turns++;
    this.checkCancel();
    const t = performance.now();
    this.sliceStart = t;
    if (this.onProgress && t - this.lastReport >= PROGRESS_EVERY_MS) {
      this.lastReport = t;
      this.report();
    }
  }

  /** Reports progress now (the driver's last report, when the statement has read everything). */
  report(): void {
    if (!this.onProgress) return;
    // A source run more than once (the inner side of a nested loop) can read past its estimate.
    const total = Math.max(this.total, this.done);
    try {
      this.onProgress({ done: this.done, total });
    } catch {
      // An observer's failure is not the statement's: the statement goes on.
    }
  }
}

export function cancelled(): QuiverError {
  return new QuiverError('57014', 'canceling statement due to user request');
}

/**
 * The batch size of a source, adapted to how long its batches take to filter and process above
 * it: batches that held the thread for two time slices (md5 per row, say) halve the next, a
 * quick one doubles it back, between `min` and `max`. A step that included a pause is not
 * counted (it measured other work too). Without a driver the size stays `max`.
 *
 * A step counts as long only if both its wall time and the process's CPU time meanwhile are: on
 * a busy machine the thread may wait for a core in the middle of a step (long on the clock, short
 * in CPU), and worker threads add CPU time the step did not use. The CPU clock is a system call,
 * so it is read only for the step after one that was long on the clock.
 */
export class AdaptiveBatch {
  size: number;
  private t0 = 0;
  private cpu0: NodeJS.CpuUsage | undefined = undefined;
  private turns = 0;
  private longOnClock = false;

  constructor(private readonly run: StatementRun | undefined, private readonly min: number, private readonly max: number) {
    this.size = max;
  }

  /** Call before handing a batch on. */
  begin(): void {
    if (!this.run) return;
    this.t0 = performance.now();
    this.cpu0 = this.longOnClock ? process.cpuUsage() : undefined;
    this.turns = this.run.turns;
  }

  /** Call when asked for the next batch. */
  end(): void {
    const run = this.run;
    if (!run || run.turns !== this.turns) return;
    const wall = performance.now() - this.t0;
    this.longOnClock = wall > 2 * SLICE_MS;
    if (this.longOnClock && this.cpu0) {
      const cpu = process.cpuUsage(this.cpu0);
      if ((cpu.user + cpu.system) / 1000 > 2 * SLICE_MS) this.size = Math.max(this.min, this.size >> 1);
    } else if (wall < SLICE_MS / 2) {
      this.size = Math.min(this.max, this.size * 2);
    }
  }
}
