/**
 * TPC-H Q1 and Q6 over Parquet: lineitem written by DuckDB (its default layout: snappy,
 * dictionary pages, row groups of 122,880 rows), read through a view over read_parquet.
 *
 *   node --single-threaded-gc dist/bench/parquet_scan.js [--sf 1] [--dir DIR] [--engine quiver|wasm|duckdb|all] [--repeat 3]
 *
 * Each engine runs in its own process (so peak RSS is its own): it times the first Q1 from the
 * CREATE VIEW (load to first answer), then the median of `repeat` runs of Q1 and of Q6, one
 * thread. `wasm` is the previous read_parquet: the whole file through parquet-wasm at bind.
 * Also written: lineitem sorted by l_shipdate, on which Q6 prunes row groups (EXPLAIN ANALYZE).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { open } from '../src/index.js';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { newTable, registerFileTableReader, type TableEntry } from '../src/catalog/catalog.js';
import { arrowTypeToSql, fromArrowTable } from '../src/io/arrow.js';
import { generateTpch, TPCH_DDL } from './tpch_data.js';
import { median } from './common.js';

const { values: v } = parseArgs({
  options: { sf: { type: 'string' }, dir: { type: 'string' }, engine: { type: 'string' }, repeat: { type: 'string' } },
});
const sf = Number(v.sf ?? '1');
const dir = v.dir ?? join(tmpdir(), `quiver-parquet-sf${sf}`);
const engine = v.engine ?? 'all';
const repeat = Number(v.repeat ?? '3');

function query(q: number): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const d = [join(here, 'tpch'), join(here, '..', '..', 'bench', 'tpch')].find((x) => existsSync(x))!;
  return readFileSync(join(d, `q${String(q).padStart(2, '0')}.sql`), 'utf8').replace(/;\s*$/, '');
}

async function prepare(): Promise<void> {
  const file = join(dir, 'lineitem.parquet');
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'lineitem.csv'))) generateTpch(dir, sf);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const ddl = TPCH_DDL.split(';').find((s) => s.includes('CREATE TABLE lineitem'))!;
  await c.run(ddl);
  await c.run(`COPY lineitem FROM '${join(dir, 'lineitem.csv')}' (DELIMITER '|', HEADER false)`);
  await c.run(`COPY lineitem TO '${file}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT * FROM lineitem ORDER BY l_shipdate) TO '${join(dir, 'lineitem_sorted.parquet')}' (FORMAT parquet)`);
  c.closeSync();
}

/** The previous read_parquet: the whole file through parquet-wasm into an in-memory table, at bind. */
function wasmTable(path: string): TableEntry {
  const arrow = tableFromIPC(readParquet(readFileSync(path), { batchSize: 65536 }).intoIPCStream());
  const types = arrow.schema.fields.map((f) => arrowTypeToSql(f.type));
  const t = newTable('read_parquet', arrow.schema.fields.map((f, i) => ({ name: f.name, type: types[i]!, notNull: false, defaultNode: null })));
  t.data.replace(fromArrowTable(arrow, types));
  return t;
}

const rss = (): number => process.resourceUsage().maxRSS / 1024;

async function runQuiver(wasm: boolean): Promise<void> {
  const db = await open();
  if (wasm) registerFileTableReader('read_parquet_wasm', (args) => wasmTable(String(args[0])));
  const fn = wasm ? 'read_parquet_wasm' : 'read_parquet';
  const t0 = performance.now();
  await db.query(`CREATE VIEW lineitem AS SELECT * FROM ${fn}('${join(dir, 'lineitem.parquet')}')`);
  await db.query(query(1));
  const first = performance.now() - t0;
  const times: Record<number, number[]> = { 1: [], 6: [] };
  for (let r = 0; r < repeat; r++) {
    for (const q of [1, 6]) {
      const s = performance.now();
      await db.query(query(q));
      times[q]!.push(performance.now() - s);
    }
  }
  console.log(JSON.stringify({ engine: wasm ? 'quiver+parquet-wasm' : 'quiver', first: Math.round(first), q1: Math.round(median(times[1]!)), q6: Math.round(median(times[6]!)), rssMB: Math.round(rss()) }));
  if (!wasm) {
    await db.query(`CREATE VIEW lineitem_sorted AS SELECT * FROM read_parquet('${join(dir, 'lineitem_sorted.parquet')}')`);
    const plan = await db.query(`EXPLAIN ANALYZE ${query(6).replace(/lineitem/g, 'lineitem_sorted')}`);
    console.log(plan.rows.map((r) => r[0]).filter((l) => String(l).includes('ParquetScanExec')).join('\n'));
  }
  await db.close();
}

async function runDuck(): Promise<void> {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await inst.connect();
  const t0 = performance.now();
  await c.run(`CREATE VIEW lineitem AS SELECT * FROM read_parquet('${join(dir, 'lineitem.parquet')}')`);
  await c.runAndReadAll(query(1));
  const first = performance.now() - t0;
  const times: Record<number, number[]> = { 1: [], 6: [] };
  for (let r = 0; r < repeat; r++) {
    for (const q of [1, 6]) {
      const s = performance.now();
      await c.runAndReadAll(query(q));
      times[q]!.push(performance.now() - s);
    }
  }
  console.log(JSON.stringify({ engine: 'duckdb', first: Math.round(first), q1: Math.round(median(times[1]!)), q6: Math.round(median(times[6]!)), rssMB: Math.round(rss()) }));
  c.closeSync();
}

if (engine === 'all') {
  await prepare();
  for (const e of ['duckdb', 'quiver', 'wasm']) {
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--sf', String(sf), '--dir', dir, '--engine', e, '--repeat', String(repeat)], { stdio: 'inherit' });
  }
} else if (engine === 'duckdb') await runDuck();
else await runQuiver(engine === 'wasm');
