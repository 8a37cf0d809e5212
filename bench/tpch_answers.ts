/**
 * TPC-H answers of Quiver and DuckDB side by side: the query texts, running a query's
 * statements on either engine, and the comparison rule the benchmark and the test share.
 *
 * The rule: a column DuckDB answers as DOUBLE (avg, decimal division) is compared to a relative
 * 1e-9, because DuckDB's binary floating point and PostgreSQL's exact numeric round differently;
 * every other number (DuckDB's DECIMAL, integers) must be exactly Quiver's, compared as decimal
 * text so no rounding through a JS double can hide a difference. Text is compared without
 * char(n) padding. Rows are compared in order, or as sets when ORDER BY ties allow another order.
 */
import { DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../src/index.js';

/** The statements of query `q` (bench/tpch/qNN.sql, the specification's text). */
export function tpchQuery(q: number): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  // Built code runs from dist/bench (or dist/test/...); the .sql files stay in the source tree.
  const candidates = [join(here, 'tpch'), join(here, '..', '..', 'bench', 'tpch')];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new Error('bench/tpch/ query files not found');
  const sql = readFileSync(join(dir, `q${String(q).padStart(2, '0')}.sql`), 'utf8');
  return sql.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** One answer: its rows, and per column whether DuckDB typed it as a binary float. */
export interface Answer { rows: unknown[][]; floatColumns?: boolean[] }

// DuckDB answers DDL with a one-column count result, so the answer is picked by statement kind.
const isQuery = (stmt: string): boolean => /^(select|with)\b/i.test(stmt);

export async function runQuiver(db: Database, stmts: string[]): Promise<Answer> {
  let rows: unknown[][] = [];
  for (const s of stmts) {
    const r = await db.query(s);
    if (isQuery(s)) rows = r.rows;
  }
  return { rows };
}

export async function runDuck(conn: DuckDBConnection, stmts: string[]): Promise<Answer> {
  let answer: Answer = { rows: [] };
  for (const s of stmts) {
    const r = await conn.runAndReadAll(s);
    if (!isQuery(s)) continue;
    const floatColumns = r.columnTypes().map((t) => t.typeId === DuckDBTypeId.DOUBLE || t.typeId === DuckDBTypeId.FLOAT);
    // Decimals, dates and the like arrive as value objects; their text is the comparable form.
    const rows = r.getRows().map((row) => row.map((v) => (v !== null && typeof v === 'object' ? String(v) : v)));
    answer = { rows, floatColumns };
  }
  return answer;
}

type Cell = { n: number; exact: string } | string | null;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Canonical decimal text: no trailing fraction zeros, no negative zero. */
function canonical(s: string): string {
  let t = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  t = t.replace(/^(-?)0+(?=\d)/, '$1');
  return t === '-0' ? '0' : t;
}

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return { n: v, exact: Number.isInteger(v) ? String(v) : `~${v}` };
  if (typeof v === 'bigint') return { n: Number(v), exact: v.toString() };
  const s = String(v);
  if (DECIMAL.test(s)) return { n: Number(s), exact: canonical(s) };
  return s.trimEnd();
}

function sameCell(a: Cell, b: Cell, float: boolean): boolean {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (float) return a.n === b.n || Math.abs(a.n - b.n) <= 1e-9 * Math.max(Math.abs(a.n), Math.abs(b.n)) + 1e-9;
    return a.exact === b.exact;
  }
  return a === b;
}

const show = (c: Cell): unknown => (c !== null && typeof c === 'object' ? c.exact : c);
const rowKey = (r: Cell[]): string =>
  r.map((c) => (c !== null && typeof c === 'object' ? c.n.toPrecision(8) : String(c))).join('|');

/** Null when Quiver's answer `q` agrees with DuckDB's `d`, else a description of the first difference. */
export function compareAnswers(q: Answer, d: Answer): string | null {
  if (q.rows.length !== d.rows.length) return `${q.rows.length} rows vs ${d.rows.length}`;
  const floats = d.floatColumns ?? [];
  const a = q.rows.map((r) => r.map(cell));
  const b = d.rows.map((r) => r.map(cell));
  const rowsEqual = (x: Cell[], y: Cell[]): boolean => x.length === y.length && x.every((c, i) => sameCell(c, y[i]!, floats[i] === true));
  if (a.every((r, i) => rowsEqual(r, b[i]!))) return null;
  const as = [...a].sort((x, y) => (rowKey(x) < rowKey(y) ? -1 : 1));
  const bs = [...b].sort((x, y) => (rowKey(x) < rowKey(y) ? -1 : 1));
  const bad = as.findIndex((r, i) => !rowsEqual(r, bs[i]!));
  if (bad < 0) return null;
  return `row ${bad}: quiver ${JSON.stringify(as[bad]!.map(show))} duckdb ${JSON.stringify(bs[bad]!.map(show))}`;
}
