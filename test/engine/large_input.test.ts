import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, QuiverError } from '../../src/index.js';

test('a multi-megabyte INSERT through the API stores every row', async () => {
  const db = await open();
  await db.query('CREATE TABLE t (a int, b text, c numeric)');
  const rows: string[] = [];
  for (let i = 0; i < 150000; i++) rows.push(`(${i}, 'name ${i}', ${i}.5)`);
  const r = await db.query(`INSERT INTO t VALUES ${rows.join(',')}`);
  assert.equal(r.rowCount, 150000);
  const s = await db.query('SELECT count(*), sum(a), sum(c), min(b), max(b) FROM t');
  // PostgreSQL 15's answer, for the same values from generate_series(0, 149999).
  assert.deepEqual(s.rows, [[150000n, 11249925000n, '11250000000.0', 'name 0', 'name 99999']]);
  await db.close();
});

test('many statements with non-ASCII text in one query run in order', async () => {
  const db = await open();
  const stmts = ['CREATE TABLE u (a int, b text)'];
  for (let i = 0; i < 20000; i++) stmts.push(`INSERT INTO u VALUES (${i}, 'é${i}')`);
  stmts.push("SELECT count(*), max(a), min(b) FROM u WHERE b LIKE 'é%'");
  const r = await db.query(stmts.join(';\n'));
  // PostgreSQL 15's answer, for the same values from generate_series(0, 19999).
  assert.deepEqual(r.rows, [[20000n, 19999, 'é0']]);
  // An error in a late statement still points at its own text.
  await assert.rejects(db.query(`${stmts.slice(1, 100).join(';')}; SELECT é_missing FROM u`), (e: unknown) => e instanceof QuiverError && e.code === '42703');
  await db.close();
});
