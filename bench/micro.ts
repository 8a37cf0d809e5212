/**
 * Micro-benchmarks: Quiver against DuckDB on the same data, in the same process and run.
 *
 *   npm run bench:micro -- [--scale 0.1] [--repeat 5] [--cases 1,3] [--threads 2] [--no-duckdb]
 *
 * --threads N sets both engines' threads (default 1: the comparison is per-core efficiency).
 *
 * Each case runs once to warm up, then `repeat` times per engine, alternating engines so drift
 * (thermal, GC pressure, other load) hits both alike; the table reports medians. Loading is not
 * timed. See bench/README.md.
 */
import {
  DuckDBDataChunk, DuckDBInstance, DOUBLE, INTEGER,
  type DuckDBConnection, type DuckDBDataChunk as Chunk, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { loadavg } from 'node:os';
import { parseArgs as parseCliArgs } from 'node:util';
import { T } from '../src/common/types.js';
import type { Batch } from '../src/common/vector.js';
import { QuiverSession } from './quiver_session.js';
import { mulberry32 as rng, median } from './common.js';

// ---------------------------------------------------------------- options

interface Options { scale: number; repeat: number; cases: Set<number>; duckdb: boolean; threads: number }

const CASE_COUNT = 11;

function parseArgs(argv: string[]): Options {
  const { values: v } = parseCliArgs({
    args: argv,
    options: {
      scale: { type: 'string' }, repeat: { type: 'string' }, cases: { type: 'string' }, threads: { type: 'string' },
      'no-duckdb': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    console.log('usage: micro [--scale F] [--repeat N] [--cases 1,2,...] [--threads N] [--no-duckdb]');
    process.exit(0);
  }
  const o: Options = {
    scale: v.scale === undefined ? 1 : Number(v.scale),
    repeat: v.repeat === undefined ? 5 : Number(v.repeat),
    cases: new Set(v.cases === undefined ? Array.from({ length: CASE_COUNT }, (_, i) => i + 1) : v.cases.split(',').map(Number)),
    duckdb: !v['no-duckdb'],
    threads: v.threads === undefined ? 1 : Number(v.threads),
  };
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new Error('--threads must be a positive integer');
  if (!(o.scale > 0)) throw new Error('--scale must be a positive number');
  if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new Error('--repeat must be a positive integer');
  for (const c of o.cases) if (!(c >= 1 && c <= CASE_COUNT && Number.isInteger(c))) throw new Error(`no case ${c}`);
  return o;
}

// ---------------------------------------------------------------- data

/** Uniform doubles in [0,1) with all 53 mantissa bits random, so ORDER BY sees (almost) no ties. */
function uniformDoubles(n: number, seed: number): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  return out;
}

/** `n` distinct int32 values spread over the whole int32 range, negatives included. */
function distinctInt32(n: number, seed: number): Int32Array {
  const next = rng(seed);
  const seen = new Set<number>();
  const out = new Int32Array(n);
  let k = 0;
  while (k < n) {
    const v = next() | 0;
    if (seen.has(v)) continue;
    seen.add(v);
    out[k++] = v;
  }
  return out;
}

function pick(from: Int32Array, n: number, seed: number): Int32Array {
  const next = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = from[next() % from.length]!;
  return out;
}

/** `n` ints drawn uniformly from [0, m): about m·(1 − e^(−n/m)) distinct values. */
function uniformInts(n: number, m: number, seed: number): Int32Array {
  const next = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() % m;
  return out;
}

/** 0, 1, ..., n − 1: row ids. */
function rowNumbers(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

const TEXT_VALUES = Array.from({ length: 20 }, (_, i) => `category_${String(i).padStart(2, '0')}`);

// ---------------------------------------------------------------- DuckDB side

/** DuckDB's vector size: the most rows a data chunk holds. */
const DUCK_CHUNK = 2048;

async function duckAppend(conn: DuckDBConnection, table: string, types: DuckDBType[], cols: (Float64Array | Int32Array)[], n: number): Promise<void> {
  const appender = await conn.createAppender(table);
  const chunk = DuckDBDataChunk.create(types);
  for (let start = 0; start < n; start += DUCK_CHUNK) {
    const end = Math.min(n, start + DUCK_CHUNK);
    // setColumns only reads .length and [i]; a typed-array view avoids boxing 2048 values per
    // column into a JS array first.
    chunk.setColumns(cols.map((c) => c.subarray(start, end) as unknown as readonly DuckDBValue[]));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** Runs a query and materializes its result in DuckDB's native chunks, without converting rows to JS. */
async function duckRun(conn: DuckDBConnection, sql: string): Promise<Chunk[]> {
  const result = await conn.run(sql);
  const chunks = await result.fetchAllChunks();
  // Binding every column vector is the zero-copy access a columnar consumer would do.
  for (const c of chunks) for (let i = 0; i < c.columnCount; i++) c.getColumnVector(i);
  return chunks;
}

function duckColumn(chunks: Chunk[], col: number): DuckDBValue[] {
  const out: DuckDBValue[] = [];
  for (const c of chunks) c.appendColumnValues(col, out);
  return out;
}

// ---------------------------------------------------------------- Quiver side

function quiverColumn(batches: Batch[], col: number): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) {
    const v = b.columns[col]!;
    const data = v.data as ArrayLike<unknown>;
    for (let i = 0; i < b.length; i++) out.push(v.valid && !v.valid[i] ? null : data[i]);
  }
  return out;
}

// ---------------------------------------------------------------- checks

const REL_TOL = 1e-9;

function closeEnough(a: unknown, b: unknown): boolean {
  const x = Number(a), y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  return Math.abs(x - y) <= REL_TOL * Math.max(1, Math.abs(x), Math.abs(y));
}

function sameCount(a: unknown, b: unknown): boolean {
  return a !== null && b !== null && BigInt(a as bigint | number) === BigInt(b as bigint | number);
}

/** Compares two grouped results given as parallel key / value columns; returns a problem or null. */
function compareGroups(qk: unknown[], qv: unknown[], dk: DuckDBValue[], dv: DuckDBValue[], same: (a: unknown, b: unknown) => boolean): string | null {
  if (qk.length !== dk.length) return `${qk.length} groups vs ${dk.length}`;
  const duck = new Map<unknown, unknown>();
  for (let i = 0; i < dk.length; i++) duck.set(dk[i], dv[i]);
  for (let i = 0; i < qk.length; i++) {
    if (!duck.has(qk[i])) return `group ${String(qk[i])} missing from DuckDB's result`;
    if (!same(qv[i], duck.get(qk[i]))) return `group ${String(qk[i])}: ${String(qv[i])} vs ${String(duck.get(qk[i]))}`;
  }
  return null;
}

// ---------------------------------------------------------------- cases

interface Case {
  id: number;
  name: string;
  sql: string;
  /** null when both answers agree, else what differs. */
  check(q: Batch[], d: Chunk[]): string | null;
}

function fmtCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}K`;
  return String(n);
}

/** Row counts at --scale 1, each multiplied by the scale. */
interface Sizes { n10m: number; n100k: number; n1m: number; n2m: number; n5m: number }

function cases({ n10m, n100k, n1m, n2m, n5m }: Sizes): Case[] {
  return [
    {
      id: 1, name: `filter+sum, ${fmtCount(n10m)} doubles`, sql: 'SELECT sum(x) FROM t_filter WHERE x > 0.5',
      check: (q, d) => {
        const a = quiverColumn(q, 0)[0], b = duckColumn(d, 0)[0];
        return closeEnough(a, b) ? null : `sum ${String(a)} vs ${String(b)}`;
      },
    },
    {
      id: 2, name: `group by int, ${fmtCount(n10m)} rows -> 1K groups`, sql: 'SELECT k, sum(v) FROM t_group GROUP BY k',
      check: (q, d) => compareGroups(quiverColumn(q, 0), quiverColumn(q, 1), duckColumn(d, 0), duckColumn(d, 1), closeEnough),
    },
    {
      id: 3, name: `hash join ${fmtCount(n10m)} x ${fmtCount(n100k)}`,
      sql: 'SELECT count(*), sum(f.v) FROM fact f JOIN dim d ON f.k = d.k',
      check: (q, d) => {
        const qc = quiverColumn(q, 0)[0], qs = quiverColumn(q, 1)[0];
        const dc = duckColumn(d, 0)[0], ds = duckColumn(d, 1)[0];
        if (!sameCount(qc, dc)) return `count ${String(qc)} vs ${String(dc)}`;
        return closeEnough(qs, ds) ? null : `sum ${String(qs)} vs ${String(ds)}`;
      },
    },
    {
      id: 4, name: `order by, ${fmtCount(n1m)} rows`, sql: 'SELECT * FROM t_sort ORDER BY x',
      check: (q, d) => {
        const qx = quiverColumn(q, 0), dx = duckColumn(d, 0);
        if (qx.length !== dx.length) return `${qx.length} rows vs ${dx.length}`;
        for (let i = 0; i < qx.length; i++) if (qx[i] !== dx[i]) return `row ${i}: x = ${String(qx[i])} vs ${String(dx[i])}`;
        // Ties in x may order ids differently, so ids are compared as a multiset checksum.
        let qs = 0, ds = 0;
        for (const v of quiverColumn(q, 1)) qs += v as number;
        for (const v of duckColumn(d, 1)) ds += v as number;
        return qs === ds ? null : `sum(id) ${qs} vs ${ds}`;
      },
    },
    {
      id: 5, name: `group by text, ${fmtCount(n10m)} rows -> 20 groups`, sql: 'SELECT s, count(*) FROM t_text GROUP BY s',
      check: (q, d) => compareGroups(quiverColumn(q, 0), quiverColumn(q, 1), duckColumn(d, 0), duckColumn(d, 1), sameCount),
    },
    {
      id: 6, name: `hash join ${fmtCount(n5m)} x ${fmtCount(n2m)} (large build side)`,
      sql: 'SELECT count(*), sum(f.v + d.w) FROM fact_big f JOIN dim_big d ON f.k = d.k',
      check: (q, d) => {
        const qc = quiverColumn(q, 0)[0], qs = quiverColumn(q, 1)[0];
        const dc = duckColumn(d, 0)[0], ds = duckColumn(d, 1)[0];
        if (!sameCount(qc, dc)) return `count ${String(qc)} vs ${String(dc)}`;
        return closeEnough(qs, ds) ? null : `sum ${String(qs)} vs ${String(ds)}`;
      },
    },
    {
      id: 7, name: `group by int, ${fmtCount(n5m)} rows, keys in [0, ${fmtCount(n2m)})`,
      sql: 'SELECT k, sum(v) FROM t_many GROUP BY k',
      check: (q, d) => compareGroups(quiverColumn(q, 0), quiverColumn(q, 1), duckColumn(d, 0), duckColumn(d, 1), closeEnough),
    },
    {
      id: 8, name: `count(DISTINCT), ${fmtCount(n5m)} rows, values in [0, ${fmtCount(n2m)})`,
      sql: 'SELECT count(DISTINCT k) FROM t_many',
      check: (q, d) => {
        const a = quiverColumn(q, 0)[0], b = duckColumn(d, 0)[0];
        return sameCount(a, b) ? null : `count ${String(a)} vs ${String(b)}`;
      },
    },
    {
      id: 9, name: `top-N: order by limit 100, ${fmtCount(n10m)} rows`, sql: 'SELECT x, id FROM t_top ORDER BY x LIMIT 100',
      check: (q, d) => {
        const qx = quiverColumn(q, 0), dx = duckColumn(d, 0), qi = quiverColumn(q, 1), di = duckColumn(d, 1);
        if (qx.length !== dx.length) return `${qx.length} rows vs ${dx.length}`;
        for (let i = 0; i < qx.length; i++) if (qx[i] !== dx[i] || qi[i] !== di[i]) return `row ${i}: ${String(qx[i])}, ${String(qi[i])} vs ${String(dx[i])}, ${String(di[i])}`;
        return null;
      },
    },
    {
      id: 10, name: `row_number() over ${fmtCount(n2m / 20)} partitions, ${fmtCount(n2m)} rows`,
      sql: 'SELECT count(*), sum(rn * v) FROM (SELECT v, row_number() OVER (PARTITION BY k ORDER BY v) AS rn FROM t_win) s',
      check: (q, d) => {
        const qc = quiverColumn(q, 0)[0], qs = quiverColumn(q, 1)[0];
        const dc = duckColumn(d, 0)[0], ds = duckColumn(d, 1)[0];
        if (!sameCount(qc, dc)) return `count ${String(qc)} vs ${String(dc)}`;
        return closeEnough(qs, ds) ? null : `sum ${String(qs)} vs ${String(ds)}`;
      },
    },
    {
      id: 11, name: `group by two ints, ${fmtCount(n10m)} rows -> 100K groups`,
      sql: 'SELECT a, b, count(*), sum(v) FROM t_two GROUP BY a, b',
      check: (q, d) => {
        const pair = (a: unknown[], b: unknown[]): string[] => a.map((x, i) => `${String(x)}|${String(b[i])}`);
        const qk = pair(quiverColumn(q, 0), quiverColumn(q, 1)), dk = pair(duckColumn(d, 0), duckColumn(d, 1));
        return compareGroups(qk, quiverColumn(q, 2), dk, duckColumn(d, 2), sameCount)
          ?? compareGroups(qk, quiverColumn(q, 3), dk, duckColumn(d, 3), closeEnough);
      },
    },
  ];
}

// ---------------------------------------------------------------- loading

type ColType = 'double' | 'int';

/**
 * Loads the tables of one case into both engines and returns their names. Cases load and drop
 * their own tables so one case's data does not weigh on another's garbage collections: a 10M-row
 * text column is 10M heap references every major GC must trace.
 */
async function loadCase(id: number, qs: QuiverSession, conn: DuckDBConnection | null, { n10m, n100k, n1m, n2m, n5m }: Sizes): Promise<string[]> {
  const names: string[] = [];
  const table = async (name: string, cols: [string, ColType][], data: (Float64Array | Int32Array)[], n: number): Promise<void> => {
    names.push(name);
    const qDdl = `CREATE TABLE ${name} (${cols.map(([c, t]) => `${c} ${t === 'double' ? 'double precision' : 'integer'}`).join(', ')})`;
    await qs.load(name, qDdl, cols.map(([, t], i) => ({ type: t === 'double' ? T.float8 : T.int4, data: data[i]! })), n);
    if (conn) {
      await conn.run(`CREATE TABLE ${name} (${cols.map(([c, t]) => `${c} ${t === 'double' ? 'DOUBLE' : 'INTEGER'}`).join(', ')})`);
      await duckAppend(conn, name, cols.map(([, t]) => (t === 'double' ? DOUBLE : INTEGER)), data, n);
    }
  };
  switch (id) {
    case 1:
      await table('t_filter', [['x', 'double']], [uniformDoubles(n10m, 1)], n10m);
      break;
    case 2:
      await table('t_group', [['k', 'int'], ['v', 'double']], [pick(distinctInt32(1000, 2), n10m, 3), uniformDoubles(n10m, 4)], n10m);
      break;
    case 3: {
      const dimKeys = distinctInt32(n100k, 5);
      await table('dim', [['k', 'int']], [dimKeys], n100k);
      await table('fact', [['k', 'int'], ['v', 'double']], [pick(dimKeys, n10m, 6), uniformDoubles(n10m, 7)], n10m);
      break;
    }
    case 4:
      await table('t_sort', [['x', 'double'], ['id', 'int']], [uniformDoubles(n1m, 8), rowNumbers(n1m)], n1m);
      break;
    case 5: {
      const next = rng(9);
      const codes = new Int32Array(n10m);
      for (let i = 0; i < n10m; i++) codes[i] = next() % TEXT_VALUES.length;
      // Rows share the 20 string objects, as a dictionary-decoded or interned column would.
      const strings = Array.from(codes, (c) => TEXT_VALUES[c]!);
      names.push('t_text');
      await qs.load('t_text', 'CREATE TABLE t_text (s text)', [{ type: T.text, data: strings }], n10m);
      if (conn) {
        // Appending 10M strings costs a native call each; append the codes and let DuckDB build
        // the same strings.
        await conn.run('CREATE TABLE t_text_codes (c INTEGER)');
        await duckAppend(conn, 't_text_codes', [INTEGER], [codes], n10m);
        await conn.run(`CREATE TABLE t_text AS SELECT concat('category_', lpad(CAST(c AS VARCHAR), 2, '0')) AS s FROM t_text_codes`);
        await conn.run('DROP TABLE t_text_codes');
      }
      break;
    }
    case 6: {
      const dimKeys = distinctInt32(n2m, 10);
      await table('dim_big', [['k', 'int'], ['w', 'double']], [dimKeys, uniformDoubles(n2m, 11)], n2m);
      await table('fact_big', [['k', 'int'], ['v', 'double']], [pick(dimKeys, n5m, 12), uniformDoubles(n5m, 13)], n5m);
      break;
    }
    case 7: case 8:
      // Keys spread over [0, 2M): about 92% of them occur at 5M rows.
      await table('t_many', [['k', 'int'], ['v', 'double']], [uniformInts(n5m, n2m, 14), uniformDoubles(n5m, 15)], n5m);
      break;
    case 9:
      await table('t_top', [['x', 'double'], ['id', 'int']], [uniformDoubles(n10m, 16), rowNumbers(n10m)], n10m);
      break;
    case 10:
      await table('t_win', [['k', 'int'], ['v', 'double']], [uniformInts(n2m, Math.max(1, Math.round(n2m / 20)), 17), uniformDoubles(n2m, 18)], n2m);
      break;
    case 11:
      await table('t_two', [['a', 'int'], ['b', 'int'], ['v', 'double']], [uniformInts(n10m, 1000, 19), uniformInts(n10m, 100, 20), uniformDoubles(n10m, 21)], n10m);
      break;
  }
  return names;
}

// ---------------------------------------------------------------- measurement

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.constructor.name}${code ? ` ${String(code)}` : ''}: ${e.message}`;
  }
  return String(e);
}

interface Row { c: Case; quiver: number | null; duck: number | null; quiverCpu: number | null; duckCpu: number | null; note: string }

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const n10m = Math.max(1, Math.round(10_000_000 * opts.scale));
  const n100k = Math.max(1, Math.round(100_000 * opts.scale));
  const n1m = Math.max(1, Math.round(1_000_000 * opts.scale));
  const sizes: Sizes = { n10m, n100k, n1m, n2m: Math.max(20, Math.round(2_000_000 * opts.scale)), n5m: Math.max(1, Math.round(5_000_000 * opts.scale)) };

  const qs = await QuiverSession.open();
  qs.exec(`SET threads = ${opts.threads}`);
  let conn: DuckDBConnection | null = null;
  if (opts.duckdb) {
    const instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run(`SET threads = ${opts.threads}`);
  }

  // Load average is printed because other work on the machine skews both engines' timings.
  console.log(`node ${process.version}, scale ${opts.scale}, repeat ${opts.repeat}, threads ${opts.threads}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  const rows: Row[] = [];
  let loadMs = 0;
  for (const c of cases(sizes).filter((x) => opts.cases.has(x.id))) {
    const tLoad = performance.now();
    const tables = await loadCase(c.id, qs, conn, sizes);
    loadMs += performance.now() - tLoad;
    const row: Row = { c, quiver: null, duck: null, quiverCpu: null, duckCpu: null, note: '' };
    rows.push(row);
    const qTimes: number[] = [], dTimes: number[] = [];
    // Process CPU time per run: the engines take turns, so it is the running engine's.
    const qCpu: number[] = [], dCpu: number[] = [];
    const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
    let qOk = true;
    const runQuiver = async (): Promise<Batch[] | null> => {
      if (!qOk) return null;
      try {
        const c0 = process.cpuUsage(), t0 = performance.now();
        const r = await qs.exec(c.sql);
        qTimes.push(performance.now() - t0);
        qCpu.push(cpuMs(process.cpuUsage(c0)));
        return r.batches ?? [];
      } catch (e) {
        qOk = false;
        row.note = `quiver failed: ${errorText(e)}`;
        console.log(`ERROR case ${c.id} (${c.sql}): ${row.note}`);
        if (e instanceof Error && e.stack) console.log(e.stack.split('\n').slice(1, 6).join('\n'));
        return null;
      }
    };
    const runDuck = async (): Promise<Chunk[] | null> => {
      if (!conn) return null;
      const c0 = process.cpuUsage(), t0 = performance.now();
      const chunks = await duckRun(conn, c.sql);
      dTimes.push(performance.now() - t0);
      dCpu.push(cpuMs(process.cpuUsage(c0)));
      return chunks;
    };

    {
      // Warm-up; its results are the ones checked, in a block so they are garbage before timing.
      const qWarm = await runQuiver();
      const dWarm = await runDuck();
      qTimes.length = 0;
      dTimes.length = 0;
      qCpu.length = 0;
      dCpu.length = 0;
      if (qWarm && dWarm) {
        const problem = c.check(qWarm, dWarm);
        if (problem) {
          row.note = 'RESULTS DIFFER';
          console.log(`WARNING: case ${c.id} results differ between Quiver and DuckDB: ${problem}`);
        }
      }
    }
    for (let r = 0; r < opts.repeat; r++) {
      await runQuiver();
      await runDuck();
    }
    if (qTimes.length) row.quiver = median(qTimes);
    if (dTimes.length) row.duck = median(dTimes);
    if (qCpu.length) row.quiverCpu = median(qCpu);
    if (dCpu.length) row.duckCpu = median(dCpu);
    for (const t of tables) {
      await qs.exec(`DROP TABLE ${t}`);
      if (conn) await conn.run(`DROP TABLE ${t}`);
    }
  }
  console.log(`loading (not timed above) took ${(loadMs / 1000).toFixed(1)} s`);

  const header = ['case', 'quiver ms', 'duckdb ms', 'quiver/duckdb', 'quiver cpu', 'duckdb cpu', 'cpu ratio'];
  const ms = (x: number | null, none: string): string => (x === null ? none : x.toFixed(1));
  const ratio = (a: number | null, b: number | null): string => (a !== null && b !== null ? (a / b).toFixed(2) : '-');
  const body = rows.map((r) => [
    `${r.c.id}. ${r.c.name}`, ms(r.quiver, 'error'), ms(r.duck, '-'), ratio(r.quiver, r.duck),
    ms(r.quiverCpu, '-'), ms(r.duckCpu, '-'), ratio(r.quiverCpu, r.duckCpu), r.note,
  ]);
  const cols = header.length;
  const w = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    cells.slice(0, cols).map((s, i) => (i === 0 ? s.padEnd(w[i]!) : s.padStart(w[i]!))).join('  ') + (cells[cols] ? `  ${cells[cols]}` : '');
  console.log('');
  console.log(line(header));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const b of body) console.log(line(b));
  console.log('');

  const ratios = rows.filter((r) => r.quiver !== null && r.duck !== null).map((r) => r.quiver! / r.duck!);
  if (ratios.length < rows.length && conn) console.log(`(geomean over ${ratios.length} of ${rows.length} cases; failed cases are left out)`);
  const geomean = ratios.length ? Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length) : NaN;
  const cpuRatios = rows.filter((r) => r.quiverCpu !== null && r.duckCpu !== null).map((r) => r.quiverCpu! / r.duckCpu!);
  if (cpuRatios.length) console.log(`micro geomean CPU-time ratio quiver/duckdb: ${Math.exp(cpuRatios.reduce((s, x) => s + Math.log(x), 0) / cpuRatios.length).toFixed(2)}`);
  console.log(`micro geomean ratio quiver/duckdb: ${Number.isNaN(geomean) ? 'n/a' : geomean.toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
