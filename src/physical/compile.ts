/**
 * Compiles bound expressions into JavaScript functions over batches. Each expression becomes one
 * loop with every sub-expression inlined, so there is no per-row dispatch or allocation; generated
 * factories are cached by their source text, which is the same for structurally equal expressions.
 */
import type { Expr, SubqueryExpr } from '../logical/expr.js';
import { exprChildren as exprChildrenOf } from '../logical/expr.js';
import type { Batch, Vector } from '../common/vector.js';
import { allocData } from '../common/vector.js';
import { T, TIMESTAMPTZ_SCALE, physicalKind, typeName, type SqlType, type TypeId } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import * as H from '../udf/runtime.js';
import { typeRef } from '../udf/operators.js';
import type { ExecContext } from './context.js';
import type { Decimal } from '../common/decimal.js';
import { getValue } from '../common/vector.js';
import { ANY_SCALE, decimalColumns, exactCheck, fixedConstant, fixedScales, hasNumeric, isFixedArith, isFixedCompare, numericColumns } from './fixed_numeric.js';

export interface SubqueryRunner {
  /** scalar: the value or null; exists: boolean; any/all: true, false or null. */
  eval(ctx: ExecContext, outerVals: unknown[], testVal: unknown): unknown;
}
export interface CompileEnv { subquery(sq: SubqueryExpr): SubqueryRunner }

/**
 * Computes an expression for the rows of a batch. With a selection (`sel[0..m)`, row numbers)
 * only those rows are computed: an expression may only be evaluated, and so may only raise an
 * error, on rows that PostgreSQL would evaluate it on. The other rows of the result hold no
 * particular value (they may look valid); the caller reads the selected rows only.
 */
export type VectorFn = (batch: Batch, ctx: ExecContext, sel?: Int32Array | null, m?: number) => Vector;
/**
 * Writes the positions of the rows the predicate accepts into `out` and returns their count. With
 * an input selection (`sel[0..m)`, ascending) only those rows are tested; `out` may be `sel` itself.
 */
export type FilterFn = (batch: Batch, ctx: ExecContext, out: Int32Array, sel?: Int32Array | null, m?: number) => number;

/**
 * Where the last compiled loop to fail stopped: the batch row whose evaluation raised, and (for a
 * predicate) how many rows before it had been accepted, their positions already in `out`. A
 * compiled function sets this just before its error leaves it, so the caller reads it in its
 * catch block at once. Operators that stream use it to hand on the rows before the failing one
 * and raise only when their consumer asks for more, as row-at-a-time execution would: a LIMIT
 * satisfied by those rows never sees the error.
 */
export const evalFailure = { row: -1, k: 0 };

type Factory = (H: unknown, F: unknown[], S: SubqueryRunner[], K: unknown[], RT: SqlType, alloc: typeof allocData, E: typeof evalFailure) => unknown;
const factories = new Map<string, Factory>();

class Gen {
  lines: string[] = [];
  hoist: string[] = [];
  cols = new Map<number, string>();
  F: unknown[] = [];
  S: SubqueryRunner[] = [];
  K: unknown[] = [];
  private n = 0;
  /**
   * When set, numeric values are fixed-point doubles (see fixed_numeric.ts) and this gives the
   * display scale of each numeric sub-expression.
   */
  constructor(private env: CompileEnv | null, private readonly fx: Map<Expr, number> | null = null) {}
  tmp(): string { return `t${this.n++}`; }

  /** Emits statements computing e; returns [value expr, null-flag expr]. */
  gen(e: Expr): [string, string] {
    switch (e.kind) {
      case 'col': {
        let c = this.cols.get(e.index);
        if (!c) {
          c = `c${e.index}`;
          this.cols.set(e.index, c);
          this.hoist.push(`const ${c}d = cols[${e.index}].data, ${c}v = cols[${e.index}].valid;`);
        }
        const v = this.tmp();
        this.lines.push(`const ${v} = ${c}d[i]${e.type.id === 'bool' ? ' === 1' : ''};`);
        return [v, `(${c}v !== null && ${c}v[i] === 0)`];
      }
      case 'const':
        if (this.fx && e.type.id === 'numeric' && e.value !== null) return this.constant(fixedConstant(e.value as Decimal));
        return this.constant(e.value);
      case 'param': {
        const v = this.tmp();
        this.lines.push(`const ${v} = ctx.params[${e.index}];`);
        return [v, `(${v} === null)`];
      }
      case 'outer': {
        const v = this.tmp();
        this.lines.push(`const ${v} = ctx.outer[${e.slot}];`);
        return [v, `(${v} === null)`];
      }
      case 'cast': {
        if (this.fx && (e.type.id === 'numeric' || e.arg.type.id === 'numeric')) return this.fixedCast(e);
        const [a, an] = this.gen(e.arg);
        const v = this.tmp(), n = this.tmp();
        this.lines.push(`const ${n} = ${an};`);
        this.lines.push(`const ${v} = ${n} ? null : ${castCode(a, e.arg.type, e.type, e.explicit)};`);
        return [v, n];
      }
      case 'call': return this.fx && (isFixedArith(e) || isFixedCompare(e)) ? this.fixedCall(e) : this.call(e);
      case 'and': case 'or': return this.logical(e.kind, e.args);
      case 'not': {
        const [a, an] = this.gen(e.arg);
        return [`(!${a})`, an];
      }
      case 'isnull': {
        const [, an] = this.gen(e.arg);
        return [e.negated ? `(!${an})` : `(${an})`, 'false'];
      }
      case 'isbool': {
        if (e.test === 'true' && e.arg.kind === 'and') {
          const t = this.isTrue(e.arg);
          return [e.negated ? `(!${t})` : t, 'false'];
        }
        const [a, an] = this.gen(e.arg);
        const base = e.test === 'true' ? `(!${an} && ${a})` : `(!${an} && !${a})`;
        return [e.negated ? `(!${base})` : base, 'false'];
      }
      case 'case': {
        const v = this.tmp(), n = this.tmp();
        this.lines.push(`let ${v} = null, ${n} = true;`);
        let depth = 0;
        for (const w of e.whens) {
          const [c, cn] = this.gen(w.cond);
          this.lines.push(`if (!${cn} && ${c}) {`);
          const [r, rn] = this.gen(w.result);
          this.lines.push(`${n} = ${rn}; ${v} = ${n} ? null : ${r};`);
          this.lines.push('} else {');
          depth++;
        }
        if (e.otherwise) {
          const [r, rn] = this.gen(e.otherwise);
          this.lines.push(`${n} = ${rn}; ${v} = ${n} ? null : ${r};`);
        }
        this.lines.push('}'.repeat(depth));
        return [v, n];
      }
      case 'coalesce': {
        const v = this.tmp(), n = this.tmp();
        this.lines.push(`let ${v} = null, ${n} = true;`);
        let depth = 0;
        for (const a of e.args) {
          const [r, rn] = this.gen(a);
          this.lines.push(`if (!${rn}) { ${v} = ${r}; ${n} = false; } else {`);
          depth++;
        }
        this.lines.push('}'.repeat(depth));
        return [v, n];
      }
      case 'greatest': case 'least': {
        const v = this.tmp(), n = this.tmp();
        this.lines.push(`let ${v} = null, ${n} = true;`);
        const op = e.kind === 'greatest' ? '>' : '<';
        for (const a of e.args) {
          const [r, rn] = this.gen(a);
          // The type's own < (NaN above every number, timetz and bpchar by value) where it is inline.
          const better = e.cmp.inline
            ? (e.kind === 'greatest' ? e.cmp.inline([v, r], [e.type, e.type], T.bool) : e.cmp.inline([r, v], [e.type, e.type], T.bool))
            : cmpCode(e.type.id, op, r, v);
          this.lines.push(`if (!${rn} && (${n} || ${better})) { ${v} = ${r}; ${n} = false; }`);
        }
        return [v, n];
      }
      case 'inlist': return this.inList(e);
      case 'subquery': {
        if (!this.env) throw new QuiverError(SqlState.featureNotSupported, 'subquery not allowed here');
        const k = this.S.length;
        this.S.push(this.env.subquery(e));
        const args = e.outerArgs.map((a) => {
          const [r, rn] = this.gen(a);
          return `(${rn} ? null : ${r})`;
        });
        let test = 'null';
        if (e.test) {
          const [r, rn] = this.gen(e.test);
          test = `(${rn} ? null : ${r})`;
        }
        const v = this.tmp();
        this.lines.push(`const ${v} = S[${k}].eval(ctx, [${args.join(',')}], ${test});`);
        return [v, `(${v} === null)`];
      }
    }
  }

  /**
   * Code for "e IS TRUE". A conjunction is true only when every conjunct is, so it stops at the
   * first one that is not, NULL included: PostgreSQL evaluates a WHERE clause (a list of quals)
   * that way, and a conjunct after a NULL one must not raise an error it would never reach.
   */
  isTrue(e: Expr): string {
    if (e.kind === 'and') {
      const v = this.tmp();
      this.lines.push(`let ${v} = true;`);
      this.lines.push(`L${v}: {`);
      for (const a of e.args) {
        const c = this.isTrue(a);
        this.lines.push(`if (!${c}) { ${v} = false; break L${v}; }`);
      }
      this.lines.push('}');
      return v;
    }
    const [r, rn] = this.gen(e);
    return rn === 'false' ? `(${r})` : `(!${rn} && ${r})`;
  }

  constant(value: unknown): [string, string] {
    if (value === null || value === undefined) return ['null', 'true'];
    switch (typeof value) {
      // Negative literals are parenthesized so templates like `a-b` never form `--`.
      case 'number': return [Object.is(value, -0) ? '(-0)' : Number.isFinite(value) ? (value < 0 ? `(${value})` : String(value)) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '(-Infinity)', 'false'];
      case 'boolean': return [String(value), 'false'];
      case 'bigint': return [value < 0n ? `(${value}n)` : `${value}n`, 'false'];
      case 'string': return [JSON.stringify(value), 'false'];
      default: {
        const k = this.K.length;
        this.K.push(value);
        return [`K[${k}]`, 'false'];
      }
    }
  }

  call(e: Extract<Expr, { kind: 'call' }>): [string, string] {
    const fn = e.fn;
    const args = e.args.map((a) => this.gen(a));
    const v = this.tmp(), n = this.tmp();
    const argTypes = e.args.map((a) => a.type);
    if (fn.strict) {
      const nulls = args.map((a) => a[1]).filter((x) => x !== 'false');
      this.lines.push(`const ${n} = ${nulls.length ? nulls.join(' || ') : 'false'};`);
      let body: string;
      if (fn.inline) body = fn.inline(args.map((a) => a[0]), argTypes, e.type);
      else {
        const k = this.F.length;
        this.F.push(fn.impl);
        const list = [...(fn.needsContext ? ['ctx'] : []), ...args.map((a) => a[0]), ...(fn.needsTypes ? [...argTypes.map(typeRef), typeRef(e.type)] : [])];
        body = `F[${k}](${list.join(',')})`;
      }
      if (fn.impl && !fn.inline) {
        // impl may itself answer NULL (e.g. nullif-like functions)
        // Suffixes with '$' cannot collide with the numbered temporaries (t1, t12, ...).
        this.lines.push(`const ${v} = ${n} ? null : ${body};`);
        this.lines.push(`const ${n}$ = ${v} === null;`);
        return [v, `${n}$`];
      }
      this.lines.push(`const ${v} = ${n} ? null : ${body};`);
      return [v, n];
    }
    const k = this.F.length;
    this.F.push(fn.impl);
    const list = [...(fn.needsContext ? ['ctx'] : []), ...args.map((a) => `(${a[1]} ? null : ${a[0]})`), ...(fn.needsTypes ? [`[${argTypes.map(typeRef).join(',')}]`, typeRef(e.type)] : [])];
    this.lines.push(`const ${v} = F[${k}](${list.join(',')});`);
    this.lines.push(`const ${n} = ${v} === null;`);
    return [v, n];
  }

  /** A fixed-point value at scale `from` brought to scale `to` (>= from), checked exact. */
  private rescale(v: string, from: number, to: number): string {
    if (from === ANY_SCALE || from === to) return v;
    const t = this.tmp();
    this.lines.push(`const ${t} = ${v} * ${10 ** (to - from)};`, exactCheck(t));
    return t;
  }

  private scale(e: Expr): number { return this.fx!.get(e)!; }

  /** +, -, * and comparisons of fixed-point numerics. */
  fixedCall(e: Extract<Expr, { kind: 'call' }>): [string, string] {
    const args = e.args.map((a) => this.gen(a));
    const v = this.tmp(), n = this.tmp();
    const nulls = args.map((a) => a[1]).filter((x) => x !== 'false');
    this.lines.push(`const ${n} = ${nulls.length ? nulls.join(' || ') : 'false'};`);
    const name = e.fn.name;
    if (args.length === 1) {
      // 0 - x rather than -x: a fixed-point zero is never -0.
      this.lines.push(`const ${v} = ${n} ? null : ${name === '-' ? `(0 - ${args[0]![0]})` : args[0]![0]};`);
      return [v, n];
    }
    const [sa, sb] = [this.scale(e.args[0]!), this.scale(e.args[1]!)];
    this.lines.push(`let ${v} = null;`, `if (!${n}) {`);
    if (name === '*') {
      this.lines.push(`${v} = ${args[0]![0]} * ${args[1]![0]};`, exactCheck(v));
    } else {
      const to = isFixedCompare(e) ? Math.max(sa, sb) : this.scale(e);
      const a = this.rescale(args[0]![0], sa, to), b = this.rescale(args[1]![0], sb, to);
      if (name === '+' || name === '-') this.lines.push(`${v} = ${a} ${name} ${b};`, exactCheck(v));
      else this.lines.push(`${v} = ${a} ${name === '=' ? '===' : name === '<>' ? '!==' : name} ${b};`);
    }
    this.lines.push('}');
    return [v, n];
  }

  /** Casts to numeric from integers and numeric, and numeric to double precision, fixed-point. */
  fixedCast(e: Extract<Expr, { kind: 'cast' }>): [string, string] {
    const [a, an] = this.gen(e.arg);
    const v = this.tmp(), n = this.tmp();
    this.lines.push(`const ${n} = ${an};`, `let ${v} = null;`, `if (!${n}) {`);
    const f = e.arg.type.id;
    if (e.type.id === 'float8') {
      // Both are exact doubles, so one division is the correctly rounded value, as the
      // numeric's text read by strtod (numeric_float8); + 0 turns -0 into 0.
      const s = this.scale(e.arg);
      this.lines.push(`${v} = ${s > 0 ? `${a} / ${10 ** s}` : a} + 0;`, '}');
      return [v, n];
    }
    const from = f === 'numeric' ? this.scale(e.arg) : 0;
    this.lines.push(`${v} = ${f === 'int8' ? `H.i8ToFixed(${a})` : a};`);
    const to = this.scale(e);
    if (e.type.precision >= 0) {
      if (to > from) this.lines.push(`${v} = ${v} * ${10 ** (to - from)};`, exactCheck(v));
      else if (to < from) this.lines.push(`${v} = H.fixedRound(${v}, ${10 ** (from - to)});`);
      // numeric(p,s) holds fewer than p digits; the Decimal path raises the error with its detail.
      if (e.type.precision <= 15) this.lines.push(`if (${v} >= ${10 ** e.type.precision} || ${v} <= -${10 ** e.type.precision}) throw H.FIXED_INEXACT;`);
    }
    this.lines.push('}');
    return [v, n];
  }

  logical(kind: 'and' | 'or', args: Expr[]): [string, string] {
    const v = this.tmp(), n = this.tmp();
    // Three-valued logic with short-circuit: a decisive operand stops evaluation.
    const decisive = kind === 'and' ? 'false' : 'true';
    this.lines.push(`let ${v} = ${kind === 'and' ? 'true' : 'false'}, ${n} = false;`);
    this.lines.push(`L${v}: {`);
    for (const a of args) {
      const [r, rn] = this.gen(a);
      this.lines.push(`if (${rn}) ${n} = true; else if (${kind === 'and' ? '!' : ''}${r}) { ${v} = ${decisive}; ${n} = false; break L${v}; }`);
    }
    this.lines.push('}');
    return [v, n];
  }

  inList(e: Extract<Expr, { kind: 'inlist' }>): [string, string] {
    const [a, an] = this.gen(e.arg);
    const v = this.tmp(), n = this.tmp();
    const allConst = e.list.every((x) => x.kind === 'const');
    const kind = physicalKind(e.arg.type.id);
    if (allConst && (kind === 'i32' || kind === 'f64' || kind === 'i64' || (kind === 'string' && e.arg.type.id !== 'bpchar'))) {
      const vals = e.list.map((x) => (x as { value: unknown }).value);
      const hasNull = vals.some((x) => x === null);
      const k = this.K.length;
      this.K.push(new Set(vals.filter((x) => x !== null)));
      this.lines.push(`let ${v} = false, ${n} = ${an};`);
      this.lines.push(`if (!${n}) { if (K[${k}].has(${a})) ${v} = true; else ${n} = ${hasNull}; }`);
    } else {
      this.lines.push(`let ${v} = false, ${n} = ${an};`);
      this.lines.push(`L${v}: if (!${n}) {`);
      for (const x of e.list) {
        const [r, rn] = this.gen(x);
        const eq = e.eq.inline!([a, r], [e.arg.type, x.type], e.type);
        this.lines.push(`if (${rn}) ${n} = true; else if (${eq}) { ${v} = true; ${n} = false; break L${v}; }`);
      }
      this.lines.push('}');
    }
    if (e.negated) return [`(!${v})`, n];
    return [v, n];
  }
}

function cmpCode(t: TypeId, op: string, a: string, b: string): string {
  switch (t) {
    case 'numeric': return `${a}.cmp(${b}) ${op} 0`;
    case 'interval': return `H.dt.intervalCmp(${a}, ${b}) ${op} 0`;
    default: return `${a} ${op} ${b}`;
  }
}

/** Source of a cast from one type to another, over a non-null value expression. */
export function castCode(v: string, from: SqlType, to: SqlType, explicit: boolean): string {
  const f = from.id, t = to.id;
  if (f === t && to.precision < 0 && (f !== 'array' || from.elem?.id === to.elem?.id)) return v;
  if (t === 'text' || ((t === 'varchar' || t === 'bpchar') && to.precision < 0)) {
    if (f === 'text' || f === 'varchar' || f === 'unknown') return v;
    if (f === 'bpchar') return `H.rtrimSpaces(${v})`;
    return `H.toText(${v}, ${typeRef(from)})`;
  }
  if (t === 'varchar' || t === 'bpchar') {
    const s = castCode(v, from, { id: 'text', precision: -1, scale: -1 }, explicit);
    const fn = t === 'varchar' ? (explicit ? 'varcharCut' : 'varcharCheck') : explicit ? 'bpcharCut' : 'bpcharCheck';
    return `H.${fn}(${s}, ${to.precision})`;
  }
  const isStr = f === 'text' || f === 'varchar' || f === 'bpchar' || f === 'unknown';
  if (t === 'json' || t === 'jsonb') {
    if (f === 'jsonb' && t === 'json') return v;
    if (isStr || f === 'json') return `H.${t === 'json' ? 'jsonIn' : 'jsonbIn'}(${v})`;
  }
  if (t === 'jsonpath' && isStr) return `H.jsonpathIn(${v})`;
  if (f === 'jsonb') {
    // jsonb's casts to bool and the numbers read a scalar of the matching kind, then convert as numeric does.
    if (t === 'bool') return `H.jsonbToBool(${v})`;
    const n = `H.jsonbToNumeric(${v}, ${JSON.stringify(typeName(to))})`;
    return t === 'numeric' ? n : castCode(n, { id: 'numeric', precision: -1, scale: -1 }, to, explicit);
  }
  if (t === 'array') {
    const te = to.elem!;
    if (isStr) return `H.arrFromText(${v}, (x) => ${castCode('x', { id: 'text', precision: -1, scale: -1 }, te, explicit)})`;
    if (f === 'array') return `${v}.map((x) => (x === null ? null : ${castCode('x', from.elem!, te, explicit)}))`;
  }
  switch (t) {
    case 'bool':
      if (isStr) return `H.textToBool(${v})`;
      if (f === 'int4' || f === 'int2') return `(${v} !== 0)`;
      if (f === 'int8') return `(${v} !== 0n)`;
      break;
    case 'int2':
      if (isStr) return `H.textToI2(${v})`;
      if (f === 'int4') return `H.i2(${v})`;
      if (f === 'int8') return `H.i8ToI2(${v})`;
      if (f === 'float4' || f === 'float8') return `H.f8ToI2(${v})`;
      if (f === 'numeric') return `H.numToI2(${v})`;
      if (f === 'bool') return `(${v} ? 1 : 0)`;
      break;
    case 'int4':
      if (isStr) return `H.textToI4(${v})`;
      if (f === 'int2') return v;
      if (f === 'int8') return `H.i8ToI4(${v})`;
      if (f === 'float4' || f === 'float8') return `H.f8ToI4(${v})`;
      if (f === 'numeric') return `H.numToI4(${v})`;
      if (f === 'bool') return `(${v} ? 1 : 0)`;
      break;
    case 'int8':
      if (isStr) return `H.textToI8(${v})`;
      if (f === 'int2' || f === 'int4') return `BigInt(${v})`;
      if (f === 'float4' || f === 'float8') return `H.f8ToI8(${v})`;
      if (f === 'numeric') return `H.numToI8(${v})`;
      if (f === 'bool') return `(${v} ? 1n : 0n)`;
      break;
    case 'float4':
      if (isStr) return `H.textToF4(${v})`;
      if (f === 'int2' || f === 'int4' || f === 'float8') return `H.f4(${v})`;
      if (f === 'int8') return `H.f4(Number(${v}))`;
      if (f === 'numeric') return `H.numToF4(${v})`;
      break;
    case 'float8':
      if (isStr) return `H.textToF8(${v})`;
      if (f === 'int2' || f === 'int4' || f === 'float4') return v;
      if (f === 'int8') return `Number(${v})`;
      if (f === 'numeric') return `H.numToF8(${v})`;
      break;
    case 'numeric': {
      let base: string | null = null;
      if (isStr) base = `H.textToNumeric(${v})`;
      else if (f === 'int2' || f === 'int4' || f === 'int8') base = `H.Decimal.fromInt(${v})`;
      else if (f === 'float4') base = `H.Decimal.fromFloat4(${v})`;
      else if (f === 'float8') base = `H.Decimal.fromFloat(${v})`;
      else if (f === 'numeric') base = v;
      if (base === null) break;
      return to.precision >= 0 ? `H.applyTypmod(${base}, ${to.precision}, ${Math.max(0, to.scale)})` : base;
    }
    case 'date':
      if (isStr) return `H.dt.parseDate(${v})`;
      if (f === 'timestamp') return `H.dt.timestampToDate(${v})`;
      break;
    case 'timetz':
      if (isStr) return `H.tm.parseTimeTz(${v})`;
      break;
    case 'time':
      if (isStr) return `H.tm.parseTime(${v})`;
      if (f === 'timestamp') return `(((${v} % 86400000000) + 86400000000) % 86400000000)`;
      break;
    case 'timestamp':
      if (isStr) return to.scale === TIMESTAMPTZ_SCALE ? `H.dt.parseTimestampTz(${v})` : `H.dt.parseTimestamp(${v})`;
      if (f === 'date') return `H.dt.dateToTimestamp(${v})`;
      break;
    case 'interval':
      if (isStr) return to.precision >= 0 ? `H.parseIntervalQualified(${v}, ${to.precision})` : `H.dt.parseInterval(${v})`;
      if (f === 'interval') return v;
      break;
    default: break;
  }
  throw new QuiverError(SqlState.cannotCoerce, `cannot cast type ${from.id} to ${to.id}`);
}

function instantiate(g: Gen, src: string, rt: SqlType): unknown {
  let f = factories.get(src);
  if (!f) {
    f = new Function('H', 'F', 'S', 'K', 'RT', 'alloc', 'E', src) as Factory;
    factories.set(src, f);
  }
  return f(H, g.F, g.S, g.K, rt, allocData, evalFailure);
}

function storeCode(t: SqlType, v: string): string {
  return t.id === 'bool' ? `(${v} ? 1 : 0)` : v;
}

/** Compiles an expression into a function producing a vector for a batch. */
export function compileExpr(e: Expr, env: CompileEnv | null = null): VectorFn {
  if (e.kind === 'col') {
    const idx = e.index;
    return (b) => b.columns[idx]!;
  }
  const slow = buildExpr(e, env, null);
  if (!hasNumeric(e)) return slow;
  const cols = numericColumns(e);
  if (!fixedCandidate(e)) return (batch, ctx, sel, m) => slow(decimalColumns(batch, cols), ctx, sel, m);
  const fast = fixedVariants(e, cols, (fx) => buildExpr(e, env, fx));
  return (batch, ctx, sel, m) => {
    const f = fast(batch);
    if (f !== null) {
      try { return f(batch, ctx, sel, m); } catch (err) { if (err !== H.FIXED_INEXACT) throw err; }
    }
    return slow(decimalColumns(batch, cols), ctx, sel, m);
  };
}

/** Whether an expression reads or computes numerics, so that a fixed-point loop may serve it. */
function fixedCandidate(e: Expr): boolean {
  // Subqueries are planned once per compiled loop: keep to the one loop.
  let sub = false;
  const visit = (x: Expr): void => { if (x.kind === 'subquery') sub = true; else exprChildrenOf(x).forEach(visit); };
  visit(e);
  return !sub;
}

/**
 * The fixed-point loop for a batch's numeric column scales (compiled once per combination of
 * scales), or null when a numeric column of the batch holds Decimals or the expression has no
 * fixed-point form for these scales.
 */
function fixedVariants<F>(e: Expr, cols: number[], build: (fx: Map<Expr, number>) => F): (b: Batch) => F | null {
  const cache = new Map<string, F | null>();
  return (b) => {
    let key = '';
    for (const c of cols) {
      const s = b.columns[c]!.scale;
      if (s === undefined) return null;
      key += s + ',';
    }
    let f = cache.get(key);
    if (f === undefined) {
      const scales = new Map<number, number>();
      for (const c of cols) scales.set(c, b.columns[c]!.scale!);
      const fx = fixedScales(e, scales);
      f = fx ? build(fx) : null;
      cache.set(key, f);
    }
    return f;
  };
}

function buildExpr(e: Expr, env: CompileEnv | null, fx: Map<Expr, number> | null): VectorFn {
  const g = new Gen(env, fx);
  const [v, n] = g.gen(e);
  const fixedOut = fx !== null && e.type.id === 'numeric';
  const kind = fixedOut ? 'f64' : physicalKind(e.type.id);
  // A fixed-point zero is stored as 0, never -0 (0 * -5 is -0 in doubles).
  const store = `if (${n}) anyNull = true; else { out[i] = ${fixedOut ? `${v} + 0` : storeCode(e.type, v)}; ov[i] = 1; }`;
  // The body appears twice, once per loop shape, so the loop over all rows stays as it was.
  const src = [
    'return function (batch, ctx, sel, m) {',
    'const n = batch.length, cols = batch.columns;',
    ...g.hoist,
    `const out = alloc(${JSON.stringify(kind)}, n); const ov = new Uint8Array(n); let anyNull = false;`,
    'let i = 0;',
    'try {',
    'if (sel == null) {',
    'for (; i < n; i++) {',
    ...g.lines,
    store,
    '}',
    '} else {',
    'for (let q = 0; q < m; q++) {',
    'i = sel[q];',
    ...g.lines,
    store,
    '}',
    '}',
    '} catch (err) { E.row = i; E.k = 0; throw err; }',
    `return { type: RT, length: n, data: out, valid: anyNull ? ov : null${fixedOut ? `, scale: ${fx.get(e)! < 0 ? 0 : fx.get(e)!}` : ''} };`,
    '};',
  ].join('\n');
  return instantiate(g, src, e.type) as VectorFn;
}

/** Compiles a predicate into a function writing the selected row positions; returns their count. */
export function compileFilter(e: Expr, env: CompileEnv | null = null): FilterFn {
  const slow = buildFilter(e, env, null);
  if (!hasNumeric(e)) return slow;
  const cols = numericColumns(e);
  if (!fixedCandidate(e)) return (batch, ctx, out, sel, m) => slow(decimalColumns(batch, cols), ctx, out, sel, m);
  const fast = fixedVariants(e, cols, (fx) => buildFilter(e, env, fx));
  let saved = new Int32Array(0);
  return (batch, ctx, out, sel, m) => {
    const f = fast(batch);
    if (f !== null) {
      // `out` may be `sel`: keep the selection for the Decimal loop should this one give up.
      let s = sel;
      if (sel != null && out === sel) {
        if (saved.length < m!) saved = new Int32Array(Math.max(m!, 2048));
        saved.set(sel.subarray(0, m!));
        s = saved;
      }
      try { return f(batch, ctx, out, s, m); } catch (err) { if (err !== H.FIXED_INEXACT) throw err; }
      if (s !== sel) sel!.set(s!.subarray(0, m!));
    }
    return slow(decimalColumns(batch, cols), ctx, out, sel, m);
  };
}

function buildFilter(e: Expr, env: CompileEnv | null, fx: Map<Expr, number> | null): FilterFn {
  const g = new Gen(env, fx);
  // A row passes when the predicate IS TRUE; a conjunction stops at its first conjunct that is
  // not (see isTrue), a lone predicate is tested whole.
  let v: string, n: string;
  if (e.kind === 'and') { v = g.isTrue(e); n = 'false'; } else [v, n] = g.gen(e);
  // Branch-free: a data-dependent branch here mispredicts on every other row at 50% selectivity.
  // With an input selection `out` may be `sel`: position k never passes position q.
  const accept = n === 'false' ? `out[k] = i; k += +(${v});` : `out[k] = i; k += (${v}) & !(${n});`;
  const src = [
    'return function (batch, ctx, out, sel, m) {',
    'const n = batch.length, cols = batch.columns; let k = 0;',
    ...g.hoist,
    'let i = 0;',
    'try {',
    'if (sel == null) {',
    'for (; i < n; i++) {',
    ...g.lines,
    accept,
    '}',
    '} else {',
    'for (let q = 0; q < m; q++) {',
    'i = sel[q];',
    ...g.lines,
    accept,
    '}',
    '}',
    '} catch (err) { E.row = i; E.k = k; throw err; }',
    'return k;',
    '};',
  ].join('\n');
  return instantiate(g, src, e.type) as FilterFn;
}

/** Evaluates a row-independent expression once (LIMIT counts, VALUES cells, defaults). */
/** Casts of constants (every cell of a big VALUES list) share one compiled cast per type pair. */
const constantCasts = new Map<string, VectorFn>();

export function evalConstant(e: Expr, ctx: ExecContext, env: CompileEnv | null = null): unknown {
  if (e.kind === 'const') return e.value;
  if (e.kind === 'cast' && e.arg.kind === 'const') {
    if (e.arg.value === null) return null;
    const key = JSON.stringify([e.arg.type, e.type, e.explicit]);
    let f = constantCasts.get(key);
    if (!f) {
      f = compileExpr({ ...e, arg: { kind: 'param', index: 0, type: e.arg.type } });
      if (constantCasts.size > 1000) constantCasts.clear();
      constantCasts.set(key, f);
    }
    return getValue(f({ length: 1, columns: [] }, { ...ctx, params: [e.arg.value] }), 0);
  }
  const f = compileExpr(e, env);
  return getValue(f({ length: 1, columns: [] }, ctx), 0);
}
