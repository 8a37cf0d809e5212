/**
 * Values that cross to a worker thread and back inside plain data: constants and parameters of a
 * plan fragment, and accumulator states. A structured clone keeps numbers, strings, bigints and
 * typed arrays but drops class prototypes, so the engine's numeric objects travel as tagged plain
 * records (the unscaled value as a decimal string, so no digit is lost) and are rebuilt on the
 * other side. Anything else that is an object has no faithful copy: `toWire` returns undefined.
 */
import { Decimal, DecimalSum } from '../common/decimal.js';

/** A Decimal as (unscaled digits, scale). */
interface WireDecimal { $decimal: [string, number] }
/** A DecimalSum as (unscaled sum digits, scale, count). */
interface WireDecimalSum { $decimalSum: [string, number, number] }

export type WireValue = null | undefined | number | string | boolean | bigint | WireDecimal | WireDecimalSum;

/** Engine values that survive a structured clone unchanged. */
export function isPlainValue(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint';
}

/** The value as plain data, or undefined when it has no faithful copy in another thread. */
export function toWire(v: unknown): WireValue | undefined {
  if (isPlainValue(v)) return v as WireValue;
  if (v instanceof Decimal) return { $decimal: [v.v.toString(), v.s] };
  if (v instanceof DecimalSum) {
    const [u, s, c] = v.parts();
    return { $decimalSum: [u.toString(), s, c] };
  }
  return undefined;
}

export function fromWire(w: WireValue): unknown {
  if (w === null || typeof w !== 'object') return w;
  if ('$decimal' in w) return new Decimal(BigInt(w.$decimal[0]), w.$decimal[1]);
  const [u, s, c] = w.$decimalSum;
  return DecimalSum.fromParts(BigInt(u), s, c);
}
