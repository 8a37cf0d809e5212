/**
 * time (without time zone): microseconds since midnight, 0 ≤ t < 86,400,000,000 (24:00:00 is
 * allowed on input as PostgreSQL does).
 */
import { QuiverError, SqlState } from './errors.js';
import type { Interval } from './datetime.js';


export const DAY_US = 86_400_000_000;

export function parseTime(s: string): number {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?\s*$/.exec(s) ?? /^\s*(?:\d{4}-\d{2}-\d{2}[ T])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?\s*$/.exec(s);
  if (!m) throw new QuiverError(SqlState.invalidDatetimeFormat, `invalid input syntax for type time: "${s}"`);
  const h = Number(m[1]), mi = Number(m[2]), sec = Number(m[3] ?? 0);
  const frac = m[4] ? Number(m[4].padEnd(6, '0')) : 0;
  if (h > 24 || mi > 59 || sec > 60 || (h === 24 && (mi > 0 || sec > 0 || frac > 0))) {
    throw new QuiverError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${s}"`);
  }
  return ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
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
