import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { T, type SqlType } from '../../src/common/types.js';
import { Decimal } from '../../src/common/decimal.js';
import { parseDate, parseInterval, parseTimestamp } from '../../src/common/datetime.js';
import { VectorBuilder, getValue, allocData, makeVector, type Batch, type Vector } from '../../src/common/vector.js';
import type { Expr, SortKey, WindowCall, WindowFrame, FrameBound } from '../../src/logical/expr.js';
import type { Field, JoinType } from '../../src/logical/plan.js';
import type { ExecContext } from '../../src/physical/context.js';
import type { CompileEnv } from '../../src/physical/compile.js';
import { executeAll, type PhysicalOperator } from '../../src/physical/operator.js';
import { resolveScalar, resolveWindow, type Accumulator, type AggregateFunction, type WindowFunction } from '../../src/udf/registry.js';
import '../../src/udf/operators.js';
import '../../src/udf/window.js';
import { HashJoinExec } from '../../src/physical/operators/hash_join.js';
import { NestedLoopJoinExec } from '../../src/physical/operators/nested_loop_join.js';
import { SortExec, sortPermutation } from '../../src/physical/operators/sort.js';
import { WindowExec } from '../../src/physical/operators/window.js';
import { SetOpExec } from '../../src/physical/operators/set_op.js';
import { DistinctExec } from '../../src/physical/operators/distinct.js';

/** Yields the batches it was given. */
class ValuesSource implements PhysicalOperator {
  readonly name = 'ValuesSource';
  readonly children: PhysicalOperator[] = [];
  constructor(readonly schema: Field[], private readonly batches: Batch[]) {}
  describe(): string { return `${this.batches.length} batches`; }
  partitions(): number { return 1; }
  *execute(): Generator<Batch> { yield* this.batches; }
}

const ctx: ExecContext = { params: [], outer: [], now: 0, random: Math.random, workTables: new Map() };
const env: CompileEnv = { subquery() { throw new Error('no subqueries in these tests'); } };

function batch(types: SqlType[], rows: unknown[][]): Batch {
  const bs = types.map((t) => new VectorBuilder(t, 16));
  for (const r of rows) r.forEach((v, c) => bs[c]!.push(v));
  return { length: rows.length, columns: bs.map((b) => b.finish()) };
}

function fields(types: SqlType[]): Field[] { return types.map((type, i) => ({ name: `c${i}`, type })); }

/** A source with the rows split into batches of `per` rows. */
function source(types: SqlType[], rows: unknown[][], per = 3): ValuesSource {
  const bs: Batch[] = [];
  for (let i = 0; i < rows.length; i += per) bs.push(batch(types, rows.slice(i, i + per)));
  return new ValuesSource(fields(types), bs);
}

function run(op: PhysicalOperator): unknown[][] {
  const out: unknown[][] = [];
  for (const b of executeAll(op, ctx)) {
    for (const c of b.columns) assert.equal(c.length, b.length);
    for (let i = 0; i < b.length; i++) out.push(b.columns.map((c) => getValue(c, i)));
  }
  return out;
}

const key = (r: unknown[]): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
function sorted(rows: unknown[][]): unknown[][] { return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)); }
function sameRows(actual: unknown[][], expected: unknown[][]): void { assert.deepEqual(sorted(actual), sorted(expected)); }

const col = (index: number, type: SqlType): Expr => ({ kind: 'col', index, type });
const lit = (value: unknown, type: SqlType): Expr => ({ kind: 'const', value, type });
function cmp(op: string, a: Expr, b: Expr): Expr {
  const r = resolveScalar(op, [a.type, b.type]);
  assert.ok(r, `operator ${op}`);
  return { kind: 'call', fn: r.fn, args: [a, b], type: T.bool };
}
const and = (...args: Expr[]): Expr => ({ kind: 'and', args, type: T.bool });

describe('HashJoinExec', () => {
  const I = T.int4;
  const lt = [I, I], rt = [I, I];
  const L = [[1, 10], [2, 20], [2, 5], [null, 0], [3, 30]];
  const R = [[2, 15], [2, 25], [3, 1], [null, 100], [4, 0]];
  const inner = [[2, 20, 2, 15], [2, 20, 2, 25], [2, 5, 2, 15], [2, 5, 2, 25], [3, 30, 3, 1]];
  const hj = (jt: JoinType, residual: Expr | null = null, l = L, r = R, nullAware = false): PhysicalOperator => {
    const schema = jt === 'semi' || jt === 'anti' ? fields(lt) : fields([...lt, ...rt]);
    return new HashJoinExec(source(lt, l), source(rt, r, 2), jt, [col(0, I)], [col(0, I)], residual, nullAware, schema, env);
  };
  const nl = (jt: JoinType, on: Expr | null, l = L, r = R, nullAware = false): PhysicalOperator => {
    const schema = jt === 'semi' || jt === 'anti' ? fields(lt) : fields([...lt, ...rt]);
    return new NestedLoopJoinExec(source(lt, l), source(rt, r, 2), jt, on, nullAware, schema, env);
  };
  const residual = cmp('<', col(1, I), col(3, I));

  test('inner, left, right, full with duplicates and NULL keys', () => {
    sameRows(run(hj('inner')), inner);
    sameRows(run(hj('left')), [...inner, [1, 10, null, null], [null, 0, null, null]]);
    sameRows(run(hj('right')), [...inner, [null, null, null, 100], [null, null, 4, 0]]);
    sameRows(run(hj('full')), [...inner, [1, 10, null, null], [null, 0, null, null], [null, null, null, 100], [null, null, 4, 0]]);
  });

  test('semi and anti', () => {
    sameRows(run(hj('semi')), [[2, 20], [2, 5], [3, 30]]);
    sameRows(run(hj('anti')), [[1, 10], [null, 0]]);
  });

  test('residual decides matches for every join type', () => {
    const m = [[2, 20, 2, 25], [2, 5, 2, 15], [2, 5, 2, 25]];
    sameRows(run(hj('inner', residual)), m);
    sameRows(run(hj('left', residual)), [...m, [1, 10, null, null], [null, 0, null, null], [3, 30, null, null]]);
    sameRows(run(hj('right', residual)), [...m, [null, null, 3, 1], [null, null, null, 100], [null, null, 4, 0]]);
    sameRows(run(hj('full', residual)), [...m, [1, 10, null, null], [null, 0, null, null], [3, 30, null, null], [null, null, 3, 1], [null, null, null, 100], [null, null, 4, 0]]);
    sameRows(run(hj('semi', residual)), [[2, 20], [2, 5]]);
    sameRows(run(hj('anti', residual)), [[1, 10], [null, 0], [3, 30]]);
  });

  test('nested loop join agrees with the hash join', () => {
    const eq = cmp('=', col(0, I), col(2, I));
    for (const jt of ['inner', 'left', 'right', 'full', 'semi', 'anti'] as JoinType[]) {
      sameRows(run(nl(jt, eq)), run(hj(jt)));
      sameRows(run(nl(jt, and(eq, residual))), run(hj(jt, residual)));
    }
    assert.equal(run(nl('inner', null)).length, 25);
    sameRows(run(nl('left', null, L, [])), L.map((r) => [...r, null, null]));
    sameRows(run(nl('full', cmp('>', col(1, I), col(3, I)))), [
      [1, 10, 3, 1], [1, 10, 4, 0], [2, 20, 2, 15], [2, 20, 3, 1], [2, 20, 4, 0], [2, 5, 3, 1], [2, 5, 4, 0],
      [3, 30, 2, 15], [3, 30, 2, 25], [3, 30, 3, 1], [3, 30, 4, 0], [null, 0, null, null], [null, null, null, 100],
    ]);
  });

  test('null-aware anti join (NOT IN)', () => {
    const l = [[1, 0], [2, 0], [null, 0]];
    sameRows(run(hj('anti', null, l, [[2, 0]], true)), [[1, 0]]);
    sameRows(run(hj('anti', null, l, [[2, 0], [null, 0]], true)), []);
    sameRows(run(hj('anti', null, l, [], true)), l);
    const eq = cmp('=', col(0, I), col(2, I));
    sameRows(run(nl('anti', eq, l, [[2, 0]], true)), [[1, 0]]);
    sameRows(run(nl('anti', eq, l, [[2, 0], [null, 0]], true)), []);
    sameRows(run(nl('anti', eq, l, [], true)), l);
    // Plain anti join: NULL keys simply do not match.
    sameRows(run(hj('anti', null, l, [[2, 0], [null, 0]])), [[1, 0], [null, 0]]);
  });

  test('null-aware anti join with two keys follows row comparison semantics', () => {
    const t = [I, I];
    const mk = (l: unknown[][], r: unknown[][]): PhysicalOperator =>
      new HashJoinExec(source(t, l), source(t, r), 'anti', [col(0, I), col(1, I)], [col(0, I), col(1, I)], null, true, fields(t), env);
    // (1,2) NOT IN ((3,NULL)) is true: 1 <> 3 decides it whatever the NULL is.
    sameRows(run(mk([[1, 2], [3, 5], [1, null]], [[3, null]])), [[1, 2], [1, null]]);
    sameRows(run(mk([[1, 2], [3, 5]], [[3, 5], [null, 9]])), [[1, 2]]);
  });

  test('text and multi-column keys', () => {
    const t = [T.text, I];
    const l = [['a', 1], ['b', 2], ['a', 2], [null, 1]];
    const r = [['a', 2], ['a', 2], ['b', 2], ['c', 1]];
    const op = new HashJoinExec(source(t, l), source(t, r), 'inner', [col(0, T.text), col(1, I)], [col(0, T.text), col(1, I)], null, false, fields([...t, ...t]), env);
    sameRows(run(op), [['b', 2, 'b', 2], ['a', 2, 'a', 2], ['a', 2, 'a', 2]]);
    assert.match(op.describe(), /type: inner, keys: #0 = #2 AND #1 = #3/);
  });

  test('output larger than a batch, from many duplicates', () => {
    const l = Array.from({ length: 3000 }, (_, i) => [i % 10, i]);
    const r = Array.from({ length: 500 }, (_, j) => [j % 10, j]);
    const op = new HashJoinExec(source(lt, l, 1000), source(rt, r, 100), 'inner', [col(0, I)], [col(0, I)], null, false, fields([...lt, ...rt]), env);
    const rows = run(op);
    assert.equal(rows.length, 150000);
    for (const x of rows) assert.equal(x[0], x[2]);
    const semi = new HashJoinExec(source(lt, l, 1000), source(rt, r, 100), 'semi', [col(0, I)], [col(0, I)], cmp('<', col(1, I), col(3, I)), false, fields(lt), env);
    assert.equal(run(semi).length, l.filter(([k, a]) => r.some(([k2, b]) => k2 === k && (a as number) < (b as number))).length);
  });
});

describe('SortExec', () => {
  const I = T.int4;
  const sk = (index: number, type: SqlType, desc = false, nullsFirst = desc): SortKey => ({ expr: col(index, type), desc, nullsFirst });
  const sortOp = (types: SqlType[], rows: unknown[][], keys: SortKey[], limit: number | null = null): PhysicalOperator =>
    new SortExec(source(types, rows, 4), keys, fields(types), env, limit);

  test('NULL placement and direction', () => {
    const rows = [[3], [null], [1], [2], [null], [5]];
    assert.deepEqual(run(sortOp([I], rows, [sk(0, I)])), [[1], [2], [3], [5], [null], [null]]);
    assert.deepEqual(run(sortOp([I], rows, [sk(0, I, true)])), [[null], [null], [5], [3], [2], [1]]);
    assert.deepEqual(run(sortOp([I], rows, [sk(0, I, false, true)])), [[null], [null], [1], [2], [3], [5]]);
    assert.deepEqual(run(sortOp([I], rows, [sk(0, I, true, false)])), [[5], [3], [2], [1], [null], [null]]);
  });

  test('multi-key and stability', () => {
    const t = [T.text, I, I];
    const rows = [['b', 1, 0], ['a', 2, 1], ['b', 0, 2], ['a', 2, 3], ['B', 9, 4], [null, 1, 5], ['a', 1, 6]];
    assert.deepEqual(run(sortOp(t, rows, [sk(0, T.text), sk(1, I, true)])).map((r) => r[2]), [4, 1, 3, 6, 0, 2, 5]);
    assert.deepEqual(run(sortOp(t, rows, [sk(0, T.text)])).map((r) => r[2]), [4, 1, 3, 6, 0, 2, 5]);
  });

  test('floats order NaN last and -0 with 0; int8 and large inputs use the radix path', () => {
    const F = T.float8;
    const fr = [[1.5], [NaN], [-0], [-Infinity], [0], [Infinity], [-2.5], [null]];
    assert.deepEqual(run(sortOp([F], fr, [sk(0, F)])), [[-Infinity], [-2.5], [-0], [0], [1.5], [Infinity], [NaN], [null]]);
    for (const [t, gen] of [[I, (i: number) => ((i * 7919) % 2001) - 1000], [F, (i: number) => ((i * 7919) % 2001) / 7 - 100], [T.int8, (i: number) => BigInt(((i * 7919) % 2001) - 1000) * 10000000000n]] as const) {
      const rows = Array.from({ length: 5000 }, (_, i) => [i % 97 === 0 ? null : gen(i), i]);
      for (const desc of [false, true]) {
        const got = run(new SortExec(source([t, I], rows, 1000), [sk(0, t, desc)], fields([t, I]), env, null));
        const exp = [...rows].sort((a, b) => {
          if (a[0] === null || b[0] === null) return a[0] === null ? (b[0] === null ? 0 : desc ? -1 : 1) : desc ? 1 : -1;
          const c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
          return desc ? -c : c;
        });
        assert.deepEqual(got, exp);
      }
    }
  });

  test('top-N matches a full sort', () => {
    const rows = Array.from({ length: 40000 }, (_, i) => [(i * 2654435761) % 1000, i]);
    const full = run(sortOp([I, I], rows, [sk(0, I, true)]));
    for (const limit of [0, 1, 7, 100, 30000, 50000]) {
      const op = new SortExec(source([I, I], rows, 2048), [sk(0, I, true)], fields([I, I]), env, limit);
      assert.deepEqual(run(op), full.slice(0, limit));
    }
  });

  test('sortPermutation over text with bpchar padding', () => {
    const v = batch([T.bpchar], [['b  '], ['a'], ['a '], ['']]).columns[0]!;
    assert.deepEqual([...sortPermutation([v], [{ desc: false, nullsFirst: false }], 4)], [3, 1, 2, 0]);
  });
});

/** sum(int4) → int8 and count(*) accumulators, enough to exercise window frames. */
class SumAcc implements Accumulator {
  sums: number[] = [];
  seen: boolean[] = [];
  constructor(private readonly star: boolean) {}
  resize(n: number): void { while (this.sums.length < n) { this.sums.push(0); this.seen.push(false); } }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    for (let k = 0; k < n; k++) {
      const i = sel ? sel[k]! : k, g = gids[k]!;
      if (this.star) { this.sums[g]! += 1; this.seen[g] = true; continue; }
      const v = getValue(args[0]!, i);
      if (v === null) continue;
      this.sums[g]! += v as number;
      this.seen[g] = true;
    }
  }
  merge(): void { throw new Error('not used'); }
  finish(n: number): Vector {
    const data = allocData('i64', n) as BigInt64Array;
    const valid = new Uint8Array(n);
    for (let g = 0; g < n; g++) if (this.seen[g] || this.star) { data[g] = BigInt(this.sums[g] ?? 0); valid[g] = 1; }
    return makeVector(T.int8, data, valid, n);
  }
}
const sumFn: AggregateFunction = { name: 'sum', args: ['int4'], ret: T.int8, strict: true, create: () => new SumAcc(false) };
const countFn: AggregateFunction = { name: 'count', args: [], ret: T.int8, strict: false, star: true, create: () => new SumAcc(true) };

describe('WindowExec', () => {
  const I = T.int4;
  const types = [T.text, I, I];
  // (g, x, id): partition a has peers on x = 2.
  const rows = [['a', 1, 0], ['b', 5, 1], ['a', 2, 2], ['a', 2, 3], ['a', 4, 4], ['b', 6, 5], ['a', null, 6]];
  const bound = (kind: FrameBound['kind'], offset?: number): FrameBound =>
    kind === 'preceding' || kind === 'following' ? { kind, offset: lit(offset!, I) } : { kind } as FrameBound;
  const frame = (mode: WindowFrame['mode'], start: FrameBound, end: FrameBound, exclude: WindowFrame['exclude'] = 'no others'): WindowFrame => ({ mode, start, end, exclude });
  const deflt = frame('range', bound('unbounded_preceding'), bound('current_row'));
  const byG = [col(0, T.text)];
  const byX: SortKey[] = [{ expr: col(1, I), desc: false, nullsFirst: false }];
  function wf(name: string, args: Expr[]): WindowFunction {
    const r = resolveWindow(name, args.map((a) => a.type));
    assert.ok(r, name);
    return r.fn;
  }
  function wcall(name: string, args: Expr[], type: SqlType, opts: Partial<WindowCall> = {}): WindowCall {
    return { fn: wf(name, args), isAggregate: false, args, distinct: false, filter: null, partitionBy: byG, orderBy: byX, frame: deflt, type, ...opts };
  }
  function agg(fn: AggregateFunction, args: Expr[], opts: Partial<WindowCall> = {}): WindowCall {
    return { fn, isAggregate: true, args, distinct: false, filter: null, partitionBy: byG, orderBy: byX, frame: deflt, type: T.int8, ...opts };
  }
  /** Runs the calls; returns the result columns keyed by id, in id order. */
  function win(calls: WindowCall[], data = rows): unknown[][] {
    const schema = fields([...types, ...calls.map((c) => c.type)]);
    const out = run(new WindowExec(source(types, data, 2), calls, schema, env));
    return out.sort((a, b) => (a[2] as number) - (b[2] as number)).map((r) => r.slice(3));
  }
  const column = (calls: WindowCall[], data = rows): unknown[] => win(calls, data).map((r) => r[0]);

  test('ranking functions with peers', () => {
    const r = win([
      wcall('row_number', [], T.int8), wcall('rank', [], T.int8), wcall('dense_rank', [], T.int8),
      wcall('percent_rank', [], T.float8), wcall('cume_dist', [], T.float8),
    ]);
    // partition a sorted: x=1 (id0), 2 (id2), 2 (id3), 4 (id4), NULL (id6); b: 5 (id1), 6 (id5)
    assert.deepEqual(r, [
      [1n, 1n, 1n, 0, 0.2],
      [1n, 1n, 1n, 0, 0.5],
      [2n, 2n, 2n, 0.25, 0.6],
      [3n, 2n, 2n, 0.25, 0.6],
      [4n, 4n, 3n, 0.75, 0.8],
      [2n, 2n, 2n, 1, 1],
      [5n, 5n, 4n, 1, 1],
    ]);
  });

  test('output follows the window sort order', () => {
    const schema = fields([...types, T.int8]);
    const out = run(new WindowExec(source(types, rows, 2), [wcall('row_number', [], T.int8)], schema, env));
    assert.deepEqual(out.map((r) => r[2]), [0, 2, 3, 4, 6, 1, 5]);
  });

  test('ntile', () => {
    const seven = Array.from({ length: 7 }, (_, i) => ['a', i, i]);
    assert.deepEqual(column([wcall('ntile', [lit(3, I)], I)], seven), [1, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(column([wcall('ntile', [lit(10, I)], I)], seven), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(column([wcall('ntile', [lit(null, I)], I)], seven), [null, null, null, null, null, null, null]);
    assert.throws(() => column([wcall('ntile', [lit(0, I)], I)], seven), (e: { code?: string; message: string }) => e.code === '22014' && /greater than zero/.test(e.message));
  });

  test('lag and lead with offsets and defaults', () => {
    const x = col(1, I);
    const r = win([
      wcall('lag', [x], I), wcall('lead', [x, lit(2, I)], I), wcall('lag', [x, lit(1, I), lit(-1, I)], I),
      wcall('lead', [x, lit(-1, I)], I),
    ]);
    assert.deepEqual(r, [
      [null, 2, -1, null],
      [null, null, -1, null],
      [1, 4, 1, 1],
      [2, null, 2, 2],
      [2, null, 2, 2],
      [5, null, 5, 5],
      [4, null, 4, 4],
    ]);
  });

  test('first_value, last_value, nth_value over the default frame and over ROWS', () => {
    const x = col(1, I);
    const all = frame('rows', bound('unbounded_preceding'), bound('unbounded_following'));
    const r = win([
      wcall('first_value', [x], I), wcall('last_value', [x], I), wcall('nth_value', [x, lit(2, I)], I),
      wcall('last_value', [x], I, { frame: all }), wcall('nth_value', [x, lit(4, I)], I, { frame: all }),
    ]);
    assert.deepEqual(r, [
      [1, 1, null, null, 4],
      [5, 5, null, 6, null],
      [1, 2, 2, null, 4],
      [1, 2, 2, null, 4],
      [1, 4, 2, null, 4],
      [5, 6, 6, 6, null],
      [1, null, 2, null, 4],
    ]);
    assert.throws(() => win([wcall('nth_value', [x, lit(0, I)], I)]), /greater than zero/);
  });

  test('aggregates: default frame includes peers; no ORDER BY means the whole partition', () => {
    const x = col(1, I);
    assert.deepEqual(column([agg(sumFn, [x])]), [1n, 5n, 5n, 5n, 9n, 11n, 9n]);
    assert.deepEqual(column([agg(sumFn, [x], { orderBy: [] })]), [9n, 11n, 9n, 9n, 9n, 11n, 9n]);
    assert.deepEqual(column([agg(countFn, [], { partitionBy: [], orderBy: [] })]), [7n, 7n, 7n, 7n, 7n, 7n, 7n]);
    assert.deepEqual(column([agg(countFn, [])]), [1n, 1n, 3n, 3n, 4n, 2n, 5n]);
  });

  test('ROWS, RANGE and GROUPS frames with offsets', () => {
    const x = col(1, I);
    const rows1 = frame('rows', bound('preceding', 1), bound('following', 1));
    assert.deepEqual(column([agg(sumFn, [x], { frame: rows1 })]), [3n, 11n, 5n, 8n, 6n, 11n, 4n]);
    const rowsPrev = frame('rows', bound('unbounded_preceding'), bound('preceding', 1));
    assert.deepEqual(column([agg(sumFn, [x], { frame: rowsPrev })]), [null, null, 1n, 3n, 5n, 5n, 9n]);
    const range1 = frame('range', bound('preceding', 1), bound('current_row'));
    assert.deepEqual(column([agg(sumFn, [x], { frame: range1 })]), [1n, 5n, 5n, 5n, 4n, 11n, null]);
    const rangeF = frame('range', bound('current_row'), bound('following', 2));
    assert.deepEqual(column([agg(sumFn, [x], { frame: rangeF })]), [5n, 11n, 8n, 8n, 4n, 6n, null]);
    const rangeUF = frame('range', bound('unbounded_preceding'), bound('following', 1));
    assert.deepEqual(column([agg(countFn, [], { frame: rangeUF })]), [3n, 2n, 3n, 3n, 4n, 2n, 5n]);
    const groups1 = frame('groups', bound('preceding', 1), bound('current_row'));
    assert.deepEqual(column([agg(sumFn, [x], { frame: groups1 })]), [1n, 5n, 5n, 5n, 8n, 11n, 4n]);
    const groupsF = frame('groups', bound('following', 1), bound('unbounded_following'));
    assert.deepEqual(column([agg(countFn, [], { frame: groupsF })]), [4n, 1n, 2n, 2n, 1n, 0n, 0n]);
    const desc: SortKey[] = [{ expr: x, desc: true, nullsFirst: true }];
    const rangeD = frame('range', bound('preceding', 2), bound('current_row'));
    assert.deepEqual(column([agg(sumFn, [x], { frame: rangeD, orderBy: desc })]), [5n, 11n, 8n, 8n, 4n, 6n, null]);
  });

  test('RANGE offsets over bigint and numeric keys', () => {
    const N = T.numeric, B = T.int8;
    const t = [N, B, T.int4];
    const data = [['1.5', 10n, 0], ['2', 11n, 1], ['3.5', 13n, 2], ['2', 20n, 3], [null, null, 4]].map(([a, b, i]) => [a === null ? null : Decimal.parse(a as string), b, i]);
    const run1 = (k: number, off: unknown, offType: SqlType): unknown[] => {
      const f: WindowFrame = { mode: 'range', start: { kind: 'preceding', offset: lit(off, offType) }, end: { kind: 'following', offset: lit(off, offType) }, exclude: 'no others' };
      const call: WindowCall = { fn: countFn, isAggregate: true, args: [], distinct: false, filter: null, partitionBy: [], orderBy: [{ expr: col(k, t[k]!), desc: false, nullsFirst: false }], frame: f, type: T.int8 };
      const out = run(new WindowExec(source(t, data, 2), [call], fields([...t, T.int8]), env));
      return out.sort((a, b) => (a[2] as number) - (b[2] as number)).map((r) => r[3]);
    };
    assert.deepEqual(run1(0, Decimal.parse('0.5'), N), [3n, 3n, 1n, 3n, 1n]);
    assert.deepEqual(run1(1, 2n, B), [2n, 3n, 2n, 1n, 1n]);
    assert.throws(() => run1(1, -1n, B), (e: { code?: string }) => e.code === '22013');
  });

  test('RANGE offsets over dates and timestamps move by intervals', () => {
    const t = [T.date, T.timestamp, T.int4];
    const days = ['2024-01-30', '2024-02-01', '2024-02-28', '2024-03-01', 'infinity'];
    const data = days.map((d, i) => [parseDate(d), parseTimestamp(`${d === 'infinity' ? '2030-01-01' : d} 12:00`), i]);
    const count = (k: number, off: string, desc = false): unknown[] => {
      const o = lit(parseInterval(off), T.interval);
      const f: WindowFrame = { mode: 'range', start: { kind: 'preceding', offset: o }, end: { kind: 'current_row' }, exclude: 'no others' };
      const call: WindowCall = { fn: countFn, isAggregate: true, args: [], distinct: false, filter: null, partitionBy: [], orderBy: [{ expr: col(k, t[k]!), desc, nullsFirst: desc }], frame: f, type: T.int8 };
      const out = run(new WindowExec(source(t, data, 2), [call], fields([...t, T.int8]), env));
      return out.sort((a, b) => (a[2] as number) - (b[2] as number)).map((r) => r[3]);
    };
    assert.deepEqual(count(0, '1 month'), [1n, 2n, 3n, 3n, 1n]);
    assert.deepEqual(count(1, '2 days'), [1n, 2n, 1n, 2n, 1n]);
    assert.deepEqual(count(1, '2 days', true), [2n, 1n, 2n, 1n, 1n]);
  });

  test('EXCLUDE', () => {
    const x = col(1, I);
    const f = (exclude: WindowFrame['exclude']): WindowFrame => frame('rows', bound('unbounded_preceding'), bound('unbounded_following'), exclude);
    assert.deepEqual(column([agg(sumFn, [x], { frame: f('current row') })]), [8n, 6n, 7n, 7n, 5n, 5n, 9n]);
    assert.deepEqual(column([agg(sumFn, [x], { frame: f('group') })]), [8n, 6n, 5n, 5n, 5n, 5n, 9n]);
    assert.deepEqual(column([agg(sumFn, [x], { frame: f('ties') })]), [9n, 11n, 7n, 7n, 9n, 11n, 9n]);
    assert.deepEqual(win([wcall('first_value', [x], I, { frame: f('current row') })]).map((r) => r[0]), [2, 6, 1, 1, 1, 5, 1]);
  });

  test('FILTER and DISTINCT', () => {
    const x = col(1, I);
    const filter = cmp('<>', x, lit(2, I));
    assert.deepEqual(column([agg(sumFn, [x], { filter })]), [1n, 5n, 1n, 1n, 5n, 11n, 5n]);
    assert.deepEqual(column([agg(sumFn, [x], { distinct: true })]), [1n, 5n, 3n, 3n, 7n, 11n, 7n]);
    const rows1 = frame('rows', bound('preceding', 1), bound('following', 1));
    assert.deepEqual(column([agg(sumFn, [x], { distinct: true, frame: rows1 })]), [3n, 11n, 3n, 6n, 6n, 11n, 4n]);
    assert.deepEqual(column([agg(sumFn, [x], { distinct: true, orderBy: [] })]), [7n, 11n, 7n, 7n, 7n, 11n, 7n]);
  });

  test('several specifications in one operator', () => {
    const x = col(1, I);
    const r = win([wcall('row_number', [], T.int8, { partitionBy: [], orderBy: [{ expr: col(2, I), desc: true, nullsFirst: true }] }), agg(sumFn, [x])]);
    assert.deepEqual(r, [[7n, 1n], [6n, 5n], [5n, 5n], [4n, 5n], [3n, 9n], [2n, 11n], [1n, 9n]]);
  });
});

describe('SetOpExec', () => {
  const I = T.int4;
  const L = [[1], [1], [2], [3], [null], [null]];
  const R = [[1], [2], [2], [null], [4]];
  const op = (o: 'union' | 'intersect' | 'except', all: boolean, l: unknown[][] = L, r: unknown[][] = R, t: SqlType[] = [I]): unknown[][] =>
    run(new SetOpExec(source(t, l, 4), source(t, r, 2), o, all, fields(t)));
  test('with and without ALL, NULLs equal', () => {
    sameRows(op('union', true), [...L, ...R]);
    sameRows(op('union', false), [[1], [2], [3], [null], [4]]);
    sameRows(op('intersect', false), [[1], [2], [null]]);
    sameRows(op('intersect', true), [[1], [2], [null]]);
    sameRows(op('except', false), [[3]]);
    sameRows(op('except', true), [[1], [3], [null]]);
    sameRows(op('intersect', true, [[2], [2], [2]], [[2], [2]]), [[2], [2]]);
    sameRows(op('except', true, [[2], [2], [2]], [[2]]), [[2], [2]]);
  });
  test('multi-column tuples', () => {
    const t = [T.text, I];
    const l = [['a', 1], ['a', null], ['a', null], ['b', 2]];
    const r = [['a', null], ['b', 3]];
    sameRows(op('except', false, l, r, t), [['a', 1], ['b', 2]]);
    sameRows(op('intersect', false, l, r, t), [['a', null]]);
    sameRows(op('union', false, l, r, t), [['a', 1], ['a', null], ['b', 2], ['b', 3]]);
  });
});

describe('DistinctExec', () => {
  const I = T.int4;
  const t = [T.text, I];
  const data = [['a', 1], ['b', 2], ['a', 1], ['a', 3], [null, 1], [null, 1], ['b', 2]];
  test('all columns', () => {
    assert.deepEqual(run(new DistinctExec(source(t, data), null, fields(t), env)), [['a', 1], ['b', 2], ['a', 3], [null, 1]]);
  });
  test('DISTINCT ON keeps the first row per key', () => {
    assert.deepEqual(run(new DistinctExec(source(t, data), [col(0, T.text)], fields(t), env)), [['a', 1], ['b', 2], [null, 1]]);
    assert.deepEqual(run(new DistinctExec(source(t, data), [col(1, I)], fields(t), env)), [['a', 1], ['b', 2], ['a', 3]]);
  });
});
