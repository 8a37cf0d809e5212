/**
 * Window functions. The input is materialized once; for each distinct (PARTITION BY, ORDER BY)
 * specification the rows are sorted through a permutation, partitions and peer groups (rows with
 * equal ORDER BY keys) are found, and every call sharing that specification is computed into a
 * column indexed by input row. Rows come out in the sort order of the last specification, as
 * PostgreSQL's topmost WindowAgg emits them.
 *
 * Aggregates over frames take one of three routes:
 *  - the frame is the whole partition: one accumulator, one group per partition;
 *  - the frame starts at UNBOUNDED PRECEDING (without EXCLUDE): a running aggregate per
 *    partition, read with finish(1) whenever the frame end moves (finish does not consume state);
 *  - otherwise: one group per row, fed the rows of that row's frame.
 */
import type { Batch, Vector, VectorData } from '../../common/vector.js';
import { BATCH_SIZE, allocData, decimalBatch, decimalVector, makeVector, takeBatch, VectorBuilder } from '../../common/vector.js';
import { physicalKind, type PhysicalKind, type SqlType } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { Decimal } from '../../common/decimal.js';
import type { Interval } from '../../common/datetime.js';
import { DATE_NEG_INFINITY, DATE_POS_INFINITY, USECS_PER_DAY, intervalAdd, intervalCmp, intervalNeg, intervalSub, timestampAddInterval } from '../../common/datetime.js';
import type { Expr, FrameBound, SortKey, WindowCall, WindowFrame } from '../../logical/expr.js';
import type { Field } from '../../logical/plan.js';
import type { AggregateFunction, Accumulator } from '../../udf/registry.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { compileExpr, compileFilter, evalConstant, type CompileEnv, type FilterFn, type VectorFn } from '../compile.js';
import { keyOf } from '../group_table.js';
import { materializing } from './hash_join.js';
import { exprText, makeRowComparator, sortKeyText, sortPermutation, type KeyOrder } from './sort.js';
import { slicePause, sliceUsed } from '../pause.js';

interface CompiledCall {
  call: WindowCall;
  args: VectorFn[];
  filter: FilterFn | null;
}

interface Spec {
  partitionBy: Expr[];
  orderBy: SortKey[];
  partFns: VectorFn[];
  orderFns: VectorFn[];
  calls: number[];
}

/** The sorted layout of the rows for one specification. Positions are indices into `perm`. */
interface Layout {
  n: number;
  /** perm[pos] = input row at sorted position pos. */
  perm: Int32Array;
  /** Partition p covers positions partStart[p] .. partStart[p + 1]. */
  partStart: Int32Array;
  parts: number;
  /** Peer group of each position; group g covers groupStart[g] .. groupStart[g + 1]. */
  posGroup: Int32Array;
  groupStart: Int32Array;
  /** ORDER BY key vectors, indexed by input row. */
  orderVecs: Vector[];
  orderBy: SortKey[];
}

let uniqueSpec = 0;
/** A text identifying structurally equal specifications, so their calls share one sort. */
function canonical(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    // Cyclic (plans inside subqueries): such a specification gets its own sort.
    return `unique:${uniqueSpec++}`;
  }
}

/** The expression's vector with numerics as Decimals (window code reads values row by row). */
function decimalExpr(f: VectorFn): VectorFn {
  return (b, ctx, sel, m) => decimalVector(f(b, ctx, sel, m));
}

/** A column filled in any order, by input row. */
class ColumnWriter {
  readonly data: VectorData;
  readonly valid: Uint8Array;
  private readonly kind: PhysicalKind;
  constructor(readonly type: SqlType, readonly n: number) {
    this.kind = physicalKind(type.id);
    this.data = allocData(this.kind, n);
    this.valid = new Uint8Array(n);
  }
  setNumber(i: number, x: number): void {
    (this.data as unknown as { [i: number]: unknown })[i] = this.kind === 'i64' ? BigInt(x) : x;
    this.valid[i] = 1;
  }
  copy(i: number, src: Vector, j: number): void {
    if (src.valid !== null && src.valid[j] === 0) return;
    (this.data as unknown as { [i: number]: unknown })[i] = (src.data as unknown as { [i: number]: unknown })[j];
    this.valid[i] = 1;
  }
  finish(): Vector {
    let all = true;
    for (let i = 0; i < this.n; i++) if (this.valid[i] === 0) { all = false; break; }
    return makeVector(this.type, this.data, all ? null : this.valid, this.n);
  }
}

/** Gathers values of `src` at positions map[i] (-1 = NULL) into a column of type t. */
function gather(t: SqlType, src: Vector, map: Int32Array): Vector {
  const w = new ColumnWriter(t, map.length);
  for (let i = 0; i < map.length; i++) { const j = map[i]!; if (j >= 0) w.copy(i, src, j); }
  return w.finish();
}

function windowError(code: string, msg: string): never { throw new QuiverError(code, msg); }

export class WindowExec implements PhysicalOperator {
  readonly name = 'WindowExec';
  readonly children: PhysicalOperator[];
  private readonly compiled: CompiledCall[];
  private readonly specs: Spec[];

  constructor(
    readonly input: PhysicalOperator,
    readonly calls: WindowCall[],
    readonly schema: Field[],
    private readonly env: CompileEnv,
  ) {
    this.children = [input];
    this.compiled = calls.map((c) => ({
      call: c,
      args: c.args.map((a) => decimalExpr(compileExpr(a, env))),
      filter: c.filter ? compileFilter(c.filter, env) : null,
    }));
    const byKey = new Map<string, Spec>();
    calls.forEach((c, i) => {
      const key = canonical([c.partitionBy, c.orderBy]);
      let s = byKey.get(key);
      if (!s) {
        s = { partitionBy: c.partitionBy, orderBy: c.orderBy, partFns: c.partitionBy.map((e) => decimalExpr(compileExpr(e, env))), orderFns: c.orderBy.map((k) => decimalExpr(compileExpr(k.expr, env))), calls: [] };
        byKey.set(key, s);
      }
      s.calls.push(i);
    });
    // Specifications with longer sort keys first, as PostgreSQL orders its WindowAgg nodes; the
    // output follows the last one.
    this.specs = [...byKey.values()].sort((a, b) => (b.partitionBy.length + b.orderBy.length) - (a.partitionBy.length + a.orderBy.length));
  }

  describe(): string {
    return this.calls.map((c) => {
      const over: string[] = [];
      if (c.partitionBy.length) over.push(`PARTITION BY ${c.partitionBy.map(exprText).join(', ')}`);
      if (c.orderBy.length) over.push(`ORDER BY ${c.orderBy.map(sortKeyText).join(', ')}`);
      return `${c.fn.name}(${c.args.map(exprText).join(', ')}) OVER (${over.join(' ')})`;
    }).join(', ');
  }

  partitions(): number { return 1; }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    // Window functions copy and compare values across rows: numerics as Decimals throughout.
    const all = decimalBatch(yield* materializing(this.input, ctx));
    const n = all.length;
    if (n === 0) return;
    const results: Vector[] = new Array<Vector>(this.calls.length);
    let perm: Int32Array | null = null;
    for (const spec of this.specs) {
      const layout = this.layout(spec, all, ctx);
      for (const ci of spec.calls) {
        if (sliceUsed(ctx)) yield slicePause();
        results[ci] = this.compute(this.compiled[ci]!, layout, all, ctx);
      }
      perm = layout.perm;
    }
    const out: Batch = { length: n, columns: [...all.columns, ...results] };
    for (let s = 0; s < n; s += BATCH_SIZE) {
      const e = Math.min(n, s + BATCH_SIZE);
      yield takeBatch(out, perm!.subarray(s, e), e - s);
      if (sliceUsed(ctx)) yield slicePause();
    }
  }

  private layout(spec: Spec, all: Batch, ctx: ExecContext): Layout {
    const n = all.length;
    const pv = spec.partFns.map((f) => f(all, ctx));
    const ov = spec.orderFns.map((f) => f(all, ctx));
    const partOrder: KeyOrder[] = pv.map(() => ({ desc: false, nullsFirst: false }));
    const perm = sortPermutation([...pv, ...ov], [...partOrder, ...spec.orderBy], n);
    const samePart = makeRowComparator(pv, partOrder);
    const peer = makeRowComparator(ov, spec.orderBy);
    const partStarts: number[] = [0];
    const posGroup = new Int32Array(n);
    const groupStarts: number[] = [0];
    for (let pos = 1; pos < n; pos++) {
      const a = perm[pos - 1]!, b = perm[pos]!;
      const newPart = pv.length > 0 && samePart(a, b) !== 0;
      if (newPart) partStarts.push(pos);
      if (newPart || peer(a, b) !== 0) groupStarts.push(pos);
      posGroup[pos] = groupStarts.length - 1;
    }
    partStarts.push(n);
    groupStarts.push(n);
    return {
      n, perm, partStart: Int32Array.from(partStarts), parts: partStarts.length - 1,
      posGroup, groupStart: Int32Array.from(groupStarts), orderVecs: ov, orderBy: spec.orderBy,
    };
  }

  private compute(cc: CompiledCall, L: Layout, all: Batch, ctx: ExecContext): Vector {
    const call = cc.call;
    if (call.isAggregate) return this.aggregate(cc, L, all, ctx);
    const name = call.fn.name;
    // Arguments are computed on the rows PostgreSQL reads them from, and only those: the value
    // of lag/lead/first_value/... at the row it is fetched from, ntile's count at the first row
    // of each partition. A row no call reads must not raise an error.
    const argAt = (k: number, rows: Int32Array, m: number): Vector => cc.args[k]!(all, ctx, rows, m);
    switch (name) {
      case 'row_number': case 'rank': case 'dense_rank': case 'percent_rank': case 'cume_dist':
        return rankLike(name, call.type, L);
      case 'ntile': {
        const firsts = new Int32Array(L.parts);
        for (let p = 0; p < L.parts; p++) firsts[p] = L.perm[L.partStart[p]!]!;
        return ntile(call.type, L, argAt(0, firsts, L.parts));
      }
      case 'lag': case 'lead': {
        const rest = cc.args.slice(1).map((f) => f(all, ctx));
        return lagLead(name === 'lag', call.type, L, rest, argAt);
      }
      case 'first_value': case 'last_value': case 'nth_value': {
        const fr = new FrameCursor(call.frame, L, ctx, this.env);
        const nth = cc.args.length > 1 ? cc.args[1]!(all, ctx) : null;
        return frameValue(name, call.type, L, fr, nth, argAt);
      }
      default:
        throw new QuiverError(SqlState.featureNotSupported, `window function ${name} is not supported`);
    }
  }

  private aggregate(cc: CompiledCall, L: Layout, all: Batch, ctx: ExecContext): Vector {
    const call = cc.call;
    const fn = call.fn as AggregateFunction;
    const argTypes = call.args.map((a) => a.type);
    const n = L.n, perm = L.perm;
    // Rows the FILTER clause keeps, by input row; the arguments are computed for those only.
    let keep: Uint8Array | null = null;
    let args: Vector[];
    if (cc.filter) {
      const sel = new Int32Array(n);
      const k = cc.filter(all, ctx, sel);
      keep = new Uint8Array(n);
      for (let i = 0; i < k; i++) keep[sel[i]!] = 1;
      args = cc.args.map((f) => f(all, ctx, sel, k));
    } else args = cc.args.map((f) => f(all, ctx));
    const seen: Set<unknown> | null = call.distinct ? new Set() : null;
    const distinctKey = (row: number): unknown => {
      if (args.length === 1) return keyOf(args[0]!, row);
      let s = '';
      for (const a of args) { const k = keyOf(a, row); s += typeof k === 'symbol' ? '\u0000N' : `\u0000${typeof k === 'string' ? 's' : ''}${String(k)}`; }
      return s;
    };
    const feed = new Feeder(args);
    // Adds input row `row` to group g unless FILTER or DISTINCT rule it out.
    const add = (acc: Accumulator, g: number, row: number): void => {
      if (keep !== null && keep[row] === 0) return;
      if (seen !== null) {
        const key = distinctKey(row);
        if (seen.has(key)) return;
        seen.add(key);
      }
      feed.push(acc, g, row);
    };

    const map = new Int32Array(n);
    const f = call.frame;
    const noOrder = L.orderBy.length === 0;
    const wholePartition = f.exclude === 'no others' && f.start.kind === 'unbounded_preceding'
      && (f.end.kind === 'unbounded_following' || (f.end.kind === 'current_row' && f.mode !== 'rows' && noOrder));
    if (wholePartition) {
      const acc = fn.create(argTypes, call.type);
      acc.resize(L.parts);
      for (let p = 0; p < L.parts; p++) {
        seen?.clear();
        for (let pos = L.partStart[p]!; pos < L.partStart[p + 1]!; pos++) {
          add(acc, p, perm[pos]!);
          map[perm[pos]!] = p;
        }
      }
      feed.flush();
      return gather(call.type, acc.finish(L.parts), map);
    }

    const fr = new FrameCursor(f, L, ctx, this.env);
    if (f.start.kind === 'unbounded_preceding' && f.exclude === 'no others' && !keep && !seen) {
      const fast = runningNumeric(fn.name, call.type, args, L, fr);
      if (fast) return fast;
    }
    if (f.start.kind === 'unbounded_preceding' && f.exclude === 'no others') {
      const values = new VectorBuilder(call.type);
      for (let p = 0; p < L.parts; p++) {
        const ps = L.partStart[p]!, pe = L.partStart[p + 1]!;
        const acc = fn.create(argTypes, call.type);
        acc.resize(1);
        seen?.clear();
        let added = ps, lastEnd = -1;
        for (let pos = ps; pos < pe; pos++) {
          fr.bounds(pos, ps, pe);
          const fe = fr.end;
          if (fe > added) {
            for (let q = added; q < fe; q++) add(acc, 0, perm[q]!);
            added = fe;
          }
          if (fe !== lastEnd) {
            feed.flush();
            values.pushFrom(acc.finish(1), 0);
            lastEnd = fe;
          }
          map[perm[pos]!] = values.length - 1;
        }
      }
      return gather(call.type, values.finish(), map);
    }

    const acc = fn.create(argTypes, call.type);
    acc.resize(n);
    for (let p = 0; p < L.parts; p++) {
      const ps = L.partStart[p]!, pe = L.partStart[p + 1]!;
      for (let pos = ps; pos < pe; pos++) {
        fr.segments(pos, ps, pe);
        seen?.clear();
        for (let s = 0; s < fr.nseg; s++) {
          for (let q = fr.segS[s]!, e = fr.segE[s]!; q < e; q++) add(acc, pos, perm[q]!);
        }
        map[perm[pos]!] = pos;
      }
    }
    feed.flush();
    return gather(call.type, acc.finish(n), map);
  }
}

/** Buffers (group, input row) pairs and hands them to an accumulator BATCH_SIZE at a time. */
class Feeder {
  private readonly gids = new Int32Array(BATCH_SIZE);
  private readonly sel = new Int32Array(BATCH_SIZE);
  private n = 0;
  private target: Accumulator | null = null;
  constructor(private readonly args: Vector[]) {}
  push(acc: Accumulator, g: number, row: number): void {
    if (this.target !== acc) { this.flush(); this.target = acc; }
    this.gids[this.n] = g;
    this.sel[this.n++] = row;
    if (this.n === BATCH_SIZE) this.flush();
  }
  /** Hands the buffered rows to their accumulator; call before reading it. */
  flush(): void {
    if (this.n > 0) this.target!.update(this.gids, this.n, this.args, this.sel);
    this.n = 0;
  }
}

function rankLike(name: string, t: SqlType, L: Layout): Vector {
  const w = new ColumnWriter(t, L.n);
  const { perm, partStart, posGroup, groupStart } = L;
  for (let p = 0; p < L.parts; p++) {
    const ps = partStart[p]!, pe = partStart[p + 1]!;
    const total = pe - ps;
    const g0 = posGroup[ps]!;
    for (let pos = ps; pos < pe; pos++) {
      const g = posGroup[pos]!;
      let v: number;
      switch (name) {
        case 'row_number': v = pos - ps + 1; break;
        case 'rank': v = groupStart[g]! - ps + 1; break;
        case 'dense_rank': v = g - g0 + 1; break;
        case 'percent_rank': v = total > 1 ? (groupStart[g]! - ps) / (total - 1) : 0; break;
        default: v = (groupStart[g + 1]! - ps) / total; break; // cume_dist
      }
      w.setNumber(perm[pos]!, v);
    }
  }
  return w.finish();
}

function numberAt(v: Vector, row: number): number | null {
  if (v.valid !== null && v.valid[row] === 0) return null;
  const x = (v.data as unknown as { [i: number]: unknown })[row];
  return typeof x === 'bigint' ? Number(x) : (x as number);
}

/** ntile(n), as PostgreSQL computes it: n is read at the first row of each partition. */
function ntile(t: SqlType, L: Layout, arg: Vector): Vector {
  const w = new ColumnWriter(t, L.n);
  const perm = L.perm;
  for (let p = 0; p < L.parts; p++) {
    const ps = L.partStart[p]!, pe = L.partStart[p + 1]!;
    const buckets = numberAt(arg, perm[ps]!);
    if (buckets === null) continue;
    if (buckets <= 0) windowError(SqlState.invalidArgumentForNtile, 'argument of ntile must be greater than zero');
    const total = pe - ps;
    let boundary = Math.floor(total / buckets), remainder = 0;
    if (boundary <= 0) boundary = 1;
    else { remainder = total % buckets; if (remainder !== 0) boundary++; }
    let tile = 1, inBucket = 0;
    for (let pos = ps; pos < pe; pos++) {
      inBucket++;
      if (boundary < inBucket) {
        // The first `remainder` buckets hold one extra row.
        if (remainder !== 0 && tile === remainder) { remainder = 0; boundary--; }
        tile++;
        inBucket = 1;
      }
      w.setNumber(perm[pos]!, tile);
    }
  }
  return w.finish();
}

/** Computes argument k of a window call on rows[0..m) only (the others come out NULL). */
type ArgAt = (k: number, rows: Int32Array, m: number) => Vector;

/**
 * The rows a value function reads, in the order it first reads them, without repeats: `src[row]`
 * is the input row that output row `row` reads (-1 = none).
 */
function readRows(src: Int32Array, L: Layout): { rows: Int32Array; m: number } {
  const seen = new Uint8Array(L.n), rows = new Int32Array(L.n);
  let m = 0;
  for (let pos = 0; pos < L.n; pos++) {
    const j = src[L.perm[pos]!]!;
    if (j >= 0 && seen[j] === 0) { seen[j] = 1; rows[m++] = j; }
  }
  return { rows, m };
}

/**
 * lag/lead as PostgreSQL evaluates them: the offset and the default at the current row (the
 * default only when the target lies outside the partition), the value at the target row.
 */
function lagLead(lag: boolean, t: SqlType, L: Layout, rest: Vector[], argAt: ArgAt): Vector {
  const perm = L.perm, n = L.n;
  const offset = rest[0] ?? null, hasDefault = rest.length > 1;
  // src[row]: the row whose value output row `row` takes, -1 for none.
  const src = new Int32Array(n).fill(-1);
  const outside = new Int32Array(n);
  let nOut = 0;
  for (let p = 0; p < L.parts; p++) {
    const ps = L.partStart[p]!, pe = L.partStart[p + 1]!;
    for (let pos = ps; pos < pe; pos++) {
      const row = perm[pos]!;
      let off = 1;
      if (offset) {
        const o = numberAt(offset, row);
        if (o === null) continue;
        off = o;
      }
      const target = lag ? pos - off : pos + off;
      if (target >= ps && target < pe) src[row] = perm[target]!;
      else if (hasDefault) outside[nOut++] = row;
    }
  }
  const { rows, m } = readRows(src, L);
  const value = argAt(0, rows, m);
  const w = new ColumnWriter(t, n);
  for (let row = 0; row < n; row++) { const j = src[row]!; if (j >= 0) w.copy(row, value, j); }
  if (nOut > 0) {
    const dflt = argAt(2, outside, nOut);
    for (let q = 0; q < nOut; q++) w.copy(outside[q]!, dflt, outside[q]!);
  }
  return w.finish();
}

function frameValue(name: string, t: SqlType, L: Layout, fr: FrameCursor, nth: Vector | null, argAt: ArgAt): Vector {
  const perm = L.perm;
  const src = new Int32Array(L.n).fill(-1);
  for (let p = 0; p < L.parts; p++) {
    const ps = L.partStart[p]!, pe = L.partStart[p + 1]!;
    for (let pos = ps; pos < pe; pos++) {
      const row = perm[pos]!;
      let k = 1;
      if (name === 'nth_value') {
        const x = numberAt(nth!, row);
        if (x === null) continue;
        if (x <= 0) windowError('22016', 'argument of nth_value must be greater than zero');
        k = x;
      }
      fr.segments(pos, ps, pe);
      if (fr.nseg === 0) continue;
      let target = -1;
      if (name === 'last_value') target = fr.segE[fr.nseg - 1]! - 1;
      else {
        for (let s = 0; s < fr.nseg; s++) {
          const len = fr.segE[s]! - fr.segS[s]!;
          if (k <= len) { target = fr.segS[s]! + k - 1; break; }
          k -= len;
        }
      }
      if (target >= 0) src[row] = perm[target]!;
    }
  }
  const { rows, m } = readRows(src, L);
  return gather(t, argAt(0, rows, m), src);
}

type RangeCmp = (pos: number, bound: unknown) => number;

/**
 * Computes the frame of a sorted position: `start`/`end` before exclusion, and the frame as up to
 * three disjoint ranges of positions `segS[i] .. segE[i]` after EXCLUDE.
 */
class FrameCursor {
  start = 0;
  end = 0;
  readonly segS = new Int32Array(3);
  readonly segE = new Int32Array(3);
  nseg = 0;
  private readonly startOff: unknown;
  private readonly endOff: unknown;
  // RANGE with an offset: the single ORDER BY key, and the non-NULL part of the current partition.
  private rangeKey: Vector | null = null;
  private rangeCmp: RangeCmp | null = null;
  private rangeBound: ((row: number, off: unknown, forward: boolean) => unknown) | null = null;
  private nnPart = -1;
  private nnStart = 0;
  private nnEnd = 0;

  constructor(private readonly f: WindowFrame, private readonly L: Layout, ctx: ExecContext, env: CompileEnv) {
    this.startOff = this.offset(f.start, ctx, env, 'starting');
    this.endOff = this.offset(f.end, ctx, env, 'ending');
    if (f.mode === 'range' && (f.start.kind === 'preceding' || f.start.kind === 'following' || f.end.kind === 'preceding' || f.end.kind === 'following')) {
      if (L.orderVecs.length !== 1) windowError(SqlState.windowingError, 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column');
      this.setupRange(L.orderVecs[0]!, L.orderBy[0]!.desc);
    }
  }

  private offset(b: FrameBound, ctx: ExecContext, env: CompileEnv, which: string): unknown {
    if (b.kind !== 'preceding' && b.kind !== 'following') return null;
    const v = evalConstant(b.offset, ctx, env);
    if (v === null || v === undefined) windowError('22004', `frame ${which} offset must not be null`);
    if (this.f.mode !== 'range') {
      const x = typeof v === 'bigint' ? Number(v) : (v as number);
      if (x < 0) windowError('22013', `frame ${which} offset must not be negative`);
      return x;
    }
    let negative: boolean;
    if (typeof v === 'number') negative = v < 0;
    else if (typeof v === 'bigint') negative = v < 0n;
    else if (v instanceof Decimal) negative = v.sign() < 0;
    else { const iv = v as Interval; negative = intervalCmp(iv, intervalSub(iv, iv)) < 0; }
    if (negative) windowError('22013', 'invalid preceding or following size in window function');
    return v;
  }

  private setupRange(key: Vector, desc: boolean): void {
    this.rangeKey = key;
    const dir = desc ? -1 : 1;
    const kind = physicalKind(key.type.id);
    const d = key.data as unknown as { [i: number]: unknown };
    const perm = this.L.perm;
    // Bounds move "back" (PRECEDING) or "forward" (FOLLOWING) in the sort direction.
    switch (kind) {
      case 'i32': case 'f64': {
        const nd = key.data as Int32Array | Float64Array;
        const isDate = key.type.id === 'date';
        const isTs = key.type.id === 'timestamp';
        // Dates move by intervals through timestamps, as PostgreSQL's in_range for date does;
        // the infinite dates become infinite timestamps.
        const at = isDate
          ? (row: number): number => { const v = nd[row]!; return v === DATE_NEG_INFINITY ? -Infinity : v === DATE_POS_INFINITY ? Infinity : v * USECS_PER_DAY; }
          : (row: number): number => nd[row]!;
        this.rangeBound = (row, off, forward) => {
          const up = forward === !desc;
          const x = at(row);
          if ((isDate || isTs) && typeof off !== 'number' && typeof off !== 'bigint') {
            const iv = off as Interval;
            return timestampAddInterval(x, up ? iv : intervalNeg(iv));
          }
          const o = Number(off as number | bigint) * (isDate ? USECS_PER_DAY : 1);
          return up ? x + o : x - o;
        };
        this.rangeCmp = (pos, bound) => {
          const x = at(perm[pos]!), b = bound as number;
          const c = x < b ? -1 : x > b ? 1 : x === b ? 0 : x !== x ? (b !== b ? 0 : 1) : -1;
          return dir * c;
        };
        break;
      }
      case 'i64': {
        const bd = key.data as BigInt64Array;
        this.rangeBound = (row, off, forward) => {
          const o = typeof off === 'bigint' ? off : BigInt(off as number);
          return forward === !desc ? bd[row]! + o : bd[row]! - o;
        };
        this.rangeCmp = (pos, bound) => {
          const x = bd[perm[pos]!]!, b = bound as bigint;
          return dir * (x < b ? -1 : x > b ? 1 : 0);
        };
        break;
      }
      case 'decimal':
        this.rangeBound = (row, off, forward) => {
          const x = d[row] as Decimal;
          const o = off instanceof Decimal ? off : Decimal.fromInt(off as number | bigint);
          return forward === !desc ? x.add(o) : x.sub(o);
        };
        this.rangeCmp = (pos, bound) => dir * (d[perm[pos]!] as Decimal).cmp(bound as Decimal);
        break;
      case 'interval':
        this.rangeBound = (row, off, forward) => {
          const x = d[row] as Interval, o = off as Interval;
          return forward === !desc ? intervalAdd(x, o) : intervalSub(x, o);
        };
        this.rangeCmp = (pos, bound) => dir * intervalCmp(d[perm[pos]!] as Interval, bound as Interval);
        break;
      default:
        windowError(SqlState.featureNotSupported, `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${key.type.id}`);
    }
  }

  /** First position in [lo, hi) whose key is at or past (strict: past) the bound. */
  private search(lo: number, hi: number, bound: unknown, strict: boolean): number {
    const cmp = this.rangeCmp!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = cmp(mid, bound);
      if (strict ? c <= 0 : c < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private rangeOffsetBound(pos: number, ps: number, pe: number, off: unknown, forward: boolean, isEnd: boolean): number {
    const key = this.rangeKey!;
    const row = this.L.perm[pos]!;
    const g = this.L.posGroup[pos]!;
    // A NULL key's frame is its peers (the other NULLs); NULLs are never in a non-NULL row's range.
    if (key.valid !== null && key.valid[row] === 0) return isEnd ? this.L.groupStart[g + 1]! : this.L.groupStart[g]!;
    if (this.nnPart !== ps) {
      let s = ps, e = pe;
      if (key.valid !== null) {
        const perm = this.L.perm, v = key.valid;
        while (s < e && v[perm[s]!] === 0) s++;
        while (e > s && v[perm[e - 1]!] === 0) e--;
      }
      this.nnPart = ps; this.nnStart = s; this.nnEnd = e;
    }
    const bound = this.rangeBound!(row, off, forward);
    return this.search(this.nnStart, this.nnEnd, bound, isEnd);
  }

  /** Sets start and end (exclusive) of the frame of position pos in partition [ps, pe). */
  bounds(pos: number, ps: number, pe: number): void {
    const f = this.f, L = this.L;
    const g = L.posGroup[pos]!;
    let s: number, e: number;
    switch (f.start.kind) {
      case 'unbounded_preceding': s = ps; break;
      case 'unbounded_following': s = pe; break;
      case 'current_row': s = f.mode === 'rows' ? pos : L.groupStart[g]!; break;
      case 'preceding': case 'following': {
        const fwd = f.start.kind === 'following';
        const o = this.startOff;
        if (f.mode === 'rows') s = fwd ? pos + (o as number) : pos - (o as number);
        else if (f.mode === 'groups') {
          const tg = fwd ? g + (o as number) : g - (o as number);
          const g0 = L.posGroup[ps]!, g1 = L.posGroup[pe - 1]!;
          s = tg < g0 ? ps : tg > g1 ? pe : L.groupStart[tg]!;
        } else s = this.rangeOffsetBound(pos, ps, pe, o, fwd, false);
        break;
      }
    }
    switch (f.end.kind) {
      case 'unbounded_following': e = pe; break;
      case 'unbounded_preceding': e = ps; break;
      case 'current_row': e = f.mode === 'rows' ? pos + 1 : L.groupStart[g + 1]!; break;
      case 'preceding': case 'following': {
        const fwd = f.end.kind === 'following';
        const o = this.endOff;
        if (f.mode === 'rows') e = (fwd ? pos + (o as number) : pos - (o as number)) + 1;
        else if (f.mode === 'groups') {
          const tg = fwd ? g + (o as number) : g - (o as number);
          const g0 = L.posGroup[ps]!, g1 = L.posGroup[pe - 1]!;
          e = tg < g0 ? ps : tg > g1 ? pe : L.groupStart[tg + 1]!;
        } else e = this.rangeOffsetBound(pos, ps, pe, o, fwd, true);
        break;
      }
    }
    if (s < ps) s = ps;
    if (s > pe) s = pe;
    if (e > pe) e = pe;
    if (e < s) e = s;
    this.start = s;
    this.end = e;
  }

  /** Sets the frame of pos as disjoint ranges, EXCLUDE applied. */
  segments(pos: number, ps: number, pe: number): void {
    this.bounds(pos, ps, pe);
    const s = this.start, e = this.end;
    this.nseg = 0;
    const ex = this.f.exclude;
    if (ex === 'no others') { this.seg(s, e); return; }
    const g = this.L.posGroup[pos]!;
    const gs = ex === 'current row' ? pos : this.L.groupStart[g]!;
    const ge = ex === 'current row' ? pos + 1 : this.L.groupStart[g + 1]!;
    this.seg(s, Math.min(e, gs));
    if (ex === 'ties' && pos >= s && pos < e) this.seg(pos, pos + 1);
    this.seg(Math.max(s, ge), e);
  }

  private seg(a: number, b: number): void {
    if (a >= b) return;
    this.segS[this.nseg] = a;
    this.segE[this.nseg++] = b;
  }
}

/**
 * Running count/sum/min/max over numbers without FILTER or DISTINCT: one pass per partition with
 * a plain accumulator variable, reading the value at each frame end. Returns null for the cases
 * it does not cover (other functions or types), which take the general accumulator path.
 */
function runningNumeric(name: string, type: SqlType, args: Vector[], L: Layout, fr: FrameCursor): Vector | null {
  const star = args.length === 0;
  const a = args[0];
  if (!star && (!a || (physicalKind(a.type.id) !== 'i32' && physicalKind(a.type.id) !== 'f64') || a.type.id === 'date' || a.type.id === 'time' || a.type.id === 'timestamp')) return null;
  // Integers only for sum/min/max: float sums have overflow rules and min/max NaN ordering that
  // the general accumulators implement.
  const intArg = a !== undefined && (a.type.id === 'int4' || a.type.id === 'int2');
  const ok = (name === 'count' && type.id === 'int8') || (name === 'sum' && intArg && type.id === 'int8')
    || ((name === 'min' || name === 'max') && intArg && type.id === a!.type.id);
  if (!ok) return null;
  const n = L.n, perm = L.perm;
  const d = a ? (a.data as Int32Array | Float64Array) : null, valid = a ? a.valid : null;
  const out = type.id === 'int8' ? new BigInt64Array(n) : new Int32Array(n);
  const outValid = new Uint8Array(n);
  let anyNull = false;
  for (let p = 0; p < L.parts; p++) {
    const ps = L.partStart[p]!, pe = L.partStart[p + 1]!;
    let added = ps, acc = name === 'min' ? Infinity : name === 'max' ? -Infinity : 0, cnt = 0;
    for (let pos = ps; pos < pe; pos++) {
      fr.bounds(pos, ps, pe);
      for (; added < fr.end; added++) {
        const row = perm[added]!;
        if (star) { cnt++; continue; }
        if (valid !== null && valid[row] === 0) continue;
        const x = d![row]!;
        cnt++;
        if (name === 'sum') acc += x; else if (name === 'min') { if (x < acc) acc = x; } else if (name === 'max') { if (x > acc) acc = x; }
      }
      const row = perm[pos]!;
      if (name === 'count') { (out as BigInt64Array)[row] = BigInt(cnt); outValid[row] = 1; continue; }
      if (cnt === 0) { anyNull = true; continue; }
      if (type.id === 'int8') {
        // Integer sums stay exact: past 2^53 the partition is left to the exact general path.
        if (!Number.isSafeInteger(acc)) return null;
        (out as BigInt64Array)[row] = BigInt(acc);
      } else (out as Int32Array)[row] = acc;
      outValid[row] = 1;
    }
  }
  return makeVector(type, out, anyNull ? outValid : null, n);
}
