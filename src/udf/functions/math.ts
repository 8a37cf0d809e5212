/**
 * Mathematical functions with PostgreSQL's overloads, result types and error cases.
 *
 * The registry charges less for casting an integer to numeric than to float8, while PostgreSQL
 * prefers float8 (the preferred type of the numeric category) for functions such as sqrt(int).
 * Integer overloads that compute in float8 keep the PostgreSQL result type for integer arguments.
 */
import { QuiverError, SqlState } from '../../common/errors.js';
import { T, type SqlType, type TypeId } from '../../common/types.js';
import {
  Decimal, sqrtDecimal, lnDecimal, expDecimal, powerDecimal, log10Decimal, logDecimal,
} from '../../common/decimal.js';
import { registerScalar } from '../registry.js';

const f8 = T.float8;

function overflow(): never { throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: overflow'); }
function underflow(): never { throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: underflow'); }
function outOfRangeInput(): never { throw new QuiverError(SqlState.numericOutOfRange, 'input is out of range'); }

/** rint(): round half to even, keeping the sign of zero. */
export function rint(x: number): number {
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

export function dsqrt(x: number): number {
  if (x < 0) throw new QuiverError(SqlState.invalidArgumentForPower, 'cannot take square root of a negative number');
  return Math.sqrt(x);
}

export function dexp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return x > 0 ? x : 0;
  const r = Math.exp(x);
  if (!Number.isFinite(r)) overflow();
  if (r === 0) underflow();
  return r;
}

function logCheck(x: number): void {
  if (x === 0) throw new QuiverError(SqlState.invalidArgumentForLog, 'cannot take logarithm of zero');
  if (x < 0) throw new QuiverError(SqlState.invalidArgumentForLog, 'cannot take logarithm of a negative number');
}
export function dln(x: number): number {
  logCheck(x);
  return Math.log(x);
}
export function dlog10(x: number): number {
  logCheck(x);
  return Math.log10(x);
}

/** pow() with the POSIX special cases PostgreSQL spells out, since JavaScript differs (1^NaN). */
export function dpow(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) || y !== 0 ? NaN : 1;
  if (Number.isNaN(y)) return x !== 1 ? NaN : 1;
  if (x === 0 && y < 0) throw new QuiverError(SqlState.invalidArgumentForPower, 'zero raised to a negative power is undefined');
  if (x < 0 && Math.floor(y) !== y) {
    throw new QuiverError(SqlState.invalidArgumentForPower, 'a negative number raised to a non-integer power yields a complex result');
  }
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    if (y > 0) return ax > 1 ? y : 0;
    return ax > 1 ? 0 : -y;
  }
  if (!Number.isFinite(x)) {
    if (y === 0) return 1;
    if (x > 0) return y > 0 ? x : 0;
    const half = y / 2;
    const odd = Math.floor(half) !== half;
    if (y > 0) return odd ? x : -x;
    return odd ? -0 : 0;
  }
  const r = Math.pow(x, y);
  if (Number.isNaN(r)) return r;
  if (!Number.isFinite(r)) overflow();
  if (r === 0 && x !== 0) underflow();
  return r;
}

export function dcbrt(x: number): number { return Math.cbrt(x); }

function trig(f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (!Number.isFinite(x)) outOfRangeInput();
    const r = f(x);
    if (!Number.isFinite(r) && !Number.isNaN(r)) overflow();
    return r;
  };
}
function inverseTrig(f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (x < -1 || x > 1) outOfRangeInput();
    return f(x);
  };
}

const RADIANS_PER_DEGREE = 0.0174532925199432957692;
export function degrees(x: number): number {
  const r = x / RADIANS_PER_DEGREE;
  if (!Number.isFinite(r) && Number.isFinite(x)) overflow();
  return r;
}
export function radians(x: number): number {
  const r = x * RADIANS_PER_DEGREE;
  if (!Number.isFinite(r) && Number.isFinite(x)) overflow();
  if (r === 0 && x !== 0) underflow();
  return r;
}

function intOutOfRange(t: 'int4' | 'int8'): never {
  throw new QuiverError(SqlState.numericOutOfRange, `${t === 'int4' ? 'integer' : 'bigint'} out of range`);
}

function gcdBig(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) { const t = a % b; a = b; b = t; }
  return a;
}

export function gcd4(a: number, b: number): number {
  const g = Number(gcdBig(BigInt(a), BigInt(b)));
  if (g > 2147483647) intOutOfRange('int4');
  return g;
}
export function gcd8(a: bigint, b: bigint): bigint {
  const g = gcdBig(a, b);
  if (g > 9223372036854775807n) intOutOfRange('int8');
  return g;
}
export function lcm4(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const g = gcdBig(BigInt(a), BigInt(b));
  const l = (BigInt(a) / g) * BigInt(b);
  const r = l < 0n ? -l : l;
  if (r > 2147483647n) intOutOfRange('int4');
  return Number(r);
}
export function lcm8(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  const l = (a / gcdBig(a, b)) * b;
  const r = l < 0n ? -l : l;
  if (r > 9223372036854775807n) intOutOfRange('int8');
  return r;
}

/** gcd of numerics: both scaled to the larger scale, the result keeps that scale. */
export function gcdNum(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.s, b.s);
  const x = a.v * 10n ** BigInt(s - a.s), y = b.v * 10n ** BigInt(s - b.s);
  return new Decimal(gcdBig(x, y), s);
}
export function lcmNum(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.s, b.s);
  if (a.isZero() || b.isZero()) return new Decimal(0n, s);
  const x = a.v * 10n ** BigInt(s - a.s), y = b.v * 10n ** BigInt(s - b.s);
  const l = (x / gcdBig(x, y)) * y;
  return new Decimal(l < 0n ? -l : l, s);
}

const WIDTH_BUCKET = '2201G';
export function widthBucket(x: number, lo: number, hi: number, count: number): number {
  if (count <= 0) throw new QuiverError(WIDTH_BUCKET, 'count must be greater than zero');
  if (Number.isNaN(x) || Number.isNaN(lo) || Number.isNaN(hi)) {
    throw new QuiverError(WIDTH_BUCKET, 'operand, lower bound, and upper bound cannot be NaN');
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new QuiverError(WIDTH_BUCKET, 'lower and upper bounds must be finite');
  let r: number;
  if (lo < hi) {
    if (x < lo) return 0;
    if (x >= hi) r = count + 1;
    else r = Math.trunc((count * (x - lo)) / (hi - lo)) + 1;
  } else if (lo > hi) {
    if (x > lo) return 0;
    if (x <= hi) r = count + 1;
    else r = Math.trunc((count * (lo - x)) / (lo - hi)) + 1;
  } else {
    throw new QuiverError(WIDTH_BUCKET, 'lower bound cannot equal upper bound');
  }
  if (r > 2147483647) intOutOfRange('int4');
  return r;
}

/** numeric round/trunc take an int4 scale; PostgreSQL clamps it, Decimal does too. */
function register(): void {
  const reg = registerScalar;
  const un = (name: string, t: TypeId, ret: SqlType, inline: (a: string) => string): void =>
    reg({ name, args: [t], ret, strict: true, inline: ([a]) => inline(a!) });
  const unImpl = (name: string, t: TypeId, ret: SqlType, impl: (a: never) => unknown): void =>
    reg({ name, args: [t], ret, strict: true, impl });
  /** float8 implementation plus int4/int8 overloads that compute in float8 (see the file comment). */
  const floatFn = (name: string, impl: (x: number) => number): void => {
    unImpl(name, 'float8', f8, impl);
    unImpl(name, 'int4', f8, impl);
    reg({ name, args: ['int8'], ret: f8, strict: true, impl: (x: bigint) => impl(Number(x)) });
  };
  const floatInline = (name: string, inline: (a: string) => string): void => {
    un(name, 'float8', f8, inline);
    un(name, 'int4', f8, inline);
    un(name, 'int8', f8, (a) => inline(`Number(${a})`));
  };

  // abs
  un('abs', 'int2', T.int2, (a) => `H.i2(Math.abs(${a}))`);
  un('abs', 'int4', T.int4, (a) => `H.i4(Math.abs(${a}))`);
  // Arguments may be literals such as -5n, hence the parentheses.
  un('abs', 'int8', T.int8, (a) => `H.i8((${a}) < 0n ? -(${a}) : (${a}))`);
  un('abs', 'float4', T.float4, (a) => `Math.abs(${a})`);
  un('abs', 'float8', f8, (a) => `Math.abs(${a})`);
  un('abs', 'numeric', T.numeric, (a) => `(${a}).abs()`);

  // rounding
  floatFn('round', rint);
  un('round', 'numeric', T.numeric, (a) => `(${a}).round(0)`);
  reg({ name: 'round', args: ['numeric', 'int4'], ret: T.numeric, strict: true, inline: ([a, s]) => `(${a}).round(${s})` });
  floatInline('trunc', (a) => `Math.trunc(${a})`);
  un('trunc', 'numeric', T.numeric, (a) => `(${a}).trunc(0)`);
  reg({ name: 'trunc', args: ['numeric', 'int4'], ret: T.numeric, strict: true, inline: ([a, s]) => `(${a}).trunc(${s})` });
  floatInline('floor', (a) => `Math.floor(${a})`);
  un('floor', 'numeric', T.numeric, (a) => `(${a}).floor()`);
  for (const name of ['ceil', 'ceiling']) {
    floatInline(name, (a) => `Math.ceil(${a})`);
    un(name, 'numeric', T.numeric, (a) => `(${a}).ceil()`);
  }
  // PostgreSQL's float sign() answers 0 for NaN.
  floatInline('sign', (a) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`);
  un('sign', 'numeric', T.numeric, (a) => `H.Decimal.fromInt((${a}).sign())`);

  // roots, powers, logarithms
  floatFn('sqrt', dsqrt);
  unImpl('sqrt', 'numeric', T.numeric, sqrtDecimal);
  floatFn('cbrt', dcbrt);
  floatFn('exp', dexp);
  unImpl('exp', 'numeric', T.numeric, expDecimal);
  floatFn('ln', dln);
  unImpl('ln', 'numeric', T.numeric, lnDecimal);
  for (const name of ['log', 'log10']) {
    floatFn(name, dlog10);
    unImpl(name, 'numeric', T.numeric, log10Decimal);
  }
  reg({ name: 'log', args: ['numeric', 'numeric'], ret: T.numeric, strict: true, impl: logDecimal });
  // The ^ operator is power() for double precision and numeric (no integer overload).
  reg({ name: '^', args: ['float8', 'float8'], ret: f8, strict: true, impl: dpow });
  reg({ name: '^', args: ['numeric', 'numeric'], ret: T.numeric, strict: true, impl: powerDecimal });
  for (const name of ['power', 'pow']) {
    reg({ name, args: ['float8', 'float8'], ret: f8, strict: true, impl: dpow });
    reg({ name, args: ['numeric', 'numeric'], ret: T.numeric, strict: true, impl: powerDecimal });
    reg({ name, args: ['int8', 'int8'], ret: f8, strict: true, impl: (x: bigint, y: bigint) => dpow(Number(x), Number(y)) });
  }

  // integer arithmetic helpers
  reg({ name: 'mod', args: ['int2', 'int2'], ret: T.int2, strict: true, inline: ([a, b]) => `H.imod(${a},${b})` });
  reg({ name: 'mod', args: ['int4', 'int4'], ret: T.int4, strict: true, inline: ([a, b]) => `H.imod(${a},${b})` });
  reg({ name: 'mod', args: ['int8', 'int8'], ret: T.int8, strict: true, inline: ([a, b]) => `H.i8mod(${a},${b})` });
  reg({ name: 'mod', args: ['numeric', 'numeric'], ret: T.numeric, strict: true, inline: ([a, b]) => `(${a}).mod(${b})` });
  reg({ name: 'div', args: ['numeric', 'numeric'], ret: T.numeric, strict: true, inline: ([a, b]) => `(${a}).intDiv(${b})` });
  reg({ name: 'gcd', args: ['int4', 'int4'], ret: T.int4, strict: true, impl: gcd4 });
  reg({ name: 'gcd', args: ['int8', 'int8'], ret: T.int8, strict: true, impl: gcd8 });
  reg({ name: 'gcd', args: ['numeric', 'numeric'], ret: T.numeric, strict: true, impl: gcdNum });
  reg({ name: 'lcm', args: ['int4', 'int4'], ret: T.int4, strict: true, impl: lcm4 });
  reg({ name: 'lcm', args: ['int8', 'int8'], ret: T.int8, strict: true, impl: lcm8 });
  reg({ name: 'lcm', args: ['numeric', 'numeric'], ret: T.numeric, strict: true, impl: lcmNum });
  reg({ name: 'scale', args: ['numeric'], ret: T.int4, strict: true, inline: ([a]) => `(${a}).s` });
  reg({ name: 'trim_scale', args: ['numeric'], ret: T.numeric, strict: true, inline: ([a]) => `(${a}).trimScale()` });

  // trigonometry
  reg({ name: 'pi', args: [], ret: f8, strict: true, inline: () => 'Math.PI' });
  floatFn('degrees', degrees);
  floatFn('radians', radians);
  floatFn('sin', trig(Math.sin));
  floatFn('cos', trig(Math.cos));
  floatFn('tan', trig(Math.tan));
  // cot(0) is Infinity, not an overflow error.
  floatFn('cot', (x) => {
    if (Number.isNaN(x)) return x;
    if (!Number.isFinite(x)) outOfRangeInput();
    const r = 1 / Math.tan(x);
    return r === 0 ? 0 : r;
  });
  floatFn('asin', inverseTrig(Math.asin));
  floatFn('acos', inverseTrig(Math.acos));
  floatFn('atan', (x) => Math.atan(x));
  reg({ name: 'atan2', args: ['float8', 'float8'], ret: f8, strict: true, inline: ([y, x]) => `Math.atan2(${y},${x})` });
  floatFn('sinh', Math.sinh);
  floatFn('cosh', Math.cosh);
  floatFn('tanh', Math.tanh);

  reg({ name: 'width_bucket', args: ['float8', 'float8', 'float8', 'int4'], ret: T.int4, strict: true, impl: widthBucket });
}

register();
