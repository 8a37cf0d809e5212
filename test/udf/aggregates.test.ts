/**
 * Aggregates over hand-built vectors with several groups and NULLs, fed in pieces, with and
 * without selection vectors, merged from partial states, and finished more than once.
 * Expected values are PostgreSQL 15's output for the same data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/udf/builtins.js';
import { resolveAggregate, returnType, type Accumulator } from '../../src/udf/registry.js';
import { toText } from '../../src/udf/runtime.js';
import { T, type SqlType } from '../../src/common/types.js';
import { VectorBuilder, getValue, type Vector } from '../../src/common/vector.js';
import { Decimal } from '../../src/common/decimal.js';
import { QuiverError } from '../../src/common/errors.js';
import { parseDate, parseTimestamp, parseInterval } from '../../src/common/datetime.js';

function vec(t: SqlType, vals: unknown[]): Vector {
  const b = new VectorBuilder(t, 4);
  for (const v of vals) b.push(v);
  return b.finish();
}

function render(v: Vector, groups: number): (string | null)[] {
  const out: (string | null)[] = [];
  for (let g = 0; g < groups; g++) {
    const x = getValue(v, g);
    out.push(x === null ? null : v.type.id === 'bool' ? (x ? 't' : 'f') : toText(x, v.type));
  }
  return out;
}

interface Input { gids: number[]; cols: { t: SqlType; vals: unknown[] }[] }

function create(name: string, types: SqlType[]): { acc: Accumulator; ret: SqlType } {
  const r = resolveAggregate(name, types);
  assert.ok(r, `no aggregate ${name}(${types.map((t) => t.id).join(', ')})`);
  const ret = returnType(r.fn, r.argTypes);
  return { acc: r.fn.create(r.argTypes, ret), ret };
}

/** Feeds rows [from, to) in one update, through a selection vector when `viaSel`. */
function feed(acc: Accumulator, input: Input, from: number, to: number, viaSel: boolean): void {
  const n = to - from;
  if (!viaSel) {
    const args = input.cols.map((c) => vec(c.t, c.vals.slice(from, to)));
    acc.update(Int32Array.from(input.gids.slice(from, to)), n, args, null);
    return;
  }
  // Pad the vectors with rows that the selection skips: they must not be counted.
  const args = input.cols.map((c) => vec(c.t, [c.vals[0] ?? null, ...c.vals.slice(from, to), c.vals[0] ?? null]));
  const sel = new Int32Array(n);
  for (let k = 0; k < n; k++) sel[k] = k + 1;
  acc.update(Int32Array.from(input.gids.slice(from, to)), n, args, sel);
}

/**
 * Runs the aggregate four ways (one update; row-by-row with selection; two partial states
 * merged; finish in the middle then more updates) and checks they all agree with `expected`.
 */
function check(name: string, input: Input, groups: number, expected: (string | null)[]): void {
  const types = input.cols.map((c) => c.t);
  const rows = input.gids.length;

  const a = create(name, types);
  a.acc.resize(groups);
  feed(a.acc, input, 0, rows, false);
  assert.deepEqual(render(a.acc.finish(groups), groups), expected, `${name}: single update`);
  // finish does not consume the state.
  assert.deepEqual(render(a.acc.finish(groups), groups), expected, `${name}: second finish`);

  const b = create(name, types);
  for (let i = 0; i < rows; i++) { b.acc.resize(Math.max(...input.gids.slice(0, i + 1)) + 1); feed(b.acc, input, i, i + 1, true); }
  b.acc.resize(groups);
  assert.deepEqual(render(b.acc.finish(groups), groups), expected, `${name}: row by row with selection`);

  const half = rows >> 1;
  const c1 = create(name, types), c2 = create(name, types);
  c1.acc.resize(groups);
  c2.acc.resize(groups);
  feed(c1.acc, input, 0, half, false);
  feed(c2.acc, input, half, rows, true);
  // c2's group g is folded into c1's group g, in an order different from the ids.
  const from = Int32Array.from({ length: groups }, (_, g) => groups - 1 - g);
  c1.acc.merge(c2.acc, from, from, groups);
  assert.deepEqual(render(c1.acc.finish(groups), groups), expected, `${name}: merged partial states`);

  const d = create(name, types);
  d.acc.resize(groups);
  feed(d.acc, input, 0, half, false);
  d.acc.finish(groups);
  feed(d.acc, input, half, rows, false);
  assert.deepEqual(render(d.acc.finish(groups), groups), expected, `${name}: running finish`);
  assert.equal(a.ret.id, d.ret.id);
}

// The data set of the PostgreSQL check: groups 0..3, group 2 has only NULLs.
const G = [0, 0, 0, 1, 1, 1, 1, 2, 3];
const X = [1, 2, null, 1, 2, 4, 10, null, 5];
const F = [1.5, null, 2.5, -1, -2, NaN, 4, null, 5];
const N = ['1.5', '2.25', null, '0.001', '0.002', '0.0035', null, null, '5'].map((s) => (s === null ? null : Decimal.parse(s)));
const B = [10n, null, -3n, 9223372036854775807n, 9223372036854775807n, 1n, null, null, 5n];
const S = ['b', 'a', null, 'zz', 'é', 'Z', '', null, 'x'];
const D = ['2020-01-02', '2019-12-31', null, '2000-01-01', '1999-01-01', null, null, null, '2020-02-29'].map((s) => (s === null ? null : parseDate(s)));
const TS = ['2020-01-02 03:04:05', null, '2021-05-06 07:08:09', '1999-12-31 23:59:59.5', '2000-01-01', null, null, null, '2020-02-29 00:00:00']
  .map((s) => (s === null ? null : parseTimestamp(s)));
const BO = [true, false, null, true, true, true, null, null, false];

const ints: Input = { gids: G, cols: [{ t: T.int4, vals: X }] };
const floats: Input = { gids: G, cols: [{ t: T.float8, vals: F }] };
const nums: Input = { gids: G, cols: [{ t: T.numeric, vals: N }] };
const bigs: Input = { gids: G, cols: [{ t: T.int8, vals: B }] };

test('count(*) and count(x)', () => {
  check('count', { gids: G, cols: [] }, 4, ['3', '4', '1', '1']);
  check('count', ints, 4, ['2', '4', '0', '1']);
});

test('int4: sum, avg, min, max, variance family', () => {
  check('sum', ints, 4, ['3', '17', null, '5']);
  check('avg', ints, 4, ['1.5000000000000000', '4.2500000000000000', null, '5.0000000000000000']);
  check('min', ints, 4, ['1', '1', null, '5']);
  check('max', ints, 4, ['2', '10', null, '5']);
  check('stddev', ints, 4, ['0.70710678118654752440', '4.0311288741492748', null, null]);
  check('stddev_samp', ints, 4, ['0.70710678118654752440', '4.0311288741492748', null, null]);
  check('stddev_pop', ints, 4, ['0.50000000000000000000', '3.4910600109422353', null, '0']);
  check('variance', ints, 4, ['0.50000000000000000000', '16.2500000000000000', null, null]);
  check('var_samp', ints, 4, ['0.50000000000000000000', '16.2500000000000000', null, null]);
  check('var_pop', ints, 4, ['0.25000000000000000000', '12.1875000000000000', null, '0']);
});

test('int2 goes through the same paths', () => {
  const small: Input = { gids: G, cols: [{ t: T.int2, vals: X }] };
  check('sum', small, 4, ['3', '17', null, '5']);
  check('avg', small, 4, ['1.5000000000000000', '4.2500000000000000', null, '5.0000000000000000']);
  check('max', small, 4, ['2', '10', null, '5']);
});

test('float8: sum, avg, min, max with NaN, stddev', () => {
  check('sum', floats, 4, ['4', 'NaN', null, '5']);
  check('avg', floats, 4, ['2', 'NaN', null, '5']);
  check('min', floats, 4, ['1.5', '-2', null, '5']);
  check('max', floats, 4, ['2.5', 'NaN', null, '5']);
  check('stddev', floats, 4, ['0.7071067811865476', 'NaN', null, null]);
  check('var_pop', floats, 4, ['0.25', 'NaN', null, '0']);
  check('avg', { gids: [0, 0, 0, 0], cols: [{ t: T.float8, vals: [1, 2, 4, 10] }] }, 1, ['4.25']);
  check('stddev', { gids: [0, 0, 0, 0], cols: [{ t: T.float8, vals: [1, 2, 4, 10] }] }, 1, ['4.031128874149275']);
  check('stddev_pop', { gids: [0, 0, 0, 0], cols: [{ t: T.float8, vals: [1, 2, 4, 10] }] }, 1, ['3.491060010942235']);
  check('variance', { gids: [0, 0, 0, 0], cols: [{ t: T.float8, vals: [1, 2, 4, 10] }] }, 1, ['16.25']);
});

test('float4: sum stays real, avg is double precision', () => {
  const r: Input = { gids: [0, 0, 0], cols: [{ t: T.float4, vals: [1.5, 2.25, Math.fround(0.1)] }] };
  check('sum', r, 1, ['3.85']);
  check('avg', r, 1, ['1.2833333338300388']);
  assert.equal(create('sum', [T.float4]).ret.id, 'float4');
  assert.equal(create('avg', [T.float4]).ret.id, 'float8');
});

test('float sum overflow is an error, a sum of infinities is not', () => {
  const { acc } = create('sum', [T.float8]);
  acc.resize(1);
  acc.update(new Int32Array(2), 2, [vec(T.float8, [1.7e308, 1.7e308])], null);
  assert.throws(() => acc.finish(1), (e: unknown) => e instanceof QuiverError && e.code === '22003');
  check('sum', { gids: [0, 0], cols: [{ t: T.float8, vals: [Infinity, 1] }] }, 1, ['Infinity']);
});

test('numeric: exact sums, avg and variance scales', () => {
  check('sum', nums, 4, ['3.75', '0.0065', null, '5']);
  check('avg', nums, 4, ['1.8750000000000000', '0.00216666666666666667', null, '5.0000000000000000']);
  check('min', nums, 4, ['1.5', '0.001', null, '5']);
  check('max', nums, 4, ['2.25', '0.0035', null, '5']);
  check('stddev', nums, 4, ['0.53033008588991064330', '0.001258305739211791616074', null, null]);
  check('var_samp', nums, 4, ['0.28125000000000000000', '0.000001583333333333333333', null, null]);
  const three: Input = { gids: [0, 0, 0], cols: [{ t: T.numeric, vals: ['1.5', '2.25', '4.125'].map((s) => Decimal.parse(s)) }] };
  check('avg', three, 1, ['2.6250000000000000']);
  check('stddev', three, 1, ['1.3520817282989960']);
  check('stddev_pop', three, 1, ['1.1039701082909809']);
  check('variance', three, 1, ['1.8281250000000000']);
  check('var_pop', three, 1, ['1.2187500000000000']);
  const same: Input = { gids: [0, 0], cols: [{ t: T.int4, vals: [5, 5] }] };
  check('stddev', same, 1, ['0']);
  check('var_pop', same, 1, ['0']);
});

test('int8: sums and averages are numeric and never overflow', () => {
  check('sum', bigs, 4, ['7', '18446744073709551615', null, '5']);
  check('avg', bigs, 4, ['3.5000000000000000', '6148914691236517205', null, '5.0000000000000000']);
  check('min', bigs, 4, ['-3', '1', null, '5']);
  check('max', bigs, 4, ['10', '9223372036854775807', null, '5']);
  check('stddev_pop', bigs, 4, ['6.5000000000000000', '4347939275110927403', null, '0']);
  check('stddev', { gids: [0, 0, 0], cols: [{ t: T.int8, vals: [123456789012n, 987654321098n, 5n] }] }, 1, ['538135672359']);
  check('variance', { gids: [0, 0, 0], cols: [{ t: T.int8, vals: [123456789012n, 987654321098n, 5n] }] }, 1, ['289590001864854443378682']);
});

test('int4 sums beyond 2^53 stay exact', () => {
  const { acc } = create('sum', [T.int4]);
  acc.resize(2);
  const n = 2048;
  const big = vec(T.int4, new Array(n).fill(2147483647));
  const gids = new Int32Array(n).fill(0);
  for (let i = 0; i < n; i++) gids[i] = i & 1;
  const batches = 5000;
  for (let b = 0; b < batches; b++) acc.update(gids, n, [big], null);
  const expected = (BigInt(batches) * BigInt(n / 2) * 2147483647n).toString();
  assert.deepEqual(render(acc.finish(2), 2), [expected, expected]);
  // Merging two large partial sums keeps them exact too.
  const { acc: other } = create('sum', [T.int4]);
  other.resize(2);
  for (let b = 0; b < batches; b++) other.update(gids, n, [big], null);
  acc.merge(other, Int32Array.from([0, 1]), Int32Array.from([0, 1]), 2);
  const twice = (2n * BigInt(expected)).toString();
  assert.deepEqual(render(acc.finish(2), 2), [twice, twice]);
});

test('int8 sums stay exact over many rows of extreme values', () => {
  const { acc } = create('sum', [T.int8]);
  acc.resize(2);
  const n = 2048;
  const vals = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -9223372036854775808n : 9223372036854775807n - BigInt(i)));
  const v = vec(T.int8, vals);
  const gids = Int32Array.from({ length: n }, (_, i) => i & 1);
  const want = [0n, 0n];
  for (let i = 0; i < n; i++) want[i & 1]! += vals[i]!;
  const batches = 700; // more rows than the doubles hold exactly, so the halves get folded
  for (let b = 0; b < batches; b++) acc.update(gids, n, [v], null);
  assert.deepEqual(render(acc.finish(2), 2), want.map((w) => (w * BigInt(batches)).toString()));
});

test('single-group (no GROUP BY) paths', () => {
  const one = (t: SqlType, vals: unknown[]): Input => ({ gids: vals.map(() => 0), cols: [{ t, vals }] });
  check('count', one(T.int4, [1, null, 3]), 1, ['2']);
  check('count', { gids: [0, 0, 0], cols: [] }, 1, ['3']);
  check('sum', one(T.int4, [1, null, 3]), 1, ['4']);
  check('min', one(T.int4, [5, null, -3, 7]), 1, ['-3']);
  check('max', one(T.int4, [5, null, -3, 7]), 1, ['7']);
  check('max', one(T.float8, [5, NaN, 7]), 1, ['NaN']);
  check('min', one(T.float8, [NaN, 5, 7]), 1, ['5']);
  check('sum', one(T.int8, [5n, null, -7n]), 1, ['-2']);
  check('avg', one(T.float8, [1, 2, null]), 1, ['1.5']);
  check('sum', one(T.int4, [null, null]), 1, [null]);
});

test('text, date, timestamp, bpchar, interval min/max', () => {
  const texts: Input = { gids: G, cols: [{ t: T.text, vals: S }] };
  check('min', texts, 4, ['a', '', null, 'x']);
  check('max', texts, 4, ['b', 'é', null, 'x']);
  check('min', { gids: G, cols: [{ t: T.date, vals: D }] }, 4, ['2019-12-31', '1999-01-01', null, '2020-02-29']);
  check('max', { gids: G, cols: [{ t: T.date, vals: D }] }, 4, ['2020-01-02', '2000-01-01', null, '2020-02-29']);
  check('min', { gids: G, cols: [{ t: T.timestamp, vals: TS }] }, 4, ['2020-01-02 03:04:05', '1999-12-31 23:59:59.5', null, '2020-02-29 00:00:00']);
  check('max', { gids: G, cols: [{ t: T.timestamp, vals: TS }] }, 4, ['2021-05-06 07:08:09', '2000-01-01 00:00:00', null, '2020-02-29 00:00:00']);
  const chars: Input = { gids: [0, 0, 0], cols: [{ t: T.bpchar, vals: ['b  ', 'a  ', 'ab '] }] };
  check('min', chars, 1, ['a  ']);
  check('max', chars, 1, ['b  ']);
  assert.equal(create('max', [T.varchar]).ret.id, 'text');
  const ivs: Input = { gids: [0, 0, 0], cols: [{ t: T.interval, vals: ['1 day 2 hours', '1 month 3 hours', '5 min'].map(parseInterval) }] };
  check('min', ivs, 1, ['00:05:00']);
  check('max', ivs, 1, ['1 mon 03:00:00']);
  check('sum', ivs, 1, ['1 mon 1 day 05:05:00']);
  check('avg', ivs, 1, ['10 days 09:41:40']);
});

test('bool_and, bool_or, every', () => {
  const bools: Input = { gids: G, cols: [{ t: T.bool, vals: BO }] };
  check('bool_and', bools, 4, ['f', 't', null, 'f']);
  check('every', bools, 4, ['f', 't', null, 'f']);
  check('bool_or', bools, 4, ['t', 't', null, 'f']);
});

test('string_agg keeps input order; a NULL delimiter counts as empty', () => {
  check('string_agg', { gids: G, cols: [{ t: T.text, vals: S }, { t: T.text, vals: S.map(() => ',') }] }, 4, ['b,a', 'zz,é,Z,', null, 'x']);
  check('string_agg', { gids: [0, 0, 0, 0], cols: [{ t: T.text, vals: ['a', null, 'b', 'c'] }, { t: T.text, vals: ['-', '+', null, '*'] }] }, 1, ['ab*c']);
});

test('regression aggregates match PostgreSQL', () => {
  const Y = [1, 2, 4, null, 7.5];
  const Xs = [2, 3.5, 4.1, 5, 9];
  const data: Input = { gids: [0, 0, 0, 0, 0], cols: [{ t: T.float8, vals: Y }, { t: T.float8, vals: Xs }] };
  const expected: [string, string][] = [
    ['covar_pop', '6.3687499999999995'], ['covar_samp', '8.491666666666665'], ['corr', '0.9764662858704273'],
    ['regr_slope', '0.9240116068190063'], ['regr_intercept', '-0.6716539717083796'], ['regr_count', '4'],
    ['regr_r2', '0.9534864074415872'], ['regr_avgx', '4.65'], ['regr_avgy', '3.625'], ['regr_sxx', '27.569999999999993'],
    ['regr_syy', '24.6875'], ['regr_sxy', '25.474999999999998'],
  ];
  for (const [name, want] of expected) {
    // Merging changes rounding (float8_regr_combine differs from row-wise accumulation), so
    // only the row-wise paths are compared to PostgreSQL's digits here.
    const { acc } = create(name, [T.float8, T.float8]);
    acc.resize(1);
    feed(acc, data, 0, 5, false);
    assert.deepEqual(render(acc.finish(1), 1), [want], name);
  }
  const one: Input = { gids: [0], cols: [{ t: T.float8, vals: [1] }, { t: T.float8, vals: [2] }] };
  for (const name of ['corr', 'regr_slope', 'regr_r2', 'covar_samp']) check(name, one, 1, [null]);
  check('regr_count', { gids: [0, 1], cols: [{ t: T.float8, vals: [1, null] }, { t: T.float8, vals: [2, 3] }] }, 2, ['1', '0']);
});

test('result types', () => {
  const ret = (name: string, ...t: SqlType[]): string => create(name, t).ret.id;
  assert.equal(ret('count'), 'int8');
  assert.equal(ret('sum', T.int2), 'int8');
  assert.equal(ret('sum', T.int4), 'int8');
  assert.equal(ret('sum', T.int8), 'numeric');
  assert.equal(ret('sum', T.float8), 'float8');
  assert.equal(ret('sum', T.interval), 'interval');
  assert.equal(ret('avg', T.int4), 'numeric');
  assert.equal(ret('avg', T.float8), 'float8');
  assert.equal(ret('stddev', T.int4), 'numeric');
  assert.equal(ret('stddev', T.float4), 'float8');
  assert.equal(ret('min', T.date), 'date');
  assert.equal(ret('regr_count', T.float8, T.float8), 'int8');
  assert.equal(ret('corr', T.int4, T.int4), 'float8');
});
