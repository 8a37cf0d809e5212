/**
 * to_char for numbers, timestamps, dates and intervals, and to_number: the template engines are
 * common/number_format.ts and common/datetime_format.ts.
 */
import { T, isTimestampTz, type SqlType } from '../../common/types.js';
import type { Decimal } from '../../common/decimal.js';
import type { Interval } from '../../common/datetime.js';
import { dateToTimestamp } from '../../common/datetime.js';
import { numberToChar, toNumber, type NumberKind } from '../../common/number_format.js';
import { intervalToChar, timestampToChar, timestamptzToChar } from '../../common/datetime_format.js';
import { registerScalar } from '../registry.js';

function register(): void {
  const reg = registerScalar;
  // Timestamps first: an untyped literal argument then resolves as a timestamp. An infinite
  // timestamp formats as NULL (timestamp_to_char).
  reg({ name: 'to_char', args: ['timestamp', 'text'], ret: T.text, strict: true, needsTypes: true,
    impl: (ts: number, f: string, tsType: SqlType) => {
      if (!Number.isFinite(ts)) return null;
      return isTimestampTz(tsType) ? timestamptzToChar(ts, f) : timestampToChar(ts, f);
    } });
  // PostgreSQL resolves to_char(date, text) to the timestamptz variant (its preferred type).
  reg({ name: 'to_char', args: ['date', 'text'], ret: T.text, strict: true,
    impl: (d: number, f: string) => {
      const ts = dateToTimestamp(d);
      return Number.isFinite(ts) ? timestamptzToChar(ts, f) : null;
    } });
  reg({ name: 'to_char', args: ['interval', 'text'], ret: T.text, strict: true,
    impl: (iv: Interval, f: string) => intervalToChar(iv, f) });
  const kinds: NumberKind[] = ['int4', 'int8', 'numeric', 'float4', 'float8'];
  for (const k of kinds) {
    reg({ name: 'to_char', args: [k, 'text'], ret: T.text, strict: true,
      impl: (v: number | bigint | Decimal, f: string) => numberToChar(k, v, f) });
  }
  reg({ name: 'to_number', args: ['text', 'text'], ret: T.numeric, strict: true, impl: toNumber });
}

register();
