/**
 * Aggregate functions as vectorized grouped accumulators. State lives in typed arrays indexed by
 * group id, grown by doubling; the number paths allocate nothing per row. finish() never changes
 * the state, because window functions read running aggregates and keep updating afterwards.
 */
import { QuiverError, SqlState, MAX_TEXT_LENGTH, textTooLong } from '../common/errors.js';
import { T, physicalKind, arrayOf, isTimestampTz, type SqlType, type TypeId } from '../common/types.js';
import { MAX_FIXED, makeVector, type Vector, type VectorData } from '../common/vector.js';
import { Decimal, DecimalSum } from '../common/decimal.js';
import * as dt from '../common/datetime.js';
import { timeTzCmp, type TimeTz } from '../common/time.js';
import { registerAggregate, type Accumulator, type AggregateFunction } from './registry.js';

// ---- state arrays ---------------------------------------------------------------------------

function newCap(cur: number, n: number): number {
  let c = Math.max(cur * 2, 16);
  while (c < n) c *= 2;
  return c;
}
function growF64(a: Float64Array, cap: number) { const b = new Float64Array(cap); b.set(a); return b; }
function growI32(a: Int32Array, cap: number) { const b = new Int32Array(cap); b.set(a); return b; }
function growU8(a: Uint8Array, cap: number) { const b = new Uint8Array(cap); b.set(a); return b; }
function growI64(a: BigInt64Array, cap: number) { const b = new BigInt64Array(cap); b.set(a); return b; }
function growArr<V>(a: V[], cap: number, fill: V): void { for (let i = a.length; i < cap; i++) a.push(fill); }

abstract class Base implements Accumulator {
  protected cap = 0;
  /**
   * Largest group count asked for. While it is 1 every row belongs to group 0 (an aggregate
   * without GROUP BY), and the hot loops keep the running value in a local: updating one
   * memory slot per row serializes on store-to-load forwarding.
   */
  protected size = 0;
  /** Groups [freshFrom, size) were created since the last update (by the rows it will see). */
  protected freshFrom = 0;
  resize(n: number): void {
    if (n > this.size) this.size = n;
    if (n <= this.cap) return;
    const c = newCap(this.cap, n);
    this.grow(c);
    this.cap = c;
  }
  protected abstract grow(cap: number): void;
  abstract update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void;
  abstract merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void;
  abstract finish(n: number): Vector;
}

/** Output vector with a validity array only when some group is NULL. */
function out(type: SqlType, data: VectorData, valid: Uint8Array, anyNull: boolean, n: number): Vector {
  return makeVector(type, data, anyNull ? valid : null, n);
}

/** Calls f(group, row) for each non-NULL row of v; the generic (not the hot) path. */
function eachRow(gids: Int32Array, n: number, v: Vector, sel: Int32Array | null, f: (g: number, i: number) => void): void {
  const valid = v.valid;
  for (let k = 0; k < n; k++) {
    const i = sel === null ? k : sel[k]!;
    if (valid !== null && valid[i] === 0) continue;
    f(gids[k]!, i);
  }
}

function isInf(x: number): boolean { return x === Infinity || x === -Infinity; }
function overflowError(): never { throw new QuiverError(SqlState.numericOutOfRange, 'value out of range: overflow'); }

// ---- count ----------------------------------------------------------------------------------

class Count extends Base {
  /** Reads validity only, never values. */
  readonly fixedInput = true;
  c = new Float64Array(0);
  constructor(private star: boolean) { super(); }
  protected grow(cap: number): void { this.c = growF64(this.c, cap); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const c = this.c;
    const valid = this.star ? null : args[0]!.valid;
    if (this.size === 1) {
      let t = 0;
      if (valid === null) t = n;
      else if (sel === null) for (let k = 0; k < n; k++) t += valid[k]!;
      else for (let k = 0; k < n; k++) t += valid[sel[k]!]!;
      c[0] += t;
      return;
    }
    if (valid === null) {
      for (let k = 0; k < n; k++) c[gids[k]!]++;
    } else if (sel === null) {
      for (let k = 0; k < n; k++) c[gids[k]!] += valid[k]!;
    } else {
      for (let k = 0; k < n; k++) c[gids[k]!] += valid[sel[k]!]!;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = (other as Count).c, c = this.c;
    for (let k = 0; k < n; k++) c[into[k]!] += o[from[k]!]!;
  }
  finish(n: number): Vector {
    this.resize(n);
    const r = new BigInt64Array(n), c = this.c;
    for (let g = 0; g < n; g++) r[g] = BigInt(c[g]!);
    return makeVector(T.int8, r, null, n);
  }
}

// ---- sum and avg over int2/int4 -------------------------------------------------------------

const TWO52 = 4503599627370496;

/**
 * int2/int4 sums in doubles, exact while |sum| < 2^53. Each batch adds at most n * maxAbs, so
 * after `limit` rows the doubles are folded into bigints and restart from zero.
 */
class SmallIntSum extends Base {
  sum = new Float64Array(0);
  cnt = new Float64Array(0);
  big: bigint[] | null = null;
  private pending = 0;
  private readonly limit: number;
  constructor(maxAbs: number, private avg: boolean, private ret: SqlType) {
    super();
    this.limit = Math.floor(TWO52 / maxAbs);
  }
  protected grow(cap: number): void {
    this.sum = growF64(this.sum, cap);
    this.cnt = growF64(this.cnt, cap);
    if (this.big) growArr(this.big, cap, 0n);
  }
  private bigs(): bigint[] {
    if (!this.big) { this.big = []; growArr(this.big, this.cap, 0n); }
    return this.big;
  }
  private flush(): void {
    const big = this.bigs(), s = this.sum;
    for (let g = 0; g < this.cap; g++) {
      if (s[g] !== 0) { big[g] = big[g]! + BigInt(s[g]!); s[g] = 0; }
    }
    this.pending = 0;
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    if (this.pending + n > this.limit) this.flush();
    this.pending += n;
    const v = args[0]!, d = v.data as Int32Array, valid = v.valid;
    const s = this.sum, c = this.cnt;
    if (this.size === 1) {
      let t = 0, m = 0;
      if (valid === null) {
        m = n;
        if (sel === null) for (let k = 0; k < n; k++) t += d[k]!;
        else for (let k = 0; k < n; k++) t += d[sel[k]!]!;
      } else {
        for (let k = 0; k < n; k++) { const i = sel === null ? k : sel[k]!; if (valid[i] !== 0) { t += d[i]!; m++; } }
      }
      s[0] += t;
      c[0] += m;
      return;
    }
    if (valid === null) {
      if (sel === null) {
        for (let k = 0; k < n; k++) { const g = gids[k]!; s[g] += d[k]!; c[g]++; }
      } else {
        for (let k = 0; k < n; k++) { const g = gids[k]!; s[g] += d[sel[k]!]!; c[g]++; }
      }
    } else if (sel === null) {
      for (let k = 0; k < n; k++) if (valid[k] !== 0) { const g = gids[k]!; s[g] += d[k]!; c[g]++; }
    } else {
      for (let k = 0; k < n; k++) { const i = sel[k]!; if (valid[i] !== 0) { const g = gids[k]!; s[g] += d[i]!; c[g]++; } }
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as SmallIntSum;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      this.cnt[a] += o.cnt[b]!;
      const t = this.sum[a]! + o.sum[b]!;
      // Keep the double within 2^52 so the rows still to come cannot make it inexact.
      if (Math.abs(t) <= TWO52) this.sum[a] = t;
      else {
        const big = this.bigs();
        big[a] = big[a]! + BigInt(this.sum[a]!) + BigInt(o.sum[b]!);
        this.sum[a] = 0;
      }
      if (o.big && o.big[b] !== 0n) { const big = this.bigs(); big[a] = big[a]! + o.big[b]!; }
    }
  }
  private exact(g: number): bigint { return BigInt(this.sum[g]!) + (this.big ? this.big[g]! : 0n); }
  finish(n: number): Vector {
    this.resize(n);
    const valid = new Uint8Array(n);
    let anyNull = false;
    if (this.avg) {
      const r: (Decimal | null)[] = new Array(n).fill(null);
      for (let g = 0; g < n; g++) {
        if (this.cnt[g] === 0) { anyNull = true; continue; }
        r[g] = new Decimal(this.exact(g), 0).div(new Decimal(BigInt(this.cnt[g]!), 0));
        valid[g] = 1;
      }
      return out(this.ret, r, valid, anyNull, n);
    }
    const r = new BigInt64Array(n);
    for (let g = 0; g < n; g++) {
      if (this.cnt[g] === 0) { anyNull = true; continue; }
      const s = this.big ? this.exact(g) : BigInt(this.sum[g]!);
      if (s > 9223372036854775807n || s < -9223372036854775808n) throw new QuiverError(SqlState.numericOutOfRange, 'bigint out of range');
      r[g] = s;
      valid[g] = 1;
    }
    return out(this.ret, r, valid, anyNull, n);
  }
}

// ---- sum and avg over int8 ------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TWO32 = 4294967296n;

/**
 * int8 sums without a BigInt operation per row: each value is read as its two 32-bit halves
 * (through an Int32Array view of the same memory) and the halves are summed in doubles, exact
 * for 2^20 rows; then they are folded into a bigint total.
 */
class BigIntSum extends Base {
  hi = new Float64Array(0);
  lo = new Float64Array(0);
  cnt = new Float64Array(0);
  big: bigint[] = [];
  private pending = 0;
  constructor(private avg: boolean) { super(); }
  protected grow(cap: number): void {
    this.hi = growF64(this.hi, cap);
    this.lo = growF64(this.lo, cap);
    this.cnt = growF64(this.cnt, cap);
    growArr(this.big, cap, 0n);
  }
  private fold(g: number): void {
    if (this.hi[g] === 0 && this.lo[g] === 0) return;
    this.big[g] = this.big[g]! + BigInt(this.hi[g]!) * TWO32 + BigInt(this.lo[g]!);
    this.hi[g] = 0;
    this.lo[g] = 0;
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as BigInt64Array, valid = v.valid;
    const c = this.cnt;
    if (!LITTLE_ENDIAN) {
      for (let k = 0; k < n; k++) {
        const i = sel === null ? k : sel[k]!;
        if (valid !== null && valid[i] === 0) continue;
        const g = gids[k]!;
        this.big[g] = this.big[g]! + d[i]!;
        c[g]++;
      }
      return;
    }
    if (this.pending + n > 1048576) {
      for (let g = 0; g < this.cap; g++) this.fold(g);
      this.pending = 0;
    }
    this.pending += n;
    const w = new Int32Array(d.buffer, d.byteOffset, d.length * 2);
    const hi = this.hi, lo = this.lo;
    if (valid === null && sel === null) {
      if (this.size === 1) {
        let h = 0, l = 0;
        for (let k = 0; k < n; k++) { l += w[2 * k]! >>> 0; h += w[2 * k + 1]!; }
        lo[0] += l;
        hi[0] += h;
        c[0] += n;
        return;
      }
      for (let k = 0; k < n; k++) { const g = gids[k]!; lo[g] += w[2 * k]! >>> 0; hi[g] += w[2 * k + 1]!; c[g]++; }
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!;
      lo[g] += w[2 * i]! >>> 0;
      hi[g] += w[2 * i + 1]!;
      c[g]++;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as BigIntSum;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      this.fold(a);
      this.big[a] = this.big[a]! + o.exact(b);
      this.cnt[a] += o.cnt[b]!;
    }
  }
  private exact(g: number): bigint {
    return this.big[g]! + BigInt(this.hi[g]!) * TWO32 + BigInt(this.lo[g]!);
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: (Decimal | null)[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      if (this.cnt[g] === 0) { anyNull = true; continue; }
      const s = new Decimal(this.exact(g), 0);
      r[g] = this.avg ? s.div(new Decimal(BigInt(this.cnt[g]!), 0)) : s;
      valid[g] = 1;
    }
    return out(T.numeric, r, valid, anyNull, n);
  }
}

// ---- sum and avg over numeric ---------------------------------------------------------------

/**
 * numeric sums. Fixed-point input (common/vector.ts) is summed per group in doubles at the
 * input's scale while every partial sum stays below 2^53 in magnitude, and so exact (the argument
 * in physical/fixed_numeric.ts); a sum about to leave that range is moved into the group's exact
 * DecimalSum first, as is everything when the input scale changes. Decimal input goes straight
 * to the DecimalSum.
 */
class NumericSum extends Base {
  readonly fixedInput = true;
  st: (DecimalSum | null)[] = [];
  fsum = new Float64Array(0);
  fcnt = new Float64Array(0);
  /** Scale of the fixed-point partial sums; -1 before the first fixed-point input. */
  fs = -1;
  constructor(private avg: boolean) { super(); }
  protected grow(cap: number): void {
    growArr(this.st, cap, null);
    this.fsum = growF64(this.fsum, cap);
    this.fcnt = growF64(this.fcnt, cap);
  }
  private at(g: number): DecimalSum {
    let s = this.st[g];
    if (!s) { s = new DecimalSum(); this.st[g] = s; }
    return s;
  }
  /** Moves group g's fixed-point partial sum into its DecimalSum. */
  private spill(g: number): void {
    if (this.fcnt[g] === 0) return;
    this.at(g).addFixed(BigInt(this.fsum[g]!), this.fs, this.fcnt[g]!);
    this.fsum[g] = 0;
    this.fcnt[g] = 0;
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!;
    if (v.scale === undefined) {
      const d = v.data as Decimal[];
      eachRow(gids, n, v, sel, (g, i) => this.at(g).add(d[i]!));
      return;
    }
    if (this.fs !== v.scale) {
      for (let g = 0; g < this.cap; g++) this.spill(g);
      this.fs = v.scale;
    }
    const d = v.data as Float64Array, valid = v.valid, fsum = this.fsum, fcnt = this.fcnt;
    if (this.size === 1) {
      let t = fsum[0]!, c = fcnt[0]!;
      for (let k = 0; k < n; k++) {
        const i = sel === null ? k : sel[k]!;
        if (valid !== null && valid[i] === 0) continue;
        const x = d[i]!, u = t + x;
        if (u <= MAX_FIXED && u >= -MAX_FIXED) { t = u; c++; continue; }
        fsum[0] = t; fcnt[0] = c;
        this.spill(0);
        t = x; c = 1;
      }
      fsum[0] = t; fcnt[0] = c;
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!, x = d[i]!, u = fsum[g]! + x;
      if (u <= MAX_FIXED && u >= -MAX_FIXED) { fsum[g] = u; fcnt[g]++; continue; }
      this.spill(g);
      fsum[g] = x; fcnt[g] = 1;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as NumericSum;
    for (let k = 0; k < n; k++) {
      const b = from[k]!;
      const s = o.st[b];
      if (s) this.at(into[k]!).addSum(s);
      if (o.fcnt[b]! > 0) this.at(into[k]!).addFixed(BigInt(o.fsum[b]!), o.fs, o.fcnt[b]!);
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: (Decimal | null)[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      // A fresh total: finish must leave the state as it is (running window aggregates).
      let s = this.st[g] ?? null;
      if (this.fcnt[g]! > 0) {
        const t = new DecimalSum();
        if (s) t.addSum(s);
        t.addFixed(BigInt(this.fsum[g]!), this.fs, this.fcnt[g]!);
        s = t;
      }
      const v = s ? (this.avg ? s.average() : s.result()) : null;
      if (v === null) { anyNull = true; continue; }
      r[g] = v;
      valid[g] = 1;
    }
    return out(T.numeric, r, valid, anyNull, n);
  }
}

// ---- sum and avg over float -----------------------------------------------------------------

/**
 * float sums. `inf` records a non-finite input per group, to tell an overflowing sum (an error
 * in PostgreSQL) from a sum of infinities (a valid result).
 */
class FloatSum extends Base {
  sum = new Float64Array(0);
  cnt = new Float64Array(0);
  inf = new Uint8Array(0);
  /** f4: sum(real) rounds every partial sum to single precision, as float4pl does. */
  constructor(private mode: 'sum8' | 'sum4' | 'avg') { super(); }
  protected grow(cap: number): void {
    this.sum = growF64(this.sum, cap);
    this.cnt = growF64(this.cnt, cap);
    this.inf = growU8(this.inf, cap);
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const fresh = this.freshFrom;
    this.freshFrom = this.size;
    const v = args[0]!, d = v.data as Float64Array, valid = v.valid;
    const s = this.sum, c = this.cnt, inf = this.inf;
    if (this.mode === 'sum4') {
      eachRow(gids, n, v, sel, (g, i) => {
        const x = d[i]!;
        if (x - x !== 0) inf[g] = 1;
        s[g] = Math.fround(s[g]! + x);
        c[g]++;
      });
      return;
    }
    if (valid === null && sel === null) {
      if (this.size === 1) {
        // Same order of additions as the general loop, so the same rounding.
        let t = s[0]!, bad = 0;
        for (let k = 0; k < n; k++) { const x = d[k]!; t += x; bad |= x - x !== 0 ? 1 : 0; }
        s[0] = t;
        c[0] += n;
        if (bad) inf[0] = 1;
        return;
      }
      // Infinite inputs are rare: note them for the whole batch, then find their groups.
      let bad = 0;
      if (this.mode === 'avg') {
        for (let k = 0; k < n; k++) { const g = gids[k]!, x = d[k]!; s[g] += x; c[g]++; bad |= x - x !== 0 ? 1 : 0; }
      } else {
        // sum needs only "some row seen" per group. Without NULLs or a selection every group
        // created for this batch has a row in it, so the flags are set in bulk, not per row.
        c.fill(1, fresh, this.size);
        for (let k = 0; k < n; k++) { const g = gids[k]!, x = d[k]!; s[g] += x; bad |= x - x !== 0 ? 1 : 0; }
      }
      if (bad) for (let k = 0; k < n; k++) { const x = d[k]!; if (x - x !== 0) inf[gids[k]!] = 1; }
      return;
    }
    if (valid === null && sel !== null && this.size === 1) {
      // One group behind a filter: gather-and-add, no per-row group lookups.
      let t = s[0]!, bad = 0;
      for (let k = 0; k < n; k++) { const x = d[sel[k]!]!; t += x; bad |= x - x !== 0 ? 1 : 0; }
      s[0] = t;
      c[0] += n;
      if (bad) inf[0] = 1;
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!, x = d[i]!;
      s[g] += x;
      c[g]++;
      if (x - x !== 0) inf[g] = 1;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as FloatSum;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      this.sum[a] = this.mode === 'sum4' ? Math.fround(this.sum[a]! + o.sum[b]!) : this.sum[a]! + o.sum[b]!;
      this.cnt[a] += o.cnt[b]!;
      this.inf[a] |= o.inf[b]!;
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r = new Float64Array(n), valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      if (this.cnt[g] === 0) { anyNull = true; continue; }
      const s = this.sum[g]!;
      if (!Number.isFinite(s) && !Number.isNaN(s) && this.inf[g] === 0) overflowError();
      r[g] = this.mode === 'avg' ? s / this.cnt[g]! : s;
      valid[g] = 1;
    }
    return out(this.mode === 'sum4' ? T.float4 : T.float8, r, valid, anyNull, n);
  }
}

// ---- sum and avg over interval --------------------------------------------------------------

class IntervalSum extends Base {
  months = new Float64Array(0);
  days = new Float64Array(0);
  micros = new Float64Array(0);
  cnt = new Float64Array(0);
  constructor(private avg: boolean) { super(); }
  protected grow(cap: number): void {
    this.months = growF64(this.months, cap);
    this.days = growF64(this.days, cap);
    this.micros = growF64(this.micros, cap);
    this.cnt = growF64(this.cnt, cap);
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const d = args[0]!.data as dt.Interval[];
    eachRow(gids, n, args[0]!, sel, (g, i) => {
      const x = d[i]!;
      this.months[g] += x.months;
      this.days[g] += x.days;
      this.micros[g] += x.micros;
      this.cnt[g]++;
    });
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as IntervalSum;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      this.months[a] += o.months[b]!;
      this.days[a] += o.days[b]!;
      this.micros[a] += o.micros[b]!;
      this.cnt[a] += o.cnt[b]!;
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: (dt.Interval | null)[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      if (this.cnt[g] === 0) { anyNull = true; continue; }
      const m = this.months[g]!, d = this.days[g]!;
      if (Math.abs(m) > 2147483647 || Math.abs(d) > 2147483647) throw new QuiverError(SqlState.datetimeFieldOverflow, 'interval out of range');
      const s = new dt.Interval(m, d, this.micros[g]!);
      r[g] = this.avg ? dt.intervalDiv(s, this.cnt[g]!) : s;
      valid[g] = 1;
    }
    return out(T.interval, r, valid, anyNull, n);
  }
}

// ---- min and max ----------------------------------------------------------------------------

class I32MinMax extends Base {
  m = new Int32Array(0);
  has = new Uint8Array(0);
  constructor(private max: boolean, private ret: SqlType) { super(); }
  protected grow(cap: number): void { this.m = growI32(this.m, cap); this.has = growU8(this.has, cap); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as Int32Array, valid = v.valid, m = this.m, has = this.has;
    if (valid === null && sel === null && this.size === 1 && n > 0) {
      let r = has[0] === 0 ? d[0]! : m[0]!;
      if (this.max) { for (let k = 0; k < n; k++) { const x = d[k]!; if (x > r) r = x; } }
      else { for (let k = 0; k < n; k++) { const x = d[k]!; if (x < r) r = x; } }
      m[0] = r;
      has[0] = 1;
      return;
    }
    if (valid === null && sel === null) {
      if (this.max) {
        for (let k = 0; k < n; k++) { const g = gids[k]!, x = d[k]!; if (has[g] === 0) { has[g] = 1; m[g] = x; } else if (x > m[g]!) m[g] = x; }
      } else {
        for (let k = 0; k < n; k++) { const g = gids[k]!, x = d[k]!; if (has[g] === 0) { has[g] = 1; m[g] = x; } else if (x < m[g]!) m[g] = x; }
      }
      return;
    }
    const max = this.max;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!, x = d[i]!;
      if (has[g] === 0) { has[g] = 1; m[g] = x; } else if (max ? x > m[g]! : x < m[g]!) m[g] = x;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as I32MinMax;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      if (o.has[b] === 0) continue;
      const x = o.m[b]!;
      if (this.has[a] === 0 || (this.max ? x > this.m[a]! : x < this.m[a]!)) { this.m[a] = x; this.has[a] = 1; }
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) if (this.has[g] === 0) { anyNull = true; break; }
    return out(this.ret, this.m.slice(0, n), this.has.slice(0, n), anyNull, n);
  }
}

/** PostgreSQL orders NaN above every other float, so max() returns it and min() avoids it. */
class F64MinMax extends Base {
  m = new Float64Array(0);
  has = new Uint8Array(0);
  constructor(private max: boolean, private ret: SqlType) { super(); }
  protected grow(cap: number): void { this.m = growF64(this.m, cap); this.has = growU8(this.has, cap); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as Float64Array, valid = v.valid, m = this.m, has = this.has;
    if (valid === null && sel === null && this.size === 1 && n > 0) {
      let c = has[0] === 0 ? d[0]! : m[0]!;
      if (this.max) { for (let k = 0; k < n; k++) { const x = d[k]!; if (c === c && (x > c || x !== x)) c = x; } }
      else { for (let k = 0; k < n; k++) { const x = d[k]!; if (x === x && (x < c || c !== c)) c = x; } }
      m[0] = c;
      has[0] = 1;
      return;
    }
    if (valid === null && sel === null) {
      if (this.max) {
        for (let k = 0; k < n; k++) {
          const g = gids[k]!, x = d[k]!;
          if (has[g] === 0) { has[g] = 1; m[g] = x; } else { const c = m[g]!; if (c === c && (x > c || x !== x)) m[g] = x; }
        }
      } else {
        for (let k = 0; k < n; k++) {
          const g = gids[k]!, x = d[k]!;
          if (has[g] === 0) { has[g] = 1; m[g] = x; } else { const c = m[g]!; if (x === x && (x < c || c !== c)) m[g] = x; }
        }
      }
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      this.put(gids[k]!, d[i]!);
    }
  }
  private put(g: number, x: number): void {
    if (this.has[g] === 0) { this.has[g] = 1; this.m[g] = x; return; }
    const c = this.m[g]!;
    if (this.max ? c === c && (x > c || x !== x) : x === x && (x < c || c !== c)) this.m[g] = x;
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as F64MinMax;
    for (let k = 0; k < n; k++) if (o.has[from[k]!] !== 0) this.put(into[k]!, o.m[from[k]!]!);
  }
  finish(n: number): Vector {
    this.resize(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) if (this.has[g] === 0) { anyNull = true; break; }
    return out(this.ret, this.m.slice(0, n), this.has.slice(0, n), anyNull, n);
  }
}

class I64MinMax extends Base {
  m = new BigInt64Array(0);
  has = new Uint8Array(0);
  constructor(private max: boolean, private ret: SqlType) { super(); }
  protected grow(cap: number): void { this.m = growI64(this.m, cap); this.has = growU8(this.has, cap); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as BigInt64Array, valid = v.valid, m = this.m, has = this.has, max = this.max;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!, x = d[i]!;
      if (has[g] === 0) { has[g] = 1; m[g] = x; } else if (max ? x > m[g]! : x < m[g]!) m[g] = x;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as I64MinMax;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      if (o.has[b] === 0) continue;
      const x = o.m[b]!;
      if (this.has[a] === 0 || (this.max ? x > this.m[a]! : x < this.m[a]!)) { this.m[a] = x; this.has[a] = 1; }
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) if (this.has[g] === 0) { anyNull = true; break; }
    return out(this.ret, this.m.slice(0, n), this.has.slice(0, n), anyNull, n);
  }
}

/** min/max over values held in plain arrays (numeric, text, interval), by a comparison. */
class ObjMinMax<V> extends Base {
  m: (V | null)[] = [];
  /**
   * numeric_larger and interval_smaller (and their siblings) keep the later of two equal values,
   * which shows where equal values differ in form (1.0 and 1.000, '1 day' and '24 hours').
   */
  private readonly tie: number;
  constructor(private max: boolean, private ret: SqlType, private cmp: (a: V, b: V) => number, laterOfEqual = false) {
    super();
    this.tie = laterOfEqual ? 0 : max ? 1 : -1;
  }
  protected grow(cap: number): void { growArr(this.m, cap, null); }
  private put(g: number, x: V): void {
    const c = this.m[g];
    if (c === null || c === undefined) { this.m[g] = x; return; }
    const r = this.cmp(x, c);
    if (this.max ? r >= this.tie : r <= this.tie) this.m[g] = x;
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const d = args[0]!.data as V[];
    eachRow(gids, n, args[0]!, sel, (g, i) => this.put(g, d[i]!));
  }
  protected putValue(g: number, x: V): void { this.put(g, x); }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as ObjMinMax<V>;
    for (let k = 0; k < n; k++) {
      const x = o.m[from[k]!];
      if (x !== null && x !== undefined) this.put(into[k]!, x);
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const valid = new Uint8Array(n);
    let anyNull = false;
    const r = this.m.slice(0, n);
    for (let g = 0; g < n; g++) if (r[g] === null) anyNull = true; else valid[g] = 1;
    return out(this.ret, r as VectorData, valid, anyNull, n);
  }
}

/**
 * numeric min/max. A fixed-point batch (one scale, so equal values are equal Decimals) is reduced
 * to each group's best scaled integer first; only those become Decimals and meet the state.
 */
class NumericMinMax extends ObjMinMax<Decimal> {
  readonly fixedInput = true;
  private best = new Float64Array(0);
  private seen = new Uint8Array(0);
  constructor(private readonly isMax: boolean, ret: SqlType) { super(isMax, ret, (a, b) => a.cmp(b), true); }
  override update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, scale = v.scale;
    if (scale === undefined) { super.update(gids, n, args, sel); return; }
    if (this.best.length < this.cap) { this.best = new Float64Array(this.cap); this.seen = new Uint8Array(this.cap); }
    const d = v.data as Float64Array, valid = v.valid, best = this.best, seen = this.seen, max = this.isMax;
    const touched: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!, x = d[i]!;
      if (seen[g] === 0) { seen[g] = 1; best[g] = x; touched.push(g); } else if (max ? x > best[g]! : x < best[g]!) best[g] = x;
    }
    for (const g of touched) { this.putValue(g, new Decimal(BigInt(best[g]!), scale)); seen[g] = 0; }
  }
}

function trimBlanks(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return s.slice(0, e);
}
function cmpText(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
function cmpBpchar(a: string, b: string): number { return cmpText(trimBlanks(a), trimBlanks(b)); }

function minMax(max: boolean, t: SqlType): Accumulator {
  switch (physicalKind(t.id)) {
    case 'i32': return new I32MinMax(max, t);
    case 'f64': return new F64MinMax(max, t);
    case 'i64': return new I64MinMax(max, t);
    case 'decimal': return new NumericMinMax(max, t);
    case 'interval':
      if (t.id === 'timetz') return new ObjMinMax<TimeTz>(max, t, timeTzCmp);
      return new ObjMinMax<dt.Interval>(max, t, dt.intervalCmp, true);
    default: return new ObjMinMax<string>(max, t, t.id === 'bpchar' ? cmpBpchar : cmpText);
  }
}

// ---- bool_and / bool_or ---------------------------------------------------------------------

/** State per group: 0 = no input yet, 1 = false, 2 = true. */
class BoolAgg extends Base {
  s = new Uint8Array(0);
  constructor(private and: boolean) { super(); }
  protected grow(cap: number): void { this.s = growU8(this.s, cap); }
  private put(g: number, x: number): void {
    const c = this.s[g]!;
    this.s[g] = c === 0 ? x : this.and ? Math.min(c, x) : Math.max(c, x);
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const d = args[0]!.data as Uint8Array;
    eachRow(gids, n, args[0]!, sel, (g, i) => this.put(g, d[i]! ? 2 : 1));
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = (other as BoolAgg).s;
    for (let k = 0; k < n; k++) { const x = o[from[k]!]!; if (x !== 0) this.put(into[k]!, x); }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r = new Uint8Array(n), valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const c = this.s[g]!;
      if (c === 0) anyNull = true; else { r[g] = c === 2 ? 1 : 0; valid[g] = 1; }
    }
    return out(T.bool, r, valid, anyNull, n);
  }
}

// ---- string_agg -----------------------------------------------------------------------------

/**
 * Each group's text starts with the delimiter of its first value, which finish() skips; merging
 * then needs no knowledge of which delimiter belongs between the two parts.
 */
class StringAgg extends Base {
  parts: (string | null)[] = [];
  skip = new Int32Array(0);
  protected grow(cap: number): void { growArr(this.parts, cap, null); this.skip = growI32(this.skip, cap); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as string[];
    const dv = args[1]!, dd = dv.data as string[], dvalid = dv.valid;
    eachRow(gids, n, v, sel, (g, i) => {
      // A NULL delimiter acts as an empty one.
      const delim = dvalid !== null && dvalid[i] === 0 ? '' : dd[i]!;
      const p = this.parts[g];
      const more = delim.length + d[i]!.length;
      if ((p?.length ?? 0) + more > MAX_TEXT_LENGTH) throw textTooLong((p?.length ?? 0) - this.skip[g]!, more);
      if (p === null || p === undefined) { this.parts[g] = delim + d[i]!; this.skip[g] = delim.length; }
      else this.parts[g] = p + delim + d[i]!;
    });
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as StringAgg;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      const q = o.parts[b];
      if (q === null || q === undefined) continue;
      const p = this.parts[a];
      if (p === null || p === undefined) { this.parts[a] = q; this.skip[a] = o.skip[b]!; }
      else if (p.length + q.length > MAX_TEXT_LENGTH) throw textTooLong(p.length, q.length);
      else this.parts[a] = p + q;
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: (string | null)[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const p = this.parts[g];
      if (p === null || p === undefined) { anyNull = true; continue; }
      r[g] = this.skip[g] === 0 ? p : p.slice(this.skip[g]);
      valid[g] = 1;
    }
    return out(T.text, r, valid, anyNull, n);
  }
}

// ---- variance and standard deviation --------------------------------------------------------

type Moment = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop';

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (n < 4503599627370496n) {
    while (x * x > n) x--;
    while ((x + 1n) * (x + 1n) <= n) x++;
    return x;
  }
  // Newton from an overestimate decreases monotonically to the floor.
  x += 1n;
  while (x * x <= n) x *= 2n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Square root of a non-negative decimal rounded (half up) to `scale` digits. */
function sqrtAtScale(d: Decimal, scale: number): Decimal {
  const shift = 2 * scale + 2 - d.s;
  const n = shift >= 0 ? d.v * 10n ** BigInt(shift) : d.v / 10n ** BigInt(-shift);
  const r = isqrt(n);
  const q = r / 10n;
  return new Decimal(r % 10n >= 5n ? q + 1n : q, scale);
}

/**
 * numeric variance as numeric.c computes it: exact sums of x and x², the numerator
 * N·Σx² − (Σx)² exact, one division with numeric's result-scale rule, and the square root
 * taken at that same scale.
 */
class NumericMoments extends Base {
  cnt = new Float64Array(0);
  sx: bigint[] = [];
  sxx: bigint[] = [];
  scale = new Int32Array(0);
  constructor(private kind: Moment, private input: 'int' | 'int8' | 'numeric') { super(); }
  protected grow(cap: number): void {
    this.cnt = growF64(this.cnt, cap);
    growArr(this.sx, cap, 0n);
    growArr(this.sxx, cap, 0n);
    this.scale = growI32(this.scale, cap);
  }
  /** Brings group g to scale s (only ever upwards). */
  private rescale(g: number, s: number): void {
    const by = s - this.scale[g]!;
    if (by <= 0) return;
    const p = 10n ** BigInt(by);
    this.sx[g] = this.sx[g]! * p;
    this.sxx[g] = this.sxx[g]! * p * p;
    this.scale[g] = s;
  }
  private add(g: number, v: bigint, s: number): void {
    if (s > this.scale[g]!) this.rescale(g, s);
    else if (s < this.scale[g]!) v *= 10n ** BigInt(this.scale[g]! - s);
    this.sx[g] = this.sx[g]! + v;
    this.sxx[g] = this.sxx[g]! + v * v;
    this.cnt[g]++;
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!;
    if (this.input === 'numeric') {
      const d = v.data as Decimal[];
      eachRow(gids, n, v, sel, (g, i) => { const x = d[i]!; this.add(g, x.v, x.s); });
    } else if (this.input === 'int8') {
      const d = v.data as BigInt64Array;
      eachRow(gids, n, v, sel, (g, i) => this.add(g, d[i]!, 0));
    } else {
      const d = v.data as Int32Array;
      eachRow(gids, n, v, sel, (g, i) => this.add(g, BigInt(d[i]!), 0));
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as NumericMoments;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      if (o.cnt[b] === 0) continue;
      const s = Math.max(this.scale[a]!, o.scale[b]!);
      this.rescale(a, s);
      const p = 10n ** BigInt(s - o.scale[b]!);
      this.sx[a] = this.sx[a]! + o.sx[b]! * p;
      this.sxx[a] = this.sxx[a]! + o.sxx[b]! * p * p;
      this.cnt[a] += o.cnt[b]!;
    }
  }
  private result(g: number): Decimal | null {
    const N = this.cnt[g]!;
    const sample = this.kind === 'var_samp' || this.kind === 'stddev_samp';
    if (N === 0 || (sample && N <= 1)) return null;
    const bn = BigInt(N);
    const sx = this.sx[g]!;
    const num = bn * this.sxx[g]! - sx * sx;
    if (num <= 0n) return Decimal.ZERO;
    const den = sample ? bn * (bn - 1n) : bn * bn;
    const q = new Decimal(num, 2 * this.scale[g]!).div(new Decimal(den, 0));
    return this.kind === 'var_samp' || this.kind === 'var_pop' ? q : sqrtAtScale(q, q.s);
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: (Decimal | null)[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const v = this.result(g);
      if (v === null) anyNull = true; else { r[g] = v; valid[g] = 1; }
    }
    return out(T.numeric, r, valid, anyNull, n);
  }
}

/** float variance with the Youngs-Cramer updates of PostgreSQL's float8_accum and float8_combine. */
class FloatMoments extends Base {
  N = new Float64Array(0);
  Sx = new Float64Array(0);
  Sxx = new Float64Array(0);
  constructor(private kind: Moment) { super(); }
  protected grow(cap: number): void {
    this.N = growF64(this.N, cap);
    this.Sx = growF64(this.Sx, cap);
    this.Sxx = growF64(this.Sxx, cap);
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as Float64Array, valid = v.valid;
    const NN = this.N, SX = this.Sx, SXX = this.Sxx;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) continue;
      const g = gids[k]!, x = d[i]!;
      const n0 = NN[g]!, N = n0 + 1, sx0 = SX[g]!, Sx = sx0 + x;
      let Sxx = SXX[g]!;
      if (n0 > 0) {
        const tmp = x * N - Sx;
        Sxx += (tmp * tmp) / (N * n0);
        if (isInf(Sx) || isInf(Sxx)) {
          if (!isInf(sx0) && !isInf(x)) overflowError();
          Sxx = NaN;
        }
      } else if (!Number.isFinite(x)) {
        Sxx = NaN;
      }
      NN[g] = N; SX[g] = Sx; SXX[g] = Sxx;
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as FloatMoments;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      const N2 = o.N[b]!;
      if (N2 === 0) continue;
      const N1 = this.N[a]!;
      if (N1 === 0) { this.N[a] = N2; this.Sx[a] = o.Sx[b]!; this.Sxx[a] = o.Sxx[b]!; continue; }
      const Sx1 = this.Sx[a]!, Sx2 = o.Sx[b]!;
      const N = N1 + N2;
      const tmp = Sx1 / N1 - Sx2 / N2;
      const Sxx = this.Sxx[a]! + o.Sxx[b]! + (N1 * N2 * tmp * tmp) / N;
      if (isInf(Sxx) && !isInf(this.Sxx[a]!) && !isInf(o.Sxx[b]!)) overflowError();
      this.N[a] = N; this.Sx[a] = Sx1 + Sx2; this.Sxx[a] = Sxx;
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r = new Float64Array(n), valid = new Uint8Array(n);
    let anyNull = false;
    const sample = this.kind === 'var_samp' || this.kind === 'stddev_samp';
    const root = this.kind === 'stddev_samp' || this.kind === 'stddev_pop';
    for (let g = 0; g < n; g++) {
      const N = this.N[g]!;
      if (N === 0 || (sample && N <= 1)) { anyNull = true; continue; }
      const v = this.Sxx[g]! / (sample ? N - 1 : N);
      r[g] = root ? Math.sqrt(v) : v;
      valid[g] = 1;
    }
    return out(T.float8, r, valid, anyNull, n);
  }
}

// ---- regression and correlation -------------------------------------------------------------

type Regr =
  | 'covar_pop' | 'covar_samp' | 'corr' | 'regr_slope' | 'regr_intercept' | 'regr_count' | 'regr_r2'
  | 'regr_avgx' | 'regr_avgy' | 'regr_sxx' | 'regr_syy' | 'regr_sxy';

/** float8_regr_accum / float8_regr_combine: arguments are (Y, X) in that order. */
class RegrAgg extends Base {
  N = new Float64Array(0);
  Sx = new Float64Array(0);
  Sxx = new Float64Array(0);
  Sy = new Float64Array(0);
  Syy = new Float64Array(0);
  Sxy = new Float64Array(0);
  constructor(private kind: Regr) { super(); }
  protected grow(cap: number): void {
    this.N = growF64(this.N, cap); this.Sx = growF64(this.Sx, cap); this.Sxx = growF64(this.Sxx, cap);
    this.Sy = growF64(this.Sy, cap); this.Syy = growF64(this.Syy, cap); this.Sxy = growF64(this.Sxy, cap);
  }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const vy = args[0]!, vx = args[1]!;
    const dy = vy.data as Float64Array, dx = vx.data as Float64Array, ny = vy.valid, nx = vx.valid;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if ((ny !== null && ny[i] === 0) || (nx !== null && nx[i] === 0)) continue;
      this.add(gids[k]!, dx[i]!, dy[i]!);
    }
  }
  private add(g: number, x: number, y: number): void {
    const n0 = this.N[g]!, N = n0 + 1;
    const sx0 = this.Sx[g]!, sy0 = this.Sy[g]!;
    const Sx = sx0 + x, Sy = sy0 + y;
    let Sxx = this.Sxx[g]!, Syy = this.Syy[g]!, Sxy = this.Sxy[g]!;
    if (n0 > 0) {
      const tx = x * N - Sx, ty = y * N - Sy;
      const scale = 1 / (N * n0);
      Sxx += tx * tx * scale;
      Syy += ty * ty * scale;
      Sxy += tx * ty * scale;
      const okX = !isInf(sx0) && !isInf(x), okY = !isInf(sy0) && !isInf(y);
      if (isInf(Sx) || isInf(Sxx) || isInf(Sy) || isInf(Syy) || (isInf(Sxy) && okX && okY)) {
        if (((isInf(Sx) || isInf(Sxx)) && okX) || ((isInf(Sy) || isInf(Syy)) && okY) || (isInf(Sxy) && okX && okY)) overflowError();
        if (isInf(Sxx)) Sxx = NaN;
        if (isInf(Syy)) Syy = NaN;
        if (isInf(Sxy)) Sxy = NaN;
      }
    } else {
      if (!Number.isFinite(x)) { Sxx = NaN; Sxy = NaN; }
      if (!Number.isFinite(y)) { Syy = NaN; Sxy = NaN; }
    }
    this.N[g] = N; this.Sx[g] = Sx; this.Sy[g] = Sy; this.Sxx[g] = Sxx; this.Syy[g] = Syy; this.Sxy[g] = Sxy;
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as RegrAgg;
    for (let k = 0; k < n; k++) {
      const a = into[k]!, b = from[k]!;
      const N2 = o.N[b]!;
      if (N2 === 0) continue;
      const N1 = this.N[a]!;
      if (N1 === 0) {
        this.N[a] = N2; this.Sx[a] = o.Sx[b]!; this.Sy[a] = o.Sy[b]!;
        this.Sxx[a] = o.Sxx[b]!; this.Syy[a] = o.Syy[b]!; this.Sxy[a] = o.Sxy[b]!;
        continue;
      }
      const N = N1 + N2;
      const t1 = this.Sx[a]! / N1 - o.Sx[b]! / N2;
      const t2 = this.Sy[a]! / N1 - o.Sy[b]! / N2;
      this.Sxx[a] = this.Sxx[a]! + o.Sxx[b]! + (N1 * N2 * t1 * t1) / N;
      this.Syy[a] = this.Syy[a]! + o.Syy[b]! + (N1 * N2 * t2 * t2) / N;
      this.Sxy[a] = this.Sxy[a]! + o.Sxy[b]! + (N1 * N2 * t1 * t2) / N;
      this.Sx[a] = this.Sx[a]! + o.Sx[b]!;
      this.Sy[a] = this.Sy[a]! + o.Sy[b]!;
      this.N[a] = N;
    }
  }
  private result(g: number): number | null {
    const N = this.N[g]!, Sx = this.Sx[g]!, Sy = this.Sy[g]!, Sxx = this.Sxx[g]!, Syy = this.Syy[g]!, Sxy = this.Sxy[g]!;
    if (N < 1) return null;
    switch (this.kind) {
      case 'regr_count': return N;
      case 'regr_sxx': return Sxx;
      case 'regr_syy': return Syy;
      case 'regr_sxy': return Sxy;
      case 'regr_avgx': return Sx / N;
      case 'regr_avgy': return Sy / N;
      case 'covar_pop': return Sxy / N;
      case 'covar_samp': return N < 2 ? null : Sxy / (N - 1);
      case 'corr': return Sxx === 0 || Syy === 0 ? null : Sxy / Math.sqrt(Sxx * Syy);
      case 'regr_r2': return Sxx === 0 ? null : Syy === 0 ? 1 : (Sxy * Sxy) / (Sxx * Syy);
      case 'regr_slope': return Sxx === 0 ? null : Sxy / Sxx;
      case 'regr_intercept': return Sxx === 0 ? null : (Sy - (Sx * Sxy) / Sxx) / N;
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    if (this.kind === 'regr_count') {
      const r = new BigInt64Array(n);
      for (let g = 0; g < n; g++) r[g] = BigInt(this.N[g]!);
      return makeVector(T.int8, r, null, n);
    }
    const r = new Float64Array(n), valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const v = this.result(g);
      if (v === null) anyNull = true; else { r[g] = v; valid[g] = 1; }
    }
    return out(T.float8, r, valid, anyNull, n);
  }
}

// ---- bit_and / bit_or / bit_xor -------------------------------------------------------------

/** Bitwise folds over integers; state as bigint so int8 keeps all 64 bits. */
class BitAgg extends Base {
  v: (bigint | null)[] = [];
  constructor(private op: 'and' | 'or' | 'xor', private ret: SqlType) { super(); }
  protected grow(cap: number): void { while (this.v.length < cap) this.v.push(null); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const a = args[0]!;
    const d = a.data as unknown as ArrayLike<number | bigint>;
    eachRow(gids, n, a, sel, (g, i) => {
      const x = BigInt(d[i]!);
      const cur = this.v[g];
      this.v[g] = cur === null || cur === undefined ? x : this.op === 'and' ? cur & x : this.op === 'or' ? cur | x : cur ^ x;
    });
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as BitAgg;
    for (let k = 0; k < n; k++) {
      const x = o.v[from[k]!];
      if (x === null || x === undefined) continue;
      const cur = this.v[into[k]!];
      this.v[into[k]!] = cur === null || cur === undefined ? x : this.op === 'and' ? cur & x : this.op === 'or' ? cur | x : cur ^ x;
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const big = this.ret.id === 'int8';
    const data = big ? new BigInt64Array(n) : new Int32Array(n);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const x = this.v[g];
      if (x === null || x === undefined) { anyNull = true; continue; }
      if (big) (data as BigInt64Array)[g] = BigInt.asIntN(64, x); else (data as Int32Array)[g] = Number(BigInt.asIntN(32, x));
      valid[g] = 1;
    }
    return out(this.ret, data, valid, anyNull, n);
  }
}

// ---- array_agg --------------------------------------------------------------------------------

/** Collects each group's values, NULLs included, in the order rows arrive. */
class ArrayAgg extends Base {
  lists: (unknown[] | null)[] = [];
  constructor(private ret: SqlType) { super(); }
  protected grow(cap: number): void { while (this.lists.length < cap) this.lists.push(null); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    const v = args[0]!, d = v.data as unknown as ArrayLike<unknown>, valid = v.valid;
    const bool = v.type.id === 'bool';
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      const g = gids[k]!;
      const x = valid !== null && valid[i] === 0 ? null : bool ? d[i] === 1 : d[i];
      (this.lists[g] ??= []).push(x);
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as ArrayAgg;
    for (let k = 0; k < n; k++) {
      const src = o.lists[from[k]!];
      // Element by element: push(...src) overflows the stack for a large group.
      if (src) { const dst = (this.lists[into[k]!] ??= []); for (const x of src) dst.push(x); }
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: unknown[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const l = this.lists[g];
      if (!l) { anyNull = true; continue; }
      r[g] = l.slice();
      valid[g] = 1;
    }
    return makeVector(this.ret, r as VectorData, anyNull ? valid : null, n);
  }
}

// ---- registration ---------------------------------------------------------------------------

function agg(name: string, args: AggregateFunction['args'], ret: AggregateFunction['ret'], create: (argTypes: SqlType[], ret: SqlType) => Accumulator, strict = true): void {
  registerAggregate({ name, args, ret, strict, create });
}

function register(): void {
  registerAggregate({ name: 'count', args: [], ret: T.int8, star: true, strict: false, create: () => new Count(true) });
  agg('count', ['any'], T.int8, () => new Count(false));

  agg('sum', ['int2'], T.int8, () => new SmallIntSum(32768, false, T.int8));
  agg('sum', ['int4'], T.int8, () => new SmallIntSum(2147483648, false, T.int8));
  agg('sum', ['int8'], T.numeric, () => new BigIntSum(false));
  agg('sum', ['numeric'], T.numeric, () => new NumericSum(false));
  agg('sum', ['float4'], T.float4, () => new FloatSum('sum4'));
  agg('sum', ['float8'], T.float8, () => new FloatSum('sum8'));
  agg('sum', ['interval'], T.interval, () => new IntervalSum(false));

  agg('avg', ['int2'], T.numeric, () => new SmallIntSum(32768, true, T.numeric));
  agg('avg', ['int4'], T.numeric, () => new SmallIntSum(2147483648, true, T.numeric));
  agg('avg', ['int8'], T.numeric, () => new BigIntSum(true));
  agg('avg', ['numeric'], T.numeric, () => new NumericSum(true));
  agg('avg', ['float4'], T.float8, () => new FloatSum('avg'));
  agg('avg', ['float8'], T.float8, () => new FloatSum('avg'));
  agg('avg', ['interval'], T.interval, () => new IntervalSum(true));

  // Every ordered type; varchar uses the text overload (and returns text) as in PostgreSQL.
  const ordered = (Object.keys(T) as TypeId[]).filter((t) => t !== 'bool' && t !== 'unknown' && t !== 'varchar' && t !== 'array' && t !== 'record' && (t as string) !== 'timestamptz');
  for (const t of ordered) {
    // min/max of a timestamp with time zone is one (T.timestamptz is timestamp marked by scale).
    const ret = t === 'timestamp' ? (a: SqlType[]): SqlType => (isTimestampTz(a[0]!) ? T.timestamptz : T.timestamp) : T[t];
    agg('min', [t], ret, (_a, r) => minMax(false, r));
    agg('max', [t], ret, (_a, r) => minMax(true, r));
  }

  const moments: [string, Moment][] = [
    ['stddev', 'stddev_samp'], ['stddev_samp', 'stddev_samp'], ['stddev_pop', 'stddev_pop'],
    ['variance', 'var_samp'], ['var_samp', 'var_samp'], ['var_pop', 'var_pop'],
  ];
  for (const [name, kind] of moments) {
    agg(name, ['int2'], T.numeric, () => new NumericMoments(kind, 'int'));
    agg(name, ['int4'], T.numeric, () => new NumericMoments(kind, 'int'));
    agg(name, ['int8'], T.numeric, () => new NumericMoments(kind, 'int8'));
    agg(name, ['numeric'], T.numeric, () => new NumericMoments(kind, 'numeric'));
    agg(name, ['float4'], T.float8, () => new FloatMoments(kind));
    agg(name, ['float8'], T.float8, () => new FloatMoments(kind));
  }

  for (const op of ['and', 'or', 'xor'] as const) {
    for (const t of ['int2', 'int4', 'int8'] as const) agg(`bit_${op}`, [t], T[t], (_a, ret) => new BitAgg(op, ret));
  }

  registerAggregate({ name: 'array_agg', args: ['any'], ret: (a) => arrayOf(a[0]!), strict: false, create: (_a, ret) => new ArrayAgg(ret) });

  agg('bool_and', ['bool'], T.bool, () => new BoolAgg(true));
  agg('every', ['bool'], T.bool, () => new BoolAgg(true));
  agg('bool_or', ['bool'], T.bool, () => new BoolAgg(false));

  // Not strict: a NULL delimiter still lets the value through (as an empty delimiter).
  agg('string_agg', ['text', 'text'], T.text, () => new StringAgg(), false);

  const regr: Regr[] = ['covar_pop', 'covar_samp', 'corr', 'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2',
    'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy'];
  for (const kind of regr) agg(kind, ['float8', 'float8'], kind === 'regr_count' ? T.int8 : T.float8, () => new RegrAgg(kind));
}

register();
