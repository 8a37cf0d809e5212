/**
 * TPC-H: the 22 queries on Quiver and on DuckDB, over the same generated data, in one run.
 *
 *   npm run bench:tpch -- [--sf 0.1] [--repeat 3] [--queries 1,6] [--no-duckdb] [--data DIR]
 *
 * Data comes from bench/tpch_data.ts (deterministic, spec value rules) as CSV files; each engine
 * loads them with its own COPY, untimed. Each query runs once per engine to warm up — those
 * answers are compared — then `repeat` times with the engines alternating; the table shows
 * medians and the ratio Quiver/DuckDB. See bench/README.md.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs as parseCliArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open, type Database } from '../src/index.js';
import { generateTpch, TPCH_DDL, TPCH_TABLES } from './tpch_data.js';
import { median } from './common.js';

interface Options { sf: number; repeat: number; queries: number[]; duckdb: boolean; data: string | null }

function parseArgs(argv: string[]): Options {
  const { values: v } = parseCliArgs({
    args: argv,
    options: {
      sf: { type: 'string' }, repeat: { type: 'string' }, queries: { type: 'string' },
      'no-duckdb': { type: 'boolean' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    console.log('usage: tpch [--sf F] [--repeat N] [--queries 1,2,...] [--no-duckdb] [--data DIR]');
    process.exit(0);
  }
  const o: Options = {
    sf: v.sf === undefined ? 0.1 : Number(v.sf),
    repeat: v.repeat === undefined ? 3 : Number(v.repeat),
    queries: v.queries === undefined ? Array.from({ length: 22 }, (_, i) => i + 1) : v.queries.split(',').map(Number),
    duckdb: !v['no-duckdb'],
    data: v.data ?? null,
  };
  if (!(o.sf > 0)) throw new Error('--sf must be a positive number');
  if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new Error('--repeat must be a positive integer');
  for (const q of o.queries) if (!(Number.isInteger(q) && q >= 1 && q <= 22)) throw new Error(`no query ${q}`);
  return o;
}

/** The query texts ship with the benchmark (bench/tpch/), so a clone needs nothing else. */
function queryText(q: number): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  // Built code runs from dist/bench; the .sql files stay in the source tree.
  const candidates = [join(here, 'tpch'), join(here, '..', '..', 'bench', 'tpch')];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new Error('bench/tpch/ query files not found');
  const sql = readFileSync(join(dir, `q${String(q).padStart(2, '0')}.sql`), 'utf8');
  return sql.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
}

// ---------------------------------------------------------------- answers

type Row = unknown[];

/** One comparable cell: numbers as numbers (decimal text included), text without char padding. */
function cell(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const s = String(v);
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s.trimEnd();
}

function sameCell(a: number | string | null, b: number | string | null): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
  }
  return a === b;
}

const rowKey = (r: (number | string | null)[]): string =>
  r.map((c) => (typeof c === 'number' ? c.toPrecision(8) : String(c))).join('|');

/** Null when the answers agree; ORDER BY ties may come out in either order, so rows are matched as sets too. */
function compare(q: Row[], d: Row[]): string | null {
  if (q.length !== d.length) return `${q.length} rows vs ${d.length}`;
  const a = q.map((r) => r.map(cell));
  const b = d.map((r) => r.map(cell));
  const rowsEqual = (x: (number | string | null)[], y: (number | string | null)[]): boolean =>
    x.length === y.length && x.every((c, i) => sameCell(c, y[i]!));
  if (a.every((r, i) => rowsEqual(r, b[i]!))) return null;
  const as = [...a].sort((x, y) => (rowKey(x) < rowKey(y) ? -1 : 1));
  const bs = [...b].sort((x, y) => (rowKey(x) < rowKey(y) ? -1 : 1));
  const bad = as.findIndex((r, i) => !rowsEqual(r, bs[i]!));
  if (bad < 0) return null;
  return `row ${bad}: quiver ${JSON.stringify(as[bad])} duckdb ${JSON.stringify(bs[bad])}`;
}

// DuckDB answers DDL with a one-column count result, so the answer is picked by statement kind.
const isQuery = (stmt: string): boolean => /^(select|with)\b/i.test(stmt);

async function runQuiver(db: Database, stmts: string[]): Promise<Row[]> {
  let rows: Row[] = [];
  for (const s of stmts) {
    const r = await db.query(s);
    if (isQuery(s)) rows = r.rows;
  }
  return rows;
}

async function runDuck(conn: DuckDBConnection, stmts: string[]): Promise<Row[]> {
  let rows: Row[] = [];
  for (const s of stmts) {
    const r = await conn.runAndReadAll(s);
    if (isQuery(s)) rows = r.getRows().map((row) => row.map((v) => (v !== null && typeof v === 'object' ? String(v) : v)));
  }
  return rows;
}

// ---------------------------------------------------------------- timing

async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  console.log(`tpch sf=${o.sf} repeat=${o.repeat} load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const dataDir = o.data ? resolve(o.data) : mkdtempSync(join(tmpdir(), 'quiver-tpch-'));
  const generate = !o.data || !existsSync(join(dataDir, 'lineitem.csv'));
  if (generate) {
    mkdirSync(dataDir, { recursive: true });
    const t = await time(async () => {
      const counts = generateTpch(dataDir, o.sf);
      console.log(`generated ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    });
    console.log(`generation ${(t / 1000).toFixed(1)} s`);
  }

  const quiver = await open();
  await quiver.query(TPCH_DDL);
  const loadQ = await time(async () => {
    for (const t of TPCH_TABLES) {
      await quiver.query(`COPY ${t} FROM '${join(dataDir, `${t}.csv`)}' WITH (FORMAT csv, DELIMITER '|')`);
    }
  });
  let duck: DuckDBConnection | null = null;
  let loadD = 0;
  if (o.duckdb) {
    const inst = await DuckDBInstance.create(':memory:');
    duck = await inst.connect();
    await duck.run('SET threads = 1');
    await duck.run(TPCH_DDL);
    const conn = duck;
    loadD = await time(async () => {
      for (const t of TPCH_TABLES) await conn.run(`COPY ${t} FROM '${join(dataDir, `${t}.csv`)}' (DELIMITER '|', HEADER false)`);
    });
  }
  console.log(`load: quiver ${(loadQ / 1000).toFixed(1)} s${duck ? `, duckdb ${(loadD / 1000).toFixed(1)} s` : ''}`);

  const lines: string[] = [];
  const ratios: number[] = [];
  let mismatches = 0;
  for (const q of o.queries) {
    const stmts = queryText(q);
    let warm: Row[];
    try {
      warm = await runQuiver(quiver, stmts);
    } catch (e) {
      const err = e as Error;
      console.log(`ERROR q${q}: ${err.message}\n${err.stack ?? ''}`);
      lines.push(`q${String(q).padStart(2, '0')}  error`);
      continue;
    }
    const qTimes: number[] = [];
    const dTimes: number[] = [];
    let verdict = '';
    if (duck) {
      const conn = duck;
      const answer = await runDuck(conn, stmts);
      const diff = compare(warm, answer);
      if (diff) {
        mismatches++;
        verdict = '  RESULTS DIFFER';
        console.log(`WARNING q${q}: ${diff}`);
      }
      for (let i = 0; i < o.repeat; i++) {
        qTimes.push(await time(() => runQuiver(quiver, stmts)));
        dTimes.push(await time(() => runDuck(conn, stmts)));
      }
    } else {
      for (let i = 0; i < o.repeat; i++) qTimes.push(await time(() => runQuiver(quiver, stmts)));
    }
    const mq = median(qTimes);
    if (duck) {
      const md = median(dTimes);
      ratios.push(mq / md);
      lines.push(`q${String(q).padStart(2, '0')}  ${mq.toFixed(1).padStart(10)}  ${md.toFixed(1).padStart(10)}  ${(mq / md).toFixed(2).padStart(6)}  ${String(warm.length).padStart(5)}${verdict}`);
    } else {
      lines.push(`q${String(q).padStart(2, '0')}  ${mq.toFixed(1).padStart(10)}  ${String(warm.length).padStart(5)}`);
    }
  }
  console.log(duck ? 'query  quiver ms   duckdb ms   ratio   rows' : 'query  quiver ms   rows');
  for (const l of lines) console.log(l);
  if (ratios.length > 0) {
    const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    console.log(`tpch geomean ratio quiver/duckdb: ${geo.toFixed(2)} over ${ratios.length} queries, ${mismatches} answers differ`);
  }
  await quiver.close();
  if (!o.data) rmSync(dataDir, { recursive: true, force: true });
}

await main();
