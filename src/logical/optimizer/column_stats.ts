/**
 * Distinct-value estimates for join ordering, from a small sample of the stored column.
 *
 * Join order needs to know which joins fan out: joining on a column with few distinct values
 * (a nation key in a supplier table) multiplies rows, joining on a nearly unique one (an order
 * key) does not. A sample of at most SAMPLE rows, taken at even strides across the stored chunks,
 * gives that at planning cost independent of table size. Estimates are cached per table version.
 */
import type { TableEntry } from '../../catalog/catalog.js';

const SAMPLE = 2048;

const cache = new WeakMap<TableEntry, { version: number; ndv: Map<number, number> }>();

/** Estimated number of distinct non-null values in table column `column`. */
export function distinctEstimate(table: TableEntry, column: number): number {
  const data = table.data;
  let entry = cache.get(table);
  if (!entry || entry.version !== data.version) {
    entry = { version: data.version, ndv: new Map() };
    cache.set(table, entry);
  }
  let est = entry.ndv.get(column);
  if (est === undefined) {
    est = sampleDistinct(table, column);
    entry.ndv.set(column, est);
  }
  return est;
}

function sampleDistinct(table: TableEntry, column: number): number {
  // Sealing the insert tail is what the scan does first anyway; without it, rows from small
  // INSERTs would be invisible here. Rows kept in files: a sample of them stands for the whole (rowCount) in the estimate below.
  const chunks = table.external ? table.external.sample(column) : table.data.snapshot();
  let total = 0;
  for (const c of chunks) total += c.length;
  const sampledRows = total;
  if (table.external) total = Math.max(total, table.external.rowCount);
  if (total === 0) return 1;
  const stride = Math.max(1, Math.floor(sampledRows / SAMPLE));
  // Values as Map keys: numbers and strings compare by value; other objects (numeric, interval)
  // by their text form.
  const counts = new Map<unknown, number>();
  let sampled = 0;
  let next = 0;
  let base = 0;
  for (const c of chunks) {
    const v = c.columns[column];
    if (!v) return total;
    const data = v.data as ArrayLike<unknown>;
    for (; next < base + c.length; next += stride) {
      const i = next - base;
      if (v.valid !== null && v.valid[i] === 0) continue;
      const x = data[i];
      const key = x !== null && typeof x === 'object' ? String(x) : x;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      sampled++;
    }
    base += c.length;
  }
  if (sampled === 0) return 1;
  const d = counts.size;
  if (sampled >= total) return d;
  let once = 0;
  for (const n of counts.values()) if (n === 1) once++;
  // Haas and Stokes' estimator (the one PostgreSQL's ANALYZE uses): n·d / (n − f1 + f1·n/N).
  const est = (sampled * d) / (sampled - once + (once * sampled) / total);
  return Math.max(d, Math.min(total, Math.round(est)));
}
