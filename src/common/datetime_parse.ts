/**
 * to_timestamp(text, text) and to_date(text, text): the input read back through PostgreSQL's
 * date/time template (formatting.c's DCH_from_char and do_to_timestamp), outside standard mode.
 */
import { QuiverError, SqlState } from './errors.js';
import { USECS_PER_DAY, USECS_PER_SEC, date2j, isLeap, isValidJulian, isoWeek2j, j2date } from './datetime.js';
import { DAYS, MONTHS, parseTemplate, type Node } from './datetime_format.js';

const UNIX_EPOCH_JD = 2440588;
const POSTGRES_EPOCH_JD = 2451545;

type Mode = 'none' | 'gregorian' | 'iso';
const GREGORIAN = new Set(['DDD', 'DD', 'D', 'MM', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'RM', 'rm', 'WW', 'W', 'Y_YYY', 'YYYY', 'YYY', 'YY', 'Y']);
const ISO = new Set(['IDDD', 'ID', 'IW', 'IYYY', 'IYY', 'IY', 'I']);
/** Keywords whose field is digits: a field right before one of them takes its fixed width. */
const DIGIT_KEYS = new Set(['CC', 'DDD', 'DD', 'D', 'FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6', 'HH24', 'HH12', 'HH', 'IDDD', 'ID', 'IW',
  'IYYY', 'IYY', 'IY', 'I', 'J', 'MI', 'MM', 'MS', 'Q', 'SSSS', 'SS', 'TZM', 'US', 'WW', 'W', 'Y_YYY', 'YYYY', 'YYY', 'YY', 'Y']);

const AMPM = ['am', 'pm', 'AM', 'PM'];
const AMPM_LONG = ['a.m.', 'p.m.', 'A.M.', 'P.M.'];
const ADBC = ['ad', 'bc', 'AD', 'BC'];
const ADBC_LONG = ['a.d.', 'b.c.', 'A.D.', 'B.C.'];
const RM_LOWER = ['xii', 'xi', 'x', 'ix', 'viii', 'vii', 'vi', 'v', 'iv', 'iii', 'ii', 'i'];
const MONTHS_SHORT = MONTHS.map((m) => m.slice(0, 3));
const DAYS_SHORT = DAYS.map((d) => d.slice(0, 3));

interface TmFromChar {
  mode: Mode; hh: number; pm: number; mi: number; ss: number; ssss: number; d: number; dd: number; ddd: number; mm: number;
  ms: number; year: number; bc: number; ww: number; w: number; cc: number; j: number; us: number; yysz: number; clock12: boolean;
  tzsign: number; tzh: number; tzm: number; ff: number;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** ASCII printable, not a letter, digit or blank. */
function isSeparator(c: string | undefined): boolean {
  if (c === undefined || c.length !== 1) return false;
  const k = c.charCodeAt(0);
  return k > 0x20 && k < 0x7f && !/[A-Za-z0-9]/.test(c);
}

function fmtError(msg: string, opts?: { detail?: string; hint?: string }): never {
  throw new QuiverError(SqlState.invalidDatetimeFormat, msg, opts);
}

function keyName(n: Node): string { return n.text; }

function adjustPartialYear(y: number): number {
  if (y < 70) return y + 2000;
  if (y < 100) return y + 1900;
  if (y < 520) return y + 2000;
  if (y < 1000) return y + 1000;
  return y;
}

/** DCH_from_char: the fields the input gives, in a TmFromChar. */
function fromChar(nodes: Node[], input: string): TmFromChar {
  const out: TmFromChar = { mode: 'none', hh: 0, pm: 0, mi: 0, ss: 0, ssss: 0, d: 0, dd: 0, ddd: 0, mm: 0, ms: 0, year: 0, bc: 0, ww: 0,
    w: 0, cc: 0, j: 0, us: 0, yysz: 0, clock12: false, tzsign: 0, tzh: 0, tzm: 0, ff: 0 };
  const s = Array.from(input);
  let p = 0;
  let fx = false;
  let extraSkip = 0;
  const set = (field: 'hh' | 'pm' | 'mi' | 'ss' | 'ssss' | 'd' | 'dd' | 'ddd' | 'mm' | 'ms' | 'year' | 'bc' | 'ww' | 'w' | 'cc' | 'j' | 'us' | 'tzh' | 'tzm', v: number, n: Node): void => {
    if (out[field] !== 0 && out[field] !== v) {
      fmtError(`conflicting values for "${keyName(n)}" field in formatting string`, { detail: 'This value contradicts a previous setting for the same field type.' });
    }
    out[field] = v;
  };
  const nextIsSeparator = (k: number): boolean => {
    const n = nodes[k]!;
    if (n.key !== null && n.th) return true;
    const next = nodes[k + 1];
    if (!next) return true;
    if (next.key !== null) return !DIGIT_KEYS.has(next.key);
    return !isDigit(next.text);
  };
  /** from_char_parse_int_len: an integer of `len` characters, or as many digits as there are. */
  const parseInt = (k: number, len: number): { value: number; used: number } => {
    const n = nodes[k]!;
    const init = p;
    while (isSpace(s[p])) p++;
    const copy = s.slice(p, p + len).join('');
    let value: number;
    if (n.fm || nextIsSeparator(k)) {
      // strtol from the start: blanks, a sign and every digit.
      let q = init;
      while (isSpace(s[q])) q++;
      let t = q;
      if (s[t] === '+' || s[t] === '-') t++;
      const digitsStart = t;
      while (isDigit(s[t])) t++;
      if (t === digitsStart) { value = 0; p = init; } else { value = Number(s.slice(q, t).join('')); p = t; }
    } else {
      if (s.length - p < len) {
        fmtError(`source string too short for "${keyName(n)}" formatting field`, {
          detail: `Field requires ${len} characters, but only ${s.length - p} remain.`,
          hint: 'If your source string is not fixed-width, try using the "FM" modifier.',
        });
      }
      const m = /^\s*[+-]?\d+/.exec(copy);
      const used = m ? m[0].length : 0;
      if (used > 0 && used < len) {
        fmtError(`invalid value "${copy}" for "${keyName(n)}"`, {
          detail: `Field requires ${len} characters, but only ${used} could be parsed.`,
          hint: 'If your source string is not fixed-width, try using the "FM" modifier.',
        });
      }
      value = used ? Number(m![0]) : 0;
      p += used;
    }
    if (p === init) fmtError(`invalid value "${copy}" for "${keyName(n)}"`, { detail: 'Value must be an integer.' });
    if (value < -2147483648 || value > 2147483647) {
      throw new QuiverError(SqlState.datetimeFieldOverflow, `value for "${keyName(n)}" in source string is out of range`, {
        detail: 'Value must be in the range -2147483648 to 2147483647.',
      });
    }
    return { value, used: p - init };
  };
  const seqSearch = (n: Node, words: string[]): number => {
    const rest = s.slice(p).join('');
    const low = rest.toLowerCase();
    for (let i = 0; i < words.length; i++) {
      if (low.startsWith(words[i]!.toLowerCase())) { p += Array.from(words[i]!).length; return i; }
    }
    const word = rest.split(/[ \t\n\r\f\v]/)[0];
    return fmtError(`invalid value "${word}" for "${keyName(n)}"`, { detail: 'The given value did not match any of the allowed values for this field.' });
  };
  const skipTh = (n: Node): void => { if (n.th) { if (p < s.length) p++; if (p < s.length) p++; } };

  for (let k = 0; k < nodes.length && p < s.length; k++) {
    const n = nodes[k]!;
    if (!fx && (n.key === null ? k === 0 : n.key !== 'FX')) {
      while (p < s.length && isSpace(s[p])) { p++; extraSkip++; }
    }
    if (n.key === null) {
      if (!n.quoted && (isSeparator(n.text) || isSpace(n.text))) {
        if (!fx) {
          extraSkip--;
          if (isSpace(s[p]) || isSeparator(s[p])) { p++; extraSkip++; }
        } else p++;
      } else if (!fx) {
        if (extraSkip > 0) extraSkip--;
        else p++;
      } else p++;
      continue;
    }
    const key = n.key;
    const mode: Mode = GREGORIAN.has(key) ? 'gregorian' : ISO.has(key) ? 'iso' : 'none';
    if (mode !== 'none') {
      if (out.mode === 'none') out.mode = mode;
      else if (out.mode !== mode) {
        fmtError('invalid combination of date conventions', { hint: 'Do not mix Gregorian and ISO week date conventions in a formatting template.' });
      }
    }
    const int = (field: Parameters<typeof set>[0], len = Array.from(n.text).length): number => {
      const r = parseInt(k, len);
      set(field, r.value, n);
      skipTh(n);
      return r.used;
    };
    switch (key) {
      case 'FX': fx = true; break;
      case 'A_M': case 'P_M': case 'a_m': case 'p_m':
        set('pm', seqSearch(n, AMPM_LONG) % 2, n); out.clock12 = true; break;
      case 'AM': case 'PM': case 'am': case 'pm':
        set('pm', seqSearch(n, AMPM) % 2, n); out.clock12 = true; break;
      case 'HH': case 'HH12': int('hh', 2); out.clock12 = true; break;
      case 'HH24': int('hh', 2); break;
      case 'MI': int('mi'); break;
      case 'SS': int('ss'); break;
      case 'MS': {
        const len = int('ms', 3);
        out.ms *= len === 1 ? 100 : len === 2 ? 10 : 1;
        break;
      }
      case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': case 'US': {
        if (key !== 'US') out.ff = Number(key[2]);
        const len = int('us', key === 'US' ? 6 : out.ff);
        out.us *= [1, 100000, 10000, 1000, 100, 10, 1][len] ?? 1;
        break;
      }
      case 'SSSS': int('ssss'); break;
      case 'tz': case 'TZ': case 'OF':
        throw new QuiverError(SqlState.featureNotSupported, `formatting field "${keyName(n)}" is only supported in to_char`);
      case 'TZH':
        if (s[p] === '+' || s[p] === '-' || s[p] === ' ') { out.tzsign = s[p] === '-' ? -1 : 1; p++; }
        else out.tzsign = extraSkip > 0 && s[p - 1] === '-' ? -1 : 1;
        out.tzh = parseInt(k, 2).value;
        break;
      case 'TZM':
        if (!out.tzsign) out.tzsign = 1;
        out.tzm = parseInt(k, 2).value;
        break;
      case 'A_D': case 'B_C': case 'a_d': case 'b_c': set('bc', seqSearch(n, ADBC_LONG) % 2, n); break;
      case 'AD': case 'BC': case 'ad': case 'bc': set('bc', seqSearch(n, ADBC) % 2, n); break;
      case 'MONTH': case 'Month': case 'month': set('mm', seqSearch(n, MONTHS) + 1, n); break;
      case 'MON': case 'Mon': case 'mon': set('mm', seqSearch(n, MONTHS_SHORT) + 1, n); break;
      case 'MM': int('mm'); break;
      case 'DAY': case 'Day': case 'day': set('d', seqSearch(n, DAYS), n); out.d++; break;
      case 'DY': case 'Dy': case 'dy': set('d', seqSearch(n, DAYS_SHORT), n); out.d++; break;
      case 'DDD': int('ddd'); break;
      case 'IDDD': int('ddd', 3); break;
      case 'DD': int('dd'); break;
      case 'D': int('d'); break;
      case 'ID': int('d', 1); if (++out.d > 7) out.d = 1; break;
      case 'WW': case 'IW': int('ww'); break;
      case 'Q': parseInt(k, 1); skipTh(n); break;
      case 'CC': int('cc'); break;
      case 'Y_YYY': {
        const m = /^\s*([+-]?\d+),(\d{1,3})/.exec(s.slice(p).join(''));
        if (!m) fmtError(`invalid value "${s.slice(p).join('')}" for "Y,YYY"`);
        set('year', Number(m[1]) * 1000 + Number(m[2]), n);
        out.yysz = 4;
        p += m[0].length;
        skipTh(n);
        break;
      }
      case 'YYYY': case 'IYYY': int('year'); out.yysz = 4; break;
      case 'YYY': case 'IYY': case 'YY': case 'IY': case 'Y': case 'I': {
        const used = int('year');
        if (used < 4) out.year = adjustPartialYear(out.year);
        out.yysz = key === 'YYY' || key === 'IYY' ? 3 : key === 'YY' || key === 'IY' ? 2 : 1;
        break;
      }
      case 'RM': case 'rm': set('mm', 12 - seqSearch(n, RM_LOWER), n); break;
      case 'W': int('w'); break;
      case 'J': int('j'); break;
      default: break;
    }
    if (!fx) {
      extraSkip = 0;
      while (p < s.length && isSpace(s[p])) { p++; extraSkip++; }
    }
  }
  return out;
}

const YSUM = [[0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365], [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366]];
const DAY_TAB = [[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]];

interface Parsed { year: number; mon: number; mday: number; hour: number; min: number; sec: number; fsec: number; tz: number | null; fprec: number }

function fieldOverflow(input: string): never {
  throw new QuiverError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${input}"`);
}

/** do_to_timestamp: the parsed fields combined into a date and time (year 0 is 1 BC). */
function doToTimestamp(input: string, fmt: string): Parsed {
  const tm = { year: 0, mon: 1, mday: 1, hour: 0, min: 0, sec: 0 };
  let fsec = 0;
  let mask = { year: false, mon: false, day: false };
  const f = fmt.length ? fromChar(parseTemplate(fmt), input) : fromChar([], input);
  if (f.ssss) {
    let x = f.ssss;
    tm.hour = Math.trunc(x / 3600); x %= 3600;
    tm.min = Math.trunc(x / 60); tm.sec = x % 60;
  }
  if (f.ss) tm.sec = f.ss;
  if (f.mi) tm.min = f.mi;
  if (f.hh) tm.hour = f.hh;
  if (f.clock12) {
    if (tm.hour < 1 || tm.hour > 12) {
      fmtError(`hour "${tm.hour}" is invalid for the 12-hour clock`, { hint: 'Use the 24-hour clock, or give an hour between 1 and 12.' });
    }
    if (f.pm && tm.hour < 12) tm.hour += 12;
    else if (!f.pm && tm.hour === 12) tm.hour = 0;
  }
  if (f.year) {
    if (f.cc && f.yysz <= 2) {
      if (f.bc) f.cc = -f.cc;
      tm.year = f.year % 100;
      if (tm.year) tm.year = f.cc >= 0 ? tm.year + (f.cc - 1) * 100 : (f.cc + 1) * 100 - tm.year + 1;
      else tm.year = f.cc * 100 + (f.cc >= 0 ? 0 : 1);
    } else {
      tm.year = f.year;
      if (f.bc) tm.year = -tm.year;
      if (tm.year < 0) tm.year++;
    }
    mask.year = true;
  } else if (f.cc) {
    if (f.bc) f.cc = -f.cc;
    tm.year = f.cc >= 0 ? (f.cc - 1) * 100 + 1 : f.cc * 100 + 1;
    mask.year = true;
  }
  if (f.j) {
    [tm.year, tm.mon, tm.mday] = j2date(f.j);
    mask = { year: true, mon: true, day: true };
  }
  if (f.ww) {
    if (f.mode === 'iso') {
      const jd = f.d ? isoWeek2j(tm.year, f.ww) + (f.d === 1 ? 6 : f.d - 2) : isoWeek2j(tm.year, f.ww);
      [tm.year, tm.mon, tm.mday] = j2date(jd);
      mask = { year: true, mon: true, day: true };
    } else f.ddd = (f.ww - 1) * 7 + 1;
  }
  if (f.w) f.dd = (f.w - 1) * 7 + 1;
  if (f.dd) { tm.mday = f.dd; mask.day = true; }
  if (f.mm) { tm.mon = f.mm; mask.mon = true; }
  if (f.ddd && (tm.mon <= 1 || tm.mday <= 1)) {
    if (!tm.year && !f.bc) fmtError('cannot calculate day of year without year information');
    if (f.mode === 'iso') {
      [tm.year, tm.mon, tm.mday] = j2date(isoWeek2j(tm.year, 1) - 1 + f.ddd);
      mask = { year: true, mon: true, day: true };
    } else {
      const y = YSUM[isLeap(tm.year) ? 1 : 0]!;
      let i = 1;
      for (; i <= 12; i++) if (f.ddd <= y[i]!) break;
      if (tm.mon <= 1) tm.mon = i;
      if (tm.mday <= 1) tm.mday = f.ddd - y[i - 1]!;
      mask.mon = mask.day = true;
    }
  }
  if (f.ms) fsec += f.ms * 1000;
  if (f.us) fsec += f.us;
  if (mask.year || mask.mon || mask.day) {
    if (mask.mon && (tm.mon < 1 || tm.mon > 12)) fieldOverflow(input);
    if (mask.day && (tm.mday < 1 || tm.mday > 31)) fieldOverflow(input);
    if (mask.year && mask.mon && mask.day && tm.mday > DAY_TAB[isLeap(tm.year) ? 1 : 0]![tm.mon - 1]!) fieldOverflow(input);
  }
  if (tm.hour < 0 || tm.hour >= 24 || tm.min < 0 || tm.min >= 60 || tm.sec < 0 || tm.sec >= 60 || fsec < 0 || fsec >= USECS_PER_SEC) fieldOverflow(input);
  let tz: number | null = null;
  if (f.tzsign) {
    if (f.tzh < 0 || f.tzh > 15 || f.tzm < 0 || f.tzm >= 60) {
      throw new QuiverError(SqlState.datetimeFieldOverflow, `time zone displacement out of range: "${input}"`);
    }
    tz = (f.tzh * 60 + f.tzm) * 60;
    if (f.tzsign > 0) tz = -tz;
  }
  return { ...tm, fsec, tz, fprec: f.ff };
}

/** to_date(text, text): days since 1970. */
export function toDate(input: string, fmt: string): number {
  const t = doToTimestamp(input, fmt);
  if (!isValidJulian(t.year, t.mon)) throw new QuiverError(SqlState.datetimeFieldOverflow, `date out of range: "${input}"`);
  const jd = date2j(t.year, t.mon, t.mday);
  if (jd - POSTGRES_EPOCH_JD < -2451545 || jd >= 2147483494) throw new QuiverError(SqlState.datetimeFieldOverflow, `date out of range: "${input}"`);
  return jd - UNIX_EPOCH_JD;
}

/** to_timestamp(text, text): microseconds since 1970 UTC (the session zone is UTC). */
export function toTimestamp(input: string, fmt: string): number {
  const t = doToTimestamp(input, fmt);
  if (!isValidJulian(t.year, t.mon)) throw new QuiverError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
  const days = date2j(t.year, t.mon, t.mday) - POSTGRES_EPOCH_JD;
  let us = days * USECS_PER_DAY + ((t.hour * 60 + t.min) * 60 + t.sec) * USECS_PER_SEC + t.fsec + (t.tz ?? 0) * USECS_PER_SEC;
  // PostgreSQL's range: 4714-11-24 BC up to 294277-01-01, relative to its 2000 epoch.
  if (us < -211813488000000000 || us >= 9223371331200000000) throw new QuiverError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
  if (t.fprec) {
    // AdjustTimestampForTypmod: round half away from zero around the 2000 epoch.
    const scale = 10 ** (6 - t.fprec);
    us = us >= 0 ? Math.trunc((us + scale / 2) / scale) * scale : -Math.trunc((-us + scale / 2) / scale) * scale;
  }
  return us + (POSTGRES_EPOCH_JD - UNIX_EPOCH_JD) * USECS_PER_DAY;
}
