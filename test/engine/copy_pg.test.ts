/**
 * COPY interoperability with a real PostgreSQL (a throwaway server, as in the differential test):
 * a file PostgreSQL writes loads in Quiver and one Quiver writes loads in PostgreSQL, in the text
 * and CSV formats with their options, and both systems write the same bytes for the same rows.
 * Hand-written inputs (escapes, end marker, newline styles, quoting) must load to the same rows in
 * both. Skipped without PostgreSQL binaries.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { open, QuiverError } from '../../src/index.js';
import type { Database } from '../../src/index.js';
import { findPgBin, PgServer } from '../helpers/pg_server.js';

const COLUMNS = `id int, t text, i int, b bigint, n numeric(12,3), f float8, r real, ok bool, d date, ts timestamp, iv interval, ia int[], ta text[]`;

/** Values chosen to need every escape and quoting rule; the same INSERTs run on both systems. */
const ROWS = [
  `(1, E'tab\\there', 1, 9223372036854775807, 1.5, 0.1, 1.1, true, '2024-01-02', '2024-01-02 03:04:05.5', '1 day 2 hours', '{1,NULL,3}', '{"a b","c,d",NULL,"\\"q\\""}')`,
  `(2, E'new\\nline and \\r return', -1, -9223372036854775808, -0.001, 'NaN', 'Infinity', false, '-infinity', 'infinity', '-1 mons', '{}', '{""}')`,
  `(3, E'back\\\\slash \\\\N', 0, 0, 0, '-0', '-0', NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(4, '', NULL, NULL, NULL, NULL, NULL, NULL, '1999-12-31', '1970-01-01 00:00:00', '00:00:00', '{-5}', '{NULL}')`,
  `(5, NULL, 42, 42, 123456789.123, 1e300, 1.5e-7, true, '2000-02-29', '2000-02-29 23:59:59.999999', '3 years 2 mons', '{7,8}', '{x}')`,
  `(6, '\\N', 7, 7, 7, 7, 7, true, '2024-06-30', '2024-06-30 12:00:00', '1 mons', '{1}', '{"\\\\N"}')`,
  `(7, E'ctl \\b \\f \\x01 \\x0b, "quoted", comma; semicolon|pipe', 8, 8, 8, 8, 8, false, '2024-01-01', '2024-01-01 00:00:00', '1 day', '{1}', '{y}')`,
  `(8, '\\.', 9, 9, 9, 9, 9, true, '2024-01-01', '2024-01-01 00:00:00', '1 day', '{1}', '{z}')`,
  `(9, 'ünïcödé ☃ 𝄞 日本', 10, 10, 10, 10, 10, true, '2024-01-01', '2024-01-01 00:00:00', '1 day', '{1}', '{"é"}')`,
  `(10, 'NA', 11, 11, 11, 11, 11, true, '2024-01-01', '2024-01-01 00:00:00', '1 day', '{1}', '{w}')`,
];

/** Option lists tried in both directions. */
const OPTION_SETS = [
  '',
  '(HEADER)',
  "(DELIMITER '|', NULL 'NULL')",
  '(FORMAT csv)',
  '(FORMAT csv, HEADER)',
  "(FORMAT csv, DELIMITER ';', NULL 'NA', QUOTE '''', ESCAPE '\\')",
  '(FORMAT csv, FORCE_QUOTE *)',
  "(FORMAT csv, FORCE_QUOTE (t, ta), NULL '\\N')",
];

describe('COPY files interchange with PostgreSQL', () => {
  const bin = findPgBin();
  let server: PgServer | null = null;
  let client: pg.Client | null = null;
  let db: Database | null = null;
  let dir = '';

  before(async () => {
    if (!bin) return;
    server = await PgServer.start(bin);
    client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    await client.query("SET DateStyle = 'ISO, MDY'; SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET IntervalStyle = 'postgres'");
    db = await open();
    // The server may run as another user: the directory must be writable by both.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-copy-'));
    fs.chmodSync(dir, 0o777);
    for (const sql of [`CREATE TABLE src (${COLUMNS})`, `INSERT INTO src VALUES ${ROWS.join(', ')}`]) {
      await client.query(sql);
      await db.query(sql);
    }
  });

  after(async () => {
    try { await client?.end(); } catch { /* already gone */ }
    await db?.close();
    server?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string): string => path.join(dir, name);
  const bytes = (name: string): string => fs.readFileSync(file(name), 'latin1');

  async function both(sql: string): Promise<void> {
    await client!.query(sql);
    await db!.query(sql);
  }

  test('both write the same bytes, and each loads the other\'s file to the same rows', async (t) => {
    if (!bin) { t.skip('no postgres binary found: install postgresql-15 to run this test'); return; }
    for (const [k, opts] of OPTION_SETS.entries()) {
      const header = /HEADER/.test(opts);
      await client!.query(`COPY src TO '${file(`pg${k}`)}' ${opts}`);
      await db!.query(`COPY src TO '${file(`q${k}`)}' ${opts}`);
      assert.equal(bytes(`q${k}`), bytes(`pg${k}`), `COPY TO ${opts || '(text)'}: Quiver's file differs from PostgreSQL's`);

      // Each loads the other's file; dumping the result again gives the original bytes.
      await both(`DROP TABLE IF EXISTS back`);
      await both(`CREATE TABLE back (${COLUMNS})`);
      const inOpts = header && /csv/.test(opts) ? opts.replace('HEADER', 'HEADER MATCH') : opts;
      const fromOpts = inOpts.replace(/FORCE_QUOTE \*,? ?|FORCE_QUOTE \([^)]*\),? ?/, '').replace(/, \)$/, ')').replace('()', '');
      await db!.query(`COPY back FROM '${file(`pg${k}`)}' ${fromOpts}`);
      await client!.query(`COPY back FROM '${file(`q${k}`)}' ${fromOpts}`);
      await client!.query(`COPY back TO '${file(`pg_back${k}`)}'`);
      await db!.query(`COPY back TO '${file(`q_back${k}`)}'`);
      await client!.query(`COPY src TO '${file(`pg_src${k}`)}'`);
      assert.equal(bytes(`q_back${k}`), bytes(`pg_src${k}`), `Quiver loading PostgreSQL's ${opts || '(text)'} file changed the rows`);
      assert.equal(bytes(`pg_back${k}`), bytes(`pg_src${k}`), `PostgreSQL loading Quiver's ${opts || '(text)'} file changed the rows`);
    }
  });

  /** Loads a hand-written file into both systems; the rows (dumped in text format) must agree. */
  async function loadBoth(name: string, content: string | Buffer, columns: string, opts: string): Promise<{ pg: string | { code: string; message: string }; quiver: string | { code: string; message: string } }> {
    fs.writeFileSync(file(name), content);
    fs.chmodSync(file(name), 0o644);
    await both('DROP TABLE IF EXISTS h');
    await both(`CREATE TABLE h (${columns})`);
    const out: { pg: string | { code: string; message: string }; quiver: string | { code: string; message: string } } = { pg: '', quiver: '' };
    try {
      await client!.query(`COPY h FROM '${file(name)}' ${opts}`);
      await client!.query(`COPY h TO '${file(`${name}.pg.out`)}'`);
      out.pg = bytes(`${name}.pg.out`);
    } catch (e) {
      out.pg = { code: (e as { code: string }).code, message: (e as Error).message };
    }
    try {
      await db!.query(`COPY h FROM '${file(name)}' ${opts}`);
      await db!.query(`COPY h TO '${file(`${name}.q.out`)}'`);
      out.quiver = bytes(`${name}.q.out`);
    } catch (e) {
      assert.ok(e instanceof QuiverError, `not a QuiverError: ${String(e)}`);
      out.quiver = { code: e.code, message: e.message };
    }
    return out;
  }

  const INPUTS: [name: string, content: string, columns: string, opts: string][] = [
    ['escapes', 'a\\tb\t\\N\nx\\\\y\t\\101\\x41\\x4g\\1234\\8\\b\\f\\v\\r\\n\\N\\x\n\\N\tN\n\\.\nignored\tafter end\n', 'a text, b text', ''],
    ['escaped newline', '1\t\\q\\\nstill\n', 'a text, b text', ''],
    ['crlf', '1\tfoo\r\n2\tbar\r\n', 'a int, b text', ''],
    ['cr', '1\tb\r2\tc\r', 'a int, b text', ''],
    ['mixed newlines', '1\tfoo\r\n2\tbar\n', 'a int, b text', ''],
    ['marker inside', '1\tfoo\\.x\n', 'a int, b text', ''],
    ['marker after data', '1\tfoo\nend\\.\n', 'a text, b text', ''],
    ['no final newline', '1\tfoo', 'a int, b text', ''],
    ['nul escape', '1\t\\0\n', 'a int, b text', ''],
    ['octal utf8', '1\t\\303\\251\n2\t\\xc3\\xa9\n', 'a int, b text', ''],
    ['bad utf8 escape', '1\t\\303\n', 'a int, b text', ''],
    ['missing column', '1\n', 'a int, b text', ''],
    ['extra column', '1\t2\t3\n', 'a int, b text', ''],
    ['bad integer', '1\tx\n', 'a text, b int', ''],
    ['header match', 'a\tb\n1\t2\n', 'a int, b int', '(HEADER MATCH)'],
    ['header mismatch', 'b\ta\n1\t2\n', 'a int, b int', '(HEADER MATCH)'],
    ['csv quoting', '1,"a,b"\n2,""\n3,\n4,"x""y"\n5,"multi\nline"\n6, sp \n"7",\\N\n8,"ab"c\n\\.\n9,z\n', 'a int, b text', '(FORMAT csv)'],
    ['csv unterminated', '1,"abc\n', 'a int, b text', '(FORMAT csv)'],
    ['csv escape', '1,"a\\"b"\n2,"a\\\\b"\n3,"a\\xb"\n', 'a int, b text', "(FORMAT csv, ESCAPE '\\')"],
    ['csv force not null', '1,\n2,""\n3,NA\n4,"NA"\n', 'a int, b text', "(FORMAT csv, NULL 'NA', FORCE_NOT_NULL (b))"],
    ['csv force null', '1,\n2,""\n3,NA\n4,"NA"\n', 'a int, b text', "(FORMAT csv, NULL 'NA', FORCE_NULL (b))"],
    ['csv lone marker quoted', '"\\."\n\\.\n', 'b text', '(FORMAT csv)'],
    ['csv crlf in quotes', '1,"a\r\nb"\r\n2,c\r\n', 'a int, b text', '(FORMAT csv)'],
    ['csv unquoted cr', '1,a\n2,b\rc\n', 'a int, b text', '(FORMAT csv)'],
  ];

  test('hand-written files load to the same rows, or fail with the same error', async (t) => {
    if (!bin) { t.skip('no postgres binary found: install postgresql-15 to run this test'); return; }
    for (const [name, content, columns, opts] of INPUTS) {
      const r = await loadBoth(name.replace(/ /g, '_'), content, columns, opts);
      assert.deepEqual(r.quiver, r.pg, `${name}: Quiver and PostgreSQL disagree`);
    }
  });
});
