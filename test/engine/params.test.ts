/**
 * $n parameters of the embedded API at and beyond each type's limits. A parameter either arrives
 * as the value given or fails with PostgreSQL's error; it never wraps around or rounds.
 *
 * Expected outcomes are PostgreSQL 15's. A client library sends a JavaScript number, bigint or
 * array as text, which the server reads with the input function of the type the context asks for,
 * so each case was checked as
 *   PREPARE p AS INSERT INTO t (i) VALUES ($1) RETURNING i; EXECUTE p('1.5');
 * with the value's text (a whole number written out in full, any other number as String(v)), and a
 * parameter no context types as PREPARE p(bigint) ...
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, QuiverError, type Database } from '../../src/index.js';

async function table(): Promise<Database> {
  const db = await open();
  await db.query('CREATE TABLE t (s smallint, i int, b bigint, r real, d double precision, n numeric, n2 numeric(5,2), ts timestamp, ia int[], ta text[])');
  return db;
}

async function rejects(db: Database, sql: string, params: unknown[], code: string, message?: string): Promise<void> {
  await assert.rejects(db.query(sql, params), (e: unknown) => {
    assert.ok(e instanceof QuiverError, `${sql} (${typeof params[0]}): ${String(e)}`);
    assert.equal(e.code, code, `${sql} (${typeof params[0]}): ${e.message}`);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

async function one(db: Database, sql: string, params: unknown[]): Promise<unknown> {
  const r = await db.query(sql, params);
  assert.equal(r.rows.length, 1);
  return r.rows[0]![0];
}

test('bigint parameters out of bigint range are 22003, not wrapped', async () => {
  const db = await table();
  // PostgreSQL 15: value "18446744073709551621" is out of range for type bigint
  await rejects(db, 'INSERT INTO t (b) VALUES ($1)', [2n ** 64n + 5n], '22003', 'value "18446744073709551621" is out of range for type bigint');
  await rejects(db, 'SELECT $1', [2n ** 63n], '22003', 'value "9223372036854775808" is out of range for type bigint');
  await rejects(db, 'SELECT $1', [-(2n ** 63n) - 1n], '22003', 'value "-9223372036854775809" is out of range for type bigint');
  // The limits themselves are values (PostgreSQL 15 returns them unchanged).
  assert.equal(await one(db, 'SELECT $1', [2n ** 63n - 1n]), 2n ** 63n - 1n);
  assert.equal(await one(db, 'SELECT $1', [-(2n ** 63n)]), -(2n ** 63n));
  assert.equal(await one(db, 'INSERT INTO t (b) VALUES ($1) RETURNING b', [2n ** 63n - 1n]), 2n ** 63n - 1n);
  assert.equal((await db.query('SELECT count(*) FROM t')).rows[0]![0], 1n);
  await db.close();
});

test('numbers into integer columns: not a whole number is 22P02, too large is 22003', async () => {
  const db = await table();
  // PostgreSQL 15 reading the number's text as each column type:
  const cases: [string, number, string, string][] = [
    ['i', 1.5, '22P02', 'invalid input syntax for type integer: "1.5"'],
    ['i', 1e20, '22003', 'value "100000000000000000000" is out of range for type integer'],
    // A whole number's text is written out in full, never in exponent form.
    ['i', 1e21, '22003', 'value "1000000000000000000000" is out of range for type integer'],
    ['s', -1e21, '22003', 'value "-1000000000000000000000" is out of range for type smallint'],
    ['i', NaN, '22P02', 'invalid input syntax for type integer: "NaN"'],
    ['i', Infinity, '22P02', 'invalid input syntax for type integer: "Infinity"'],
    ['i', -Infinity, '22P02', 'invalid input syntax for type integer: "-Infinity"'],
    ['s', 1.5, '22P02', 'invalid input syntax for type smallint: "1.5"'],
    ['b', 1.5, '22P02', 'invalid input syntax for type bigint: "1.5"'],
    // 2 ** 63 is read as its exact digits (JavaScript would print 9223372036854776000).
    ['b', 2 ** 63, '22003', 'value "9223372036854775808" is out of range for type bigint'],
    ['b', 1e19, '22003', 'value "10000000000000000000" is out of range for type bigint'],
  ];
  for (const [col, v, code, message] of cases) await rejects(db, `INSERT INTO t (${col}) VALUES ($1)`, [v], code, message);
  // Whole numbers beyond the column's range are 22003 too (PostgreSQL 15: value "2147483648" is
  // out of range for type integer; the message differs here, the code does not).
  await rejects(db, 'INSERT INTO t (i) VALUES ($1)', [2 ** 31], '22003');
  await rejects(db, 'INSERT INTO t (s) VALUES ($1)', [40000], '22003');
  await db.query('INSERT INTO t (i) VALUES (7)');
  await rejects(db, 'UPDATE t SET i = $1', [0.5], '22P02');
  assert.equal(await one(db, 'SELECT i FROM t', []), 7);
  await db.query('DELETE FROM t');
  // PostgreSQL 15 converts a parameter when the statement starts, even if no row reads it.
  await rejects(db, 'UPDATE t SET i = $1', [0.5], '22P02');
  await rejects(db, 'INSERT INTO t (i) SELECT $1 WHERE false', [1e20], '22003');
  await rejects(db, 'INSERT INTO t (i) SELECT $1', [1.5], '22P02', 'invalid input syntax for type integer: "1.5"');
  // An explicit cast reads the text too (PostgreSQL 15: SELECT $1::int with '1.5' is 22P02).
  await rejects(db, 'SELECT $1::int', [1.5], '22P02', 'invalid input syntax for type integer: "1.5"');
  assert.equal((await db.query('SELECT count(*) FROM t')).rows[0]![0], 0n);
  // The limits are stored exactly (PostgreSQL 15 returns them).
  assert.equal(await one(db, 'INSERT INTO t (i) VALUES ($1) RETURNING i', [2147483647]), 2147483647);
  assert.equal(await one(db, 'INSERT INTO t (i) VALUES ($1) RETURNING i', [-2147483648]), -2147483648);
  assert.equal(await one(db, 'INSERT INTO t (s) VALUES ($1) RETURNING s', [-32768]), -32768);
  assert.equal(await one(db, 'INSERT INTO t (b) VALUES ($1) RETURNING b', [2 ** 60]), 2n ** 60n);
  assert.equal(await one(db, 'INSERT INTO t (i) VALUES ($1) RETURNING i', [3.0]), 3);
  await db.close();
});

test('a BigInt or whole number past bigint is read as its digits by the type the context asks for', async () => {
  const db = await open();
  await db.query('CREATE TABLE w (r real, n numeric, x text, v varchar(5), d date, i int)');
  // PostgreSQL 15, PREPARE p AS INSERT INTO w (c) VALUES ($1) RETURNING c; EXECUTE p('9223372036854775808'):
  assert.equal(await one(db, 'INSERT INTO w (r) VALUES ($1) RETURNING r', [2n ** 63n]), Math.fround(9.223372e18));
  assert.equal(await one(db, 'INSERT INTO w (n) VALUES ($1) RETURNING n', [2n ** 63n]), '9223372036854775808');
  assert.equal(await one(db, 'INSERT INTO w (x) VALUES ($1) RETURNING x', [2n ** 63n]), '9223372036854775808');
  await rejects(db, 'INSERT INTO w (v) VALUES ($1)', [2n ** 63n], '22001', 'value too long for type character varying(5)');
  await rejects(db, 'INSERT INTO w (d) VALUES ($1)', [2n ** 63n], '22008', 'date/time field value out of range: "9223372036854775808"');
  await rejects(db, 'INSERT INTO w (i) VALUES ($1)', [2n ** 63n], '22003', 'value "9223372036854775808" is out of range for type integer');
  // PostgreSQL 15 with '-1000000000000000000000' into text, and '20240229' into a date.
  assert.equal(await one(db, 'INSERT INTO w (x) VALUES ($1) RETURNING x', [-1e21]), '-1000000000000000000000');
  assert.equal(await one(db, 'INSERT INTO w (d) VALUES ($1) RETURNING d', [20240229]), '2024-02-29');
  // An explicit cast is a context too (PostgreSQL 15: PREPARE p AS SELECT $1::smallint; EXECUTE p('1.5')
  // is 22P02; $1::varchar(3) with '123456' is 123).
  await rejects(db, 'SELECT $1::smallint', [1.5], '22P02', 'invalid input syntax for type smallint: "1.5"');
  assert.equal(await one(db, 'SELECT $1::varchar(3)', [123456]), '123');
  assert.equal(await one(db, 'SELECT $1::numeric', [2n ** 70n]), '1180591620717411303424');
  // Where nothing asks for a type, a BigInt is a bigint (PostgreSQL 15, PREPARE p(bigint)): 22003.
  await rejects(db, 'SELECT $1', [2n ** 63n], '22003', 'value "9223372036854775808" is out of range for type bigint');
  await rejects(db, 'SELECT $1', [1e21], '22003', 'value "1000000000000000000000" is out of range for type bigint');
  assert.equal((await db.query('SELECT count(*) FROM w')).rows[0]![0], 5n);
  await db.close();
});

test('numbers into numeric keep the digits JavaScript prints; typmods round and overflow', async () => {
  const db = await table();
  // PostgreSQL 15: '0.30000000000000004'::numeric keeps all digits; '1e-7' is 0.0000001.
  assert.equal(await one(db, 'INSERT INTO t (n) VALUES ($1) RETURNING n', [0.1 + 0.2]), '0.30000000000000004');
  assert.equal(await one(db, 'INSERT INTO t (n) VALUES ($1) RETURNING n', [1e-7]), '0.0000001');
  assert.equal(await one(db, 'SELECT $1::numeric', [1e-7]), '0.0000001');
  // PostgreSQL 15: numeric(5,2) rounds 123.456 to 123.46 and refuses 1234.5 (numeric field overflow).
  assert.equal(await one(db, 'INSERT INTO t (n2) VALUES ($1) RETURNING n2', [123.456]), '123.46');
  await rejects(db, 'INSERT INTO t (n2) VALUES ($1)', [1234.5], '22003', 'numeric field overflow');
  await db.close();
});

test('double and real parameters: NaN and infinities are values, overflow of real is 22003', async () => {
  const db = await table();
  // PostgreSQL 15 (PREPARE p(double precision)): NaN, Infinity and -Infinity are stored.
  assert.ok(Number.isNaN(await one(db, 'INSERT INTO t (d) VALUES ($1) RETURNING d', [NaN])));
  assert.equal(await one(db, 'INSERT INTO t (d) VALUES ($1) RETURNING d', [Infinity]), Infinity);
  assert.equal(await one(db, 'INSERT INTO t (d) VALUES ($1) RETURNING d', [-Infinity]), -Infinity);
  assert.ok(Number.isNaN(await one(db, 'INSERT INTO t (r) VALUES ($1) RETURNING r', [NaN])));
  // PostgreSQL 15 reading 1e39's exact digits as a real: "999999999999999939709166371603178586112"
  // is out of range for type real.
  await rejects(db, 'INSERT INTO t (r) VALUES ($1)', [1e39], '22003', '"999999999999999939709166371603178586112" is out of range for type real');
  await db.close();
});

test('strings are read as the type the context asks for, with that type\'s limits', async () => {
  const db = await table();
  // PostgreSQL 15 (untyped parameters):
  await rejects(db, 'INSERT INTO t (i) VALUES ($1)', ['1.5'], '22P02', 'invalid input syntax for type integer: "1.5"');
  await rejects(db, 'INSERT INTO t (i) VALUES ($1)', ['99999999999'], '22003', 'value "99999999999" is out of range for type integer');
  await rejects(db, 'INSERT INTO t (s) VALUES ($1)', ['40000'], '22003', 'value "40000" is out of range for type smallint');
  await rejects(db, 'INSERT INTO t (b) VALUES ($1)', ['9223372036854775808'], '22003', 'value "9223372036854775808" is out of range for type bigint');
  // Also when no row is read (PostgreSQL 15 converts parameters when the statement starts).
  await rejects(db, 'SELECT * FROM t WHERE s = $1', ['100000'], '22003', 'value "100000" is out of range for type smallint');
  await rejects(db, 'SELECT CASE WHEN false THEN $1::int END', ['x'], '22P02', 'invalid input syntax for type integer: "x"');
  await rejects(db, 'DELETE FROM t WHERE i = $1 AND false', ['1.5'], '22P02', 'invalid input syntax for type integer: "1.5"');
  assert.equal(await one(db, 'INSERT INTO t (b) VALUES ($1) RETURNING b', ['9223372036854775807']), 2n ** 63n - 1n);
  await rejects(db, 'SELECT * FROM t WHERE s = $1', ['100000'], '22003', 'value "100000" is out of range for type smallint');
  await db.close();
});

test('a number beside an operand of a known type is read as that type', async () => {
  const db = await table();
  await db.query("INSERT INTO t (s, i, r, n) VALUES (1, 2, 0.1, 0.1)");
  // PostgreSQL 15, e.g. PREPARE p AS SELECT count(*) FROM t WHERE s = $1; EXECUTE p('100000'):
  await rejects(db, 'SELECT count(*) FROM t WHERE s = $1', [100000], '22003', 'value "100000" is out of range for type smallint');
  await rejects(db, 'SELECT i + $1 FROM t', [1.5], '22P02', 'invalid input syntax for type integer: "1.5"');
  await rejects(db, 'SELECT s * $1 FROM t', [40000], '22003', 'value "40000" is out of range for type smallint');
  // '0.1' read as a real equals the real column's 0.1 (PostgreSQL 15: 1 row); so does numeric's.
  assert.equal(await one(db, 'SELECT count(*) FROM t WHERE r = $1', [0.1]), 1n);
  assert.equal(await one(db, 'SELECT count(*) FROM t WHERE n = $1', [0.1]), 1n);
  // So does one among typed expressions of COALESCE, IN, CASE (PostgreSQL 15, untyped '100000', '1.5'):
  await rejects(db, 'SELECT COALESCE(s, $1) FROM t', [100000], '22003', 'value "100000" is out of range for type smallint');
  await rejects(db, 'SELECT CASE WHEN true THEN $1 ELSE s END FROM t', [1.5], '22P02', 'invalid input syntax for type smallint: "1.5"');
  await rejects(db, 'SELECT $1 IN (1, 2)', [1.5], '22P02', 'invalid input syntax for type integer: "1.5"');
  // PostgreSQL 15: s IN ($1, 2) takes integer from 2 (count 0), COALESCE(n2, $1) is a numeric without n2's typmod.
  assert.equal(await one(db, 'SELECT count(*) FROM t WHERE s IN ($1, 2)', [100000]), 0n);
  assert.equal(await one(db, 'SELECT COALESCE(n2, $1) FROM t', [123456789]), '123456789');
  // PostgreSQL 15: n * '1180591620717411303424' is 118059162071741130342.4.
  assert.equal(await one(db, 'SELECT n * $1 FROM t', [2n ** 70n]), '118059162071741130342.4');
  await db.close();
});

test('Dates: an invalid Date is 22007, one outside the timestamp range 22008', async () => {
  const db = await table();
  // PostgreSQL 15 refuses text that is no timestamp (22007) and timestamps before 4714-11-24 BC (22008).
  await rejects(db, 'INSERT INTO t (ts) VALUES ($1)', [new Date('not a date')], '22007');
  await rejects(db, 'INSERT INTO t (ts) VALUES ($1)', [new Date(-8.64e15)], '22008', 'timestamp out of range');
  assert.equal(await one(db, 'INSERT INTO t (ts) VALUES ($1) RETURNING ts', [new Date(Date.UTC(2024, 0, 2, 3, 4, 5))]), '2024-01-02 03:04:05');
  assert.equal((await db.query('SELECT count(*) FROM t')).rows[0]![0], 1n);
  await db.close();
});

test('arrays are sent as array text, read by the type the context asks for', async () => {
  const db = await table();
  // PostgreSQL 15: '{"1","2",NULL}' into int[] is {1,2,NULL}; '{"1.5"}' is 22P02; text elements keep quotes and backslashes.
  assert.deepEqual(await one(db, 'INSERT INTO t (ia) VALUES ($1) RETURNING ia', [[1, 2, null]]), [1, 2, null]);
  await rejects(db, 'INSERT INTO t (ia) VALUES ($1)', [[1.5]], '22P02', 'invalid input syntax for type integer: "1.5"');
  assert.deepEqual(await one(db, 'INSERT INTO t (ta) VALUES ($1) RETURNING ta', [['a b', 'c"d', 'e\\f', null, 'NULL']]), ['a b', 'c"d', 'e\\f', null, 'NULL']);
  // PostgreSQL 15: 2 = ANY('{"1","2"}') is true.
  assert.equal(await one(db, 'SELECT 2 = ANY($1)', [[1, 2]]), true);
  await db.close();
});

test('null, undefined and values of no SQL type', async () => {
  const db = await table();
  assert.equal(await one(db, 'INSERT INTO t (i) VALUES ($1) RETURNING i', [null]), null);
  assert.equal(await one(db, 'INSERT INTO t (i) VALUES ($1) RETURNING i', [undefined]), null);
  const hostile: unknown[] = [{ a: 1 }, Symbol('x'), () => 1, new Map(), new Uint8Array(2),
    new Proxy({}, { get() { throw new Error('trap'); } }), [{ a: 1 }], [Symbol('y')]];
  for (const v of hostile) await rejects(db, 'SELECT $1', [v], '22023');
  await db.close();
});
