import type { Batch, Vector } from '../../common/vector.js';
import { constantVector, takeVector, concatBatches, BATCH_SIZE, sliceBatch, decimalVector } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { AggCall, Expr } from '../../logical/expr.js';
import { T, physicalKind } from '../../common/types.js';
import type { Accumulator } from '../../udf/registry.js';
import type { ExecContext } from '../context.js';
import { executeAll, type PhysicalOperator } from '../operator.js';
import { compileExpr, compileFilter, evalFailure, type CompileEnv, type FilterFn, type VectorFn } from '../compile.js';
import { GroupTable } from '../group_table.js';
import { makeRowComparator } from './sort.js';
import { collect, isPause, slicePause, sliceUsed } from '../pause.js';

/**
 * The key tuple that DISTINCT inside an aggregate deduplicates on: the arguments alone when there
 * is one group, one packed number per row for (group, integer argument), else (group, arguments).
 * The first two avoid building a composite string key per row.
 */
function distinctKeys(gids: Int32Array, n: number, args: Vector[]): Vector[] {
  let maxGid = 0;
  for (let i = 0; i < n; i++) if (gids[i]! > maxGid) maxGid = gids[i]!;
  if (maxGid === 0) return args;
  // 33 bits per group (32 for the value, one for NULL) keep the packed key exact below 2^53.
  if (args.length === 1 && physicalKind(args[0]!.type.id) === 'i32' && maxGid < 1 << 20) {
    const a = args[0]!, d = a.data as Int32Array, valid = a.valid;
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = gids[i]! * 8589934592 + (valid !== null && valid[i] === 0 ? 4294967296 : d[i]! >>> 0);
    return [{ type: T.float8, length: n, data: packed, valid: null }];
  }
  return [{ type: T.int4, length: n, data: gids, valid: null }, ...args];
}

interface CompiledAgg {
  call: AggCall;
  args: VectorFn[];
  filter: FilterFn | null;
  order: VectorFn[];
}

/**
 * Hash aggregation: group keys map to dense ids through a GroupTable, and each aggregate's
 * accumulator updates per-group state from whole argument vectors. DISTINCT and ORDER BY inside
 * an aggregate call buffer that call's input and feed it deduplicated / sorted at the end.
 */
export class HashAggregateExec implements PhysicalOperator {
  readonly name = 'HashAggregateExec';
  readonly children: PhysicalOperator[];
  private keys: VectorFn[];
  private aggs: CompiledAgg[];

  /**
   * `prefilter` is a predicate over the input taken from the scan below: the aggregate applies it
   * as a selection vector instead of having the scan copy the surviving rows out.
   */
  constructor(readonly input: PhysicalOperator, private groupBy: Expr[], calls: AggCall[], private sets: number[][] | null, readonly schema: Field[], env: CompileEnv, private text: string, private prefilter: FilterFn | null = null) {
    this.children = [input];
    this.keys = groupBy.map((e) => compileExpr(e, env));
    this.aggs = calls.map((c) => ({
      call: c,
      args: c.args.map((a) => compileExpr(a, env)),
      filter: c.filter ? compileFilter(c.filter, env) : null,
      order: c.orderBy.map((o) => compileExpr(o.expr, env)),
    }));
  }

  describe(): string { return this.text + (this.prefilter ? ', fused filter' : ''); }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    if (!this.sets) {
      yield* this.aggregate(ctx, executeAll(this.input, ctx), this.groupBy.map((_, i) => i), null);
      return;
    }
    // Grouping sets: one pass per set over the materialized input.
    const input: Batch[] = [];
    yield* collect(executeAll(this.input, ctx), input);
    const all = this.groupBy.map((_, i) => i);
    for (const set of this.sets) {
      let mask = 0;
      for (const k of all) if (!set.includes(k)) mask |= 1 << k;
      yield* this.aggregate(ctx, input, set, mask);
    }
  }

  private *aggregate(ctx: ExecContext, input: Iterable<Batch>, keyIdx: number[], gidMask: number | null): Generator<Batch> {
    const st = yield* this.accumulate(ctx, input, keyIdx);
    yield* this.emit(st.table ? st.table.keyVectors() : [], st.accs, st.groups, keyIdx, gidMask);
  }

  /**
   * Reads the whole input into a group table and one accumulator per aggregate (the partial state
   * a worker sends back). `onGroups(from, to)` hears of the groups each batch created. Yields only
   * pauses (its input's, and its own between long steps); returns the state.
   */
  *accumulate(ctx: ExecContext, input: Iterable<Batch>, keyIdx: number[] = this.groupBy.map((_, i) => i), onGroups: ((from: number, to: number) => void) | null = null): Generator<Batch, { table: GroupTable | null; accs: Accumulator[]; groups: number }> {
    const keyTypes = keyIdx.map((k) => this.groupBy[k]!.type);
    const table = keyIdx.length ? new GroupTable(keyTypes) : null;
    const accs: Accumulator[] = this.aggs.map((a) => a.call.fn.create(a.call.args.map((x) => x.type), a.call.type));
    const buffered: { gids: Int32Array[]; args: Vector[][]; order: Vector[][] }[] = this.aggs.map(() => ({ gids: [], args: [], order: [] }));
    let gids = new Int32Array(BATCH_SIZE);
    let pre = new Int32Array(BATCH_SIZE);
    let groups = keyIdx.length ? 0 : 1;
    for (const acc of accs) acc.resize(groups);
    for (const b of input) {
      if (isPause(b)) { yield b; continue; }
      let n = b.length;
      if (gids.length < n) { gids = new Int32Array(n); pre = new Int32Array(n); }
      // With a fused filter, rows are pre[k] for k < n; otherwise k itself.
      let rows: Int32Array | null = null;
      // The filter failed at some row: the rows it accepted before that one are aggregated first
      // (one of them may fail first, as in row-at-a-time execution), then its error is raised.
      let failure: unknown = null;
      if (this.prefilter) {
        try {
          n = this.prefilter(b, ctx, pre);
        } catch (e) {
          failure = e;
          n = evalFailure.k;
        }
        if (n === 0) { if (failure !== null) throw failure; continue; }
        if (n < b.length) rows = pre;
      }
      // Keys, FILTER clauses and arguments are computed on the selected rows only: a row the
      // WHERE clause (or FILTER) excluded must not raise an error.
      if (table) {
        const kv = keyIdx.map((k) => this.keys[k]!(b, ctx, rows, n));
        table.insert(kv, n, gids, rows);
        if (table.size > groups) {
          if (onGroups) onGroups(groups, table.size);
          groups = table.size;
          for (const acc of accs) acc.resize(groups);
        }
      } else gids.fill(0, 0, n);
      for (let a = 0; a < this.aggs.length; a++) {
        const ca = this.aggs[a]!;
        let useSel: Int32Array | null = rows, m = n;
        let g = gids;
        if (ca.filter) {
          // The FILTER predicate runs over the selected rows; the arguments over those it keeps.
          const s2 = new Int32Array(n), g2 = new Int32Array(n);
          m = ca.filter(b, ctx, s2, rows, n);
          // Both selections ascend: walk them together to carry each kept row's group over.
          if (rows) for (let k = 0, j = 0; j < m; k++) { if (rows[k] === s2[j]) g2[j++] = gids[k]!; }
          else for (let j = 0; j < m; j++) g2[j] = gids[s2[j]!]!;
          useSel = s2;
          g = g2;
        }
        const args = ca.args.map((f) => f(b, ctx, useSel, m));
        if (ca.call.distinct || ca.order.length) {
          // Buffer this call's rows (gid, args, order keys) and feed them at the end.
          const picked = useSel ? useSel.slice(0, m) : null;
          const pick = (v: Vector): Vector => (picked ? takeVector(v, picked, m) : v);
          buffered[a]!.gids.push(useSel ? g.slice(0, m) : gids.slice(0, n));
          buffered[a]!.args.push(args.map(pick));
          buffered[a]!.order.push(ca.order.map((f) => pick(f(b, ctx, useSel, m))));
          continue;
        }
        accs[a]!.update(useSel ? g : gids, m, accs[a]!.fixedInput ? args : args.map(decimalVector), useSel);
      }
      if (failure !== null) throw failure;
    }
    for (let a = 0; a < this.aggs.length; a++) {
      const ca = this.aggs[a]!;
      if (!ca.call.distinct && !ca.order.length) continue;
      // Feeding buffered rows sorts them: a step of its own per aggregate, turns in between.
      if (sliceUsed(ctx)) yield slicePause();
      this.feedBuffered(ca, accs[a]!, buffered[a]!);
    }
    if (sliceUsed(ctx)) yield slicePause();
    return { table, accs, groups };
  }

  /** The output rows of `groups` groups: their keys, then each accumulator's final values. */
  *emit(keyVecs: Vector[], accs: Accumulator[], groups: number, keyIdx: number[] = this.groupBy.map((_, i) => i), gidMask: number | null = null): Generator<Batch> {
    const outKeys: Vector[] = this.groupBy.map((e, k) => {
      const pos = keyIdx.indexOf(k);
      return pos >= 0 ? keyVecs[pos]! : constantVector(e.type, null, groups);
    });
    const cols = [...outKeys, ...accs.map((acc) => acc.finish(groups))];
    if (gidMask !== null) cols.push(constantVector(T.int4, gidMask, groups));
    const out: Batch = { length: groups, columns: cols };
    for (let s = 0; s < groups; s += 65536) yield s === 0 && groups <= 65536 ? out : sliceBatch(out, s, Math.min(groups, s + 65536));
  }

  private feedBuffered(ca: CompiledAgg, acc: Accumulator, buf: { gids: Int32Array[]; args: Vector[][]; order: Vector[][] }): void {
    if (buf.gids.length === 0) return;
    const argTypes = ca.call.args.map((x) => x.type);
    const orderTypes = ca.call.orderBy.map((o) => o.expr.type);
    let n = 0;
    for (const g of buf.gids) n += g.length;
    const gids = new Int32Array(n);
    let o = 0;
    for (const g of buf.gids) { gids.set(g, o); o += g.length; }
    const merged = concatBatches([...argTypes, ...orderTypes], buf.args.map((a, i) => ({ length: buf.gids[i]!.length, columns: [...a, ...buf.order[i]!] })));
    const args = merged.columns.slice(0, argTypes.length);
    const order = merged.columns.slice(argTypes.length);
    let idx = new Int32Array(n);
    if (ca.call.distinct) {
      // Keep the first row of each (group, arguments) tuple.
      const keys = distinctKeys(gids, n, args);
      const dt = new GroupTable(keys.map((k) => k.type));
      const ids = new Int32Array(n);
      dt.insert(keys, n, ids);
      const seen = new Uint8Array(dt.size);
      let kept = 0;
      for (let i = 0; i < n; i++) if (!seen[ids[i]!]) { seen[ids[i]!] = 1; idx[kept++] = i; }
      idx = idx.subarray(0, kept);
    } else {
      for (let i = 0; i < n; i++) idx[i] = i;
    }
    if (ca.call.distinct && !ca.order.length && (ca.call.fn.name === 'array_agg' || ca.call.fn.name === 'string_agg')) {
      // PostgreSQL removes duplicates by sorting, so these see the distinct values in order.
      const gv: Vector = { type: T.int4, length: n, data: gids, valid: null };
      const cmp = makeRowComparator([gv, args[0]!], [{ desc: false, nullsFirst: false }, { desc: false, nullsFirst: false }]);
      idx = Int32Array.from(Array.from(idx).sort((a, b) => cmp(a, b) || a - b));
    }
    if (ca.order.length) {
      const gv: Vector = { type: T.int4, length: n, data: gids, valid: null };
      const cmp = makeRowComparator([gv, ...order], [{ desc: false, nullsFirst: false }, ...ca.call.orderBy]);
      idx = Int32Array.from(Array.from(idx).sort((a, b) => cmp(a, b) || a - b));
    }
    const m = idx.length;
    const g2 = new Int32Array(m);
    for (let k = 0; k < m; k++) g2[k] = gids[idx[k]!]!;
    acc.update(g2, m, acc.fixedInput ? args : args.map(decimalVector), idx);
  }
}
