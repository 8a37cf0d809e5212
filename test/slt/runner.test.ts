import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuiverError } from '../../src/common/errors.js';
import {
  rewriteCopyPaths, runFiles,
  type DatabaseLike, type QueryResultLike, type RunOptions,
} from '../../sqllogictest/runner/runner.js';

type Handler = (sql: string) => QueryResultLike;

function fakeDb(handler: Handler, log: string[] = []): () => Promise<DatabaseLike> {
  return async () => ({
    query: async (sql: string) => {
      log.push(sql);
      return handler(sql);
    },
  });
}

const ok = (command = 'CREATE TABLE', rowCount = 0): QueryResultLike => ({ columns: [], rows: [], rowCount, command });
const rows = (types: string[], data: unknown[][]): QueryResultLike => ({
  columns: types.map((type, k) => ({ name: `c${k}`, type })), rows: data, rowCount: data.length, command: 'SELECT',
});

async function run(paths: string[], opts: Partial<RunOptions> & Pick<RunOptions, 'openDb'>): Promise<{ out: string; exitCode: number; summary: Awaited<ReturnType<typeof runFiles>> }> {
  let out = '';
  const summary = await runFiles(paths, { label: [], write: (s) => { out += s; }, ...opts });
  return { out, exitCode: summary.exitCode, summary };
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'quiver-slt-'));
  tempDirs.push(d);
  return d;
}

test('SLT file: conditions, hashing with the default threshold, rowsort, errors', async () => {
  const dir = tempDir();
  const file = join(dir, 'a.test');
  writeFileSync(file, [
    'statement ok',
    'CREATE TABLE t(a INTEGER)',
    '',
    'skipif postgresql',
    'statement ok',
    'SELECT mysql_only()',
    '',
    'onlyif postgres',
    'query I rowsort',
    'SELECT a FROM t',
    '----',
    '10',
    '9',
    'NULL',
    '',
    'query II nosort',
    'SELECT 1, 2 FROM many',
    '----',
    '2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0',
    '',
    'statement error',
    'SELECT broken',
    '',
    'statement error',
    'SELECT crash',
    '',
    'query I',
    'SELECT wrong',
    '----',
    '1',
    '',
  ].join('\n'));
  const log: string[] = [];
  const handler: Handler = (sql) => {
    if (sql.startsWith('CREATE')) return ok();
    if (sql === 'SELECT a FROM t') return rows(['integer'], [[9], [null], [10]]);
    if (sql.startsWith('SELECT 1, 2')) return rows(['integer', 'integer'], [[1, 2]]);
    if (sql === 'SELECT broken') throw new QuiverError('42703', 'column "broken" does not exist');
    if (sql === 'SELECT crash') throw new TypeError('cannot read properties of undefined');
    if (sql === 'SELECT wrong') return rows(['integer'], [[2]]);
    throw new Error(`unexpected ${sql}`);
  };
  const { out, exitCode, summary } = await run([file], { openDb: fakeDb(handler, log) });
  assert.ok(!log.includes('SELECT mysql_only()'));
  const f = summary.files[0]!;
  assert.deepEqual([f.passed, f.failed, f.skipped], [4, 2, 1]);
  assert.deepEqual(f.failures.map((x) => x.line), [24, 27]);
  assert.match(f.failures[0]!.reason, /internal error/);
  assert.equal(exitCode, 1);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[lines.length - 1], '4 passed, 2 failed, 1 skipped');
  assert.ok(lines.some((l) => l.endsWith('a.test: 4 passed, 2 failed, 1 skipped')));
  assert.match(out, /a\.test:27: value 1 differs\n\s+SELECT wrong\n\s+expected:\n\s+1\n\s+actual:\n\s+2/);
});

test('labels answer case-insensitively and halt skips the rest', async () => {
  const dir = tempDir();
  const file = join(dir, 'h.test');
  writeFileSync(file, 'onlyif PostgreSQL\nstatement ok\nSELECT 1\n\nskipif sqlite\nhalt\n\nstatement ok\nSELECT 2\n');
  const log: string[] = [];
  const { summary } = await run([file], { openDb: fakeDb(() => ok('SELECT'), log) });
  assert.deepEqual(log, ['SELECT 1']);
  assert.deepEqual([summary.total.passed, summary.total.skipped], [1, 1]);
  const other = await run([file], { label: ['sqlite'], openDb: fakeDb(() => ok('SELECT'), []) });
  assert.deepEqual([other.summary.total.passed, other.summary.total.skipped], [1, 1]);
});

test('queries sharing a label must hash alike', async () => {
  const dir = tempDir();
  const file = join(dir, 'l.test');
  writeFileSync(file, 'query I nosort label-1\nSELECT 1\n----\n1\n\nquery I nosort label-1\nSELECT 2\n----\n1\n');
  const { summary } = await run([file], { openDb: fakeDb((sql) => rows(['integer'], [[sql === 'SELECT 1' ? 1 : 2]])) });
  assert.equal(summary.total.failed, 1);
});

test('own-suite error messages are checked against the message; imported ones are not by default', async () => {
  const root = tempDir();
  const own = join(root, 'sqllogictest', 'quiver', 'x');
  const imported = join(root, 'sqllogictest', 'imported', 'risinglight');
  mkdirSync(own, { recursive: true });
  mkdirSync(imported, { recursive: true });
  const body = 'statement error duplicate CTE name\nWITH a AS (SELECT 1), a AS (SELECT 2) SELECT 1\n';
  writeFileSync(join(own, 'e.slt'), body);
  writeFileSync(join(imported, 'e.slt'), body);
  const openDb = fakeDb(() => { throw new QuiverError('42712', 'WITH query name "a" specified more than once'); });
  const normal = await run([join(own, 'e.slt'), join(imported, 'e.slt')], { openDb });
  assert.deepEqual(normal.summary.files.map((f) => f.passed), [0, 1]);
  const strict = await run([join(imported, 'e.slt')], { openDb, strictErrors: true });
  assert.equal(strict.summary.total.failed, 1);
});

test('imported corpus: pg-divergent records, per-source and per-tier counts, ratchet', async () => {
  const root = tempDir();
  const imp = join(root, 'sqllogictest', 'imported');
  mkdirSync(join(imp, 'duckdb', 'test'), { recursive: true });
  writeFileSync(join(imp, 'MANIFEST.tsv'), 'staged_path\ttier\tsource_repo\nduckdb/test/t.test\t2\tduckdb/duckdb\n');
  writeFileSync(join(imp, 'PG_DIVERGENT.tsv'), 'staged_path\tline\trecord\tpostgresql15_outcome\nduckdb/test/t.test\t6\tquery\tdifferent\n');
  const file = join(imp, 'duckdb', 'test', 't.test');
  writeFileSync(file, [
    'query IT',
    'SELECT 1, \'a\'',
    '----',
    '1\ta',
    '',
    'query T', // line 6: divergent, runs but is not judged
    'SELECT 1 == 1',
    '----',
    '1',
    '',
    'query R',
    'SELECT avg(x)',
    '----',
    '2.500000',
    '',
    'query I',
    'DELETE FROM t',
    '----',
    '2',
    '',
  ].join('\n'));
  const handler: Handler = (sql) => {
    if (sql === "SELECT 1, 'a'") return rows(['integer', 'text'], [[1, 'a']]);
    if (sql === 'SELECT 1 == 1') throw new QuiverError('42883', 'operator does not exist: integer == integer');
    if (sql === 'SELECT avg(x)') return rows(['numeric'], [['2.5000000000000000']]);
    if (sql === 'DELETE FROM t') return ok('DELETE', 2);
    throw new Error(sql);
  };
  const ratchet = join(root, 'ratchet.json');
  writeFileSync(ratchet, JSON.stringify({ imported: { passed: 4 } }));
  const below = await run([file], { openDb: fakeDb(handler), ratchet });
  const f = below.summary.files[0]!;
  assert.deepEqual([f.passed, f.failed, f.skipped, f.divergent], [3, 0, 1, 1]);
  assert.equal(f.source, 'duckdb');
  assert.equal(f.tier, '2');
  assert.deepEqual(below.summary.bySource['duckdb'], { passed: 3, failed: 0, skipped: 1, divergent: 1 });
  assert.equal(below.exitCode, 1);
  assert.match(below.out, /imported pass count 3 is below the ratchet 4/);
  assert.match(below.out, /\(1 pg-divergent\)/);

  writeFileSync(ratchet, JSON.stringify({ imported: { passed: 2 } }));
  const above = await run([file], { openDb: fakeDb(handler), ratchet, updateRatchet: true });
  assert.equal(above.exitCode, 0);
  const written = JSON.parse(readFileSync(ratchet, 'utf8')) as { imported: { passed: number; pgDivergent: number }; tiers: Record<string, unknown> };
  assert.equal(written.imported.passed, 3);
  assert.equal(written.imported.pgDivergent, 1);
  assert.ok('2' in written.tiers);

  // a failing record in the imported corpus does not fail a run that meets the ratchet
  const failing: Handler = (sql) => (sql === 'SELECT avg(x)' ? rows(['numeric'], [['9']]) : handler(sql));
  writeFileSync(ratchet, JSON.stringify({ imported: { passed: 2 } }));
  const judged = await run([file], { openDb: fakeDb(failing), ratchet });
  assert.equal(judged.summary.total.failed, 1);
  assert.equal(judged.exitCode, 0);
  const unjudged = await run([file], { openDb: fakeDb(failing) });
  assert.equal(unjudged.exitCode, 1);
});

test('the own suite must pass fully even in ratchet mode', async () => {
  const root = tempDir();
  const own = join(root, 'sqllogictest', 'quiver', 'basic');
  mkdirSync(own, { recursive: true });
  writeFileSync(join(own, 'x.slt'), 'query I\nSELECT 1\n----\n2\n');
  const ratchet = join(root, 'ratchet.json');
  writeFileSync(ratchet, JSON.stringify({ imported: { passed: 0 } }));
  const r = await run([join(own, 'x.slt')], { openDb: fakeDb(() => rows(['integer'], [[1]])), ratchet });
  assert.equal(r.exitCode, 1);
  assert.match(r.out, /own suite must pass/);
});

test('a database that cannot be opened fails the file without crashing the run', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.slt'), 'statement ok\nSELECT 1\n\nquery I\nSELECT 1\n----\n1\n');
  writeFileSync(join(dir, 'b.slt'), 'statement ok\nSELECT 1\n');
  let calls = 0;
  const openDb = async (): Promise<DatabaseLike> => {
    calls++;
    if (calls === 1) throw new Error('engine not built yet');
    return { query: async () => ok('SELECT') };
  };
  const r = await run([join(dir, 'a.slt'), join(dir, 'b.slt')], { openDb });
  assert.deepEqual(r.summary.files.map((f) => [f.passed, f.failed]), [[0, 2], [1, 0]]);
  assert.equal(r.summary.files[0]!.failures.length, 1);
  assert.match(r.out, /could not open a database: engine not built yet/);
});

test('sqllogictest-rs: rows compared whitespace-collapsed, DML as query I, statement count', async () => {
  const dir = tempDir();
  const file = join(dir, 'r.slt');
  writeFileSync(file, [
    'statement count 3',
    'INSERT INTO t VALUES (1), (2), (3)',
    '',
    'query IRT',
    'SELECT i, r, t FROM t',
    '----',
    '1   0.5  hello world',
    '2 3 NULL',
    '',
    'query I',
    'UPDATE t SET i = 1',
    '----',
    '3',
    '',
  ].join('\n'));
  const handler: Handler = (sql) => {
    if (sql.startsWith('INSERT')) return ok('INSERT', 3);
    if (sql.startsWith('UPDATE')) return ok('UPDATE', 3);
    return rows(['integer', 'numeric', 'text'], [[1, '0.500', 'hello world'], [2, '3.000', null]]);
  };
  const r = await run([file], { openDb: fakeDb(handler) });
  assert.deepEqual([r.summary.total.passed, r.summary.total.failed], [3, 0]);
});

test('COPY FROM paths are made absolute relative to the test file', () => {
  assert.equal(
    rewriteCopyPaths("COPY t\n  FROM '../../testing/data/x.csv'\n  CSV HEADER;", '/corpus/datafusion/pg_compat'),
    "COPY t\n  FROM '/corpus/testing/data/x.csv'\n  CSV HEADER;",
  );
  assert.equal(rewriteCopyPaths("COPY t FROM '/abs/x.csv'", '/base'), "COPY t FROM '/abs/x.csv'");
  assert.equal(rewriteCopyPaths("SELECT 'FROM ''x'''", '/base'), "SELECT 'FROM ''x'''");
  assert.equal(rewriteCopyPaths("COPY t TO 'out.csv'", '/base'), "COPY t TO 'out.csv'");
});
