/**
 * Ordered-set aggregates: percentile_cont, percentile_disc and mode, written
 * `f(args) WITHIN GROUP (ORDER BY x)`. The aggregate collects each group's values and sorts them
 * at finish (a per-group sort of plain values is much cheaper than ordering all input rows).
 *
 * The fraction of a percentile is a direct argument: PostgreSQL evaluates it once per group, after
 * aggregation, like any expression over the grouped columns. So a percentile is two steps: the
 * aggregate gives each group's sorted values, and a scalar function over that list and the
 * group's fraction (or array of fractions) picks the answer.
 */
import { T, physicalKind, arrayOf, type SqlType } from '../common/types.js';
import { makeVector, allocData, getValue, type Vector, type VectorData } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { Decimal } from '../common/decimal.js';
import { intervalCmp, intervalAdd, intervalMul, intervalSub, type Interval } from '../common/datetime.js';
import { timeTzCmp, type TimeTz } from '../common/time.js';
import { compareJsonbText } from '../common/json.js';
import type { Accumulator, AggregateFunction, ScalarFunction } from './registry.js';
import { makeRowComparator } from '../physical/operators/sort.js';

export type OrderedSetKind = 'percentile_cont' | 'percentile_disc' | 'mode';

/** Ascending order of two non-NULL values of type t, as ORDER BY sorts them. */
function compare(t: SqlType): (a: unknown, b: unknown) => number {
  if (t.id === 'numeric') return (a, b) => (a as Decimal).cmp(b as Decimal);
  if (t.id === 'jsonb') return (a, b) => compareJsonbText(a as string, b as string);
  if (t.id === 'interval') return (a, b) => intervalCmp(a as Interval, b as Interval);
  if (t.id === 'timetz') return (a, b) => timeTzCmp(a as TimeTz, b as TimeTz);
  if (t.id === 'float4' || t.id === 'float8') {
    // NaN sorts above every other value and equal to itself.
    return (a, b) => {
      const x = a as number, y = b as number;
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : x !== x ? (y !== y ? 0 : 1) : -1;
    };
  }
  if (t.id === 'bpchar') {
    // char(n) compares without its trailing blanks.
    return (a, b) => { const x = (a as string).trimEnd(), y = (b as string).trimEnd(); return x < y ? -1 : x > y ? 1 : 0; };
  }
  return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
}

/** Each group's non-NULL values, in the (sorted) order they arrive. */
class SortedValues implements Accumulator {
  protected values: unknown[][] = [];
  constructor(private ret: SqlType, protected valueType: SqlType, protected desc: boolean) {}
  resize(n: number): void { while (this.values.length < n) this.values.push([]); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (v.valid !== null && v.valid[i] === 0) continue;
      this.values[gids[k]!]!.push(getValue(v, i));
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as SortedValues;
    // Element by element: push(...values) overflows the stack for a large group.
    for (let k = 0; k < n; k++) { const dst = this.values[into[k]!]!; for (const x of o.values[from[k]!]!) dst.push(x); }
  }
  protected sorted(g: number): unknown[] {
    const cmp = compare(this.valueType);
    return this.values[g]!.sort(this.desc ? (a, b) => cmp(b, a) : cmp);
  }
  /** The sorted list of each group (empty when it had no values): the percentile functions finish it. */
  finish(n: number): Vector {
    this.resize(n);
    const out: unknown[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = this.sorted(g);
    return makeVector(this.ret, out as unknown as VectorData, null, n);
  }
}

/** mode(): the most frequent value; among equally frequent ones, the first in the sort order. */
class Mode extends SortedValues {
  override finish(n: number): Vector {
    this.resize(n);
    const cmp = compare(this.valueType);
    const out = allocData(physicalKind(this.valueType.id), n) as unknown as { [i: number]: unknown };
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const vs = this.sorted(g);
      if (vs.length === 0) { anyNull = true; continue; }
      let best = vs[0], bestN = 0;
      for (let i = 0; i < vs.length;) {
        let j = i;
        while (j < vs.length && cmp(vs[j], vs[i]) === 0) j++;
        if (j - i > bestN) { best = vs[i]; bestN = j - i; }
        i = j;
      }
      out[g] = this.valueType.id === 'bool' ? (best ? 1 : 0) : best;
      valid[g] = 1;
    }
    return makeVector(this.valueType, out as unknown as VectorData, anyNull ? valid : null, n);
  }
}

/**
 * The aggregate half of an ordered-set call over values of `valueType`, sorted ascending or
 * descending. For the percentiles its result is the sorted list, typed as an array of the
 * values, which `percentileFinal` turns into the answer. The direction is part of the name: the
 * binder merges calls by name and arguments, and x ASC and x DESC are different calls.
 */
export function orderedSetAggregate(kind: OrderedSetKind, valueType: SqlType, desc: boolean): { fn: AggregateFunction; type: SqlType } {
  const type = kind === 'mode' ? valueType : arrayOf(valueType);
  const fn: AggregateFunction = {
    name: desc ? `${kind} desc` : kind, args: ['any'], ret: type, strict: true,
    create: () => (kind === 'mode' ? new Mode(valueType, valueType, desc) : new SortedValues(type, valueType, desc)),
  };
  return { fn, type };
}

/** The value at `fraction` of the sorted values `vs` (non-empty). */
function pick(kind: 'percentile_cont' | 'percentile_disc', valueType: SqlType, vs: unknown[], f: number): unknown {
  if (kind === 'percentile_disc') {
    // The first value whose position reaches the fraction (PostgreSQL's definition).
    return vs[Math.max(0, Math.ceil(f * vs.length) - 1)];
  }
  const pos = f * (vs.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  if (valueType.id === 'interval') {
    const a = vs[lo] as Interval, b = vs[hi] as Interval;
    return lo === hi ? a : intervalAdd(a, intervalMul(intervalSub(b, a), pos - lo));
  }
  const a = vs[lo] as number, b = vs[hi] as number;
  return lo === hi ? a : a + (b - a) * (pos - lo);
}

function checkFraction(f: number): void {
  if (!(f >= 0 && f <= 1)) throw new QuiverError(SqlState.numericOutOfRange, `percentile value ${f} is not between 0 and 1`);
}

/**
 * The scalar half of percentile_cont / percentile_disc: (sorted values, fraction) for one group,
 * or (sorted values, array of fractions) giving an array. As PostgreSQL's final functions: a
 * NULL fraction gives NULL, a single fraction is checked even for a group without values, and
 * an array's fractions are checked only when there are values.
 */
export function percentileFinal(kind: 'percentile_cont' | 'percentile_disc', valueType: SqlType, multi: boolean): { fn: ScalarFunction; type: SqlType } {
  const one = kind === 'percentile_cont' ? (valueType.id === 'interval' ? T.interval : T.float8) : valueType;
  const type = multi ? arrayOf(one) : one;
  const impl = multi
    ? (vs: unknown[] | null, fs: (number | null)[] | null): unknown => {
      if (fs === null || vs === null || vs.length === 0) return null;
      for (const f of fs) if (f !== null) checkFraction(f);
      return fs.map((f) => (f === null ? null : pick(kind, valueType, vs, f)));
    }
    : (vs: unknown[] | null, f: number | null): unknown => {
      if (f === null) return null;
      checkFraction(f);
      if (vs === null || vs.length === 0) return null;
      return pick(kind, valueType, vs, f);
    };
  const fn: ScalarFunction = { name: kind, args: ['any', 'any'], ret: type, strict: false, impl: impl as (...args: never[]) => unknown };
  return { fn, type };
}

// ---- hypothetical-set aggregates ----------------------------------------------------------------

export type HypotheticalKind = 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist';

export interface HypotheticalKey { type: SqlType; desc: boolean; nullsFirst: boolean }

/** Each group's rows of ORDER BY values, NULLs included (they have a place in the order). */
class SortedRows implements Accumulator {
  private rows: unknown[][][] = [];
  constructor(private ret: SqlType) {}
  resize(n: number): void { while (this.rows.length < n) this.rows.push([]); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      this.rows[gids[k]!]!.push(args.map((v) => getValue(v, i)));
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as SortedRows;
    for (let k = 0; k < n; k++) this.rows[into[k]!]!.push(...o.rows[from[k]!]!);
  }
  finish(n: number): Vector {
    this.resize(n);
    const out: unknown[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = this.rows[g]!;
    return makeVector(this.ret, out as unknown as VectorData, null, n);
  }
}

/**
 * The aggregate half of rank / dense_rank / percent_rank / cume_dist (args) WITHIN GROUP (ORDER
 * BY keys): each group's key rows, in order. Its value is internal, read only by
 * `hypotheticalFinal`; it is typed as an array so that it passes through plans like one.
 */
export function hypotheticalAggregate(kind: HypotheticalKind): { fn: AggregateFunction; type: SqlType } {
  const type = arrayOf(T.text);
  const fn: AggregateFunction = { name: kind, args: ['any'], ret: type, strict: false, create: () => new SortedRows(type) };
  return { fn, type };
}

/**
 * The scalar half: where the hypothetical row (the direct arguments) would go among the group's
 * rows, in the call's ORDER BY order (with the engine's ordering of each type), as PostgreSQL's
 * hypothetical_*_final functions compute it.
 */
export function hypotheticalFinal(kind: HypotheticalKind, keys: HypotheticalKey[]): { fn: ScalarFunction; type: SqlType } {
  const type = kind === 'rank' || kind === 'dense_rank' ? T.int8 : T.float8;
  const orders = keys.map((k) => ({ desc: k.desc, nullsFirst: k.nullsFirst }));
  const impl = (rows: unknown[][] | null, ...hyp: unknown[]): unknown => {
    const rs = rows ?? [];
    const n = rs.length + 1;
    // Position 0 is the hypothetical row, 1..n-1 the group's rows.
    const vecs = keys.map((k, j) => {
      const data = allocData(physicalKind(k.type.id), n) as unknown as { [i: number]: unknown };
      const valid = new Uint8Array(n);
      const set = (i: number, x: unknown): void => {
        if (x === null || x === undefined) return;
        valid[i] = 1;
        data[i] = k.type.id === 'bool' ? (x ? 1 : 0) : x;
      };
      set(0, hyp[j]);
      for (let i = 1; i < n; i++) set(i, rs[i - 1]![j]);
      return makeVector(k.type, data as unknown as VectorData, valid, n);
    });
    const cmp = makeRowComparator(vecs, orders);
    let before = 0, peers = 0, groupsBefore = 0;
    for (let i = 1; i < n; i++) {
      const c = cmp(i, 0);
      if (c < 0) {
        before++;
        // The rows arrive sorted: a new peer group starts wherever a row differs from the last.
        if (i === 1 || cmp(i, i - 1) !== 0) groupsBefore++;
      } else if (c === 0) peers++;
    }
    switch (kind) {
      case 'rank': return BigInt(before + 1);
      case 'dense_rank': return BigInt(groupsBefore + 1);
      case 'percent_rank': return n === 1 ? 0 : before / (n - 1);
      case 'cume_dist': return (before + peers + 1) / n;
    }
  };
  const fn: ScalarFunction = { name: kind, args: ['any'], variadic: true, ret: type, strict: false, impl: impl as (...args: never[]) => unknown };
  return { fn, type };
}
