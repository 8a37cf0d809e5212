/**
 * Cooperative scheduling between the synchronous operator generators and the asynchronous
 * executor. Operators stay plain generators (cheap per batch); when one must wait for something
 * outside the thread (a worker's answer, file I/O) or has used up its time slice, it yields a
 * Pause where a batch would go. Every operator hands a Pause it gets from a child straight up to
 * its own consumer, and the driver at the top awaits `wait` (or the next turn of the event loop
 * when `wait` is null) before pulling again, so the main thread is never held for long.
 *
 * A Pause is a zero-row batch, so code that only counts or concatenates batches stays right if it
 * sees one; code that must not lose it checks `isPause` first.
 */
import type { Batch } from '../common/vector.js';
import type { ExecContext } from './context.js';

export interface Pause extends Batch {
  readonly pause: true;
  /** What to wait for before resuming; null = just let the event loop run. */
  readonly wait: Promise<unknown> | null;
}

const SLICE: Pause = Object.freeze({ length: 0, columns: [], pause: true as const, wait: null });

/** A pause that only gives the event loop a turn (the time slice is used up). */
export function slicePause(): Pause {
  return SLICE;
}

/** A pause until `p` settles (its outcome is read by whoever created it, not by the driver). */
export function waitPause(p: Promise<unknown>): Pause {
  return { length: 0, columns: [], pause: true, wait: p.then(() => undefined, () => undefined) };
}

export function isPause(b: Batch): b is Pause {
  return (b as Partial<Pause>).pause === true;
}

/** Whether a source should yield slicePause() before its next batch (one clock read). */
export function sliceUsed(ctx: ExecContext): boolean {
  return ctx.run !== undefined && ctx.run.sliceUsed();
}

/**
 * Reads `input` to the end, keeping its non-empty batches in `into` and handing every pause on:
 * an operator that needs all of its input writes `yield* collect(input, parts)`.
 */
export function* collect(input: Iterable<Batch>, into: Batch[]): Generator<Pause> {
  for (const b of input) {
    if (isPause(b)) yield b;
    else if (b.length > 0) into.push(b);
  }
}
