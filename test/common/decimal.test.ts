// Expected values were taken from PostgreSQL 15 (psql output of the equivalent SQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Decimal, DecimalSum, applyTypmod, sqrtDecimal, lnDecimal, expDecimal, powerDecimal, logDecimal, log10Decimal,
} from '../../src/common/decimal.js';
import { QuiverError } from '../../src/common/errors.js';

const d = (s: string): Decimal => Decimal.parse(s);
const str = (x: Decimal): string => x.toString();

function throwsCode(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof QuiverError, `expected QuiverError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

test('parse: numeric input syntax and display scale', () => {
  const cases: [string, string][] = [
    ['  -1.50 ', '-1.50'], ['1e3', '1000'], ['.5', '0.5'], ['5.', '5'], ['+.5', '0.5'], ['-0', '0'],
    ['-0.00', '0.00'], ['1.e2', '100'], ['1.50e1', '15.0'], ['1.5e-3', '0.0015'], ['00012.3400', '12.3400'],
    ['\t7\n', '7'], ['1.5E+2', '150'],
  ];
  for (const [input, out] of cases) assert.equal(str(d(input)), out, input);
  assert.equal(d('1.50').s, 2);
  assert.equal(d('1.50').v, 150n);
});

test('parse: bad input', () => {
  for (const bad of ['abc', '', '.', '1e', 'e1', ' 1 2', '1_000', '0x10', '1..2', '--1']) {
    throwsCode(() => d(bad), '22P02', `invalid input syntax for type numeric: "${bad}"`);
  }
  throwsCode(() => d('NaN'), '0A000');
  throwsCode(() => d('-Infinity'), '0A000');
  throwsCode(() => d('1e131072'), '22003', 'value overflows numeric format');
  throwsCode(() => d('1e-16384'), '22003', 'value overflows numeric format');
  assert.equal(d('1e131071').toString().length, 131072);
});

test('toString pads to the scale', () => {
  assert.equal(new Decimal(-1n, 3).toString(), '-0.001');
  assert.equal(new Decimal(150n, 2).toString(), '1.50');
  assert.equal(new Decimal(3n, 0).toString(), '3');
  assert.equal(new Decimal(0n, 4).toString(), '0.0000');
});

test('fromInt and fromFloat (float8 → numeric keeps 15 significant digits)', () => {
  assert.equal(str(Decimal.fromInt(42)), '42');
  assert.equal(str(Decimal.fromInt(-9007199254740993n)), '-9007199254740993');
  const cases: [number, string][] = [
    [0.1, '0.1'], [1 / 3, '0.333333333333333'], [1e20, '100000000000000000000'], [1.5e-7, '0.00000015'],
    [1e-5, '0.00001'], [123456789012345.6, '123456789012346'], [0.30000000000000004, '0.3'], [-0.5, '-0.5'],
    [100, '100'], [2.5, '2.5'],
    // an exact tie at the 15th digit rounds to even, as printf does
    [-3613114058971405, '-3613114058971400'],
  ];
  for (const [x, out] of cases) assert.equal(str(Decimal.fromFloat(x)), out, String(x));
  throwsCode(() => Decimal.fromFloat(NaN), '0A000', 'cannot convert NaN to numeric');
  throwsCode(() => Decimal.fromFloat(Infinity), '0A000');
});

test('toNumber and toBigIntRound', () => {
  assert.equal(d('1.50').toNumber(), 1.5);
  assert.equal(d('0.1').toNumber(), 0.1);
  assert.equal(d('123456789012345678901234567890.5').toNumber(), 1.2345678901234568e29);
  assert.equal(d('2.5').toBigIntRound(), 3n);
  assert.equal(d('-2.5').toBigIntRound(), -3n);
  assert.equal(d('2.49').toBigIntRound(), 2n);
  assert.equal(d('-0.4').toBigIntRound(), 0n);
});

test('add, sub, mul: result scales', () => {
  assert.equal(str(d('1.5').add(d('2.25'))), '3.75');
  assert.equal(str(d('1.50').add(d('2'))), '3.50');
  assert.equal(str(d('5.5').sub(d('10.25'))), '-4.75');
  assert.equal(str(d('123.45').mul(d('0.1'))), '12.345');
  assert.equal(str(d('1.0').mul(d('1.00'))), '1.000');
  assert.equal(d('1.0').mul(d('1.00')).s, 3);
});

test('div follows select_div_scale', () => {
  const cases: [string, string, string][] = [
    ['1', '3', '0.33333333333333333333'],
    ['10', '4', '2.5000000000000000'],
    ['0', '7', '0.00000000000000000000'],
    ['1e-20', '3', '0.0000000000000000000033333333333333333333'],
    ['12345678901234567890', '7', '1763668414462081127'],
    ['100', '3', '33.3333333333333333'],
    ['1', '7e10', '0.0000000000142857142857142857'],
    ['7e-10', '3', '0.0000000002333333333333333333'],
    ['-2', '3', '-0.66666666666666666667'],
  ];
  for (const [a, b, q] of cases) assert.equal(str(d(a).div(d(b))), q, `${a}/${b}`);
  throwsCode(() => d('1').div(d('0.00')), '22012', 'division by zero');
});

test('mod has the sign of the dividend', () => {
  assert.equal(str(d('7.5').mod(d('2'))), '1.5');
  assert.equal(str(d('-7.5').mod(d('2'))), '-1.5');
  assert.equal(str(d('7').mod(d('-2.25'))), '0.25');
  assert.equal(str(d('7.5').mod(d('-2'))), '1.5');
  assert.equal(str(d('-7').mod(d('3'))), '-1');
  throwsCode(() => d('1').mod(d('0')), '22012', 'division by zero');
});

test('neg, abs, sign, isZero, isInteger', () => {
  assert.equal(str(d('1.50').neg()), '-1.50');
  assert.equal(str(d('-1.50').abs()), '1.50');
  assert.equal(d('-0.001').sign(), -1);
  assert.equal(d('0.000').sign(), 0);
  assert.equal(d('0.000').isZero(), true);
  assert.equal(d('2.000').isInteger(), true);
  assert.equal(d('2.010').isInteger(), false);
});

test('cmp and hashKey compare by value', () => {
  assert.equal(d('1.0').cmp(d('1.00')), 0);
  assert.equal(d('1.01').cmp(d('1.1')), -1);
  assert.equal(d('-1').cmp(d('-1.5')), 1);
  assert.equal(d('-0.5').cmp(d('0.25')), -1);
  assert.equal(d('1.0').hashKey(), d('1.000').hashKey());
  assert.equal(d('0.00').hashKey(), d('0').hashKey());
  assert.notEqual(d('1.5').hashKey(), d('15').hashKey());
  assert.equal(d('-2.50').hashKey(), d('-2.5').hashKey());
});

test('round and trunc, including negative scales', () => {
  assert.equal(str(d('1234.5').round(-2)), '1200');
  assert.equal(str(d('1250').round(-2)), '1300');
  assert.equal(str(d('1.5').round(3)), '1.500');
  assert.equal(str(d('-2.5').round(0)), '-3');
  assert.equal(str(d('2.345').round(2)), '2.35');
  assert.equal(str(d('0.5').round(0)), '1');
  assert.equal(str(d('-1.57').trunc(1)), '-1.5');
  assert.equal(str(d('2.349').trunc(2)), '2.34');
  assert.equal(str(d('1299').trunc(-2)), '1200');
  assert.equal(str(d('-1.5').floor()), '-2');
  assert.equal(str(d('-1.5').ceil()), '-1');
  assert.equal(str(d('1.0001').ceil()), '2');
  assert.equal(str(d('7.00').floor()), '7');
});

test('applyTypmod: numeric(p,s)', () => {
  assert.equal(str(applyTypmod(d('123.456'), 4, 1)), '123.5');
  assert.equal(str(applyTypmod(d('0.001'), 2, 2)), '0.00');
  assert.equal(str(applyTypmod(d('12345'), 2, -3)), '12000');
  assert.equal(str(applyTypmod(d('1'), 5, 2)), '1.00');
  assert.throws(() => applyTypmod(d('999.96'), 4, 1), (e: unknown) => {
    assert.ok(e instanceof QuiverError);
    assert.equal(e.code, '22003');
    assert.equal(e.message, 'numeric field overflow');
    assert.equal(e.detail, 'A field with precision 4, scale 1 must round to an absolute value less than 10^3.');
    return true;
  });
  assert.throws(() => applyTypmod(d('1'), 3, 3), (e: unknown) => {
    assert.ok(e instanceof QuiverError);
    assert.equal(e.detail, 'A field with precision 3, scale 3 must round to an absolute value less than 1.');
    return true;
  });
  throwsCode(() => applyTypmod(d('123456'), 2, -3), '22003', 'numeric field overflow');
  throwsCode(() => applyTypmod(d('9.6'), 1, 0), '22003');
});

test('sqrt', () => {
  assert.equal(str(sqrtDecimal(d('2'))), '1.414213562373095');
  assert.equal(str(sqrtDecimal(d('0'))), '0.000000000000000');
  assert.equal(str(sqrtDecimal(d('100'))), '10.000000000000000');
  assert.equal(str(sqrtDecimal(d('0.0001'))), '0.01000000000000000');
  assert.equal(str(sqrtDecimal(d('1e20'))), '10000000000.00000');
  throwsCode(() => sqrtDecimal(d('-1')), '2201F', 'cannot take square root of a negative number');
});

test('ln, log, exp', () => {
  assert.equal(str(lnDecimal(d('2'))), '0.6931471805599453');
  assert.equal(str(lnDecimal(d('1.0000001'))), '0.00000009999999500000033');
  assert.equal(str(lnDecimal(d('1e100'))), '230.25850929940457');
  assert.equal(str(logDecimal(d('2.0'), d('8.0'))), '3.0000000000000000');
  assert.equal(str(log10Decimal(d('1000'))), '3.0000000000000000');
  assert.equal(str(expDecimal(d('1'))), '2.7182818284590452');
  assert.equal(str(expDecimal(d('0'))), '1.0000000000000000');
  assert.equal(str(expDecimal(d('100'))), '26881171418161354484126255515800135873611119');
  assert.equal(str(expDecimal(d('-100'))), '0.00000000000000000000000000000000000000000003720075976020836');
  throwsCode(() => lnDecimal(d('0')), '2201E', 'cannot take logarithm of zero');
  throwsCode(() => lnDecimal(d('-1')), '2201E', 'cannot take logarithm of a negative number');
  throwsCode(() => expDecimal(d('10000')), '22003', 'value overflows numeric format');
});

test('power', () => {
  const cases: [string, string, string][] = [
    ['2', '10', '1024.0000000000000000'],
    ['2.5', '2', '6.2500000000000000'],
    ['2', '-2', '0.2500000000000000'],
    ['2', '0', '1.0000000000000000'],
    ['2.5', '1', '2.5000000000000000'],
    ['2', '0.5', '1.4142135623730950'],
    ['0', '0.5', '0.0000000000000000'],
    ['1.5', '3', '3.3750000000000000'],
    ['10', '20', '100000000000000000000.0000000000000000'],
    ['-2', '3', '-8.0000000000000000'],
    ['0', '0', '1.0000000000000000'],
    ['1.1', '100', '13780.6123398222701841'],
    ['10', '-3', '0.0010000000000000'],
  ];
  for (const [a, b, r] of cases) assert.equal(str(powerDecimal(d(a), d(b))), r, `${a}^${b}`);
  throwsCode(() => powerDecimal(d('0'), d('-1')), '2201F', 'zero raised to a negative power is undefined');
  throwsCode(() => powerDecimal(d('-2'), d('0.5')), '2201F',
    'a negative number raised to a non-integer power yields a complex result');
});

test('DecimalSum accumulates at the widest scale', () => {
  const s = new DecimalSum();
  assert.equal(s.result(), null);
  assert.equal(s.average(), null);
  for (const x of ['1.5', '2', '-0.25', '10.125']) s.add(d(x));
  assert.equal(str(s.result()!), '13.375');
  assert.equal(s.count, 4);
  // avg(numeric) divides with numeric's scale rule
  assert.equal(str(s.average()!), '3.3437500000000000');
  const t = new DecimalSum();
  t.add(d('0.1'));
  s.addSum(t);
  assert.equal(str(s.result()!), '13.475');
  assert.equal(s.count, 5);
});
