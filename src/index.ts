/**
 * Quiver's embedded API: open a database, run SQL, close it.
 *
 *   const db = await open();                       // in memory
 *   const db = await open({ dataDir: './data' });  // tables persist across processes
 *   const r = await db.query('SELECT 1 + $1 AS x', [41]);
 *   r.columns  // [{ name: 'x', type: 'integer' }]
 *   r.rows     // [[42]]  (one array per row, values in column order)
 *
 * Values come back as: boolean → boolean; smallint/integer/real/double precision → number;
 * bigint → BigInt; numeric → exact decimal string ('12.50'); text types → string;
 * date → 'YYYY-MM-DD'; timestamp → 'YYYY-MM-DD HH:MM:SS[.ffffff]'; interval → PostgreSQL's text
 * form ('1 day 02:00:00'); NULL → null.
 *
 * Long statements share the thread: they hand the event loop back every few milliseconds, and
 * overlapping calls on one database interleave (see Database.query). A call can be cancelled and
 * watched:
 *
 *   const ac = new AbortController();
 *   const p = db.query(sql, [], { signal: ac.signal, onProgress: ({ done, total }) => show(done / total) });
 *   ac.abort();  // p rejects with a QuiverError of code '57014'; nothing it would have written is kept
 */
export { QuiverError } from './common/errors.js';
export type { QueryResult, ResultColumn, OpenOptions, Database, QueryOptions } from './engine/database.js';
export type { Progress } from './physical/statement_run.js';
export { open } from './engine/database.js';
