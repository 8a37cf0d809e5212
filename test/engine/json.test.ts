/**
 * json and jsonb columns through storage: the data directory keeps their values and types across
 * a reopen (catalog and Parquet files), and COPY to and from Parquet round-trips them as text.
 * SQL behaviour of the types is in sqllogictest/quiver/json/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { open } from '../../src/index.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-json-'));
    try { await fn(dir); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
}

test('json and jsonb columns survive a reopen of the data directory with their types', withDir(async (dir) => {
  const data = path.join(dir, 'db');
  let db = await open({ dataDir: data });
  await db.query('CREATE TABLE ev (id int, b jsonb, j json)');
  await db.query(`INSERT INTO ev VALUES (1, '{"b": 2, "a": [1, 1.50]}', '{"b" : 2,  "a": 1}'), (2, NULL, '[]')`);
  await db.close();
  db = await open({ dataDir: data });
  try {
    const r = await db.query("SELECT id, b, j, b ->> 'a', pg_typeof(b)::text, pg_typeof(j)::text FROM ev ORDER BY id");
    assert.deepEqual(r.rows, [
      [1, '{"a": [1, 1.50], "b": 2}', '{"b" : 2,  "a": 1}', '[1, 1.50]', 'jsonb', 'json'],
      [2, null, '[]', null, 'jsonb', 'json'],
    ]);
    // The stored text is still checked input: an invalid document cannot get in after a reopen either.
    await assert.rejects(db.query("INSERT INTO ev VALUES (3, '{', NULL)"), { code: '22P02' });
  } finally {
    await db.close();
  }
}));

test('COPY to Parquet and back keeps json text verbatim and jsonb normalized', withDir(async (dir) => {
  const file = path.join(dir, 'ev.parquet');
  const db = await open();
  try {
    await db.query('CREATE TABLE ev (id int, b jsonb, j json)');
    await db.query(`INSERT INTO ev VALUES (1, '{"z": null, "a": "x"}', ' {"z" : 1} ')`);
    await db.query(`COPY ev TO '${file}' (FORMAT parquet)`);
    await db.query('CREATE TABLE back (id int, b jsonb, j json)');
    await db.query(`COPY back FROM '${file}' (FORMAT parquet)`);
    const r = await db.query("SELECT b, j, b -> 'a', j -> 'z' FROM back");
    assert.deepEqual(r.rows, [['{"a": "x", "z": null}', ' {"z" : 1} ', '"x"', '1']]);
    // Text that is not JSON is refused on the way in, with json's error.
    await db.query("CREATE TABLE txt (id int, b text, j text)");
    await db.query(`INSERT INTO txt VALUES (1, 'not json', '{}')`);
    await db.query(`COPY txt TO '${path.join(dir, 'bad.parquet')}' (FORMAT parquet)`);
    await assert.rejects(db.query(`COPY back FROM '${path.join(dir, 'bad.parquet')}' (FORMAT parquet)`), { code: '22P02' });
  } finally {
    await db.close();
  }
}));
