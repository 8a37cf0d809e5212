import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, QuiverError } from '../../src/index.js';
import { parseCsvLines, CSV_DEFAULTS } from '../../src/io/csv.js';

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-csv-'));
  try { await f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const isError = (code: string, message: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof QuiverError, String(e));
  assert.equal(e.code, code, e.message);
  assert.match(e.message, message);
  return true;
};

test('read_csv reads a file of 300,000 rows', async () => {
  await withDir(async (dir) => {
    const lines = ['id,name,score'];
    for (let i = 0; i < 300000; i++) lines.push(`${i},"n${i}",${i % 7}.5`);
    const file = join(dir, 'big.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const db = await open();
    const r = await db.query(`SELECT count(*), sum(id), max(name), sum(score) FROM read_csv('${file}')`);
    // PostgreSQL 15 gives the same for the values from generate_series(0, 299999)
    // (the scores are numeric, repeating 0.5 .. 6.5 every 7 rows).
    let score = 0;
    for (let i = 0; i < 300000; i++) score += (i % 7) + 0.5;
    assert.deepEqual(r.rows, [[300000n, 44999850000n, 'n99999', score.toFixed(1)]]);
    await db.close();
  });
});

test('read_csv: a UTF-8 byte-order mark is not part of the first column name', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'bom.csv');
    writeFileSync(file, '\ufeffa,b\n1,x\n');
    const db = await open();
    const r = await db.query(`SELECT a, b FROM read_csv('${file}')`);
    assert.deepEqual(r.columns.map((c) => c.name), ['a', 'b']);
    assert.deepEqual(r.rows, [[1, 'x']]);
    // Without a header, the first value is read as a number, not as text with a mark in front.
    const nohead = join(dir, 'bom_nohead.csv');
    writeFileSync(nohead, '\ufeff1,x\n2,y\n');
    const n = await db.query(`SELECT column1 + 1 FROM read_csv('${nohead}', false) ORDER BY 1`);
    assert.deepEqual(n.rows, [[2], [3]]);
    await db.close();
  });
});

test('read_csv: a row with too many or too few fields is an error naming its line', async () => {
  await withDir(async (dir) => {
    const db = await open();
    const short = join(dir, 'short.csv');
    // The quoted field spans lines 3 and 4, so the short row is on line 5.
    writeFileSync(short, 'a,b,c\n1,2,3\n4,"x\ny",6\n7,8\n');
    await assert.rejects(db.query(`SELECT * FROM read_csv('${short}')`), isError('22P04', /missing data for column "c" .*line 5$/));
    const long = join(dir, 'long.csv');
    writeFileSync(long, 'a,b\n1,2\n3,4,5\n');
    await assert.rejects(db.query(`SELECT * FROM read_csv('${long}')`), isError('22P04', /extra data after last expected column .*line 3$/));
    // Without a header the first row sets the width.
    await assert.rejects(db.query(`SELECT * FROM read_csv('${long}', false)`), isError('22P04', /line 3$/));
    // null_padding => true reads a short row with NULLs; a long row is still an error.
    const padded = await db.query(`SELECT a, b, c FROM read_csv('${short}', null_padding => true) ORDER BY a`);
    assert.deepEqual(padded.rows, [[1, '2', 3], [4, 'x\ny', 6], [7, '8', null]]);
    await assert.rejects(db.query(`SELECT * FROM read_csv('${long}', null_padding => true)`), isError('22P04', /extra data/));
    // The options may be named; a blank line is no row.
    const semi = join(dir, 'semi.csv');
    writeFileSync(semi, '1;x\n\n2;y\n');
    const named = await db.query(`SELECT column1, column2 FROM read_csv('${semi}', delimiter => ';', header => false) ORDER BY 1`);
    assert.deepEqual(named.rows, [[1, 'x'], [2, 'y']]);
    await assert.rejects(db.query(`SELECT * FROM read_csv('${semi}', quote => '"')`), isError('42883', /no argument named "quote"/));
    await assert.rejects(db.query(`SELECT * FROM read_csv('${semi}', header => false, ';')`), isError('42601', /positional argument cannot follow named argument/));
    await assert.rejects(db.query(`SELECT * FROM read_csv('${semi}', null_padding => 1)`), isError('22023', /null_padding/));
    const open_ = join(dir, 'open.csv');
    writeFileSync(open_, 'a\n1\n"2\n3\n');
    await assert.rejects(db.query(`SELECT * FROM read_csv('${open_}')`), isError('22P04', /unterminated CSV quoted field \(line 3\)/));
    await db.close();
  });
});

test('parseCsvLines tells the line each row starts on', () => {
  const { rows, lines } = parseCsvLines('a,b\r\n"x\ny",2\n\n3,"4\r\n5\n"\n6,7', CSV_DEFAULTS);
  assert.deepEqual(rows, [['a', 'b'], ['x\ny', '2'], [null], ['3', '4\r\n5\n'], ['6', '7']]);
  // The fourth row's quoted field ends on line 7, so the last row is on line 8.
  assert.deepEqual(lines, [1, 2, 4, 5, 8]);
});
