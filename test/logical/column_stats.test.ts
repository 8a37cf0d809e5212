/**
 * Sampled distinct-value estimates (join ordering's statistics) against columns of known shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTable } from '../../src/catalog/catalog.js';
import { T } from '../../src/common/types.js';
import { distinctEstimate } from '../../src/logical/optimizer/column_stats.js';

const col = (name: string, type = T.int4) => ({ name, type, notNull: false, defaultNode: null });

function table(n: number, f: (i: number) => number, g: (i: number) => string) {
  const t = newTable('t', [col('k'), col('s', T.text)]);
  for (let start = 0; start < n; start += 65536) {
    const len = Math.min(65536, n - start);
    const k = new Int32Array(len);
    const s: string[] = new Array(len);
    for (let i = 0; i < len; i++) { k[i] = f(start + i); s[i] = g(start + i); }
    t.data.append({ length: len, columns: [{ type: T.int4, length: len, data: k, valid: null }, { type: T.text, length: len, data: s, valid: null }] });
  }
  return t;
}

test('few distinct values are counted exactly, many are scaled to the table', () => {
  const t = table(200_000, (i) => (i * 7919) % 25, (i) => `v${i}`);
  assert.equal(distinctEstimate(t, 0), 25);
  const unique = distinctEstimate(t, 1);
  assert.ok(unique > 100_000 && unique <= 200_000, `unique text column estimated at ${unique}`);
});

test('a column with each value four times is estimated well below the row count', () => {
  // Values repeat in runs, as order keys do in a line-item table; the sample strides across runs.
  const t = table(200_000, (i) => Math.floor(i / 4), () => 'x');
  const est = distinctEstimate(t, 0);
  assert.ok(est >= 2048 && est <= 200_000, `estimate ${est}`);
  assert.equal(distinctEstimate(t, 1), 1);
});

test('small tables are read whole; estimates follow table changes', () => {
  const t = table(1000, (i) => i % 10, () => 'x');
  assert.equal(distinctEstimate(t, 0), 10);
  t.data.append({ length: 1, columns: [{ type: T.int4, length: 1, data: new Int32Array([99]), valid: null }, { type: T.text, length: 1, data: ['y'], valid: null }] });
  t.data.snapshot();
  assert.equal(distinctEstimate(t, 0), 11);
  assert.equal(distinctEstimate(t, 1), 2);
});
