/**
 * Differential test of COPY against a real PostgreSQL: tables of awkward values (tabs, newlines,
 * carriage returns, backslashes, quotes, delimiters, empty strings, NULLs, text that looks like a
 * NULL marker, non-ASCII) are written by one engine with `COPY t TO 'file'` and read by the other
 * with `COPY t FROM 'file'`, in text and CSV formats with assorted options, and the tables compared.
 * Every expected answer is PostgreSQL 15's, computed live by the server the harness starts.
 *
 * Each round, both directions:
 *  - PostgreSQL writes; both engines load the file into `dst`; the two `dst` must agree (Quiver
 *    reads PostgreSQL's files as PostgreSQL does, DEFAULT columns left out of the list included);
 *  - Quiver writes; both engines load the file; PostgreSQL's `dst` must hold what `src` holds (Quiver
 *    writes files PostgreSQL reads back exactly), and Quiver's `dst` must agree with PostgreSQL's.
 * The files live in a directory both the server (which may run as another user) and this process
 * can read and write.
 *
 * QUIVER_DIFF_SEED and QUIVER_DIFF_QUERIES (a fifth of it is the number of rounds) work as in
 * differential.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  Rng, SEED, statementCount, startPair, runBoth, runPg, runQuiver, judge, showAnswer, mismatchReport, dumpMismatches, fixture,
  type Pair, type Mismatch, type Answer,
} from './differential_harness.js';

const COLUMNS = [
  { name: 'id', sql: 'int' },
  { name: 'a', sql: 'text' },
  { name: 'b', sql: 'text' },
  { name: 'n', sql: 'numeric(12,3)' },
  { name: 'f', sql: 'double precision' },
  { name: 'd', sql: 'date' },
  { name: 'bo', sql: 'boolean' },
  { name: 'ts', sql: 'timestamp' },
  { name: 'v', sql: 'varchar(20)' },
];

/** Pieces of awkward text; values are made of one to three of them. */
const PIECES = [
  'plain', '', ' ', 'tab\there', 'new\nline', 'cr\rhere', 'crlf\r\nx', 'back\\slash', '\\N', 'N', 'NULL', 'null',
  'quote"d', "single'q", 'comma,here', 'semi;colon', 'pipe|x', '"', '""', '\\', '\\.', '.', 'é', '日本語', '😀',
  '  lead and trail  ', '\\t literal', '#', '\t', '\n', '\\\\', 'x\ty\nz\\w"', '\u00a0nbsp', 'ends with backslash\\',
];

function sqlString(s: string): string { return `'${s.replace(/'/g, "''")}'`; }

function randomText(r: Rng): string {
  return Array.from({ length: r.int(1, 3) }, () => r.pick(PIECES)).join('');
}

function rowsSql(r: Rng, n: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const nul = (p: number, v: () => string): string => (r.chance(p) ? 'NULL' : v());
    rows.push(`(${[
      String(i + 1),
      nul(0.15, () => sqlString(randomText(r))),
      nul(0.15, () => sqlString(randomText(r))),
      nul(0.2, () => (r.int(-99999999, 99999999) / 1000).toFixed(3)),
      nul(0.2, () => r.pick(['0', '-0.5', '1e+20', '3.141592653589793', '1e-07', String(r.int(-1000, 1000) / 7), "'NaN'", "'Infinity'", "'-Infinity'"])),
      nul(0.2, () => `'${r.pick(['2024-02-29', '1999-12-31', '0001-01-01', '2038-01-19'])}'`),
      nul(0.2, () => r.pick(['true', 'false'])),
      nul(0.2, () => `'${r.pick(['2024-02-29 12:34:56.789', '1999-12-31 23:59:59', '2000-01-01 00:00:00.000001'])}'`),
      nul(0.2, () => sqlString([...randomText(r)].slice(0, 20).join(''))),  // 20 characters, not UTF-16 units
    ].join(', ')})`);
  }
  return `INSERT INTO src VALUES ${rows.join(', ')}`;
}

interface CopyOptions { sql: string; describe: string; columns: string[] }

function copyOptions(r: Rng): CopyOptions {
  const csv = r.chance(0.5);
  const opts: string[] = [];
  if (csv) opts.push(r.pick(['FORMAT csv', 'FORMAT CSV']));
  else if (r.chance(0.3)) opts.push('FORMAT text');
  // PostgreSQL 15 accepts HEADER in both formats.
  if (r.chance(0.3)) opts.push('HEADER');
  if (r.chance(0.35)) opts.push(`DELIMITER ${sqlString(r.pick(csv ? [';', '|', '\t'] : [',', ';', '|']))}`);
  if (r.chance(0.35)) {
    // In text format a NULL marker that a value can spell is ambiguous in PostgreSQL too: only
    // markers no generated value can be.
    opts.push(`NULL ${sqlString(r.pick(csv ? ['', 'NULL', '\\N', 'x'] : ['\\N', '<null>', '~']))}`);
  }
  if (csv && r.chance(0.2)) opts.push(`QUOTE ${sqlString("'")}`);
  if (csv && r.chance(0.2)) opts.push(`ESCAPE ${sqlString('\\')}`);
  const all = COLUMNS.map((c) => c.name);
  const columns = r.chance(0.25) ? all.filter((c) => c === 'id' || r.chance(0.6)) : all;
  const sql = opts.length ? ` WITH (${opts.join(', ')})` : '';
  return { sql, describe: sql || ' (text format, defaults)', columns };
}

describe('differential COPY: files round-trip between Quiver and PostgreSQL', () => {
  let pair: Pair | null = null;
  let dir = '';

  before(async () => {
    pair = await startPair();
    if (!pair) return;
    dir = pair.sharedDir();
    const cols = COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ');
    await fixture(pair, `CREATE TABLE src (${cols})`);
    // Columns left out of a COPY column list take their DEFAULT, as in INSERT.
    await fixture(pair, `CREATE TABLE dst (${cols}, extra text DEFAULT 'dflt')`);
  });

  after(async () => { await pair?.close(); });

  test('COPY TO on one engine, COPY FROM on the other, text and CSV', async (t) => {
    if (!pair) { t.skip('no postgres binary found: install postgresql-15 to run the differential test'); return; }
    // A round is about a dozen statements: QUIVER_DIFF_QUERIES=2000 makes 400 rounds.
    const rounds = Math.ceil(statementCount(200) / 5);
    const r = new Rng(SEED ^ 0xc0b1);
    const mismatches: Mismatch[] = [];
    let agree = 0;
    const started = Date.now();
    const note = (sql: string, problem: string | null, p: Answer, q: Answer): void => {
      if (problem) mismatches.push({ sql, problem, pg: showAnswer(p), quiver: showAnswer(q) });
      else agree++;
    };
    for (let round = 0; round < rounds; round++) {
      await fixture(pair, 'DELETE FROM src');
      const insert = rowsSql(r, r.int(0, 12));
      if (!insert.endsWith('VALUES ')) {
        // The data itself must load the same way (a value refused by one engine is a finding too).
        const [pi, qi] = await runBoth(pair, insert);
        const bad = judge(pi, qi, false);
        if (bad || pi.error) {
          note(insert, bad ?? `PostgreSQL refused the generated data: ${pi.error!.code}`, pi, qi);
          continue;
        }
      }
      const o = copyOptions(r);
      const list = o.columns.join(', ');
      const cols = o.columns.length === COLUMNS.length && r.chance(0.5) ? '' : ` (${list})`;
      const context = `-- data: ${insert}`;

      // PostgreSQL writes, both read.
      const pgFile = path.join(dir, `r${round}_pg.dat`);
      const wrote = await runPg(pair.client, `COPY src${cols} TO ${sqlString(pgFile)}${o.sql}`);
      if (wrote.error) throw new Error(`PostgreSQL refused its own COPY TO: ${showAnswer(wrote)}\n${o.describe}`);
      await fixture(pair, 'DELETE FROM dst');
      const load1 = `COPY dst (${list}) FROM ${sqlString(pgFile)}${o.sql}`;
      const [p1, q1] = await runBoth(pair, load1);
      const [pd1, qd1] = await runBoth(pair, 'SELECT * FROM dst');
      note(`${load1}   -- the file written by PostgreSQL's COPY src${cols} TO …${o.sql}\n   ${context}`,
        judge(p1, q1, false) ?? judge(pd1, qd1, false), p1.error ? p1 : pd1, q1.error ? q1 : qd1);

      // Quiver writes, both read.
      const qFile = path.join(dir, `r${round}_quiver.dat`);
      const qWrite = `COPY src${cols} TO ${sqlString(qFile)}${o.sql}`;
      const qWrote = await runQuiver(pair.db, qWrite);
      if (qWrote.error) {
        note(`${qWrite}\n   ${context}`, `Quiver refuses to write: ${qWrote.error.code}`, await runPg(pair.client, qWrite.replace('_quiver.dat', '_pgref.dat')), qWrote);
        continue;
      }
      await fixture(pair, 'DELETE FROM dst');
      const load2 = `COPY dst (${list}) FROM ${sqlString(qFile)}${o.sql}`;
      const [p2, q2] = await runBoth(pair, load2);
      // What PostgreSQL read from Quiver's file must be the source table.
      const back = await runPg(pair.client, `SELECT ${list} FROM dst`);
      const orig = await runQuiver(pair.db, `SELECT ${list} FROM src`);
      const pgReads = p2.error ? `PostgreSQL cannot load the file Quiver wrote: ${p2.error.code} ${p2.error.message}` : judge(back, orig, false);
      note(`${load2}   -- the file written by Quiver's ${qWrite}\n   ${context}`,
        pgReads ? `${pgReads} (PostgreSQL's reading of Quiver's file vs the source table)` : null, p2.error ? p2 : back, orig);
      // (When PostgreSQL cannot load the file, that was the finding above.)
      if (!p2.error) {
        const [pd2, qd2] = await runBoth(pair, 'SELECT * FROM dst');
        note(`${load2}   -- both engines load the file Quiver wrote\n   ${context}`, judge(p2, q2, false) ?? judge(pd2, qd2, false), pd2, q2.error ? q2 : qd2);
      }
    }
    t.diagnostic(`COPY: ${pair.server.version()}; seed ${SEED}; ${rounds} rounds; ${agree} checks agree, ${mismatches.length} differ; ${Date.now() - started} ms`);
    dumpMismatches('COPY', mismatches);
    assert.equal(mismatches.length, 0, mismatchReport(mismatches, agree + mismatches.length, SEED, 'checks'));
  });
});
