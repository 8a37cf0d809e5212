/**
 * Differential test of API parameters against a real PostgreSQL: values at and beyond each type's
 * limits — as JS numbers, BigInts and strings — bound through Quiver's `db.query(sql, params)` and
 * through the `pg` client, and the results (or SQLSTATEs) compared. Every expected answer is
 * PostgreSQL 15's, computed live by the server the harness starts.
 *
 * The rule compared (README, "Parameters"): a parameter behaves as if a client sent its text to
 * PostgreSQL and the server inferred the parameter's type from context, as the pg client does —
 * with the text of a whole JS number written out in full (1e21 → "1000000000000000000000", never
 * "1e+21"), any other number in JavaScript's shortest form, a BigInt as its digits. So PostgreSQL
 * is sent exactly that text, untyped, in the same statement:
 *  - a parameter stored into a typed column (INSERT, UPDATE) goes through that column type's input
 *    function: out of range is 22003, a number that is not an integer bound to an integer column is
 *    22P02, a BigInt past bigint's range is a fine real, numeric or text — never a wrapped or
 *    rounded value;
 *  - `$1::T` is a context too: T's input function reads the text;
 *  - `v = $1`, `COALESCE(v, $1)`, `v IN ($1, v)`, `CASE ... THEN v ELSE $1 END` read it as v's type;
 *  - `LIMIT $1` reads it as a bigint;
 *  - where nothing gives the parameter a type (`SELECT $1`), the JavaScript type decides (integer,
 *    bigint, double precision, boolean, timestamp): PostgreSQL is told that type (`$1::bigint`), so
 *    a BigInt past bigint's range is 22003 there.
 * Booleans and Dates keep their JavaScript type in every context (a cast converts them from
 * boolean or timestamp); PostgreSQL is told that type for them.
 *
 * QUIVER_DIFF_SEED and QUIVER_DIFF_QUERIES (a twentieth of it is the number of random values on
 * top of the fixed edge values) work as in differential.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng, SEED, statementCount, startPair, runBoth, judge, showAnswer, mismatchReport, dumpMismatches, fixture,
  type Pair, type Mismatch,
} from './differential_harness.js';

// ---------------------------------------------------------------------------------------------
// Types and values

interface ColType { sql: string; table: string; kind: 'int' | 'float' | 'numeric' | 'text' | 'bool' | 'date' }

const TYPES: ColType[] = [
  { sql: 'smallint', table: 'p_int2', kind: 'int' },
  { sql: 'integer', table: 'p_int4', kind: 'int' },
  { sql: 'bigint', table: 'p_int8', kind: 'int' },
  { sql: 'real', table: 'p_float4', kind: 'float' },
  { sql: 'double precision', table: 'p_float8', kind: 'float' },
  { sql: 'numeric', table: 'p_numeric', kind: 'numeric' },
  { sql: 'numeric(10,2)', table: 'p_numeric10_2', kind: 'numeric' },
  { sql: 'text', table: 'p_text', kind: 'text' },
  { sql: 'varchar(5)', table: 'p_varchar5', kind: 'text' },
  { sql: 'boolean', table: 'p_bool', kind: 'bool' },
  { sql: 'date', table: 'p_date', kind: 'date' },
  { sql: 'timestamp', table: 'p_timestamp', kind: 'date' },
];

const P63 = 2n ** 63n;
const FIXED_VALUES: unknown[] = [
  // smallint / integer / bigint limits and one past them, as numbers, BigInts and strings
  -32769, -32768, 32767, 32768, -2147483649, -2147483648, 2147483647, 2147483648,
  2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 64, 1e20, -1e21, 1e300,
  -32769n, -32768n, 32767n, 32768n, -2147483649n, -2147483648n, 2147483647n, 2147483648n,
  P63 - 1n, P63, -P63, -P63 - 1n, 2n ** 64n + 5n, 10n ** 30n, 0n, -1n,
  '-32769', '-32768', '32767', '32768', '-2147483649', '-2147483648', '2147483647', '2147483648',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551621',
  // numbers that are not integers, and the floats' edges
  0, -0, 1, -1, 1.5, -1.5, 2.5, 0.1, 1 / 3, -0.5, 1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE,
  3.4028234663852886e38, 3.5e38, 1e-46, 1e-40, NaN, Infinity, -Infinity, 32767.5, 2147483647.5, -2147483648.5,
  // strings every input function has an opinion about
  ' 42 ', '1e3', '1.5', '-0', '+7', 'abc', '', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e400', '1e-400', '3.5e38', '1e-46',
  '123456789012345678901234567890.123456789', '0.000000000000000000000000000001', '99999999.995', '99999999.994', '1.005', '-1.005',
  '1e1000', '12345', '123456', 'abcdé', 'true', 'false', 't', 'yes', 'off', '1', '0', '2',
  '2024-02-29', '2023-02-29', '5874897-12-31', '5874898-01-01', '4714-11-24 BC', '4714-11-23 BC', 'infinity', '-infinity', 'epoch',
  '2024-01-02 03:04:05.123456', '2024-01-02 24:00:00', '294276-12-31 23:59:59.999999', '294277-01-01 00:00:00',
  true, false, null,
  new Date(0), new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789)), new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), new Date(NaN),
];

/** A random value near some limit: digits strings, doubles, BigInts. */
function randomValue(r: Rng): unknown {
  const limits = [32767n, 2147483647n, P63 - 1n];
  return r.weighted<unknown>([
    [2, () => { const l = r.pick(limits); return (r.chance(0.5) ? l : -l - 1n) + BigInt(r.int(-2, 2)); }],
    [2, () => { const l = r.pick(limits); const v = (r.chance(0.5) ? l : -l - 1n) + BigInt(r.int(-2, 2)); return r.chance(0.5) ? String(v) : Number(v); }],
    [2, () => (r.next() - 0.5) * 10 ** r.int(-50, 310)],
    [1, () => Math.round((r.next() - 0.5) * 10 ** r.int(0, 12)) / 10 ** r.int(0, 4)],
    [2, () => `${r.chance(0.3) ? '-' : ''}${Array.from({ length: r.int(1, 40) }, () => r.int(0, 9)).join('')}${r.chance(0.5) ? `.${Array.from({ length: r.int(1, 30) }, () => r.int(0, 9)).join('')}` : ''}`],
    [1, () => `${r.int(1, 9)}e${r.int(-400, 400)}`],
  ]);
}

// ---------------------------------------------------------------------------------------------
// How each side receives a value

/** The exact decimal text of a value as PostgreSQL should receive it; null for NULL. */
function pgText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return BigInt(v).toString();  // 1e21 written out, -0 as 0
    return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return 'Invalid Date';
    return v.toISOString().replace('T', ' ').replace('Z', '');
  }
  return String(v);
}

/** The type Quiver gives a parameter (README, "Parameters"), in PostgreSQL's words; null = untyped. */
function quiverParamType(v: unknown): string | null {
  if (v === null || v === undefined || typeof v === 'string') return null;
  if (typeof v === 'bigint') return 'bigint';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Date) return 'timestamp';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'double precision';
    return v >= -2147483648 && v <= 2147483647 ? 'integer' : 'bigint';
  }
  return null;
}

function showValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return `new Date(${Number.isNaN(v.getTime()) ? 'NaN' : JSON.stringify(v.toISOString())})`;
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/**
 * Whether storing this value into a column of this kind is a comparison worth making: strings and
 * numbers go everywhere (their text is read by the column's input function); booleans and Dates
 * into their own kind and text.
 */
function storable(v: unknown, t: ColType): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return true;
  if (typeof v === 'boolean') return t.kind === 'bool' || t.kind === 'text';
  if (v instanceof Date) return t.kind === 'date';
  return false;
}

/**
 * Known gaps left out of the comparison, each reported on its own:
 *  - timestamps are stored as double-precision microseconds, exact only within 2^53 µs of 1970
 *    (about 285 years), so a sub-millisecond part far from it is not kept;
 *  - PostgreSQL's date/time input refuses a text too long for its field buffer (22007) before it
 *    reads the fields; Quiver reads them.
 */
function knownGap(v: unknown, t: ColType | null): boolean {
  if (v instanceof Date) return Math.abs(v.getTime()) * 1000 > 2 ** 53;
  if (t?.kind !== 'date') return false;
  const text = pgText(v);
  if (text === null) return false;
  if (text.length > 120) return true;
  const year = /^\s*(\d+)-/.exec(text);
  return t.sql === 'timestamp' && year !== null && Number(year[1]) > 2255;
}

/** Booleans and Dates keep their JavaScript type in a context; numbers and strings are read as text. */
function typedInContext(v: unknown): boolean {
  return typeof v === 'boolean' || v instanceof Date;
}

/**
 * Numeric NaN and ±Infinity (PostgreSQL 14+) are refused by Quiver's numeric type with 0A000, an
 * honest refusal of a feature it lacks rather than a wrong answer; they are left out here.
 */
function numericSpecial(v: unknown, t: ColType): boolean {
  if (t.kind !== 'numeric') return false;
  if (typeof v === 'number') return !Number.isFinite(v);
  return typeof v === 'string' && /^\s*[+-]?(nan|inf|infinity)\s*$/i.test(v);
}

/** Whether `$1::T` compares like with like: for booleans and Dates, casts PostgreSQL has between the two types. */
function castable(v: unknown, t: ColType): boolean {
  if (!typedInContext(v)) return true;
  const qt = quiverParamType(v);
  // PostgreSQL casts integer, but not bigint or smallint, to and from boolean.
  if (t.kind === 'bool') return qt === 'boolean';
  if (qt === 'boolean') return t.kind === 'text' || t.sql === 'integer';
  if (qt === 'timestamp') return t.kind === 'date' || t.kind === 'text';
  return true;
}

interface Case { sql: string; pgSql: string; value: unknown }

function casesFor(v: unknown): Case[] {
  const out: Case[] = [];
  const qt = quiverParamType(v);
  if (knownGap(v, null)) return out;
  for (const t of TYPES) {
    if (numericSpecial(v, t) || knownGap(v, t)) continue;
    if (storable(v, t)) {
      out.push({ sql: `INSERT INTO ${t.table} (id, v) VALUES (2, $1) RETURNING v`, pgSql: `INSERT INTO ${t.table} (id, v) VALUES (2, $1) RETURNING v`, value: v });
      // UPDATE's SET takes another path to the column than INSERT's VALUES; it is compared for the
      // integer types, where a value out of range used to wrap. Row 1 is always there.
      if (t.kind === 'int') out.push({ sql: `UPDATE ${t.table} SET v = $1 WHERE id = 1 RETURNING v`, pgSql: `UPDATE ${t.table} SET v = $1 WHERE id = 1 RETURNING v`, value: v });
    }
    // An operand of a known type beside the parameter is a context too: PostgreSQL reads it as
    // that type when the operator exists for it on both sides, as = does for every type here.
    if (!typedInContext(v) && v !== null) {
      const cmp = `SELECT count(*) AS n FROM ${t.table} WHERE v = $1`;
      out.push({ sql: cmp, pgSql: cmp, value: v });
      // And a set of expressions with a common type: COALESCE, IN, CASE.
      const set = `SELECT COALESCE(v, $1) AS c, v IN ($1, v) AS i, CASE WHEN id = 1 THEN v ELSE $1 END AS k FROM ${t.table} WHERE id = 1`;
      out.push({ sql: set, pgSql: set, value: v });
    }
    // A cast is a context: T's input reads the text, as PostgreSQL reads an untyped parameter. (A
    // string's cast runs the same input function its INSERT does, compared above.) A boolean or a
    // Date is cast from its own type, which PostgreSQL is told.
    const cast = `$1::${t.sql}`;
    if (castable(v, t) && typeof v !== 'string') out.push({ sql: `SELECT ${cast} AS v`, pgSql: `SELECT ${qt && typedInContext(v) ? `$1::${qt}::${t.sql}` : cast} AS v`, value: v });
  }
  // No context: the JavaScript type decides, and PostgreSQL is told it.
  if (v !== null && typeof v !== 'string') out.push({ sql: 'SELECT $1 AS v', pgSql: `SELECT $1::${qt ?? 'text'} AS v`, value: v });
  // LIMIT reads its parameter as a bigint.
  const lim = `SELECT x FROM generate_series(1, 3) AS g(x) ORDER BY x LIMIT $1`;
  if (!typedInContext(v)) out.push({ sql: lim, pgSql: lim, value: v });
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('differential parameters: values at and past the limits bind as in PostgreSQL', () => {
  let pair: Pair | null = null;

  before(async () => {
    pair = await startPair();
    if (!pair) return;
    for (const t of TYPES) {
      await fixture(pair, `CREATE TABLE ${t.table} (id int, v ${t.sql})`);
      await fixture(pair, `INSERT INTO ${t.table} (id, v) VALUES (1, NULL)`);
    }
  });

  after(async () => { await pair?.close(); });

  test('INSERT, UPDATE, casts and LIMIT with parameters agree', async (t) => {
    if (!pair) { t.skip('no postgres binary found: install postgresql-15 to run the differential test'); return; }
    const r = new Rng(SEED ^ 0x9a4);
    // A value makes about twenty statements: QUIVER_DIFF_QUERIES=2000 adds 100 random values.
    const values = [...FIXED_VALUES, ...Array.from({ length: Math.ceil(statementCount(600) / 20) }, () => randomValue(r))];
    const mismatches: Mismatch[] = [];
    const tally = { agree: 0, pgErrors: 0, total: 0 };
    const started = Date.now();
    for (const v of values) {
      for (const c of casesFor(v)) {
        tally.total++;
        const [p, mine] = await runBoth(pair, c.sql, { pgSql: c.pgSql, pgParams: [pgText(v)], params: [v] });
        if (p.error) tally.pgErrors++;
        let problem = judge(p, mine, c.sql.includes('ORDER BY'));
        // An invalid Date has no text PostgreSQL could be given: any refusal will do.
        if (problem && v instanceof Date && Number.isNaN(v.getTime()) && p.error && mine.error) problem = null;
        if (problem) {
          const via = c.pgSql === c.sql ? '' : `\n   -- PostgreSQL ran: ${c.pgSql} with ${JSON.stringify(pgText(v))}`;
          mismatches.push({ sql: `${c.sql}   -- $1 = ${showValue(v)}${via}`, problem, pg: showAnswer(p), quiver: showAnswer(mine) });
        } else tally.agree++;
      }
    }
    t.diagnostic(`parameters: ${pair.server.version()}; seed ${SEED}; ${values.length} values, ${tally.total} statements`);
    t.diagnostic(`${tally.agree} agree, ${mismatches.length} differ, ${tally.pgErrors} were errors in PostgreSQL; ${Date.now() - started} ms`);
    dumpMismatches('parameters', mismatches);
    assert.equal(mismatches.length, 0, mismatchReport(mismatches, tally.total, SEED, 'statements'));
  });
});
