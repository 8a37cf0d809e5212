/**
 * Scalar functions, evaluated through the expression compiler exactly as queries run them.
 * Expected values are PostgreSQL 15's output for the same calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/udf/builtins.js';
import { resolveScalar, returnType } from '../../src/udf/registry.js';
import { compileExpr } from '../../src/physical/compile.js';
import { toText } from '../../src/udf/runtime.js';
import { T, typeName, type SqlType } from '../../src/common/types.js';
import { Decimal } from '../../src/common/decimal.js';
import { QuiverError } from '../../src/common/errors.js';
import type { Expr } from '../../src/logical/expr.js';
import type { ExecContext } from '../../src/physical/context.js';
import { Interval, parseInterval, parseTimestamp, parseDate } from '../../src/common/datetime.js';
import { Prng, formatG } from '../../src/udf/functions/misc.js';

const ctx: ExecContext = { params: [], outer: [], now: 0, random: Math.random, workTables: new Map() };

type Arg = { v: unknown; t: SqlType };
const i2 = (v: number): Arg => ({ v, t: T.int2 });
const i4 = (v: number): Arg => ({ v, t: T.int4 });
const i8 = (v: bigint): Arg => ({ v, t: T.int8 });
const f4 = (v: number): Arg => ({ v: Math.fround(v), t: T.float4 });
const f8 = (v: number): Arg => ({ v, t: T.float8 });
const num = (s: string): Arg => ({ v: Decimal.parse(s), t: T.numeric });
const txt = (v: string): Arg => ({ v, t: T.text });
const bpc = (v: string): Arg => ({ v, t: T.bpchar });
const bool = (v: boolean): Arg => ({ v, t: T.bool });
const date = (s: string): Arg => ({ v: parseDate(s), t: T.date });
const ts = (s: string): Arg => ({ v: parseTimestamp(s), t: T.timestamp });
const iv = (s: string): Arg => ({ v: parseInterval(s), t: T.interval });
const nul = (t: SqlType): Arg => ({ v: null, t });

/** Builds the bound call (with the implicit casts the binder would add) and evaluates it. */
function evalCall(name: string, args: Arg[]): { value: unknown; type: SqlType } {
  const r = resolveScalar(name, args.map((a) => a.t));
  assert.ok(r, `no overload for ${name}(${args.map((a) => a.t.id).join(', ')})`);
  const argExprs: Expr[] = args.map((a, i) => {
    const c: Expr = { kind: 'const', value: a.v, type: a.t };
    const want = r.argTypes[i]!;
    return want.id === a.t.id ? c : { kind: 'cast', arg: c, type: want, explicit: false };
  });
  const type = returnType(r.fn, r.argTypes);
  const e: Expr = { kind: 'call', fn: r.fn, args: argExprs, type };
  const vec = compileExpr(e)({ length: 1, columns: [] }, ctx);
  if (vec.valid && !vec.valid[0]) return { value: null, type };
  const d = (vec.data as unknown as { [i: number]: unknown })[0];
  return { value: type.id === 'bool' ? d === 1 : d, type };
}

/** The result as PostgreSQL prints it (booleans as t/f), or null. */
function show(name: string, ...args: Arg[]): string | null {
  const { value, type } = evalCall(name, args);
  if (value === null) return null;
  if (type.id === 'bool') return value ? 't' : 'f';
  return toText(value, type);
}

function typeOfCall(name: string, ...args: Arg[]): string {
  return typeName(evalCall(name, args).type);
}

function throwsCode(f: () => unknown, code: string, msg?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof QuiverError, `expected QuiverError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (msg) assert.match(e.message, msg);
    return true;
  });
}

test('length counts characters, not UTF-16 units or bytes', () => {
  assert.equal(show('length', txt('héllo😀')), '6');
  assert.equal(show('char_length', bpc('ab  ')), '2');
  assert.equal(show('octet_length', txt('héllo😀')), '10');
  assert.equal(show('octet_length', bpc('ab  ')), '4');
  assert.equal(show('bit_length', txt('é')), '16');
  assert.equal(show('length', nul(T.text)), null);
});

test('case mapping', () => {
  assert.equal(show('upper', txt('straße é')), 'STRAßE É');
  assert.equal(show('lower', txt('ÀB')), 'àb');
  assert.equal(show('initcap', txt("hi THOMAS o'neil_x 2ab")), "Hi Thomas O'Neil_X 2ab");
});

test('substring with PostgreSQL start and length rules', () => {
  assert.equal(show('substring', txt('hello'), i4(0), i4(3)), 'he');
  assert.equal(show('substring', txt('hello'), i4(-1), i4(3)), 'h');
  assert.equal(show('substr', txt('hello'), i4(2)), 'ello');
  assert.equal(show('substring', txt('héllo😀x'), i4(5), i4(2)), 'o😀');
  assert.equal(show('substring', txt('hello'), i4(10)), '');
  assert.equal(show('substring', txt('hello'), i4(-5), i4(2)), '');
  throwsCode(() => show('substring', txt('abc'), i4(1), i4(-1)), '22011', /negative substring length not allowed/);
  assert.equal(show('substring', txt('foobar'), txt('o(.)b')), 'o');
  assert.equal(show('substring', txt('foobar'), txt('o.b')), 'oob');
  assert.equal(show('substring', txt('foobar'), txt('z')), null);
});

test('position and strpos', () => {
  // The parser turns position(a in b) into position(b, a).
  assert.equal(show('position', txt('hello'), txt('lo')), '4');
  assert.equal(show('strpos', txt('h😀llo'), txt('llo')), '3');
  assert.equal(show('strpos', txt('abc'), txt('')), '1');
  assert.equal(show('position', txt('abc'), txt('z')), '0');
});

test('trim, replace, split_part', () => {
  assert.equal(show('btrim', txt('  ab  ')), 'ab');
  assert.equal(show('ltrim', txt('xxabxx'), txt('x')), 'abxx');
  assert.equal(show('rtrim', txt('xxabxx'), txt('x')), 'xxab');
  assert.equal(show('btrim', txt('xyabyx'), txt('xy')), 'ab');
  assert.equal(show('replace', txt('abcabc'), txt('b'), txt('XX')), 'aXXcaXXc');
  assert.equal(show('replace', txt('abc'), txt(''), txt('X')), 'abc');
  assert.equal(show('split_part', txt('a,b,c'), txt(','), i4(2)), 'b');
  assert.equal(show('split_part', txt('a,b,c'), txt(','), i4(-1)), 'c');
  assert.equal(show('split_part', txt('a,b,c'), txt(','), i4(5)), '');
  assert.equal(show('split_part', txt('abc'), txt(''), i4(1)), 'abc');
  assert.equal(show('split_part', txt(''), txt(','), i4(1)), '');
  throwsCode(() => show('split_part', txt('a,b'), txt(','), i4(0)), '22023', /field position must not be zero/);
});

test('concat and concat_ws skip NULLs and print values with their output functions', () => {
  assert.equal(show('concat', txt('a'), nul(T.text), i4(1), bool(true), num('2.50'), date('2020-01-02')), 'a1t2.502020-01-02');
  assert.equal(show('concat', f4(1.5), txt(' '), f8(1e20), txt(' '), iv('1 day 02:00'), txt(' '), ts('2020-01-02 03:04:05')),
    '1.5 1e+20 1 day 02:00:00 2020-01-02 03:04:05');
  assert.equal(show('concat', nul(T.text)), '');
  assert.equal(show('concat_ws', txt('-'), txt('a'), nul(T.text), txt('b'), i4(3)), 'a-b-3');
  assert.equal(show('concat_ws', nul(T.text), txt('a')), null);
});

test('left, right, lpad, rpad, repeat, reverse', () => {
  assert.equal(show('left', txt('hello'), i4(2)), 'he');
  assert.equal(show('left', txt('hello'), i4(-2)), 'hel');
  assert.equal(show('right', txt('hello'), i4(2)), 'lo');
  assert.equal(show('right', txt('hello'), i4(-2)), 'llo');
  assert.equal(show('left', txt('héllo😀'), i4(-1)), 'héllo');
  assert.equal(show('right', txt('😀ab'), i4(2)), 'ab');
  assert.equal(show('lpad', txt('hi'), i4(5)), '   hi');
  assert.equal(show('lpad', txt('hi'), i4(5), txt('xy')), 'xyxhi');
  assert.equal(show('lpad', txt('hello'), i4(3)), 'hel');
  assert.equal(show('rpad', txt('hi'), i4(5), txt('xy')), 'hixyx');
  assert.equal(show('lpad', txt('hi'), i4(5), txt('')), 'hi');
  assert.equal(show('lpad', txt('hi'), i4(-1)), '');
  assert.equal(show('repeat', txt('ab'), i4(3)), 'ababab');
  assert.equal(show('repeat', txt('ab'), i4(-1)), '');
  assert.equal(show('reverse', txt('abc😀')), '😀cba');
});

test('starts_with, ascii, chr, md5, translate, to_hex', () => {
  assert.equal(show('starts_with', txt('hello'), txt('he')), 't');
  assert.equal(show('starts_with', txt('hello'), txt('lo')), 'f');
  assert.equal(show('ascii', txt('é')), '233');
  assert.equal(show('ascii', txt('')), '0');
  assert.equal(show('chr', i4(233)), 'é');
  assert.equal(show('chr', i4(128512)), '😀');
  throwsCode(() => show('chr', i4(0)), '54000', /null character not permitted/);
  assert.equal(show('md5', txt('abc')), '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(show('translate', txt('12345'), txt('143'), txt('ax')), 'a2x5');
  assert.equal(show('to_hex', i4(255)), 'ff');
  assert.equal(show('to_hex', i4(-1)), 'ffffffff');
  assert.equal(show('to_hex', i8(-1n)), 'ffffffffffffffff');
  assert.equal(show('to_hex', i8(9223372036854775807n)), '7fffffffffffffff');
});

test('regular expression functions', () => {
  assert.equal(show('regexp_replace', txt('foobarbaz'), txt('b..'), txt('X')), 'fooXbaz');
  assert.equal(show('regexp_replace', txt('foobarbaz'), txt('b..'), txt('X'), txt('g')), 'fooXX');
  assert.equal(show('regexp_replace', txt('foobarbaz'), txt('b(.)(.)'), txt('<\\2\\1\\&\\\\>'), txt('g')), 'foo<rabar\\><zabaz\\>');
  assert.equal(show('regexp_replace', txt('ABC abc'), txt('b'), txt('x'), txt('gi')), 'AxC axc');
  assert.equal(show('regexp_replace', txt('foobarbaz'), txt('b..'), txt('X'), i4(5)), 'foobarX');
  assert.equal(show('regexp_replace', txt('foobarbazbuz'), txt('b..'), txt('X'), i4(1), i4(2)), 'foobarXbuz');
  assert.equal(show('regexp_replace', txt('foobarbazbuz'), txt('b..'), txt('X'), i4(1), i4(0), txt('i')), 'fooXXX');
  assert.equal(show('regexp_replace', txt('a.b'), txt('.'), txt('x')), 'x.b');
  assert.equal(show('regexp_replace', txt('a\nb'), txt('a.b'), txt('X')), 'X');
  assert.equal(show('regexp_replace', txt('a\nb'), txt('a.b'), txt('X'), txt('n')), 'a\nb');
  assert.equal(show('regexp_replace', txt('hello world'), txt('\\mw'), txt('W')), 'hello World');
  assert.equal(show('regexp_replace', txt('ab12'), txt('[[:digit:]]+'), txt('#')), 'ab#');
  assert.equal(show('regexp_replace', txt('a_b@c-d'), txt('\\_|\\@|[\\-]'), txt('.'), txt('g')), 'a.b.c.d');
  throwsCode(() => show('regexp_replace', txt('a'), txt('a'), txt('b'), txt('z')), '22023', /invalid regular expression option: "z"/);
  assert.equal(show('regexp_like', txt('Hello'), txt('h'), txt('i')), 't');
  throwsCode(() => show('regexp_like', txt('a'), txt('a'), txt('g')), '22023', /regexp_like\(\) does not support the "global" option/);
  assert.equal(show('regexp_count', txt('abcabc'), txt('b')), '2');
  assert.equal(show('regexp_count', txt('abcabc'), txt('b'), i4(3)), '1');
  assert.equal(show('regexp_substr', txt('abcabc'), txt('b(c)'), i4(1), i4(2), txt(''), i4(1)), 'c');
  assert.equal(show('regexp_substr', txt('abc'), txt('z')), null);
});

test('math result types follow PostgreSQL (integers go to float8 where it prefers it)', () => {
  assert.equal(typeOfCall('round', i4(5)), 'double precision');
  assert.equal(typeOfCall('sqrt', i4(4)), 'double precision');
  assert.equal(typeOfCall('trunc', i4(5)), 'double precision');
  assert.equal(typeOfCall('sign', i4(5)), 'double precision');
  assert.equal(typeOfCall('power', i4(2), i4(3)), 'double precision');
  assert.equal(typeOfCall('power', i4(2), num('3.0')), 'numeric');
  assert.equal(typeOfCall('log', i4(100)), 'double precision');
  assert.equal(typeOfCall('abs', i2(-5)), 'smallint');
  assert.equal(typeOfCall('mod', i2(5), i2(3)), 'smallint');
  assert.equal(typeOfCall('floor', i8(5n)), 'double precision');
  assert.equal(typeOfCall('sqrt', { v: '4', t: T.unknown }), 'double precision');
});

test('rounding and sign', () => {
  assert.equal(show('abs', i4(-5)), '5');
  assert.equal(show('abs', num('-5.5')), '5.5');
  assert.equal(show('abs', i8(-5n)), '5');
  throwsCode(() => show('abs', i4(-2147483648)), '22003', /integer out of range/);
  assert.equal(show('round', f8(2.5)), '2');
  assert.equal(show('round', f8(3.5)), '4');
  assert.equal(show('round', f8(-0.4)), '-0');
  assert.equal(show('round', num('-2.5')), '-3');
  assert.equal(show('round', num('2.345'), i4(2)), '2.35');
  assert.equal(show('round', num('1234.5'), i4(-2)), '1200');
  assert.equal(show('trunc', f8(-2.7)), '-2');
  assert.equal(show('trunc', num('2.789'), i4(1)), '2.7');
  assert.equal(show('trunc', num('-2.7')), '-2');
  assert.equal(show('floor', num('-2.5')), '-3');
  assert.equal(show('ceil', num('-2.5')), '-2');
  assert.equal(show('ceiling', f8(2.1)), '3');
  assert.equal(show('sign', num('-2.5')), '-1');
  assert.equal(show('sign', f8(-3)), '-1');
  assert.equal(show('sign', f8(NaN)), '0');
  assert.equal(show('scale', num('1.2300')), '4');
  assert.equal(show('trim_scale', num('1.2300')), '1.23');
});

test('roots, powers and logarithms', () => {
  assert.equal(show('sqrt', f8(2)), '1.4142135623730951');
  assert.equal(show('sqrt', num('2')), '1.414213562373095');
  assert.equal(show('sqrt', num('16')), '4.000000000000000');
  assert.equal(show('power', i4(2), i4(10)), '1024');
  assert.equal(show('power', num('2.0'), i4(10)), '1024.0000000000000000');
  assert.equal(show('power', num('2'), num('0.5')), '1.4142135623730950');
  assert.equal(show('pow', f8(-8), f8(3)), '-512');
  assert.equal(show('power', f8(1), f8(NaN)), '1');
  assert.equal(show('power', f8(NaN), f8(0)), '1');
  assert.equal(show('power', f8(2), f8(-1074)), '5e-324');
  assert.equal(show('exp', i4(1)), '2.718281828459045');
  assert.equal(show('exp', num('1')), '2.7182818284590452');
  assert.equal(show('exp', f8(-700)), '9.85967654375977e-305');
  assert.equal(show('ln', i4(10)), '2.302585092994046');
  assert.equal(show('ln', num('10')), '2.3025850929940457');
  assert.equal(show('log', i4(100)), '2');
  assert.equal(show('log', num('100')), '2.0000000000000000');
  assert.equal(show('log', i4(2), i4(64)), '6.0000000000000000');
  assert.equal(show('log10', i4(1000)), '3');
  assert.equal(show('log10', num('1000')), '3.0000000000000000');
  throwsCode(() => show('sqrt', f8(-1)), '2201F', /cannot take square root of a negative number/);
  throwsCode(() => show('sqrt', num('-1')), '2201F', /cannot take square root of a negative number/);
  throwsCode(() => show('ln', f8(0)), '2201E', /cannot take logarithm of zero/);
  throwsCode(() => show('ln', f8(-1)), '2201E', /cannot take logarithm of a negative number/);
  throwsCode(() => show('log', num('0')), '2201E', /cannot take logarithm of zero/);
  throwsCode(() => show('power', f8(0), f8(-1)), '2201F', /zero raised to a negative power is undefined/);
  throwsCode(() => show('power', num('0'), num('-1')), '2201F', /zero raised to a negative power is undefined/);
  throwsCode(() => show('power', f8(-8), f8(1 / 3)), '2201F', /negative number raised to a non-integer power/);
  throwsCode(() => show('exp', f8(1000)), '22003', /value out of range: overflow/);
  throwsCode(() => show('exp', f8(-1000)), '22003', /value out of range: underflow/);
  throwsCode(() => show('power', f8(10), f8(400)), '22003', /value out of range: overflow/);
});

test('integer helpers: mod, div, gcd, lcm', () => {
  assert.equal(show('mod', i4(-7), i4(3)), '-1');
  assert.equal(show('mod', i8(7n), i8(-3n)), '1');
  assert.equal(show('mod', num('7.5'), num('2')), '1.5');
  throwsCode(() => show('mod', i4(1), i4(0)), '22012', /division by zero/);
  assert.equal(show('div', num('7.5'), num('2')), '3');
  assert.equal(show('div', i4(-7), i4(2)), '-3');
  assert.equal(show('gcd', i4(12), i4(18)), '6');
  assert.equal(show('gcd', i8(-12n), i8(18n)), '6');
  assert.equal(show('lcm', i4(4), i4(6)), '12');
  assert.equal(show('gcd', num('1.5'), num('2.25')), '0.75');
  assert.equal(show('lcm', num('1.5'), num('2.25')), '4.50');
  throwsCode(() => show('gcd', i4(-2147483648), i4(0)), '22003', /integer out of range/);
  throwsCode(() => show('lcm', i4(2147483647), i4(2)), '22003', /integer out of range/);
});

test('trigonometry and width_bucket', () => {
  assert.equal(show('pi'), '3.141592653589793');
  assert.equal(show('degrees', i4(1)), '57.29577951308232');
  assert.equal(show('radians', i4(180)), '3.141592653589793');
  assert.equal(show('sin', i4(1)), '0.8414709848078965');
  assert.equal(show('cos', i4(0)), '1');
  assert.equal(show('tan', i4(1)), '1.5574077246549023');
  assert.equal(show('asin', i4(1)), '1.5707963267948966');
  assert.equal(show('acos', i4(0)), '1.5707963267948966');
  assert.equal(show('atan', i4(1)), '0.7853981633974483');
  assert.equal(show('atan2', f8(1), f8(2)), '0.4636476090008061');
  assert.equal(show('cot', f8(0)), 'Infinity');
  assert.equal(show('cot', f8(1)), '0.6420926159343306');
  assert.equal(show('sinh', f8(1000)), 'Infinity');
  throwsCode(() => show('asin', i4(2)), '22003', /input is out of range/);
  throwsCode(() => show('sin', f8(Infinity)), '22003', /input is out of range/);
  assert.equal(show('width_bucket', f8(5.35), f8(0.024), f8(10.06), i4(5)), '3');
  assert.equal(show('width_bucket', f8(0), f8(10), f8(0), i4(4)), '5');
  assert.equal(show('width_bucket', f8(2.5), f8(0), f8(10), i4(4)), '2');
  throwsCode(() => show('width_bucket', f8(1), f8(1), f8(1), i4(2)), '2201G', /lower bound cannot equal upper bound/);
});

test('random and setseed', () => {
  const g = new Prng();
  g.seed(0.5);
  const a = [g.random(), g.random(), g.random()];
  g.seed(0.5);
  assert.deepEqual([g.random(), g.random(), g.random()], a);
  for (const x of a) assert.ok(x >= 0 && x < 1);
  assert.equal(show('setseed', f8(-1)), '');
  throwsCode(() => show('setseed', f8(2)), '22003', /^setseed parameter 2 is out of allowed range \[-1,1\]$/);
  throwsCode(() => show('setseed', f8(1e10)), '22003', /setseed parameter 1e\+10 is out/);
  assert.equal(formatG(1.5), '1.5');
  assert.equal(formatG(0.0001234567), '0.000123457');
  assert.equal(formatG(1234567), '1.23457e+06');
  const r = evalCall('random', []);
  assert.equal(r.type.id, 'float8');
  assert.ok(resolveScalar('random', [])!.fn.volatile);
});

test('system information and pg_typeof', () => {
  assert.match(show('version')!, /^PostgreSQL 15/);
  assert.equal(show('current_database'), 'quiver');
  assert.equal(show('current_schema'), 'public');
  assert.equal(show('current_user'), 'quiver');
  assert.equal(show('pg_typeof', i4(1)), 'integer');
  assert.equal(show('pg_typeof', num('1.5')), 'numeric');
  assert.equal(show('pg_typeof', nul(T.int8)), 'bigint');
  assert.equal(show('pg_typeof', ts('2020-01-01')), 'timestamp without time zone');
});

test('extract and date_part', () => {
  const t = ts('2020-02-29 13:14:15.5');
  assert.equal(show('extract', txt('year'), t), '2020');
  assert.equal(show('extract', txt('second'), t), '15.500000');
  assert.equal(show('extract', txt('epoch'), t), '1582982055.500000');
  assert.equal(show('extract', txt('dow'), date('2020-02-29')), '6');
  assert.equal(show('extract', txt('epoch'), date('2020-02-29')), '1582934400');
  assert.equal(show('extract', txt('day'), iv('3 days 4 hours')), '3');
  assert.equal(show('extract', txt('epoch'), iv('1 day 1 second')), '86401.000000');
  assert.equal(show('date_part', txt('year'), t), '2020');
  assert.equal(show('date_part', txt('second'), t), '15.5');
  assert.equal(show('date_part', txt('epoch'), date('2020-02-29')), '1582934400');
  assert.equal(show('date_part', txt('hour'), date('2020-02-29')), '0');
  assert.equal(show('date_part', txt('hour'), iv('3 days 4 hours')), '4');
  assert.equal(show('date_part', txt('YEAR'), ts('2020-01-01')), '2020');
  assert.equal(typeOfCall('extract', txt('year'), t), 'numeric');
  assert.equal(typeOfCall('date_part', txt('year'), t), 'double precision');
});

test('date_trunc, age, constructors, to_char', () => {
  assert.equal(show('date_trunc', txt('month'), ts('2020-02-29 13:14:15.5')), '2020-02-01 00:00:00');
  assert.equal(show('date_trunc', txt('hour'), iv('3 days 4:05:06')), '3 days 04:00:00');
  assert.equal(show('date_trunc', txt('week'), date('2020-02-29')), '2020-02-24 00:00:00');
  assert.equal(show('age', ts('2020-03-01'), ts('2019-01-15 12:00')), '1 year 1 mon 16 days 12:00:00');
  assert.equal(show('make_date', i4(2020), i4(2), i4(29)), '2020-02-29');
  assert.equal(show('make_timestamp', i4(2020), i4(2), i4(29), i4(13), i4(14), f8(15.5)), '2020-02-29 13:14:15.5');
  assert.equal(show('to_char', ts('2020-02-29 13:14:15'), txt('YYYY-MM-DD HH24:MI:SS')), '2020-02-29 13:14:15');
  assert.equal(show('date', ts('2020-02-29 13:14:15')), '2020-02-29');
  assert.equal(show('date', ts('1969-12-31 23:00:00')), '1969-12-31');
});

test('justify_* and isfinite', () => {
  assert.equal(show('justify_hours', iv('1 day 27 hours')), '2 days 03:00:00');
  assert.equal(show('justify_hours', iv('1 day -3 hours')), '21:00:00');
  assert.equal(show('justify_days', iv('1 month 35 days')), '2 mons 5 days');
  assert.equal(show('justify_days', iv('1 month -5 days')), '25 days');
  assert.equal(show('justify_interval', iv('1 month -1 hour')), '29 days 23:00:00');
  assert.equal(show('justify_interval', iv('-1 month 40 days 30 hours')), '11 days 06:00:00');
  assert.equal(show('isfinite', date('2020-01-01')), 't');
  assert.equal(show('isfinite', iv('1 day')), 't');
  assert.ok(new Interval(0, 0, 0));
});

test('now() and friends answer the statement time', () => {
  const t = parseTimestamp('2021-06-01 12:34:56');
  ctx.now = t;
  // now() and current_timestamp are timestamp with time zone (UTC, printed with +00), localtimestamp is not.
  assert.equal(show('now'), '2021-06-01 12:34:56+00');
  assert.equal(show('current_timestamp'), '2021-06-01 12:34:56+00');
  assert.equal(show('localtimestamp'), '2021-06-01 12:34:56');
  assert.equal(show('current_date'), '2021-06-01');
  assert.equal(typeOfCall('now'), 'timestamp with time zone');
  assert.equal(typeOfCall('localtimestamp'), 'timestamp without time zone');
  assert.ok(resolveScalar('now', [])!.fn.volatile);
  assert.equal(show('age', ts('2021-05-01')), '1 mon');
});
