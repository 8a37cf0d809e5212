/**
 * The asynchronous driver: pulls a plan's batches on the main thread and, at every Pause an
 * operator hands up, gives the event loop back (until the pause's promise settles, or for one
 * turn), so other statements, timers and I/O run while a long statement does. Cancellation is
 * checked and progress reported at those points.
 */
import type { Batch } from '../common/vector.js';
import type { ExecContext } from './context.js';
import { executeAll, type PhysicalOperator } from './operator.js';
import { isPause, type Pause } from './pause.js';
import { cancelled, type StatementRun } from './statement_run.js';

/** An operator that reads a known amount of input (a table scan): the units of progress. */
interface ProgressSource { plannedRows(ctx: ExecContext): number }

function isProgressSource(op: PhysicalOperator): op is PhysicalOperator & ProgressSource {
  return typeof (op as Partial<ProgressSource>).plannedRows === 'function';
}

/**
 * Adds what the plan's sources will read to the total. Asking them also fixes the table contents
 * the statement reads at its start.
 */
function announce(op: PhysicalOperator, ctx: ExecContext, run: StatementRun): void {
  if (isProgressSource(op)) run.total += op.plannedRows(ctx);
  for (const c of op.children) announce(c, ctx, run);
}

function nextTurn(): Promise<void> {
  // setImmediate, not a microtask: timers and I/O callbacks run before the statement resumes.
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits out a pause; a cancellation ends the wait at once instead of when the work settles. */
function waitOut(p: Pause, signal: AbortSignal | null): Promise<unknown> {
  if (p.wait === null) return nextTurn();
  if (signal === null) return p.wait;
  const wait = p.wait;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    void wait.then(() => { signal.removeEventListener('abort', onAbort); resolve(undefined); });
  });
}

/** Runs `op` to its end, handing each non-empty batch to `sink`. */
export async function drive(op: PhysicalOperator, ctx: ExecContext, sink: (b: Batch) => void): Promise<void> {
  const run = ctx.run;
  if (run) {
    run.checkCancel();
    announce(op, ctx, run);
  }
  const it = executeAll(op, ctx);
  let open = true;
  try {
    for (;;) {
      const r = it.next();
      if (r.done) { open = false; break; }
      const b = r.value;
      if (isPause(b)) {
        await waitOut(b, run?.signal ?? null);
        run?.resumed();
      } else if (b.length > 0) {
        sink(b);
      }
    }
  } finally {
    // Stopped early (cancelled, or failed while waiting): let the operators' finally blocks run.
    if (open) it.return(undefined);
  }
  run?.report();
}

/** All non-empty batches of `op`. */
export async function drain(op: PhysicalOperator, ctx: ExecContext): Promise<Batch[]> {
  const out: Batch[] = [];
  await drive(op, ctx, (b) => out.push(b));
  return out;
}
