/**
 * Durability of the embedded database with a data directory: every statement that was acknowledged
 * (an autocommitted statement, or COMMIT) survives the process being killed right afterwards, and
 * nothing that was rolled back or never committed does. A child process runs the statements and
 * reports each acknowledgement; the parent kills it with SIGKILL (or the child leaves through
 * process.exit without close) and reopens the directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { open } from '../../src/index.js';
import { QuiverError } from '../../src/common/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const indexUrl = pathToFileURL(path.resolve(here, '../../src/index.js')).href;

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-durable-'));
    try { await fn(dir); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
}

/**
 * The child: opens the directory, runs the statements one at a time and prints `ack <i>` after
 * each one returned. `then` is what it does after the last: 'wait' (an open, uncommitted block,
 * then idle until killed), 'exit' (process.exit without close) or 'loop' (numbered inserts, in
 * turn autocommitted and in a BEGIN/COMMIT block, until killed).
 */
const CHILD = `
  const { open } = await import(process.argv[1]);
  const db = await open({ dataDir: process.argv[2] });
  const stmts = JSON.parse(process.argv[3]);
  const then = process.argv[4];
  const say = (s) => new Promise((r) => process.stdout.write(s + '\\n', r));
  for (let i = 0; i < stmts.length; i++) {
    await db.query(stmts[i]);
    await say('ack ' + i);
  }
  if (then === 'exit') process.exit(0);
  if (then === 'wait') {
    await db.query('BEGIN');
    await db.query("INSERT INTO t VALUES (999, 'uncommitted')");
    await say('ready');
    setInterval(() => {}, 1000);
  }
  if (then === 'loop') {
    for (let i = 0; ; i++) {
      if (i % 2 === 0) await db.query('INSERT INTO n VALUES ($1)', [i]);
      else { await db.query('BEGIN'); await db.query('INSERT INTO n VALUES ($1)', [i]); await db.query('COMMIT'); }
      await say('ack ' + i);
    }
  }
`;

interface ChildRun { acks: number; code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Runs the child; with `killAfter`, sends SIGKILL once that many acks (or 'ready') arrived. */
function runChild(dir: string, stmts: string[], then: 'wait' | 'exit' | 'loop', killAfter?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, indexUrl, dir, JSON.stringify(stmts), then], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acks = 0, buf = '', stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('ack ')) acks++;
        if ((line === 'ready' || (killAfter !== undefined && acks >= killAfter)) && child.exitCode === null) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ acks, code, signal, stderr }));
  });
}

async function rows(dir: string, sql: string): Promise<unknown[][]> {
  const db = await open({ dataDir: dir });
  try { return (await db.query(sql)).rows; } finally { await db.close(); }
}

test('acknowledged statements survive SIGKILL; an open block does not', withDir(async (dir) => {
  const stmts = [
    'CREATE TABLE t (id int PRIMARY KEY, v text)',
    "INSERT INTO t VALUES (1, 'auto')",
    'BEGIN',
    "INSERT INTO t VALUES (2, 'in block')",
    "INSERT INTO t VALUES (3, 'in block')",
    'COMMIT',
    'BEGIN',
    "INSERT INTO t VALUES (4, 'rolled back')",
    'ROLLBACK',
    "UPDATE t SET v = 'updated' WHERE id = 1",
    'DELETE FROM t WHERE id = 3',
    'BEGIN',
    'SAVEPOINT a',
    "INSERT INTO t VALUES (5, 'released')",
    'RELEASE SAVEPOINT a',
    'SAVEPOINT b',
    "INSERT INTO t VALUES (6, 'rolled back to b')",
    'ROLLBACK TO SAVEPOINT b',
    'COMMIT',
  ];
  const r = await runChild(dir, stmts, 'wait');
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  assert.equal(r.acks, stmts.length);
  assert.deepEqual(await rows(dir, 'SELECT id, v FROM t ORDER BY id'), [[1, 'updated'], [2, 'in block'], [5, 'released']]);
}));

test('DDL and the other writes are durable when they return (process.exit without close)', withDir(async (dir) => {
  const csv = path.join(dir, 'rows.csv');
  fs.writeFileSync(csv, '10,x\n11,y\n');
  fs.writeFileSync(path.join(dir, 'one.csv'), '3\n');
  const stmts = [
    'CREATE SCHEMA s',
    'CREATE TABLE s.t (id serial, v int DEFAULT 7)',
    'INSERT INTO s.t (v) VALUES (1), (2)',
    'CREATE TABLE t (id int, v text)',
    "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    `COPY t FROM '${csv}' (FORMAT csv)`,
    'DELETE FROM t WHERE id >= 10',
    `COPY s.t (v) FROM '${csv.replace('rows', 'one')}' (FORMAT csv)`,
    'ALTER TABLE t ADD COLUMN w int DEFAULT 5',
    'ALTER TABLE t RENAME COLUMN v TO name',
    'CREATE TABLE gone (x int)',
    'INSERT INTO gone VALUES (1)',
    'TRUNCATE gone',
    'CREATE SEQUENCE q START 10',
    "SELECT nextval('q')",
    "SELECT nextval('q')",
    'CREATE VIEW tv AS SELECT id, name FROM t WHERE id > 1',
    'CREATE UNIQUE INDEX t_id ON t (id)',
    'CREATE TABLE c AS SELECT id * 10 AS x FROM t',
    'BEGIN',
    'DROP TABLE c',
    'COMMIT',
    'BEGIN',
    'CREATE SCHEMA never',
    'CREATE TABLE never_t (x int)',
    'ROLLBACK',
  ];
  const r = await runChild(dir, stmts, 'exit');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.acks, stmts.length);
  const db = await open({ dataDir: dir });
  try {
    assert.deepEqual((await db.query('SELECT id, v FROM s.t ORDER BY id')).rows, [[1, 1], [2, 2], [3, 3]]);
    assert.deepEqual((await db.query('SELECT id, name, w FROM t ORDER BY id')).rows, [[1, 'a', 5], [2, 'b', 5], [3, 'c', 5]]);
    assert.deepEqual((await db.query('SELECT count(*) FROM gone')).rows, [[0n]]);
    // The sequence continues after the values already handed out.
    assert.deepEqual((await db.query("SELECT nextval('q')")).rows, [[12n]]);
    assert.deepEqual((await db.query('SELECT * FROM tv ORDER BY id')).rows, [[2, 'b'], [3, 'c']]);
    await assert.rejects(db.query("INSERT INTO t VALUES (1, 'dup', 0)"), (e: unknown) => e instanceof QuiverError && e.code === '23505');
    await assert.rejects(db.query('CREATE INDEX t_id ON t (id)'), (e: unknown) => e instanceof QuiverError && e.code === '42P07');
    await assert.rejects(db.query('SELECT * FROM c'), (e: unknown) => e instanceof QuiverError && e.code === '42P01');
    await assert.rejects(db.query('SELECT * FROM never_t'), (e: unknown) => e instanceof QuiverError && e.code === '42P01');
    await assert.rejects(db.query('CREATE TABLE never.x (a int)'), (e: unknown) => e instanceof QuiverError && e.code === '3F000');
    // The serial column continues too.
    await db.query('INSERT INTO s.t (v) VALUES (4)');
    assert.deepEqual((await db.query('SELECT id, v FROM s.t WHERE v = 4')).rows, [[4, 4]]);
  } finally {
    await db.close();
  }
}));

test('killed at an arbitrary moment, every acknowledged insert is there and at most one more', withDir(async (dir) => {
  const db = await open({ dataDir: dir });
  await db.query('CREATE TABLE n (i int)');
  await db.close();
  for (const killAfter of [1, 7, 40]) {
    await (async () => {
      const db2 = await open({ dataDir: dir });
      await db2.query('TRUNCATE n');
      await db2.close();
    })();
    const r = await runChild(dir, [], 'loop', killAfter);
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const got = (await rows(dir, 'SELECT i FROM n ORDER BY i')).map((x) => x[0] as number);
    const acked = Array.from({ length: r.acks }, (_, i) => i);
    // The kill may land after the next insert was written but before it was acknowledged.
    assert.ok(got.length === acked.length || got.length === acked.length + 1, `acked ${r.acks}, found ${got.length}`);
    assert.deepEqual(got.slice(0, acked.length), acked);
  }
}));

test('close() rolls back an open block instead of saving it', withDir(async (dir) => {
  const db = await open({ dataDir: dir });
  await db.query('CREATE TABLE t (x int)');
  await db.query('INSERT INTO t VALUES (1)');
  await db.query('BEGIN');
  await db.query('INSERT INTO t VALUES (2)');
  await db.close();
  assert.deepEqual(await rows(dir, 'SELECT x FROM t'), [[1]]);
}));

test('a full disk fails the statement with 53100 naming the file, and undoes it', withDir(async (dir) => {
  const db = await open({ dataDir: dir });
  await db.query('CREATE TABLE t (x int)');
  await db.query('INSERT INTO t VALUES (1)');
  // node:fs through CommonJS is the object the ES module bindings are synced from.
  const fsc = createRequire(import.meta.url)('node:fs') as typeof fs;
  const realWrite = fsc.writeSync;
  const full = (): never => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }); };
  fsc.writeSync = full as typeof fs.writeSync;
  syncBuiltinESMExports();
  try {
    await assert.rejects(db.query('INSERT INTO t VALUES (2)'), (e: unknown) => {
      assert.ok(e instanceof QuiverError, String(e));
      assert.equal(e.code, '53100');
      assert.match(e.message, /^could not write to file ".*t\.\d+\.parquet\.tmp": No space left on device$/);
      assert.equal(e.stack?.includes('\n') && e.message.includes('at '), false);
      return true;
    });
    await db.query('BEGIN');
    await db.query('INSERT INTO t VALUES (3)');
    await assert.rejects(db.query('COMMIT'), (e: unknown) => e instanceof QuiverError && e.code === '53100');
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0, 'no temporary left behind');
  } finally {
    fsc.writeSync = realWrite;
    syncBuiltinESMExports();
  }
  // Neither the failed statement nor the failed commit stays in memory or reaches the disk.
  assert.deepEqual((await db.query('SELECT x FROM t')).rows, [[1]]);
  await db.query('INSERT INTO t VALUES (4)');
  await db.close();
  assert.deepEqual(await rows(dir, 'SELECT x FROM t ORDER BY x'), [[1], [4]]);
}));
