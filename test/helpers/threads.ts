import assert from 'node:assert/strict';
import type { Database } from '../../src/index.js';

/** The EXPLAIN ANALYZE lines of an exchange operator, which say where its work ran. */
export async function exchangeLine(db: Database, sql: string, name: 'ParallelAggregateExec' | 'GatherExec'): Promise<string> {
  const r = await db.query(`EXPLAIN ANALYZE ${sql}`);
  return r.rows.map((x) => String(x[0])).filter((l) => l.includes(name)).join('\n');
}

/** Runs a query with one thread, then with two, checking that the second ran on the workers. */
export async function serialAndParallel(db: Database, sql: string, name: 'ParallelAggregateExec' | 'GatherExec'): Promise<{ serial: unknown[][]; parallel: unknown[][] }> {
  await db.query('SET threads = 1');
  const serial = (await db.query(sql)).rows;
  await db.query('SET threads = 2');
  const parallel = (await db.query(sql)).rows;
  assert.match(await exchangeLine(db, sql, name), /ran on 2 workers/, sql);
  return { serial, parallel };
}
