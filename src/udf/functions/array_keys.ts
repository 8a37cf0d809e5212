/** A comparable key for an engine value of a type (array elements, array equality). */
import type { SqlType } from '../../common/types.js';
import { toText } from '../runtime.js';

export function keyOf(x: unknown, t: SqlType): string {
  if (x === null || x === undefined) return '\u0000NULL';
  // Comparison results may arrive as 0/1 from generated code: booleans compare by truth.
  if (t.id === 'bool') return x ? 't' : 'f';
  if (typeof x === 'number' || typeof x === 'bigint') return String(x);
  if (typeof x === 'string') return 's' + x;
  if (typeof x === 'boolean') return x ? 't' : 'f';
  return 'o' + toText(x, t);
}
