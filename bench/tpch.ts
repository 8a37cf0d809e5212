/**
 * TPC-H: the 22 queries on Quiver and on DuckDB, over the same generated data, in one run.
 *
 *   npm run bench:tpch -- [--sf 0.1] [--format memory|parquet] [--threads 1] [--repeat 3]
 *                         [--queries 1,6] [--no-duckdb] [--data DIR]
 *
 * Data comes from bench/tpch_data.ts (deterministic, spec value rules) as CSV files, and for
 * --format parquet as Parquet files DuckDB writes from them; both are made once per scale factor
 * in a cache directory and reused. In memory each engine loads the CSV files with its own COPY;
 * on Parquet each reads the files through views over read_parquet. Loading is not timed. Each
 * query runs once per engine to warm up — those answers are compared — then `repeat` times with
 * the engines alternating; the table shows medians and the ratio Quiver/DuckDB. See
 * bench/README.md.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs as parseCliArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open, type Database } from '../src/index.js';
import { generateTpch, TPCH_DDL, TPCH_TABLES } from './tpch_data.js';
import { compareAnswers, runDuck, runQuiver, tpchQuery, type Answer } from './tpch_answers.js';
import { median } from './common.js';

type Format = 'memory' | 'parquet';

interface Options {
  sf: number; repeat: number; queries: number[]; duckdb: boolean; data: string | null;
  format: Format; threads: number;
  /** Internal: only make the data files (run in a child process, see prepareData). */
  prepare: boolean;
}

const USAGE = 'usage: tpch [--sf F] [--format memory|parquet] [--threads N] [--repeat N] [--queries 1,2,...] [--no-duckdb] [--data DIR]';

function parseArgs(argv: string[]): Options {
  const { values: v } = parseCliArgs({
    args: argv,
    options: {
      sf: { type: 'string' }, repeat: { type: 'string' }, queries: { type: 'string' },
      'no-duckdb': { type: 'boolean' }, data: { type: 'string' }, format: { type: 'string' },
      threads: { type: 'string' }, prepare: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const o: Options = {
    sf: v.sf === undefined ? 0.1 : Number(v.sf),
    repeat: v.repeat === undefined ? 3 : Number(v.repeat),
    queries: v.queries === undefined ? Array.from({ length: 22 }, (_, i) => i + 1) : v.queries.split(',').map(Number),
    duckdb: !v['no-duckdb'],
    data: v.data ?? null,
    format: (v.format ?? 'memory') as Format,
    threads: v.threads === undefined ? 1 : Number(v.threads),
    prepare: v.prepare === true,
  };
  if (!(o.sf > 0 && o.sf <= 10)) throw new Error('--sf must be a number in (0, 10]');
  if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new Error('--repeat must be a positive integer');
  if (o.format !== 'memory' && o.format !== 'parquet') throw new Error('--format must be memory or parquet');
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new Error('--threads must be a positive integer');
  for (const q of o.queries) if (!(Number.isInteger(q) && q >= 1 && q <= 22)) throw new Error(`no query ${q}`);
  return o;
}

// ---------------------------------------------------------------- data

/** The cache directory of one scale factor: --data DIR, else one under the OS temp directory. */
const dataDirOf = (o: Options): string => (o.data ? resolve(o.data) : join(tmpdir(), 'quiver-tpch', `sf${o.sf}`));
const parquetPath = (dir: string, table: string): string => join(dir, 'parquet', `${table}.parquet`);
// Written last, so an interrupted run leaves a directory that is made again, not half reused.
const CSV_DONE = '.csv-complete';
const PARQUET_DONE = '.parquet-complete';

/** Makes whatever the format needs and the cache lacks: the CSV files, then the Parquet files. */
async function makeData(o: Options): Promise<void> {
  const dir = dataDirOf(o);
  if (!existsSync(join(dir, CSV_DONE))) {
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const counts = generateTpch(dir, o.sf);
    writeFileSync(join(dir, CSV_DONE), '');
    console.log(`generated ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (o.format === 'parquet' && !existsSync(join(dir, PARQUET_DONE))) {
    const t0 = performance.now();
    const tmp = join(dir, 'parquet.tmp');
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(TPCH_DDL);
    for (const t of TPCH_TABLES) {
      await conn.run(`COPY ${t} FROM '${join(dir, `${t}.csv`)}' (DELIMITER '|', HEADER false)`);
      // DuckDB's default layout: snappy, row groups of 122,880 rows, dictionary pages where they pay.
      await conn.run(`COPY ${t} TO '${join(tmp, `${t}.parquet`)}' (FORMAT parquet)`);
      await conn.run(`DROP TABLE ${t}`);
    }
    conn.closeSync();
    inst.closeSync();
    rmSync(join(dir, 'parquet'), { recursive: true, force: true });
    renameSync(tmp, join(dir, 'parquet'));
    writeFileSync(join(dir, PARQUET_DONE), '');
    console.log(`wrote Parquet files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/**
 * Generating and converting the data runs in a child process, so its memory does not count in
 * this process's peak RSS, which should be the engines' alone.
 */
function prepareData(o: Options): void {
  const args = ['--sf', String(o.sf), '--format', o.format, '--prepare', ...(o.data ? ['--data', o.data] : [])];
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`preparing the data failed (exit ${String(r.status ?? r.signal)})`);
}

// ---------------------------------------------------------------- engines

async function loadQuiver(db: Database, o: Options, dir: string): Promise<void> {
  if (o.format === 'memory') {
    await db.query(TPCH_DDL);
    for (const t of TPCH_TABLES) await db.query(`COPY ${t} FROM '${join(dir, `${t}.csv`)}' WITH (FORMAT csv, DELIMITER '|')`);
  } else {
    for (const t of TPCH_TABLES) await db.query(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${parquetPath(dir, t)}')`);
  }
}

async function loadDuck(conn: DuckDBConnection, o: Options, dir: string): Promise<void> {
  if (o.format === 'memory') {
    await conn.run(TPCH_DDL);
    for (const t of TPCH_TABLES) await conn.run(`COPY ${t} FROM '${join(dir, `${t}.csv`)}' (DELIMITER '|', HEADER false)`);
  } else {
    for (const t of TPCH_TABLES) await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${parquetPath(dir, t)}')`);
  }
}

/**
 * `SET threads` on Quiver. An engine without the setting answers 42704 (unrecognized
 * configuration parameter); the run goes on, single-threaded, with a warning.
 */
async function setQuiverThreads(db: Database, n: number): Promise<void> {
  try {
    await db.query(`SET threads = ${n}`);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== '42704' && !/unrecognized (configuration )?parameter/i.test((e as Error).message)) throw e;
    console.log(`warning: Quiver does not know SET threads (${(e as Error).message}); it runs on one thread`);
  }
}

// ---------------------------------------------------------------- timing

async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/**
 * Wall-clock and CPU milliseconds of one run. The engines take turns, so the process's CPU time
 * during a run is that engine's (DuckDB's threads included); on a busy machine it moves much
 * less than the wall clock.
 */
async function timeRun(f: () => Promise<unknown>, wall: number[], cpu: number[]): Promise<void> {
  const c0 = process.cpuUsage();
  wall.push(await time(f));
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
/** process.resourceUsage().maxRSS is in kilobytes. */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

async function duckMemory(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll('SELECT sum(memory_usage_bytes)::DOUBLE FROM duckdb_memory()');
  return Number(r.getRows()[0]?.[0] ?? 0);
}

interface Line { q: number; quiver: number | null; duck: number | null; quiverCpu: number | null; duckCpu: number | null; rows: number; note: string }

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.prepare) {
    await makeData(o);
    return;
  }
  console.log(`tpch sf=${o.sf} format=${o.format} threads=${o.threads} repeat=${o.repeat} load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const dir = dataDirOf(o);
  prepareData(o);
  console.log(`data: ${dir}`);

  const quiver = await open();
  await setQuiverThreads(quiver, o.threads);
  const loadQ = await time(() => loadQuiver(quiver, o, dir));
  const rssQuiverLoaded = process.memoryUsage().rss;
  let duck: DuckDBConnection | null = null;
  let loadD = 0;
  if (o.duckdb) {
    const inst = await DuckDBInstance.create(':memory:');
    duck = await inst.connect();
    await duck.run(`SET threads = ${o.threads}`);
    const conn = duck;
    loadD = await time(() => loadDuck(conn, o, dir));
  }
  console.log(`load: quiver ${(loadQ / 1000).toFixed(1)} s${duck ? `, duckdb ${(loadD / 1000).toFixed(1)} s` : ''}`);
  console.log(`memory after load: rss ${mb(rssQuiverLoaded)} with Quiver's data${duck ? `, ${mb(process.memoryUsage().rss)} with DuckDB's too` : ''}`);

  const lines: Line[] = [];
  for (const q of o.queries) {
    const stmts = tpchQuery(q);
    const line: Line = { q, quiver: null, duck: null, quiverCpu: null, duckCpu: null, rows: 0, note: '' };
    lines.push(line);
    let warm: Answer;
    try {
      warm = await runQuiver(quiver, stmts);
    } catch (e) {
      const err = e as Error;
      console.log(`ERROR q${q}: ${err.message}\n${err.stack ?? ''}`);
      line.note = 'error';
      continue;
    }
    line.rows = warm.rows.length;
    const qTimes: number[] = [], qCpu: number[] = [];
    const dTimes: number[] = [], dCpu: number[] = [];
    if (duck) {
      const conn = duck;
      const diff = compareAnswers(warm, await runDuck(conn, stmts));
      if (diff) {
        line.note = 'RESULTS DIFFER';
        console.log(`WARNING q${q}: ${diff}`);
      }
      for (let i = 0; i < o.repeat; i++) {
        await timeRun(() => runQuiver(quiver, stmts), qTimes, qCpu);
        await timeRun(() => runDuck(conn, stmts), dTimes, dCpu);
      }
      line.duck = median(dTimes);
      line.duckCpu = median(dCpu);
    } else {
      for (let i = 0; i < o.repeat; i++) await timeRun(() => runQuiver(quiver, stmts), qTimes, qCpu);
    }
    line.quiver = median(qTimes);
    line.quiverCpu = median(qCpu);
  }

  const fmt = (x: number | null): string => (x === null ? '-' : x.toFixed(1)).padStart(10);
  const ratioOf = (a: number | null, b: number | null): string => (a !== null && b !== null ? (a / b).toFixed(2) : '-').padStart(6);
  console.log('query   quiver ms   duckdb ms   ratio  quiver cpu  duckdb cpu   ratio   rows');
  for (const l of lines) {
    console.log(`q${String(l.q).padStart(2, '0')}  ${fmt(l.quiver)}  ${fmt(l.duck)}  ${ratioOf(l.quiver, l.duck)}  ${fmt(l.quiverCpu)}  ${fmt(l.duckCpu)}  ${ratioOf(l.quiverCpu, l.duckCpu)}  ${String(l.rows).padStart(5)}${l.note ? `  ${l.note}` : ''}`);
  }
  // Totals over the queries both engines answered, so a failing query does not flatter the ratio.
  const timed = lines.filter((l) => l.quiver !== null && l.duck !== null);
  const sum = (f: (l: Line) => number | null, ls: Line[]): number => ls.reduce((s, l) => s + (f(l) ?? 0), 0);
  const totalQ = sum((l) => l.quiver, timed);
  const totalD = sum((l) => l.duck, timed);
  const ratios = timed.map((l) => l.quiver! / l.duck!);
  const geo = ratios.length ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length) : NaN;
  if (duck) {
    const cq = sum((l) => l.quiverCpu, timed), cd = sum((l) => l.duckCpu, timed);
    console.log(`total  ${fmt(totalQ)}  ${fmt(totalD)}  ${ratioOf(totalQ, totalD)}  ${fmt(cq)}  ${fmt(cd)}  ${ratioOf(cq, cd)}  (${timed.length} queries)`);
  } else {
    console.log(`total  ${fmt(sum((l) => l.quiver, lines))}  ${fmt(null)}  ${ratioOf(null, null)}  ${fmt(sum((l) => l.quiverCpu, lines))}`);
  }
  const failed = lines.filter((l) => l.note === 'error').length;
  const differ = lines.filter((l) => l.note === 'RESULTS DIFFER').length;
  console.log(`${failed} queries failed, ${differ} answers differ`);
  // Both engines share this process: the peak is theirs together (run with --no-duckdb for
  // Quiver's alone); DuckDB's own buffer manager reports what it holds.
  const duckHeld = duck ? await duckMemory(duck) : null;
  console.log(`peak RSS ${mb(peakRss())} (one process, both engines${duckHeld !== null ? `; DuckDB's buffer manager holds ${mb(duckHeld)}` : ''})`);
  await quiver.close();
  const r = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  console.log(`tpch sf=${o.sf} format=${o.format} threads=${o.threads} total ratio quiver/duckdb: ${r(totalQ / totalD)} (geomean ${r(geo)})`);
}

await main();
