/**
 * Equi-join by hashing: the right input is materialized and indexed by its key tuples, the left
 * input streams through batch by batch. Every join type is handled here, including semi and anti
 * joins for [NOT] EXISTS / IN and the null-aware anti join NOT IN needs.
 *
 * Candidate pairs (left row, right row) are collected into fixed arrays of BATCH_SIZE entries; the
 * residual (non-equi) condition runs over a batch gathered from those pairs, so the probe loop
 * allocates nothing per row. `PairJoiner` does that part for the nested-loop join too.
 */
import type { Batch, Vector } from '../../common/vector.js';
import { BATCH_SIZE, allocData, concatBatches, makeVector, sliceBatch, takeBatch, takeVector } from '../../common/vector.js';
import { physicalKind } from '../../common/types.js';
import type { Expr } from '../../logical/expr.js';
import { columnsUsed, remapColumns } from '../../logical/expr.js';
import type { Field, JoinType } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { executeAll } from '../operator.js';
import { compileExpr, compileFilter, evalFailure, type CompileEnv, type FilterFn, type VectorFn } from '../compile.js';
import { GroupTable, keyOf } from '../group_table.js';
import { exprText } from './sort.js';
import { collect, isPause, type Pause } from '../pause.js';

/**
 * Collects candidate pairs and decides which of them match: all of them without a condition,
 * else those the condition accepts. Records which left rows (of the current left batch) and which
 * right rows found a match, and gathers the matching pairs into output rows for the join types
 * that output pairs.
 */
export class PairJoiner {
  readonly l = new Int32Array(BATCH_SIZE);
  readonly r = new Int32Array(BATCH_SIZE);
  n = 0;
  /** One flag per row of the current left batch; the caller resets it per batch. */
  leftMatched = new Uint8Array(0);
  /** One flag per right row, for right and full joins. */
  readonly rightMatched: Uint8Array | null;
  private readonly sel = new Int32Array(BATCH_SIZE);
  private readonly used: number[];
  private readonly emitsPairs: boolean;

  constructor(
    joinType: JoinType,
    private readonly filter: FilterFn | null,
    condition: Expr | null,
    private readonly right: Batch,
    private readonly leftWidth: number,
  ) {
    this.rightMatched = joinType === 'right' || joinType === 'full' ? new Uint8Array(right.length) : null;
    this.emitsPairs = joinType !== 'semi' && joinType !== 'anti';
    this.used = condition ? [...columnsUsed(condition)] : [];
  }

  /** Decides the collected pairs; returns the output rows of the matching ones, if any. */
  flush(left: Batch, ctx: ExecContext): Batch | null {
    const n = this.n;
    if (n === 0) return null;
    this.n = 0;
    const l = this.l, r = this.r;
    let k = n;
    if (this.filter) {
      // Only the columns the condition reads are gathered; the others are never looked at.
      const lw = this.leftWidth;
      const cols: Vector[] = [...left.columns, ...this.right.columns];
      for (const c of this.used) cols[c] = c < lw ? takeVector(left.columns[c]!, l, n) : takeVector(this.right.columns[c - lw]!, r, n);
      const sel = this.sel;
      const batch: Batch = { length: n, columns: cols };
      try {
        k = this.filter(batch, ctx, sel);
      } catch (e) {
        k = this.resume(batch, ctx, e);
      }
      for (let j = 0; j < k; j++) { const s = sel[j]!; l[j] = l[s]!; r[j] = r[s]!; }
    }
    const lm = this.leftMatched, rm = this.rightMatched;
    for (let j = 0; j < k; j++) lm[l[j]!] = 1;
    if (rm) for (let j = 0; j < k; j++) rm[r[j]!] = 1;
    if (!this.emitsPairs || k === 0) return null;
    return pairBatch(left, l, this.right, r, k);
  }

  /**
   * The condition failed on a pair. A semi or anti join decides a left row at its first matching
   * pair and never evaluates the condition on that row's later pairs, so an error there is not
   * one: evaluation goes on after it. Returns the count of accepted pairs (in `sel`), or rethrows.
   */
  private resume(batch: Batch, ctx: ExecContext, error: unknown): number {
    const n = batch.length, sel = this.sel, l = this.l, lm = this.leftMatched;
    let from = 0, k = 0;
    for (;;) {
      const p = from + evalFailure.row, got = evalFailure.k;
      for (let j = k; j < k + got; j++) { sel[j]! += from; lm[l[sel[j]!]!] = 1; }
      k += got;
      if (this.emitsPairs || lm[l[p]!] === 0) throw error;
      from = p + 1;
      if (from >= n) return k;
      try {
        const got2 = this.filter!(sliceBatch(batch, from, n), ctx, sel.subarray(k));
        for (let j = k; j < k + got2; j++) sel[j]! += from;
        return k + got2;
      } catch (e) {
        error = e;
      }
    }
  }
}

function pairBatch(left: Batch, l: Int32Array, right: Batch, r: Int32Array, n: number): Batch {
  const columns: Vector[] = [];
  for (const c of left.columns) columns.push(takeVector(c, l, n));
  for (const c of right.columns) columns.push(takeVector(c, r, n));
  return { length: n, columns };
}

/**
 * What is left of a left batch once its pairs are decided: unmatched rows padded with NULLs
 * (left, full), the matched rows (semi) or the unmatched ones (anti).
 */
export function* leftRemainder(joinType: JoinType, left: Batch, matched: Uint8Array, right: Batch): Generator<Batch> {
  if (joinType === 'inner' || joinType === 'right') return;
  const n = left.length;
  const sel = new Int32Array(n);
  let k = 0;
  const want = joinType === 'semi' ? 1 : 0;
  for (let i = 0; i < n; i++) if (matched[i] === want) sel[k++] = i;
  if (k === 0) return;
  if (joinType === 'semi' || joinType === 'anti') { yield k === n ? left : takeBatch(left, sel, k); return; }
  const none = new Int32Array(Math.min(k, BATCH_SIZE)).fill(-1);
  for (let s = 0; s < k; s += BATCH_SIZE) {
    const e = Math.min(k, s + BATCH_SIZE);
    yield pairBatch(left, sel.subarray(s, e), right, none, e - s);
  }
}

/** Right rows no left row matched, padded with NULLs on the left (right and full joins). */
export function* rightRemainder(left: Field[], right: Batch, matched: Uint8Array): Generator<Batch> {
  const m = right.length;
  const sel = new Int32Array(m);
  let k = 0;
  for (let j = 0; j < m; j++) if (matched[j] === 0) sel[k++] = j;
  if (k === 0) return;
  const none = new Int32Array(Math.min(k, BATCH_SIZE)).fill(-1);
  // Gathering only -1 positions never reads the source, so empty vectors of the left types do.
  const leftCols: Batch = { length: 0, columns: left.map(emptyVector) };
  for (let s = 0; s < k; s += BATCH_SIZE) {
    const e = Math.min(k, s + BATCH_SIZE);
    yield pairBatch(leftCols, none, right, sel.subarray(s, e), e - s);
  }
}

/**
 * Materializes an operator's whole output as one batch, inside an operator's generator, handing
 * pauses on: `const b = yield* materializing(op, ctx)`.
 */
export function* materializing(op: PhysicalOperator, ctx: ExecContext): Generator<Pause, Batch> {
  const parts: Batch[] = [];
  yield* collect(executeAll(op, ctx), parts);
  if (parts.length === 0) return { length: 0, columns: op.schema.map((f) => emptyVector(f)) };
  return concatBatches(op.schema.map((f) => f.type), parts);
}

function emptyVector(f: Field): Vector {
  return makeVector(f.type, allocData(physicalKind(f.type.id), 0), null, 0);
}

function hasNullAt(keys: Vector[], i: number): boolean {
  for (const k of keys) if (k.valid !== null && k.valid[i] === 0) return true;
  return false;
}

export class HashJoinExec implements PhysicalOperator {
  readonly name = 'HashJoinExec';
  readonly children: PhysicalOperator[];
  private readonly leftKeyFns: VectorFn[];
  private readonly rightKeyFns: VectorFn[];
  private readonly filter: FilterFn | null;

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly joinType: JoinType,
    readonly leftKeys: Expr[],
    readonly rightKeys: Expr[],
    readonly residual: Expr | null,
    readonly nullAware: boolean,
    readonly schema: Field[],
    env: CompileEnv,
    /**
     * Which of the join's columns (left ++ right) to produce, when the consumer reads only some:
     * the others are never gathered. null = all (schema must then be the full row).
     */
    readonly outputCols: number[] | null = null,
  ) {
    this.children = [left, right];
    this.leftKeyFns = leftKeys.map((e) => compileExpr(e, env));
    this.rightKeyFns = rightKeys.map((e) => compileExpr(e, env));
    this.filter = residual ? compileFilter(residual, env) : null;
  }

  describe(): string {
    const lw = this.left.schema.length;
    const keys = this.leftKeys.map((l, i) => `${exprText(l)} = ${exprText(remapColumns(this.rightKeys[i]!, (c) => c + lw))}`).join(' AND ');
    let s = `type: ${this.joinType}, keys: ${keys}`;
    if (this.residual) s += `, residual: ${exprText(this.residual)}`;
    if (this.nullAware) s += ', null-aware';
    if (this.outputCols) s += `, output: [${this.outputCols.map((c) => `#${c}`).join(', ')}]`;
    return s;
  }

  partitions(): number { return 1; }

  /**
   * Inner and left joins without a residual condition: all pairs of a left batch are listed first,
   * then each output column is gathered once for the whole batch.
   */
  private *plainBatch(pairs: Pairs, lb: Batch, probe: Int32Array, start: Int32Array, rows: Int32Array, right: Batch, unique: boolean, left: boolean): Generator<Batch> {
    const n = lb.length;
    pairs.n = 0;
    const lw = lb.columns.length;
    const needRight = this.outputCols === null || this.outputCols.some((c) => c >= lw);
    if (unique) {
      // With unique build keys, rows[] is in key-id order: the match of id is rows[id].
      pairs.reserve(n);
      const pl = pairs.l, pr = pairs.r;
      let k = 0;
      if (left) {
        for (let i = 0; i < n; i++) { const id = probe[i]!; pl[k] = i; pr[k++] = id >= 0 ? rows[id]! : -1; }
      } else if (needRight) {
        for (let i = 0; i < n; i++) { const id = probe[i]!; if (id >= 0) { pl[k] = i; pr[k++] = rows[id]!; } }
      } else {
        for (let i = 0; i < n; i++) { if (probe[i]! >= 0) pl[k++] = i; }
      }
      pairs.n = k;
    } else {
      for (let i = 0; i < n; i++) {
        const id = probe[i]!;
        if (id < 0) {
          if (left) { pairs.reserve(1); pairs.l[pairs.n] = i; pairs.r[pairs.n++] = -1; }
          continue;
        }
        const s0 = start[id]!, e0 = start[id + 1]!;
        pairs.reserve(e0 - s0);
        const pl = pairs.l, pr = pairs.r;
        let k = pairs.n;
        for (let p = s0; p < e0; p++) { pl[k] = i; pr[k++] = rows[p]!; }
        pairs.n = k;
      }
    }
    const total = pairs.n;
    if (total === 0) return;
    const cols = this.outputCols ?? Array.from({ length: lw + right.columns.length }, (_, c) => c);
    const CHUNK = 65536;
    for (let s = 0; s < total; s += CHUNK) {
      const e = Math.min(total, s + CHUNK);
      const l = pairs.l.subarray(s, e), r = pairs.r.subarray(s, e);
      const m = e - s;
      const identity = !left && m === n && unique && s === 0 && isIdentity(l);
      yield {
        length: m,
        columns: cols.map((c) => (c < lw ? (identity ? lb.columns[c]! : takeVector(lb.columns[c]!, l, m)) : takeVector(right.columns[c - lw]!, r, m))),
      };
    }
  }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    const jt = this.joinType;
    const right = yield* materializing(this.right, ctx);
    const m = right.length;
    if (m === 0 && (jt === 'inner' || jt === 'semi' || jt === 'right')) return;

    // Build: rows with a NULL in any key never match, so they stay out of the table.
    const rk = this.rightKeyFns.map((f) => f(right, ctx));
    const table = new GroupTable(this.rightKeys.map((e) => e.type));
    const sel = new Int32Array(m);
    let cnt = 0;
    const nullRowsList: number[] = [];
    for (let j = 0; j < m; j++) {
      if (hasNullAt(rk, j)) nullRowsList.push(j);
      else sel[cnt++] = j;
    }
    const ids = new Int32Array(cnt);
    table.insert(rk, cnt, ids, sel);
    // Rows of each key id, contiguous and in input order: rows[start[id] .. start[id + 1]).
    const groups = table.size;
    const start = new Int32Array(groups + 1);
    for (let k = 0; k < cnt; k++) start[ids[k]! + 1]!++;
    for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
    const fill = start.slice(0, groups);
    const rows = new Int32Array(cnt);
    for (let k = 0; k < cnt; k++) rows[fill[ids[k]!]!++] = sel[k]!;
    const nullRows = Int32Array.from(nullRowsList);
    // Unique build keys (the common foreign-key join): each probe row matches at most one row.
    const unique = groups === cnt;
    const pairs = new Pairs();

    const lw = this.left.schema.length;
    const pj = new PairJoiner(jt, this.filter, this.residual, right, lw);
    const plain = this.filter === null;
    const semiAnti = jt === 'semi' || jt === 'anti';
    const nullAware = this.nullAware && jt === 'anti';
    let probe = new Int32Array(BATCH_SIZE);

    for (const lb of executeAll(this.left, ctx)) {
      if (isPause(lb)) { yield lb; continue; }
      const n = lb.length;
      if (n === 0) continue;
      if (nullAware && m === 0) { yield lb; continue; }
      const lk = this.leftKeyFns.map((f) => f(lb, ctx));
      if (probe.length < n) probe = new Int32Array(n);
      // NULL keys were never inserted, so they probe to -1 like any other missing key.
      table.probe(lk, n, probe);

      if (semiAnti && plain && !nullAware) {
        const out = new Int32Array(n);
        let k = 0;
        const want = jt === 'semi';
        for (let i = 0; i < n; i++) if ((probe[i]! >= 0) === want) out[k++] = i;
        if (k > 0) yield k === n ? lb : takeBatch(lb, out, k);
        continue;
      }

      if (plain && !nullAware && (jt === 'inner' || jt === 'left')) {
        yield* this.plainBatch(pairs, lb, probe, start, rows, right, unique, jt === 'left');
        continue;
      }
      if (this.outputCols) throw new Error('column projection is only planned for plain inner and left joins');

      const lm = new Uint8Array(n);
      pj.leftMatched = lm;
      for (let i = 0; i < n; i++) {
        const id = probe[i]!;
        if (nullAware) {
          // NOT IN: the left row is out if some right row's key equals it or might (a NULL on
          // either side); the residual, when there is one, decides for each such right row.
          const lnull = hasNullAt(lk, i);
          if (!lnull && id >= 0) {
            if (plain) { lm[i] = 1; continue; }
            for (let p = start[id]!, e = start[id + 1]!; p < e; p++) {
              pj.l[pj.n] = i; pj.r[pj.n++] = rows[p]!;
              if (pj.n === BATCH_SIZE) pj.flush(lb, ctx);
            }
          }
          const cands = lnull ? null : nullRows;
          const nc = cands ? cands.length : m;
          for (let q = 0; q < nc; q++) {
            if (lm[i]) break;
            const j = cands ? cands[q]! : q;
            if (!mightEqual(lk, i, rk, j)) continue;
            if (plain) { lm[i] = 1; break; }
            pj.l[pj.n] = i; pj.r[pj.n++] = j;
            if (pj.n === BATCH_SIZE) pj.flush(lb, ctx);
          }
          continue;
        }
        if (id < 0) continue;
        for (let p = start[id]!, e = start[id + 1]!; p < e; p++) {
          if (semiAnti && lm[i]) break;
          pj.l[pj.n] = i; pj.r[pj.n++] = rows[p]!;
          if (pj.n === BATCH_SIZE) {
            const out = pj.flush(lb, ctx);
            if (out) yield out;
          }
        }
      }
      const out = pj.flush(lb, ctx);
      if (out) yield out;
      yield* leftRemainder(jt, lb, lm, right);
    }
    if (pj.rightMatched) yield* rightRemainder(this.left.schema, right, pj.rightMatched);
  }
}

/** Growable pair list: left row, right row (-1 = no match, NULLs). */
class Pairs {
  l = new Int32Array(1024);
  r = new Int32Array(1024);
  n = 0;
  reserve(extra: number): void {
    if (this.n + extra <= this.l.length) return;
    let cap = this.l.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const l = new Int32Array(cap), r = new Int32Array(cap);
    l.set(this.l.subarray(0, this.n)); r.set(this.r.subarray(0, this.n));
    this.l = l; this.r = r;
  }
}

function isIdentity(l: Int32Array): boolean {
  for (let i = 0; i < l.length; i++) if (l[i] !== i) return false;
  return true;
}

/** Whether left row i and right row j could be equal: every key pair is equal or has a NULL. */
function mightEqual(lk: Vector[], i: number, rk: Vector[], j: number): boolean {
  for (let c = 0; c < lk.length; c++) {
    const a = lk[c]!, b = rk[c]!;
    if ((a.valid !== null && a.valid[i] === 0) || (b.valid !== null && b.valid[j] === 0)) continue;
    if (keyOf(a, i) !== keyOf(b, j)) return false;
  }
  return true;
}
