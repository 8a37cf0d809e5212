/**
 * Ordered-set aggregates: percentile_cont, percentile_disc and mode, written
 * `f(args) WITHIN GROUP (ORDER BY x)`. Each group's values are collected, then sorted at finish.
 * The binder passes (x, fraction) as arguments and the sort direction as `desc`.
 */
import { T, physicalKind, type SqlType } from '../common/types.js';
import { makeVector, allocData, type Vector, type VectorData } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { Decimal } from '../common/decimal.js';
import { intervalCmp, intervalAdd, intervalMul, intervalSub, type Interval } from '../common/datetime.js';
import type { Accumulator, AggregateFunction } from './registry.js';

export type OrderedSetKind = 'percentile_cont' | 'percentile_disc' | 'mode';

function compare(t: SqlType): (a: unknown, b: unknown) => number {
  if (t.id === 'numeric') return (a, b) => (a as Decimal).cmp(b as Decimal);
  if (t.id === 'interval') return (a, b) => intervalCmp(a as Interval, b as Interval);
  return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
}

class OrderedSet implements Accumulator {
  private values: unknown[][] = [];
  private fraction: number | null = null;
  constructor(private kind: OrderedSetKind, private valueType: SqlType, private ret: SqlType, private desc: boolean) {}
  resize(n: number): void { while (this.values.length < n) this.values.push([]); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as unknown as ArrayLike<unknown>;
    const f = args[1];
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (f && this.fraction === null && (!f.valid || f.valid[i])) {
        const x = (f.data as Float64Array)[i]!;
        if (!(x >= 0 && x <= 1)) throw new QuiverError(SqlState.numericOutOfRange, `percentile value ${x} is not between 0 and 1`);
        this.fraction = x;
      }
      if (v.valid !== null && v.valid[i] === 0) continue;
      this.values[gids[k]!]!.push(v.type.id === 'bool' ? d[i] === 1 : d[i]);
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as OrderedSet;
    // Element by element: push(...values) overflows the stack for a large group.
    for (let k = 0; k < n; k++) { const dst = this.values[into[k]!]!; for (const x of o.values[from[k]!]!) dst.push(x); }
    if (this.fraction === null) this.fraction = o.fraction;
  }
  finish(n: number): Vector {
    this.resize(n);
    const cmp = compare(this.valueType);
    const out = allocData(physicalKind(this.ret.id), n) as unknown as { [i: number]: unknown };
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const vs = this.values[g]!.slice().sort(this.desc ? (a, b) => cmp(b, a) : cmp);
      const r = vs.length === 0 ? null : this.pick(vs, cmp);
      if (r === null) { anyNull = true; continue; }
      out[g] = this.ret.id === 'bool' ? (r ? 1 : 0) : r;
      valid[g] = 1;
    }
    return makeVector(this.ret, out as unknown as VectorData, anyNull ? valid : null, n);
  }
  private pick(vs: unknown[], cmp: (a: unknown, b: unknown) => number): unknown {
    if (this.kind === 'mode') {
      // The most frequent value; ties go to the one that sorts first.
      let best = vs[0], bestN = 0;
      for (let i = 0; i < vs.length;) {
        let j = i;
        while (j < vs.length && cmp(vs[j], vs[i]) === 0) j++;
        if (j - i > bestN) { best = vs[i]; bestN = j - i; }
        i = j;
      }
      return best;
    }
    const f = this.fraction ?? 0;
    if (this.kind === 'percentile_disc') {
      // The first value whose position reaches the fraction (PostgreSQL's definition).
      const idx = Math.max(0, Math.ceil(f * vs.length) - 1);
      return vs[idx];
    }
    const pos = f * (vs.length - 1);
    const lo = Math.floor(pos), hi = Math.ceil(pos);
    if (this.valueType.id === 'interval') {
      const a = vs[lo] as Interval, b = vs[hi] as Interval;
      return lo === hi ? a : intervalAdd(a, intervalMul(intervalSub(b, a), pos - lo));
    }
    const a = vs[lo] as number, b = vs[hi] as number;
    return lo === hi ? a : a + (b - a) * (pos - lo);
  }
}

export function orderedSetAggregate(kind: OrderedSetKind, valueType: SqlType, desc: boolean): { fn: AggregateFunction; type: SqlType } {
  const ret = kind === 'percentile_cont' ? (valueType.id === 'interval' ? T.interval : T.float8) : valueType;
  const fn: AggregateFunction = {
    name: kind, args: ['any', 'any'], ret, strict: false,
    create: () => new OrderedSet(kind, valueType, ret, desc),
  };
  return { fn, type: ret };
}

export { Decimal };
