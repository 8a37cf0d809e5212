// End-to-end checks of the `quiver` command, run as a child process from the built tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

function quiver(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

test('quiver sql "SELECT 1 AS a" prints a psql-style table', async () => {
  const r = await quiver(['sql', 'SELECT 1 AS a']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, ' a \n---\n 1\n(1 row)\n\n');
  assert.equal(r.code, 0);
});

test('an error exits with 1 and reports ERROR and the SQLSTATE on stderr', async () => {
  const r = await quiver(['sql', 'SELECT * FROM missing_table']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^ERROR: {2}.*missing_table/m);
  assert.match(r.stderr, /^SQLSTATE: 42P01$/m);
});

test('statements in an argument run one by one and stop at the first error', async () => {
  const r = await quiver(['sql', 'SELECT 1 AS a; SELECT * FROM missing_table; SELECT 2 AS b']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, ' a \n---\n 1\n(1 row)\n\n');
  assert.match(r.stderr, /42P01/);
});

test('standard input: several statements, command tags and results in order', async () => {
  const script = `
    CREATE TABLE t (a integer, b text);
    INSERT INTO t VALUES (1, 'x'), (22, NULL), (333, 'a longer one');
    UPDATE t SET a = a + 1 WHERE a > 1;
    DELETE FROM t WHERE a = 1;
    -- the semicolon in this string does not end the statement
    SELECT a, b FROM t WHERE b IS NULL OR b <> 'not;this' ORDER BY a;
    DROP TABLE t
  `;
  const r = await quiver(['sql'], script);
  assert.equal(r.stderr, '');
  assert.equal(
    r.stdout,
    [
      'CREATE TABLE',
      'INSERT 0 3',
      'UPDATE 2',
      'DELETE 1',
      '  a  |      b       ',
      '-----+--------------',
      '  23 | ',
      ' 334 | a longer one',
      '(2 rows)',
      '',
      'DROP TABLE',
      '',
    ].join('\n'),
  );
  assert.equal(r.code, 0);
});

test('standard input stops at the first error', async () => {
  const r = await quiver(['sql'], 'SELECT 1 AS a;\nSELECT * FROM missing_table;\nSELECT 2 AS b;\n');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, ' a \n---\n 1\n(1 row)\n\n');
  assert.match(r.stderr, /SQLSTATE: 42P01/);
});

test('--format csv', async () => {
  const r = await quiver([
    'sql',
    '--format',
    'csv',
    "SELECT 1 AS a, 'x,y' AS b, NULL::text AS c, true AS d UNION ALL SELECT 2, 'q\"z', 'w', false ORDER BY a",
  ]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'a,b,c,d\n1,"x,y",,t\n2,"q""z",w,f\n');
  assert.equal(r.code, 0);
});

test('--format json keeps bigint digits', async () => {
  const r = await quiver(['sql', '--format=json', "SELECT 9007199254740993::bigint AS n, 'hi' AS s"]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '[\n  {"n":9007199254740993,"s":"hi"}\n]\n');
  assert.equal(r.code, 0);
});

test('--data keeps tables between runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-cli-'));
  try {
    const a = await quiver(['sql', '--data', dir, 'CREATE TABLE kept (x integer); INSERT INTO kept VALUES (7)']);
    assert.equal(a.stderr, '');
    assert.equal(a.stdout, 'CREATE TABLE\nINSERT 0 1\n');
    const b = await quiver(['sql', '--data', dir, 'SELECT x FROM kept']);
    assert.equal(b.stdout, ' x \n---\n 7\n(1 row)\n\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--help, --version, and usage errors', async () => {
  const help = await quiver(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: quiver/);
  const sqlHelp = await quiver(['sql', '--help']);
  assert.equal(sqlHelp.code, 0);
  assert.match(sqlHelp.stdout, /--format/);
  const version = await quiver(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^quiver \d+\.\d+\.\d+/);
  const unknown = await quiver(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command/);
  const badFlag = await quiver(['sql', '--nope', 'SELECT 1']);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /unknown option/);
  const badFormat = await quiver(['sql', '--format', 'xml', 'SELECT 1']);
  assert.equal(badFormat.code, 2);
});

test('a statement of several megabytes on standard input runs whole', async () => {
  // 200,000 rows: more than a spread over the VALUES lists (or the stack) could take.
  const rows: string[] = [];
  for (let i = 0; i < 200000; i++) rows.push(`(${i}, 'r;${i}')`);
  const input = `CREATE TABLE t (a int, b text);\nINSERT INTO t VALUES ${rows.join(',')};\nSELECT count(*), sum(a), max(b) FROM t;\n`;
  assert.ok(input.length > 3e6);
  const r = await quiver(['sql', '--format', 'csv'], input);
  assert.equal(r.stderr, '');
  // PostgreSQL 15's answer, for the same values from generate_series(0, 199999).
  assert.equal(r.stdout, 'CREATE TABLE\nINSERT 0 200000\ncount,sum,max\n200000,19999900000,r;99999\n');
  assert.equal(r.code, 0);
});
