/**
 * jsonb `->>` against DuckDB's `->>` on the same JSON text, in the same process and run.
 *
 *   npm run build --silent && node --single-threaded-gc dist/bench/json.js [--rows 1000000] [--repeat 5]
 *
 * Every row is an event document of about 150 bytes; Quiver holds it as a jsonb column (its
 * normalized text), DuckDB as a JSON column made from the very same text. Each case runs once
 * to warm up (and its answers are compared), then `repeat` times per engine, alternating; the
 * table reports medians. Loading is not timed. DuckDB runs on one thread, as Quiver does.
 */
import { DuckDBInstance, VARCHAR, DuckDBDataChunk, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { T } from '../src/common/types.js';
import { jsonbIn } from '../src/common/json.js';
import { QuiverSession } from './quiver_session.js';
import { mulberry32, median } from './common.js';

const TYPES = ['click', 'view', 'purchase', 'signup', 'scroll'];
const PLANS = ['free', 'pro', 'team'];
const COUNTRIES = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'GB', 'NL'];

function documents(n: number): string[] {
  const next = mulberry32(11);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    const doc = `{"ts": ${1_700_000_000_000 + i}, "type": "${TYPES[r % 5]}", "user": {"id": ${next() % 100_000}, "plan": "${PLANS[(r >>> 8) % 3]}"}, "props": {"ms": ${(next() % 10_000) / 10}, "path": "/p/${r % 997}"}, "country": "${COUNTRIES[(r >>> 16) % 8]}"}`;
    // Stored as jsonb stores it, so both engines read the same bytes.
    out[i] = i < 3 ? jsonbIn(doc) : doc;
    if (i < 3 && out[i] !== doc) throw new Error(`generator is not in jsonb's normal form: ${doc} vs ${out[i]}`);
  }
  return out;
}

const CASES = [
  { name: "count where doc ->> 'type' = 'purchase'", sql: "SELECT count(*) FROM ev WHERE doc ->> 'type' = 'purchase'" },
  { name: "count where doc ->> 'country' = 'JP' (last key)", sql: "SELECT count(*) FROM ev WHERE doc ->> 'country' = 'JP'" },
  { name: "count where doc -> 'user' ->> 'plan' = 'pro'", sql: "SELECT count(*) FROM ev WHERE doc -> 'user' ->> 'plan' = 'pro'" },
  { name: "group by doc ->> 'type'", sql: "SELECT doc ->> 'type' AS t, count(*) FROM ev GROUP BY 1 ORDER BY 1" },
];

async function duckLoad(conn: DuckDBConnection, docs: string[]): Promise<void> {
  await conn.run('CREATE TABLE ev_text (doc VARCHAR)');
  const appender = await conn.createAppender('ev_text');
  const chunk = DuckDBDataChunk.create([VARCHAR]);
  for (let s = 0; s < docs.length; s += 2048) {
    chunk.setColumns([docs.slice(s, s + 2048) as readonly DuckDBValue[]]);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await conn.run('CREATE TABLE ev AS SELECT doc::JSON AS doc FROM ev_text');
  await conn.run('DROP TABLE ev_text');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, repeat: { type: 'string' } } });
  const n = Number(values.rows ?? 1_000_000), repeat = Number(values.repeat ?? 5);
  console.log(`node ${process.version}, rows ${n}, repeat ${repeat}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const docs = documents(n);
  const qs = await QuiverSession.open();
  await qs.load('ev', 'CREATE TABLE ev (doc jsonb)', [{ type: T.jsonb, data: docs }], n);
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run('SET threads = 1');
  await duckLoad(conn, docs);

  const rows: string[][] = [];
  for (const c of CASES) {
    const quiverRows = async (): Promise<string> => {
      const b = (await qs.exec(c.sql)).batches ?? [];
      return b.flatMap((x) => Array.from({ length: x.length }, (_, i) => x.columns.map((v) => String((v.data as ArrayLike<unknown>)[i])).join('|'))).join(';');
    };
    const duckRows = async (): Promise<string> => (await (await conn.runAndReadAll(c.sql)).getRows()).map((r) => r.map(String).join('|')).join(';');
    const qa = await quiverRows(), da = await duckRows();
    if (qa !== da) console.log(`WARNING: answers differ for ${c.sql}: quiver ${qa} duckdb ${da}`);
    const qt: number[] = [], dt: number[] = [];
    for (let r = 0; r < repeat; r++) {
      let t = performance.now();
      await qs.exec(c.sql);
      qt.push(performance.now() - t);
      t = performance.now();
      await conn.run(c.sql);
      dt.push(performance.now() - t);
    }
    const q = median(qt), d = median(dt);
    rows.push([c.name, q.toFixed(1), d.toFixed(1), (q / d).toFixed(2)]);
  }
  const head = ['case', 'quiver ms', 'duckdb ms', 'quiver/duckdb'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((s, i) => (i === 0 ? s.padEnd(w[i]!) : s.padStart(w[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

await main();
