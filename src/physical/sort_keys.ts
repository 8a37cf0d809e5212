/**
 * Row comparison over key vectors, shared by operators that order rows (aggregate ORDER BY,
 * merge steps). Compares as PostgreSQL: NULL placement per key, text in byte ("C") order.
 */
import type { Vector } from '../common/vector.js';
import type { Decimal } from '../common/decimal.js';
import { intervalCmp, type Interval } from '../common/datetime.js';

export interface SortVector { vec: Vector; desc: boolean; nullsFirst: boolean }

export type RowCmp = (a: number, b: number) => number;

function valueCmp(v: Vector): RowCmp {
  const d = v.data as unknown as { [i: number]: unknown };
  switch (v.type.id) {
    case 'numeric': return (a, b) => (d[a] as Decimal).cmp(d[b] as Decimal);
    case 'interval': return (a, b) => intervalCmp(d[a] as Interval, d[b] as Interval);
    case 'bool': case 'int2': case 'int4': case 'date': case 'float4': case 'float8': case 'timestamp': {
      const x = v.data as Int32Array | Float64Array | Uint8Array;
      // NaN sorts after every other value, as in PostgreSQL.
      return (a, b) => { const p = x[a]!, q = x[b]!; return p < q ? -1 : p > q ? 1 : p === q ? 0 : Number.isNaN(p) ? (Number.isNaN(q) ? 0 : 1) : -1; };
    }
    case 'int8': { const x = v.data as BigInt64Array; return (a, b) => (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : 0); }
    case 'bpchar': return (a, b) => { const p = (d[a] as string).trimEnd(), q = (d[b] as string).trimEnd(); return p < q ? -1 : p > q ? 1 : 0; };
    default: return (a, b) => { const p = d[a] as string, q = d[b] as string; return p < q ? -1 : p > q ? 1 : 0; };
  }
}

/** A comparator of two row positions over several keys. */
export function rowComparator(keys: SortVector[]): RowCmp {
  const cmps = keys.map((k) => {
    const c = valueCmp(k.vec);
    const valid = k.vec.valid;
    const dir = k.desc ? -1 : 1;
    const nf = k.nullsFirst ? -1 : 1;
    if (!valid) return (a: number, b: number) => dir * c(a, b);
    return (a: number, b: number) => {
      const na = valid[a] === 0, nb = valid[b] === 0;
      if (na || nb) return na && nb ? 0 : na ? nf : -nf;
      return dir * c(a, b);
    };
  });
  if (cmps.length === 1) return cmps[0]!;
  return (a, b) => {
    for (let i = 0; i < cmps.length; i++) { const r = cmps[i]!(a, b); if (r !== 0) return r; }
    return 0;
  };
}

/** Sorts row positions stably by the keys. */
export function sortIndices(keys: SortVector[], idx: Int32Array): Int32Array {
  const cmp = rowComparator(keys);
  const arr = Array.from(idx);
  arr.sort((a, b) => cmp(a, b) || a - b);
  return Int32Array.from(arr);
}
