/**
 * time (without time zone): microseconds since midnight, 0 ≤ t < 86,400,000,000 (24:00:00 is
 * allowed on input as PostgreSQL does).
 */
import { QuiverError, SqlState } from './errors.js';
import type { Interval } from './datetime.js';


export const DAY_US = 86_400_000_000;

export function parseTime(s: string): number {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d*))?)?\s*$/.exec(s) ?? /^\s*(?:\d{4}-\d{2}-\d{2}[ T])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d*))?)?\s*$/.exec(s);
  if (!m) throw new QuiverError(SqlState.invalidDatetimeFormat, `invalid input syntax for type time: "${s}"`);
  const h = Number(m[1]), mi = Number(m[2]), sec = Number(m[3] ?? 0);
  // Fractional seconds round to the microsecond (rint, ties to even), which can carry into the
  // next second: 23:59:59.9999999 is 24:00:00.
  const frac = m[4] ? rint(Number('0.' + m[4]) * 1_000_000) : 0;
  const total = ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
  // time_overflows: each field in range (hour 24 and second 60 allowed), the whole at most 24:00:00.
  if (h > 24 || mi > 59 || sec > 60 || frac > 1_000_000 || total > DAY_US) {
    throw new QuiverError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${s}"`);
  }
  return total;
}

/** Round half to even, as C's rint in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function formatTime(t: number): string {
  const us = t % 1_000_000;
  let s = Math.floor(t / 1_000_000);
  const h = Math.floor(s / 3600); s -= h * 3600;
  const mi = Math.floor(s / 60); s -= mi * 60;
  const base = `${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return us ? `${base}.${String(us).padStart(6, '0').replace(/0+$/, '')}` : base;
}

/** time ± interval wraps around midnight; months and days do not move a time of day. */
export function timeAddInterval(t: number, iv: Interval): number {
  const r = (t + iv.micros) % DAY_US;
  return r < 0 ? r + DAY_US : r;
}

/** time with time zone: a time of day and the UTC offset it was given with (seconds east). */
export class TimeTz {
  constructor(readonly micros: number, readonly offset: number) {}
  toString(): string { return formatTimeTz(this); }
}

export function parseTimeTz(s: string): TimeTz {
  const m = /^\s*(.*?)(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?(?::(\d{2}))?)?\s*$/.exec(s);
  const timePart = m?.[1] ?? s;
  let offset = 0;
  if (m?.[2]) {
    offset = (Number(m[3]) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * (m[2] === '-' ? -1 : 1);
    if (Math.abs(offset) > 15 * 3600 + 59 * 60 + 59) throw new QuiverError(SqlState.invalidDatetimeFormat, `invalid input syntax for type time with time zone: "${s}"`);
  }
  let t: number;
  try { t = parseTime(timePart); } catch {
    throw new QuiverError(SqlState.invalidDatetimeFormat, `invalid input syntax for type time with time zone: "${s}"`);
  }
  return new TimeTz(t, offset);
}

export function formatTimeTz(v: TimeTz): string {
  const a = Math.abs(v.offset);
  const h = Math.floor(a / 3600), mi = Math.floor((a % 3600) / 60), sec = a % 60;
  let z = `${v.offset < 0 ? '-' : '+'}${String(h).padStart(2, '0')}`;
  if (mi || sec) z += `:${String(mi).padStart(2, '0')}`;
  if (sec) z += `:${String(sec).padStart(2, '0')}`;
  return formatTime(v.micros) + z;
}

export function timeTzAddInterval(v: TimeTz, iv: Interval): TimeTz {
  return new TimeTz(timeAddInterval(v.micros, iv), v.offset);
}

/** Orders by the instant in UTC, then by offset, as PostgreSQL's timetz_cmp. */
export function timeTzCmp(a: TimeTz, b: TimeTz): number {
  const x = a.micros - a.offset * 1e6, y = b.micros - b.offset * 1e6;
  if (x !== y) return x < y ? -1 : 1;
  return a.offset === b.offset ? 0 : a.offset > b.offset ? -1 : 1;
}
