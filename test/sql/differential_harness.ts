/**
 * Shared machinery of the differential tests against a real PostgreSQL (differential*.test.ts):
 * seeds and the random generator, a throwaway PostgreSQL server, running a statement on both
 * engines and comparing the answers (rows as multisets of PostgreSQL's text forms, or in order
 * where ORDER BY fixes it; column types; SQLSTATEs when PostgreSQL errors).
 *
 * Every expected answer in these tests is PostgreSQL 15's, computed live by the server started here.
 *
 * Environment: QUIVER_DIFF_SEED=<n> reproduces a run (QUIVER_DIFF_SEED=random draws a fresh seed);
 * QUIVER_DIFF_QUERIES=<n> sets how many statements each family generates.
 */
import { appendFileSync, chmodSync, chownSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { open, QuiverError } from '../../src/index.js';
import { findPgBin, PgServer } from '../helpers/pg_server.js';
import type { Database } from '../../src/index.js';

// ---------------------------------------------------------------------------------------------
// Seeds

export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === 'random') return Math.floor(Math.random() * 2 ** 31);
  if (v !== undefined && v !== '' && Number.isFinite(Number(v))) return Number(v) | 0;
  return fallback;
}
/** The seed every family starts from (each family derives its own stream from it). */
export const SEED = envInt('QUIVER_DIFF_SEED', 15_042);
/** How many statements a family generates: its default, or QUIVER_DIFF_QUERIES. */
export function statementCount(fallback: number): number {
  return Math.max(1, envInt('QUIVER_DIFF_QUERIES', fallback));
}

export class Rng {
  private a: number;
  constructor(seed: number) { this.a = seed >>> 0; }
  /** mulberry32 */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  /** Picks among [weight, make] alternatives. */
  weighted<T>(alts: readonly (readonly [number, () => T])[]): T {
    const total = alts.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, make] of alts) { if ((x -= w) < 0) return make(); }
    return alts[alts.length - 1]![1]();
  }
}


// ---------------------------------------------------------------------------------------------
// Running PostgreSQL: the throwaway server lives in test/helpers/pg_server.ts

export { findPgBin, PgServer };

export interface Answer {
  error?: { code: string; message: string };
  /** PostgreSQL type OIDs of the result columns */
  types?: number[];
  rows?: (string | null)[][];
  /** rows affected (DML) or returned */
  rowCount?: number;
}

export const OID = { bool: 16, int8: 20, int2: 21, int4: 23, text: 25, float4: 700, float8: 701, varchar: 1043, date: 1082, timestamp: 1114, interval: 1186, numeric: 1700, unknown: 705, json: 114, jsonb: 3802 } as const;

export function oidOfQuiverType(name: string): number {
  const n = name.toLowerCase();
  if (n === 'boolean') return OID.bool;
  if (n === 'bigint') return OID.int8;
  if (n === 'smallint') return OID.int2;
  if (n === 'integer') return OID.int4;
  if (n === 'text') return OID.text;
  if (n === 'real') return OID.float4;
  if (n === 'double precision') return OID.float8;
  if (n.startsWith('character varying') || n.startsWith('varchar')) return OID.varchar;
  if (n === 'date') return OID.date;
  if (n.startsWith('timestamp')) return OID.timestamp;
  if (n === 'interval') return OID.interval;
  if (n.startsWith('numeric')) return OID.numeric;
  if (n === 'unknown') return OID.unknown;
  if (n === 'json') return OID.json;
  if (n === 'jsonb') return OID.jsonb;
  return -1;
}

const OID_NAMES = new Map<number, string>(Object.entries(OID).map(([k, v]) => [v, k]));
export const typeName = (oid: number | undefined): string => (oid === undefined ? '?' : OID_NAMES.get(oid) ?? `oid ${oid}`);

export const isFloatOid = (oid: number | undefined): boolean => oid === OID.float4 || oid === OID.float8;

/** A Quiver value in PostgreSQL's text form (floats stay numbers, compared with a tolerance). */
export function quiverText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  return String(v);
}

export function sameFloat(a: string | null, b: string | null, oid: number): boolean {
  if (a === null || b === null) return a === b;
  const x = Number(a), y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const tol = oid === OID.float4 ? 1e-6 : 1e-9;
  return Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-12;
}

export function sameRow(p: (string | null)[], q: (string | null)[], oids: number[]): boolean {
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) {
    if (isFloatOid(oids[i])) { if (!sameFloat(p[i]!, q[i]!, oids[i]!)) return false; }
    else if (p[i] !== q[i]) return false;
  }
  return true;
}

/** Compares row lists: in order when the query fixes it, otherwise as multisets. Null when equal. */
export function compareRows(pgRows: (string | null)[][], qRows: (string | null)[][], oids: number[], ordered: boolean): string | null {
  if (pgRows.length !== qRows.length) return `row counts differ: PostgreSQL ${pgRows.length}, Quiver ${qRows.length}`;
  if (ordered) {
    for (let i = 0; i < pgRows.length; i++) {
      if (!sameRow(pgRows[i]!, qRows[i]!, oids)) return `row ${i + 1} differs: PostgreSQL ${JSON.stringify(pgRows[i])}, Quiver ${JSON.stringify(qRows[i])}`;
    }
    return null;
  }
  const hasFloat = oids.some(isFloatOid);
  if (!hasFloat) {
    const key = (r: (string | null)[]): string => JSON.stringify(r);
    const counts = new Map<string, number>();
    for (const r of pgRows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    const extra: string[] = [];
    for (const r of qRows) {
      const k = key(r);
      const n = counts.get(k) ?? 0;
      if (n === 0) extra.push(k); else counts.set(k, n - 1);
    }
    if (extra.length === 0) return null;
    const missing = [...counts].filter(([, n]) => n > 0).map(([k]) => k);
    return `rows only in PostgreSQL: ${missing.slice(0, 5).join(' ')}${missing.length > 5 ? ' …' : ''}; rows only in Quiver: ${extra.slice(0, 5).join(' ')}${extra.length > 5 ? ' …' : ''}`;
  }
  // With floats in play, match rows greedily within the tolerance.
  const unmatched = pgRows.slice();
  const extra: (string | null)[][] = [];
  for (const q of qRows) {
    const i = unmatched.findIndex((p) => sameRow(p, q, oids));
    if (i < 0) extra.push(q); else unmatched.splice(i, 1);
  }
  if (extra.length === 0) return null;
  return `rows only in PostgreSQL: ${unmatched.slice(0, 5).map((x) => JSON.stringify(x)).join(' ')}; rows only in Quiver: ${extra.slice(0, 5).map((x) => JSON.stringify(x)).join(' ')}`;
}

export function showAnswer(a: Answer): string {
  if (a.error) return `ERROR ${a.error.code}: ${a.error.message}`;
  const rows = a.rows ?? [];
  const shown = rows.slice(0, 8).map((r) => JSON.stringify(r)).join(' ');
  return `${rows.length} rows (${(a.types ?? []).map(typeName).join(', ')}) ${shown}${rows.length > 8 ? ' …' : ''}`;
}

// Every value as PostgreSQL's text, so both engines are compared on the same footing.
export const textTypes = { getTypeParser: (() => (v: string) => v) as unknown as typeof pg.types.getTypeParser };

export async function runPg(client: pg.Client, sql: string, params?: unknown[]): Promise<Answer> {
  try {
    const res = await client.query<unknown[]>({ text: sql, values: params, rowMode: 'array', types: textTypes });
    return {
      types: (res.fields ?? []).map((f) => f.dataTypeID),
      rows: (res.rows ?? []).map((r) => r.map((v) => (v === null ? null : String(v)))),
      rowCount: res.rowCount ?? 0,
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (typeof err.code !== 'string') throw e;
    return { error: { code: err.code, message: err.message ?? '' } };
  }
}

export async function runQuiver(db: Database, sql: string, params?: unknown[]): Promise<Answer> {
  try {
    const res = await db.query(sql, params);
    return { types: res.columns.map((c) => oidOfQuiverType(c.type)), rows: res.rows.map((r) => r.map(quiverText)), rowCount: res.rowCount };
  } catch (e) {
    if (e instanceof QuiverError) return { error: { code: e.code, message: e.message } };
    return { error: { code: `(not a QuiverError: ${(e as Error)?.name})`, message: String((e as Error)?.message ?? e) } };
  }
}

/** What is wrong with Quiver's answer, taking PostgreSQL's as the reference; null when they agree. */
export function judge(pgA: Answer, qA: Answer, ordered: boolean): string | null {
  if (pgA.error) {
    if (!qA.error) return `PostgreSQL fails with ${pgA.error.code}, Quiver succeeds`;
    return qA.error.code === pgA.error.code ? null : `SQLSTATE differs: PostgreSQL ${pgA.error.code}, Quiver ${qA.error.code}`;
  }
  if (qA.error) return `Quiver fails with ${qA.error.code}, PostgreSQL succeeds`;
  const pt = pgA.types!, qt = qA.types!;
  if (pt.length !== qt.length) return `column counts differ: PostgreSQL ${pt.length}, Quiver ${qt.length}`;
  const rowDiff = compareRows(pgA.rows!, qA.rows!, pt, ordered);
  if (rowDiff) return rowDiff;
  const typeDiff = pt.map((t, i) => (t === qt[i] ? null : `c${i + 1}: PostgreSQL ${typeName(t)}, Quiver ${typeName(qt[i])}`)).filter((x) => x !== null);
  if (typeDiff.length) return `column types differ (${typeDiff.join('; ')})`;
  return null;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Both engines, side by side

export interface Pair {
  server: PgServer;
  client: pg.Client;
  db: Database;
  /** A directory both the server and this process can read and write (for COPY files). */
  sharedDir(): string;
  close(): Promise<void>;
}

/** Starts a throwaway PostgreSQL and an in-memory Quiver; null when there are no PostgreSQL binaries. */
export async function startPair(): Promise<Pair | null> {
  const bin = findPgBin();
  if (!bin) return null;
  const server = await PgServer.start(bin);
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  // Fixed session settings, so output formats do not depend on the machine.
  await client.query("SET DateStyle = 'ISO, MDY'; SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET statement_timeout = '10s'");
  const db = await open();
  let shared: string | null = null;
  return {
    server, client, db,
    sharedDir(): string {
      if (shared) return shared;
      shared = path.join(server.dir, 'files');
      mkdirSync(shared);
      // The server may run as another user (see PgServer): it writes files here, this process reads them.
      const owner = server.owner();
      if (owner) chownSync(shared, owner.uid, owner.gid);
      chmodSync(shared, 0o777);
      return shared;
    },
    async close(): Promise<void> {
      try { await client.end(); } catch { /* the server may already be gone */ }
      await db.close();
      server.cleanup();
    },
  };
}

export interface Mismatch { sql: string; problem: string; pg: string; quiver: string }

/**
 * The failure message for a family's mismatches: one statement of each kind of difference first
 * (one bug tends to show up many times), then the rest, up to a limit.
 */
export function mismatchReport(mismatches: Mismatch[], total: number, seed: number, what = 'statements'): string {
  const kind = (m: Mismatch): string => `${m.problem.slice(0, 40)}|${m.quiver.slice(0, 60)}`.replace(/\d+/g, 'N');
  const seen = new Set<string>();
  const firsts = mismatches.filter((m) => !seen.has(kind(m)) && seen.add(kind(m)));
  const ordered = [...firsts, ...mismatches.filter((m) => !firsts.includes(m))];
  const listing = ordered.slice(0, 30).map((m, i) => `${i + 1}. ${m.sql}\n   ${m.problem}\n   PostgreSQL: ${m.pg}\n   Quiver:     ${m.quiver}`).join('\n');
  return `${mismatches.length} of ${total} ${what} differ from PostgreSQL (seed ${seed}):\n${listing}${mismatches.length > 30 ? `\n… and ${mismatches.length - 30} more` : ''}`;
}

/**
 * Runs a statement on both engines at once (the server works while Quiver does), PostgreSQL's
 * version of it and its parameters given separately when they differ.
 */
export async function runBoth(p: Pair, sql: string, opts: { pgSql?: string; pgParams?: unknown[]; params?: unknown[] } = {}): Promise<[Answer, Answer]> {
  return Promise.all([runPg(p.client, opts.pgSql ?? sql, opts.pgParams ?? opts.params), runQuiver(p.db, sql, opts.params)]);
}

/** Runs a fixture statement on both engines; either refusing it is a broken test, not a finding. */
export async function fixture(p: Pair, sql: string): Promise<void> {
  const [a, b] = await runBoth(p, sql);
  if (a.error) throw new Error(`PostgreSQL rejected the fixture: ${sql}\n${showAnswer(a)}`);
  if (b.error) throw new Error(`Quiver rejected the fixture: ${sql}\n${showAnswer(b)}`);
}

/**
 * With QUIVER_DIFF_DUMP=<file>, every mismatch is appended to that file as one JSON line, for
 * looking through all of them rather than the first few in the failure message.
 */
export function dumpMismatches(family: string, mismatches: Mismatch[]): void {
  const file = process.env['QUIVER_DIFF_DUMP'];
  if (!file || !mismatches.length) return;
  appendFileSync(file, mismatches.map((m) => JSON.stringify({ family, seed: SEED, ...m }) + '\n').join(''));
}
