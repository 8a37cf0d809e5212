import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, type Database } from '../../src/index.js';
import { serialAndParallel } from '../helpers/threads.js';

/** 200,000 rows with NULLs (the same table was made in PostgreSQL 15 for the expected answers). */
const TABLE = `CREATE TABLE pt AS SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 7 END AS k,
  CASE i % 4 WHEN 0 THEN 'alpha' WHEN 1 THEN 'beta' WHEN 2 THEN NULL ELSE 'gamma' END AS s,
  CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 1000)::float8 / 4 END AS f FROM generate_series(1, 200000) i`;

async function setup(): Promise<Database> {
  const db = await open();
  await db.query(TABLE);
  await db.query("CREATE TABLE dim AS SELECT i AS k, 'name' || i AS name FROM generate_series(0, 6) i");
  return db;
}

test('sorts and joins over filtered scans get the same rows, in the same order, from the workers', async () => {
  const db = await setup();
  const queries = [
    'SELECT i, s, f * 2 FROM pt WHERE f > 240 ORDER BY f DESC, i LIMIT 5',
    'SELECT i, s FROM pt WHERE i % 1000 = 7 ORDER BY s, i DESC',
    'SELECT upper(s), i FROM pt WHERE i % 997 = 1 ORDER BY 1, 2',
    // No ORDER BY: the join hands rows on in probe order, which the gather keeps.
    'SELECT pt.i, dim.name, pt.s FROM pt JOIN dim ON pt.k = dim.k WHERE pt.i % 5 = 0',
    'SELECT dim.name, pt.i FROM dim LEFT JOIN pt ON pt.k = dim.k AND pt.f > 249 AND pt.i > 100000',
  ];
  for (const sql of queries) {
    const { serial, parallel } = await serialAndParallel(db, sql, 'GatherExec');
    assert.ok(serial.length > 0, sql);
    assert.deepEqual(parallel, serial, sql);
  }
  // PostgreSQL 15: SELECT i, s, f * 2 FROM pt WHERE f > 240 ORDER BY f DESC, i LIMIT 2
  assert.deepEqual((await db.query('SELECT i, s, f * 2 FROM pt WHERE f > 240 ORDER BY f DESC, i LIMIT 2')).rows, [[999, 'gamma', 499.5], [1999, 'gamma', 499.5]]);
  await db.close();
});

test('an error in a gathered morsel fails the query with its SQLSTATE, and the workers go on serving', async () => {
  const db = await setup();
  await db.query('SET threads = 2');
  await assert.rejects(db.query('SELECT i FROM pt WHERE 1 / (i - 150000) > 0 ORDER BY i'), { code: '22012', message: 'division by zero' });
  // A LIMIT that is satisfied early stops the join's probe side; the next query is whole.
  assert.equal((await db.query('SELECT pt.i FROM pt JOIN dim ON pt.k = dim.k WHERE pt.f > 1 LIMIT 3')).rows.length, 3);
  // PostgreSQL 15: 10 rows.
  assert.equal((await db.query('SELECT i FROM pt WHERE i % 20000 = 0 ORDER BY i')).rows.length, 10);
  await db.close();
});

test('filters on a fixed-point numeric column run in the workers', async () => {
  const db = await open();
  await db.query('CREATE TABLE gn AS SELECT i, ((i % 1000)::numeric / 100)::numeric(15,2) AS p FROM generate_series(1, 200000) i');
  const sql = 'SELECT i FROM gn WHERE p * 3 > 29.9 AND p BETWEEN 9.97 AND 9.99 ORDER BY i DESC';
  const { serial, parallel } = await serialAndParallel(db, sql, 'GatherExec');
  assert.deepEqual(parallel, serial);
  // PostgreSQL 15: 600 rows, the first 199999, 199998, 199997.
  assert.equal(serial.length, 600);
  assert.deepEqual(serial.slice(0, 3), [[199999], [199998], [199997]]);
  await db.close();
});
