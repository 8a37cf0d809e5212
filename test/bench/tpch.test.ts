/**
 * The 22 TPC-H queries at scale factor 0.01, on Quiver and on DuckDB over the same generated data:
 * every answer must agree, by the benchmark's rule (bench/tpch_answers.ts). In memory, and over
 * Parquet files DuckDB writes, read through views over read_parquet.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { open, type Database } from '../../src/index.js';
import { generateTpch, TPCH_DDL, TPCH_TABLES } from '../../bench/tpch_data.js';
import { compareAnswers, runDuck, runQuiver, tpchQuery } from '../../bench/tpch_answers.js';

let dir = '';
let duckInstance: DuckDBInstance;
let duck: DuckDBConnection;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quiver-tpch-test-'));
  generateTpch(dir, 0.01);
  duckInstance = await DuckDBInstance.create(':memory:');
  duck = await duckInstance.connect();
  await duck.run('SET threads = 1');
  await duck.run(TPCH_DDL);
  mkdirSync(join(dir, 'parquet'));
  for (const t of TPCH_TABLES) {
    await duck.run(`COPY ${t} FROM '${join(dir, `${t}.csv`)}' (DELIMITER '|', HEADER false)`);
    await duck.run(`COPY ${t} TO '${join(dir, 'parquet', `${t}.parquet`)}' (FORMAT parquet)`);
  }
});

after(() => {
  duck.closeSync();
  duckInstance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function allQueriesAgree(db: Database): Promise<void> {
  const differ: string[] = [];
  for (let q = 1; q <= 22; q++) {
    const stmts = tpchQuery(q);
    const diff = compareAnswers(await runQuiver(db, stmts), await runDuck(duck, stmts));
    if (diff) differ.push(`q${q}: ${diff}`);
  }
  assert.deepEqual(differ, []);
}

test('TPC-H SF 0.01 in memory: all 22 answers agree with DuckDB', async () => {
  const db = await open();
  await db.query(TPCH_DDL);
  for (const t of TPCH_TABLES) await db.query(`COPY ${t} FROM '${join(dir, `${t}.csv`)}' WITH (FORMAT csv, DELIMITER '|')`);
  await allQueriesAgree(db);
  await db.close();
});

test('TPC-H SF 0.01 over Parquet: all 22 answers agree with DuckDB', async () => {
  const db = await open();
  for (const t of TPCH_TABLES) await db.query(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${join(dir, 'parquet', `${t}.parquet`)}')`);
  await allQueriesAgree(db);
  await db.close();
});

test('the comparison is exact for decimals and tolerant only for DuckDB doubles', () => {
  const exact = { rows: [['1.50', 'A   ']], floatColumns: [false, false] };
  assert.equal(compareAnswers({ rows: [['1.5000', 'A']] }, exact), null);
  assert.notEqual(compareAnswers({ rows: [['1.5000000000001', 'A']] }, exact), null);
  const float = { rows: [[1.5, 'A']], floatColumns: [true, false] };
  assert.equal(compareAnswers({ rows: [['1.5000000000001', 'A']] }, float), null);
  assert.notEqual(compareAnswers({ rows: [['1.51', 'A']] }, float), null);
  assert.notEqual(compareAnswers({ rows: [['1.50', 'B']] }, exact), null);
  // Rows in another order still agree: ORDER BY ties may come out either way.
  const two = { rows: [[1, 'x'], [2, 'y']], floatColumns: [false, false] };
  assert.equal(compareAnswers({ rows: [[2, 'y'], [1, 'x']] }, two), null);
});
