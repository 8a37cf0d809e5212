/**
 * The one place where a Parquet DECIMAL column becomes an engine numeric vector. Decoding hands
 * over unscaled integers: a Float64Array when every value is exact in a double (precision <= 15,
 * or INT32), else bigints; the column's scale applies to all of them.
 */
import { Decimal } from '../../common/decimal.js';
import { makeVector, type Vector } from '../../common/vector.js';
import type { SqlType } from '../../common/types.js';

export function numericVector(t: SqlType, scale: number, unscaled: Float64Array | (bigint | null)[], valid: Uint8Array | null, n: number): Vector {
  const out: (Decimal | null)[] = new Array(n).fill(null);
  if (unscaled instanceof Float64Array) {
    for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = new Decimal(BigInt(unscaled[i]!), scale);
  } else {
    for (let i = 0; i < n; i++) { const v = unscaled[i]; if (v != null && (valid === null || valid[i] === 1)) out[i] = new Decimal(v, scale); }
  }
  return makeVector(t, out, valid, n);
}
