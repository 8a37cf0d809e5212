/**
 * ORDER BY, with a bounded variant for ORDER BY ... LIMIT. Rows are sorted through a permutation
 * of row positions; the rows themselves are moved once, when the output batches are gathered.
 *
 * The key comparators and permutation sorts here are shared with the window operator, and
 * `exprText` with the other operators of this folder for their EXPLAIN text.
 */
import type { Batch, Vector } from '../../common/vector.js';
import { BATCH_SIZE, concatBatches, concatVectors, sliceBatch, sliceVector, takeBatch, takeVector } from '../../common/vector.js';
import { physicalKind } from '../../common/types.js';
import { compareJsonbText } from '../../common/json.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import type { Decimal } from '../../common/decimal.js';
import type { Interval } from '../../common/datetime.js';
import { timeTzCmp, type TimeTz } from '../../common/time.js';
import { intervalCmp } from '../../common/datetime.js';
import type { Expr, SortKey } from '../../logical/expr.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { executeAll } from '../operator.js';
import { isPause, slicePause, sliceUsed } from '../pause.js';
import { mergeRuns } from '../merge_runs.js';
import { compileExpr, type CompileEnv, type VectorFn } from '../compile.js';

export interface KeyOrder { desc: boolean; nullsFirst: boolean }

/** Compares two row positions of the key vectors; 0 for peers. */
export type RowCmp = (a: number, b: number) => number;

/** Below this many rows a comparison sort beats the fixed cost of the radix passes. */
const RADIX_MIN_ROWS = 1024;

function rtrim(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** Ascending comparison of two present values of a key vector, NULLs not considered. */
function valueComparator(v: Vector): RowCmp {
  // One fixed-point vector has one scale: its scaled integers order as the numbers do.
  const kind = v.scale !== undefined ? 'f64' : physicalKind(v.type.id);
  switch (kind) {
    case 'bool': case 'i32': {
      const d = v.data as Int32Array | Uint8Array;
      return (a, b) => d[a]! - d[b]!;
    }
    case 'f64': {
      const d = v.data as Float64Array;
      // PostgreSQL orders NaN above every other value and equal to itself.
      return (a, b) => {
        const x = d[a]!, y = d[b]!;
        if (x < y) return -1;
        if (x > y) return 1;
        if (x === y) return 0;
        return x !== x ? (y !== y ? 0 : 1) : -1;
      };
    }
    case 'i64': {
      const d = v.data as BigInt64Array;
      return (a, b) => { const x = d[a]!, y = d[b]!; return x < y ? -1 : x > y ? 1 : 0; };
    }
    case 'decimal': {
      const d = v.data as (Decimal | null)[];
      return (a, b) => d[a]!.cmp(d[b]!);
    }
    case 'interval': {
      if (v.type.id === 'timetz') { const d = v.data as unknown as TimeTz[]; return (a, b) => timeTzCmp(d[a]!, d[b]!); }
      if (v.type.id === 'array') { const d = v.data as unknown as unknown[][]; return (a, b) => compareArrays(d[a]!, d[b]!); }
      if (v.type.id === 'record') { const d = v.data as unknown as { cmp(o: unknown): number }[]; return (a, b) => d[a]!.cmp(d[b]!); }
      const d = v.data as (Interval | null)[];
      return (a, b) => intervalCmp(d[a]!, d[b]!);
    }
    case 'string': {
      let d = v.data as (string | null)[];
      // char(n) compares without its trailing blanks.
      if (v.type.id === 'bpchar') d = d.map((s) => (s === null ? null : rtrim(s)));
      if (v.type.id === 'jsonb') return (a, b) => compareJsonbText(d[a]!, d[b]!);
      if (v.type.id === 'json') throw new QuiverError(SqlState.undefinedFunction, 'could not identify an ordering operator for type json');
      const s = d;
      return (a, b) => { const x = s[a]!, y = s[b]!; return x < y ? -1 : x > y ? 1 : 0; };
    }
  }
}

/** Comparator for one key: direction and NULL placement applied. */
export function makeKeyComparator(v: Vector, o: KeyOrder): RowCmp {
  const base = valueComparator(v);
  const valid = v.valid;
  const nullSide = o.nullsFirst ? -1 : 1;
  if (valid === null) return o.desc ? (a, b) => base(b, a) : base;
  if (o.desc) {
    return (a, b) => {
      const na = valid[a] === 0, nb = valid[b] === 0;
      if (na || nb) return na ? (nb ? 0 : nullSide) : -nullSide;
      return base(b, a);
    };
  }
  return (a, b) => {
    const na = valid[a] === 0, nb = valid[b] === 0;
    if (na || nb) return na ? (nb ? 0 : nullSide) : -nullSide;
    return base(a, b);
  };
}

/** Lexicographic comparator over several keys; with no keys every pair of rows are peers. */
export function makeRowComparator(vecs: Vector[], orders: KeyOrder[]): RowCmp {
  const cs = vecs.map((v, i) => makeKeyComparator(v, orders[i]!));
  switch (cs.length) {
    case 0: return () => 0;
    case 1: return cs[0]!;
    case 2: {
      const c0 = cs[0]!, c1 = cs[1]!;
      return (a, b) => c0(a, b) || c1(a, b);
    }
    default: {
      const n = cs.length;
      return (a, b) => {
        for (let i = 0; i < n; i++) {
          const r = cs[i]!(a, b);
          if (r !== 0) return r;
        }
        return 0;
      };
    }
  }
}

function identity(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}

/**
 * The stable sorting permutation of rows 0..n-1: out[k] is the row at sorted position k.
 * A single fixed-width key goes through an LSD radix sort; anything else through a comparison sort
 * whose ties fall back to the row position, which makes it stable whatever the engine's sort does.
 */
export function sortPermutation(vecs: Vector[], orders: KeyOrder[], n: number): Int32Array {
  if (n <= 1 || vecs.length === 0) return identity(n);
  if (vecs.length === 1 && n >= RADIX_MIN_ROWS) {
    const kind = radixKind(vecs[0]!);
    if (kind === 'i32' || kind === 'bool' || kind === 'f64' || kind === 'i64') return radixPermutation(vecs[0]!, orders[0]!, n);
  }
  // Several fixed-width keys (PARTITION BY k ORDER BY v, ORDER BY a, b): one radix key of their
  // words, the last key's least significant.
  // Each digit pass reads every row, so past six words a comparison sort tends to win.
  if (n >= RADIX_MIN_ROWS && vecs.every((v) => RADIX_KINDS.has(radixKind(v) as never)) && vecs.reduce((s, v) => s + radixWordCount(v), 0) <= 6) {
    const words: Uint32Array[] = [];
    for (let k = vecs.length - 1; k >= 0; k--) words.push(...keyWords(vecs[k]!, orders[k]!, n));
    return radixPasses(identity(n), words);
  }
  const cmp = makeRowComparator(vecs, orders);
  const p = identity(n);
  p.sort((a, b) => cmp(a, b) || a - b);
  return p;
}

/**
 * The first min(limit, n) entries of the stable sorting permutation. A bounded max-heap keeps the
 * best `limit` rows seen so far when that is much smaller than n.
 */
export function topNPermutation(vecs: Vector[], orders: KeyOrder[], n: number, limit: number): Int32Array {
  if (limit * 8 >= n) return sortPermutation(vecs, orders, n).subarray(0, Math.min(limit, n));
  const base = makeRowComparator(vecs, orders);
  // A total order (ties by position) so the heap keeps exactly what a stable sort would.
  const cmp = (a: number, b: number): number => base(a, b) || a - b;
  const heap = new Int32Array(limit);
  let size = 0;
  for (let row = 0; row < n; row++) {
    if (size < limit) {
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (cmp(heap[p]!, row) >= 0) break;
        heap[i] = heap[p]!;
        i = p;
      }
      heap[i] = row;
    } else if (cmp(row, heap[0]!) < 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && cmp(heap[r]!, heap[l]!) > 0 ? r : l;
        if (cmp(heap[c]!, row) <= 0) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = row;
    }
  }
  const out = heap.subarray(0, size);
  out.sort(cmp);
  return out;
}

/**
 * Radix sort of one fixed-width key: each present key becomes one or two unsigned 32-bit words
 * ordered like the key (sign bit flipped; for floats, negative values fully inverted), inverted
 * again for DESC. NULL rows keep their input order at the chosen end.
 */
function radixPermutation(v: Vector, o: KeyOrder, n: number): Int32Array {
  const valid = v.valid;
  const rows = new Int32Array(n);
  const nulls: number[] = [];
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) nulls.push(i);
    else rows[m++] = i;
  }
  const sorted = radixPasses(rows.subarray(0, m), valueWords(v, o, n));
  if (nulls.length === 0) return sorted;
  const out = new Int32Array(n);
  if (o.nullsFirst) { out.set(nulls, 0); out.set(sorted, nulls.length); }
  else { out.set(sorted, 0); out.set(nulls, m); }
  return out;
}

const RADIX_KINDS = new Set(['i32', 'bool', 'f64', 'i64']);

/** How many 32-bit words keyWords makes of a key. */
/** A fixed-point numeric sorts as its scaled doubles (one scale per vector). */
function radixKind(v: Vector): string {
  return v.scale !== undefined ? 'f64' : physicalKind(v.type.id);
}

function radixWordCount(v: Vector): number {
  const kind = radixKind(v);
  return (kind === 'i32' || kind === 'bool' ? 1 : 2) + (v.valid === null ? 0 : 1);
}

/**
 * A fixed-width key's present values as unsigned 32-bit words (least significant first) ordered
 * like the values: sign bit flipped; for floats, negative values fully inverted; all inverted
 * again for DESC. A NULL row's words are meaningless.
 */
function valueWords(v: Vector, o: KeyOrder, n: number): Uint32Array[] {
  const kind = radixKind(v);
  const flip = o.desc ? 0xffffffff : 0;
  if (kind === 'i32' || kind === 'bool') {
    const d = v.data as Int32Array | Uint8Array;
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) lo[i] = ((d[i]! ^ 0x80000000) ^ flip) >>> 0;
    return [lo];
  }
  const lo = new Uint32Array(n), hi = new Uint32Array(n);
  if (kind === 'f64') {
    const d = v.data as Float64Array;
    // The column's own bytes, read as (low, high) 32-bit words (little-endian).
    const w = new Uint32Array(d.buffer, d.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      const x = d[i]!;
      let h: number, l: number;
      if (x !== x) { h = 0xfff80000; l = 0; } // every NaN above +Infinity, all equal
      else if (x === 0) { h = 0x80000000; l = 0; } // -0 = 0
      else {
        l = w[2 * i]!; h = w[2 * i + 1]!;
        if (h & 0x80000000) { h = ~h; l = ~l; } else h ^= 0x80000000;
      }
      lo[i] = (l ^ flip) >>> 0;
      hi[i] = (h ^ flip) >>> 0;
    }
  } else {
    const d = v.data as BigInt64Array;
    const w = new Uint32Array(d.buffer, d.byteOffset, d.length * 2);
    for (let i = 0; i < n; i++) {
      lo[i] = (w[2 * i]! ^ flip) >>> 0;
      hi[i] = ((w[2 * i + 1]! ^ 0x80000000) ^ flip) >>> 0;
    }
  }
  return [lo, hi];
}

/**
 * One key of a multi-key radix sort: its value words, then (when it has NULLs) a more significant
 * word placing NULL rows first or last; a NULL row's value words are zeroed so NULLs are peers.
 */
function keyWords(v: Vector, o: KeyOrder, n: number): Uint32Array[] {
  const words = valueWords(v, o, n);
  const valid = v.valid;
  if (valid === null) return words;
  const nullWord = new Uint32Array(n);
  const isNull = o.nullsFirst ? 0 : 1, present = o.nullsFirst ? 1 : 0;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) { nullWord[i] = isNull; for (const w of words) w[i] = 0; } else nullWord[i] = present;
  }
  return [...words, nullWord];
}

/**
 * Stable LSD radix sort of `rows` by the words (least significant word first), in 11-bit digits.
 * The key words travel with the row numbers, so every pass reads its input sequentially instead
 * of gathering keys through the permutation; digits shared by every row are skipped.
 */
function radixPasses(rows: Int32Array, words: Uint32Array[]): Int32Array {
  const m = rows.length;
  let idx = Int32Array.from(rows), idx2 = new Int32Array(m);
  if (m === 0) return idx;
  // Keys in the order of `rows`.
  const cur = words.map((w) => { const k = new Uint32Array(m); for (let i = 0; i < m; i++) k[i] = w[rows[i]!]!; return k; });
  const nxt = words.map(() => new Uint32Array(m));
  const count = new Int32Array(2048);
  const nw = words.length;
  let positions: Int32Array | null = null;
  for (let w = 0; w < nw; w++) {
    for (let shift = 0; shift < 32; shift += 11) {
      const bits = Math.min(11, 32 - shift);
      const mask = (1 << bits) - 1;
      const key = cur[w]!, nkey = nxt[w]!;
      count.fill(0);
      for (let k = 0; k < m; k++) count[(key[k]! >>> shift) & mask]!++;
      if (count[(key[0]! >>> shift) & mask] === m) continue;
      let sum = 0;
      for (let d = 0; d <= mask; d++) { const c = count[d]!; count[d] = sum; sum += c; }
      if (w === nw - 1) {
        for (let k = 0; k < m; k++) {
          const kk = key[k]!;
          const pos = count[(kk >>> shift) & mask]!++;
          idx2[pos] = idx[k]!;
          nkey[pos] = kk;
        }
      } else if (w === nw - 2) {
        // The higher word rides along while sorting by the lower one.
        const hi = cur[w + 1]!, nhi = nxt[w + 1]!;
        for (let k = 0; k < m; k++) {
          const kk = key[k]!;
          const pos = count[(kk >>> shift) & mask]!++;
          idx2[pos] = idx[k]!;
          nkey[pos] = kk;
          nhi[pos] = hi[k]!;
        }
      } else {
        // Several higher words: the positions are found first, then each word follows them.
        const dest = (positions ??= new Int32Array(m));
        for (let k = 0; k < m; k++) {
          const kk = key[k]!;
          const pos = count[(kk >>> shift) & mask]!++;
          dest[k] = pos;
          nkey[pos] = kk;
        }
        for (let k = 0; k < m; k++) idx2[dest[k]!] = idx[k]!;
        for (let x = w + 1; x < nw; x++) {
          const src = cur[x]!, dst = nxt[x]!;
          for (let k = 0; k < m; k++) dst[dest[k]!] = src[k]!;
        }
      }
      const t = idx; idx = idx2; idx2 = t;
      for (let x = w; x < nw; x++) { const tk = cur[x]!; cur[x] = nxt[x]!; nxt[x] = tk; }
    }
  }
  return idx;
}

/** Short text of an expression for EXPLAIN: columns as #i, operators infix. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'col': return `#${e.index}`;
    case 'const':
      if (e.value === null || e.value === undefined) return 'NULL';
      if (typeof e.value === 'string') return `'${e.value.replace(/'/g, "''")}'`;
      return String(e.value);
    case 'param': return `$${e.index + 1}`;
    case 'outer': return `outer${e.slot}`;
    case 'call': {
      const name = e.fn.name;
      const symbol = !/^[a-z_]/i.test(name);
      if (symbol && e.args.length === 2) return `(${exprText(e.args[0]!)} ${name} ${exprText(e.args[1]!)})`;
      if (symbol && e.args.length === 1) return `(${name}${exprText(e.args[0]!)})`;
      return `${name}(${e.args.map(exprText).join(', ')})`;
    }
    case 'cast': return `${exprText(e.arg)}::${e.type.id}`;
    case 'and': case 'or': return `(${e.args.map(exprText).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not': return `(NOT ${exprText(e.arg)})`;
    case 'isnull': return `(${exprText(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'isbool': return `(${exprText(e.arg)} IS ${e.negated ? 'NOT ' : ''}${e.test.toUpperCase()})`;
    case 'coalesce': case 'greatest': case 'least': return `${e.kind}(${e.args.map(exprText).join(', ')})`;
    case 'inlist': return `(${exprText(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(exprText).join(', ')}))`;
    case 'case': return 'CASE ...';
    case 'subquery': return `(${e.mode} subquery)`;
  }
}

export function sortKeyText(k: SortKey): string {
  // NULLS FIRST is the default for DESC and NULLS LAST for ASC; only departures are shown.
  const nulls = k.nullsFirst !== k.desc ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : '';
  return `${exprText(k.expr)}${k.desc ? ' DESC' : ''}${nulls}`;
}

const OUT_BATCH = 65536;
/**
 * Rows ordered in one step; a larger input is sorted as runs of this size and merged. The merge
 * costs more than one radix sort of the whole, so runs are kept large: a million rows still
 * sort in one step (about 0.1 s), beyond that a step is one run.
 */
const RUN_ROWS = 1 << 20;

export class SortExec implements PhysicalOperator {
  readonly name = 'SortExec';
  readonly children: PhysicalOperator[];
  private readonly keyFns: VectorFn[];

  constructor(
    readonly input: PhysicalOperator,
    readonly keys: SortKey[],
    readonly schema: Field[],
    env: CompileEnv,
    readonly limit: number | null,
  ) {
    this.children = [input];
    this.keyFns = keys.map((k) => compileExpr(k.expr, env));
  }

  describe(): string {
    const s = `keys: ${this.keys.map(sortKeyText).join(', ')}`;
    return this.limit === null ? s : `${s}, limit: ${this.limit}`;
  }

  partitions(): number { return 1; }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    const limit = this.limit;
    if (limit !== null && limit <= 0) return;
    const types = this.input.schema.map((f) => f.type);
    const keyTypes = this.keys.map((k) => k.expr.type);
    const orders = this.keys;
    // Keys are evaluated once per row as it arrives, so volatile keys are computed once.
    const rows: Batch[] = [];
    const keyParts: Vector[][] = this.keyFns.map(() => []);
    let pending = 0;
    // Top-N keeps at most `limit` rows between compactions, so memory stays bounded by the
    // threshold rather than by the input.
    const threshold = limit === null ? Infinity : Math.max(2 * limit, 8 * BATCH_SIZE);
    const compact = (lim: number): void => {
      const all = concatBatches(types, rows);
      const keys = keyParts.map((p, i) => concatVectors(keyTypes[i]!, p));
      const perm = topNPermutation(keys, orders, all.length, lim);
      rows.length = 0;
      rows.push(takeBatch(all, perm, perm.length));
      keyParts.forEach((p, i) => { p.length = 0; p.push(takeVector(keys[i]!, perm, perm.length)); });
      pending = perm.length;
    };
    for (const b of executeAll(this.input, ctx)) {
      if (b.length === 0) { if (isPause(b)) yield b; continue; }
      rows.push(b);
      for (let i = 0; i < this.keyFns.length; i++) keyParts[i]!.push(this.keyFns[i]!(b, ctx));
      pending += b.length;
      if (pending >= threshold) compact(limit!);
    }
    if (rows.length === 0) return;
    if (limit !== null) {
      compact(limit);
      const kept = rows[0]!;
      for (let s = 0; s < kept.length; s += BATCH_SIZE) yield sliceBatch(kept, s, Math.min(kept.length, s + BATCH_SIZE));
      return;
    }
    const all = concatBatches(types, rows);
    const keys = keyParts.map((p, i) => concatVectors(keyTypes[i]!, p));
    const n = all.length;
    if (n <= RUN_ROWS) {
      const perm = sortPermutation(keys, orders, n);
      // One gather per column, then zero-copy slices: far fewer allocations than a gather per batch.
      const sorted = takeBatch(all, perm, perm.length);
      for (let s = 0; s < perm.length; s += OUT_BATCH) yield sliceBatch(sorted, s, Math.min(perm.length, s + OUT_BATCH));
      return;
    }
    // Too many rows to order in one step: sorted runs, then a merge that hands out one output
    // batch at a time, each step short enough to give the event loop its turns in between.
    const runs: Int32Array[] = [];
    for (let s = 0; s < n; s += RUN_ROWS) {
      if (sliceUsed(ctx)) yield slicePause();
      const e = Math.min(n, s + RUN_ROWS);
      const run = sortPermutation(keys.map((k) => sliceVector(k, s, e)), orders, e - s);
      for (let i = 0; i < run.length; i++) run[i] += s;
      runs.push(run);
    }
    for (const sel of mergeRuns(runs, makeRowComparator(keys, orders), OUT_BATCH)) {
      if (sliceUsed(ctx)) yield slicePause();
      yield takeBatch(all, sel, sel.length);
    }
  }
}

/** Arrays order element by element (NULL elements last), then by length, as PostgreSQL's btarraycmp. */
function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = typeof x === 'object' && x !== null && 'cmp' in x ? (x as { cmp(o: unknown): number }).cmp(y) : (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
