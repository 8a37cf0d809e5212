/**
 * COPY through the embedded API: rows loaded by COPY FROM follow INSERT's rules (defaults, serials,
 * NOT NULL, CHECK, UNIQUE, input functions), options are checked with PostgreSQL's errors, FORMAT
 * parquet writes real Parquet and reads it back, and file errors carry the errno's SQLSTATE.
 * Every expected answer and error below is PostgreSQL 15's for the same statements (run against a
 * PostgreSQL 15 server with the same files), except where a comment says it is Quiver's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { open, QuiverError } from '../../src/index.js';
import type { Database } from '../../src/index.js';

function withDb(fn: (db: Database, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-copy-'));
    const db = await open();
    try { await fn(db, dir); } finally { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); }
  };
}

function fails(code: string, message?: string | RegExp, detail?: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof QuiverError, `expected a QuiverError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    if (detail !== undefined) assert.equal(e.detail, detail);
    return true;
  };
}

test('COPY FROM applies what INSERT applies: defaults, serials, NOT NULL, CHECK, UNIQUE', withDb(async (db, dir) => {
  await db.query(`CREATE TABLE x (id serial, a int NOT NULL, b text DEFAULT 'dflt', c int CHECK (c > 0), PRIMARY KEY (id))`);
  const f = (name: string, body: string): string => { const p = path.join(dir, name); fs.writeFileSync(p, body); return p; };
  assert.equal((await db.query(`COPY x (a, c) FROM '${f('ok.csv', '1,5\n2,6\n')}' (FORMAT csv)`)).rowCount, 2);
  assert.deepEqual((await db.query('SELECT id, a, b, c FROM x ORDER BY id')).rows, [[1, 1, 'dflt', 5], [2, 2, 'dflt', 6]]);
  await assert.rejects(db.query(`COPY x (a, c) FROM '${f('neg.csv', '1,-5\n')}' (FORMAT csv)`), fails('23514', 'new row for relation "x" violates check constraint "x_c_check"'));
  await assert.rejects(db.query(`COPY x (a, c) FROM '${f('null.csv', ',5\n')}' (FORMAT csv)`), fails('23502', 'null value in column "a" of relation "x" violates not-null constraint'));
  await assert.rejects(db.query(`COPY x (a, c) FROM '${f('bad.csv', 'x,5\n')}' (FORMAT csv)`), fails('22P02', 'invalid input syntax for type integer: "x"', 'COPY x, line 1, column a: "x"'));
  await assert.rejects(db.query(`COPY x (id, a) FROM '${f('dup.csv', '1,9\n')}' (FORMAT csv)`), fails('23505', 'duplicate key value violates unique constraint "x_pkey"'));
  await assert.rejects(db.query(`COPY x (a, a) FROM '${f('ok.csv', '')}'`), fails('42701', 'column "a" specified more than once'));
  // Nothing of the failed loads was stored.
  assert.deepEqual((await db.query('SELECT count(*) FROM x')).rows, [[2n]]);
  // varchar(n) input: PostgreSQL's input function refuses a longer value.
  await db.query('CREATE TABLE v (s varchar(3))');
  await assert.rejects(db.query(`COPY v FROM '${f('long.txt', 'abcd\n')}'`), fails('22001', 'value too long for type character varying(3)', 'COPY v, line 1, column s: "abcd"'));
  // WHERE filters the rows.
  await db.query(`COPY x (a, c) FROM '${f('w.csv', '7,1\n8,9\n')}' (FORMAT csv) WHERE c > 5`);
  assert.deepEqual((await db.query('SELECT a, c FROM x WHERE a > 2')).rows, [[8, 9]]);
  await assert.rejects(db.query(`COPY x (a, c) FROM '${f('w.csv', '7,1\n')}' (FORMAT csv) WHERE c > (SELECT 1)`), fails('0A000', 'cannot use subquery in COPY FROM WHERE condition'));
}));

test('COPY options are checked as PostgreSQL checks them', withDb(async (db, dir) => {
  await db.query('CREATE TABLE ct (a int, b text)');
  const to = path.join(dir, 'x');
  const cases: [string, string, string][] = [
    ['FORMAT foo', '22023', 'COPY format "foo" not recognized'],
    ["FORMAT 'CSV'", '22023', 'COPY format "CSV" not recognized'],
    ['FORMAT csv, FORMAT csv', '42601', 'conflicting or redundant options'],
    ["DELIMITER ',,'", '0A000', 'COPY delimiter must be a single one-byte character'],
    ["DELIMITER 'é'", '0A000', 'COPY delimiter must be a single one-byte character'],
    [`QUOTE '"'`, '0A000', 'COPY quote available only in CSV mode'],
    ["FORMAT csv, QUOTE ''", '0A000', 'COPY quote must be a single one-byte character'],
    ["FORMAT csv, DELIMITER ',', QUOTE ','", '22023', 'COPY delimiter and quote must be different'],
    ["ESCAPE 'x'", '0A000', 'COPY escape available only in CSV mode'],
    ['FORCE_QUOTE (a)', '0A000', 'COPY force quote available only in CSV mode'],
    ['FORMAT csv, FORCE_QUOTE (zz)', '42703', 'column "zz" of relation "ct" does not exist'],
    ['FORMAT csv, FORCE_NOT_NULL (a)', '0A000', 'COPY force not null only available using COPY FROM'],
    ['FORMAT csv, FORCE_NULL (a)', '0A000', 'COPY force null only available using COPY FROM'],
    ['HEADER match', '0A000', 'cannot use "match" with HEADER in COPY TO'],
    ["HEADER 'foo'", '42601', 'header requires a Boolean value or "match"'],
    ["DELIMITER '\\'", '22023', 'COPY delimiter cannot be "\\"'],
    ["DELIMITER 'a'", '22023', 'COPY delimiter cannot be "a"'],
    ["DELIMITER E'\\n'", '22023', 'COPY delimiter cannot be newline or carriage return'],
    ["FORMAT csv, NULL ','", '0A000', 'COPY delimiter must not appear in the NULL specification'],
    ['bogus 1', '42601', 'option "bogus" not recognized'],
    ["ENCODING 'foo'", '22023', 'argument to option "encoding" must be a valid encoding name'],
  ];
  for (const [opts, code, message] of cases) {
    await assert.rejects(db.query(`COPY ct TO '${to}' (${opts})`), fails(code, message), opts);
  }
  await db.query('CREATE TABLE c2 (a int, b text)');
  await assert.rejects(db.query(`COPY c2 (a) TO '${to}' (FORMAT csv, FORCE_QUOTE (b))`), fails('42P10', 'FORCE_QUOTE column "b" not referenced by COPY'));
  await assert.rejects(db.query(`COPY ct FROM '${to}' (FORMAT csv, FORCE_QUOTE (a))`), fails('0A000', 'COPY force quote only available using COPY TO'));
  // Accepted by PostgreSQL as well.
  for (const opts of ['HEADER', 'FORMAT csv, FORCE_QUOTE *', "NULL 'a\\nb'", 'FREEZE', "ENCODING 'utf8'"]) await db.query(`COPY ct TO '${to}' (${opts})`);
  await db.query('CREATE VIEW vx AS SELECT * FROM ct');
  await assert.rejects(db.query(`COPY vx TO '${to}'`), fails('42809', 'cannot copy from view "vx"'));
  await assert.rejects(db.query(`COPY vx FROM '${to}'`), fails('42809', 'cannot copy to view "vx"'));
  await assert.rejects(db.query(`COPY ct FROM '${path.join(dir, 'missing')}'`), fails('58P01', `could not open file "${path.join(dir, 'missing')}" for reading: No such file or directory`));
  await assert.rejects(db.query(`COPY ct TO '${path.join(dir, 'no', 'dir')}'`), fails('58P01', `could not open file "${path.join(dir, 'no', 'dir')}" for writing: No such file or directory`));
  await assert.rejects(db.query(`COPY ct FROM '${dir}'`), fails('42809', `"${dir}" is a directory`));
  // A read-only transaction may COPY TO, not COPY FROM.
  await db.query('BEGIN READ ONLY');
  await db.query(`COPY ct TO '${to}'`);
  await assert.rejects(db.query(`COPY ct FROM '${to}'`), fails('25006', 'cannot execute COPY FROM in a read-only transaction'));
  await db.query('ROLLBACK');
}));

test('ENCODING LATIN1 writes and reads Latin-1, and refuses characters it cannot hold', withDb(async (db, dir) => {
  const f = path.join(dir, 'l.txt');
  await db.query(`COPY (SELECT 'aéb') TO '${f}' (ENCODING 'latin1')`);
  // PostgreSQL 15 writes the same three bytes and a newline.
  assert.deepEqual([...fs.readFileSync(f)], [0x61, 0xe9, 0x62, 0x0a]);
  await db.query('CREATE TABLE l (s text)');
  await db.query(`COPY l FROM '${f}' (ENCODING 'LATIN1')`);
  assert.deepEqual((await db.query('SELECT s FROM l')).rows, [['aéb']]);
  await assert.rejects(db.query(`COPY (SELECT 'a☃b') TO '${f}' (ENCODING 'latin1')`),
    fails('22P05', 'character with byte sequence 0xe2 0x98 0x83 in encoding "UTF8" has no equivalent in encoding "LATIN1"'));
}));

test('a full disk while writing is 53100 naming the file', { skip: !fs.existsSync('/dev/full') }, withDb(async (db) => {
  await db.query('CREATE TABLE t AS SELECT g AS x FROM generate_series(1, 3) g');
  // PostgreSQL: 53100 could not close file "/dev/full": No space left on device (it writes when closing).
  await assert.rejects(db.query(`COPY t TO '/dev/full'`), fails('53100', 'could not write to file "/dev/full": No space left on device'));
  await assert.rejects(db.query(`COPY t TO '/dev/full' (FORMAT parquet)`), fails('53100', 'could not write to file "/dev/full": No space left on device'));
}));

test('FORMAT parquet writes Parquet and reads it back, and COPY (query) TO writes the query', withDb(async (db, dir) => {
  // Quiver's own extension (PostgreSQL has no Parquet): the values must come back unchanged.
  await db.query(`CREATE TABLE p (id int, t text, b bigint, n numeric(12,3), f float8, ok bool, d date, ts timestamp, iv interval, ia int[])`);
  await db.query(`INSERT INTO p VALUES
    (1, 'tab\there', 9223372036854775807, 1.5, 0.1, true, '2024-01-02', '2024-01-02 03:04:05.5', '1 day 2 hours', '{1,NULL,3}'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, '', -1, -0.001, -1e300, false, '1970-01-01', '1999-12-31 23:59:59.999999', '-1 mons', '{}')`);
  const file = path.join(dir, 'p.parquet');
  assert.equal((await db.query(`COPY p TO '${file}' (FORMAT parquet)`)).rowCount, 3);
  const head = fs.readFileSync(file).subarray(0, 4).toString('latin1');
  assert.equal(head, 'PAR1', 'a Parquet file starts with its magic number');
  const want = (await db.query('SELECT * FROM p ORDER BY id')).rows;
  // Arrays are kept in Parquet in PostgreSQL's text form (io/arrow.ts): read_parquet sees text.
  assert.deepEqual((await db.query(`SELECT * FROM read_parquet('${file}') ORDER BY id`)).rows, want.map((r) => [...r.slice(0, 9), r[9] === null ? null : `{${(r[9] as unknown[]).map((x) => x ?? 'NULL').join(',')}}`]));
  await db.query('CREATE TABLE p2 (id int, t text, b bigint, n numeric(12,3), f float8, ok bool, d date, ts timestamp, iv interval, ia int[])');
  assert.equal((await db.query(`COPY p2 FROM '${file}' (FORMAT parquet)`)).rowCount, 3);
  assert.deepEqual((await db.query('SELECT * FROM p2 ORDER BY id')).rows, want);
  // A column list: the file's columns feed the listed ones in order; the rest take defaults.
  await db.query(`COPY (SELECT id * 10 AS k, t FROM p WHERE id < 3) TO '${file}' (FORMAT parquet)`);
  await db.query(`CREATE TABLE p3 (k bigint, t text, extra text DEFAULT 'd')`);
  await db.query(`COPY p3 (k, t) FROM '${file}' (FORMAT parquet)`);
  assert.deepEqual((await db.query('SELECT * FROM p3 ORDER BY k')).rows, [[10n, 'tab\there', 'd'], [20n, null, 'd']]);
  await assert.rejects(db.query(`COPY p3 FROM '${file}' (FORMAT parquet)`), fails('22P04', /has 2 columns, COPY p3 expects 3/));
  await assert.rejects(db.query(`COPY p TO '${file}' (FORMAT parquet, HEADER)`), fails('0A000'));
  // COPY (query) TO in CSV, as PostgreSQL writes it.
  const csv = path.join(dir, 'q.csv');
  await db.query(`COPY (SELECT id, t, ok FROM p ORDER BY id) TO '${csv}' (FORMAT csv, HEADER)`);
  assert.equal(fs.readFileSync(csv, 'utf8'), 'id,t,ok\n1,tab\there,t\n2,,\n3,"",f\n');
}));
