/**
 * Stable k-way merge of sorted runs of row positions. A large sort is done as runs of bounded
 * size, each a short step, and this merge hands the final order out one output batch at a time,
 * so no single step orders millions of rows; runs sorted apart (on other threads) merge the same.
 */
import type { RowCmp } from './operators/sort.js';

/**
 * Merges `runs` (each ascending under `cmp`, holding row positions; every position in run i is
 * below every position in run i+1, as when the runs are consecutive slices of the input) into
 * batches of at most `batch` positions. Ties go to the lower position: the merge is stable.
 */
export function* mergeRuns(runs: Int32Array[], cmp: RowCmp, batch: number): Generator<Int32Array> {
  const live = runs.filter((r) => r.length > 0);
  const k = live.length;
  if (k === 0) return;
  const pos = new Int32Array(k);
  // A binary min-heap of run numbers, ordered by each run's current head; ties by run number,
  // which orders them by position.
  const heap = new Int32Array(k);
  const less = (a: number, b: number): boolean => {
    const c = cmp(live[a]![pos[a]!]!, live[b]![pos[b]!]!);
    return c < 0 || (c === 0 && a < b);
  };
  const down = (i: number, size: number): void => {
    const x = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[c]!, x)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = x;
  };
  for (let i = 0; i < k; i++) heap[i] = i;
  for (let i = (k >> 1) - 1; i >= 0; i--) down(i, k);
  let size = k;
  let out = new Int32Array(batch);
  let n = 0;
  while (size > 0) {
    const top = heap[0]!;
    const run = live[top]!;
    let p = pos[top]!;
    if (size === 1) {
      // One run left: the rest of it in order.
      while (p < run.length) {
        const m = Math.min(batch - n, run.length - p);
        out.set(run.subarray(p, p + m), n);
        n += m; p += m;
        if (n === batch) { yield out; out = new Int32Array(batch); n = 0; }
      }
      break;
    }
    out[n++] = run[p++]!;
    pos[top] = p;
    if (n === batch) { yield out; out = new Int32Array(batch); n = 0; }
    if (p === run.length) heap[0] = heap[--size]!;
    down(0, size);
  }
  if (n > 0) yield out.subarray(0, n);
}
