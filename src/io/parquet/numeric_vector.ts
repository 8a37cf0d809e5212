/**
 * The one place where a Parquet DECIMAL column becomes an engine numeric vector. Decoding hands
 * over unscaled integers: a Float64Array when every value is exact in a double (precision <= 15,
 * or INT32), else bigints; the column's scale applies to all of them. The vector is fixed-point
 * (common/vector.ts) when every value fits, Decimals otherwise.
 */
import { numericFromScaled, type Vector } from '../../common/vector.js';
import type { SqlType } from '../../common/types.js';

export function numericVector(t: SqlType, scale: number, unscaled: Float64Array | (bigint | null)[], valid: Uint8Array | null, n: number): Vector {
  if (unscaled instanceof Float64Array) return numericFromScaled(t, n, scale, valid, (i) => unscaled[i]!);
  return numericFromScaled(t, n, scale, valid, (i) => unscaled[i] ?? 0n);
}
