import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Storage } from '../../src/catalog/storage.js';
import { Catalog, newTable, type ColumnDef, type TableEntry } from '../../src/catalog/catalog.js';
import { T, type, type SqlType } from '../../src/common/types.js';
import { Decimal } from '../../src/common/decimal.js';
import { Interval } from '../../src/common/datetime.js';
import { QuiverError } from '../../src/common/errors.js';
import { VectorBuilder, type Batch, type Vector } from '../../src/common/vector.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-storage-'));
}

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try { await fn(dir); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
}

function col(name: string, t: SqlType, extra: Partial<ColumnDef> = {}): ColumnDef {
  return { name, type: t, notNull: false, defaultNode: null, ...extra };
}

function buildBatch(types: SqlType[], rows: unknown[][]): Batch {
  const builders = types.map((t) => new VectorBuilder(t, 2));
  for (const r of rows) r.forEach((v, c) => builders[c]!.push(v));
  return { length: rows.length, columns: builders.map((b) => b.finish()) };
}

function cell(v: Vector, i: number): unknown {
  if (v.valid && !v.valid[i]) return null;
  const x = (v.data as ArrayLike<unknown>)[i];
  if (x === null || x === undefined) return null;
  if (v.type.id === 'bool') return x === 1;
  if (x instanceof Decimal) return `${x.toString()}/${x.s}`;
  if (x instanceof Interval) return [x.months, x.days, x.micros];
  if (typeof x === 'number' && Object.is(x, -0)) return '-0';
  return x;
}

function rowsOf(t: TableEntry): unknown[][] {
  const out: unknown[][] = [];
  for (const b of t.data.snapshot()) for (let i = 0; i < b.length; i++) out.push(b.columns.map((c) => cell(c, i)));
  return out;
}

async function reopen(dir: string): Promise<Catalog> {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  s.release();
  return cat;
}

function dataFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.parquet')).sort();
}

function catalogDoc(dir: string): { tables: { name: string; files: string[] }[] } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8')) as { tables: { name: string; files: string[] }[] };
}

function filesOf(dir: string, table: string): string[] {
  return catalogDoc(dir).tables.find((t) => t.name === table)!.files;
}

/** The first data file of a table, or null when it has none. */
function fileOf(dir: string, table: string): string | null {
  return filesOf(dir, table)[0] ?? null;
}

function sqlState(code: string, re?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof QuiverError, `expected QuiverError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

const ALL_TYPES: ColumnDef[] = [
  col('b', T.bool), col('i2', T.int2), col('i4', T.int4, { notNull: true }), col('i8', T.int8),
  col('f4', T.float4), col('f8', T.float8), col('n', T.numeric), col('n102', type('numeric', 10, 2)),
  col('n503', type('numeric', 50, 3)), col('t', T.text, { defaultNode: { A_Const: { sval: { sval: 'dflt' } } } }),
  col('vc', type('varchar', 10)), col('bc', type('bpchar', 3)), col('d', T.date), col('ts', T.timestamp), col('iv', T.interval),
  col('id', T.int8, { serial: { next: 9007199254740993n } }), col('tm', T.time),
];

const ALL_ROWS: unknown[][] = [
  [true, 32767, 2147483647, 9223372036854775807n, Math.fround(1.1), 0.1, Decimal.parse('1.500'), Decimal.parse('12345678.99'),
    Decimal.parse('123456789012345678901234567890123456789012.345'), 'héllo wörld ☃ 𝄞 日本', 'abc', 'ab ', 19000,
    1_700_000_000_123_456, new Interval(14, 3, 3_723_000_001), 1n, 86_399_999_999],
  [null, null, -1, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  [false, -32768, -2147483648, -9223372036854775808n, -0, -1e300, Decimal.parse('-0.000000000000000000000000000000001'),
    Decimal.parse('-0.01'), Decimal.parse('0.000'), '', '', '   ', -719528, -62_135_596_800_000_000, new Interval(-1, -2, -3), 2n, 0],
  [true, 0, 0, 0n, Infinity, NaN, Decimal.parse('100'), Decimal.parse('-99999999.99'), Decimal.parse('-1.000'),
    'x'.repeat(5000), 'naïve', 'é  ', 0, -1, new Interval(0, 0, 0), 3n, 1],
  [false, 1, 1, 1n, -Infinity, 5e-324, Decimal.parse('0'), Decimal.parse('0.00'), Decimal.parse('1e-3'),
    '\u0000 nul inside', 'a\nb', 'c"d', 2932896, Infinity, new Interval(0, 0, 86_400_000_000 * 400), 4n, 45_296_000_007],
];

test('every type round-trips with NULLs through save and load', withDir(async (dir) => {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  const t = newTable('all types', ALL_TYPES.map((c) => ({ ...c })), [
    { kind: 'primary', columns: [2], name: 'all_pkey' },
    { kind: 'check', columns: [1], checkNode: { A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: '>' } }] } }, name: 'all_i2_check' },
  ]);
  t.data.append(buildBatch(ALL_TYPES.map((c) => c.type), ALL_ROWS));
  cat.add(t);
  cat.add({ kind: 'view', name: 'v', query: { SelectStmt: { targetList: [], op: 'SETOP_NONE' } }, columnNames: ['x', 'y'] });
  cat.add({ kind: 'view', name: 'w', query: { SelectStmt: {} }, columnNames: null });
  s.save(cat);
  s.release();

  const back = await reopen(dir);
  const t2 = back.table('all types');
  assert.deepEqual(t2.columns, ALL_TYPES);
  assert.equal(typeof t2.columns[15]!.serial!.next, 'bigint');
  assert.deepEqual(t2.constraints, t.constraints);
  assert.deepEqual(rowsOf(t2), rowsOf(t));
  assert.equal(t2.data.rowCount, ALL_ROWS.length);
  assert.deepEqual(back.get('v'), { kind: 'view', name: 'v', query: { SelectStmt: { targetList: [], op: 'SETOP_NONE' } }, columnNames: ['x', 'y'] });
  assert.deepEqual(back.get('w'), { kind: 'view', name: 'w', query: { SelectStmt: {} }, columnNames: null });
  // Column types are the engine's shared instances where they carry no modifiers.
  assert.equal(t2.columns[0]!.type, T.bool);
}));

test('large tables, empty tables and tables without columns', withDir(async (dir) => {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  const big = newTable('big', [col('k', T.int8), col('s', T.text), col('x', T.float8)]);
  for (let start = 0; start < 100_000; start += 5000) {
    const rows: unknown[][] = [];
    for (let i = start; i < start + 5000; i++) rows.push([BigInt(i) * 1_000_003n, i % 10 === 0 ? null : `row ${i}`, i / 7]);
    big.data.append(buildBatch([T.int8, T.text, T.float8], rows));
  }
  cat.add(big);
  cat.add(newTable('empty', [col('a', T.int4)]));
  const none = newTable('nocols', []);
  none.data.replace([{ length: 3, columns: [] }]);
  cat.add(none);
  s.save(cat);
  s.release();
  assert.equal(fileOf(dir, 'empty'), null);
  assert.equal(fileOf(dir, 'nocols'), null);

  const back = await reopen(dir);
  assert.deepEqual(rowsOf(back.table('big')), rowsOf(big));
  assert.equal(back.table('empty').data.rowCount, 0);
  assert.equal(back.table('nocols').data.rowCount, 3);
}));

test('only tables that changed are rewritten; dropped tables lose their files', withDir(async (dir) => {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  const a = newTable('a', [col('x', T.int4)]);
  const b = newTable('b', [col('y', T.text)]);
  a.data.append(buildBatch([T.int4], [[1], [2]]));
  b.data.append(buildBatch([T.text], [['p']]));
  cat.add(a);
  cat.add(b);
  s.save(cat);
  const fa = fileOf(dir, 'a')!, fb = fileOf(dir, 'b')!;
  assert.deepEqual(dataFiles(dir), [fa, fb].sort());
  const mtimeA = fs.statSync(path.join(dir, fa)).mtimeMs;
  const catalogStat = fs.statSync(path.join(dir, 'catalog.json'));

  // Nothing changed: nothing is written, not even the catalog.
  s.save(cat);
  assert.equal(fs.statSync(path.join(dir, 'catalog.json')).ino, catalogStat.ino);
  assert.deepEqual(dataFiles(dir), [fa, fb].sort());

  // An append writes only the new rows: b keeps its first file and gains one.
  b.data.append(buildBatch([T.text], [['q']]));
  s.save(cat);
  assert.equal(fileOf(dir, 'a'), fa);
  const [fb1, fb2] = filesOf(dir, 'b');
  assert.equal(fb1, fb);
  assert.ok(fb2 && fb2 !== fb);
  assert.deepEqual(dataFiles(dir), [fa, fb, fb2!].sort());
  assert.equal(fs.statSync(path.join(dir, fa)).mtimeMs, mtimeA);

  // A rewrite (UPDATE/DELETE replace the data) writes new files and deletes the old ones.
  b.data.replace([buildBatch([T.text], [['r']])]);
  s.save(cat);
  const fb3 = filesOf(dir, 'b');
  assert.equal(fb3.length, 1);
  assert.deepEqual(dataFiles(dir), [fa, fb3[0]!].sort(), 'the previous files of b are deleted');

  cat.drop('b');
  s.save(cat);
  assert.deepEqual(dataFiles(dir), [fa]);

  // A table dropped and re-created under the same name gets a new file even at the same version.
  cat.drop('a');
  const a2 = newTable('a', [col('x', T.int4)]);
  a2.data.append(buildBatch([T.int4], [[3], [4]]));
  cat.add(a2);
  s.save(cat);
  assert.notEqual(fileOf(dir, 'a'), fa);
  assert.deepEqual(dataFiles(dir), [fileOf(dir, 'a')!]);
  s.release();
  assert.deepEqual(rowsOf((await reopen(dir)).table('a')), [[3], [4]]);
}));

test('leftovers of an interrupted save are ignored and removed', withDir(async (dir) => {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  const a = newTable('a', [col('x', T.int4)]);
  a.data.append(buildBatch([T.int4], [[1]]));
  cat.add(a);
  s.save(cat);
  s.release();
  const fa = fileOf(dir, 'a')!;
  // A crash after writing new data files but before the catalog switched to them.
  fs.writeFileSync(path.join(dir, 'a.99.parquet'), 'new data the catalog never named');
  fs.writeFileSync(path.join(dir, 'a.100.parquet.tmp'), 'half written');
  fs.writeFileSync(path.join(dir, 'catalog.json.tmp'), '{"half": ');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not ours');

  const s2 = new Storage(dir);
  const cat2 = new Catalog();
  await s2.load(cat2);
  assert.deepEqual(rowsOf(cat2.table('a')), [[1]]);
  assert.deepEqual(dataFiles(dir), [fa]);
  assert.ok(fs.existsSync(path.join(dir, 'notes.txt')));
  cat2.table('a').data.append(buildBatch([T.int4], [[2]]));
  s2.save(cat2);
  // New files are numbered past any leftover, so nothing can collide with one.
  assert.ok(Number(filesOf(dir, 'a')[1]!.split('.')[1]) > 100);
  s2.release();
}));

test('a directory held by this process cannot be opened again', withDir(async (dir) => {
  const s = new Storage(dir);
  await s.load(new Catalog());
  assert.equal(fs.readFileSync(path.join(dir, 'quiver.lock'), 'utf8').trim(), String(process.pid));
  const other = new Storage(dir);
  await assert.rejects(other.load(new Catalog()), sqlState('55006', new RegExp(`^data directory ".*" is in use by process ${process.pid}$`)));
  s.release();
  assert.equal(fs.existsSync(path.join(dir, 'quiver.lock')), false);
  await other.load(new Catalog());
  other.release();
}));

test('a directory held by another live process is refused; a dead holder\'s lock is taken over', withDir(async (dir) => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const livePid = child.pid!;
    fs.writeFileSync(path.join(dir, 'quiver.lock'), `${livePid}\n`);
    await assert.rejects(new Storage(dir).load(new Catalog()), sqlState('55006', new RegExp(`in use by process ${livePid}$`)));
    assert.equal(fs.readFileSync(path.join(dir, 'quiver.lock'), 'utf8').trim(), String(livePid), 'a live lock is left alone');
  } finally {
    child.kill();
  }

  const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
  fs.writeFileSync(path.join(dir, 'quiver.lock'), `${deadPid}\n`);
  const s = new Storage(dir);
  await s.load(new Catalog());
  assert.equal(fs.readFileSync(path.join(dir, 'quiver.lock'), 'utf8').trim(), String(process.pid));
  s.release();

  // Our own pid, left by an earlier process that had it (as after a container restart).
  fs.writeFileSync(path.join(dir, 'quiver.lock'), `${process.pid}\n`);
  const s2 = new Storage(dir);
  await s2.load(new Catalog());
  s2.release();

  fs.writeFileSync(path.join(dir, 'quiver.lock'), 'garbage');
  const s3 = new Storage(dir);
  await s3.load(new Catalog());
  s3.release();
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('quiver.lock')), []);
}));

test('load creates a missing directory', async () => {
  const parent = tempDir();
  try {
    const dir = path.join(parent, 'a', 'b');
    const s = new Storage(dir);
    await s.load(new Catalog());
    assert.ok(fs.statSync(dir).isDirectory());
    s.save(new Catalog());
    s.release();
    assert.deepEqual(fs.readdirSync(dir), ['catalog.json']);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

test('a damaged catalog or data file is reported as XX001 and leaves the directory unlocked', withDir(async (dir) => {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  const a = newTable('a', [col('x', T.int4)]);
  a.data.append(buildBatch([T.int4], [[1]]));
  cat.add(a);
  s.save(cat);
  s.release();
  const good = fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8');
  const fa = fileOf(dir, 'a')!;

  const cases: [string, RegExp][] = [
    ['{"format": "quiver-catalog", "vers', /not valid JSON/],
    ['[1, 2, 3]', /not a Quiver catalog/],
    [good.replace('"version": 2', '"version": 99'), /format version 99/],
    [good.replace('"int4"', '"int99"'), /bad column definition/],
    [good.replace(fa, '../escape.1.parquet'), /bad table entry/],
  ];
  for (const [text, re] of cases) {
    fs.writeFileSync(path.join(dir, 'catalog.json'), text);
    await assert.rejects(new Storage(dir).load(new Catalog()), sqlState('XX001', re));
    assert.equal(fs.existsSync(path.join(dir, 'quiver.lock')), false);
  }
  fs.writeFileSync(path.join(dir, 'catalog.json'), good);

  const bytes = fs.readFileSync(path.join(dir, fa));
  fs.writeFileSync(path.join(dir, fa), bytes.subarray(0, bytes.length >> 1));
  await assert.rejects(new Storage(dir).load(new Catalog()), sqlState('XX001', /data file .* is damaged/));
  fs.unlinkSync(path.join(dir, fa));
  await assert.rejects(new Storage(dir).load(new Catalog()), sqlState('XX001', /cannot read data file/));
  fs.writeFileSync(path.join(dir, fa), bytes);
  assert.deepEqual(rowsOf((await reopen(dir)).table('a')), [[1]]);
}));

test('end to end: rows written through open() are read back by another process', withDir(async (dir) => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const indexUrl = pathToFileURL(path.resolve(here, '../../src/index.js')).href;
  const { open } = await import(indexUrl) as typeof import('../../src/index.js');
  const db = await open({ dataDir: dir });
  await db.query(`CREATE TABLE people (id serial, name text, born date, balance numeric(12,2), seen timestamp, big bigint, score real, span interval)`);
  await db.query(`INSERT INTO people (name, born, balance, seen, big, score, span) VALUES
    ('Zoë', '1990-05-17', 1234.50, '2024-02-29 13:45:10.000001', 9223372036854775807, 1.5, '1 year 2 mons 3 days 04:05:06.789'),
    ('', NULL, -0.01, NULL, -9223372036854775808, NULL, '-1 days'),
    (NULL, '0001-01-01', NULL, '1970-01-01 00:00:00', NULL, -0.25, NULL)`);
  await db.query(`CREATE VIEW named AS SELECT id, name FROM people WHERE name IS NOT NULL`);
  await db.close();

  const script = `
    const { open } = await import(process.argv[1]);
    const db = await open({ dataDir: process.argv[2] });
    const a = await db.query('SELECT * FROM people ORDER BY id');
    const b = await db.query('SELECT * FROM named ORDER BY id');
    await db.query("INSERT INTO people (name) VALUES ('from child')");
    await db.close();
    process.stdout.write(JSON.stringify({ a: a.rows, b: b.rows }, (k, v) => typeof v === 'bigint' ? v.toString() + 'n' : v));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, indexUrl, dir], { encoding: 'utf8' });
  const got = JSON.parse(out) as { a: unknown[][]; b: unknown[][] };
  assert.deepEqual(got.a, [
    [1, 'Zoë', '1990-05-17', '1234.50', '2024-02-29 13:45:10.000001', '9223372036854775807n', 1.5, '1 year 2 mons 3 days 04:05:06.789'],
    [2, '', null, '-0.01', null, '-9223372036854775808n', null, '-1 days'],
    [3, null, '0001-01-01', null, '1970-01-01 00:00:00', null, -0.25, null],
  ]);
  assert.deepEqual(got.b, [[1, 'Zoë'], [2, '']]);

  // The child's insert persisted, and the serial sequence continued where it was.
  const db2 = await open({ dataDir: dir });
  const r = await db2.query(`SELECT id, name FROM people WHERE id > 3`);
  await db2.close();
  assert.deepEqual(r.rows, [[4, 'from child']]);
}));

test('appended chunks come back in order, one file each, and small ones merge', withDir(async (dir) => {
  const s = new Storage(dir);
  const cat = new Catalog();
  await s.load(cat);
  const t = newTable('t', [col('x', T.int4)]);
  cat.add(t);
  for (let i = 0; i < 12; i++) {
    t.data.append(buildBatch([T.int4], [[i]]));
    s.save(cat);
  }
  // Twelve one-row appends: merged into fewer files once there are many small chunks.
  assert.ok(filesOf(dir, 't').length < 12);
  s.release();
  assert.deepEqual(rowsOf((await reopen(dir)).table('t')), Array.from({ length: 12 }, (_, i) => [i]));
}));
