/**
 * A Quiver session driven below the public API, for benchmarks.
 *
 * The public `Database` turns every result into per-row JS arrays, which for a 1M-row ORDER BY
 * costs more than the sort and is not what the engine is being compared on. Going through the
 * session returns the engine's own batches. Tables are filled by appending typed-array chunks
 * directly, because 10M rows through INSERT text would measure the parser for minutes.
 */
import { Catalog } from '../src/catalog/catalog.js';
import { Session } from '../src/engine/session.js';
import type { StatementResult } from '../src/engine/statement.js';
import { initParser, parseSql } from '../src/sql/parser.js';
import type { SqlType } from '../src/common/types.js';
import type { Vector, VectorData } from '../src/common/vector.js';
// The public open() registers the built-in functions through these side-effect imports;
// this path bypasses it, so it must load them itself.
import '../src/udf/builtins.js';
import '../src/udf/window.js';

export interface LoadColumn {
  type: SqlType;
  data: Float64Array | Int32Array | string[];
}

/** Same chunk size as the engine's own storage tail, so scans see chunks shaped as after INSERTs. */
const LOAD_CHUNK = 65536;

export class QuiverSession {
  private constructor(private readonly session: Session) {}

  static async open(): Promise<QuiverSession> {
    await initParser();
    return new QuiverSession(new Session(new Catalog()));
  }

  /** Parses, plans and runs every statement in `sql`; returns the last one's batches untouched. */
  async exec(sql: string): Promise<StatementResult> {
    let last: StatementResult = { command: 'EMPTY', rowCount: 0 };
    for (const st of parseSql(sql)) last = await this.session.execute(st, [], []);
    return last;
  }

  /** Creates the table with `ddl`, then appends `n` rows of `columns` in chunks. */
  async load(table: string, ddl: string, columns: LoadColumn[], n: number): Promise<void> {
    await this.exec(ddl);
    const entry = this.session.catalog.table(table);
    for (let start = 0; start < n; start += LOAD_CHUNK) {
      const end = Math.min(n, start + LOAD_CHUNK);
      // Copies, not views, so each chunk owns its memory as it would after real inserts.
      const vectors: Vector[] = columns.map((c) => ({
        type: c.type, length: end - start, data: c.data.slice(start, end) as VectorData, valid: null,
      }));
      entry.data.append({ length: end - start, columns: vectors });
    }
  }
}
