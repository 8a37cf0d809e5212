import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applySortMode, canonicalDecimal, compareBytes, duckdbValueEquals, formatFixed, hashValues,
  normalizeLine, parseHashLine, pgFloatText, renderDuckdb, renderRs, renderSlt, roundDecimalText, sortRows,
  sortValues,
} from '../../sqllogictest/runner/render.js';

test('SLT I: truncation toward zero, booleans, numeric text, text prefix', () => {
  assert.equal(renderSlt(106.5, 'I'), '106');
  assert.equal(renderSlt(-2.9, 'I'), '-2');
  assert.equal(renderSlt(-0.5, 'I'), '0');
  assert.equal(renderSlt('106.5000000000000000', 'I', 'numeric'), '106');
  assert.equal(renderSlt('-3.75', 'I', 'numeric'), '-3');
  assert.equal(renderSlt(true, 'I'), '1');
  assert.equal(renderSlt(false, 'I'), '0');
  assert.equal(renderSlt(9223372036854775807n, 'I'), '9223372036854775807');
  assert.equal(renderSlt(1e20, 'I', 'double precision'), '100000000000000000000');
  assert.equal(renderSlt('12abc', 'I', 'text'), '12');
  assert.equal(renderSlt('hello', 'I', 'text'), '0');
  assert.equal(renderSlt(null, 'I'), 'NULL');
});

test('SLT R: printf %.3f with exact half-even rounding', () => {
  assert.equal(renderSlt(2, 'R'), '2.000');
  assert.equal(renderSlt('106.5', 'R', 'numeric'), '106.500');
  assert.equal(renderSlt(true, 'R'), '1.000');
  assert.equal(renderSlt(null, 'R'), 'NULL');
  // reference values from C printf
  assert.equal(formatFixed(0.0625, 3), '0.062');
  assert.equal(formatFixed(-0, 3), '-0.000');
  assert.equal(formatFixed(0.0005, 3), '0.001');
  assert.equal(formatFixed(0.0015, 3), '0.002');
  assert.equal(formatFixed(-1.2345, 3), '-1.234');
  assert.equal(formatFixed(1e21, 3), '1000000000000000000000.000');
});

test('SLT T: (empty), non-printable bytes as @, NULL', () => {
  assert.equal(renderSlt('', 'T'), '(empty)');
  assert.equal(renderSlt('abc', 'T'), 'abc');
  assert.equal(renderSlt('ä', 'T'), '@@'); // two UTF-8 bytes
  assert.equal(renderSlt('a\tb', 'T'), 'a@b');
  assert.equal(renderSlt(null, 'T'), 'NULL');
  assert.equal(renderSlt(1.5, 'T', 'double precision'), '1.5');
  assert.equal(renderSlt(42, 'T', 'integer'), '42');
});

test('PostgreSQL float text', () => {
  assert.equal(pgFloatText(1e14), '100000000000000');
  assert.equal(pgFloatText(1e15), '1e+15');
  assert.equal(pgFloatText(1234567890123456), '1.234567890123456e+15');
  assert.equal(pgFloatText(0.0001), '0.0001');
  assert.equal(pgFloatText(1e-5), '1e-05');
  assert.equal(pgFloatText(Math.fround(0.1), true), '0.1');
  assert.equal(pgFloatText(1234567, true), '1.234567e+06');
  assert.equal(pgFloatText(123456, true), '123456');
  assert.equal(pgFloatText(-Infinity), '-Infinity');
});

test('DataFusion rendering: booleans, 12-place rounding, timestamps', () => {
  assert.equal(renderRs(true), 'true');
  assert.equal(renderRs(false), 'false');
  assert.equal(renderRs(null), 'NULL');
  assert.equal(renderRs(''), '(empty)');
  assert.equal(renderRs('2.5000', 'numeric'), '2.5');
  assert.equal(renderRs('3.0', 'numeric'), '3');
  assert.equal(renderRs('16.6818181818181818', 'numeric'), '16.681818181818');
  assert.equal(renderRs(Math.sin(3), 'double precision'), '0.14112000806');
  assert.equal(renderRs(0.1 + 0.2, 'double precision'), '0.3');
  assert.equal(renderRs(3, 'double precision'), '3');
  assert.equal(renderRs(Math.fround(0.1), 'real'), '0.1');
  assert.equal(renderRs(-1e-13, 'double precision'), '0');
  assert.equal(renderRs('2024-01-02 03:04:05', 'timestamp without time zone'), '2024-01-02T03:04:05');
  assert.equal(renderRs('2024-01-02', 'date'), '2024-01-02');
  // text that looks numeric is left alone
  assert.equal(renderRs('3.0', 'text'), '3.0');
  assert.equal(renderRs(12n, 'bigint'), '12');
});

test('decimal helpers', () => {
  assert.equal(roundDecimalText('0.0000000000005', 12), '0'); // tie rounds to even
  assert.equal(roundDecimalText('0.0000000000015', 12), '0.000000000002');
  assert.equal(roundDecimalText('-1.5e-3', 12), '-0.0015');
  assert.equal(canonicalDecimal('13.000000'), '13');
  assert.equal(canonicalDecimal('-0.0'), '0');
  assert.equal(canonicalDecimal('abc'), null);
});

test('DuckDB rendering and value comparison', () => {
  assert.equal(renderDuckdb(true), 'true');
  assert.equal(renderDuckdb(''), '(empty)');
  assert.equal(renderDuckdb(null), 'NULL');
  assert.ok(duckdbValueEquals('1', true, 'boolean'));
  assert.ok(duckdbValueEquals('true', true, 'boolean'));
  assert.ok(!duckdbValueEquals('0', true, 'boolean'));
  assert.ok(duckdbValueEquals('13.000000', '13', 'numeric'));
  assert.ok(duckdbValueEquals('13.000000', 13, 'integer'));
  assert.ok(!duckdbValueEquals('13.5', 13, 'integer'));
  assert.ok(duckdbValueEquals('16.681818', '16.6818181818181818', 'numeric'));
  assert.ok(duckdbValueEquals('0.333333', 1 / 3, 'double precision'));
  assert.ok(!duckdbValueEquals('0.34', 0.3, 'double precision'));
  assert.ok(duckdbValueEquals('NULL', null, 'integer'));
  assert.ok(!duckdbValueEquals('NULL', 0, 'integer'));
  assert.ok(!duckdbValueEquals('13', '13.0', 'text'));
});

test('rowsort is byte-wise per column: "10" < "9" < "NULL"', () => {
  const rows = [['9', 'y'], ['NULL', 'z'], ['10', 'x']];
  assert.deepEqual(sortRows(rows), [['10', 'x'], ['9', 'y'], ['NULL', 'z']]);
  // column by column, not the joined row text
  assert.deepEqual(sortRows([['a', 'b'], ['a b', 'a']]), [['a', 'b'], ['a b', 'a']]);
  assert.deepEqual(sortValues(['b', 'B', 'a', '_']), ['B', '_', 'a', 'b']);
  assert.deepEqual(applySortMode([['2', 'b'], ['1', 'c']], 'valuesort'), [['1', '2'], ['b', 'c']]);
  assert.deepEqual(applySortMode([['2', 'b'], ['1', 'c']], 'nosort'), [['2', 'b'], ['1', 'c']]);
});

test('byte order matches UTF-8, not UTF-16', () => {
  const supplementary = '\u{1F600}'; // UTF-16 surrogates 0xD83D..., UTF-8 F0 ...
  const privateUse = '\uE000'; // UTF-8 EE 80 80
  assert.ok(compareBytes(privateUse, supplementary) < 0);
  assert.equal(Math.sign(compareBytes(privateUse, supplementary)), Math.sign(Buffer.compare(Buffer.from(privateUse), Buffer.from(supplementary))));
  assert.equal(compareBytes('abc', 'abc'), 0);
  assert.ok(compareBytes('ab', 'abc') < 0);
});

test('MD5 over values each followed by a newline (reference values from md5sum)', () => {
  assert.equal(hashValues(['1', '2']), '6ddb4095eb719e2a9f0a3f95677d24e0');
  assert.equal(hashValues(['a', 'b', 'NULL']), 'f7414ce165dd96cf3d4448721b31774b');
  assert.equal(hashValues(['1', '2', '3', '4', '5', '6', '7', '8', '9']), '22e400a2ddbb013acf2a5852d6ab69fc');
  // rendered then sorted then hashed: 10 x 9 y NULL z
  const sorted = sortRows([['NULL', 'z'], ['9', 'y'], ['10', 'x']]).flat();
  assert.equal(hashValues(sorted), '5bc7e7e7ed6429a540008e9069280713');
  const rendered = [renderSlt('', 'T'), renderSlt('é', 'T'), renderSlt(3.9, 'I')];
  assert.equal(hashValues(rendered), 'f712896e2e6b84d291a3f78ce2d084c3');
});

test('hash line recognition (robust rule)', () => {
  assert.deepEqual(parseHashLine(['30 values hashing to 3c13dee48d9356ae19af2515e05e6b54']), { count: 30, hash: '3c13dee48d9356ae19af2515e05e6b54' });
  assert.equal(parseHashLine(['30 values hashing to 3C13DEE48D9356AE19AF2515E05E6B54']), null);
  assert.equal(parseHashLine(['1', '30 values hashing to 3c13dee48d9356ae19af2515e05e6b54']), null);
  assert.equal(parseHashLine([]), null);
});

test('sqllogictest-rs line normalisation', () => {
  assert.equal(normalizeLine('  1 \t 10    NULL  '), '1 10 NULL');
});
