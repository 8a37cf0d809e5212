/**
 * GroupTable assigns the same dense id to equal key tuples across batches, whichever internal
 * path a batch takes (typed pair table, NULL rows through the general map), and probes without
 * inserting. Checked against a Map over the tuples' text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupTable } from '../../src/physical/group_table.js';
import { T } from '../../src/common/types.js';
import type { Vector } from '../../src/common/vector.js';

function int4(values: (number | null)[]): Vector {
  const data = new Int32Array(values.length);
  const valid = new Uint8Array(values.length);
  let anyNull = false;
  values.forEach((v, i) => { if (v === null) anyNull = true; else { data[i] = v; valid[i] = 1; } });
  return { type: T.int4, length: values.length, data, valid: anyNull ? valid : null };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

test('two int32 keys: ids agree with tuple equality across batches, NULLs included', () => {
  const next = rng(7);
  const table = new GroupTable([T.int4, T.int4]);
  const expected = new Map<string, number>();
  for (let batch = 0; batch < 20; batch++) {
    const n = 3000;
    const a: (number | null)[] = [], b: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      // Small domains force repeats; extreme values and NULLs test the edges.
      const r = next();
      a.push(r < 0.05 ? null : r < 0.1 ? -2147483648 : Math.floor(next() * 200) - 100);
      b.push(next() < 0.05 ? null : Math.floor(next() * 50) * 65536);
    }
    const out = new Int32Array(n);
    // Odd batches go through a selection vector, as filtered aggregation does.
    const sel = batch % 2 === 1 ? Int32Array.from({ length: n }, (_, k) => n - 1 - k) : null;
    table.insert([int4(a), int4(b)], n, out, sel);
    for (let k = 0; k < n; k++) {
      const i = sel ? sel[k]! : k;
      const key = `${a[i]}|${b[i]}`;
      const id = expected.get(key);
      if (id === undefined) { assert.equal(out[k], expected.size, `new key ${key} gets the next id`); expected.set(key, out[k]!); }
      else assert.equal(out[k], id, `key ${key}`);
    }
  }
  assert.equal(table.size, expected.size);
  // The key columns hold each tuple at its id.
  const [ka, kb] = table.keyVectors();
  for (const [key, id] of expected) {
    const va = ka!.valid && ka!.valid[id] === 0 ? null : (ka!.data as Int32Array)[id];
    const vb = kb!.valid && kb!.valid[id] === 0 ? null : (kb!.data as Int32Array)[id];
    assert.equal(`${va}|${vb}`, key);
  }
  // Probing finds known tuples and answers -1 for unknown ones, without inserting.
  const probeOut = new Int32Array(3);
  table.probe([int4([-2147483648, 5000, null]), int4([0, 1, null])], 3, probeOut);
  const known = expected.get('-2147483648|0');
  assert.equal(probeOut[0], known ?? -1);
  assert.equal(probeOut[1], -1);
  assert.equal(probeOut[2], expected.get('null|null') ?? -1);
  assert.equal(table.size, expected.size);
});
