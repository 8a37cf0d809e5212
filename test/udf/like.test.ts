// Expected answers were taken from PostgreSQL 15 (the same LIKE / ILIKE expressions run in psql).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLike, likeMatcher } from '../../src/udf/like.js';
import { QuiverError } from '../../src/common/errors.js';

const like = (s: string, p: string, escape = '\\'): boolean => compileLike(p, false, escape).test(s);
const ilike = (s: string, p: string, escape = '\\'): boolean => compileLike(p, true, escape).test(s);

test('LIKE answers as PostgreSQL does', () => {
  const cases: [string, string, boolean][] = [
    ['abc', 'a%', true], ['abc', '%c', true], ['abc', '%b%', true], ['abc', 'a_c', true], ['abc', 'a_', false],
    ['', '%', true], ['', '_', false], ['', '', true], ['a', '', false], ['abcabc', '%a%c', true],
    ['ab', 'a%b%', true], ['aXbYc', 'a%b%c', true], ['acb', 'a%b%c', false], ['abab', '%ab%ab', true],
    ['aab', '%ab', true], ['aaa', '%aa_', true], ['aa', '%aa_', false], ['aaaa', '%aa_', true], ['a%', 'a\\%', true], ['ab', 'a\\%', false],
    ['x😀y', 'x_y', true], ['x😀y', '%_y', true], ['x😀😀y', 'x_y', false],
  ];
  for (const [s, p, want] of cases) assert.equal(like(s, p), want, `'${s}' LIKE '${p}'`);
});

test('ESCAPE and ILIKE', () => {
  assert.equal(like('a_c', 'a#_c', '#'), true);
  assert.equal(like('abc', 'a#_c', '#'), false);
  assert.equal(like('a\\b', 'a\\\\b', ''), false);
  assert.equal(like('a\\b', 'a\\b', ''), true);
  assert.equal(ilike('ABC', 'a%'), true);
  assert.equal(ilike('ÉCOLE', 'é%'), true);
  assert.equal(ilike('x😀Y', 'X_y'), true);
});

test('a trailing escape is an error only when matching reaches it', () => {
  const e = (fn: () => unknown): void => assert.throws(fn, (x: unknown) => x instanceof QuiverError && x.code === '22025');
  e(() => like('abcd', 'abc\\'));
  assert.equal(like('abc', 'abc\\'), false);
  e(() => like('abc', 'a%\\'));
  assert.equal(like('', 'a\\'), false);
  assert.equal(like('b', 'a\\'), false);
  e(() => likeMatcher('x', false, 'ab'));
});

test('many % cost linear time, not exponential', () => {
  const t0 = performance.now();
  assert.equal(like('ba', '%a'.repeat(10000)), false);
  assert.equal(like('a'.repeat(30), '%a'.repeat(14) + 'b'), false);
  assert.equal(like('a'.repeat(5000), '%a_'.repeat(2000) + 'b'), false);
  assert.equal(ilike('A'.repeat(5000), '%a'.repeat(2000)), true);
  assert.ok(performance.now() - t0 < 2000, 'pathological patterns took too long');
});

test('a regular expression too long for the engine is 2201B, not an internal error', async () => {
  // PostgreSQL's own engine answers false here; V8's overflows its stack compiling the pattern.
  const { regexTest } = await import('../../src/udf/runtime.js');
  assert.throws(() => regexTest('.*a'.repeat(10000), '', 'ba'), (x: unknown) => x instanceof QuiverError && x.code === '2201B');
  assert.equal(regexTest('b', '', 'abc'), true);
});
