/**
 * Date and time functions. Timestamps are microseconds since 1970 (local time, no zone), dates
 * are days since 1970; the calendar work lives in common/datetime.ts.
 */
import { T, isTimestampTz } from '../../common/types.js';
import type { Decimal } from '../../common/decimal.js';
import * as dt from '../../common/datetime.js';
import type { Interval } from '../../common/datetime.js';
import { registerScalar, type FunctionContext } from '../registry.js';


/** The clock as a timestamp; like the 'now' literal of common/datetime.ts it reads UTC. */
function clockNow(): number { return Date.now() * 1000; }

/** now() and friends answer the running statement's start (its context's clock). */
function now(ctx: FunctionContext): number { return ctx.now; }
function currentDate(ctx: FunctionContext): number { return dt.timestampToDate(ctx.now); }

export function extractTs(field: string, ts: number): Decimal | null { return dt.extract(field, 'timestamp', ts); }
export function extractDate(field: string, d: number): Decimal | null { return dt.extract(field, 'date', d); }
export function extractInterval(field: string, iv: Interval): Decimal | null { return dt.extract(field, 'interval', iv); }
export function datePartTs(field: string, ts: number): number | null { return dt.datePart(field, 'timestamp', ts); }
export function datePartDate(field: string, d: number): number | null { return dt.datePart(field, 'date', d); }
export function datePartInterval(field: string, iv: Interval): number | null { return dt.datePart(field, 'interval', iv); }

function register(): void {
  const reg = registerScalar;
  // These are timestamp with time zone in PostgreSQL (localtimestamp is without).
  for (const name of ['now', 'current_timestamp', 'statement_timestamp', 'transaction_timestamp']) {
    reg({ name, args: [], ret: T.timestamptz, strict: true, volatile: true, needsContext: true, impl: now });
  }
  reg({ name: 'localtimestamp', args: [], ret: T.timestamp, strict: true, volatile: true, needsContext: true, impl: now });
  reg({ name: 'current_date', args: [], ret: T.date, strict: true, volatile: true, needsContext: true, impl: currentDate });
  reg({ name: 'clock_timestamp', args: [], ret: T.timestamptz, strict: true, volatile: true, impl: clockNow });

  // Timestamps first: an untyped literal argument then resolves as a timestamp.
  reg({ name: 'extract', args: ['text', 'timestamp'], ret: T.numeric, strict: true, impl: extractTs });
  reg({ name: 'extract', args: ['text', 'date'], ret: T.numeric, strict: true, impl: extractDate });
  reg({ name: 'extract', args: ['text', 'interval'], ret: T.numeric, strict: true, impl: extractInterval });
  reg({ name: 'date_part', args: ['text', 'timestamp'], ret: T.float8, strict: true, impl: datePartTs });
  // PostgreSQL defines date_part(text, date) as date_part($1, $2::timestamp).
  reg({ name: 'date_part', args: ['text', 'date'], ret: T.float8, strict: true, impl: datePartDate });
  reg({ name: 'date_part', args: ['text', 'interval'], ret: T.float8, strict: true, impl: datePartInterval });

  reg({ name: 'date_trunc', args: ['text', 'timestamp'], ret: (a) => (isTimestampTz(a[1]!) ? T.timestamptz : T.timestamp), strict: true,
    impl: (f: string, ts: number) => dt.dateTrunc(f, ts) });
  reg({ name: 'date_trunc', args: ['text', 'interval'], ret: T.interval, strict: true,
    impl: (f: string, iv: Interval) => dt.intervalTrunc(f, iv) });

  reg({ name: 'age', args: ['timestamp', 'timestamp'], ret: T.interval, strict: true, impl: (a: number, b: number) => dt.age(a, b) });
  reg({ name: 'age', args: ['timestamp'], ret: T.interval, strict: true, volatile: true, needsContext: true,
    impl: (ctx: FunctionContext, a: number) => dt.age(dt.dateToTimestamp(currentDate(ctx)), a) });
  reg({ name: 'make_date', args: ['int4', 'int4', 'int4'], ret: T.date, strict: true,
    impl: (y: number, m: number, d: number) => dt.makeDate(y, m, d) });
  reg({ name: 'make_timestamp', args: ['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], ret: T.timestamp, strict: true,
    impl: (y: number, mo: number, d: number, h: number, mi: number, s: number) => dt.makeTimestamp(y, mo, d, h, mi, s) });
  reg({ name: 'date', args: ['timestamp'], ret: T.date, strict: true, inline: ([a]) => `H.dt.timestampToDate(${a})` });
  // make_interval's parameters all default to zero; positional calls may stop after any of them.
  const mi: ('int4' | 'float8')[] = ['int4', 'int4', 'int4', 'int4', 'int4', 'int4', 'float8'];
  for (let k = 0; k <= mi.length; k++) {
    reg({ name: 'make_interval', args: mi.slice(0, k), ret: T.interval, strict: true,
      impl: (...a: number[]) => dt.makeInterval(...a) });
  }

  reg({ name: 'justify_hours', args: ['interval'], ret: T.interval, strict: true, impl: dt.justifyHours });
  reg({ name: 'justify_days', args: ['interval'], ret: T.interval, strict: true, impl: dt.justifyDays });
  reg({ name: 'justify_interval', args: ['interval'], ret: T.interval, strict: true, impl: dt.justifyInterval });
  reg({ name: 'isfinite', args: ['timestamp'], ret: T.bool, strict: true, inline: ([a]) => `Number.isFinite(${a})` });
  reg({ name: 'isfinite', args: ['date'], ret: T.bool, strict: true, inline: ([a]) => `H.dt.isFiniteDate(${a})` });
  reg({ name: 'isfinite', args: ['interval'], ret: T.bool, strict: true, inline: () => 'true' });
}

register();
