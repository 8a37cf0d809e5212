/**
 * The embedded database: parses a SQL string, runs its statements in order, and converts the last
 * statement's result to rows (or to an Arrow table without going through rows).
 */
import type { Table } from 'apache-arrow';
import { Catalog } from '../catalog/catalog.js';
import { initParser, parseSql } from '../sql/parser.js';
import { asQuiverError, QuiverError, SqlState } from '../common/errors.js';
import { typeName } from '../common/types.js';
import { Session } from './session.js';
import { retainPool, releasePool } from '../physical/worker_pool.js';
import type { StatementResult } from './statement.js';
import { SLICE_MS, type RunOptions } from '../physical/statement_run.js';
import { columnReader, paramType, paramValue } from './values.js';
import type { Storage } from '../catalog/storage.js';
import '../udf/builtins.js';
import '../udf/window.js';
import { registerFileTableReader } from '../catalog/catalog.js';
import { readCsvTable, type ReadCsvOptions } from '../io/file_tables.js';
import { parquetTable } from '../io/parquet/source.js';
import { QuiverError as QE } from '../common/errors.js';

const asText = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new QE('22023', `${what} must be a text value`);
  return v;
};
registerFileTableReader('read_parquet', (args, named) => {
  if (args.length !== 1 || named.size) throw new QE('42883', 'read_parquet takes one argument: the file path');
  return parquetTable(asText(args[0], 'the file path'));
});
registerFileTableReader('read_csv', (args, named) => {
  if (args.length < 1 || args.length > 3) throw new QE('42883', 'read_csv takes the file path, then optionally header (boolean) and delimiter (text), or these and null_padding (boolean) named');
  const opts: Partial<ReadCsvOptions> = {};
  const header = named.has('header') ? named.get('header') : args[1];
  if (header !== undefined && header !== null) {
    if (typeof header !== 'boolean') throw new QE('22023', 'the header argument of read_csv must be a boolean');
    opts.header = header;
  }
  const delimiter = named.has('delimiter') ? named.get('delimiter') : args[2];
  if (delimiter !== undefined && delimiter !== null) opts.delimiter = asText(delimiter, 'the delimiter');
  const nullPadding = named.get('null_padding');
  if (nullPadding !== undefined && nullPadding !== null) {
    if (typeof nullPadding !== 'boolean') throw new QE('22023', 'the null_padding argument of read_csv must be a boolean');
    opts.nullPadding = nullPadding;
  }
  for (const key of named.keys()) {
    if (key !== 'header' && key !== 'delimiter' && key !== 'null_padding') throw new QE('42883', `read_csv has no argument named "${key}" (it takes header, delimiter and null_padding)`);
  }
  if ((named.has('header') && args.length > 1) || (named.has('delimiter') && args.length > 2)) throw new QE('42883', 'a read_csv argument is given both by position and by name');
  return readCsvTable(asText(args[0], 'the file path'), opts);
});

export interface ResultColumn { name: string; /** PostgreSQL's type name, e.g. 'integer' */ type: string }
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
  /** rows returned by a query, or rows affected by INSERT/UPDATE/DELETE */
  rowCount: number;
  /** the command word: SELECT, INSERT, UPDATE, DELETE, CREATE TABLE, ... */
  command: string;
}
export interface OpenOptions {
  /** A directory where tables persist across processes; absent = in memory. */
  dataDir?: string;
}
/**
 * Per-call options of query() and queryArrow().
 *
 * - `signal`: an AbortSignal that cancels the call. The running statement fails with SQLSTATE
 *   57014 ("canceling statement due to user request") soon after the abort (it is checked every
 *   few milliseconds of work), and leaves no partial writes; later statements of the call do not
 *   run. Inside a transaction block the block is then aborted (25P02 until ROLLBACK), as in
 *   PostgreSQL.
 * - `onProgress`: called while each statement runs, at most about every 100 ms, with
 *   `{ done, total }` in rows read from tables (done <= total; total is known when the statement
 *   starts, but may grow when a subplan reads a table more than once).
 */
export type QueryOptions = RunOptions;

export interface Database {
  /**
   * Runs the statements of `sql` and returns the last one's result. Calls may overlap: queries
   * (SELECT, EXPLAIN, SHOW) outside a transaction block run concurrently, each reading the tables
   * as they were when it started; other statements run one at a time, in arrival order. A long
   * statement hands the event loop back every few milliseconds.
   */
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult>;
  /** The result of the last statement in `sql` as an Arrow table, built from the engine's columns. */
  queryArrow(sql: string, params?: unknown[], options?: QueryOptions): Promise<Table>;
  close(): Promise<void>;
}

class QuiverDatabase implements Database {
  private closed = false;
  constructor(private session: Session, private storage: Storage | null) { retainPool(); }

  private async runAll(sql: string, params: unknown[], opts: QueryOptions): Promise<StatementResult> {
    if (this.closed) throw new QuiverError('08003', 'database is closed');
    if (typeof sql !== 'string') throw new QuiverError(SqlState.invalidParameterValue, 'query text must be a string');
    const types = params.map(paramType);
    const values = params.map((v, i) => paramValue(v, types[i]!));
    let stmts;
    try {
      stmts = parseSql(sql);
    } catch (e) {
      this.session.failed();
      throw e;
    }
    let last: StatementResult = { command: 'EMPTY', rowCount: 0 };
    for (const st of stmts) {
      try {
        // The session marks a transaction block failed itself: it knows whether the statement ran in one.
        last = await this.session.execute(st, values, types, opts);
      } catch (e) {
        throw asQuiverError(e);
      }
    }
    return last;
  }

  async query(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    const r = await this.runAll(sql, params, options);
    const columns = (r.schema ?? []).map((f) => ({ name: f.name, type: typeName(f.type) }));
    const rows: unknown[][] = [];
    let slice = performance.now();
    for (const b of r.batches ?? []) {
      // Turning a large result into row arrays takes a while too: the event loop gets its turns.
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const readers = b.columns.map(columnReader);
      for (let i = 0; i < b.length; i++) {
        const row = new Array(readers.length);
        for (let c = 0; c < readers.length; c++) row[c] = readers[c]!(i);
        rows.push(row);
      }
    }
    return { columns, rows, rowCount: r.rowCount, command: r.command };
  }

  async queryArrow(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Table> {
    const r = await this.runAll(sql, params, options);
    // Loaded on first use: most callers never ask for Arrow.
    const { toArrowTable } = await import('../io/arrow.js');
    return toArrowTable(r.schema ?? [], r.batches ?? []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Writes already queued finish first, so what they store is saved.
    await this.session.idle();
    // An open transaction block ends without COMMIT: it rolls back.
    this.session.abandon();
    try {
      if (this.storage) {
        try { this.storage.save(this.session.catalog); } finally { this.storage.release(); }
      }
    } finally {
      await releasePool();
    }
  }
}

export async function open(opts: OpenOptions = {}): Promise<Database> {
  await initParser();
  const catalog = new Catalog();
  let storage: Storage | null = null;
  if (opts.dataDir) {
    const { Storage } = await import('../catalog/storage.js');
    storage = new Storage(opts.dataDir);
    await storage.load(catalog);
  }
  const session = new Session(catalog);
  if (storage) {
    const st = storage;
    session.persist = () => st.save(catalog);
  }
  return new QuiverDatabase(session, storage);
}
