/**
 * Differential test of API parameters against a real PostgreSQL: values at and beyond each type's
 * limits — as JS numbers, BigInts and strings — bound through Quiver's `db.query(sql, params)` and
 * through the `pg` client, and the results (or SQLSTATEs) compared. Every expected answer is
 * PostgreSQL 15's, computed live by the server the harness starts.
 *
 * What is compared, given that Quiver types a parameter from its JS value (README, "Parameters")
 * while the pg client sends text of unspecified type:
 *  - a parameter stored into a typed column (INSERT, UPDATE) must behave as PostgreSQL's input
 *    function for that column's type behaves on the value's text: out of range is 22003, a number
 *    that is not an integer bound to an integer column is 22P02 — never a wrapped or rounded value;
 *  - `$1::T` converts the parameter as Quiver typed it: PostgreSQL is given the same type
 *    explicitly (`$1::bigint::T` for a BigInt), so both sides convert the same value the same way;
 *  - `LIMIT $1` with integers.
 * The text PostgreSQL receives is the value's exact decimal form (an integral JS number is written
 * out in full, not as 1e+21), so both engines see the same value.
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
 * Whether storing this value into a column of this kind is a comparison worth making: strings go
 * everywhere (untyped, like a quoted literal); numbers into numeric and text columns; booleans and
 * Dates into their own kind and text. A number stored into a date column is a type mismatch in
 * Quiver, as it is in PostgreSQL for a parameter typed as a number.
 */
function storable(v: unknown, t: ColType): boolean {
  if (v === null || typeof v === 'string') return true;
  // A double with more than 15 significant digits, or in exponent form, stored into numeric or
  // text: PostgreSQL would convert a double parameter through 15 digits (float8_numeric) and
  // print exponents as e-09, the pg client sends JavaScript's shortest form. Both are defensible;
  // neither is compared.
  if (typeof v === 'number' && !Number.isInteger(v) && (t.kind === 'numeric' || t.kind === 'text')) {
    const text = String(v);
    if (/e/i.test(text) || text.replace(/^-?0*\.?0*/, '').replace('.', '').length > 15) return false;
  }
  if (typeof v === 'boolean') return t.kind === 'bool' || t.kind === 'text';
  if (v instanceof Date) return t.kind === 'date';
  return t.kind === 'int' || t.kind === 'float' || t.kind === 'numeric' || t.kind === 'text';
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

/** Whether `$1::T` compares like with like: casts PostgreSQL has between the two types. */
function castable(v: unknown, t: ColType): boolean {
  const qt = quiverParamType(v);
  // An integral JS number past bigint's range: whether that is bigint (out of range) or double
  // precision is Quiver's choice to make; only storing it into a column is compared.
  if (typeof v === 'number' && Number.isInteger(v) && (v < -(2 ** 63) || v >= 2 ** 63)) return false;
  // PostgreSQL casts integer, but not bigint or smallint, to and from boolean.
  if (t.kind === 'bool') return qt === null || qt === 'boolean' || qt === 'integer';
  if (qt === 'boolean') return t.kind === 'text' || t.sql === 'integer';
  if (qt === 'timestamp') return t.kind === 'date' || t.kind === 'text';
  return true;
}

interface Case { sql: string; pgSql: string; value: unknown }

function casesFor(v: unknown): Case[] {
  const out: Case[] = [];
  const qt = quiverParamType(v);
  for (const t of TYPES) {
    if (numericSpecial(v, t)) continue;
    if (storable(v, t)) {
      out.push({ sql: `INSERT INTO ${t.table} (id, v) VALUES (2, $1) RETURNING v`, pgSql: `INSERT INTO ${t.table} (id, v) VALUES (2, $1) RETURNING v`, value: v });
      // UPDATE's SET takes another path to the column than INSERT's VALUES; it is compared for the
      // integer types, where a value out of range used to wrap. Row 1 is always there.
      if (t.kind === 'int') out.push({ sql: `UPDATE ${t.table} SET v = $1 WHERE id = 1 RETURNING v`, pgSql: `UPDATE ${t.table} SET v = $1 WHERE id = 1 RETURNING v`, value: v });
    }
    // A cast from the type Quiver gave the parameter; PostgreSQL is told that type explicitly.
    const cast = `$1::${t.sql}`;
    // (A string is untyped: its cast runs the same input function its INSERT does, compared above.)
    if (castable(v, t) && typeof v !== 'string') out.push({ sql: `SELECT ${cast} AS v`, pgSql: `SELECT ${qt ? `$1::${qt}::${t.sql}` : cast} AS v`, value: v });
  }
  if (typeof v === 'bigint' || typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63)) {
    const lim = `SELECT x FROM generate_series(1, 3) AS g(x) ORDER BY x LIMIT $1`;
    out.push({ sql: lim, pgSql: qt ? lim.replace('$1', `$1::${qt}`) : lim, value: v });
  }
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
