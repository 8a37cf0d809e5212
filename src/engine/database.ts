// Placeholder replaced by the engine; the shapes below are the contract of the public API.
import type { Table } from 'apache-arrow';

export interface ResultColumn { name: string; /** PostgreSQL's type name, e.g. 'integer' */ type: string }
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
  /** rows returned by a query, or rows affected by INSERT/UPDATE/DELETE */
  rowCount: number;
  /** the command word: SELECT, INSERT, UPDATE, DELETE, CREATE TABLE, ... */
  command: string;
}
export interface OpenOptions { dataDir?: string }
export interface Database {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** The result of the last statement in `sql` as an Arrow table, built from the engine's columns. */
  queryArrow(sql: string, params?: unknown[]): Promise<Table>;
  close(): Promise<void>;
}
export async function open(_opts: OpenOptions = {}): Promise<Database> {
  throw new Error('engine not built yet');
}
