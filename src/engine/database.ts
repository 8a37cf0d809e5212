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
import type { StatementResult } from './statement.js';
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
export interface Database {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** The result of the last statement in `sql` as an Arrow table, built from the engine's columns. */
  queryArrow(sql: string, params?: unknown[]): Promise<Table>;
  close(): Promise<void>;
}

class QuiverDatabase implements Database {
  private closed = false;
  constructor(private session: Session, private storage: Storage | null) {}

  private runAll(sql: string, params: unknown[]): StatementResult {
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
        last = this.session.execute(st, values, types);
      } catch (e) {
        this.session.failed();
        throw asQuiverError(e);
      }
    }
    return last;
  }

  async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
    const r = this.runAll(sql, params);
    const columns = (r.schema ?? []).map((f) => ({ name: f.name, type: typeName(f.type) }));
    const rows: unknown[][] = [];
    for (const b of r.batches ?? []) {
      const readers = b.columns.map(columnReader);
      for (let i = 0; i < b.length; i++) {
        const row = new Array(readers.length);
        for (let c = 0; c < readers.length; c++) row[c] = readers[c]!(i);
        rows.push(row);
      }
    }
    return { columns, rows, rowCount: r.rowCount, command: r.command };
  }

  async queryArrow(sql: string, params: unknown[] = []): Promise<Table> {
    const r = this.runAll(sql, params);
    // Loaded on first use: most callers never ask for Arrow.
    const { toArrowTable } = await import('../io/arrow.js');
    return toArrowTable(r.schema ?? [], r.batches ?? []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // An open transaction block ends without COMMIT: it rolls back.
    this.session.abandon();
    if (this.storage) {
      try { this.storage.save(this.session.catalog); } finally { this.storage.release(); }
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
