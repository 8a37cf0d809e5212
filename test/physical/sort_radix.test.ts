import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortPermutation, makeRowComparator } from '../../src/physical/operators/sort.js';
import { T } from '../../src/common/types.js';
import type { Vector } from '../../src/common/vector.js';

/** The radix paths must give exactly the stable comparator order. */
function check(vecs: Vector[], orders: { desc: boolean; nullsFirst: boolean }[], n: number): void {
  const cmp = makeRowComparator(vecs, orders);
  const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b);
  assert.deepEqual(Array.from(sortPermutation(vecs, orders, n)), expected);
}

test('two int keys sort by radix exactly as the comparator does, in every direction', () => {
  const n = 5000;
  let seed = 7;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const a = Int32Array.from({ length: n }, () => (rnd() % 7) - 3);
  const b = Int32Array.from({ length: n }, () => rnd() - 0x40000000);
  const va: Vector = { type: T.int4, length: n, data: a, valid: null };
  const vb: Vector = { type: T.int4, length: n, data: b, valid: null };
  for (const da of [false, true]) for (const db of [false, true]) check([va, vb], [{ desc: da, nullsFirst: da }, { desc: db, nullsFirst: db }], n);
});

test('one float key with NaN, -0 and infinities sorts as PostgreSQL orders them', () => {
  const xs = [3, NaN, -0, 0, -Infinity, Infinity, -2.5, 1e-300, -1e-300, NaN, 7];
  const n = 2048;
  const d = Float64Array.from({ length: n }, (_, i) => xs[i % xs.length]!);
  const v: Vector = { type: T.float8, length: n, data: d, valid: null };
  check([v], [{ desc: false, nullsFirst: false }], n);
  check([v], [{ desc: true, nullsFirst: true }], n);
});

test('mixed fixed-width keys with NULLs sort by radix exactly as the comparator does', () => {
  const n = 4096;
  let seed = 11;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const xs = [NaN, -0, 0, -Infinity, Infinity, -2.5, 1.5, 1e-300];
  const k: Vector = { type: T.int4, length: n, data: Int32Array.from({ length: n }, () => (rnd() % 5) - 2), valid: Uint8Array.from({ length: n }, () => (rnd() % 9 === 0 ? 0 : 1)) };
  const f: Vector = { type: T.float8, length: n, data: Float64Array.from({ length: n }, () => xs[rnd() % xs.length]!), valid: Uint8Array.from({ length: n }, () => (rnd() % 7 === 0 ? 0 : 1)) };
  const big: Vector = { type: T.int8, length: n, data: BigInt64Array.from({ length: n }, () => BigInt(rnd() % 3 - 1) * 4611686018427387904n + BigInt(rnd() % 4)), valid: null };
  const flag: Vector = { type: T.bool, length: n, data: Uint8Array.from({ length: n }, () => rnd() % 2), valid: null };
  for (const d1 of [false, true]) {
    for (const nf of [false, true]) {
      check([k, f], [{ desc: d1, nullsFirst: nf }, { desc: !d1, nullsFirst: !nf }], n);
      check([flag, big, k], [{ desc: d1, nullsFirst: nf }, { desc: d1, nullsFirst: nf }, { desc: !d1, nullsFirst: nf }], n);
    }
  }
});
