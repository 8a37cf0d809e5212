import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, QuiverError } from '../../src/index.js';

test('query returns columns with PostgreSQL type names, rows as arrays and the command', async () => {
  const db = await open();
  const r = await db.query("SELECT 1 AS a, 'x'::text AS b, 2.50::numeric(5,2) AS c, 9007199254740993::bigint AS d, true AS e, NULL::int AS f");
  assert.deepEqual(r.columns, [
    { name: 'a', type: 'integer' }, { name: 'b', type: 'text' }, { name: 'c', type: 'numeric(5,2)' },
    { name: 'd', type: 'bigint' }, { name: 'e', type: 'boolean' }, { name: 'f', type: 'integer' },
  ]);
  assert.deepEqual(r.rows, [[1, 'x', '2.50', 9007199254740993n, true, null]]);
  assert.equal(r.command, 'SELECT');
  assert.equal(r.rowCount, 1);
  await db.close();
});

test('dates, timestamps and intervals come back as PostgreSQL text', async () => {
  const db = await open();
  const r = await db.query("SELECT date '2024-02-29' + 1, timestamp '2024-01-01 10:00:00.5' + interval '1 day 2 hours', interval '90 minutes'");
  assert.deepEqual(r.rows, [['2024-03-01', '2024-01-02 12:00:00.5', '01:30:00']]);
  await db.close();
});

test('several statements run in order; the result is the last one', async () => {
  const db = await open();
  const r = await db.query('CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, \'one\'), (2, \'two\'); SELECT b FROM t ORDER BY a DESC');
  assert.deepEqual(r.rows, [['two'], ['one']]);
  const ins = await db.query('INSERT INTO t VALUES (3, NULL)');
  assert.equal(ins.command, 'INSERT');
  assert.equal(ins.rowCount, 1);
  const upd = await db.query('UPDATE t SET b = upper(b) WHERE a < 3');
  assert.deepEqual([upd.command, upd.rowCount], ['UPDATE', 2]);
  const del = await db.query('DELETE FROM t WHERE b IS NULL');
  assert.deepEqual([del.command, del.rowCount], ['DELETE', 1]);
  assert.deepEqual((await db.query('SELECT a, b FROM t ORDER BY a')).rows, [[1, 'ONE'], [2, 'TWO']]);
  await db.close();
});

test('$n parameters take their type from the value, and strings adapt to context', async () => {
  const db = await open();
  await db.query('CREATE TABLE p (id int, amount numeric(10,2), name text, big bigint)');
  await db.query('INSERT INTO p VALUES ($1, $2, $3, $4)', [1, '12.345', 'ann', 2n ** 60n]);
  const r = await db.query('SELECT id, amount, name, big FROM p WHERE id = $1 AND name = $2', ['1', 'ann']);
  assert.deepEqual(r.rows, [[1, '12.35', 'ann', 2n ** 60n]]);
  assert.deepEqual((await db.query('SELECT $1::int + 1', [41])).rows, [[42]]);
  await assert.rejects(db.query('SELECT $2', [1]), (e: unknown) => e instanceof QuiverError && e.code === '42P02');
  await db.close();
});

test('errors carry SQLSTATE codes and positions', async () => {
  const db = await open();
  const cases: [string, string][] = [
    ['SELEC 1', '42601'], ['SELECT * FROM nope', '42P01'], ['SELECT nope', '42703'],
    ['SELECT 1/0', '22012'], ["SELECT 'x'::int", '22P02'], ['SELECT 2147483647 + 1', '22003'],
    ['SELECT nofn(1)', '42883'], ['SELECT 1 WHERE 1', '42804'],
  ];
  for (const [sql, code] of cases) {
    await assert.rejects(db.query(sql), (e: unknown) => {
      assert.ok(e instanceof QuiverError, sql);
      assert.equal(e.code, code, sql);
      return true;
    });
  }
  await assert.rejects(db.query('SELECT 1 FROM'), (e: unknown) => e instanceof QuiverError && typeof e.position === 'number' && e.position > 0);
  await db.close();
});

test('a failing statement leaves earlier statements applied and the table unchanged', async () => {
  const db = await open();
  await db.query('CREATE TABLE n (a int NOT NULL)');
  await assert.rejects(db.query('INSERT INTO n VALUES (1), (NULL)'), (e: unknown) => e instanceof QuiverError && e.code === '23502');
  assert.deepEqual((await db.query('SELECT count(*) FROM n')).rows, [[0n]]);
  await db.close();
});

test('queryArrow returns an Arrow table built from the engine columns', async () => {
  const db = await open();
  const t = await db.queryArrow('SELECT g AS n, g * 2.5 AS x, g::text AS s FROM generate_series(1, 5) AS g');
  assert.equal(t.numRows, 5);
  assert.deepEqual(t.schema.fields.map((f) => f.name), ['n', 'x', 's']);
  assert.equal(t.getChild('n')!.get(4), 5);
  assert.equal(t.getChild('s')!.get(0), '1');
  await db.close();
});

test('EXPLAIN shows the logical and the physical plan; comma joins become hash joins', async () => {
  const db = await open();
  await db.query('CREATE TABLE a (id int, v int); CREATE TABLE b (id int, w int); CREATE TABLE c (id int, z int)');
  const r = await db.query('EXPLAIN SELECT a.v, c.z FROM a, b, c WHERE a.id = b.id AND b.id = c.id AND a.v > 3');
  const text = r.rows.map((x) => x[0]).join('\n');
  assert.match(text, /Logical plan:/);
  assert.match(text, /Physical plan:/);
  assert.equal((text.match(/HashJoinExec/g) ?? []).length, 2, text);
  assert.doesNotMatch(text, /NestedLoopJoinExec/);
  assert.match(text, /filter: .*v/i);
  await db.close();
});

test('a closed database refuses queries', async () => {
  const db = await open();
  await db.close();
  await assert.rejects(db.query('SELECT 1'), (e: unknown) => e instanceof QuiverError);
});

test('arrays: literals, casts, unnest, array_agg, ANY, and values as JavaScript arrays', async () => {
  const db = await open();
  await db.query("CREATE TABLE tags (id int, tags text[], scores bigint[])");
  await db.query("INSERT INTO tags VALUES (1, ARRAY['red', 'blue'], '{1,2}'), (2, '{\"a b\",NULL}', NULL)");
  const r = await db.query('SELECT id, tags, scores, cardinality(tags) FROM tags ORDER BY id');
  assert.deepEqual(r.columns.map((c) => c.type), ['integer', 'text[]', 'bigint[]', 'integer']);
  assert.deepEqual(r.rows, [[1, ['red', 'blue'], [1n, 2n], 2], [2, ['a b', null], null, 2]]);
  assert.deepEqual((await db.query("SELECT tags::text FROM tags WHERE id = 2")).rows, [['{"a b",NULL}']]);
  assert.deepEqual((await db.query("SELECT id, t FROM tags, unnest(tags) AS t WHERE t IS NOT NULL ORDER BY id, t")).rows, [[1, 'blue'], [1, 'red'], [2, 'a b']]);
  assert.deepEqual((await db.query("SELECT array_agg(id ORDER BY id DESC) FROM tags WHERE 'red' = ANY(tags) OR id = 2")).rows, [[[2, 1]]]);
  await assert.rejects(db.query("SELECT '{1,2'::int[]"), (e: unknown) => e instanceof QuiverError && e.code === '22P02');
  await db.close();
});

test('arrays survive a data directory round trip', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'quiver-arrays-'));
  try {
    let db = await open({ dataDir: dir });
    await db.query("CREATE TABLE a (x int[], t time with time zone); INSERT INTO a VALUES (ARRAY[1, NULL, 3], '10:00:00+02')");
    await db.close();
    db = await open({ dataDir: dir });
    assert.deepEqual((await db.query('SELECT x, t FROM a')).rows, [[[1, null, 3], '10:00:00+02']]);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('EXPLAIN ANALYZE runs the query and shows rows per operator', async () => {
  const db = await open();
  await db.query('CREATE TABLE e AS SELECT g AS k, g % 10 AS m FROM generate_series(1, 1000) AS g');
  const text = (await db.query('EXPLAIN ANALYZE SELECT m, count(*) FROM e WHERE k > 500 GROUP BY m')).rows.map((r) => r[0]).join('\n');
  assert.match(text, /HashAggregateExec.*rows=10 /);
  assert.match(text, /ScanExec.*rows=1000 /);
  assert.match(text, /Execution: 10 rows in [\d.]+ ms/);
  await db.close();
});

test('to_date and to_timestamp read formatted text (results checked against PostgreSQL, UTC)', async () => {
  const db = await open();
  const r = await db.query("SELECT to_date('2024-03-15', 'YYYY-MM-DD'), to_date('15 Mar 2024', 'DD Mon YYYY'), to_timestamp('2024-03-15 14:05:06.25', 'YYYY-MM-DD HH24:MI:SS.US'), to_timestamp('03/15/24 2:05 PM', 'MM/DD/YY HH:MI PM'), to_timestamp(1700000000.5)");
  // to_timestamp is timestamp with time zone: PostgreSQL with TimeZone UTC prints the +00.
  assert.deepEqual(r.rows, [['2024-03-15', '2024-03-15', '2024-03-15 14:05:06.25+00', '2024-03-15 14:05:00+00', '2023-11-14 22:13:20.5+00']]);
  await assert.rejects(db.query("SELECT to_date('x', 'YYYY')"), (e: unknown) => e instanceof QuiverError && e.code === '22007');
  await db.close();
});

test('read_csv and read_parquet read files as tables in FROM', async () => {
  const { mkdtempSync, rmSync, writeFileSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'quiver-files-'));
  try {
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, 'name,age,score,joined,active\nann,31,9.5,2024-01-02,true\n"bo, jr",,7.25,2023-12-31,false\ncy,40,1e3,,t\n');
    const db = await open();
    const r = await db.query(`SELECT name, age, score, joined, active FROM read_csv('${csv}') ORDER BY name`);
    assert.deepEqual(r.columns.map((c) => c.type), ['text', 'integer', 'double precision', 'date', 'boolean']);
    assert.deepEqual(r.rows, [['ann', 31, 9.5, '2024-01-02', true], ['bo, jr', null, 7.25, '2023-12-31', false], ['cy', 40, 1000, null, true]]);
    const semi = join(dir, 'semi.csv');
    writeFileSync(semi, '1;x\n2;y\n');
    assert.deepEqual((await db.query(`SELECT column1 + 1, column2 FROM read_csv('${semi}', false, ';') ORDER BY 1`)).rows, [[2, 'x'], [3, 'y']]);
    await assert.rejects(db.query(`SELECT * FROM read_csv('${join(dir, 'missing.csv')}')`), (e: unknown) => e instanceof QuiverError && e.code === '58P01');

    // A Parquet file written by a data directory, read back by path.
    const data = join(dir, 'data');
    const w = await open({ dataDir: data });
    await w.query("CREATE TABLE t (id bigint, v double precision, s text, d date); INSERT INTO t SELECT g, g / 4.0, 'v' || g, date '2024-01-01' + g::int FROM generate_series(1, 500) AS g");
    await w.close();
    const file = join(data, (JSON.parse(readFileSync(join(data, 'catalog.json'), 'utf8')) as { tables: { files: string[] }[] }).tables[0]!.files[0]!);
    const p = await db.query(`SELECT count(*), sum(id), max(v), min(s), max(d) FROM read_parquet('${file}') WHERE id > 100`);
    assert.deepEqual(p.rows, [[400n, '120200', 125, 'v101', '2025-05-15']]);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
