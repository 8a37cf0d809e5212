/**
 * Sorting in runs: mergeRuns against a plain stable sort, and ORDER BY over more rows than one
 * run, which goes through the runs and the merge, staying stable and pausing under the driver.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeRuns } from '../../src/physical/merge_runs.js';
import { open } from '../../src/index.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
}

test('mergeRuns gives the stable order of consecutive sorted runs, in batches', () => {
  const next = lcg(7);
  for (const [n, runLen, batch] of [[1000, 100, 64], [999, 1000, 7], [5000, 333, 1024], [10, 1, 3], [0, 5, 4]] as const) {
    // Few distinct keys, so ties are everywhere and stability shows.
    const keys = Int32Array.from({ length: n }, () => next() % 17);
    const cmp = (a: number, b: number): number => keys[a]! - keys[b]!;
    const runs: Int32Array[] = [];
    for (let s = 0; s < n; s += runLen) {
      const run = Int32Array.from({ length: Math.min(runLen, n - s) }, (_, i) => s + i);
      run.sort((a, b) => cmp(a, b) || a - b);
      runs.push(run);
    }
    const got: number[] = [];
    for (const part of mergeRuns(runs, cmp, batch)) {
      assert.ok(part.length > 0 && part.length <= batch);
      got.push(...part);
    }
    const want = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b);
    assert.deepEqual(got, want, `n=${n} run=${runLen} batch=${batch}`);
  }
});

test('ORDER BY over more rows than a run is complete, ordered and stable', async () => {
  const db = await open();
  // 1,500,000 rows: two runs. Keys repeat, so the row numbers show whether ties keep input order.
  await db.query('CREATE TABLE t AS SELECT (i::bigint * 7919 % 1000)::int AS k, i FROM generate_series(1, 1500000) i');
  // As an Arrow table: 1.5M rows as JavaScript arrays would take longer than the sort.
  const r = await db.queryArrow('SELECT k, i FROM t ORDER BY k DESC');
  assert.equal(r.numRows, 1500000);
  const k = r.getChild('k')!.toArray() as Int32Array, i = r.getChild('i')!.toArray() as Int32Array;
  let bad = 0, sum = i[0]!;
  for (let j = 1; j < k.length; j++) {
    if (k[j]! > k[j - 1]! || (k[j] === k[j - 1] && i[j]! < i[j - 1]!)) bad++;
    sum += i[j]!;
  }
  assert.equal(bad, 0);
  assert.equal(sum, 1500000 * 1500001 / 2);
  await db.close();
});
