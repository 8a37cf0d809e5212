/**
 * date, timestamp (without time zone) and interval with PostgreSQL 15 semantics.
 *
 * Representations:
 *   date      — integer days since 1970-01-01; ±infinity are the int32 extremes, as PostgreSQL's.
 *   timestamp — integer microseconds since 1970-01-01 00:00:00 in a double (exact for roughly
 *               years 1685–2255); ±infinity are the double infinities.
 *   interval  — months, days and microseconds kept apart, because a month and a day have no
 *               fixed length until applied to a date.
 *
 * Input parsing follows datetime.c (ParseDateTime / DecodeDateTime / DecodeInterval) closely so
 * that the same strings are accepted and rejected with the same messages. DateStyle is taken
 * to be 'ISO, MDY' and IntervalStyle 'postgres', the server defaults. The session time zone is
 * UTC: zone designations in timestamp input are checked and ignored, as PostgreSQL does for
 * timestamp without time zone; timestamp with time zone input (parseTimestampTz) applies them,
 * giving UTC; and 'now'/'today' read the clock in UTC.
 */
import { Decimal } from './decimal.js';
import { QuiverError } from './errors.js';

export class Interval {
  constructor(readonly months: number, readonly days: number, readonly micros: number) {}

  toString(): string {
    return formatInterval(this);
  }
}

export const USECS_PER_SEC = 1_000_000;
export const USECS_PER_MINUTE = 60_000_000;
export const USECS_PER_HOUR = 3_600_000_000;
export const USECS_PER_DAY = 86_400_000_000;
const SECS_PER_DAY = 86400;
const DAYS_PER_MONTH = 30;
const MONTHS_PER_YEAR = 12;

/** Julian day number of 1970-01-01. */
const UNIX_EPOCH_JD = 2440588;

export const DATE_NEG_INFINITY = -2147483648;
export const DATE_POS_INFINITY = 2147483647;
export const TIMESTAMP_NEG_INFINITY = -Infinity;
export const TIMESTAMP_POS_INFINITY = Infinity;

/** First Julian day past the date range (5874898-01-01). */
const DATE_END_JULIAN = 2147483494;
/** First Julian day past the timestamp range (294277-01-01). */
const TIMESTAMP_END_JULIAN = 109203528;
/** Smallest valid timestamp (4714-11-24 00:00:00 BC) relative to 1970. */
const MIN_TIMESTAMP = -211813488000000000 + 946684800000000;
/** First timestamp past the range (294277-01-01 00:00:00) relative to 1970. */
const END_TIMESTAMP = 9223371331200000000 + 946684800000000;

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

// ---------------------------------------------------------------------------------------------
// Errors

function badFormat(type: string, text: string): QuiverError {
  return new QuiverError('22007', `invalid input syntax for type ${type}: "${text}"`);
}

function fieldOverflow(text: string, hint = false): QuiverError {
  return new QuiverError('22008', `date/time field value out of range: "${text}"`,
    hint ? { hint: 'Perhaps you need a different "datestyle" setting.' } : {});
}

function intervalOutOfRange(): QuiverError {
  return new QuiverError('22008', 'interval out of range');
}

function timestampOutOfRange(): QuiverError {
  return new QuiverError('22008', 'timestamp out of range');
}

function dateOutOfRange(): QuiverError {
  return new QuiverError('22008', 'date out of range');
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, astronomical year numbering: 0 = 1 BC)

const DAY_TAB = [
  [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
  [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
];

export function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function daysInMonth(y: number, m: number): number {
  return DAY_TAB[isLeap(y) ? 1 : 0]![m - 1]!;
}

/** Julian day number of a calendar date (datetime.c date2j). */
export function date2j(y: number, m: number, d: number): number {
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.trunc(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.trunc(y / 4) - century + Math.trunc(century / 4);
  julian += Math.trunc((7834 * m) / 256) + d;
  return julian;
}

/** Calendar date of a Julian day number (datetime.c j2date). */
export function j2date(jd: number): [number, number, number] {
  let julian = jd + 32044;
  let quad = Math.floor(julian / 146097);
  const extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + Math.floor(extra / 146097);
  quad = Math.floor(julian / 1461);
  julian -= quad * 1461;
  let y = Math.floor((julian * 4) / 1461);
  julian = (y !== 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123;
  y += quad * 4;
  const year = y - 4800;
  quad = Math.floor((julian * 2141) / 65536);
  const day = julian - Math.floor((7834 * quad) / 256);
  const month = ((quad + 10) % MONTHS_PER_YEAR) + 1;
  return [year, month, day];
}

/** Day of week of a Julian day, 0 = Sunday. */
export function j2day(jd: number): number {
  const d = (jd + 1) % 7;
  return d < 0 ? d + 7 : d;
}

export function isValidJulian(y: number, m: number): boolean {
  return (y > -4713 || (y === -4713 && m >= 11)) && (y < 5874898 || (y === 5874898 && m < 6));
}

export function isoWeek2j(year: number, week: number): number {
  const day4 = date2j(year, 1, 4);
  const day0 = j2day(day4 - 1);
  return (week - 1) * 7 + (day4 - day0);
}

export function date2isoweek(year: number, mon: number, mday: number): number {
  const dayn = date2j(year, mon, mday);
  let day4 = date2j(year, 1, 4);
  let day0 = j2day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = date2j(year - 1, 1, 4);
    day0 = j2day(day4 - 1);
  }
  let result = Math.floor((dayn - (day4 - day0)) / 7) + 1;
  if (result >= 52) {
    day4 = date2j(year + 1, 1, 4);
    day0 = j2day(day4 - 1);
    if (dayn >= day4 - day0) result = 1;
  }
  return result;
}

export function date2isoyear(year: number, mon: number, mday: number): number {
  const dayn = date2j(year, mon, mday);
  let day4 = date2j(year, 1, 4);
  let day0 = j2day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = date2j(year - 1, 1, 4);
    day0 = j2day(day4 - 1);
    year--;
  }
  const result = Math.floor((dayn - (day4 - day0)) / 7) + 1;
  if (result >= 52) {
    day4 = date2j(year + 1, 1, 4);
    day0 = j2day(day4 - 1);
    if (dayn >= day4 - day0) year++;
  }
  return year;
}

/** ISO day of the year (1..371) for the ISO week-numbering year (date2isoyearday). */
export function date2isoyearday(year: number, mon: number, mday: number): number {
  return date2j(year, mon, mday) - isoWeek2j(date2isoyear(year, mon, mday), 1) + 1;
}

/** C's rint: round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

/** Broken-down timestamp; year is astronomical (0 = 1 BC). */
export interface Tm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  fsec: number; // microseconds
}

export function timestamp2tm(ts: number): Tm {
  const days = Math.floor(ts / USECS_PER_DAY);
  let t = ts - days * USECS_PER_DAY;
  const [year, mon, mday] = j2date(days + UNIX_EPOCH_JD);
  const hour = Math.floor(t / USECS_PER_HOUR);
  t -= hour * USECS_PER_HOUR;
  const min = Math.floor(t / USECS_PER_MINUTE);
  t -= min * USECS_PER_MINUTE;
  const sec = Math.floor(t / USECS_PER_SEC);
  const fsec = t - sec * USECS_PER_SEC;
  return { year, mon, mday, hour, min, sec, fsec };
}

function isValidTimestamp(ts: number): boolean {
  return ts >= MIN_TIMESTAMP && ts < END_TIMESTAMP;
}

/** tm2timestamp: null when outside the timestamp range. */
function tm2timestamp(tm: Tm): number | null {
  if (!isValidJulian(tm.year, tm.mon)) return null;
  const date = date2j(tm.year, tm.mon, tm.mday) - UNIX_EPOCH_JD;
  const time = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec;
  // Checked on the day number: near the far end the double sum is no longer exact.
  const jd = date + UNIX_EPOCH_JD;
  if (jd < 0 || jd >= TIMESTAMP_END_JULIAN || (jd === TIMESTAMP_END_JULIAN - 1 && time >= USECS_PER_DAY)) return null;
  return date * USECS_PER_DAY + time;
}

function isValidDate(days: number): boolean {
  const jd = days + UNIX_EPOCH_JD;
  return jd >= 0 && jd < DATE_END_JULIAN;
}

export function isFiniteDate(d: number): boolean {
  return d !== DATE_NEG_INFINITY && d !== DATE_POS_INFINITY;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer (ParseDateTime)

const enum Ft { NUMBER, STRING, DATE, TIME, TZ, SPECIAL }

interface Field { text: string; type: Ft }

const MAXDATEFIELDS = 25;
const WORKBUF = 128 + MAXDATEFIELDS;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
function isAlnum(c: string | undefined): boolean {
  return isDigit(c) || isAlpha(c);
}
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}
function isPunct(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return (k >= 33 && k <= 47) || (k >= 58 && k <= 64) || (k >= 91 && k <= 96) || (k >= 123 && k <= 126);
}

/** Splits input into typed fields, lower-casing text; null on malformed input. */
function parseDateTimeFields(s: string): Field[] | null {
  const fields: Field[] = [];
  let used = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (fields.length >= MAXDATEFIELDS) return null;
    let buf = '';
    let type: Ft;
    if (isDigit(c)) {
      while (isDigit(s[i])) buf += s[i++];
      if (s[i] === ':') {
        type = Ft.TIME;
        buf += s[i++];
        while (isDigit(s[i]) || s[i] === ':' || s[i] === '.') buf += s[i++];
      } else if (s[i] === '-' || s[i] === '/' || s[i] === '.') {
        const delim = s[i]!;
        buf += s[i++];
        if (isDigit(s[i])) {
          type = delim === '.' ? Ft.NUMBER : Ft.DATE;
          while (isDigit(s[i])) buf += s[i++];
          // Three-field dates need matching delimiters.
          if (s[i] === delim) {
            type = Ft.DATE;
            buf += s[i++];
            while (isDigit(s[i]) || s[i] === delim) buf += s[i++];
          }
        } else {
          type = Ft.DATE;
          while (isAlnum(s[i]) || s[i] === delim) buf += s[i++]!.toLowerCase();
        }
      } else {
        type = Ft.NUMBER;
      }
    } else if (c === '.') {
      buf += s[i++];
      while (isDigit(s[i])) buf += s[i++];
      type = Ft.NUMBER;
    } else if (isAlpha(c)) {
      type = Ft.STRING;
      while (isAlpha(s[i])) buf += s[i++]!.toLowerCase();
      // A date with a text month, or a zone name with punctuation — unless the word is a
      // keyword that may be followed directly by digits ("j2451187", "t10:00").
      let isDate = false;
      if (s[i] === '-' || s[i] === '/' || s[i] === '.') isDate = true;
      else if (s[i] === '+' || isDigit(s[i])) isDate = !DATE_TOKENS.has(buf.slice(0, TOKMAXLEN));
      if (isDate) {
        type = Ft.DATE;
        do {
          buf += s[i++]!.toLowerCase();
        } while (s[i] === '+' || s[i] === '-' || s[i] === '/' || s[i] === '_' || s[i] === '.' || s[i] === ':' || isAlnum(s[i]));
      }
    } else if (c === '+' || c === '-') {
      buf += s[i++];
      while (isSpace(s[i])) i++;
      if (isDigit(s[i])) {
        type = Ft.TZ;
        buf += s[i++];
        while (isDigit(s[i]) || s[i] === ':' || s[i] === '.' || s[i] === '-') buf += s[i++];
      } else if (isAlpha(s[i])) {
        type = Ft.SPECIAL;
        while (isAlpha(s[i])) buf += s[i++]!.toLowerCase();
      } else {
        return null;
      }
    } else if (isPunct(c)) {
      i++;
      continue;
    } else {
      return null;
    }
    used += buf.length + 1;
    if (used >= WORKBUF) return null;
    fields.push({ text: buf, type });
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Keyword tables

const TOKMAXLEN = 10;

// Field kinds (bit positions in the masks, as datetime.h numbers them).
const RESERV = 0, MONTH = 1, YEAR = 2, DAY = 3, TZ = 5, DTZ = 6, IGNORE_DTF = 8, AMPM = 9,
  HOUR = 10, MINUTE = 11, SECOND = 12, MILLISECOND = 13, MICROSECOND = 14, DOY = 15, DOW = 16,
  UNITS = 17, ADBC = 18, AGO = 19, ISOTIME = 23, WEEK = 24, DECADE = 25, CENTURY = 26,
  MILLENNIUM = 27, DTZMOD = 28, UNKNOWN_FIELD = 31;

const M = (t: number): number => 2 ** t;
const DTK_DATE_M = M(YEAR) | M(MONTH) | M(DAY);
const DTK_ALL_SECS_M = M(SECOND) | M(MILLISECOND) | M(MICROSECOND);
const DTK_TIME_M = M(HOUR) | M(MINUTE) | DTK_ALL_SECS_M;

// Token values.
const DTK_DATE = 2, DTK_TIME = 3, DTK_TZ = 4, DTK_EARLY = 9, DTK_LATE = 10, DTK_EPOCH = 11,
  DTK_NOW = 12, DTK_YESTERDAY = 13, DTK_TODAY = 14, DTK_TOMORROW = 15, DTK_ZULU = 16,
  DTK_DELTA = 17, DTK_SECOND = 18, DTK_MINUTE = 19, DTK_HOUR = 20, DTK_DAY = 21, DTK_WEEK = 22,
  DTK_MONTH = 23, DTK_QUARTER = 24, DTK_YEAR = 25, DTK_DECADE = 26, DTK_CENTURY = 27,
  DTK_MILLENNIUM = 28, DTK_MILLISEC = 29, DTK_MICROSEC = 30, DTK_JULIAN = 31, DTK_DOW = 32,
  DTK_DOY = 33, DTK_TZ_HOUR = 34, DTK_TZ_MINUTE = 35, DTK_ISOYEAR = 36, DTK_ISODOW = 37;

const AM = 0, PM = 1, HR24 = 2;
const AD = 0, BC = 1;

type Tok = readonly [type: number, value: number];

/** datetktbl: words understood in date/time input. */
const DATE_TOKENS = new Map<string, Tok>([
  ['-infinity', [RESERV, DTK_EARLY]], ['ad', [ADBC, AD]], ['allballs', [RESERV, DTK_ZULU]],
  ['am', [AMPM, AM]], ['apr', [MONTH, 4]], ['april', [MONTH, 4]], ['at', [IGNORE_DTF, 0]],
  ['aug', [MONTH, 8]], ['august', [MONTH, 8]], ['bc', [ADBC, BC]], ['d', [UNITS, DTK_DAY]],
  ['dec', [MONTH, 12]], ['december', [MONTH, 12]], ['dow', [UNITS, DTK_DOW]],
  ['doy', [UNITS, DTK_DOY]], ['dst', [DTZMOD, 3600]], ['epoch', [RESERV, DTK_EPOCH]],
  ['feb', [MONTH, 2]], ['february', [MONTH, 2]], ['fri', [DOW, 5]], ['friday', [DOW, 5]],
  ['h', [UNITS, DTK_HOUR]], ['infinity', [RESERV, DTK_LATE]], ['isodow', [UNITS, DTK_ISODOW]],
  ['isoyear', [UNITS, DTK_ISOYEAR]], ['j', [UNITS, DTK_JULIAN]], ['jan', [MONTH, 1]],
  ['january', [MONTH, 1]], ['jd', [UNITS, DTK_JULIAN]], ['jul', [MONTH, 7]],
  ['julian', [UNITS, DTK_JULIAN]], ['july', [MONTH, 7]], ['jun', [MONTH, 6]], ['june', [MONTH, 6]],
  ['m', [UNITS, DTK_MONTH]], ['mar', [MONTH, 3]], ['march', [MONTH, 3]], ['may', [MONTH, 5]],
  ['mm', [UNITS, DTK_MINUTE]], ['mon', [DOW, 1]], ['monday', [DOW, 1]], ['nov', [MONTH, 11]],
  ['november', [MONTH, 11]], ['now', [RESERV, DTK_NOW]], ['oct', [MONTH, 10]],
  ['october', [MONTH, 10]], ['on', [IGNORE_DTF, 0]], ['pm', [AMPM, PM]], ['s', [UNITS, DTK_SECOND]],
  ['sat', [DOW, 6]], ['saturday', [DOW, 6]], ['sep', [MONTH, 9]], ['sept', [MONTH, 9]],
  ['september', [MONTH, 9]], ['sun', [DOW, 0]], ['sunday', [DOW, 0]], ['t', [ISOTIME, DTK_TIME]],
  ['thu', [DOW, 4]], ['thur', [DOW, 4]], ['thurs', [DOW, 4]], ['thursday', [DOW, 4]],
  ['today', [RESERV, DTK_TODAY]], ['tomorrow', [RESERV, DTK_TOMORROW]], ['tue', [DOW, 2]],
  ['tues', [DOW, 2]], ['tuesday', [DOW, 2]], ['wed', [DOW, 3]], ['wednesday', [DOW, 3]],
  ['weds', [DOW, 3]], ['y', [UNITS, DTK_YEAR]], ['yesterday', [RESERV, DTK_YESTERDAY]],
]);

/** deltatktbl: unit words of interval input (also the field names of extract and date_trunc). */
const DELTA_TOKENS = new Map<string, Tok>([
  ['@', [IGNORE_DTF, 0]], ['ago', [AGO, 0]], ['c', [UNITS, DTK_CENTURY]],
  ['cent', [UNITS, DTK_CENTURY]], ['centuries', [UNITS, DTK_CENTURY]], ['century', [UNITS, DTK_CENTURY]],
  ['d', [UNITS, DTK_DAY]], ['day', [UNITS, DTK_DAY]], ['days', [UNITS, DTK_DAY]],
  ['dec', [UNITS, DTK_DECADE]], ['decade', [UNITS, DTK_DECADE]], ['decades', [UNITS, DTK_DECADE]],
  ['decs', [UNITS, DTK_DECADE]], ['h', [UNITS, DTK_HOUR]], ['hour', [UNITS, DTK_HOUR]],
  ['hours', [UNITS, DTK_HOUR]], ['hr', [UNITS, DTK_HOUR]], ['hrs', [UNITS, DTK_HOUR]],
  ['m', [UNITS, DTK_MINUTE]], ['microsecon', [UNITS, DTK_MICROSEC]], ['mil', [UNITS, DTK_MILLENNIUM]],
  ['millennia', [UNITS, DTK_MILLENNIUM]], ['millennium', [UNITS, DTK_MILLENNIUM]],
  ['millisecon', [UNITS, DTK_MILLISEC]], ['mils', [UNITS, DTK_MILLENNIUM]], ['min', [UNITS, DTK_MINUTE]],
  ['mins', [UNITS, DTK_MINUTE]], ['minute', [UNITS, DTK_MINUTE]], ['minutes', [UNITS, DTK_MINUTE]],
  ['mon', [UNITS, DTK_MONTH]], ['mons', [UNITS, DTK_MONTH]], ['month', [UNITS, DTK_MONTH]],
  ['months', [UNITS, DTK_MONTH]], ['ms', [UNITS, DTK_MILLISEC]], ['msec', [UNITS, DTK_MILLISEC]],
  ['msecond', [UNITS, DTK_MILLISEC]], ['mseconds', [UNITS, DTK_MILLISEC]], ['msecs', [UNITS, DTK_MILLISEC]],
  ['qtr', [UNITS, DTK_QUARTER]], ['quarter', [UNITS, DTK_QUARTER]], ['s', [UNITS, DTK_SECOND]],
  ['sec', [UNITS, DTK_SECOND]], ['second', [UNITS, DTK_SECOND]], ['seconds', [UNITS, DTK_SECOND]],
  ['secs', [UNITS, DTK_SECOND]], ['timezone', [UNITS, DTK_TZ]], ['timezone_h', [UNITS, DTK_TZ_HOUR]],
  ['timezone_m', [UNITS, DTK_TZ_MINUTE]], ['us', [UNITS, DTK_MICROSEC]], ['usec', [UNITS, DTK_MICROSEC]],
  ['usecond', [UNITS, DTK_MICROSEC]], ['useconds', [UNITS, DTK_MICROSEC]], ['usecs', [UNITS, DTK_MICROSEC]],
  ['w', [UNITS, DTK_WEEK]], ['week', [UNITS, DTK_WEEK]], ['weeks', [UNITS, DTK_WEEK]],
  ['y', [UNITS, DTK_YEAR]], ['year', [UNITS, DTK_YEAR]], ['years', [UNITS, DTK_YEAR]],
  ['yr', [UNITS, DTK_YEAR]], ['yrs', [UNITS, DTK_YEAR]],
]);

/**
 * Time zone abbreviations (a subset of the 'Default' set). Their offsets never matter for
 * timestamp without time zone, only whether the word is a zone at all.
 */
const TZ_ABBREVS = new Set([
  'acdt', 'acst', 'adt', 'aedt', 'aest', 'akdt', 'akst', 'ast', 'awst', 'bst', 'cat', 'cdt', 'cest',
  'cet', 'cst', 'eat', 'edt', 'eest', 'eet', 'est', 'gmt', 'hkt', 'hst', 'idt', 'ist', 'jst', 'kst',
  'mdt', 'msk', 'mst', 'nzdt', 'nzst', 'pdt', 'pst', 'sast', 'sgt', 'ut', 'utc', 'wat', 'west', 'wet',
  'z', 'zulu',
]);

/**
 * UTC offsets (seconds east) of the abbreviations as PostgreSQL's 'Default' set defines them, for
 * timestamp with time zone input. cat and west are not in that set: PostgreSQL rejects them there.
 */
const TZ_ABBREV_OFFSETS = new Map<string, number>([
  ['acdt', 37800], ['acst', 34200], ['adt', -10800], ['aedt', 39600], ['aest', 36000], ['akdt', -28800],
  ['akst', -32400], ['ast', -14400], ['awst', 28800], ['bst', 3600], ['cdt', -18000], ['cest', 7200],
  ['cet', 3600], ['cst', -21600], ['eat', 10800], ['edt', -14400], ['eest', 10800], ['eet', 7200],
  ['est', -18000], ['gmt', 0], ['hkt', 28800], ['hst', -36000], ['idt', 10800], ['ist', 7200],
  ['jst', 32400], ['kst', 32400], ['mdt', -21600], ['msk', 10800], ['mst', -25200], ['nzdt', 46800],
  ['nzst', 43200], ['pdt', -25200], ['pst', -28800], ['sast', 7200], ['sgt', 28800], ['ut', 0],
  ['utc', 0], ['wat', 3600], ['wet', 0], ['z', 0], ['zulu', 0],
]);

/** Full zone names accepted (and ignored) in timestamp input. */
const TZ_NAMES = new Set(['utc', 'gmt', 'uct', 'universal', 'zulu', 'greenwich', 'etc/utc', 'etc/gmt']);
const TZ_REGIONS = new Set([
  'africa', 'america', 'antarctica', 'arctic', 'asia', 'atlantic', 'australia', 'brazil', 'canada',
  'chile', 'etc', 'europe', 'indian', 'mexico', 'pacific', 'us',
]);

function isZoneName(name: string): boolean {
  if (TZ_NAMES.has(name)) return true;
  // POSIX-style zone specs such as "gmt+8" or "est5edt".
  if (/^[a-z]{3,}[+-]?\d{1,2}(:\d{2})?([a-z]{3,})?$/.test(name)) return true;
  const slash = name.indexOf('/');
  return slash > 0 && TZ_REGIONS.has(name.slice(0, slash)) && /^[a-z_]+(\/[a-z_+\-0-9]+)+$/.test(name);
}

function decodeSpecial(word: string): Tok {
  const key = word.slice(0, TOKMAXLEN);
  if (TZ_ABBREVS.has(key)) return [TZ, 0];
  return DATE_TOKENS.get(key) ?? [UNKNOWN_FIELD, 0];
}

function decodeUnits(word: string): Tok {
  return DELTA_TOKENS.get(word.slice(0, TOKMAXLEN)) ?? [UNKNOWN_FIELD, 0];
}

// ---------------------------------------------------------------------------------------------
// Date/time field decoding (DecodeDateTime and helpers). Errors are signalled by throwing these
// codes, which the input functions map to PostgreSQL's messages.

const DTERR_BAD_FORMAT = -1;
const DTERR_FIELD_OVERFLOW = -2;
const DTERR_MD_FIELD_OVERFLOW = -3;
const DTERR_INTERVAL_OVERFLOW = -4;
const DTERR_TZDISP_OVERFLOW = -5;

class DtErr {
  constructor(readonly code: number) {}
}

function fail(code: number): never {
  throw new DtErr(code);
}

interface DecodeState {
  tm: Tm;
  yday: number;
  is2digits: boolean;
  /** The zone the input named, for timestamp with time zone: an offset (seconds east) or a name. */
  zone?: { offset: number } | { name: string } | { bad: string };
}

/** strtol-like: leading digits of s from i; returns [value, end]. Empty gives 0. */
function strtoi(s: string, i: number): [number, number] {
  let j = i;
  let neg = false;
  if (s[j] === '+' || s[j] === '-') {
    neg = s[j] === '-';
    j++;
  }
  const start = j;
  while (isDigit(s[j])) j++;
  if (j === start) return [0, i];
  const v = Number(s.slice(start, j));
  if (v > INT32_MAX + (neg ? 1 : 0)) fail(DTERR_FIELD_OVERFLOW);
  return [neg ? -v : v, j];
}

/** ".123456" → microseconds; a bare "." is zero. */
function parseFractionalSecond(s: string): number {
  if (s === '.') return 0;
  if (!/^\.\d+$/.test(s)) fail(DTERR_BAD_FORMAT);
  return rint(Number('0' + s) * 1000000);
}

/** A numeric zone ("+02", "-05:30", "+0530"): its offset in seconds east of UTC. */
function decodeTimezone(str: string): number {
  if (str[0] !== '+' && str[0] !== '-') fail(DTERR_BAD_FORMAT);
  try {
    return decodeTimezoneFields(str) * (str[0] === '-' ? -1 : 1);
  } catch (e) {
    if (e instanceof DtErr && e.code === DTERR_FIELD_OVERFLOW) fail(DTERR_TZDISP_OVERFLOW);
    throw e;
  }
}

function decodeTimezoneFields(str: string): number {
  let [hr, cp] = strtoi(str, 1);
  let min = 0, sec = 0;
  if (str[cp] === ':') {
    [min, cp] = strtoi(str, cp + 1);
    if (str[cp] === ':') [sec, cp] = strtoi(str, cp + 1);
  } else if (cp === str.length && str.length > 3) {
    min = hr % 100;
    hr = Math.trunc(hr / 100);
  }
  if (hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60) fail(DTERR_TZDISP_OVERFLOW);
  if (cp !== str.length) fail(DTERR_BAD_FORMAT);
  return (hr * 60 + min) * 60 + sec;
}

/** hh:mm[:ss[.fff]] or mm:ss.fff; returns hour (may exceed 24), minute, second, microseconds. */
function decodeTimeCommon(str: string): [number, number, number, number] {
  let cp = 0;
  while (isDigit(str[cp])) cp++;
  if (cp > 18) fail(DTERR_FIELD_OVERFLOW);
  let hour = cp === 0 ? 0 : Number(str.slice(0, cp));
  if (str[cp] !== ':') fail(DTERR_BAD_FORMAT);
  let min: number, sec = 0, fsec = 0;
  [min, cp] = strtoi(str, cp + 1);
  if (cp === str.length) {
    sec = 0;
  } else if (str[cp] === '.') {
    // mm:ss.fff is always read as minutes and seconds
    fsec = parseFractionalSecond(str.slice(cp));
    sec = min;
    min = hour;
    hour = 0;
  } else if (str[cp] === ':') {
    [sec, cp] = strtoi(str, cp + 1);
    if (str[cp] === '.') fsec = parseFractionalSecond(str.slice(cp));
    else if (cp !== str.length) fail(DTERR_BAD_FORMAT);
  } else {
    fail(DTERR_BAD_FORMAT);
  }
  if (hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 || fsec < 0 || fsec > USECS_PER_SEC) {
    fail(DTERR_FIELD_OVERFLOW);
  }
  return [hour, min, sec, fsec];
}

function timeOverflows(hour: number, min: number, sec: number, fsec: number): boolean {
  if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 || sec > 60 || fsec < 0 || fsec > USECS_PER_SEC) {
    return true;
  }
  return ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec > USECS_PER_DAY;
}

/** Concatenated digits: yyyymmdd / yymmdd, hhmmss / hhmm, with optional fraction. Returns the mask set. */
function decodeNumberField(str: string, fmask: number, st: DecodeState): number {
  const dot = str.indexOf('.');
  if (dot >= 0) {
    const frac = str.slice(dot);
    st.tm.fsec = frac === '.' ? 0 : rint(Number('0' + frac) * 1000000);
    if (Number.isNaN(st.tm.fsec)) fail(DTERR_BAD_FORMAT);
    str = str.slice(0, dot);
  } else if ((fmask & DTK_DATE_M) !== DTK_DATE_M) {
    const len = str.length;
    if (len >= 6) {
      st.tm.mday = Number(str.slice(len - 2));
      st.tm.mon = Number(str.slice(len - 4, len - 2));
      st.tm.year = Number(str.slice(0, len - 4));
      if (len - 4 === 2) st.is2digits = true;
      return DTK_DATE_M;
    }
  }
  if ((fmask & DTK_TIME_M) !== DTK_TIME_M) {
    if (str.length === 6) {
      st.tm.sec = Number(str.slice(4, 6));
      st.tm.min = Number(str.slice(2, 4));
      st.tm.hour = Number(str.slice(0, 2));
      return DTK_TIME_M;
    } else if (str.length === 4) {
      st.tm.sec = 0;
      st.tm.min = Number(str.slice(2, 4));
      st.tm.hour = Number(str.slice(0, 2));
      return DTK_TIME_M;
    }
  }
  fail(DTERR_BAD_FORMAT);
}

/** A lone number in date context: which of year, month, day it is depends on what came before. */
function decodeNumber(str: string, haveTextMonth: boolean, fmask: number, st: DecodeState): number {
  const flen = str.length;
  const [val, cp] = strtoi(str, 0);
  if (cp === 0) fail(DTERR_BAD_FORMAT);
  if (str[cp] === '.') {
    // More than two digits before the point: a run-together date or time.
    if (cp > 2) return decodeNumberField(str, fmask | DTK_DATE_M, st);
    st.tm.fsec = parseFractionalSecond(str.slice(cp));
  } else if (cp !== str.length) {
    fail(DTERR_BAD_FORMAT);
  }
  if (flen === 3 && (fmask & DTK_DATE_M) === M(YEAR) && val >= 1 && val <= 366) {
    st.yday = val;
    return M(DOY) | M(MONTH) | M(DAY);
  }
  let tmask: number;
  switch (fmask & DTK_DATE_M) {
    case 0:
      // Must be YYYY-MM-DD (more-than-two-digit year) or month first (MDY).
      if (flen >= 3) {
        tmask = M(YEAR);
        st.tm.year = val;
      } else {
        tmask = M(MONTH);
        st.tm.mon = val;
      }
      break;
    case M(YEAR):
      tmask = M(MONTH);
      st.tm.mon = val;
      break;
    case M(MONTH):
      if (haveTextMonth) {
        if (flen >= 3) {
          tmask = M(YEAR);
          st.tm.year = val;
        } else {
          tmask = M(DAY);
          st.tm.mday = val;
        }
      } else {
        tmask = M(DAY);
        st.tm.mday = val;
      }
      break;
    case M(YEAR) | M(MONTH):
      if (haveTextMonth) {
        if (flen >= 3 && st.is2digits) {
          // The first number was the day after all (DD-MON-YYYY).
          tmask = M(DAY);
          st.tm.mday = st.tm.year;
          st.tm.year = val;
          st.is2digits = false;
        } else {
          tmask = M(DAY);
          st.tm.mday = val;
        }
      } else {
        tmask = M(DAY);
        st.tm.mday = val;
      }
      break;
    case M(DAY):
      tmask = M(MONTH);
      st.tm.mon = val;
      break;
    case M(MONTH) | M(DAY):
      tmask = M(YEAR);
      st.tm.year = val;
      break;
    case M(YEAR) | M(MONTH) | M(DAY):
      return decodeNumberField(str, fmask, st);
    default:
      fail(DTERR_BAD_FORMAT);
  }
  if (tmask === M(YEAR)) st.is2digits = flen <= 2;
  return tmask;
}

/** A date written as one field with separators ("2020-01-02", "Jan-08-1999", "1999.008"). */
function decodeDate(str: string, fmask: number, st: DecodeState): { tmask: number; haveTextMonth: boolean } {
  const parts: string[] = [];
  let i = 0;
  while (i < str.length && parts.length < MAXDATEFIELDS) {
    while (i < str.length && !isAlnum(str[i])) i++;
    if (i >= str.length) fail(DTERR_BAD_FORMAT);
    const start = i;
    if (isDigit(str[i])) while (isDigit(str[i])) i++;
    else if (isAlpha(str[i])) while (isAlpha(str[i])) i++;
    parts.push(str.slice(start, i));
    // The character ending a run is consumed as a separator, whatever it is.
    if (i < str.length) i++;
  }
  let tmask = 0;
  let haveTextMonth = false;
  const done = parts.map(() => false);
  for (let k = 0; k < parts.length; k++) {
    if (isAlpha(parts[k]![0])) {
      const [type, val] = decodeSpecial(parts[k]!);
      if (type === IGNORE_DTF) continue;
      if (type !== MONTH) fail(DTERR_BAD_FORMAT);
      const dmask = M(MONTH);
      st.tm.mon = val;
      haveTextMonth = true;
      if (fmask & dmask) fail(DTERR_BAD_FORMAT);
      fmask |= dmask;
      tmask |= dmask;
      done[k] = true;
    }
  }
  for (let k = 0; k < parts.length; k++) {
    if (done[k]) continue;
    const p = parts[k]!;
    if (p.length === 0) fail(DTERR_BAD_FORMAT);
    const dmask = decodeNumber(p, haveTextMonth, fmask, st);
    if (fmask & dmask) fail(DTERR_BAD_FORMAT);
    fmask |= dmask;
    tmask |= dmask;
  }
  if ((fmask & ~(M(DOY) | M(TZ))) !== DTK_DATE_M) fail(DTERR_BAD_FORMAT);
  return { tmask, haveTextMonth };
}

function validateDate(fmask: number, isjulian: boolean, is2digits: boolean, bc: boolean, st: DecodeState): void {
  const tm = st.tm;
  if (fmask & M(YEAR)) {
    if (isjulian) {
      // already astronomical
    } else if (bc) {
      if (tm.year <= 0) fail(DTERR_FIELD_OVERFLOW);
      tm.year = -(tm.year - 1);
    } else if (is2digits) {
      if (tm.year < 0) fail(DTERR_FIELD_OVERFLOW);
      if (tm.year < 70) tm.year += 2000;
      else if (tm.year < 100) tm.year += 1900;
    } else if (tm.year <= 0) {
      fail(DTERR_FIELD_OVERFLOW);
    }
  }
  if (fmask & M(DOY)) {
    [tm.year, tm.mon, tm.mday] = j2date(date2j(tm.year, 1, 1) + st.yday - 1);
  }
  if (fmask & M(MONTH)) {
    if (tm.mon < 1 || tm.mon > 12) fail(DTERR_MD_FIELD_OVERFLOW);
  }
  if (fmask & M(DAY)) {
    if (tm.mday < 1 || tm.mday > 31) fail(DTERR_MD_FIELD_OVERFLOW);
  }
  if ((fmask & DTK_DATE_M) === DTK_DATE_M) {
    if (tm.mday > daysInMonth(tm.year, tm.mon)) fail(DTERR_FIELD_OVERFLOW);
  }
}

function nowTm(): Tm {
  return timestamp2tm(Date.now() * 1000);
}

/** DecodeDateTime: returns the kind of value (DTK_DATE or a special) and fills the tm. */
function decodeDateTime(fields: Field[], st: DecodeState): number {
  const tm = st.tm;
  let fmask = 0;
  let ptype = 0;
  let mer = HR24;
  let haveTextMonth = false;
  let isjulian = false;
  let bc = false;
  let dtype = DTK_DATE;
  const nf = fields.length;
  for (let i = 0; i < nf; i++) {
    const f = fields[i]!;
    let tmask = 0;
    switch (f.type) {
      case Ft.DATE: {
        if (ptype === DTK_JULIAN) {
          // Integral Julian day with an attached zone ("j2451187-08").
          const [val, cp] = strtoi(f.text, 0);
          if (val < 0) fail(DTERR_FIELD_OVERFLOW);
          [tm.year, tm.mon, tm.mday] = j2date(val);
          isjulian = true;
          st.zone = { offset: decodeTimezone(f.text.slice(cp)) };
          tmask = DTK_DATE_M | DTK_TIME_M | M(TZ);
          ptype = 0;
        } else if (ptype !== 0 || (fmask & (M(MONTH) | M(DAY))) === (M(MONTH) | M(DAY))) {
          // With a complete date already, this is a zone name or a run-together time with zone.
          if (isDigit(f.text[0]) || ptype !== 0) {
            if (ptype !== 0) {
              if (ptype !== DTK_TIME) fail(DTERR_BAD_FORMAT);
              ptype = 0;
            }
            if ((fmask & DTK_TIME_M) === DTK_TIME_M) fail(DTERR_BAD_FORMAT);
            const dash = f.text.indexOf('-');
            if (dash < 0) fail(DTERR_BAD_FORMAT);
            st.zone = { offset: decodeTimezone(f.text.slice(dash)) };
            tmask = decodeNumberField(f.text.slice(0, dash), fmask, st) | M(TZ);
          } else {
            if (!isZoneName(f.text)) {
              throw new QuiverError('22023', `time zone "${f.text}" not recognized`);
            }
            st.zone = { name: f.text };
            tmask = M(TZ);
          }
        } else {
          const r = decodeDate(f.text, fmask, st);
          tmask = r.tmask;
          if (r.haveTextMonth) haveTextMonth = true;
        }
        break;
      }
      case Ft.TIME: {
        if (ptype !== 0) {
          if (ptype !== DTK_TIME) fail(DTERR_BAD_FORMAT);
          ptype = 0;
        }
        const [h, mi, s, fs] = decodeTimeCommon(f.text);
        if (h > INT32_MAX) fail(DTERR_FIELD_OVERFLOW);
        tm.hour = h;
        tm.min = mi;
        tm.sec = s;
        tm.fsec = fs;
        tmask = DTK_TIME_M;
        if (timeOverflows(tm.hour, tm.min, tm.sec, tm.fsec)) fail(DTERR_FIELD_OVERFLOW);
        break;
      }
      case Ft.TZ:
        st.zone = { offset: decodeTimezone(f.text) };
        tmask = M(TZ);
        break;
      case Ft.NUMBER: {
        if (ptype !== 0) {
          const [val, cp] = strtoi(f.text, 0);
          const rest = f.text.slice(cp);
          if (rest[0] === '.') {
            if (ptype !== DTK_JULIAN && ptype !== DTK_TIME && ptype !== DTK_SECOND) fail(DTERR_BAD_FORMAT);
          } else if (rest !== '') {
            fail(DTERR_BAD_FORMAT);
          }
          switch (ptype) {
            case DTK_YEAR:
              tm.year = val;
              tmask = M(YEAR);
              break;
            case DTK_MONTH:
              // A month after both month and hour must be minutes.
              if ((fmask & M(MONTH)) !== 0 && (fmask & M(HOUR)) !== 0) {
                tm.min = val;
                tmask = M(MINUTE);
              } else {
                tm.mon = val;
                tmask = M(MONTH);
              }
              break;
            case DTK_DAY:
              tm.mday = val;
              tmask = M(DAY);
              break;
            case DTK_HOUR:
              tm.hour = val;
              tmask = M(HOUR);
              break;
            case DTK_MINUTE:
              tm.min = val;
              tmask = M(MINUTE);
              break;
            case DTK_SECOND:
              tm.sec = val;
              tmask = M(SECOND);
              if (rest[0] === '.') {
                tm.fsec = parseFractionalSecond(rest);
                tmask = DTK_ALL_SECS_M;
              }
              break;
            case DTK_JULIAN: {
              if (val < 0) fail(DTERR_FIELD_OVERFLOW);
              tmask = DTK_DATE_M;
              [tm.year, tm.mon, tm.mday] = j2date(val);
              isjulian = true;
              if (rest[0] === '.') {
                const frac = Number('0' + rest);
                if (Number.isNaN(frac)) fail(DTERR_BAD_FORMAT);
                let t = rint(frac * USECS_PER_DAY);
                tm.hour = Math.floor(t / USECS_PER_HOUR);
                t -= tm.hour * USECS_PER_HOUR;
                tm.min = Math.floor(t / USECS_PER_MINUTE);
                t -= tm.min * USECS_PER_MINUTE;
                tm.sec = Math.floor(t / USECS_PER_SEC);
                tm.fsec = t - tm.sec * USECS_PER_SEC;
                tmask |= DTK_TIME_M;
              }
              break;
            }
            case DTK_TIME:
              // after a "t": hhmmss[.fff]
              tmask = decodeNumberField(f.text, fmask | DTK_DATE_M, st);
              if (tmask !== DTK_TIME_M) fail(DTERR_BAD_FORMAT);
              break;
            default:
              fail(DTERR_BAD_FORMAT);
          }
          ptype = 0;
          dtype = DTK_DATE;
        } else {
          const flen = f.text.length;
          const dot = f.text.indexOf('.');
          if (dot >= 0 && !(fmask & DTK_DATE_M)) {
            const r = decodeDate(f.text, fmask, st);
            tmask = r.tmask;
            if (r.haveTextMonth) haveTextMonth = true;
          } else if (dot >= 0 && dot > 2) {
            tmask = decodeNumberField(f.text, fmask, st);
          } else if (flen >= 6 && (!(fmask & DTK_DATE_M) || !(fmask & DTK_TIME_M))) {
            // Six or more digits: YMD or HMS, unless both are already known (then a long year).
            tmask = decodeNumberField(f.text, fmask, st);
          } else {
            tmask = decodeNumber(f.text, haveTextMonth, fmask, st);
          }
        }
        break;
      }
      case Ft.STRING:
      case Ft.SPECIAL: {
        const [type, val] = decodeSpecial(f.text);
        if (type === IGNORE_DTF) continue;
        tmask = M(type);
        switch (type) {
          case RESERV:
            switch (val) {
              case DTK_NOW: {
                tmask = DTK_DATE_M | DTK_TIME_M | M(TZ);
                st.zone = { offset: 0 };
                dtype = DTK_DATE;
                Object.assign(tm, nowTm());
                break;
              }
              case DTK_YESTERDAY:
              case DTK_TODAY:
              case DTK_TOMORROW: {
                tmask = DTK_DATE_M;
                dtype = DTK_DATE;
                const n = nowTm();
                const delta = val === DTK_YESTERDAY ? -1 : val === DTK_TOMORROW ? 1 : 0;
                [tm.year, tm.mon, tm.mday] = j2date(date2j(n.year, n.mon, n.mday) + delta);
                tm.hour = tm.min = tm.sec = tm.fsec = 0;
                break;
              }
              case DTK_ZULU:
                tmask = DTK_TIME_M | M(TZ);
                st.zone = { offset: 0 };
                dtype = DTK_DATE;
                tm.hour = tm.min = tm.sec = tm.fsec = 0;
                break;
              default:
                dtype = val;
            }
            break;
          case MONTH:
            // A numeric "month" seen earlier was really the day.
            if ((fmask & M(MONTH)) && !haveTextMonth && !(fmask & M(DAY)) && tm.mon >= 1 && tm.mon <= 31) {
              tm.mday = tm.mon;
              tmask = M(DAY);
            }
            haveTextMonth = true;
            tm.mon = val;
            break;
          case DTZMOD:
            tmask |= M(DTZ);
            // "DST" moves the zone before it an hour ahead.
            if (st.zone && 'offset' in st.zone) st.zone = { offset: st.zone.offset + val };
            break;
          case DTZ:
            tmask |= M(TZ);
            break;
          case TZ: {
            const off = TZ_ABBREV_OFFSETS.get(f.text.slice(0, TOKMAXLEN));
            st.zone = off === undefined ? { bad: f.text } : { offset: off };
            break;
          }
          case AMPM:
            mer = val;
            break;
          case ADBC:
            bc = val === BC;
            break;
          case DOW:
            break;
          case UNITS:
            tmask = 0;
            ptype = val;
            break;
          case ISOTIME: {
            tmask = 0;
            if ((fmask & DTK_DATE_M) !== DTK_DATE_M) fail(DTERR_BAD_FORMAT);
            const next = fields[i + 1];
            if (!next || (next.type !== Ft.NUMBER && next.type !== Ft.TIME && next.type !== Ft.DATE)) {
              fail(DTERR_BAD_FORMAT);
            }
            ptype = val;
            break;
          }
          case UNKNOWN_FIELD:
            // Maybe an all-alpha zone name.
            if (!isZoneName(f.text)) fail(DTERR_BAD_FORMAT);
            st.zone = { name: f.text };
            tmask = M(TZ);
            break;
          default:
            fail(DTERR_BAD_FORMAT);
        }
        break;
      }
      default:
        fail(DTERR_BAD_FORMAT);
    }
    if (tmask & fmask) fail(DTERR_BAD_FORMAT);
    fmask |= tmask;
  }
  validateDate(fmask, isjulian, st.is2digits, bc, st);
  if (mer !== HR24 && tm.hour > 12) fail(DTERR_FIELD_OVERFLOW);
  if (mer === AM && tm.hour === 12) tm.hour = 0;
  else if (mer === PM && tm.hour !== 12) tm.hour += 12;
  if (dtype === DTK_DATE) {
    if ((fmask & DTK_DATE_M) !== DTK_DATE_M) fail(DTERR_BAD_FORMAT);
    // A "DST" modifier needs a zone to modify.
    if (!(fmask & M(TZ)) && (fmask & M(DTZMOD))) fail(DTERR_BAD_FORMAT);
  }
  return dtype;
}

function parseError(e: unknown, text: string, type: string): never {
  if (e instanceof DtErr) {
    switch (e.code) {
      case DTERR_FIELD_OVERFLOW: throw fieldOverflow(text);
      case DTERR_MD_FIELD_OVERFLOW: throw fieldOverflow(text, true);
      case DTERR_INTERVAL_OVERFLOW:
        throw new QuiverError('22015', `interval field value out of range: "${text}"`);
      case DTERR_TZDISP_OVERFLOW:
        throw new QuiverError('22009', `time zone displacement out of range: "${text}"`);
      default: throw badFormat(type, text);
    }
  }
  throw e;
}

function decodeInput(text: string, type: string): { dtype: number; tm: Tm; zone: DecodeState['zone'] } {
  const st: DecodeState = { tm: { year: 0, mon: 0, mday: 0, hour: 0, min: 0, sec: 0, fsec: 0 }, yday: 0, is2digits: false };
  try {
    const fields = parseDateTimeFields(text);
    if (!fields) fail(DTERR_BAD_FORMAT);
    const dtype = decodeDateTime(fields, st);
    return { dtype, tm: st.tm, zone: st.zone };
  } catch (e) {
    parseError(e, text, type);
  }
}

// ---------------------------------------------------------------------------------------------
// date and timestamp input/output

/** The canonical forms, decoded without the general tokenizer (bulk loads are mostly these). */
const ISO_DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const ISO_TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?$/;

function fastYmd(y: string, m: string, d: string): number | null {
  const year = Number(y), mon = Number(m), mday = Number(d);
  if (year < 1 || mon < 1 || mon > 12 || mday < 1 || mday > daysInMonth(year, mon)) return null;
  return date2j(year, mon, mday) - UNIX_EPOCH_JD;
}

export function parseDate(text: string): number {
  const fast = ISO_DATE.exec(text);
  if (fast) {
    const d = fastYmd(fast[1]!, fast[2]!, fast[3]!);
    if (d !== null) return d;
  }
  const { dtype, tm } = decodeInput(text, 'date');
  switch (dtype) {
    case DTK_DATE: break;
    case DTK_EPOCH: return 0;
    case DTK_LATE: return DATE_POS_INFINITY;
    case DTK_EARLY: return DATE_NEG_INFINITY;
    default: throw badFormat('date', text);
  }
  if (!isValidJulian(tm.year, tm.mon)) throw new QuiverError('22008', `date out of range: "${text}"`);
  const d = date2j(tm.year, tm.mon, tm.mday) - UNIX_EPOCH_JD;
  if (!isValidDate(d)) throw new QuiverError('22008', `date out of range: "${text}"`);
  return d;
}

export function parseTimestamp(text: string): number {
  const fast = ISO_TIMESTAMP.exec(text);
  if (fast) {
    const d = fastYmd(fast[1]!, fast[2]!, fast[3]!);
    const hour = Number(fast[4]), min = Number(fast[5]), sec = fast[6] === undefined ? 0 : Number(fast[6]);
    if (d !== null && hour < 24 && min < 60 && sec < 60) {
      const fsec = fast[7] === undefined ? 0 : Number(fast[7].padEnd(6, '0'));
      return d * USECS_PER_DAY + ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec;
    }
  }
  const { dtype, tm } = decodeInput(text, 'timestamp');
  switch (dtype) {
    case DTK_DATE: {
      const ts = tm2timestamp(tm);
      if (ts === null) throw new QuiverError('22008', `timestamp out of range: "${text}"`);
      return ts;
    }
    case DTK_EPOCH: return 0;
    case DTK_LATE: return Infinity;
    case DTK_EARLY: return -Infinity;
    default: throw badFormat('timestamp', text);
  }
}

/**
 * timestamp with time zone input, with the session time zone UTC: a zone in the text is applied
 * (10:00+02 is 08:00 UTC), a text without one is UTC. The result is microseconds since 1970 UTC.
 */
export function parseTimestampTz(text: string): number {
  const fast = ISO_TIMESTAMP.exec(text);
  if (fast) return parseTimestamp(text);
  const { dtype, tm, zone } = decodeInput(text, 'timestamp with time zone');
  switch (dtype) {
    case DTK_DATE: {
      const local = tm2timestamp(tm);
      if (local === null) throw new QuiverError('22008', `timestamp out of range: "${text}"`);
      let offset = 0;
      if (zone && 'offset' in zone) offset = zone.offset;
      else if (zone && 'bad' in zone) throw badFormat('timestamp with time zone', text);
      else if (zone) offset = namedZoneOffset(zone.name, local, text);
      // Shift the time of day and carry whole days, so that the one rounding a far-future value
      // takes in a double is the same as for timestamp input.
      const days = date2j(tm.year, tm.mon, tm.mday) - UNIX_EPOCH_JD;
      let time = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec - offset * USECS_PER_SEC;
      const carry = Math.floor(time / USECS_PER_DAY);
      time -= carry * USECS_PER_DAY;
      const jd = days + carry + UNIX_EPOCH_JD;
      if (jd < 0 || jd >= TIMESTAMP_END_JULIAN) throw new QuiverError('22008', `timestamp out of range: "${text}"`);
      return (days + carry) * USECS_PER_DAY + time;
    }
    case DTK_EPOCH: return 0;
    case DTK_LATE: return Infinity;
    case DTK_EARLY: return -Infinity;
    default: throw badFormat('timestamp with time zone', text);
  }
}

/** Offset (seconds east) of a named zone at a local wall-clock time, from the platform's zone data. */
function namedZoneOffset(name: string, localUs: number, text: string): number {
  const lower = name.toLowerCase();
  if (TZ_NAMES.has(lower)) return 0;
  // A POSIX zone without daylight rules ("UTC+3", "abc-3:30") counts hours west of UTC.
  const posix = /^[a-z]{3,}([+-])(\d{1,2})(?::(\d{2}))?$/.exec(lower);
  if (posix) return (posix[1] === '+' ? -1 : 1) * (Number(posix[2]) * 3600 + Number(posix[3] ?? 0) * 60);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
  } catch {
    throw new QuiverError('22023', `time zone "${name}" not recognized`);
  }
  const localMs = Math.floor(localUs / 1000);
  if (Math.abs(localMs) > 8.64e15) throw new QuiverError('22008', `timestamp out of range: "${text}"`);
  // Offset of the zone at an instant: its wall clock then, read back as if it were UTC.
  const at = (ms: number): number => {
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = part.value;
    let y = Number(p.year);
    if (p.era === 'BC' || p.era === 'B') y = 1 - y;
    const wall = Date.UTC(2000, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    const d = new Date(wall);
    d.setUTCFullYear(y);
    return Math.round((d.getTime() - (ms - (ms % 1000 + 1000) % 1000)) / 1000);
  };
  // The instant whose wall clock is the local time: two rounds settle the offset (as PostgreSQL,
  // a wall-clock time skipped by a DST change takes the offset from before it).
  const first = at(localMs);
  const second = at(localMs - first * 1000);
  return second;
}

/** printf %0<width>d: the sign counts toward the width. */
function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  const w = n < 0 ? width - 1 : width;
  return (n < 0 ? '-' : '') + (s.length >= w ? s : '0'.repeat(w - s.length) + s);
}

function formatYmd(year: number, mon: number, mday: number): string {
  return `${pad(year > 0 ? year : -(year - 1), 4)}-${pad(mon, 2)}-${pad(mday, 2)}`;
}

export function formatDate(days: number): string {
  if (days === DATE_NEG_INFINITY) return '-infinity';
  if (days === DATE_POS_INFINITY) return 'infinity';
  const [y, m, d] = j2date(days + UNIX_EPOCH_JD);
  return formatYmd(y, m, d) + (y <= 0 ? ' BC' : '');
}

/** Seconds with up to six fractional digits, trailing zeros dropped (AppendSeconds). */
function formatSeconds(sec: number, fsec: number): string {
  let s = pad(Math.abs(sec), 2);
  if (fsec !== 0) {
    let f = String(Math.abs(fsec)).padStart(6, '0');
    f = f.replace(/0+$/, '');
    s += '.' + f;
  }
  return s;
}

export function formatTimestamp(us: number): string {
  if (us === -Infinity) return '-infinity';
  if (us === Infinity) return 'infinity';
  const tm = timestamp2tm(us);
  return `${formatYmd(tm.year, tm.mon, tm.mday)} ${pad(tm.hour, 2)}:${pad(tm.min, 2)}:${formatSeconds(tm.sec, tm.fsec)}` +
    (tm.year <= 0 ? ' BC' : '');
}

/** timestamp with time zone output with TimeZone UTC: the offset +00 before any BC. */
export function formatTimestampTz(us: number): string {
  if (!Number.isFinite(us)) return formatTimestamp(us);
  const s = formatTimestamp(us);
  return s.endsWith(' BC') ? s.slice(0, -3) + '+00 BC' : s + '+00';
}

/** date → timestamp (midnight). */
export function dateToTimestamp(d: number): number {
  if (d === DATE_NEG_INFINITY) return -Infinity;
  if (d === DATE_POS_INFINITY) return Infinity;
  if (d + UNIX_EPOCH_JD >= TIMESTAMP_END_JULIAN) throw new QuiverError('22008', 'date out of range for timestamp');
  return d * USECS_PER_DAY;
}

/** date + time: an infinite date stays infinite (datetime_timestamp). */
export function dateAddTime(d: number, time: number): number {
  const ts = dateToTimestamp(d);
  if (!Number.isFinite(ts)) return ts;
  const r = ts + time;
  if (!isValidTimestamp(r)) throw timestampOutOfRange();
  return r;
}

/**
 * A date where it meets a timestamp in a comparison: infinite dates are the infinite timestamps,
 * and finite dates past the timestamp range still order correctly (no error, as PostgreSQL).
 */
export function dateAsTimestamp(d: number): number {
  return d === DATE_NEG_INFINITY ? -Infinity : d === DATE_POS_INFINITY ? Infinity : d * USECS_PER_DAY;
}

/** timestamp → date (drops the time of day). */
export function timestampToDate(ts: number): number {
  if (ts === -Infinity) return DATE_NEG_INFINITY;
  if (ts === Infinity) return DATE_POS_INFINITY;
  return Math.floor(ts / USECS_PER_DAY);
}

// ---------------------------------------------------------------------------------------------
// Interval input/output

interface ItmIn { usec: number; mday: number; mon: number; year: number }

function checkInt32(v: number): number {
  if (v > INT32_MAX || v < INT32_MIN) fail(DTERR_FIELD_OVERFLOW);
  return v;
}

function checkInt64(v: number): number {
  if (!(Math.abs(v) <= 9223372036854775807)) fail(DTERR_FIELD_OVERFLOW);
  return v;
}

function adjustFractMicroseconds(frac: number, scale: number, it: ItmIn): void {
  if (frac === 0) return;
  frac *= scale;
  let usec = Math.trunc(frac);
  frac -= usec;
  usec += rint(frac);
  it.usec = checkInt64(it.usec + usec);
}

function adjustFractDays(frac: number, scale: number, it: ItmIn): void {
  if (frac === 0) return;
  frac *= scale;
  const extra = Math.trunc(frac);
  it.mday = checkInt32(it.mday + extra);
  adjustFractMicroseconds(frac - extra, USECS_PER_DAY, it);
}

function adjustFractYears(frac: number, scale: number, it: ItmIn): void {
  const extra = Math.trunc(rint(frac * scale * MONTHS_PER_YEAR));
  it.mon = checkInt32(it.mon + extra);
}

function adjustMicroseconds(val: number, fval: number, scale: number, it: ItmIn): void {
  if (val === 0 && fval === 0) return;
  it.usec = checkInt64(it.usec + checkInt64(val * scale));
  adjustFractMicroseconds(fval, scale, it);
}

function adjustDays(val: number, scale: number, it: ItmIn): void {
  it.mday = checkInt32(it.mday + checkInt32(val * scale));
}

function adjustMonths(val: number, it: ItmIn): void {
  it.mon = checkInt32(it.mon + checkInt32(val));
}

function adjustYears(val: number, scale: number, it: ItmIn): void {
  it.year = checkInt32(it.year + checkInt32(val * scale));
}

/** ParseFraction: ".123" → 0.123 (a bare "." is zero). */
function parseFraction(s: string): number {
  if (s === '.') return 0;
  if (!/^\.\d+$/.test(s)) fail(DTERR_BAD_FORMAT);
  return Number('0' + s);
}

function decodeTimeForInterval(str: string, it: ItmIn): void {
  const [h, mi, s, fs] = decodeTimeCommon(str);
  it.usec = checkInt64(it.usec + h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + s * USECS_PER_SEC + fs);
}

/** DecodeInterval (postgres style): fields are read right to left so units precede their numbers. */
function decodeInterval(fields: Field[], it: ItmIn): number {
  let isBefore = false;
  let fmask = 0;
  let type = IGNORE_DTF;
  let dtype = DTK_DELTA;
  const nf = fields.length;
  for (let i = nf - 1; i >= 0; i--) {
    const f = fields[i]!;
    let tmask = 0;
    let numeric = false;
    switch (f.type) {
      case Ft.TIME:
        decodeTimeForInterval(f.text, it);
        tmask = DTK_TIME_M;
        type = DTK_DAY;
        break;
      case Ft.TZ:
        // A signed hh:mm[:ss] is a time; anything else is a signed number.
        if (f.text.indexOf(':', 1) >= 0) {
          const save = it.usec;
          let ok = true;
          try {
            decodeTimeForInterval(f.text.slice(1), it);
          } catch (e) {
            if (!(e instanceof DtErr)) throw e;
            ok = false;
            it.usec = save;
          }
          if (ok) {
            if (f.text[0] === '-') it.usec = save - (it.usec - save);
            tmask = DTK_TIME_M;
            type = DTK_DAY;
            break;
          }
        }
        numeric = true;
        break;
      case Ft.DATE:
      case Ft.NUMBER:
        numeric = true;
        break;
      case Ft.STRING:
      case Ft.SPECIAL: {
        const [t, uval] = decodeUnits(f.text);
        if (t === IGNORE_DTF) continue;
        switch (t) {
          case UNITS:
            type = uval;
            break;
          case AGO:
            isBefore = true;
            type = uval;
            break;
          case RESERV:
            tmask = DTK_DATE_M | DTK_TIME_M;
            dtype = uval;
            break;
          default:
            fail(DTERR_BAD_FORMAT);
        }
        break;
      }
      default:
        fail(DTERR_BAD_FORMAT);
    }
    if (numeric) {
      if (type === IGNORE_DTF) type = DTK_SECOND;
      const text = f.text;
      let j = 0;
      if (text[j] === '+' || text[j] === '-') j++;
      const ds = j;
      while (isDigit(text[j])) j++;
      if (j - ds > 19) fail(DTERR_FIELD_OVERFLOW);
      let val = j === ds ? 0 : Number(text.slice(ds, j));
      if (text[0] === '-') val = -val;
      checkInt64(val);
      let fval: number;
      const rest = text.slice(j);
      if (rest[0] === '-') {
        // SQL "years-months"
        const [val2raw, cp] = strtoi(rest, 1);
        if (val2raw < 0 || val2raw >= 12) fail(DTERR_FIELD_OVERFLOW);
        if (cp !== rest.length) fail(DTERR_BAD_FORMAT);
        type = DTK_MONTH;
        const val2 = text[0] === '-' ? -val2raw : val2raw;
        val = checkInt64(val * MONTHS_PER_YEAR + val2);
        fval = 0;
      } else if (rest[0] === '.') {
        fval = parseFraction(rest);
        if (text[0] === '-') fval = -fval;
      } else if (rest === '') {
        fval = 0;
      } else {
        fail(DTERR_BAD_FORMAT);
      }
      switch (type) {
        case DTK_MICROSEC:
          adjustMicroseconds(val, fval, 1, it);
          tmask = M(MICROSECOND);
          break;
        case DTK_MILLISEC:
          adjustMicroseconds(val, fval, 1000, it);
          tmask = M(MILLISECOND);
          break;
        case DTK_SECOND:
          adjustMicroseconds(val, fval, USECS_PER_SEC, it);
          tmask = fval === 0 ? M(SECOND) : DTK_ALL_SECS_M;
          break;
        case DTK_MINUTE:
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, it);
          tmask = M(MINUTE);
          break;
        case DTK_HOUR:
          adjustMicroseconds(val, fval, USECS_PER_HOUR, it);
          tmask = M(HOUR);
          type = DTK_DAY;
          break;
        case DTK_DAY:
          adjustDays(val, 1, it);
          adjustFractMicroseconds(fval, USECS_PER_DAY, it);
          tmask = M(DAY);
          break;
        case DTK_WEEK:
          adjustDays(val, 7, it);
          adjustFractDays(fval, 7, it);
          tmask = M(WEEK);
          break;
        case DTK_MONTH:
          adjustMonths(val, it);
          adjustFractDays(fval, DAYS_PER_MONTH, it);
          tmask = M(MONTH);
          break;
        case DTK_YEAR:
          adjustYears(val, 1, it);
          adjustFractYears(fval, 1, it);
          tmask = M(YEAR);
          break;
        case DTK_DECADE:
          adjustYears(val, 10, it);
          adjustFractYears(fval, 10, it);
          tmask = M(DECADE);
          break;
        case DTK_CENTURY:
          adjustYears(val, 100, it);
          adjustFractYears(fval, 100, it);
          tmask = M(CENTURY);
          break;
        case DTK_MILLENNIUM:
          adjustYears(val, 1000, it);
          adjustFractYears(fval, 1000, it);
          tmask = M(MILLENNIUM);
          break;
        default:
          fail(DTERR_BAD_FORMAT);
      }
    }
    if (tmask & fmask) fail(DTERR_BAD_FORMAT);
    fmask |= tmask;
  }
  if (fmask === 0) fail(DTERR_BAD_FORMAT);
  if (isBefore) {
    it.usec = -it.usec;
    it.mday = checkInt32(-it.mday);
    it.mon = checkInt32(-it.mon);
    it.year = checkInt32(-it.year);
  }
  return dtype;
}

/** ISO 8601 number: integer part truncated toward zero and the fraction. Returns [ipart, fpart, end]. */
function parseIso8601Number(s: string, i: number): [number, number, number] {
  if (!(isDigit(s[i]) || s[i] === '-' || s[i] === '.')) fail(DTERR_BAD_FORMAT);
  const m = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(i));
  if (!m) fail(DTERR_BAD_FORMAT);
  const val = Number(m[0]);
  if (val < INT32_MIN || val > INT32_MAX) fail(DTERR_FIELD_OVERFLOW);
  const ipart = val >= 0 ? Math.floor(val) : -Math.floor(-val);
  return [ipart, val - ipart, i + m[0].length];
}

function iso8601IntegerWidth(s: string, i: number): number {
  if (s[i] === '-') i++;
  let n = 0;
  while (isDigit(s[i + n])) n++;
  return n;
}

/** DecodeISO8601Interval: "P1Y2M3DT4H5M6S" and the alternative "P0001-02-03T04:05:06". */
function decodeIso8601Interval(str: string, it: ItmIn): void {
  if (str.length < 2 || str[0] !== 'P') fail(DTERR_BAD_FORMAT);
  let datepart = true;
  let havefield = false;
  let i = 1;
  while (i < str.length) {
    if (str[i] === 'T') {
      datepart = false;
      havefield = false;
      i++;
      continue;
    }
    const fieldstart = i;
    let [val, fval, j] = parseIso8601Number(str, i);
    i = j;
    const unit = i < str.length ? str[i++]! : '\0';
    if (datepart) {
      switch (unit) {
        case 'Y':
          adjustYears(val, 1, it);
          adjustFractYears(fval, 1, it);
          break;
        case 'M':
          adjustMonths(val, it);
          adjustFractDays(fval, DAYS_PER_MONTH, it);
          break;
        case 'W':
          adjustDays(val, 7, it);
          adjustFractDays(fval, 7, it);
          break;
        case 'D':
          adjustDays(val, 1, it);
          adjustFractMicroseconds(fval, USECS_PER_DAY, it);
          break;
        case 'T':
        case '\0':
        case '-': {
          if ((unit === 'T' || unit === '\0') && iso8601IntegerWidth(str, fieldstart) === 8 && !havefield) {
            adjustYears(Math.trunc(val / 10000), 1, it);
            adjustMonths(Math.trunc(val / 100) % 100, it);
            adjustDays(val % 100, 1, it);
            adjustFractMicroseconds(fval, USECS_PER_DAY, it);
            if (unit === '\0') return;
            datepart = false;
            havefield = false;
            continue;
          }
          // extended alternative format: yyyy-mm-dd
          if (havefield) fail(DTERR_BAD_FORMAT);
          adjustYears(val, 1, it);
          adjustFractYears(fval, 1, it);
          if (unit === '\0') return;
          if (unit === 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          [val, fval, j] = parseIso8601Number(str, i);
          i = j;
          adjustMonths(val, it);
          adjustFractDays(fval, DAYS_PER_MONTH, it);
          if (i >= str.length) return;
          if (str[i] === 'T') {
            datepart = false;
            havefield = false;
            i++;
            continue;
          }
          if (str[i] !== '-') fail(DTERR_BAD_FORMAT);
          i++;
          [val, fval, j] = parseIso8601Number(str, i);
          i = j;
          adjustDays(val, 1, it);
          adjustFractMicroseconds(fval, USECS_PER_DAY, it);
          if (i >= str.length) return;
          if (str[i] === 'T') {
            datepart = false;
            havefield = false;
            i++;
            continue;
          }
          fail(DTERR_BAD_FORMAT);
        }
        default:
          fail(DTERR_BAD_FORMAT);
      }
    } else {
      switch (unit) {
        case 'H':
          adjustMicroseconds(val, fval, USECS_PER_HOUR, it);
          break;
        case 'M':
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, it);
          break;
        case 'S':
          adjustMicroseconds(val, fval, USECS_PER_SEC, it);
          break;
        case '\0':
        case ':': {
          if (unit === '\0' && iso8601IntegerWidth(str, fieldstart) === 6 && !havefield) {
            adjustMicroseconds(Math.trunc(val / 10000), 0, USECS_PER_HOUR, it);
            adjustMicroseconds(Math.trunc(val / 100) % 100, 0, USECS_PER_MINUTE, it);
            adjustMicroseconds(val % 100, fval, USECS_PER_SEC, it);
            return;
          }
          if (havefield) fail(DTERR_BAD_FORMAT);
          adjustMicroseconds(val, fval, USECS_PER_HOUR, it);
          if (unit === '\0') return;
          [val, fval, j] = parseIso8601Number(str, i);
          i = j;
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, it);
          if (i >= str.length) return;
          if (str[i] !== ':') fail(DTERR_BAD_FORMAT);
          i++;
          [val, fval, j] = parseIso8601Number(str, i);
          i = j;
          adjustMicroseconds(val, fval, USECS_PER_SEC, it);
          if (i >= str.length) return;
          fail(DTERR_BAD_FORMAT);
        }
        default:
          fail(DTERR_BAD_FORMAT);
      }
    }
    havefield = true;
  }
}

export function parseInterval(text: string): Interval {
  const it: ItmIn = { usec: 0, mday: 0, mon: 0, year: 0 };
  let code = 0;
  try {
    const fields = parseDateTimeFields(text);
    if (!fields) fail(DTERR_BAD_FORMAT);
    const dtype = decodeInterval(fields, it);
    if (dtype !== DTK_DELTA) fail(DTERR_BAD_FORMAT);
  } catch (e) {
    if (!(e instanceof DtErr)) throw e;
    code = e.code;
  }
  if (code === DTERR_BAD_FORMAT) {
    // Not postgres-style; try ISO 8601.
    it.usec = it.mday = it.mon = it.year = 0;
    code = 0;
    try {
      decodeIso8601Interval(text, it);
    } catch (e) {
      if (!(e instanceof DtErr)) throw e;
      code = e.code;
    }
  }
  if (code !== 0) {
    parseError(new DtErr(code === DTERR_FIELD_OVERFLOW ? DTERR_INTERVAL_OVERFLOW : code), text, 'interval');
  }
  const months = it.year * MONTHS_PER_YEAR + it.mon;
  if (months > INT32_MAX || months < INT32_MIN) throw intervalOutOfRange();
  return new Interval(months, it.mday, it.usec);
}

/** IntervalStyle 'postgres' output: "1 year 2 mons -3 days +04:05:06.5". */
export function formatInterval(iv: Interval): string {
  const year = Math.trunc(iv.months / MONTHS_PER_YEAR);
  const mon = iv.months - year * MONTHS_PER_YEAR;
  const mday = iv.days;
  let time = iv.micros;
  const hour = Math.trunc(time / USECS_PER_HOUR);
  time -= hour * USECS_PER_HOUR;
  const min = Math.trunc(time / USECS_PER_MINUTE);
  time -= min * USECS_PER_MINUTE;
  const sec = Math.trunc(time / USECS_PER_SEC);
  const fsec = time - sec * USECS_PER_SEC;

  let out = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    out += `${isZero ? '' : ' '}${isBefore && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`;
    // Each non-zero field decides whether the next positive one gets an explicit '+'.
    isBefore = value < 0;
    isZero = false;
  };
  part(year, 'year');
  part(mon, 'mon');
  part(mday, 'day');
  if (isZero || hour !== 0 || min !== 0 || sec !== 0 || fsec !== 0) {
    const minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${pad(Math.abs(hour), 2)}:${pad(Math.abs(min), 2)}:${formatSeconds(sec, fsec)}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Interval arithmetic

function checkedInt32(v: number): number {
  if (v > INT32_MAX || v < INT32_MIN) throw intervalOutOfRange();
  return v;
}

function checkedMicros(v: number): number {
  if (!(Math.abs(v) <= 9223372036854775807)) throw intervalOutOfRange();
  return v;
}

export function intervalAdd(a: Interval, b: Interval): Interval {
  return new Interval(checkedInt32(a.months + b.months), checkedInt32(a.days + b.days), checkedMicros(a.micros + b.micros));
}

export function intervalSub(a: Interval, b: Interval): Interval {
  return new Interval(checkedInt32(a.months - b.months), checkedInt32(a.days - b.days), checkedMicros(a.micros - b.micros));
}

export function intervalNeg(a: Interval): Interval {
  return new Interval(checkedInt32(-a.months || 0), checkedInt32(-a.days || 0), checkedMicros(-a.micros || 0));
}

/** TSROUND: rounds to microsecond precision to absorb floating-point noise. */
function tsround(x: number): number {
  return rint(x * 1e6) / 1e6;
}

/** interval * float8: fractional months spill into days (30 per month), fractional days into time. */
export function intervalMul(iv: Interval, factor: number): Interval {
  let r = iv.months * factor;
  if (Number.isNaN(r) || r > INT32_MAX || r < INT32_MIN) throw intervalOutOfRange();
  let months = Math.trunc(r);
  r = iv.days * factor;
  if (Number.isNaN(r) || r > INT32_MAX || r < INT32_MIN) throw intervalOutOfRange();
  let days = Math.trunc(r);
  let monthRemainderDays = tsround((iv.months * factor - months) * DAYS_PER_MONTH);
  let secRemainder = tsround((iv.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * SECS_PER_DAY);
  if (Math.abs(secRemainder) >= SECS_PER_DAY) {
    days += Math.trunc(secRemainder / SECS_PER_DAY);
    secRemainder -= Math.trunc(secRemainder / SECS_PER_DAY) * SECS_PER_DAY;
  }
  days += Math.trunc(monthRemainderDays);
  const t = rint(iv.micros * factor + secRemainder * USECS_PER_SEC);
  if (Number.isNaN(t) || !(Math.abs(t) < 9223372036854775807)) throw intervalOutOfRange();
  months = checkedInt32(months);
  return new Interval(months || 0, checkedInt32(days) || 0, t || 0);
}

export function intervalDiv(iv: Interval, factor: number): Interval {
  if (factor === 0) throw new QuiverError('22012', 'division by zero');
  let months = Math.trunc(iv.months / factor);
  let days = Math.trunc(iv.days / factor);
  if (Number.isNaN(months) || months > INT32_MAX || months < INT32_MIN) throw intervalOutOfRange();
  if (Number.isNaN(days) || days > INT32_MAX || days < INT32_MIN) throw intervalOutOfRange();
  const monthRemainderDays = tsround((iv.months / factor - months) * DAYS_PER_MONTH);
  let secRemainder = tsround((iv.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * SECS_PER_DAY);
  if (Math.abs(secRemainder) >= SECS_PER_DAY) {
    days += Math.trunc(secRemainder / SECS_PER_DAY);
    secRemainder -= Math.trunc(secRemainder / SECS_PER_DAY) * SECS_PER_DAY;
  }
  days += Math.trunc(monthRemainderDays);
  const t = rint(iv.micros / factor + secRemainder * USECS_PER_SEC);
  if (Number.isNaN(t) || !(Math.abs(t) < 9223372036854775807)) throw intervalOutOfRange();
  months = checkedInt32(months);
  return new Interval(months || 0, checkedInt32(days) || 0, t || 0);
}

/** Threshold below which months*30+days scaled to microseconds stays an exact double. */
const EXACT_DAYS = 100000;

/** The comparison value PostgreSQL uses: (months * 30 + days) * 24h + time, in microseconds. */
function intervalSpan(iv: Interval): number | bigint {
  const days = iv.months * 30 + iv.days;
  if (Math.abs(days) < EXACT_DAYS && Math.abs(iv.micros) < 2 ** 52) return days * USECS_PER_DAY + iv.micros;
  return BigInt(days) * BigInt(USECS_PER_DAY) + BigInt(iv.micros);
}

export function intervalCmp(a: Interval, b: Interval): -1 | 0 | 1 {
  let x = intervalSpan(a), y = intervalSpan(b);
  if (typeof x !== typeof y) {
    x = BigInt(x);
    y = BigInt(y);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Equal for intervals that compare equal ('1 mon' and '30 days' share a key). */
export function intervalHashKey(iv: Interval): string {
  return String(intervalSpan(iv));
}

export function justifyHours(iv: Interval): Interval {
  let time = iv.micros;
  const wholeday = Math.trunc(time / USECS_PER_DAY);
  time -= wholeday * USECS_PER_DAY;
  let day = checkedInt32(iv.days + wholeday);
  if (day > 0 && time < 0) {
    time += USECS_PER_DAY;
    day--;
  } else if (day < 0 && time > 0) {
    time -= USECS_PER_DAY;
    day++;
  }
  return new Interval(iv.months, day, time || 0);
}

export function justifyDays(iv: Interval): Interval {
  let day = iv.days;
  const wholemonth = Math.trunc(day / DAYS_PER_MONTH);
  day -= wholemonth * DAYS_PER_MONTH;
  let month = checkedInt32(iv.months + wholemonth);
  if (month > 0 && day < 0) {
    day += DAYS_PER_MONTH;
    month--;
  } else if (month < 0 && day > 0) {
    day -= DAYS_PER_MONTH;
    month++;
  }
  return new Interval(month, day || 0, iv.micros);
}

export function justifyInterval(iv: Interval): Interval {
  let month = iv.months, day = iv.days, time = iv.micros;
  if ((day > 0 && time > 0) || (day < 0 && time < 0)) {
    const wm = Math.trunc(day / DAYS_PER_MONTH);
    day -= wm * DAYS_PER_MONTH;
    month = checkedInt32(month + wm);
  }
  const wholeday = Math.trunc(time / USECS_PER_DAY);
  time -= wholeday * USECS_PER_DAY;
  day += wholeday;
  const wm = Math.trunc(day / DAYS_PER_MONTH);
  day -= wm * DAYS_PER_MONTH;
  month = checkedInt32(month + wm);
  if (month > 0 && (day < 0 || (day === 0 && time < 0))) {
    day += DAYS_PER_MONTH;
    month--;
  } else if (month < 0 && (day > 0 || (day === 0 && time > 0))) {
    day -= DAYS_PER_MONTH;
    month++;
  }
  if (day > 0 && time < 0) {
    time += USECS_PER_DAY;
    day--;
  } else if (day < 0 && time > 0) {
    time -= USECS_PER_DAY;
    day++;
  }
  return new Interval(month || 0, day || 0, time || 0);
}

// ---------------------------------------------------------------------------------------------
// date / timestamp arithmetic

export function dateAddDays(d: number, n: number): number {
  if (!isFiniteDate(d)) return d;
  const r = d + n;
  if (!Number.isInteger(r) || !isValidDate(r)) throw dateOutOfRange();
  return r;
}

/** date - date = days; infinite dates cannot be subtracted. */
export function dateDiff(a: number, b: number): number {
  if (!isFiniteDate(a) || !isFiniteDate(b)) throw new QuiverError('22008', 'cannot subtract infinite dates');
  return a - b;
}

export function dateAddInterval(d: number, iv: Interval): number {
  return timestampAddInterval(dateToTimestamp(d), iv);
}

export function dateSubInterval(d: number, iv: Interval): number {
  return timestampAddInterval(dateToTimestamp(d), intervalNeg(iv));
}

/** timestamp + interval: months first (clamping the day of month), then days, then time. */
export function timestampAddInterval(ts: number, iv: Interval): number {
  if (!Number.isFinite(ts)) return ts;
  if (iv.months !== 0) {
    const tm = timestamp2tm(ts);
    tm.mon += iv.months;
    if (tm.mon > MONTHS_PER_YEAR) {
      tm.year += Math.trunc((tm.mon - 1) / MONTHS_PER_YEAR);
      tm.mon = ((tm.mon - 1) % MONTHS_PER_YEAR) + 1;
    } else if (tm.mon < 1) {
      tm.year += Math.trunc(tm.mon / MONTHS_PER_YEAR) - 1;
      tm.mon = (tm.mon % MONTHS_PER_YEAR) + MONTHS_PER_YEAR;
    }
    const dim = daysInMonth(tm.year, tm.mon);
    if (tm.mday > dim) tm.mday = dim;
    const r = tm2timestamp(tm);
    if (r === null) throw timestampOutOfRange();
    ts = r;
  }
  if (iv.days !== 0) {
    const tm = timestamp2tm(ts);
    [tm.year, tm.mon, tm.mday] = j2date(date2j(tm.year, tm.mon, tm.mday) + iv.days);
    const r = tm2timestamp(tm);
    if (r === null) throw timestampOutOfRange();
    ts = r;
  }
  ts += iv.micros;
  if (!isValidTimestamp(ts)) throw timestampOutOfRange();
  return ts;
}

export function timestampSubInterval(ts: number, iv: Interval): number {
  return timestampAddInterval(ts, intervalNeg(iv));
}

/** timestamp - timestamp: days and time only, normalised by justify_hours as PostgreSQL does. */
export function timestampDiff(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new QuiverError('22008', 'cannot subtract infinite timestamps');
  const diff = a - b;
  if (Math.abs(diff) < 2 ** 53) return justifyHours(new Interval(0, 0, diff));
  // The difference itself would round; split it into days and time exactly.
  const d = BigInt(a) - BigInt(b);
  const day = BigInt(USECS_PER_DAY);
  return justifyHours(new Interval(0, checkedInt32(Number(d / day)), Number(d % day)));
}

/** age(a, b): symbolic difference in years, months, days and time. */
export function age(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw intervalOutOfRange();
  const tm1 = timestamp2tm(a), tm2 = timestamp2tm(b);
  let fsec = tm1.fsec - tm2.fsec;
  let sec = tm1.sec - tm2.sec;
  let min = tm1.min - tm2.min;
  let hour = tm1.hour - tm2.hour;
  let mday = tm1.mday - tm2.mday;
  let mon = tm1.mon - tm2.mon;
  let year = tm1.year - tm2.year;
  const flip = a < b;
  if (flip) {
    fsec = -fsec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year;
  }
  while (fsec < 0) { fsec += USECS_PER_SEC; sec--; }
  while (sec < 0) { sec += 60; min--; }
  while (min < 0) { min += 60; hour--; }
  while (hour < 0) { hour += 24; mday--; }
  while (mday < 0) {
    const ref = flip ? tm1 : tm2;
    mday += daysInMonth(ref.year, ref.mon);
    mon--;
  }
  while (mon < 0) { mon += 12; year--; }
  if (flip) {
    fsec = -fsec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year;
  }
  const months = year * 12 + mon;
  return new Interval(checkedInt32(months) || 0, mday || 0, ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec || 0);
}

export function timestampCmp(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// make_date / make_timestamp

function fmtG(x: number): string {
  // printf %02g: six significant digits, trailing zeros dropped, at least two characters
  let s = Number(x.toPrecision(6)).toString();
  if (/^\d$/.test(s)) s = '0' + s;
  return s;
}

export function makeDate(year: number, month: number, day: number): number {
  let y = year;
  let bc = false;
  if (y < 0) {
    bc = true;
    y = -y;
  }
  const st: DecodeState = { tm: { year: y, mon: month, mday: day, hour: 0, min: 0, sec: 0, fsec: 0 }, yday: 0, is2digits: false };
  try {
    validateDate(DTK_DATE_M, false, false, bc, st);
  } catch (e) {
    if (!(e instanceof DtErr)) throw e;
    throw new QuiverError('22008', `date field value out of range: ${st.tm.year}-${pad(month, 2)}-${pad(day, 2)}`);
  }
  const tm = st.tm;
  const msg = `date out of range: ${tm.year}-${pad(tm.mon, 2)}-${pad(tm.mday, 2)}`;
  if (!isValidJulian(tm.year, tm.mon)) throw new QuiverError('22008', msg);
  const d = date2j(tm.year, tm.mon, tm.mday) - UNIX_EPOCH_JD;
  if (!isValidDate(d)) throw new QuiverError('22008', msg);
  return d;
}

export function makeTimestamp(year: number, month: number, day: number, hour: number, min: number, sec: number): number {
  let y = year;
  let bc = false;
  if (y < 0) {
    bc = true;
    y = -y;
  }
  const st: DecodeState = { tm: { year: y, mon: month, mday: day, hour: 0, min: 0, sec: 0, fsec: 0 }, yday: 0, is2digits: false };
  try {
    validateDate(DTK_DATE_M, false, false, bc, st);
  } catch (e) {
    if (!(e instanceof DtErr)) throw e;
    throw new QuiverError('22008', `date field value out of range: ${year}-${pad(month, 2)}-${pad(day, 2)}`);
  }
  const tm = st.tm;
  if (!isValidJulian(tm.year, tm.mon)) {
    throw new QuiverError('22008', `date out of range: ${year}-${pad(month, 2)}-${pad(day, 2)}`);
  }
  const date = date2j(tm.year, tm.mon, tm.mday) - UNIX_EPOCH_JD;
  const usec = rint(sec * USECS_PER_SEC);
  if (hour < 0 || hour > 24 || min < 0 || min >= 60 || Number.isNaN(sec) || usec < 0 || usec > 60 * USECS_PER_SEC ||
    (hour * 60 + min) * 60 * USECS_PER_SEC + usec > USECS_PER_DAY) {
    throw new QuiverError('22008', `time field value out of range: ${hour}:${pad(min, 2)}:${fmtG(sec)}`);
  }
  const time = (hour * 60 + min) * 60 * USECS_PER_SEC + usec;
  const result = date * USECS_PER_DAY + time;
  if (!isValidTimestamp(result)) {
    throw new QuiverError('22008', `timestamp out of range: ${year}-${pad(month, 2)}-${pad(day, 2)} ${hour}:${pad(min, 2)}:${fmtG(sec)}`);
  }
  return result;
}

export function makeInterval(years = 0, months = 0, weeks = 0, days = 0, hours = 0, mins = 0, secs = 0): Interval {
  if (!Number.isFinite(secs)) throw intervalOutOfRange();
  const m = years * 12 + months;
  const d = weeks * 7 + days;
  const t = rint(((hours * 60 + mins) * 60) * USECS_PER_SEC + secs * USECS_PER_SEC);
  return new Interval(checkedInt32(m), checkedInt32(d), checkedMicros(t));
}

// ---------------------------------------------------------------------------------------------
// extract / date_part / date_trunc

export type DatetimeKind = 'date' | 'timestamp' | 'interval';

const TYPE_NAMES: Record<DatetimeKind, string> = {
  date: 'date',
  timestamp: 'timestamp without time zone',
  interval: 'interval',
};

function unitNotSupported(unit: string, kind: DatetimeKind, detail?: string): QuiverError {
  return new QuiverError('0A000', `unit "${unit}" not supported for type ${TYPE_NAMES[kind]}`, detail ? { detail } : {});
}

function unitNotRecognized(unit: string, kind: DatetimeKind): QuiverError {
  return new QuiverError('22023', `unit "${unit}" not recognized for type ${TYPE_NAMES[kind]}`);
}

/** Resolves an extract field name as timestamp_part does: interval units first, then keywords. */
function lookupField(field: string): Tok {
  const low = field.toLowerCase();
  let t = decodeUnits(low);
  if (t[0] === UNKNOWN_FIELD) t = decodeSpecial(low);
  return t;
}

/** value / 10^scale as an exact numeric with that scale. */
function scaled(v: number, scale: number): Decimal {
  return new Decimal(BigInt(v), scale);
}

function int(v: number): Decimal {
  return new Decimal(BigInt(v), 0);
}

/** Fields whose value grows with time; on ±infinity they are ±infinity, the others NULL. */
function isMonotonicUnit(type: number, val: number): boolean {
  if (type === RESERV) return val === DTK_EPOCH;
  return val === DTK_YEAR || val === DTK_DECADE || val === DTK_CENTURY || val === DTK_MILLENNIUM ||
    val === DTK_JULIAN || val === DTK_ISOYEAR;
}

/**
 * EXTRACT(field FROM value) with PostgreSQL 14+ numeric results. Returns null where PostgreSQL
 * returns NULL (non-monotonic fields of infinite values); monotonic fields of infinite values
 * would be numeric ±Infinity, which Decimal cannot hold, so those raise 22003.
 */
export function extract(field: string, kind: DatetimeKind, value: number | Interval): Decimal | null {
  const unit = field.toLowerCase();
  const [type, val] = lookupField(unit);
  if (kind === 'interval') return extractInterval(unit, type, val, value as Interval);
  const v = value as number;
  if (kind === 'date') {
    if (type !== UNITS && type !== RESERV) throw unitNotRecognized(unit, kind);
    const dateUnits = [DTK_DAY, DTK_MONTH, DTK_QUARTER, DTK_WEEK, DTK_DOW, DTK_ISODOW, DTK_DOY, DTK_YEAR,
      DTK_ISOYEAR, DTK_DECADE, DTK_CENTURY, DTK_MILLENNIUM, DTK_JULIAN];
    if (type === RESERV ? val !== DTK_EPOCH : !dateUnits.includes(val)) throw unitNotSupported(unit, kind);
    if (!isFiniteDate(v)) return infiniteField(type, val, v === DATE_POS_INFINITY);
    if (type === RESERV) return int(v * SECS_PER_DAY);
    if (val === DTK_JULIAN) return int(v + UNIX_EPOCH_JD);
    return extractTimestamp(unit, type, val, v * USECS_PER_DAY, kind);
  }
  if (!Number.isFinite(v)) {
    checkInfiniteTimestampUnit(unit, type, val);
    return infiniteField(type, val, v > 0);
  }
  return extractTimestamp(unit, type, val, v, kind);
}

/** NonFiniteTimestampTzPart's validation of the unit. */
function checkInfiniteTimestampUnit(unit: string, type: number, val: number): void {
  if (type !== UNITS && type !== RESERV) throw unitNotRecognized(unit, 'timestamp');
  const known = type === RESERV ? val === DTK_EPOCH : [DTK_MICROSEC, DTK_MILLISEC, DTK_SECOND, DTK_MINUTE, DTK_HOUR,
    DTK_DAY, DTK_MONTH, DTK_QUARTER, DTK_WEEK, DTK_YEAR, DTK_DECADE, DTK_CENTURY, DTK_MILLENNIUM, DTK_JULIAN,
    DTK_ISOYEAR, DTK_DOW, DTK_ISODOW, DTK_DOY, DTK_TZ, DTK_TZ_HOUR, DTK_TZ_MINUTE].includes(val);
  if (!known) throw unitNotSupported(unit, 'timestamp');
}

function infiniteField(type: number, val: number, positive: boolean): Decimal | null {
  if (!isMonotonicUnit(type, val)) return null;
  throw new QuiverError('22003', `cannot represent ${positive ? '' : '-'}infinity as numeric`);
}

function extractTimestamp(unit: string, type: number, val: number, ts: number, kind: DatetimeKind): Decimal {
  if (type === RESERV) {
    if (val === DTK_EPOCH) return scaled(ts, 6);
    throw unitNotSupported(unit, kind);
  }
  if (type !== UNITS) throw unitNotRecognized(unit, kind);
  const tm = timestamp2tm(ts);
  switch (val) {
    case DTK_MICROSEC: return int(tm.sec * USECS_PER_SEC + tm.fsec);
    case DTK_MILLISEC: return scaled(tm.sec * USECS_PER_SEC + tm.fsec, 3);
    case DTK_SECOND: return scaled(tm.sec * USECS_PER_SEC + tm.fsec, 6);
    case DTK_MINUTE: return int(tm.min);
    case DTK_HOUR: return int(tm.hour);
    case DTK_DAY: return int(tm.mday);
    case DTK_MONTH: return int(tm.mon);
    case DTK_QUARTER: return int(Math.trunc((tm.mon - 1) / 3) + 1);
    case DTK_WEEK: return int(date2isoweek(tm.year, tm.mon, tm.mday));
    case DTK_YEAR: return int(tm.year > 0 ? tm.year : tm.year - 1);
    case DTK_DECADE: return int(tm.year >= 0 ? Math.trunc(tm.year / 10) : -Math.trunc((8 - (tm.year - 1)) / 10));
    case DTK_CENTURY: return int(tm.year > 0 ? Math.trunc((tm.year + 99) / 100) : -Math.trunc((99 - (tm.year - 1)) / 100));
    case DTK_MILLENNIUM: return int(tm.year > 0 ? Math.trunc((tm.year + 999) / 1000) : -Math.trunc((999 - (tm.year - 1)) / 1000));
    case DTK_JULIAN: {
      const dayMicros = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec;
      const jd = int(date2j(tm.year, tm.mon, tm.mday));
      return jd.add(int(dayMicros).div(int(USECS_PER_DAY)));
    }
    case DTK_ISOYEAR: {
      const y = date2isoyear(tm.year, tm.mon, tm.mday);
      return int(y <= 0 ? y - 1 : y);
    }
    case DTK_DOW:
    case DTK_ISODOW: {
      let d = j2day(date2j(tm.year, tm.mon, tm.mday));
      if (val === DTK_ISODOW && d === 0) d = 7;
      return int(d);
    }
    case DTK_DOY: return int(date2j(tm.year, tm.mon, tm.mday) - date2j(tm.year, 1, 1) + 1);
    default: throw unitNotSupported(unit, kind);
  }
}

/** interval2itm: the broken-down fields of an interval, each truncated toward zero. */
function intervalFields(iv: Interval): { year: number; mon: number; mday: number; hour: number; min: number; sec: number; usec: number } {
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months - year * 12;
  let time = iv.micros;
  const hour = Math.trunc(time / USECS_PER_HOUR);
  time -= hour * USECS_PER_HOUR;
  const min = Math.trunc(time / USECS_PER_MINUTE);
  time -= min * USECS_PER_MINUTE;
  const sec = Math.trunc(time / USECS_PER_SEC);
  const usec = time - sec * USECS_PER_SEC;
  return { year: year || 0, mon: mon || 0, mday: iv.days, hour: hour || 0, min: min || 0, sec: sec || 0, usec: usec || 0 };
}

function extractInterval(unit: string, type: number, val: number, iv: Interval): Decimal {
  if (type === UNITS) {
    const f = intervalFields(iv);
    switch (val) {
      case DTK_MICROSEC: return int(f.sec * USECS_PER_SEC + f.usec);
      case DTK_MILLISEC: return scaled(f.sec * USECS_PER_SEC + f.usec, 3);
      case DTK_SECOND: return scaled(f.sec * USECS_PER_SEC + f.usec, 6);
      case DTK_MINUTE: return int(f.min);
      case DTK_HOUR: return int(f.hour);
      case DTK_DAY: return int(f.mday);
      case DTK_MONTH: return int(f.mon);
      case DTK_QUARTER: return int(Math.trunc(f.mon / 3) + 1);
      case DTK_YEAR: return int(f.year);
      case DTK_DECADE: return int(Math.trunc(f.year / 10));
      case DTK_CENTURY: return int(Math.trunc(f.year / 100));
      case DTK_MILLENNIUM: return int(Math.trunc(f.year / 1000));
      default: throw unitNotSupported(unit, 'interval');
    }
  }
  if (type === RESERV && val === DTK_EPOCH) {
    // 365.25 days per year, 30 per month, computed in quarter-days to stay integral.
    const y = Math.trunc(iv.months / 12), m = iv.months % 12;
    const secsFromDayMonth = BigInt(1461 * y + 120 * m + 4 * iv.days) * BigInt(SECS_PER_DAY / 4);
    const v = secsFromDayMonth * 1000000n + BigInt(iv.micros);
    return new Decimal(v, 6);
  }
  if (type === UNITS || type === RESERV) throw unitNotSupported(unit, 'interval');
  throw unitNotRecognized(unit, 'interval');
}

/**
 * date_part(field, value) as double precision. PostgreSQL has no date_part(text, date): a date
 * argument is first cast to timestamp, so time fields of a date are 0.
 */
export function datePart(field: string, kind: DatetimeKind, value: number | Interval): number | null {
  const unit = field.toLowerCase();
  const [type, val] = lookupField(unit);
  if (kind === 'interval') {
    const iv = value as Interval;
    if (type === RESERV && val === DTK_EPOCH) {
      let r = iv.micros / 1000000.0;
      r += 365.25 * SECS_PER_DAY * Math.trunc(iv.months / 12);
      r += 30 * SECS_PER_DAY * (iv.months % 12);
      r += SECS_PER_DAY * iv.days;
      return r;
    }
    if (type === UNITS) {
      const f = intervalFields(iv);
      if (val === DTK_SECOND) return f.sec + f.usec / 1000000.0;
      if (val === DTK_MILLISEC) return f.sec * 1000.0 + f.usec / 1000.0;
    }
    return extractInterval(unit, type, val, iv).toNumber();
  }
  let ts = value as number;
  if (kind === 'date') {
    ts = dateToTimestamp(ts);
    kind = 'timestamp';
  }
  if (!Number.isFinite(ts)) {
    checkInfiniteTimestampUnit(unit, type, val);
    return isMonotonicUnit(type, val) ? ts : null;
  }
  if (type === RESERV && val === DTK_EPOCH) return ts / 1000000.0;
  if (type === UNITS) {
    const tm = timestamp2tm(ts);
    if (val === DTK_SECOND) return tm.sec + tm.fsec / 1000000.0;
    if (val === DTK_MILLISEC) return tm.sec * 1000.0 + tm.fsec / 1000.0;
    if (val === DTK_JULIAN) {
      return date2j(tm.year, tm.mon, tm.mday) + ((tm.hour * 60 + tm.min) * 60 + tm.sec + tm.fsec / 1000000.0) / SECS_PER_DAY;
    }
  }
  return extractTimestamp(unit, type, val, ts, 'timestamp').toNumber();
}

/** date_trunc(field, timestamp). Units are read as interval units ('week' truncates to Monday). */
export function dateTrunc(field: string, ts: number): number {
  const unit = field.toLowerCase();
  const [type, val] = decodeUnits(unit);
  if (type !== UNITS) throw unitNotRecognized(unit, 'timestamp');
  if (!Number.isFinite(ts)) return ts;
  const tm = timestamp2tm(ts);
  switch (val) {
    case DTK_WEEK: {
      const woy = date2isoweek(tm.year, tm.mon, tm.mday);
      // Late-December days can belong to next year's week 1, early-January days to last year's.
      if (woy >= 52 && tm.mon === 1) tm.year--;
      if (woy <= 1 && tm.mon === 12) tm.year++;
      [tm.year, tm.mon, tm.mday] = j2date(isoWeek2j(tm.year, woy));
      tm.hour = tm.min = tm.sec = tm.fsec = 0;
      break;
    }
    case DTK_MILLENNIUM:
    case DTK_CENTURY:
    case DTK_DECADE:
    case DTK_YEAR:
    case DTK_QUARTER:
    case DTK_MONTH:
    case DTK_DAY:
    case DTK_HOUR:
    case DTK_MINUTE:
    case DTK_SECOND: {
      const order = [DTK_MILLENNIUM, DTK_CENTURY, DTK_DECADE, DTK_YEAR, DTK_QUARTER, DTK_MONTH, DTK_DAY, DTK_HOUR, DTK_MINUTE, DTK_SECOND];
      const from = order.indexOf(val);
      const at = (u: number): boolean => order.indexOf(u) >= from;
      if (val === DTK_MILLENNIUM) {
        tm.year = tm.year > 0 ? Math.trunc((tm.year + 999) / 1000) * 1000 - 999 : -Math.trunc((999 - (tm.year - 1)) / 1000) * 1000 + 1;
      }
      if (val === DTK_MILLENNIUM || val === DTK_CENTURY) {
        tm.year = tm.year > 0 ? Math.trunc((tm.year + 99) / 100) * 100 - 99 : -Math.trunc((99 - (tm.year - 1)) / 100) * 100 + 1;
      }
      if (val === DTK_DECADE) {
        tm.year = tm.year > 0 ? Math.trunc(tm.year / 10) * 10 : -Math.trunc((8 - (tm.year - 1)) / 10) * 10;
      }
      if (at(DTK_YEAR)) tm.mon = 1;
      if (at(DTK_QUARTER)) tm.mon = 3 * Math.trunc((tm.mon - 1) / 3) + 1;
      if (at(DTK_MONTH)) tm.mday = 1;
      if (at(DTK_DAY)) tm.hour = 0;
      if (at(DTK_HOUR)) tm.min = 0;
      if (at(DTK_MINUTE)) tm.sec = 0;
      tm.fsec = 0;
      break;
    }
    case DTK_MILLISEC:
      tm.fsec = Math.trunc(tm.fsec / 1000) * 1000;
      break;
    case DTK_MICROSEC:
      break;
    default:
      throw unitNotSupported(unit, 'timestamp');
  }
  const r = tm2timestamp(tm);
  if (r === null) throw timestampOutOfRange();
  return r;
}

/** date_trunc(field, interval). */
export function intervalTrunc(field: string, iv: Interval): Interval {
  const unit = field.toLowerCase();
  const [type, val] = decodeUnits(unit);
  if (type !== UNITS) throw unitNotRecognized(unit, 'interval');
  const f = intervalFields(iv);
  switch (val) {
    case DTK_MILLENNIUM: case DTK_CENTURY: case DTK_DECADE: case DTK_YEAR: case DTK_QUARTER:
    case DTK_MONTH: case DTK_DAY: case DTK_HOUR: case DTK_MINUTE: case DTK_SECOND: {
      const order = [DTK_MILLENNIUM, DTK_CENTURY, DTK_DECADE, DTK_YEAR, DTK_QUARTER, DTK_MONTH, DTK_DAY, DTK_HOUR, DTK_MINUTE, DTK_SECOND];
      const from = order.indexOf(val);
      const at = (u: number): boolean => order.indexOf(u) >= from;
      if (val === DTK_MILLENNIUM) f.year = Math.trunc(f.year / 1000) * 1000;
      if (at(DTK_CENTURY)) f.year = Math.trunc(f.year / 100) * 100;
      if (at(DTK_DECADE)) f.year = Math.trunc(f.year / 10) * 10;
      if (at(DTK_YEAR)) f.mon = 0;
      if (at(DTK_QUARTER)) f.mon = 3 * Math.trunc(f.mon / 3);
      if (at(DTK_MONTH)) f.mday = 0;
      if (at(DTK_DAY)) f.hour = 0;
      if (at(DTK_HOUR)) f.min = 0;
      if (at(DTK_MINUTE)) f.sec = 0;
      f.usec = 0;
      break;
    }
    case DTK_MILLISEC:
      f.usec = Math.trunc(f.usec / 1000) * 1000;
      break;
    case DTK_MICROSEC:
      break;
    default:
      throw unitNotSupported(unit, 'interval', val === DTK_WEEK ? 'Months usually have fractional weeks.' : undefined);
  }
  const months = checkedInt32(f.year * 12 + f.mon);
  const micros = ((f.hour * 60 + f.min) * 60 + f.sec) * USECS_PER_SEC + f.usec;
  return new Interval(months || 0, f.mday || 0, micros || 0);
}
