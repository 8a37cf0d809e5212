/**
 * Row values (PostgreSQL's anonymous `record`): what the SEARCH and CYCLE clauses of WITH
 * RECURSIVE put in their sequence and path columns. They print as record_out does, and compare
 * field by field as btrecordcmp does (NULL fields equal each other and sort after any value).
 */
import type { SqlType } from '../common/types.js';
import { intervalCmp, type Interval } from '../common/datetime.js';
import { timeTzCmp, type TimeTz } from '../common/time.js';
import { toText } from './runtime.js';
import { compareJsonbText } from '../common/json.js';

export class RowValue {
  constructor(readonly values: unknown[], readonly types: SqlType[]) {}

  /** record_out: a field is quoted when empty or holding quotes, backslashes, parentheses, commas or spaces. */
  toString(): string {
    const parts = this.values.map((v, i) => {
      if (v === null) return '';
      const t = this.types[i]!;
      const s = t.id === 'bool' ? (v ? 't' : 'f') : toText(v, t);
      return s === '' || /["\\(),\s]/.test(s) ? `"${s.replace(/(["\\])/g, '$1$1')}"` : s;
    });
    return `(${parts.join(',')})`;
  }

  cmp(o: RowValue): number {
    const n = Math.min(this.values.length, o.values.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(this.values[i], o.values[i], this.types[i]!);
      if (c !== 0) return c;
    }
    return this.values.length - o.values.length;
  }

  equals(o: RowValue): boolean { return this.cmp(o) === 0; }
}

/** One field's order: NULL last, NaN above every number, char(n) without trailing blanks. */
export function compareValues(x: unknown, y: unknown, t: SqlType): number {
  if (t.id === 'jsonb') return compareJsonbText(x as string, y as string);
  if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
  if (typeof x === 'number' && typeof y === 'number') {
    if (x < y) return -1;
    if (x > y) return 1;
    if (x === y) return 0;
    return x !== x ? (y !== y ? 0 : 1) : -1;
  }
  if (typeof x === 'boolean' || typeof x === 'bigint') return x < (y as typeof x) ? -1 : x > (y as typeof x) ? 1 : 0;
  if (typeof x === 'string') {
    let a = x, b = y as string;
    if (t.id === 'bpchar') { a = a.trimEnd(); b = b.trimEnd(); }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (Array.isArray(x)) {
    const b = y as unknown[], et = t.elem!;
    const n = Math.min(x.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(x[i], b[i], et);
      if (c !== 0) return c;
    }
    return x.length - b.length;
  }
  if (t.id === 'interval') return intervalCmp(x as Interval, y as Interval);
  if (t.id === 'timetz') return timeTzCmp(x as TimeTz, y as TimeTz);
  return (x as { cmp(o: unknown): number }).cmp(y);
}
