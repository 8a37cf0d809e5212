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
