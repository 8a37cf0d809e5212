/**
 * The asynchronous executor seen through the public API: a long statement leaves the event loop
 * responsive and other statements answering, it can be cancelled (57014) without leaving writes
 * behind, concurrent statements read their own snapshot, and progress is reported.
 *
 * Timing bounds are the (50 ms to answer, 100 ms to cancel); each is the median of
 * several probes so a loaded machine's occasional stall does not decide the outcome.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, QuiverError, type Database, type Progress } from '../../src/index.js';

/** About 10^10 row pairs: runs far longer than any test, so the tests always cancel it. */
const ENDLESS = 'SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b WHERE a.a + b.b = 3';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function warmDb(): Promise<Database> {
  const db = await open();
  // First use compiles the engine's hot code; that is not what these tests time.
  await db.query('SELECT count(*) FROM generate_series(1, 300) a, generate_series(1, 300) b WHERE a.a + b.b = 3');
  await sleep(50);
  return db;
}

/** Rejects with the QuiverError the promise fails with, or fails the test if it succeeds. */
async function failure(p: Promise<unknown>): Promise<QuiverError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof QuiverError, `expected a QuiverError, got ${String(e)}`);
    return e;
  }
  assert.fail('the statement should have failed');
}

test('while a long query runs, SELECT 1 answers within 50 ms and the event loop keeps turning', async () => {
  const db = await warmDb();
  const ac = new AbortController();
  let finished = false;
  const long = db.query(ENDLESS, [], { signal: ac.signal }).finally(() => { finished = true; });
  const gaps: number[] = [];
  let last = performance.now();
  const probe = setInterval(() => { const t = performance.now(); gaps.push(t - last); last = t; }, 5);
  const answers: number[] = [];
  for (let i = 0; i < 7; i++) {
    await sleep(60);
    const t = performance.now();
    const r = await db.query('SELECT 1');
    answers.push(performance.now() - t);
    assert.deepEqual(r.rows, [[1]]);
  }
  clearInterval(probe);
  // The answers came while the long query was still running, not after it.
  assert.equal(finished, false);
  ac.abort();
  assert.equal((await failure(long)).code, '57014');
  assert.ok(median(answers) < 50, `SELECT 1 answered in ${answers.map((x) => x.toFixed(1)).join(', ')} ms`);
  // A 5 ms timer fires about every 5 ms plus one time slice (if the statement held the thread,
  // it would not fire at all until the statement ended).
  assert.ok(gaps.length >= 5, `the timer fired ${gaps.length} times`);
  assert.ok(median(gaps) < 50, `event loop gaps ${gaps.map((x) => x.toFixed(0)).join(' ')} ms`);
  await db.close();
});

test('aborting a long SELECT fails it with 57014 within 100 ms; the database stays usable', async () => {
  const db = await warmDb();
  const latencies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const ac = new AbortController();
    const p = failure(db.query(ENDLESS, [], { signal: ac.signal }));
    await sleep(100);
    const t = performance.now();
    ac.abort();
    const e = await p;
    latencies.push(performance.now() - t);
    assert.equal(e.code, '57014');
    assert.equal(e.message, 'canceling statement due to user request');
  }
  assert.ok(median(latencies) < 100, `cancelled after ${latencies.map((x) => x.toFixed(1)).join(', ')} ms`);
  assert.deepEqual((await db.query('SELECT 2')).rows, [[2]]);
  // An already aborted signal stops the call before it starts; queryArrow takes the option too.
  const ac = new AbortController();
  ac.abort();
  assert.equal((await failure(db.query('SELECT 1', [], { signal: ac.signal }))).code, '57014');
  assert.equal((await failure(db.queryArrow('SELECT 1', [], { signal: ac.signal }))).code, '57014');
  await db.close();
});

test('an aborted INSERT ... SELECT writes nothing', async () => {
  const db = await warmDb();
  await db.query('CREATE TABLE t (x int); INSERT INTO t SELECT * FROM generate_series(1, 10)');
  // Would insert 5000 rows after seconds of work (the condition joins both sides: it cannot be pushed down).
  const ac = new AbortController();
  const p = failure(db.query('INSERT INTO t SELECT a.a FROM generate_series(1, 5000) a, generate_series(1, 5000) b WHERE a.a + b.b = 5001', [], { signal: ac.signal }));
  await sleep(150);
  const t = performance.now();
  ac.abort();
  const e = await p;
  const latency = performance.now() - t;
  assert.equal(e.code, '57014');
  assert.ok(latency < 100, `cancelled after ${latency.toFixed(1)} ms`);
  assert.deepEqual((await db.query('SELECT count(*), sum(x) FROM t')).rows, [[10n, 55n]]);
  // The table takes writes again.
  await db.query('INSERT INTO t VALUES (11)');
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[11n]]);
  await db.close();
});

test('a statement cancelled inside a transaction block aborts the block until ROLLBACK', async () => {
  const db = await warmDb();
  await db.query('CREATE TABLE t (x int); BEGIN; INSERT INTO t VALUES (1)');
  const ac = new AbortController();
  const p = failure(db.query(ENDLESS, [], { signal: ac.signal }));
  await sleep(30);
  ac.abort();
  assert.equal((await p).code, '57014');
  // As PostgreSQL 15: ERROR:  current transaction is aborted, commands ignored until end of transaction block
  assert.equal((await failure(db.query('SELECT 1'))).code, '25P02');
  await db.query('ROLLBACK');
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[0n]]);
  await db.close();
});

test('a paused scan does not see rows a concurrent INSERT stores', async () => {
  const db = await warmDb();
  await db.query('CREATE TABLE big (x int); INSERT INTO big SELECT * FROM generate_series(1, 300000)');
  const order: string[] = [];
  // md5 per row makes the scan take many time slices.
  const scan = db.query("SELECT count(*), sum(x) FROM big WHERE md5(x::text) <> ''").then((r) => { order.push('select'); return r; });
  // Enough rows to be stored as a chunk of their own (not in the small-insert tail), few enough to
  // be done in a time slice or two.
  const insert = db.query('INSERT INTO big SELECT * FROM generate_series(1, 5000)').then((r) => { order.push('insert'); return r; });
  const [r] = await Promise.all([scan, insert]);
  // The INSERT finished while the SELECT was paused in the middle of its scan...
  assert.deepEqual(order, ['insert', 'select']);
  // ...and the SELECT still counted the table as it was when it started.
  assert.deepEqual(r.rows, [[300000n, 45000150000n]]);
  assert.deepEqual((await db.query('SELECT count(*) FROM big')).rows, [[305000n]]);
  await db.close();
});

test('writes queue behind one another in arrival order while queries run beside them', async () => {
  const db = await warmDb();
  await db.query('CREATE TABLE t (x int)');
  const ac = new AbortController();
  const long = failure(db.query(ENDLESS, [], { signal: ac.signal }));
  const writes = [1, 2, 3, 4].map((i) => db.query(`INSERT INTO t SELECT ${i} FROM generate_series(1, 70000)`));
  await Promise.all(writes);
  const r = await db.query('SELECT x, count(*) FROM t GROUP BY x ORDER BY min(x)');
  assert.deepEqual(r.rows, [[1, 70000n], [2, 70000n], [3, 70000n], [4, 70000n]]);
  ac.abort();
  assert.equal((await long).code, '57014');
  await db.close();
});

test('setseed changes the random sequence of its own database only', async () => {
  const a = await open(), b = await open();
  await a.query('SELECT setseed(0.25)');
  const first = (await a.query('SELECT random()')).rows[0]![0];
  await a.query('SELECT setseed(0.25)');
  // Another database seeding (and drawing) in between leaves a's sequence alone.
  await b.query('SELECT setseed(0.9)');
  await b.query('SELECT random()');
  assert.equal((await a.query('SELECT random()')).rows[0]![0], first);
  await a.close();
  await b.close();
});

test('onProgress reports rows read of the rows to read, increasing, done <= total', async () => {
  const db = await warmDb();
  await db.query('CREATE TABLE big (x int); INSERT INTO big SELECT * FROM generate_series(1, 400000)');
  const calls: Progress[] = [];
  const r = await db.query("SELECT count(*) FROM big WHERE md5(x::text) <> '' AND md5(x::text || 'a') <> ''", [], { onProgress: (p) => calls.push({ ...p }) });
  assert.deepEqual(r.rows, [[400000n]]);
  assert.ok(calls.length >= 2, `${calls.length} progress calls`);
  for (let i = 0; i < calls.length; i++) {
    assert.equal(calls[i]!.total, 400000);
    assert.ok(calls[i]!.done <= calls[i]!.total);
    if (i > 0) assert.ok(calls[i]!.done >= calls[i - 1]!.done);
  }
  assert.ok(calls[0]!.done < 400000, 'a report came before the end');
  assert.deepEqual(calls[calls.length - 1], { done: 400000, total: 400000 });
  await db.close();
});

test('now() is the start of each statement, also when statements interleave', async () => {
  const db = await warmDb();
  let finished = false;
  // now() is read on every one of the 4M rows while other statements start and end.
  const long = db.query('SELECT min(now()) = max(now()) AS same, count(*) FROM generate_series(1, 2000) a, generate_series(1, 2000) b WHERE now() IS NOT NULL')
    .finally(() => { finished = true; });
  const t1 = (await db.query('SELECT now()')).rows[0]![0] as string;
  await sleep(20);
  const t2 = (await db.query('SELECT now()')).rows[0]![0] as string;
  assert.equal(finished, false, 'the probes ran while the long query did');
  assert.ok(t2 > t1, `${t2} after ${t1}`);
  assert.deepEqual((await long).rows, [[true, 4000000n]]);
  await db.close();
});
