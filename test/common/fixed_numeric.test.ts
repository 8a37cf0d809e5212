// Fixed-point numeric vectors: the constructors other readers (Parquet DECIMAL, worker hand-off)
// build on, the one conversion point to Decimal, and the layouts that table storage and compiled
// expressions choose. Expected display forms are PostgreSQL 15's (1.50 keeps its scale).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_FIXED, concatVectors, decimalAt, decimalVector, fixedNumericVector, getValue, isFixed, numericFromScaled,
  sliceVector, takeVector, toFixedNumeric, type Vector,
} from '../../src/common/vector.js';
import { Decimal } from '../../src/common/decimal.js';
import { type } from '../../src/common/types.js';
import { compileExpr } from '../../src/physical/compile.js';
import { resolveScalar } from '../../src/udf/registry.js';
import '../../src/udf/builtins.js';
import type { Expr } from '../../src/logical/expr.js';
import type { ExecContext } from '../../src/physical/context.js';
import { open } from '../../src/index.js';

const N152 = type('numeric', 15, 2);
const NUM = type('numeric');

function texts(v: Vector): (string | null)[] {
  return Array.from({ length: v.length }, (_, i) => {
    const x = getValue(v, i);
    return x === null ? null : (x as Decimal).toString();
  });
}

test('a fixed-point vector reads as Decimals with its scale as display scale', () => {
  const v = fixedNumericVector(N152, Float64Array.from([150, -5, 0, 999999999999999]), 2, Uint8Array.from([1, 1, 0, 1]));
  assert.ok(isFixed(v));
  assert.deepEqual(texts(v), ['1.50', '-0.05', null, '9999999999999.99']);
  assert.equal(decimalAt(v, 0).toString(), '1.50');
  const d = decimalVector(v);
  assert.ok(!isFixed(d));
  assert.deepEqual(texts(d), ['1.50', '-0.05', null, '9999999999999.99']);
});

test('numericFromScaled is fixed-point when every value fits 2^53, Decimals otherwise', () => {
  const small = numericFromScaled(N152, 3, 2, null, (i) => BigInt(i * 125));
  assert.ok(isFixed(small));
  assert.deepEqual(texts(small), ['0.00', '1.25', '2.50']);
  const big = numericFromScaled(type('numeric', 18, 4), 2, 4, null, (i) => (i === 0 ? 1n : 999999999999999999n));
  assert.ok(!isFixed(big));
  assert.deepEqual(texts(big), ['0.0001', '99999999999999.9999']);
  // 2^53 itself does not fit: the largest fixed-point magnitude is 2^53 - 1.
  assert.ok(!isFixed(numericFromScaled(NUM, 1, 0, null, () => BigInt(MAX_FIXED) + 1n)));
  assert.ok(isFixed(numericFromScaled(NUM, 1, 0, null, () => MAX_FIXED)));
});

test('take, slice and concat keep the layout; concat of different scales gives Decimals', () => {
  const a = fixedNumericVector(N152, Float64Array.from([100, 250, 375]), 2, null);
  assert.deepEqual(texts(takeVector(a, Int32Array.from([2, -1, 0]), 3)), ['3.75', null, '1.00']);
  assert.ok(isFixed(takeVector(a, Int32Array.from([0]), 1)));
  assert.deepEqual(texts(sliceVector(a, 1, 3)), ['2.50', '3.75']);
  const same = concatVectors(N152, [a, fixedNumericVector(N152, Float64Array.from([1]), 2, null)]);
  assert.ok(isFixed(same));
  assert.deepEqual(texts(same), ['1.00', '2.50', '3.75', '0.01']);
  const mixed = concatVectors(NUM, [a, fixedNumericVector(NUM, Float64Array.from([1]), 4, null)]);
  assert.ok(!isFixed(mixed));
  assert.deepEqual(texts(mixed), ['1.00', '2.50', '3.75', '0.0001']);
});

test('toFixedNumeric keeps Decimals when a value has another scale or does not fit', () => {
  const ok = toFixedNumeric({ type: N152, length: 2, data: [new Decimal(150n, 2), null], valid: Uint8Array.from([1, 0]) }, 2);
  assert.ok(isFixed(ok));
  assert.deepEqual(texts(ok), ['1.50', null]);
  assert.ok(!isFixed(toFixedNumeric({ type: N152, length: 1, data: [new Decimal(15n, 1)], valid: null }, 2)));
  assert.ok(!isFixed(toFixedNumeric({ type: NUM, length: 1, data: [new Decimal(2n ** 60n, 2)], valid: null }, 2)));
});

const ctx = { params: [], outer: [] } as unknown as ExecContext;

function mul(a: Expr, b: Expr): Expr {
  const r = resolveScalar('*', [a.type, b.type])!;
  return { kind: 'call', fn: r.fn, args: [a, b], type: NUM } as Expr;
}

test('a compiled product of fixed-point columns is fixed-point, and exact past 2^53 through Decimals', () => {
  const e = mul({ kind: 'col', index: 0, type: N152 }, { kind: 'col', index: 1, type: N152 });
  const f = compileExpr(e);
  const a = fixedNumericVector(N152, Float64Array.from([150, -2]), 2, null);
  const b = fixedNumericVector(N152, Float64Array.from([3, 0]), 2, null);
  const r = f({ length: 2, columns: [a, b] }, ctx);
  assert.equal(r.scale, 4);
  // 0 * -0.02 is a zero without sign.
  assert.deepEqual(texts(r), ['0.0450', '0.0000']);
  // 9999999999999.99 squared needs 32 digits: the batch is computed again with Decimals.
  const big = fixedNumericVector(N152, Float64Array.from([999999999999999, 150]), 2, null);
  const r2 = f({ length: 2, columns: [big, big] }, ctx);
  assert.ok(!isFixed(r2));
  assert.deepEqual(texts(r2), ['99999999999999800000000000.0001', '2.2500']);
  // A Decimal input column takes the Decimal loop.
  const r3 = f({ length: 2, columns: [decimalVector(a), b] }, ctx);
  assert.deepEqual(texts(r3), ['0.0450', '0.0000']);
});

test('numeric(p,s) table columns are stored fixed-point when their values fit', async () => {
  const db = await open();
  await db.query('CREATE TABLE t (p numeric(15,2), q numeric(18,4), u numeric)');
  await db.query("INSERT INTO t VALUES (1.5, 1, 1.50), (2, 99999999999999.9999, 2)");
  const session = (db as unknown as { session: { catalog: { get(n: string): { data: { snapshot(): { columns: Vector[] }[] } } } } }).session;
  const chunk = session.catalog.get('t').data.snapshot()[0]!;
  assert.ok(isFixed(chunk.columns[0]!), 'numeric(15,2) is fixed-point');
  assert.ok(!isFixed(chunk.columns[1]!), 'numeric(18,4) with a value past 2^53 stays Decimal');
  assert.ok(!isFixed(chunk.columns[2]!), 'unconstrained numeric stays Decimal');
  const r = await db.query('SELECT p, p * q, sum(p) OVER () FROM t ORDER BY p');
  assert.deepEqual(r.rows, [['1.50', '1.500000', '3.50'], ['2.00', '199999999999999.999800', '3.50']]);
});
