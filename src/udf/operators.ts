/**
 * Arithmetic, comparison and text operators, registered as functions named by their symbol.
 * Each is an inline JavaScript template so the expression compiler emits it straight into its loop.
 */
import { T, isTimestampTz } from '../common/types.js';
import type { SqlType, TypeId } from '../common/types.js';
import { registerScalar, type ScalarFunction } from './registry.js';

const NUM: TypeId[] = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'];

function bin(name: string, a: TypeId, b: TypeId, ret: SqlType, inline: (x: string, y: string) => string): void {
  registerScalar({ name, args: [a, b], ret, strict: true, inline: ([x, y]) => inline(x!, y!) });
}

function arith(): void {
  // int2 and int4 share JS number arithmetic; the range check differs.
  for (const [t, chk] of [['int2', 'H.i2'], ['int4', 'H.i4']] as const) {
    bin('+', t, t, T[t], (a, b) => `${chk}(${a}+${b})`);
    bin('-', t, t, T[t], (a, b) => `${chk}(${a}-${b})`);
    bin('*', t, t, T[t], (a, b) => `${chk}(${a}*${b})`);
    bin('/', t, t, T[t], (a, b) => `H.${t === 'int2' ? 'i2div' : 'i4div'}(${a},${b})`);
    bin('%', t, t, T[t], (a, b) => `H.imod(${a},${b})`);
  }
  bin('+', 'int8', 'int8', T.int8, (a, b) => `H.i8(${a}+${b})`);
  bin('-', 'int8', 'int8', T.int8, (a, b) => `H.i8(${a}-${b})`);
  bin('*', 'int8', 'int8', T.int8, (a, b) => `H.i8(${a}*${b})`);
  bin('/', 'int8', 'int8', T.int8, (a, b) => `H.i8div(${a},${b})`);
  bin('%', 'int8', 'int8', T.int8, (a, b) => `H.i8mod(${a},${b})`);
  bin('+', 'float8', 'float8', T.float8, (a, b) => `H.f8(${a}+${b},${a},${b})`);
  bin('-', 'float8', 'float8', T.float8, (a, b) => `H.f8(${a}-${b},${a},${b})`);
  bin('*', 'float8', 'float8', T.float8, (a, b) => `H.f8mul(${a},${b})`);
  bin('/', 'float8', 'float8', T.float8, (a, b) => `H.f8div(${a},${b})`);
  // real with double precision computes in double precision (float48pl and friends).
  for (const [l, r] of [['float4', 'float8'], ['float8', 'float4']] as const) {
    bin('+', l, r, T.float8, (a, b) => `H.f8(${a}+${b},${a},${b})`);
    bin('-', l, r, T.float8, (a, b) => `H.f8(${a}-${b},${a},${b})`);
    bin('*', l, r, T.float8, (a, b) => `H.f8mul(${a},${b})`);
    bin('/', l, r, T.float8, (a, b) => `H.f8div(${a},${b})`);
  }
  bin('+', 'float4', 'float4', T.float4, (a, b) => `H.f4(${a}+${b})`);
  bin('-', 'float4', 'float4', T.float4, (a, b) => `H.f4(${a}-${b})`);
  bin('*', 'float4', 'float4', T.float4, (a, b) => `H.f4(${a}*${b})`);
  bin('/', 'float4', 'float4', T.float4, (a, b) => `H.f4(H.f8div(${a},${b}))`);
  bin('+', 'numeric', 'numeric', T.numeric, (a, b) => `${a}.add(${b})`);
  bin('-', 'numeric', 'numeric', T.numeric, (a, b) => `${a}.sub(${b})`);
  bin('*', 'numeric', 'numeric', T.numeric, (a, b) => `${a}.mul(${b})`);
  bin('/', 'numeric', 'numeric', T.numeric, (a, b) => `${a}.div(${b})`);
  bin('%', 'numeric', 'numeric', T.numeric, (a, b) => `${a}.mod(${b})`);
  const un = (name: string, t: TypeId, f: (a: string) => string): void => {
    registerScalar({ name, args: [t], ret: T[t], strict: true, inline: ([a]) => f(a!) });
  };
  un('-', 'int2', (a) => `H.i2(-(${a}))`);
  un('-', 'int4', (a) => `H.i4(-(${a}))`);
  un('-', 'int8', (a) => `H.i8(-(${a}))`);
  un('-', 'float4', (a) => `(-(${a}))`);
  un('-', 'float8', (a) => `(-(${a}))`);
  un('-', 'numeric', (a) => `${a}.neg()`);
  un('-', 'interval', (a) => `H.dt.intervalNeg(${a})`);
  for (const t of NUM) un('+', t, (a) => a);

  // Date and time arithmetic.
  // Infinite dates stay infinite; finite results outside PostgreSQL's date range are 22008.
  bin('+', 'date', 'int4', T.date, (a, b) => `H.dt.dateAddDays(${a},${b})`);
  bin('+', 'int4', 'date', T.date, (a, b) => `H.dt.dateAddDays(${b},${a})`);
  bin('-', 'date', 'int4', T.date, (a, b) => `H.dt.dateAddDays(${a},-(${b}))`);
  bin('-', 'date', 'date', T.int4, (a, b) => `H.dt.dateDiff(${a},${b})`);
  bin('+', 'date', 'interval', T.timestamp, (a, b) => `H.dt.dateAddInterval(${a},${b})`);
  bin('+', 'interval', 'date', T.timestamp, (a, b) => `H.dt.dateAddInterval(${b},${a})`);
  bin('-', 'date', 'interval', T.timestamp, (a, b) => `H.dt.dateAddInterval(${a},H.dt.intervalNeg(${b}))`);
  // timestamp with time zone ± interval stays with time zone (UTC: the same arithmetic).
  const keepTz = (i: number) => (args: SqlType[]): SqlType => (isTimestampTz(args[i]!) ? T.timestamptz : T.timestamp);
  registerScalar({ name: '+', args: ['timestamp', 'interval'], ret: keepTz(0), strict: true, inline: ([a, b]) => `H.dt.timestampAddInterval(${a},${b})` });
  registerScalar({ name: '+', args: ['interval', 'timestamp'], ret: keepTz(1), strict: true, inline: ([a, b]) => `H.dt.timestampAddInterval(${b},${a})` });
  registerScalar({ name: '-', args: ['timestamp', 'interval'], ret: keepTz(0), strict: true, inline: ([a, b]) => `H.dt.timestampAddInterval(${a},H.dt.intervalNeg(${b}))` });
  bin('-', 'timestamp', 'timestamp', T.interval, (a, b) => `H.dt.timestampDiff(${a},${b})`);
  bin('+', 'timetz', 'interval', T.timetz, (a, b) => `H.tm.timeTzAddInterval(${a},${b})`);
  bin('+', 'interval', 'timetz', T.timetz, (a, b) => `H.tm.timeTzAddInterval(${b},${a})`);
  bin('-', 'timetz', 'interval', T.timetz, (a, b) => `H.tm.timeTzAddInterval(${a},H.dt.intervalNeg(${b}))`);
  bin('+', 'time', 'interval', T.time, (a, b) => `H.tm.timeAddInterval(${a},${b})`);
  bin('+', 'interval', 'time', T.time, (a, b) => `H.tm.timeAddInterval(${b},${a})`);
  bin('-', 'time', 'interval', T.time, (a, b) => `H.tm.timeAddInterval(${a},H.dt.intervalNeg(${b}))`);
  bin('-', 'time', 'time', T.interval, (a, b) => `new H.dt.Interval(0, 0, ${a} - ${b})`);
  bin('+', 'date', 'time', T.timestamp, (a, b) => `H.dt.dateAddTime(${a},${b})`);
  bin('+', 'time', 'date', T.timestamp, (a, b) => `H.dt.dateAddTime(${b},${a})`);
  bin('+', 'interval', 'interval', T.interval, (a, b) => `H.dt.intervalAdd(${a},${b})`);
  bin('-', 'interval', 'interval', T.interval, (a, b) => `H.dt.intervalSub(${a},${b})`);
  bin('*', 'interval', 'float8', T.interval, (a, b) => `H.dt.intervalMul(${a},${b})`);
  bin('*', 'float8', 'interval', T.interval, (a, b) => `H.dt.intervalMul(${b},${a})`);
  bin('/', 'interval', 'float8', T.interval, (a, b) => `H.dt.intervalDiv(${a},${b})`);
}

/** Comparison templates per type family; `c` is the comparison operator symbol in JS. */
function cmpExpr(t: TypeId, op: string, a: string, b: string): string {
  switch (t) {
    case 'numeric': return `(${a}.cmp(${b})${op}0)`;
    case 'interval': return `(H.dt.intervalCmp(${a},${b})${op}0)`;
    case 'timetz': return `(H.tm.timeTzCmp(${a},${b})${op}0)`;
    case 'bpchar': return `(H.rtrimSpaces(${a})${op}H.rtrimSpaces(${b}))`;
    case 'bool': return `((${a}?1:0)${op}(${b}?1:0))`;
    case 'float4': case 'float8':
      // PostgreSQL orders NaN above every number and treats NaN = NaN as true. Bitwise operators
      // instead of || and && keep the comparison free of data-dependent branches (the result is
      // 0 or 1, which every consumer tests for truth).
      switch (op) {
        case '===': return `((${a} === ${b}) | ((${a} !== ${a}) & (${b} !== ${b})))`;
        case '!==': return `((${a} !== ${b}) & ((${a} === ${a}) | (${b} === ${b})))`;
        case '<': return `((${a} < ${b}) | ((${b} !== ${b}) & (${a} === ${a})))`;
        case '<=': return `((${a} <= ${b}) | (${b} !== ${b}))`;
        case '>': return `((${a} > ${b}) | ((${a} !== ${a}) & (${b} === ${b})))`;
        default: return `((${a} >= ${b}) | (${a} !== ${a}))`;
      }
    default: return `(${a}${op}${b})`;
  }
}

function comparisons(): void {
  const ops: [string, string][] = [['=', '==='], ['<>', '!=='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']];
  const types: TypeId[] = ['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'bpchar', 'date', 'time', 'timetz', 'timestamp', 'interval'];
  for (const t of types) {
    for (const [name, js] of ops) {
      const jsop = t === 'numeric' || t === 'interval' ? (js === '===' ? '===' : js === '!==' ? '!==' : js) : js;
      bin(name, t, t, T.bool, (a, b) => cmpExpr(t, jsop, a, b));
    }
  }
  // Mixed-width integer comparisons avoid widening int4 columns to bigint per row.
  for (const [name, js] of ops) {
    bin(name, 'int4', 'int8', T.bool, (a, b) => `(BigInt(${a})${js}${b})`);
    bin(name, 'int8', 'int4', T.bool, (a, b) => `(${a}${js}BigInt(${b}))`);
    // real against double precision compares in double precision (float48eq and friends); without
    // these, real = numeric would resolve to real = real and round the numeric to a real.
    bin(name, 'float4', 'float8', T.bool, (a, b) => cmpExpr('float8', js, a, b));
    bin(name, 'float8', 'float4', T.bool, (a, b) => cmpExpr('float8', js, a, b));
    bin(name, 'date', 'timestamp', T.bool, (a, b) => `(H.dt.dateAsTimestamp(${a})${js}${b})`);
    bin(name, 'timestamp', 'date', T.bool, (a, b) => `(${a}${js}H.dt.dateAsTimestamp(${b}))`);
    bin(name, 'jsonb', 'jsonb', T.bool, (a, b) => `(H.compareJsonbText(${a},${b})${js}0)`);
  }
}

function text(): void {
  bin('||', 'text', 'text', T.text, (a, b) => `(${a}+${b})`);
  const anyCat: ScalarFunction = {
    name: '||', args: ['any', 'text'], ret: T.text, strict: true, needsTypes: true,
    inline: ([a, b], types) => `(H.toText(${a},${typeRef(types[0]!)})+${b})`,
  };
  registerScalar(anyCat);
  registerScalar({
    name: '||', args: ['text', 'any'], ret: T.text, strict: true, needsTypes: true,
    inline: ([a, b], types) => `(${a}+H.toText(${b},${typeRef(types[1]!)}))`,
  });
  for (const [name, fn, neg] of [['~~', 'like', false], ['!~~', 'like', true], ['~~*', 'ilike', false], ['!~~*', 'ilike', true]] as const) {
    bin(name, 'text', 'text', T.bool, (a, b) => `(${neg ? '!' : ''}H.${fn}(${a},${b}))`);
  }
  for (const [name, flags, neg] of [['~', '', false], ['!~', '', true], ['~*', 'i', false], ['!~*', 'i', true]] as const) {
    bin(name, 'text', 'text', T.bool, (a, b) => `(${neg ? '!' : ''}H.regexTest(${b},'${flags}',${a}))`);
  }
  bin('^@', 'text', 'text', T.bool, (a, b) => `${a}.startsWith(${b})`);
}

/** A JSON literal of a type that generated code can pass to helpers needing it. */
export function typeRef(t: SqlType): string {
  return `{id:${JSON.stringify(t.id)},precision:${t.precision},scale:${t.scale}${t.elem ? `,elem:${typeRef(t.elem)}` : ''}}`;
}

arith();
comparisons();
text();
