/**
 * Differential test against a real PostgreSQL: random tables and several hundred random queries
 * from a small grammar run on both engines, and the answers must agree — rows as multisets of
 * text (in order, where ORDER BY fixes it), column types, and SQLSTATEs when PostgreSQL errors.
 *
 * A throwaway server is initialised in a temporary directory and stopped afterwards. Without
 * PostgreSQL binaries the test is skipped.
 *
 * Reproduce a run with QUIVER_DIFF_SEED=<n> (printed as a diagnostic); QUIVER_DIFF_SEED=random
 * draws a fresh one; QUIVER_DIFF_QUERIES=<n> changes how many queries are generated.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { open, QuiverError } from '../../src/index.js';
import type { Database } from '../../src/index.js';

// ---------------------------------------------------------------------------------------------
// Seeds

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === 'random') return Math.floor(Math.random() * 2 ** 31);
  if (v !== undefined && v !== '' && Number.isFinite(Number(v))) return Number(v) | 0;
  return fallback;
}
const SEED = envInt('QUIVER_DIFF_SEED', 15_042);
const QUERY_COUNT = Math.max(1, envInt('QUIVER_DIFF_QUERIES', 600));

class Rng {
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
// Finding and running PostgreSQL

const PG_BINARIES = ['postgres', 'initdb', 'pg_ctl'];

function findPgBin(): string | null {
  const has = (dir: string): boolean => PG_BINARIES.every((b) => existsSync(path.join(dir, b)));
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  // Prefer 15, the version the engine targets, then the newest.
  const versions = readdirSync(root).sort((x, y) => (x === '15' ? -1 : y === '15' ? 1 : Number(y) - Number(x)));
  for (const v of versions) { const dir = path.join(root, v, 'bin'); if (has(dir)) return dir; }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

class PgServer {
  private running = false;
  private readonly onExit = (): void => { this.stop(); };

  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly asUser: string | null,
  ) {}

  /** PostgreSQL refuses to run as root, so as root it runs as the postgres user. */
  private run(cmd: string, args: string[], timeoutMs: number): { ok: boolean; out: string } {
    const exe = path.join(this.bin, cmd);
    const r = this.asUser
      ? spawnSync('runuser', ['-u', this.asUser, '--', exe, ...args], { encoding: 'utf8', timeout: timeoutMs })
      : spawnSync(exe, args, { encoding: 'utf8', timeout: timeoutMs });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
    return { ok: r.status === 0, out };
  }

  static async start(bin: string): Promise<PgServer> {
    const root = process.getuid?.() === 0;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quiver-pg-'));
    let asUser: string | null = null;
    if (root) {
      const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      if (uid.status !== 0 || gid.status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error('running as root, and there is no postgres user to run the server as');
      }
      chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
      asUser = 'postgres';
    }
    // The port is free when probed but could be taken before the server binds it; try a few.
    let lastLog = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new PgServer(bin, dir, await freePort(), asUser);
      try {
        server.startOnce();
        return server;
      } catch (e) {
        lastLog = (e as Error).message;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start:\n${lastLog}`);
  }

  private get dataDir(): string { return path.join(this.dir, 'data'); }
  private get logFile(): string { return path.join(this.dir, 'server.log'); }

  private startOnce(): void {
    if (!existsSync(this.dataDir)) {
      // C collation: text compares and sorts by code point, as in the engine.
      const init = this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], 120_000);
      if (!init.ok) throw new Error(`initdb failed:\n${init.out}`);
    }
    const opts = [
      '-c listen_addresses=127.0.0.1', `-p ${this.port}`, `-c unix_socket_directories='${this.dir}'`,
      '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off', '-c max_connections=10',
    ].join(' ');
    // -w -t bounds the wait for the server to accept connections.
    const st = this.run('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-o', opts], 90_000);
    if (!st.ok) {
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-3000) : '';
      this.stop();
      throw new Error(`pg_ctl start failed:\n${st.out}\n${log}`);
    }
    this.running = true;
    // Should the runner be killed before the after hook, still do not leave a server behind.
    process.once('exit', this.onExit);
  }

  version(): string {
    const r = spawnSync(path.join(this.bin, 'postgres'), ['--version'], { encoding: 'utf8' });
    return (r.stdout ?? '').trim();
  }

  stop(): void {
    if (existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      const r = this.run('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30'], 40_000);
      if (!r.ok) {
        // The server this test started, by the pid it recorded.
        const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (Number.isInteger(pid) && pid > 0) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
      }
    }
    this.running = false;
    process.removeListener('exit', this.onExit);
  }

  cleanup(): void {
    if (this.running) this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Schema and data

type Ty = 'int' | 'bigint' | 'numeric' | 'float' | 'text' | 'bool' | 'date';

interface ColumnDef { name: string; type: Ty; sqlType: string; notNull?: boolean; unique?: boolean }
interface TableDef { name: string; columns: ColumnDef[]; rows: number }

const TABLES: TableDef[] = [
  {
    name: 't1', rows: 40, columns: [
      { name: 'id', type: 'int', sqlType: 'int', notNull: true, unique: true },
      { name: 'a', type: 'int', sqlType: 'int' },
      { name: 'b', type: 'bigint', sqlType: 'bigint' },
      { name: 'c', type: 'numeric', sqlType: 'numeric(10,2)' },
      { name: 'd', type: 'float', sqlType: 'double precision' },
      { name: 's', type: 'text', sqlType: 'text' },
      { name: 'f', type: 'bool', sqlType: 'boolean' },
      { name: 'dt', type: 'date', sqlType: 'date' },
    ],
  },
  {
    name: 't2', rows: 30, columns: [
      { name: 'id', type: 'int', sqlType: 'int', notNull: true, unique: true },
      { name: 'a', type: 'int', sqlType: 'int' },
      { name: 'b', type: 'bigint', sqlType: 'bigint' },
      { name: 'c', type: 'numeric', sqlType: 'numeric(10,2)' },
      { name: 's', type: 'text', sqlType: 'text' },
      { name: 'dt', type: 'date', sqlType: 'date' },
    ],
  },
  {
    name: 't3', rows: 14, columns: [
      { name: 'k', type: 'int', sqlType: 'int' },
      { name: 'v', type: 'text', sqlType: 'text' },
      { name: 'w', type: 'float', sqlType: 'double precision' },
    ],
  },
];

// ASCII only: case mapping and ordering of other characters depend on the server's locale.
const WORDS = ['apple', 'Apple', 'banana', 'cherry', 'date', '', 'a b', 'x%y', 'under_score', 'zeta', 'Zulu', 'mango', 'kiwi', 'b'];

function dateText(daysAfter2000: number): string {
  return new Date(Date.UTC(2000, 0, 1) + daysAfter2000 * 86_400_000).toISOString().slice(0, 10);
}

/** A literal for a generated value; pools keep values small and repeated so joins and groups meet. */
function randomValue(r: Rng, col: ColumnDef, rowIndex: number): string {
  if (col.unique) return String(rowIndex + 1);
  if (!col.notNull && r.chance(0.15)) return 'NULL';
  switch (col.type) {
    case 'int': return String(r.int(-3, 8));
    case 'bigint': return r.chance(0.3) ? String(r.int(-5, 5)) : String(r.pick([1, -1]) * r.int(1, 40) * 1_000_000_007);
    case 'numeric': return (r.int(-20_000, 20_000) / 100).toFixed(2);
    case 'float': return r.pick([String(r.int(-40, 40) / 4), '0.1', String(1 / 3), '1e-05', '12345.678', '-2.5', '1e+20', '0']);
    case 'text': return `'${r.pick(WORDS).replace(/'/g, "''")}'`;
    case 'bool': return r.pick(['true', 'false']);
    case 'date': return `'${dateText(r.int(0, 60) * 30 + r.int(0, 2))}'`;
  }
}

function schemaSql(r: Rng): string[] {
  const out: string[] = [];
  for (const t of TABLES) {
    out.push(`CREATE TABLE ${t.name} (${t.columns.map((c) => `${c.name} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`).join(', ')})`);
    const rows: string[][] = [];
    for (let i = 0; i < t.rows; i++) rows.push(t.columns.map((c) => randomValue(r, c, i)));
    // Duplicate rows, for DISTINCT, set operations and multiset comparison. A unique key stays
    // unique: window functions ordered by it must have one right answer.
    for (const src of [rows[0]!, rows[1]!]) {
      const i = rows.length;
      rows.push(src.map((v, j) => (t.columns[j]!.unique ? String(i + 1) : v)));
    }
    out.push(`INSERT INTO ${t.name} VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Query grammar

interface Col { ref: string; type: Ty; unique: boolean }
interface Query { sql: string; /** true when ORDER BY fixes the order of every row */ ordered: boolean }

const CMP = ['=', '<>', '<', '<=', '>', '>='];
const ALL_TYPES: Ty[] = ['int', 'bigint', 'numeric', 'float', 'text', 'bool', 'date'];
const ORDERABLE: Ty[] = ['int', 'bigint', 'numeric', 'text', 'date', 'bool'];

class QueryGen {
  private aliasNo = 0;
  constructor(private readonly r: Rng) {}

  private alias(): string { return `q${++this.aliasNo}`; }

  private scopeOf(t: TableDef, alias: string): Col[] {
    return t.columns.map((c) => ({ ref: `${alias}.${c.name}`, type: c.type, unique: c.unique === true }));
  }

  private colOf(scope: Col[], type: Ty): Col | undefined {
    const cs = scope.filter((c) => c.type === type);
    return cs.length ? this.r.pick(cs) : undefined;
  }

  literal(type: Ty): string {
    const r = this.r;
    switch (type) {
      case 'int': return String(r.int(-3, 8));
      case 'bigint': return r.pick(['3000000000', '-1000000007::bigint', '0::bigint', '7::bigint']);
      case 'numeric': return r.pick(['1.5', '-0.25', '100.125', '0.00', '2', '33.33']);
      case 'float': return r.pick(['0.5::float8', '2.0::float8', '-1.25::float8', '1e-3::float8']);
      case 'text': return r.pick(["'apple'", "'b'", "''", "'kiwi'", "'Zulu'", "'m'"]);
      case 'bool': return r.pick(['true', 'false']);
      case 'date': return r.pick(["DATE '2001-06-15'", "DATE '2000-01-01'", "DATE '2003-12-31'"]);
    }
  }

  /** An expression of the given type over the columns in scope. */
  expr(scope: Col[], type: Ty, depth: number): string {
    const r = this.r;
    const col = this.colOf(scope, type);
    if (depth <= 0 || r.chance(0.35)) {
      if (col && r.chance(0.8)) return col.ref;
      return this.literal(type);
    }
    const e = (t: Ty): string => this.expr(scope, t, depth - 1);
    const common: (readonly [number, () => string])[] = [
      [1, () => `CASE WHEN ${this.cond(scope, depth - 1)} THEN ${e(type)} ELSE ${e(type)} END`],
      [1, () => `COALESCE(${e(type)}, ${this.literal(type)})`],
      [type === 'bool' ? 0 : 0.5, () => `NULLIF(${e(type)}, ${this.literal(type)})`],
    ];
    switch (type) {
      case 'int': return r.weighted([
        ...common,
        [2, () => `(${e('int')} ${r.pick(['+', '-'])} ${e('int')})`],
        // Only small factors: an overflow would make the answer depend on evaluation order.
        [1, () => `(${e('int')} * ${r.int(-3, 8)})`],
        [1, () => `(${e('int')} / NULLIF(${e('int')}, 0))`],
        [1, () => `(${e('int')} % ${r.pick(['3', '-4', '5'])})`],
        [1, () => `abs(${e('int')})`],
        [1, () => `length(${e('text')})`],
        [0.5, () => `(${e('date')} - ${e('date')})`],
        [0.5, () => `strpos(${e('text')}, ${r.pick(["'a'", "'an'", "'_'"])})`],
      ]);
      case 'bigint': return r.weighted([
        ...common,
        [2, () => `(${e('bigint')} ${r.pick(['+', '-'])} ${e('int')})`],
        [1, () => `(${e('bigint')} * ${r.pick(['2', '-3'])})`],
        [1, () => `(${e('bigint')} / ${r.pick(['7', '-2', '1000'])})`],
        [1, () => `(${e('bigint')} % ${r.pick(['1000', '9'])})`],
        [1, () => `abs(${e('bigint')})`],
        [1, () => `${e('int')}::bigint`],
      ]);
      case 'numeric': return r.weighted([
        ...common,
        [2, () => `(${e('numeric')} ${r.pick(['+', '-'])} ${e(r.pick(['numeric', 'int']))})`],
        [1, () => `(${e('numeric')} * ${e(r.pick(['numeric', 'int']))})`],
        [1, () => `(${e('numeric')} / ${r.pick(['3', '7.5', '-4', '0.5'])})`],
        [1, () => `(${e('int')} * 1.5)`],
        [2, () => `round(${e('numeric')}${r.chance(0.6) ? `, ${r.int(0, 3)}` : ''})`],
        [1, () => `trunc(${e('numeric')}, ${r.int(0, 2)})`],
        [1, () => `${r.pick(['ceil', 'floor', 'abs'])}(${e('numeric')})`],
        [1, () => `${e('int')}::numeric`],
      ]);
      case 'float': return r.weighted([
        ...common,
        [2, () => `(${e('float')} ${r.pick(['+', '-', '*'])} ${e('float')})`],
        [1, () => `(${e('float')} / 4)`],
        [1, () => `${e(r.pick(['int', 'numeric']))}::float8`],
        [1, () => `abs(${e('float')})`],
        [1, () => `sqrt(abs(${e('float')}))`],
      ]);
      case 'text': return r.weighted([
        ...common,
        [1, () => `${r.pick(['upper', 'lower'])}(${e('text')})`],
        [1, () => `substring(${e('text')}, ${r.int(1, 3)}, ${r.int(0, 4)})`],
        [1, () => `substring(${e('text')} from ${r.int(1, 3)})`],
        [2, () => `(${e('text')} || ${e('text')})`],
        [1, () => `(${e('text')} || ${e('int')})`],
        [1, () => `${e(r.pick(['int', 'numeric', 'date', 'bigint']))}::text`],
        [0.5, () => `replace(${e('text')}, 'a', 'A')`],
        [0.5, () => `left(${e('text')}, ${r.int(0, 3)})`],
      ]);
      case 'bool': return this.cond(scope, depth);
      case 'date': return r.weighted([
        ...common,
        [2, () => `(${e('date')} + ${e('int')})`],
        [1, () => `(${e('date')} - ${r.int(1, 40)})`],
      ]);
    }
  }

  /** A boolean condition; NULLs flow through every branch. */
  cond(scope: Col[], depth: number, allowSubquery = true): string {
    const r = this.r;
    const typesInScope = ALL_TYPES.filter((t) => scope.some((c) => c.type === t));
    const anyType = (): Ty => (typesInScope.length ? r.pick(typesInScope) : 'int');
    const ord = (): Ty => { const ts = typesInScope.filter((t) => ORDERABLE.includes(t)); return ts.length ? r.pick(ts) : 'int'; };
    const d = Math.max(0, depth - 1);
    const alts: (readonly [number, () => string])[] = [
      [4, () => { const t = ord(); return `${this.expr(scope, t, d)} ${r.pick(CMP)} ${this.expr(scope, t, d)}`; }],
      [1, () => `${this.expr(scope, 'int', d)} ${r.pick(CMP)} ${this.expr(scope, 'numeric', d)}`],
      [1, () => `${this.expr(scope, 'float', 0)} ${r.pick(['<', '>='])} ${this.literal('float')}`],
      [1, () => `${this.expr(scope, anyType(), d)} IS ${r.chance(0.5) ? 'NOT ' : ''}NULL`],
      [1.5, () => {
        const t = r.pick<Ty>(['int', 'text', 'numeric', 'date']);
        const items = Array.from({ length: r.int(1, 4) }, () => this.literal(t));
        if (r.chance(0.25)) items.push('NULL');
        return `${this.expr(scope, t, d)} ${r.chance(0.3) ? 'NOT ' : ''}IN (${items.join(', ')})`;
      }],
      [1, () => { const t = r.pick<Ty>(['int', 'numeric', 'date', 'text']); return `${this.expr(scope, t, d)} ${r.chance(0.2) ? 'NOT ' : ''}BETWEEN ${this.literal(t)} AND ${this.literal(t)}`; }],
      [1, () => `${this.expr(scope, 'text', d)} ${r.chance(0.25) ? 'NOT ' : ''}LIKE ${r.pick(["'a%'", "'%an%'", "'_pple'", "'%\\_%'", "'%'", "''", "'A%'", "'%a'"])}`],
      [0.7, () => { const t = anyType(); return `${this.expr(scope, t, d)} IS ${r.chance(0.5) ? 'NOT ' : ''}DISTINCT FROM ${this.expr(scope, t, d)}`; }],
      [1, () => { const c = this.colOf(scope, 'bool'); return c ? (r.chance(0.5) ? c.ref : `${c.ref} IS ${r.pick(['TRUE', 'NOT TRUE', 'FALSE', 'UNKNOWN'])}`) : 'true'; }],
    ];
    if (depth > 0) {
      alts.push([1.5, () => `(${this.cond(scope, d, allowSubquery)} ${r.pick(['AND', 'OR'])} ${this.cond(scope, d, allowSubquery)})`]);
      alts.push([0.7, () => `NOT (${this.cond(scope, d, allowSubquery)})`]);
    }
    if (allowSubquery && scope.length) {
      alts.push([1, () => this.subqueryCond(scope)]);
    }
    return r.weighted(alts);
  }

  /** IN / NOT IN / EXISTS / scalar-comparison subqueries, often correlated with the outer scope. */
  private subqueryCond(outer: Col[]): string {
    const r = this.r;
    const t = r.pick(TABLES);
    const al = this.alias();
    const inner = this.scopeOf(t, al);
    const innerInt = this.colOf(inner, 'int')!;
    const outerInt = this.colOf(outer, 'int');
    const correlate = outerInt && r.chance(0.6) ? ` AND ${this.colOf(inner, 'int')!.ref} ${r.pick(['=', '<>', '<'])} ${outerInt.ref}` : '';
    const where = r.chance(0.6) ? this.cond(inner, 1, false) : 'true';
    return r.weighted([
      [2, () => `${this.expr(outer, 'int', 1)} ${r.chance(0.35) ? 'NOT ' : ''}IN (SELECT ${innerInt.ref} FROM ${t.name} ${al} WHERE ${where}${correlate})`],
      [2, () => `${r.chance(0.3) ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${t.name} ${al} WHERE ${where}${correlate})`],
      [1.5, () => {
        const numCol = this.colOf(inner, 'numeric') ?? innerInt;
        const outerExpr = numCol.type === 'numeric' ? this.expr(outer, 'numeric', 1) : this.expr(outer, 'int', 1);
        return `${outerExpr} ${r.pick(CMP)} (SELECT ${r.pick(['max', 'min', 'sum', 'avg'])}(${numCol.ref}) FROM ${t.name} ${al} WHERE ${where}${correlate})`;
      }],
      [1, () => `(SELECT count(*) FROM ${t.name} ${al} WHERE ${where}${correlate}) ${r.pick(CMP)} ${r.int(0, 3)}`],
    ]);
  }

  /** FROM clause: one table, or two joined on equality. */
  private from(): { sql: string; scope: Col[]; tables: TableDef[] } {
    const r = this.r;
    const t1 = r.pick(TABLES);
    const a1 = this.alias();
    if (r.chance(0.55)) return { sql: `${t1.name} ${a1}`, scope: this.scopeOf(t1, a1), tables: [t1] };
    const t2 = r.pick(TABLES);
    const a2 = this.alias();
    const s1 = this.scopeOf(t1, a1), s2 = this.scopeOf(t2, a2);
    const kind = r.pick(['JOIN', 'JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN']);
    const joinable = (['int', 'text', 'date', 'numeric'] as Ty[]).filter((t) => s1.some((c) => c.type === t) && s2.some((c) => c.type === t));
    const jt = r.pick(joinable);
    let on = `${this.colOf(s1, jt)!.ref} = ${this.colOf(s2, jt)!.ref}`;
    // PostgreSQL only runs FULL JOIN with hash- or merge-joinable conditions: plain equalities.
    if (kind !== 'FULL JOIN' && r.chance(0.3)) on += ` AND ${this.cond([...s1, ...s2], 1, false)}`;
    return { sql: `${t1.name} ${a1} ${kind} ${t2.name} ${a2} ON ${on}`, scope: [...s1, ...s2], tables: [t1, t2] };
  }

  private orderAll(n: number): string {
    const keys = Array.from({ length: n }, (_, i) => `${i + 1}${this.r.pick(['', ' DESC', ' ASC NULLS FIRST', ' DESC NULLS LAST'])}`);
    return ` ORDER BY ${keys.join(', ')}`;
  }

  /**
   * ORDER BY every output column, sometimes with LIMIT/OFFSET. Ties then only occur between
   * identical rows, so even a LIMIT keeps the answer deterministic. Floats are left out of
   * LIMIT queries: a last-digit difference could move a row across the cut.
   */
  private finish(sql: string, types: Ty[], canOrder = true): Query {
    const r = this.r;
    if (!canOrder || !r.chance(0.5)) return { sql, ordered: false };
    let out = sql + this.orderAll(types.length);
    if (!types.includes('float') && r.chance(0.4)) out += ` LIMIT ${r.int(0, 12)}${r.chance(0.3) ? ` OFFSET ${r.int(0, 5)}` : ''}`;
    return { sql: out, ordered: !types.includes('float') };
  }

  private projection(scope: Col[], n: number): { items: string[]; types: Ty[] } {
    const types = Array.from({ length: n }, () => this.r.pick(ALL_TYPES.filter((t) => t !== 'bool' || this.r.chance(0.3))));
    const items = types.map((t, i) => `${this.expr(scope, t, this.r.int(0, 3))} AS c${i + 1}`);
    return { items, types };
  }

  private simple(): Query {
    const f = this.from();
    const { items, types } = this.projection(f.scope, this.r.int(1, 4));
    const distinct = this.r.chance(0.2) ? 'DISTINCT ' : '';
    const where = this.r.chance(0.7) ? ` WHERE ${this.cond(f.scope, 2)}` : '';
    return this.finish(`SELECT ${distinct}${items.join(', ')} FROM ${f.sql}${where}`, types);
  }

  private aggregateExpr(scope: Col[]): { sql: string; type: Ty } {
    const r = this.r;
    const num = (): { e: string; t: Ty } => { const t = r.pick<Ty>(['int', 'bigint', 'numeric', 'float']); return { e: this.expr(scope, t, r.int(0, 1)), t }; };
    return r.weighted<{ sql: string; type: Ty }>([
      [2, () => ({ sql: 'count(*)', type: 'bigint' })],
      [1, () => ({ sql: `count(${r.chance(0.3) ? 'DISTINCT ' : ''}${this.expr(scope, r.pick(ALL_TYPES), 0)})`, type: 'bigint' })],
      [2, () => { const { e, t } = num(); return { sql: `sum(${e})`, type: t === 'float' ? 'float' : t === 'int' ? 'bigint' : 'numeric' }; }],
      [2, () => { const { e, t } = num(); return { sql: `avg(${e})`, type: t === 'float' ? 'float' : 'numeric' }; }],
      [2, () => { const t = r.pick<Ty>(['int', 'numeric', 'text', 'date', 'bigint', 'float']); return { sql: `${r.pick(['min', 'max'])}(${this.expr(scope, t, r.int(0, 1))})`, type: t }; }],
    ]);
  }

  private grouped(): Query {
    const r = this.r;
    const f = this.from();
    const keyTypes = ORDERABLE.filter((t) => f.scope.some((c) => c.type === t));
    const keys = Array.from({ length: r.int(r.chance(0.15) ? 0 : 1, 2) }, () => {
      const t = r.pick(keyTypes);
      const col = this.colOf(f.scope, t)!.ref;
      if (r.chance(0.7)) return { sql: col, type: t };
      // A constant key means something else in GROUP BY (an ordinal, or an error); see invalid().
      const e = this.expr(f.scope, t, 1);
      return { sql: /\bq\d+\./.test(e) ? e : col, type: t };
    });
    const aggs = Array.from({ length: r.int(1, 3) }, () => this.aggregateExpr(f.scope));
    const items = [...keys.map((k, i) => `${k.sql} AS c${i + 1}`), ...aggs.map((a, i) => `${a.sql} AS c${keys.length + i + 1}`)];
    const types = [...keys.map((k) => k.type), ...aggs.map((a) => a.type)];
    const where = r.chance(0.5) ? ` WHERE ${this.cond(f.scope, 1)}` : '';
    const groupBy = keys.length ? ` GROUP BY ${keys.map((k) => k.sql).join(', ')}` : '';
    let having = '';
    if (keys.length && r.chance(0.4)) {
      const h = r.pick(['count(*) > 1', 'count(*) >= 2', `sum(${this.colOf(f.scope, 'int')?.ref ?? '1'}) > 0`, `max(${this.colOf(f.scope, 'int')?.ref ?? '1'}) < 5`,
        `min(${this.colOf(f.scope, 'text')?.ref ?? "'a'"}) < 'm'`, `avg(${this.colOf(f.scope, 'numeric')?.ref ?? '1.0'}) > 0`]);
      having = ` HAVING ${h}`;
    }
    return this.finish(`SELECT ${items.join(', ')} FROM ${f.sql}${where}${groupBy}${having}`, types);
  }

  private windowed(): Query {
    const r = this.r;
    const t = r.pick(TABLES.filter((x) => x.columns.some((c) => c.unique)));
    const al = this.alias();
    const scope = this.scopeOf(t, al);
    const id = scope.find((c) => c.unique)!.ref;
    const partCol = (): string => this.colOf(scope, r.pick<Ty>(['int', 'text', 'date']))?.ref ?? id;
    const part = (): string => (r.chance(0.8) ? `PARTITION BY ${partCol()} ` : '');
    // Ranking over a key with ties is deterministic; row_number and lag/lead need a unique key.
    const orderKey = (): string => this.colOf(scope, r.pick<Ty>(['int', 'numeric', 'text', 'date']))?.ref ?? id;
    const fns = Array.from({ length: r.int(1, 2) }, () => r.weighted<{ sql: string; type: Ty }>([
      [1, () => ({ sql: `row_number() OVER (${part()}ORDER BY ${id})`, type: 'bigint' })],
      [1, () => ({ sql: `${r.pick(['rank', 'dense_rank'])}() OVER (${part()}ORDER BY ${orderKey()}${r.pick(['', ' DESC'])})`, type: 'bigint' })],
      [1, () => ({ sql: `sum(${this.colOf(scope, 'int')!.ref}) OVER (${part()}${r.chance(0.5) ? `ORDER BY ${orderKey()}` : ''})`, type: 'bigint' })],
      [1, () => ({ sql: `count(*) OVER (${part()})`, type: 'bigint' })],
      [0.7, () => { const c = this.colOf(scope, 'numeric'); return c ? { sql: `avg(${c.ref}) OVER (${part()})`, type: 'numeric' as Ty } : { sql: `count(*) OVER ()`, type: 'bigint' as Ty }; }],
      [0.7, () => ({ sql: `${r.pick(['min', 'max'])}(${this.colOf(scope, 'int')!.ref}) OVER (${part()}ORDER BY ${id})`, type: 'int' })],
      [0.7, () => ({ sql: `${r.pick(['lag', 'lead'])}(${this.colOf(scope, 'int')!.ref}${r.chance(0.3) ? ', 2' : ''}) OVER (${part()}ORDER BY ${id})`, type: 'int' })],
    ]));
    const items = [`${id} AS c1`, `${this.expr(scope, 'int', 1)} AS c2`, ...fns.map((f, i) => `${f.sql} AS c${i + 3}`)];
    const where = r.chance(0.4) ? ` WHERE ${this.cond(scope, 1, false)}` : '';
    return this.finish(`SELECT ${items.join(', ')} FROM ${t.name} ${al}${where}`, ['int', 'int', ...fns.map((f) => f.type)]);
  }

  private setOp(): Query {
    const r = this.r;
    const n = r.int(1, 2);
    const types = Array.from({ length: n }, () => r.pick<Ty>(['int', 'text', 'numeric', 'date', 'bigint']));
    const branch = (): string => {
      const t = r.pick(TABLES);
      const al = this.alias();
      const scope = this.scopeOf(t, al);
      const items = types.map((ty, i) => `${this.expr(scope, ty, r.int(0, 2))} AS c${i + 1}`);
      return `SELECT ${items.join(', ')} FROM ${t.name} ${al}${r.chance(0.6) ? ` WHERE ${this.cond(scope, 1, false)}` : ''}`;
    };
    const op = r.pick(['UNION', 'UNION ALL', 'EXCEPT', 'EXCEPT ALL', 'INTERSECT', 'INTERSECT ALL']);
    return this.finish(`(${branch()}) ${op} (${branch()})`, types);
  }

  private scalarSubqueryInSelect(): Query {
    const r = this.r;
    const t = r.pick(TABLES.filter((x) => x.columns.some((c) => c.unique)));
    const al = this.alias();
    const scope = this.scopeOf(t, al);
    const it = r.pick(TABLES);
    const ial = this.alias();
    const inner = this.scopeOf(it, ial);
    const innerCol = this.colOf(inner, r.pick<Ty>(['int', 'numeric', 'text'])) ?? this.colOf(inner, 'int')!;
    const agg = r.pick(innerCol.type === 'text' ? ['max', 'min', 'count'] : ['max', 'min', 'count', 'sum']);
    const aggType: Ty = agg === 'count' ? 'bigint' : agg === 'sum' ? (innerCol.type === 'int' ? 'bigint' : 'numeric') : innerCol.type;
    const aggSql = `${agg}(${innerCol.ref})`;
    const corr = `${this.colOf(inner, 'int')!.ref} = ${this.colOf(scope, 'int')!.ref}`;
    const sub = `(SELECT ${aggSql} FROM ${it.name} ${ial} WHERE ${corr})`;
    const items = [`${scope.find((c) => c.unique)!.ref} AS c1`, `${sub} AS c2`];
    return this.finish(`SELECT ${items.join(', ')} FROM ${t.name} ${al}${r.chance(0.4) ? ` WHERE ${this.cond(scope, 1, false)}` : ''}`, ['int', aggType]);
  }

  private withCte(): Query {
    const r = this.r;
    const t = r.pick(TABLES);
    const al = this.alias();
    const scope = this.scopeOf(t, al);
    const { items, types } = this.projection(scope, r.int(1, 3));
    const cte = `SELECT ${items.join(', ')} FROM ${t.name} ${al}${r.chance(0.5) ? ` WHERE ${this.cond(scope, 1)}` : ''}`;
    const cteScope: Col[] = types.map((ty, i) => ({ ref: `w.c${i + 1}`, type: ty, unique: false }));
    if (r.chance(0.5)) {
      const { items: outer, types: outTypes } = this.projection(cteScope, r.int(1, 3));
      return this.finish(`WITH w AS (${cte}) SELECT ${outer.join(', ')} FROM w${r.chance(0.5) ? ` WHERE ${this.cond(cteScope, 1, false)}` : ''}`, outTypes);
    }
    const keys = cteScope.filter((c) => c.type !== 'float');
    if (!keys.length) return this.finish(`WITH w AS (${cte}) SELECT count(*) AS c1 FROM w`, ['bigint']);
    const key = r.pick(keys);
    return this.finish(`WITH w AS (${cte}) SELECT ${key.ref} AS c1, count(*) AS c2 FROM w GROUP BY ${key.ref}`, [key.type, 'bigint']);
  }

  private derived(): Query {
    const r = this.r;
    const t = r.pick(TABLES);
    const al = this.alias();
    const scope = this.scopeOf(t, al);
    const { items, types } = this.projection(scope, r.int(1, 3));
    const inner = `SELECT ${r.chance(0.3) ? 'DISTINCT ' : ''}${items.join(', ')} FROM ${t.name} ${al}`;
    const dScope: Col[] = types.map((ty, i) => ({ ref: `sub.c${i + 1}`, type: ty, unique: false }));
    const { items: outer, types: outTypes } = this.projection(dScope, r.int(1, 2));
    return this.finish(`SELECT ${outer.join(', ')} FROM (${inner}) sub${r.chance(0.6) ? ` WHERE ${this.cond(dScope, 1, false)}` : ''}`, outTypes);
  }

  /**
   * CTE shapes that inlining gets wrong: a CTE read twice (its rows must be the same rows each
   * time), correlated subqueries inside a CTE, and CTEs inside correlated subqueries that read
   * the outer row from a deeper level.
   */
  cteQuery(): Query {
    this.aliasNo = 0;
    const r = this.r;
    const t = r.pick(TABLES);
    const al = this.alias();
    const scope = this.scopeOf(t, al);
    const mat = r.pick(['', '', 'MATERIALIZED ', 'NOT MATERIALIZED ']);
    return r.weighted<Query>([
      [2, () => {
        const { items, types } = this.projection(scope, r.int(1, 3));
        const cte = `SELECT ${items.join(', ')} FROM ${t.name} ${al}${r.chance(0.5) ? ` WHERE ${this.cond(scope, 1, false)}` : ''}`;
        const cols = types.map((_, i) => `c${i + 1}`);
        return this.finish(`WITH w AS ${mat}(${cte}) SELECT ${cols.join(', ')} FROM w ${r.pick(['UNION', 'UNION ALL', 'EXCEPT', 'INTERSECT'])} SELECT ${cols.join(', ')} FROM w`, types);
      }],
      [2, () => {
        const { items, types } = this.projection(scope, r.int(1, 2));
        const cte = `SELECT ${items.join(', ')} FROM ${t.name} ${al}`;
        const keys = types.map((ty, i) => ({ ty, i })).filter((k) => k.ty !== 'float');
        if (!keys.length) return this.finish(`WITH w AS ${mat}(${cte}) SELECT count(*) AS c1 FROM w x, w y`, ['bigint']);
        const k = r.pick(keys);
        return this.finish(`WITH w AS ${mat}(${cte}) SELECT x.c${k.i + 1} AS c1, count(*) AS c2 FROM w x JOIN w y ON x.c${k.i + 1} = y.c${k.i + 1} GROUP BY x.c${k.i + 1}`, [k.ty, 'bigint']);
      }],
      [2, () => {
        // A correlated subquery inside the CTE.
        const it = r.pick(TABLES);
        const ial = this.alias();
        const inner = this.scopeOf(it, ial);
        const corr = `${this.colOf(inner, 'int')!.ref} ${r.pick(['=', '<', '<>'])} ${this.colOf(scope, 'int')!.ref}`;
        const id = scope.find((c) => c.type === 'int')!;
        const cte = `SELECT ${id.ref} AS c1, (SELECT count(*) FROM ${it.name} ${ial} WHERE ${corr}) AS c2 FROM ${t.name} ${al}`;
        return this.finish(`WITH w AS ${mat}(${cte}) SELECT c1, c2 FROM w${r.chance(0.5) ? ` WHERE c2 ${r.pick(CMP)} ${r.int(0, 5)}` : ''}`, ['int', 'bigint']);
      }],
      [3, () => {
        // A CTE inside a correlated subquery, reading the outer row, read once or twice below.
        const it = r.pick(TABLES);
        const ial = this.alias();
        const inner = this.scopeOf(it, ial);
        const outerInt = this.colOf(scope, 'int')!;
        const id = scope.find((c) => c.type === 'int')!;
        const cte = r.chance(0.4)
          ? `c(foo) AS ${mat}(VALUES (${outerInt.ref}))`
          : `c(foo) AS ${mat}(SELECT ${this.colOf(inner, 'int')!.ref} FROM ${it.name} ${ial} WHERE ${this.colOf(inner, 'int')!.ref} ${r.pick(['=', '<', '>'])} ${outerInt.ref})`;
        const body = r.pick([
          'SELECT (SELECT count(foo) FROM c)',
          'SELECT (SELECT max(foo) FROM c)',
          'SELECT (SELECT count(*) FROM c) + (SELECT count(foo) FROM c)',
          'SELECT (SELECT (SELECT min(foo) FROM c))',
        ]);
        return this.finish(`SELECT ${id.ref} AS c1, (WITH ${cte} ${body}) AS c2 FROM ${t.name} ${al}`, ['int', body.includes('count') ? 'bigint' : 'int']);
      }],
    ]);
  }

  /** Statements PostgreSQL rejects; the engine must reject them with the same SQLSTATE. */
  private invalid(): Query {
    const r = this.r;
    return {
      ordered: false,
      sql: r.pick([
        'SELECT x.nope FROM t1 x',
        'SELECT id FROM t1 JOIN t2 ON t1.a = t2.a',
        'SELECT s + 1 FROM t1',
        'SELECT a FROM t1 WHERE a',
        'SELECT a, count(*) FROM t1 GROUP BY b',
        'SELECT count(*) FROM t1 WHERE sum(a) > 1',
        'SELECT a / 0 FROM t1',
        "SELECT 'abc'::int FROM t1",
        'SELECT a * 2147483647 * 2 FROM t1',
        'SELECT (SELECT a FROM t2) FROM t1',
        'SELECT * FROM t_missing',
        'SELECT upper(a) FROM t1',
        'SELECT a FROM t1 UNION SELECT s FROM t2',
        'SELECT a, b FROM t1 UNION SELECT a FROM t2',
        'SELECT row_number() OVER (ORDER BY id) FROM t1 GROUP BY row_number() OVER (ORDER BY id)',
        'SELECT sum(c) FROM t1 ORDER BY a',
        "SELECT count(*) FROM t1 GROUP BY 'x'",
        'SELECT a, count(*) FROM t1 GROUP BY 3',
      ]),
    };
  }

  query(): Query {
    this.aliasNo = 0;
    return this.r.weighted<Query>([
      [6, () => this.simple()],
      [4, () => this.grouped()],
      [2, () => this.windowed()],
      [2, () => this.setOp()],
      [1.5, () => this.scalarSubqueryInSelect()],
      [1, () => this.withCte()],
      [1, () => this.derived()],
      [0.5, () => this.invalid()],
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Running and comparing

interface Answer {
  error?: { code: string; message: string };
  /** PostgreSQL type OIDs of the result columns */
  types?: number[];
  rows?: (string | null)[][];
}

const OID = { bool: 16, int8: 20, int2: 21, int4: 23, text: 25, float4: 700, float8: 701, varchar: 1043, date: 1082, timestamp: 1114, interval: 1186, numeric: 1700, unknown: 705 } as const;

function oidOfQuiverType(name: string): number {
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
  return -1;
}

const OID_NAMES = new Map<number, string>(Object.entries(OID).map(([k, v]) => [v, k]));
const typeName = (oid: number | undefined): string => (oid === undefined ? '?' : OID_NAMES.get(oid) ?? `oid ${oid}`);

const isFloatOid = (oid: number | undefined): boolean => oid === OID.float4 || oid === OID.float8;

/** A Quiver value in PostgreSQL's text form (floats stay numbers, compared with a tolerance). */
function quiverText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  return String(v);
}

function sameFloat(a: string | null, b: string | null, oid: number): boolean {
  if (a === null || b === null) return a === b;
  const x = Number(a), y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const tol = oid === OID.float4 ? 1e-6 : 1e-9;
  return Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-12;
}

function sameRow(p: (string | null)[], q: (string | null)[], oids: number[]): boolean {
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) {
    if (isFloatOid(oids[i])) { if (!sameFloat(p[i]!, q[i]!, oids[i]!)) return false; }
    else if (p[i] !== q[i]) return false;
  }
  return true;
}

/** Compares row lists: in order when the query fixes it, otherwise as multisets. Null when equal. */
function compareRows(pgRows: (string | null)[][], qRows: (string | null)[][], oids: number[], ordered: boolean): string | null {
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

function showAnswer(a: Answer): string {
  if (a.error) return `ERROR ${a.error.code}: ${a.error.message}`;
  const rows = a.rows ?? [];
  const shown = rows.slice(0, 8).map((r) => JSON.stringify(r)).join(' ');
  return `${rows.length} rows (${(a.types ?? []).map(typeName).join(', ')}) ${shown}${rows.length > 8 ? ' …' : ''}`;
}

// Every value as PostgreSQL's text, so both engines are compared on the same footing.
const textTypes = { getTypeParser: (() => (v: string) => v) as unknown as typeof pg.types.getTypeParser };

async function runPg(client: pg.Client, sql: string): Promise<Answer> {
  try {
    const res = await client.query<unknown[]>({ text: sql, rowMode: 'array', types: textTypes });
    return { types: res.fields.map((f) => f.dataTypeID), rows: res.rows.map((r) => r.map((v) => (v === null ? null : String(v)))) };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (typeof err.code !== 'string') throw e;
    return { error: { code: err.code, message: err.message ?? '' } };
  }
}

async function runQuiver(db: Database, sql: string): Promise<Answer> {
  try {
    const res = await db.query(sql);
    return { types: res.columns.map((c) => oidOfQuiverType(c.type)), rows: res.rows.map((r) => r.map(quiverText)) };
  } catch (e) {
    if (e instanceof QuiverError) return { error: { code: e.code, message: e.message } };
    return { error: { code: `(not a QuiverError: ${(e as Error)?.name})`, message: String((e as Error)?.message ?? e) } };
  }
}

/** What is wrong with Quiver's answer, taking PostgreSQL's as the reference; null when they agree. */
function judge(pgA: Answer, qA: Answer, ordered: boolean): string | null {
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

describe('differential: Quiver agrees with PostgreSQL', () => {
  const bin = findPgBin();
  let server: PgServer | null = null;
  let client: pg.Client | null = null;
  let db: Database | null = null;

  before(async () => {
    if (!bin) return;
    server = await PgServer.start(bin);
    client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    // Fixed session settings, so output formats do not depend on the machine.
    await client.query("SET DateStyle = 'ISO, MDY'; SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET statement_timeout = '10s'");
    db = await open();
  });

  after(async () => {
    try { await client?.end(); } catch { /* the server may already be gone */ }
    await db?.close();
    server?.cleanup();
  });

  test('random queries return the same answers', async (t) => {
    if (!bin) { t.skip('no postgres binary found: install postgresql-15 to run the differential test'); return; }
    t.diagnostic(`${server!.version()}; seed ${SEED} (QUIVER_DIFF_SEED=${SEED} reproduces); ${QUERY_COUNT} queries`);
    const r = new Rng(SEED);

    for (const sql of schemaSql(r)) {
      const p = await runPg(client!, sql);
      assert.equal(p.error, undefined, `PostgreSQL rejected the fixture: ${sql}\n${showAnswer(p)}`);
      const q = await runQuiver(db!, sql);
      assert.equal(q.error, undefined, `Quiver rejected the fixture: ${sql}\n${showAnswer(q)}`);
    }
    // The tables themselves must agree before queries over them can.
    for (const tbl of TABLES) {
      const sql = `SELECT * FROM ${tbl.name}`;
      assert.equal(judge(await runPg(client!, sql), await runQuiver(db!, sql), false), null, `table ${tbl.name} differs after loading`);
    }

    const gen = new QueryGen(r);
    const mismatches: { sql: string; problem: string; pg: string; quiver: string }[] = [];
    const tally = { agree: 0, pgErrors: 0 };
    const started = Date.now();
    for (let i = 0; i < QUERY_COUNT; i++) {
      const q = gen.query();
      const p = await runPg(client!, q.sql);
      const mine = await runQuiver(db!, q.sql);
      if (p.error) tally.pgErrors++;
      const problem = judge(p, mine, q.ordered);
      if (problem) mismatches.push({ sql: q.sql, problem, pg: showAnswer(p), quiver: showAnswer(mine) });
      else tally.agree++;
    }
    t.diagnostic(`${tally.agree} agree, ${mismatches.length} differ, ${tally.pgErrors} were errors in PostgreSQL; ${Date.now() - started} ms`);
    // One bug tends to show up many times; list one query of each kind of difference first.
    const kind = (m: { problem: string; quiver: string }): string => `${m.problem.slice(0, 40)}|${m.quiver.slice(0, 60)}`.replace(/\d+/g, 'N');
    const seen = new Set<string>();
    const firsts = mismatches.filter((m) => !seen.has(kind(m)) && seen.add(kind(m)));
    const ordered = [...firsts, ...mismatches.filter((m) => !firsts.includes(m))];
    const listing = ordered.slice(0, 30).map((m, i) => `${i + 1}. ${m.sql}\n   ${m.problem}\n   PostgreSQL: ${m.pg}\n   Quiver:     ${m.quiver}`).join('\n');
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${QUERY_COUNT} queries differ from PostgreSQL (seed ${SEED}):\n${listing}${mismatches.length > 30 ? `\n… and ${mismatches.length - 30} more` : ''}`);
  });

  // Its own random stream: the shapes above keep generating the same queries for a seed.
  test('CTEs read twice and correlated CTEs return the same answers', async (t) => {
    if (!bin) { t.skip('no postgres binary found: install postgresql-15 to run the differential test'); return; }
    // Over the tables the previous test loaded (the same data when this test runs alone).
    if ((await runPg(client!, 'SELECT 1 FROM t1 LIMIT 1')).error) {
      for (const sql of schemaSql(new Rng(SEED))) {
        assert.equal((await runPg(client!, sql)).error, undefined, `PostgreSQL rejected the fixture: ${sql}`);
        assert.equal((await runQuiver(db!, sql)).error, undefined, `Quiver rejected the fixture: ${sql}`);
      }
    }
    const gen = new QueryGen(new Rng(SEED ^ 0x2c7e));
    const count = Math.max(50, QUERY_COUNT >> 2);
    const mismatches: string[] = [];
    for (let i = 0; i < count; i++) {
      const q = gen.cteQuery();
      const p = await runPg(client!, q.sql), mine = await runQuiver(db!, q.sql);
      const problem = judge(p, mine, q.ordered);
      if (problem) mismatches.push(`${q.sql}\n   ${problem}\n   PostgreSQL: ${showAnswer(p)}\n   Quiver:     ${showAnswer(mine)}`);
    }
    t.diagnostic(`${count - mismatches.length} of ${count} CTE queries agree`);
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${count} CTE queries differ from PostgreSQL (seed ${SEED}):\n${mismatches.slice(0, 20).join('\n')}`);
  });
});
