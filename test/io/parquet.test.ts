/**
 * read_parquet through the built-in reader (src/io/parquet/): files written by DuckDB (several
 * types, NULLs, many row groups, snappy and uncompressed, DATA_PAGE v2), by parquet-wasm (v1 and v2
 * pages) and by COPY ... (FORMAT parquet), compared value by value with DuckDB's read of the same
 * file; the parquet-wasm fallback for other codecs; globs; row groups pruned on a sorted file;
 * errors for missing and corrupt files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet, WriterPropertiesBuilder, WriterVersion, Compression } from 'parquet-wasm';
import { open, QuiverError, type Database } from '../../src/index.js';
import { decodeFileMeta, decodePageHeader } from '../../src/io/parquet/metadata.js';

const COLUMNS = `
  i::INT AS id,
  (i * 7 % 100)::BIGINT AS b,
  CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || (i % 13) END AS s,
  CASE WHEN i % 11 = 0 THEN NULL ELSE 'text é ' || i END AS u,
  (i / 3.0)::DOUBLE AS d,
  (i % 1000 / 100.0)::DECIMAL(15,2) AS m,
  DATE '2020-01-01' + (i % 400)::INT AS dt,
  TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (i) SECOND AS ts,
  CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 2 = 0) END AS bo,
  (i % 100)::SMALLINT AS sm,
  (i::REAL / 7) AS r,
  (i * 12345678901)::DECIMAL(38,4) AS big,
  (i % 100)::TINYINT AS ti,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.5 END::DECIMAL(9,3) AS m9,
  (i * 1000003)::DECIMAL(18,1) AS m18,
  (i % 60000)::USMALLINT AS us`;
const FLOATS = new Set(['d', 'r']);
const NAMES = ['id', 'b', 's', 'u', 'd', 'm', 'dt', 'ts', 'bo', 'sm', 'r', 'big', 'ti', 'm9', 'm18', 'us'];

function withDirs(fn: (dir: string, duck: DuckDBConnection, db: Database) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiver-parquet-'));
    const inst = await DuckDBInstance.create(':memory:');
    const duck = await inst.connect();
    const db = await open();
    try {
      await fn(dir, duck, db);
    } finally {
      await db.close();
      duck.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Every column as text (floats as numbers), ordered by id, from both engines. */
async function compareWithDuckDB(duck: DuckDBConnection, db: Database, file: string, names = NAMES): Promise<number> {
  const sel = (cast: string): string => names.map((n) => (FLOATS.has(n) ? n : `${n}::${cast}`)).join(', ');
  // id + 0: the input column, not the output column of the same name.
  const want = (await duck.runAndReadAll(`SELECT ${sel('VARCHAR')} FROM read_parquet('${file}') ORDER BY id + 0`)).getRowsJS();
  const got = (await db.query(`SELECT ${sel('text')} FROM read_parquet('${file}') ORDER BY id + 0`)).rows;
  assert.equal(got.length, want.length);
  for (let r = 0; r < want.length; r++) {
    for (let c = 0; c < names.length; c++) {
      const w = want[r]![c], g = got[r]![c];
      if (names[c] === 'bo' && w !== null) assert.equal(g, w === 'true' ? 'true' : 'false', `row ${r} column ${names[c]}`);
      else if (FLOATS.has(names[c]!) && w !== null) assert.equal(g, Number(w), `row ${r} column ${names[c]}`);
      else assert.equal(g, w, `row ${r} column ${names[c]}`);
    }
  }
  return got.length;
}

async function explain(db: Database, sql: string): Promise<string> {
  return (await db.query(`EXPLAIN ANALYZE ${sql}`)).rows.map((r) => String(r[0])).join('\n');
}

test('DuckDB files (snappy and uncompressed, many row groups, NULLs) read as DuckDB reads them', withDirs(async (dir, duck, db) => {
  await duck.run(`CREATE TABLE t AS SELECT ${COLUMNS} FROM range(0, 20000) r(i)`);
  for (const [name, opts] of [['snappy', 'ROW_GROUP_SIZE 2048'], ['none', 'COMPRESSION uncompressed'], ['rg5000', 'ROW_GROUP_SIZE 5000']] as const) {
    const file = join(dir, `${name}.parquet`);
    await duck.run(`COPY t TO '${file}' (FORMAT parquet, ${opts})`);
    assert.equal(await compareWithDuckDB(duck, db, file), 20000);
    // Read by the built-in reader, not the fallback.
    assert.doesNotMatch(await explain(db, `SELECT count(*) FROM read_parquet('${file}')`), /parquet-wasm/);
  }
  const types = (await db.query(`SELECT * FROM read_parquet('${join(dir, 'snappy.parquet')}') LIMIT 1`)).columns.map((c) => c.type);
  assert.deepEqual(types, ['integer', 'bigint', 'text', 'text', 'double precision', 'numeric(15,2)', 'date', 'timestamp without time zone', 'boolean', 'smallint', 'real', 'numeric(38,4)', 'smallint', 'numeric(9,3)', 'numeric(18,1)', 'integer']);
}));

test('other codecs and encodings fall back to parquet-wasm with the same answers', withDirs(async (dir, duck, db) => {
  await duck.run(`CREATE TABLE t AS SELECT ${COLUMNS} FROM range(0, 5000) r(i)`);
  for (const [name, opts] of [['zstd', 'COMPRESSION zstd'], ['gzip', 'COMPRESSION gzip'], ['delta', 'PARQUET_VERSION v2']] as const) {
    const file = join(dir, `${name}.parquet`);
    await duck.run(`COPY t TO '${file}' (FORMAT parquet, ${opts})`);
    assert.equal(await compareWithDuckDB(duck, db, file), 5000);
    assert.match(await explain(db, `SELECT count(*) FROM read_parquet('${file}')`), /through parquet-wasm/);
  }
}));

function wasmParquet(file: string, version: WriterVersion, dictionary: boolean): void {
  const n = 3000;
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  const arrow = tableFromArrays({
    id: ids,
    f: Float64Array.from(ids, (i) => i * 0.25),
    s: Array.from(ids, (i) => (i % 4 === 0 ? null : `s${i % 17}`)),
    k: BigInt64Array.from(ids, (i) => BigInt(i) * 3000000000n),
  });
  const props = new WriterPropertiesBuilder().setWriterVersion(version).setDictionaryEnabled(dictionary)
    .setCompression(Compression.SNAPPY).setMaxRowGroupSize(1000).setDataPageSizeLimit(2048).build();
  writeFileSync(file, writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream')), props));
}

test('parquet-wasm files with DATA_PAGE v1 and v2, dictionary and plain pages', withDirs(async (dir, duck, db) => {
  for (const [name, version, dict] of [['v1', WriterVersion.V1, true], ['v2', WriterVersion.V2, true], ['v2plain', WriterVersion.V2, false]] as const) {
    const file = join(dir, `${name}.parquet`);
    wasmParquet(file, version, dict);
    // The file really has the page kind under test.
    const bytes = readFileSync(file);
    const len = bytes.readUInt32LE(bytes.length - 8);
    const meta = decodeFileMeta(bytes.subarray(bytes.length - 8 - len, bytes.length - 8));
    const c = meta.rowGroups[0]!.columns[0]!;
    const { header } = decodePageHeader(bytes, c.dataPageOffset, bytes.length);
    assert.equal(header.type, version === WriterVersion.V2 ? 3 : 0);
    if (version === WriterVersion.V2 && !dict) {
      // Without a dictionary, v2 integer pages may be DELTA_BINARY_PACKED: then the fallback reads them.
      const want = (await duck.runAndReadAll(`SELECT count(*), sum(id), sum(f), count(s), min(s), sum(k)::VARCHAR FROM read_parquet('${file}')`)).getRowsJS()[0]!;
      const got = (await db.query(`SELECT count(*), sum(id), sum(f), count(s), min(s), sum(k)::text FROM read_parquet('${file}')`)).rows[0]!;
      assert.deepEqual(got.map(String), want.map(String));
      continue;
    }
    assert.doesNotMatch(await explain(db, `SELECT count(*) FROM read_parquet('${file}')`), /parquet-wasm/);
    const want = (await duck.runAndReadAll(`SELECT id, f, s, k::VARCHAR FROM read_parquet('${file}') ORDER BY id`)).getRowsJS();
    const got = (await db.query(`SELECT id, f, s, k::text FROM read_parquet('${file}') ORDER BY id`)).rows;
    assert.deepEqual(got, want);
  }
}));

test('COPY ... TO (FORMAT parquet) reads back through read_parquet and COPY FROM', withDirs(async (dir, duck, db) => {
  const file = join(dir, 'q.parquet');
  await db.query(`CREATE TABLE src (id int, n numeric(12,3), t text, d date, ts timestamp, b boolean, f real, g float8, k bigint, sm smallint)`);
  await db.query(`INSERT INTO src SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE g * 1.125 END, CASE WHEN g % 3 = 0 THEN NULL ELSE 'w' || (g % 7) END,
    date '2001-02-03' + g, timestamp '2001-02-03 04:05:06' + g * interval '1 minute', g % 2 = 0, g / 8.0, g / 3.0, g * 100000000000, g % 300 FROM generate_series(1, 3000) g`);
  await db.query(`COPY (SELECT * FROM src) TO '${file}' (FORMAT parquet)`);
  const want = (await db.query('SELECT * FROM src ORDER BY id')).rows;
  assert.deepEqual((await db.query(`SELECT * FROM read_parquet('${file}') ORDER BY id`)).rows, want);
  await db.query('CREATE TABLE dst (id int, n numeric(12,3), t text, d date, ts timestamp, b boolean, f real, g float8, k bigint, sm smallint)');
  assert.equal((await db.query(`COPY dst FROM '${file}' (FORMAT parquet)`)).rowCount, 3000);
  assert.deepEqual((await db.query('SELECT * FROM dst ORDER BY id')).rows, want);
  // DuckDB reads the same file to the same sums.
  const d = (await duck.runAndReadAll(`SELECT sum(id), sum(n)::VARCHAR, count(t) FROM read_parquet('${file}')`)).getRowsJS()[0]!;
  const q = (await db.query(`SELECT sum(id), sum(n)::text, count(t) FROM read_parquet('${file}')`)).rows[0]!;
  assert.deepEqual(q.map(String), d.map(String));
}));

test('row groups are pruned by footer min/max on a sorted file, with the same answers', withDirs(async (dir, duck, db) => {
  const file = join(dir, 'sorted.parquet');
  await duck.run(`COPY (SELECT i AS k, DATE '2000-01-01' + (i // 10)::INT AS d, (i % 100 / 10.0)::DECIMAL(6,2) AS m, 'n' || (i // 1000) AS s FROM range(0, 102400) r(i) ORDER BY i)
    TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 10240)`);
  // Row group j holds k in [10240 j, 10240 j + 10239].
  const cases: [string, number][] = [
    ['k >= 95000', 9], ['k < 15000', 8], ['k BETWEEN 42000 AND 43000', 9], ['k = 70001', 9], ['70001 = k', 9],
    [`d >= DATE '2002-01-01' AND d < DATE '2002-02-01'`, 9],
    // Text bounds compare as text: 'n5' lies within ['n0', 'n9'], ['n40', 'n51'] and ['n100', 'n99'].
    ['s IN (\'n5\', \'n77\')', 6], ['k IN (5, 99999)', 8],
    ['m < 0.5 AND k > 90000', 8], ['k > 102399', 10], ['k + 0 > 95000', 0], ['k > 95000 OR k < 5', 0],
  ];
  for (const [where, pruned] of cases) {
    const plan = await explain(db, `SELECT count(*), sum(k) FROM read_parquet('${file}') WHERE ${where}`);
    assert.match(plan, new RegExp(`row groups: ${10 - pruned} of 10 read \\(${pruned} pruned\\)`), `${where}\n${plan}`);
    const want = (await duck.runAndReadAll(`SELECT count(*)::VARCHAR, coalesce(sum(k), -1)::VARCHAR FROM read_parquet('${file}') WHERE ${where}`)).getRowsJS()[0]!;
    const got = (await db.query(`SELECT count(*)::text, coalesce(sum(k), -1)::text FROM read_parquet('${file}') WHERE ${where}`)).rows[0]!;
    assert.deepEqual(got, want, where);
  }
  // Only the columns the query needs are read.
  assert.match(await explain(db, `SELECT sum(k) FROM read_parquet('${file}') WHERE d > DATE '2000-03-01'`), /columns: \[k, d\]/);
}));

test('globs read the matching files in order; their schemas must agree', withDirs(async (dir, duck, db) => {
  mkdirSync(join(dir, 'parts'));
  for (let p = 0; p < 3; p++) {
    await duck.run(`COPY (SELECT i + ${p * 1000} AS k, 'p${p}' AS s FROM range(0, 1000) r(i)) TO '${join(dir, 'parts', `part${p}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE 300)`);
  }
  const r = await db.query(`SELECT count(*), min(k), max(k), count(DISTINCT s) FROM read_parquet('${join(dir, 'parts', '*.parquet')}')`);
  assert.deepEqual(r.rows, [[3000n, 0n, 2999n, 3n]]);
  // File order, then row order, without ORDER BY.
  const first = await db.query(`SELECT k FROM read_parquet('${join(dir, 'parts', 'part?.parquet')}') LIMIT 3`);
  assert.deepEqual(first.rows, [[0n], [1n], [2n]]);
  await duck.run(`COPY (SELECT 1 AS k, 2 AS other) TO '${join(dir, 'parts', 'part9.parquet')}' (FORMAT parquet)`);
  await assert.rejects(db.query(`SELECT * FROM read_parquet('${join(dir, 'parts', '*.parquet')}')`), (e: unknown) => e instanceof QuiverError && e.code === '42804' && /different columns/.test(e.message));
  await assert.rejects(db.query(`SELECT * FROM read_parquet('${join(dir, 'nothing', '*.parquet')}')`), (e: unknown) => e instanceof QuiverError && e.code === '58P01');
}));

test('missing and corrupt files are errors with a SQLSTATE, never a crash', withDirs(async (dir, duck, db) => {
  await assert.rejects(db.query(`SELECT * FROM read_parquet('${join(dir, 'missing.parquet')}')`), (e: unknown) => e instanceof QuiverError && e.code === '58P01');
  const junk = join(dir, 'junk.parquet');
  writeFileSync(junk, 'this is not parquet at all');
  await assert.rejects(db.query(`SELECT * FROM read_parquet('${junk}')`), (e: unknown) => e instanceof QuiverError && e.code === 'XX001');
  const good = join(dir, 'good.parquet');
  await duck.run(`COPY (SELECT i AS k, 'x' || i AS s, i / 7.0 AS d FROM range(0, 20000) r(i)) TO '${good}' (FORMAT parquet, ROW_GROUP_SIZE 4000)`);
  const bytes = readFileSync(good);
  // Truncated: the footer is gone.
  writeFileSync(junk, bytes.subarray(0, bytes.length - 100));
  await assert.rejects(db.query(`SELECT * FROM read_parquet('${junk}')`), (e: unknown) => e instanceof QuiverError && e.code === 'XX001');
  // Damaged pages: every outcome is an answer or a QuiverError.
  let seed = 7;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const footer = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
  for (let k = 0; k < 40; k++) {
    const b = Buffer.from(bytes);
    for (let j = 0; j < 4; j++) b[4 + rand(footer - 4)] = rand(256);
    writeFileSync(junk, b);
    try {
      await db.query(`SELECT count(*), sum(k), max(s), sum(d) FROM read_parquet('${junk}')`);
    } catch (e) {
      assert.ok(e instanceof QuiverError, `not a QuiverError: ${String(e)}`);
      assert.notEqual(e.code, 'XX000', e.message);
    }
  }
  // Damaged footers likewise.
  for (let k = 0; k < 40; k++) {
    const b = Buffer.from(bytes);
    for (let j = 0; j < 3; j++) b[footer + rand(bytes.length - 8 - footer)] = rand(256);
    writeFileSync(junk, b);
    try {
      await db.query(`SELECT count(*), sum(k), max(s), sum(d) FROM read_parquet('${junk}')`);
    } catch (e) {
      assert.ok(e instanceof QuiverError, `not a QuiverError: ${String(e)}`);
      assert.notEqual(e.code, 'XX000', e.message);
    }
  }
}));

test('filters run on their own columns first; the other columns are decoded for the rows kept', withDirs(async (dir, duck, db) => {
  const file = join(dir, 'f.parquet');
  await duck.run(`COPY (SELECT i AS k, (i % 97)::INT AS g, CASE WHEN i % 9 = 0 THEN NULL ELSE 'w' || (i % 5) END AS s, (i / 8.0)::DECIMAL(12,3) AS m
    FROM range(0, 30000) r(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
  for (const where of ['g = 3', 'g < 50 AND k % 2 = 0', 'g >= 0', 'g > 1000', `s = 'w2'`, 's IS NULL', 'm > 100 AND g < 10']) {
    const want = (await duck.runAndReadAll(`SELECT count(*)::VARCHAR, coalesce(sum(k), 0)::VARCHAR, sum(m)::VARCHAR, count(s)::VARCHAR, coalesce(min(s), '-') FROM read_parquet('${file}') WHERE ${where}`)).getRowsJS()[0]!;
    const got = (await db.query(`SELECT count(*)::text, coalesce(sum(k), 0)::text, sum(m)::text, count(s)::text, coalesce(min(s), '-') FROM read_parquet('${file}') WHERE ${where}`)).rows[0]!;
    assert.deepEqual(got, want, where);
    const rows = (await db.query(`SELECT k, s, m::text FROM read_parquet('${file}') WHERE ${where} ORDER BY k LIMIT 50`)).rows;
    const wantRows = (await duck.runAndReadAll(`SELECT k, s, m::VARCHAR FROM read_parquet('${file}') WHERE ${where} ORDER BY k LIMIT 50`)).getRowsJS();
    assert.deepEqual(rows, wantRows, where);
  }
  assert.match(await explain(db, `SELECT sum(m) FROM read_parquet('${file}') WHERE g = 3`), /filter columns first: \[g\]/);
  // A filter that fails: the error comes (22012, as PostgreSQL's division by zero), unless LIMIT
  // is satisfied by the rows before the failing one.
  await assert.rejects(db.query(`SELECT sum(m) FROM read_parquet('${file}') WHERE 10 / (k - 5000) >= 0`), (e: unknown) => e instanceof QuiverError && e.code === '22012');
  assert.equal((await db.query(`SELECT s FROM read_parquet('${file}') WHERE 10 / (k - 5000) >= 0 LIMIT 3`)).rows.length, 3);
}));
