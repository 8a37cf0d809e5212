/**
 * share_subplans: a view read twice by one statement is computed once (one aggregate in the plan,
 * read by CTE scans); what could answer differently when shared stays per reference. The answers
 * themselves are checked against PostgreSQL in sqllogictest/quiver/cte/shared_view.slt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from '../../src/index.js';

async function explain(setup: string, sql: string): Promise<string> {
  const db = await open();
  await db.query(setup);
  const r = await db.query(`EXPLAIN ${sql}`);
  await db.close();
  return r.rows.map((row) => String(row[0])).join('\n');
}

const count = (text: string, what: string): number => text.split(what).length - 1;
const TABLES = 'CREATE TABLE l (k int, v int); CREATE TABLE s (k int, name text);';

test('a view in FROM and again in a scalar subquery is aggregated once (TPC-H Q15)', async () => {
  const plan = await explain(`${TABLES} CREATE VIEW r AS SELECT k, sum(v) AS total FROM l GROUP BY k`,
    'SELECT s.k, name, total FROM s, r WHERE s.k = r.k AND total = (SELECT max(total) FROM r)');
  const logical = plan.slice(0, plan.indexOf('Physical plan:'));
  assert.equal(count(logical, 'Aggregate: groupBy=[k'), 1, logical);
  assert.equal(count(logical, 'Materialize CTEs: subplan'), 1, logical);
});

test('the same derived table written twice is computed once', async () => {
  const plan = await explain(TABLES, 'SELECT * FROM (SELECT DISTINCT k FROM l) a JOIN (SELECT DISTINCT k FROM l) b ON a.k = b.k + 1');
  const logical = plan.slice(0, plan.indexOf('Physical plan:'));
  assert.equal(count(logical, 'Distinct'), 1, logical);
});

test('volatile views, different views and bare scans are not shared', async () => {
  const volatile = await explain(`${TABLES} CREATE VIEW vr AS SELECT DISTINCT random() AS x FROM l`, 'SELECT count(*) FROM vr a JOIN vr b ON a.x = b.x');
  assert.equal(count(volatile, 'Materialize CTEs'), 0, volatile);
  const different = await explain(TABLES, 'SELECT * FROM (SELECT k, sum(v) FROM l GROUP BY k) a, (SELECT k, sum(v) FROM l WHERE v > 1 GROUP BY k) b');
  assert.equal(count(different, 'Materialize CTEs'), 0, different);
  const scans = await explain(TABLES, 'SELECT * FROM l a JOIN l b ON a.k = b.v');
  assert.equal(count(scans, 'Materialize CTEs'), 0, scans);
});

test('a comma join is not shared apart from its WHERE clause (it would be a cross product)', async () => {
  const plan = await explain(TABLES,
    'SELECT (SELECT count(*) FROM l, s WHERE l.k = s.k AND l.v > 1), (SELECT count(*) FROM l, s WHERE l.k = s.k AND l.v > 2)');
  assert.equal(count(plan, 'Materialize CTEs'), 0, plan);
  // With the same WHERE clause below an aggregate, the whole block is shared.
  const same = await explain(TABLES,
    'SELECT (SELECT count(*) FROM l, s WHERE l.k = s.k), (SELECT count(*) FROM l, s WHERE l.k = s.k)');
  assert.equal(count(same, 'Materialize CTEs'), 1, same);
});

test('a subplan reading the enclosing row is not shared', async () => {
  const plan = await explain(TABLES,
    'SELECT (SELECT count(*) FROM (SELECT DISTINCT v FROM l WHERE l.k = s.k) d), (SELECT count(*) FROM (SELECT DISTINCT v FROM l WHERE l.k = s.k) e) FROM s');
  assert.equal(count(plan, 'Materialize CTEs'), 0, plan);
});
