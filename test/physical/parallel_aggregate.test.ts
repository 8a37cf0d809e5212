import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { open, type Database } from '../../src/index.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { Session } from '../../src/engine/session.js';
import { initParser, parseSql } from '../../src/sql/parser.js';
import { planPhysical } from '../../src/physical/planner.js';
import { executeAll } from '../../src/physical/operator.js';
import { isPause } from '../../src/physical/pause.js';
import type { Batch } from '../../src/common/vector.js';
import { getValue, makeVector } from '../../src/common/vector.js';
import { workerPool } from '../../src/physical/worker_pool.js';
import { exchangeLine, serialAndParallel } from '../helpers/threads.js';
import { mergePartials, exportState } from '../../src/physical/partial_state.js';
import { resolveAggregate } from '../../src/udf/registry.js';
import { Decimal } from '../../src/common/decimal.js';
import { T } from '../../src/common/types.js';

/** 200,000 rows with NULLs in every column kind the workers read (the same table was made in PostgreSQL 15). */
const TABLE = `CREATE TABLE pt AS SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 7 END AS k,
  CASE i % 4 WHEN 0 THEN 'alpha' WHEN 1 THEN 'beta' WHEN 2 THEN NULL ELSE 'gamma' END AS s,
  CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 1000)::float8 / 4 END AS f, (i::bigint * 1000003) AS b,
  CASE WHEN i % 17 = 0 THEN NULL ELSE i % 3 = 0 END AS flag, date '2020-01-01' + (i % 400) AS d
  FROM generate_series(1, 200000) i`;

async function withTable(): Promise<Database> {
  const db = await open();
  await db.query(TABLE);
  return db;
}

const exchange = (db: Database, sql: string): Promise<string> => exchangeLine(db, sql, 'ParallelAggregateExec');
const both = (db: Database, sql: string): Promise<{ serial: unknown[][]; parallel: unknown[][] }> => serialAndParallel(db, sql, 'ParallelAggregateExec');

test('a scalar aggregate over every enabled kind gives PostgreSQL\'s answer on two threads and one', async () => {
  const db = await withTable();
  const sql = 'SELECT count(*), count(k), sum(k), sum(b), sum(f), avg(k), avg(f), min(s), max(s), min(d), max(d), bool_and(flag), bool_or(flag), min(f), max(b), every(flag) FROM pt';
  const { serial, parallel } = await both(db, sql);
  // Expected values from PostgreSQL 15 over the same table.
  const pg = [200000n, 181819n, 545455n, '20000160000300000', 23054135, '2.9999890000494998', 124.87614832950557, 'alpha', 'gamma', '2020-01-01', '2021-02-03', false, true, 0, 200000600000n, false];
  assert.deepEqual(serial, [pg]);
  assert.deepEqual(parallel, [pg]);
  await db.close();
});

test('grouped aggregates: same rows in the same order on two threads as on one', async () => {
  const db = await withTable();
  const queries = [
    'SELECT k, count(*), sum(i), avg(i), min(f), max(f), min(s), max(b), bool_or(flag) FROM pt GROUP BY k',
    'SELECT s, count(f), sum(f), avg(f), min(d), max(d), bool_and(flag) FROM pt GROUP BY s',
    'SELECT s, k, count(*), sum(i), avg(f), max(d) FROM pt WHERE i % 5 <> 0 GROUP BY s, k',
    'SELECT b % 1000 AS m, count(*), sum(f) FROM pt WHERE f < 200 GROUP BY b % 1000',
    'SELECT flag, d, count(*) FILTER (WHERE k > 2), sum(i) FILTER (WHERE s IS NULL) FROM pt GROUP BY flag, d',
    'SELECT upper(s), count(*) FROM pt WHERE s LIKE \'%a\' GROUP BY upper(s)',
    // The other accumulators: int2 sums, int8 sums past 2^64 (folded into bigints), float4 sums.
    'SELECT k, sum((i % 30000)::int2), avg((i % 30000)::int2), sum(i::bigint * 23058430092136), avg(b), sum(f::float4) FILTER (WHERE i < 300), avg(f::float4), min(f::float4) FROM pt GROUP BY k',
  ];
  for (const sql of queries) {
    const { serial, parallel } = await both(db, sql);
    assert.ok(serial.length > 1, sql);
    assert.deepEqual(parallel, serial, sql);
  }
  // PostgreSQL 15: the first groups of the third query, in its ORDER BY.
  await db.query('SET threads = 2');
  const r = await db.query('SELECT s, k, count(*), sum(i), max(d) FROM pt WHERE i % 5 <> 0 GROUP BY s, k ORDER BY s, k LIMIT 2');
  assert.deepEqual(r.rows, [['alpha', 0, 5194n, 519319444n, '2021-01-31'], ['alpha', 1, 5196n, 519633816n, '2021-01-31']]);
  // PostgreSQL 15: int2 and int8 sums (the latter past 2^64) of the first two groups.
  const r2 = await db.query('SELECT k, sum((i % 30000)::int2), sum(i::bigint * 23058430092136) FROM pt GROUP BY k ORDER BY k NULLS FIRST LIMIT 2');
  assert.deepEqual(r2.rows, [[null, 263638181n, '41922950975829966724616'], [0, 376617411n, '59891906623038537859896']]);
  await db.close();
});

test('a scalar aggregate whose filter keeps no row still returns one row', async () => {
  const db = await withTable();
  const { serial, parallel } = await both(db, 'SELECT count(*), sum(f) FROM pt WHERE f > 1000');
  // PostgreSQL 15: 0 | NULL
  assert.deepEqual(serial, [[0n, null]]);
  assert.deepEqual(parallel, [[0n, null]]);
  await db.close();
});

test('parameters and the statement clock travel with the fragment', async () => {
  const db = await withTable();
  await db.query('SET threads = 2');
  const r = await db.query('SELECT count(*), count(*) FILTER (WHERE d < now()) FROM pt WHERE i > $1', [150000]);
  assert.deepEqual(r.rows, [[50000n, 50000n]]);
  await db.close();
});

test('an error in a worker fails only its query, with its SQLSTATE; the next query runs on the workers', async () => {
  const db = await withTable();
  await db.query('SET threads = 2');
  await assert.rejects(db.query('SELECT k, sum(i) FROM pt WHERE 10 / (i - 123456) > 0 GROUP BY k'), (e: unknown) => {
    const x = e as { code?: string; message?: string; constructor: { name: string } };
    return x.code === '22012' && x.message === 'division by zero' && x.constructor.name === 'QuiverError';
  });
  await assert.rejects(db.query('SELECT sum(i::int2) FROM pt'), { code: '22003' });
  // Two failing rows in different morsels: the first in table order decides, as when serial
  // (PostgreSQL 15 reports the division by zero too).
  const two = "SELECT k, count(*) FROM pt WHERE CASE WHEN i = 70000 THEN 1 / (i - i) WHEN i = 190000 THEN (i * 100)::int2 ELSE 1 END > 0 GROUP BY k";
  for (let r = 0; r < 3; r++) await assert.rejects(db.query(two), { code: '22012' });
  const { serial, parallel } = await both(db, 'SELECT k, sum(i) FROM pt GROUP BY k');
  assert.deepEqual(parallel, serial);
  await db.close();
});

test('a worker that dies is replaced and the pool stays usable', async () => {
  const db = await withTable();
  await db.query('SET threads = 2');
  const sql = 'SELECT s, count(*) FROM pt GROUP BY s';
  const before = (await db.query(sql)).rows;
  const [slot] = workerPool().take(1);
  await slot!.worker.terminate();
  assert.deepEqual((await db.query(sql)).rows, before);
  assert.match(await exchange(db, sql), /ran on 2 workers/);
  await db.close();
});

test('what a worker cannot read runs in process, with the right answer', async () => {
  const db = await withTable();
  await db.query('CREATE TABLE wide AS SELECT i, i::numeric / 3 AS n, md5(i::text) AS h FROM generate_series(1, 150000) i');
  await db.query('SET threads = 2');
  // n's values (scale 16) do not fit a double as scaled integers, so its chunks hold Decimals;
  // md5 text has too many distinct values for a dictionary.
  assert.match(await exchange(db, 'SELECT count(*) FROM wide WHERE n IS NOT NULL'), /ran in process \(numeric column not in fixed point\)/);
  assert.match(await exchange(db, 'SELECT sum(n) FROM wide'), /ran in process \(numeric column not in fixed point\)/);
  // min/max over numeric of no declared scale stay serial: equal values may differ in scale
  // (1.0, 1.00), and the serial answer is the later one in table order.
  assert.doesNotMatch((await db.query('EXPLAIN SELECT max(i::numeric / 3) FROM pt')).rows.map((x) => x[0]).join('\n'), /ParallelAggregateExec/);
  // Decimals computed in the workers (too large for fixed point) are summed exactly there.
  const dec = await both(db, 'SELECT max(i::numeric(10,1)), sum(i::numeric / 3) FROM pt');
  // PostgreSQL 15 over generate_series(1, 200000).
  assert.deepEqual(dec.serial, [['200000.0', '6666700000.00000000000000000000']]);
  assert.deepEqual(dec.parallel, dec.serial);
  await db.query('SET threads = 2');
  // A column whose first chunks are in fixed point runs on the workers until a chunk holds a
  // value too large for it.
  await db.query('CREATE TABLE mixed AS SELECT ((i % 1000)::numeric(10,2) / 4)::numeric(30,2) AS n FROM generate_series(1, 150000) i');
  assert.match(await exchange(db, 'SELECT sum(n) FROM mixed'), /ran on 2 workers/);
  await db.query('INSERT INTO mixed VALUES (1e26)');
  assert.match(await exchange(db, 'SELECT sum(n) FROM mixed'), /ran in process \(numeric column not in fixed point\)/);
  // PostgreSQL 15 over the same table.
  assert.deepEqual((await db.query('SELECT sum(n) FROM mixed')).rows, [['100000000000000000018731250.00']]);
  assert.match(await exchange(db, 'SELECT count(h) FROM wide'), /ran in process \(text column without a dictionary\)/);
  // A volatile function is never shipped: the plan keeps the serial aggregate.
  const plan = (await db.query('EXPLAIN SELECT sum(i) FROM pt WHERE random() < 2')).rows.map((x) => x[0]).join('\n');
  assert.doesNotMatch(plan, /ParallelAggregateExec/);
  // PostgreSQL 15: SELECT sum(i::numeric / 3) FROM generate_series(1, 150000) i → 3750025000.0000000000
  assert.deepEqual((await db.query('SELECT round(sum(n), 4), count(h) FROM wide')).rows, [['3750025000.0000', 150000n]]);
  await db.close();
});

test('SET threads: whole numbers from 1, the cores by default, shown by SHOW', async () => {
  const db = await open();
  assert.deepEqual((await db.query('SHOW threads')).rows, [[String(availableParallelism())]]);
  await db.query('SET threads = 3');
  assert.deepEqual((await db.query('SHOW threads')).rows, [['3']]);
  await assert.rejects(db.query('SET threads = 0'), { code: '22023' });
  await assert.rejects(db.query("SET threads = 'many'"), { code: '22023' });
  await db.query('RESET threads');
  assert.deepEqual((await db.query('SHOW threads')).rows, [[String(availableParallelism())]]);
  await db.close();
});

test('with a driver that awaits pauses, the exchange yields one while the workers compute', async () => {
  await initParser();
  const session = new Session(new Catalog());
  const run = async (sql: string): Promise<void> => { for (const st of parseSql(sql)) await session.execute(st, [], []); };
  await run(TABLE);
  const { plan } = session.planQuery(parseSql('SELECT s, count(*), sum(f) FROM pt GROUP BY s')[0]!.node, []);
  const op = planPhysical(plan);
  const ctx = { params: [], outer: [], now: Date.now() * 1000, random: Math.random, workTables: new Map(), threads: 2, awaitsPauses: true };
  const out: Batch[] = [];
  let pauses = 0;
  const it = executeAll(op, ctx);
  for (let r = it.next(); !r.done; r = it.next()) {
    if (isPause(r.value)) { pauses++; await r.value.wait; continue; }
    out.push(r.value);
  }
  assert.ok(pauses >= 1);
  const rows = out.flatMap((b) => Array.from({ length: b.length }, (_, i) => b.columns.map((c) => getValue(c, i))));
  const serial = [...executeAll(planPhysical(plan), { ...ctx, threads: 1, awaitsPauses: false })];
  const serialRows = serial.flatMap((b) => Array.from({ length: b.length }, (_, i) => b.columns.map((c) => getValue(c, i))));
  assert.deepEqual(rows, serialRows);
  assert.equal(rows.length, 4);

  // A driver that gives up (a cancelled statement) closes the generator at the pause: the job
  // ends, the workers stop taking morsels, and the next query is answered in full.
  const it2 = executeAll(planPhysical(plan), ctx);
  const first = it2.next();
  assert.ok(!first.done && isPause(first.value));
  it2.return(undefined);
  await (first.value as { wait: Promise<unknown> }).wait;
  const again: Batch[] = [];
  for (const b of executeAll(planPhysical(plan), { ...ctx, awaitsPauses: false })) again.push(b);
  assert.equal(again.reduce((n, b) => n + b.length, 0), 4);

  // Inside a subquery (run to completion by a per-row call) the exchange never pauses.
  const sub = session.planQuery(parseSql('SELECT count(*) FROM generate_series(1, 10) g WHERE g < (SELECT count(*) FROM pt WHERE k = 3) / 10000')[0]!.node, []).plan;
  const got: unknown[] = [];
  for (const b of executeAll(planPhysical(sub), ctx)) if (!isPause(b)) for (let i = 0; i < b.length; i++) got.push(getValue(b.columns[0]!, i));
  // 25975 rows have k = 3 (PostgreSQL 15), so g < 2: one row.
  assert.deepEqual(got, [1n]);
});

test('the pool never keeps the process alive', () => {
  // A script that runs a parallel query and neither closes the database nor exits.
  const index = new URL('../../src/index.js', import.meta.url).href;
  const script = `
    const { open } = await import(${JSON.stringify(index)});
    const db = await open();
    await db.query("SET threads = 2");
    await db.query("CREATE TABLE t AS SELECT i % 5 AS k FROM generate_series(1, 200000) i");
    const r = await db.query("EXPLAIN ANALYZE SELECT k, count(*) FROM t GROUP BY k");
    console.log(r.rows.some((x) => /ran on 2 workers/.test(String(x[0]))) ? 'parallel' : 'serial');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000, encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) });
  assert.equal(r.error, undefined, 'the process did not exit by itself');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'parallel');
});

test('EXPLAIN shows the exchange; closing one database leaves the pool to the others', async () => {
  const a = await withTable();
  const b = await withTable();
  const plan = (await a.query('EXPLAIN SELECT k, sum(i) FROM pt GROUP BY k')).rows.map((x) => String(x[0]));
  assert.ok(plan.some((l) => /^ {2}ParallelAggregateExec: table: pt, morsels: \d+, workers: threads$/.test(l)), plan.join('\n'));
  assert.ok(plan.some((l) => /^ {4}HashAggregateExec/.test(l)), plan.join('\n'));
  await a.query('SET threads = 2');
  await b.query('SET threads = 2');
  const sql = 'SELECT k, sum(i) FROM pt GROUP BY k';
  assert.match(await exchange(a, sql), /ran on 2 workers/);
  await a.close();
  assert.match(await exchange(b, sql), /ran on 2 workers/);
  await b.close();
});

/**
 * 200,000 rows of fixed-point numeric columns (numeric(15,2) and numeric(18,4)) with NULLs; the
 * same table was made in PostgreSQL 15. sum(price) passes 2^53 (as scaled integers) only across
 * morsels, sum(big) within each morsel and group; price * (1 - disc) * (1 + tax) has scale 8 and
 * values past 2^53, so it is computed as Decimals in the workers.
 */
const NUMERIC_TABLE = `CREATE TABLE nt AS SELECT i,
  CASE i % 3 WHEN 0 THEN 'A' WHEN 1 THEN 'N' ELSE 'R' END AS flag,
  CASE WHEN i % 4 = 0 THEN 'F' ELSE 'O' END AS status,
  ((i % 50) + 1)::numeric(15,2) AS qty,
  (CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919 % 100000000)::numeric / 100 + 900000000 END)::numeric(15,2) AS price,
  (CASE WHEN i % 13 = 0 THEN NULL ELSE (i::bigint * 9999999967 % 1000000000000000)::numeric / 100 END)::numeric(15,2) AS big,
  (CASE WHEN i % 17 = 0 THEN NULL ELSE (i % 11)::numeric / 100 END)::numeric(18,4) AS disc,
  ((i % 9)::numeric / 100)::numeric(15,2) AS tax,
  date '1992-01-01' + (i % 2500) AS d
  FROM generate_series(1, 200000) i`;

test('fixed-point numeric columns: sums past 2^53, avg, min and max on two threads give PostgreSQL\'s answers', async () => {
  const db = await open();
  await db.query(NUMERIC_TABLE);
  const scalar = 'SELECT sum(price), sum(big), avg(price), min(big), max(price), count(price), sum(disc), avg(disc), min(disc), max(disc) FROM nt';
  const s = await both(db, scalar);
  // PostgreSQL 15 over the same table.
  const pg = [['163727235140246.61', '923086147907651691.80', '900495741.04052167', '99966999.67', '900999988.78', 181819n, '9411.8100', '0.05000005312480078200', '0.0000', '0.1000']];
  assert.deepEqual(s.serial, pg);
  assert.deepEqual(s.parallel, pg);
  const grouped = 'SELECT flag, sum(big), avg(big), min(price), max(big), sum(disc * big) FROM nt GROUP BY flag';
  const g = await both(db, grouped);
  assert.deepEqual(g.parallel, g.serial);
  // PostgreSQL 15, ORDER BY flag.
  assert.deepEqual([...g.parallel].sort((a, b) => String(a[0]).localeCompare(String(b[0]))), [
    ['A', '307685382869261229.83', '4999924971062.7780', '900000000.05', '9999899967000.33', '14480226743435541.431300'],
    ['N', '307705382369195231.48', '5000168712023.1923', '900000011.37', '9999999967000.00', '14481318825428967.560700'],
    ['R', '307695382669195230.49', '5000006218320.0122', '900000022.69', '9999999934000.00', '14479325027435547.094100'],
  ]);
  await db.close();
});

test('TPC-H Q1 and Q6 shapes over numeric columns run on the workers with the serial answers', async () => {
  const db = await open();
  await db.query(NUMERIC_TABLE);
  const q1 = `SELECT flag, status, sum(qty), sum(price), sum(price * (1 - disc)), sum(price * (1 - disc) * (1 + tax)),
    avg(qty), avg(price), avg(disc), count(*) FROM nt WHERE d <= date '1998-12-01' - interval '90 day' GROUP BY flag, status`;
  const a = await both(db, q1);
  assert.equal(a.serial.length, 6);
  assert.deepEqual(a.parallel, a.serial);
  // PostgreSQL 15: the first two groups in ORDER BY flag, status.
  const first = [...a.parallel].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || String(x[1]).localeCompare(String(y[1]))).slice(0, 2);
  assert.deepEqual(first, [
    ['A', 'F', '405078.00', '13315624440951.68', '11843576960774.989200', '12198882929867.31562800', '24.9033566949465142', '900495329.74583621', '0.05001045000326562602', 16266n],
    ['A', 'O', '1245680.00', '39885633470720.96', '35478879933985.532000', '36543129715872.85259300', '25.5681444991789819', '900495190.45268914', '0.04999563871080291334', 48720n],
  ]);
  const q6 = `SELECT sum(price * disc) FROM nt WHERE d >= date '1994-01-01' AND d < date '1994-01-01' + interval '1 year'
    AND disc BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 AND qty < 24`;
  const b = await both(db, q6);
  // PostgreSQL 15.
  assert.deepEqual(b.serial, [['178811601624.739600']]);
  assert.deepEqual(b.parallel, b.serial);
  // Parameters compared with numeric columns (cast in the fragment) run on the workers too.
  await db.query('SET threads = 2');
  const p = await db.query('SELECT sum(price * disc) FROM nt WHERE d >= date \'1994-01-01\' AND d < date \'1995-01-01\' AND disc BETWEEN $1 AND $2 AND qty < 24', [ '0.05', '0.07' ]);
  assert.deepEqual(p.rows, b.serial);
  await db.close();
});

test('bpchar group keys that differ only in trailing blanks are one group on the workers', async () => {
  const db = await open();
  await db.query(`CREATE TABLE bp AS SELECT (CASE i % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'a ' ELSE 'b' END)::bpchar AS c,
    (CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END)::char(1) AS d, ((i % 100)::numeric / 100)::numeric(15,2) AS p FROM generate_series(1, 200000) i`);
  // Several dictionary keys are grouped on their codes; a lone bpchar key reads its strings.
  for (const sql of ['SELECT c, d, count(*), sum(p) FROM bp GROUP BY c, d', 'SELECT c, count(*), sum(p) FROM bp GROUP BY c']) {
    const r = await both(db, sql);
    assert.deepEqual(r.parallel, r.serial, sql);
  }
  await db.query('SET threads = 2');
  // PostgreSQL 15 (rtrim shows the groups whatever blanks their first row had).
  const two = await db.query('SELECT rtrim(c), d, count(*), sum(p) FROM bp GROUP BY c, d ORDER BY 1, 2');
  assert.deepEqual(two.rows, [['a', 'x', 66666n, '32666.66'], ['a', 'y', 66667n, '33333.67'], ['b', 'x', 33334n, '16333.34'], ['b', 'y', 33333n, '16666.33']]);
  const one = await db.query('SELECT rtrim(c), count(*), sum(p) FROM bp GROUP BY c ORDER BY 1');
  assert.deepEqual(one.rows, [['a', 133333n, '66000.33'], ['b', 66667n, '32999.67']]);
  await db.close();
});

test('partials whose numeric max ties in value but not in scale are not merged', () => {
  const fn = resolveAggregate('max', [T.numeric])!.fn;
  const call = { fn, args: [{ kind: 'col' as const, index: 0, type: T.numeric }], distinct: false, filter: null, orderBy: [], type: T.numeric };
  const part = (d: Decimal, morsel: number) => {
    const acc = fn.create([T.numeric], T.numeric);
    acc.resize(1);
    acc.update(new Int32Array(1), 1, [makeVector(T.numeric, [d], null, 1)], null);
    return { keys: [], states: [exportState(acc)], groups: 1, first: Int32Array.of(morsel), morsels: 1, ms: 0 };
  };
  // The serial answer is the later of 1.0 and 1.00 in table order, which the states do not say.
  assert.equal(mergePartials([part(new Decimal(10n, 1), 0), part(new Decimal(100n, 2), 1)], [], [call]), null);
  const merged = mergePartials([part(new Decimal(10n, 1), 0), part(new Decimal(20n, 1), 1)], [], [call])!;
  assert.equal(String((merged.accs[0]!.finish(1).data as Decimal[])[0]), '2.0');
});
