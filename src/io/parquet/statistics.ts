/**
 * Row-group pruning: a row group whose footer min/max (or null count) shows that no row can pass
 * a pushed-down comparison is not read. Predicates arrive already reduced to column-op-constants
 * (the physical planner extracts them); anything this cannot judge keeps the row group.
 */
import { Decimal } from '../../common/decimal.js';
import { PhysicalType, type ColumnChunkMeta } from './metadata.js';
import { decodeStatValue } from './plain.js';
import type { ColumnDesc } from './columns.js';

export type PruneOp = '=' | '<' | '<=' | '>' | '>=' | 'in';
/** `column` is the table column; `values` are engine values of the column's type (one, or the IN list). */
export interface PrunePredicate { column: number; op: PruneOp; values: unknown[] }

export interface ColumnStats { min: unknown; max: unknown; nullCount: number | undefined; rows: number }

const enc = new TextEncoder();

/** a vs b for engine values of one column type; null when they are not comparable here. */
export function compareValues(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) || Number.isNaN(b) ? null : a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Integers of different widths (int8 column, int4 constant and the reverse) compare exactly.
  if (typeof a === 'number' && typeof b === 'bigint') return Number.isInteger(a) ? compareValues(BigInt(a), b) : null;
  if (typeof a === 'bigint' && typeof b === 'number') return Number.isInteger(b) ? compareValues(a, BigInt(b)) : null;
  // Text compares byte-wise (C collation), which UTF-16 order matches except around surrogates.
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(enc.encode(a), enc.encode(b));
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  return null;
}

/** The engine value of a one-value statistics field, or undefined when it cannot be used. */
function statValue(bytes: Uint8Array | undefined, col: ColumnDesc): unknown {
  if (!bytes) return undefined;
  try {
    const store = col.convert(decodeStatValue(col.physical, col.typeLength, bytes)) as ArrayLike<unknown>;
    const v = store[0];
    if (col.sql.id === 'numeric') {
      if (typeof v === 'number') return new Decimal(BigInt(v), Math.max(col.sql.scale, 0));
      if (typeof v === 'bigint') return new Decimal(v, Math.max(col.sql.scale, 0));
      return undefined;
    }
    return v;
  } catch {
    // A malformed statistic only means the row group cannot be pruned.
    return undefined;
  }
}

export function columnStats(meta: ColumnChunkMeta, col: ColumnDesc, rows: number): ColumnStats | null {
  const s = meta.statistics;
  if (!s) return null;
  let usable = true;
  // Floats: NaN sorts above every number in the engine but is left out of min/max.
  if (col.sql.id === 'float4' || col.sql.id === 'float8' || col.sql.id === 'bool') usable = false;
  // The deprecated fields hold signed order: right for signed integers and dates only.
  if (s.legacy) {
    const signedInt = (col.physical === PhysicalType.INT32 && (col.sql.id === 'int2' || col.sql.id === 'int4' || col.sql.id === 'date'))
      || (col.physical === PhysicalType.INT64 && (col.sql.id === 'int8' || col.sql.id === 'timestamp'));
    if (!signedInt) usable = false;
  }
  const min = usable ? statValue(s.min, col) : undefined;
  const max = usable ? statValue(s.max, col) : undefined;
  return { min, max, nullCount: s.nullCount, rows };
}

/** False when no row of a row group with these statistics can satisfy `p`. */
export function mayMatch(stats: ColumnStats | null, p: PrunePredicate): boolean {
  if (!stats) return true;
  // Every value NULL: no comparison is true.
  if (stats.nullCount !== undefined && stats.nullCount >= stats.rows) return false;
  const { min, max } = stats;
  if (min === undefined || max === undefined || min === null || max === null) return true;
  const inRange = (v: unknown): boolean => {
    const lo = compareValues(v, min), hi = compareValues(v, max);
    return lo === null || hi === null || (lo >= 0 && hi <= 0);
  };
  for (const v of p.values) if (v === null || v === undefined) return true;
  switch (p.op) {
    case '=': return inRange(p.values[0]);
    case 'in': return p.values.some(inRange);
    case '<': { const c = compareValues(min, p.values[0]); return c === null || c < 0; }
    case '<=': { const c = compareValues(min, p.values[0]); return c === null || c <= 0; }
    case '>': { const c = compareValues(max, p.values[0]); return c === null || c > 0; }
    case '>=': { const c = compareValues(max, p.values[0]); return c === null || c >= 0; }
  }
}
