/**
 * to_char for timestamps, timestamps with time zone, dates and intervals: PostgreSQL's
 * date/time template patterns (formatting.c's DCH_ routines) with the FM, TM, TH/th and SP
 * modifiers, quoted text and backslash escapes. The session time zone is UTC.
 */
import { QuiverError, SqlState } from './errors.js';
import { ordinal } from './number_format.js';
import {
  type Interval, type Tm, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC,
  date2isoweek, date2isoyear, date2isoyearday, date2j, j2day, timestamp2tm,
} from './datetime.js';

/** Keywords in search order; the second element is the action (case variants that print differently differ). */
const KEYWORDS: [string, string][] = [
  ['A.D.', 'A_D'], ['A.M.', 'A_M'], ['AD', 'AD'], ['AM', 'AM'], ['B.C.', 'B_C'], ['BC', 'BC'], ['CC', 'CC'],
  ['DAY', 'DAY'], ['DDD', 'DDD'], ['DD', 'DD'], ['DY', 'DY'], ['Day', 'Day'], ['Dy', 'Dy'], ['D', 'D'],
  ['FF1', 'FF1'], ['FF2', 'FF2'], ['FF3', 'FF3'], ['FF4', 'FF4'], ['FF5', 'FF5'], ['FF6', 'FF6'], ['FX', 'FX'],
  ['HH24', 'HH24'], ['HH12', 'HH12'], ['HH', 'HH'], ['IDDD', 'IDDD'], ['ID', 'ID'], ['IW', 'IW'], ['IYYY', 'IYYY'],
  ['IYY', 'IYY'], ['IY', 'IY'], ['I', 'I'], ['J', 'J'], ['MI', 'MI'], ['MM', 'MM'], ['MONTH', 'MONTH'], ['MON', 'MON'],
  ['MS', 'MS'], ['Month', 'Month'], ['Mon', 'Mon'], ['OF', 'OF'], ['P.M.', 'P_M'], ['PM', 'PM'], ['Q', 'Q'], ['RM', 'RM'],
  ['SSSSS', 'SSSS'], ['SSSS', 'SSSS'], ['SS', 'SS'], ['TZH', 'TZH'], ['TZM', 'TZM'], ['TZ', 'TZ'], ['US', 'US'],
  ['WW', 'WW'], ['W', 'W'], ['Y,YYY', 'Y_YYY'], ['YYYY', 'YYYY'], ['YYY', 'YYY'], ['YY', 'YY'], ['Y', 'Y'],
  ['a.d.', 'a_d'], ['a.m.', 'a_m'], ['ad', 'ad'], ['am', 'am'], ['b.c.', 'b_c'], ['bc', 'bc'], ['cc', 'CC'],
  ['day', 'day'], ['ddd', 'DDD'], ['dd', 'DD'], ['dy', 'dy'], ['d', 'D'], ['ff1', 'FF1'], ['ff2', 'FF2'],
  ['ff3', 'FF3'], ['ff4', 'FF4'], ['ff5', 'FF5'], ['ff6', 'FF6'], ['fx', 'FX'], ['hh24', 'HH24'], ['hh12', 'HH12'],
  ['hh', 'HH'], ['iddd', 'IDDD'], ['id', 'ID'], ['iw', 'IW'], ['iyyy', 'IYYY'], ['iyy', 'IYY'], ['iy', 'IY'], ['i', 'I'],
  ['j', 'J'], ['mi', 'MI'], ['mm', 'MM'], ['month', 'month'], ['mon', 'mon'], ['ms', 'MS'], ['of', 'OF'],
  ['p.m.', 'p_m'], ['pm', 'pm'], ['q', 'Q'], ['rm', 'rm'], ['sssss', 'SSSS'], ['ssss', 'SSSS'], ['ss', 'SS'],
  ['tzh', 'TZH'], ['tzm', 'TZM'], ['tz', 'tz'], ['us', 'US'], ['ww', 'WW'], ['w', 'W'], ['y,yyy', 'Y_YYY'],
  ['yyyy', 'YYYY'], ['yyy', 'YYY'], ['yy', 'YY'], ['y', 'Y'],
];

/** Patterns that name calendar positions an interval does not have. */
const NOT_FOR_INTERVAL = new Set([
  'tz', 'TZ', 'TZH', 'TZM', 'OF', 'A_D', 'B_C', 'AD', 'BC', 'a_d', 'b_c', 'ad', 'bc', 'MONTH', 'Month', 'month',
  'MON', 'Mon', 'mon', 'DAY', 'Day', 'day', 'DY', 'Dy', 'dy', 'D', 'ID',
]);

/** A keyword (key set) or one literal character; `quoted` characters came from "..." text. */
export interface Node { key: string | null; text: string; fm: boolean; tm: boolean; th: 0 | 1 | 2; quoted?: boolean }

const cache = new Map<string, Node[]>();

/** The template as keywords and characters, as formatting.c's parse_format reads it (cached). */
export function parseTemplate(fmt: string): Node[] {
  let nodes = cache.get(fmt);
  if (nodes) return nodes;
  nodes = [];
  const c = Array.from(fmt);
  const at = (i: number, s: string): boolean => {
    for (let k = 0; k < s.length; k++) if (c[i + k] !== s[k]) return false;
    return true;
  };
  let i = 0;
  while (i < c.length) {
    let fm = false, tm = false;
    if (at(i, 'FM') || at(i, 'fm')) { fm = true; i += 2; } else if (at(i, 'TM') || at(i, 'tm')) { tm = true; i += 2; }
    if (i >= c.length) break;
    const kw = KEYWORDS.find(([name]) => at(i, name));
    if (kw) {
      i += kw[0].length;
      let th: 0 | 1 | 2 = 0;
      if (at(i, 'TH')) { th = 1; i += 2; } else if (at(i, 'th')) { th = 2; i += 2; } else if (at(i, 'SP')) i += 2;
      nodes.push({ key: kw[1], text: kw[0], fm, tm, th });
      continue;
    }
    if (c[i] === '"') {
      i++;
      while (i < c.length) {
        if (c[i] === '"') { i++; break; }
        if (c[i] === '\\' && i + 1 < c.length) i++;
        nodes.push({ key: null, text: c[i++]!, fm: false, tm: false, th: 0, quoted: true });
      }
      continue;
    }
    if (c[i] === '\\' && c[i + 1] === '"') i++;
    nodes.push({ key: null, text: c[i++]!, fm: false, tm: false, th: 0 });
  }
  if (cache.size > 256) cache.clear();
  cache.set(fmt, nodes);
  return nodes;
}

/** The broken-down value to_char formats. Years are astronomical (0 = 1 BC) except for intervals. */
export interface TmToChar extends Tm {
  yday: number;
  wday: number;
  /** Zone abbreviation (timestamptz only). */
  tzn: string | null;
  gmtoff: number;
}

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const RM_UPPER = ['XII', 'XI', 'X', 'IX', 'VIII', 'VII', 'VI', 'V', 'IV', 'III', 'II', 'I'];

/** printf("%0*d", width, v): zero padding after the sign up to `width` characters in all. */
function zpad(v: number, width: number): string {
  const neg = v < 0;
  const digits = String(Math.abs(v));
  const w = neg ? width - 1 : width;
  return (neg ? '-' : '') + (digits.length >= w ? digits : '0'.repeat(w - digits.length) + digits);
}

/** C integer division and remainder (truncating toward zero). */
function cdiv(a: number, b: number): number { return Math.trunc(a / b); }
function cmod(a: number, b: number): number { const r = a % b; return r === 0 ? 0 : r; }

function caseAs(key: string, s: string): string {
  if (key === key.toUpperCase()) return s.toUpperCase();
  if (key === key.toLowerCase()) return s.toLowerCase();
  return s;
}

/** DCH_to_char. */
export function formatTm(tm: TmToChar, fmt: string, isInterval: boolean): string {
  const adjYear = (y: number): number => (isInterval ? y : y <= 0 ? -(y - 1) : y);
  let out = '';
  for (const n of parseTemplate(fmt)) {
    const key = n.key;
    if (key === null) { out += n.text; continue; }
    if (isInterval && NOT_FOR_INTERVAL.has(key)) {
      throw new QuiverError(SqlState.invalidDatetimeFormat, 'invalid format specification for an interval value', {
        hint: 'Intervals are not tied to specific calendar dates.',
      });
    }
    const padName = (s: string): string => (n.fm || n.tm ? s : s.padEnd(9, ' '));
    let s: string | null = null; // a numeric field that takes the ordinal suffix
    const pm = cmod(tm.hour, 24) >= 12;
    switch (key) {
      case 'A_M': case 'P_M': out += pm ? 'P.M.' : 'A.M.'; break;
      case 'AM': case 'PM': out += pm ? 'PM' : 'AM'; break;
      case 'a_m': case 'p_m': out += pm ? 'p.m.' : 'a.m.'; break;
      case 'am': case 'pm': out += pm ? 'pm' : 'am'; break;
      case 'HH': case 'HH12': {
        const h = cmod(tm.hour, 12);
        s = zpad(h === 0 ? 12 : h, n.fm ? 0 : tm.hour >= 0 ? 2 : 3);
        break;
      }
      case 'HH24': s = zpad(tm.hour, n.fm ? 0 : tm.hour >= 0 ? 2 : 3); break;
      case 'MI': s = zpad(tm.min, n.fm ? 0 : tm.min >= 0 ? 2 : 3); break;
      case 'SS': s = zpad(tm.sec, n.fm ? 0 : tm.sec >= 0 ? 2 : 3); break;
      case 'FF1': s = zpad(cdiv(tm.fsec, 100000), 1); break;
      case 'FF2': s = zpad(cdiv(tm.fsec, 10000), 2); break;
      case 'FF3': case 'MS': s = zpad(cdiv(tm.fsec, 1000), 3); break;
      case 'FF4': s = zpad(cdiv(tm.fsec, 100), 4); break;
      case 'FF5': s = zpad(cdiv(tm.fsec, 10), 5); break;
      case 'FF6': case 'US': s = zpad(tm.fsec, 6); break;
      case 'SSSS': s = String(tm.hour * 3600 + tm.min * 60 + tm.sec); break;
      case 'tz': if (tm.tzn) out += tm.tzn.toLowerCase(); break;
      case 'TZ': if (tm.tzn) out += tm.tzn; break;
      case 'TZH': out += (tm.gmtoff >= 0 ? '+' : '-') + zpad(cdiv(Math.abs(tm.gmtoff), 3600), 2); break;
      case 'TZM': out += zpad(cdiv(Math.abs(tm.gmtoff) % 3600, 60), 2); break;
      case 'OF': {
        const a = Math.abs(tm.gmtoff);
        out += (tm.gmtoff >= 0 ? '+' : '-') + zpad(cdiv(a, 3600), n.fm ? 0 : 2);
        if (a % 3600 !== 0) out += ':' + zpad(cdiv(a % 3600, 60), 2);
        break;
      }
      case 'A_D': case 'B_C': out += tm.year <= 0 ? 'B.C.' : 'A.D.'; break;
      case 'AD': case 'BC': out += tm.year <= 0 ? 'BC' : 'AD'; break;
      case 'a_d': case 'b_c': out += tm.year <= 0 ? 'b.c.' : 'a.d.'; break;
      case 'ad': case 'bc': out += tm.year <= 0 ? 'bc' : 'ad'; break;
      case 'MONTH': case 'Month': case 'month':
        if (tm.mon) out += padName(caseAs(key, MONTHS[tm.mon - 1]!));
        break;
      case 'MON': case 'Mon': case 'mon':
        if (tm.mon) out += caseAs(key, MONTHS[tm.mon - 1]!.slice(0, 3));
        break;
      case 'MM': s = zpad(tm.mon, n.fm ? 0 : tm.mon >= 0 ? 2 : 3); break;
      case 'DAY': case 'Day': case 'day': out += padName(caseAs(key, DAYS[tm.wday]!)); break;
      case 'DY': case 'Dy': case 'dy': out += caseAs(key, DAYS[tm.wday]!.slice(0, 3)); break;
      case 'DDD': s = zpad(tm.yday, n.fm ? 0 : 3); break;
      case 'IDDD': s = zpad(date2isoyearday(tm.year, tm.mon, tm.mday), n.fm ? 0 : 3); break;
      case 'DD': s = zpad(tm.mday, n.fm ? 0 : 2); break;
      case 'D': s = String(tm.wday + 1); break;
      case 'ID': s = String(tm.wday === 0 ? 7 : tm.wday); break;
      case 'WW': s = zpad(cdiv(tm.yday - 1, 7) + 1, n.fm ? 0 : 2); break;
      case 'IW': s = zpad(date2isoweek(tm.year, tm.mon, tm.mday), n.fm ? 0 : 2); break;
      case 'Q':
        if (tm.mon) s = String(cdiv(tm.mon - 1, 3) + 1);
        break;
      case 'CC': {
        const i = isInterval ? cdiv(tm.year, 100) : tm.year > 0 ? cdiv(tm.year - 1, 100) + 1 : cdiv(tm.year, 100) - 1;
        s = i <= 99 && i >= -99 ? zpad(i, n.fm ? 0 : i >= 0 ? 2 : 3) : String(i);
        break;
      }
      case 'Y_YYY': {
        const y = adjYear(tm.year);
        const i = cdiv(y, 1000);
        s = `${i},${zpad(y - i * 1000, 3)}`;
        break;
      }
      case 'YYYY': case 'IYYY': {
        const y = adjYear(key === 'YYYY' ? tm.year : date2isoyear(tm.year, tm.mon, tm.mday));
        s = zpad(y, n.fm ? 0 : adjYear(tm.year) >= 0 ? 4 : 5);
        break;
      }
      case 'YYY': case 'IYY': {
        const y = adjYear(key === 'YYY' ? tm.year : date2isoyear(tm.year, tm.mon, tm.mday));
        s = zpad(cmod(y, 1000), n.fm ? 0 : adjYear(tm.year) >= 0 ? 3 : 4);
        break;
      }
      case 'YY': case 'IY': {
        const y = adjYear(key === 'YY' ? tm.year : date2isoyear(tm.year, tm.mon, tm.mday));
        s = zpad(cmod(y, 100), n.fm ? 0 : adjYear(tm.year) >= 0 ? 2 : 3);
        break;
      }
      case 'Y': case 'I': {
        const y = adjYear(key === 'Y' ? tm.year : date2isoyear(tm.year, tm.mon, tm.mday));
        s = String(cmod(y, 10));
        break;
      }
      case 'RM': case 'rm': {
        if (!tm.mon && !tm.year) break;
        // The table runs December first; whole negative years of an interval count back from it.
        const idx = tm.mon === 0 ? (tm.year >= 0 ? 0 : 11) : tm.mon < 0 ? -1 * (tm.mon + 1) : 12 - tm.mon;
        const r = key === 'RM' ? RM_UPPER[idx]! : RM_UPPER[idx]!.toLowerCase();
        out += n.fm ? r : r.padEnd(4, ' ');
        break;
      }
      case 'W': s = String(cdiv(tm.mday - 1, 7) + 1); break;
      case 'J': s = String(date2j(tm.year, tm.mon, tm.mday)); break;
      default: break; // FX: no output
    }
    if (s !== null) out += n.th ? s + ordinal(s, n.th === 1) : s;
  }
  return out;
}

/** Broken-down timestamp (microseconds since 1970, no zone) for to_char. */
export function timestampTm(ts: number, tzn: string | null): TmToChar {
  const t = timestamp2tm(ts);
  const jd = date2j(t.year, t.mon, t.mday);
  return {
    year: t.year, mon: t.mon, mday: t.mday, hour: t.hour, min: t.min, sec: t.sec, fsec: t.fsec,
    yday: jd - date2j(t.year, 1, 1) + 1, wday: j2day(jd), tzn, gmtoff: 0,
  };
}

/** to_char(timestamp, text); NULL for an empty template. */
export function timestampToChar(ts: number, fmt: string): string | null {
  if (fmt.length === 0) return null;
  return formatTm(timestampTm(ts, null), fmt, false);
}

/** to_char(timestamptz, text) in the session zone, UTC. */
export function timestamptzToChar(ts: number, fmt: string): string | null {
  if (fmt.length === 0) return null;
  return formatTm(timestampTm(ts, 'UTC'), fmt, false);
}

/** to_char(interval, text): fields as interval2itm splits them, truncating toward zero. */
export function intervalToChar(iv: Interval, fmt: string): string | null {
  if (fmt.length === 0) return null;
  const year = cdiv(iv.months, 12);
  const mon = cmod(iv.months, 12);
  let t = iv.micros;
  const hour = cdiv(t, USECS_PER_HOUR);
  t -= hour * USECS_PER_HOUR;
  const min = cdiv(t, USECS_PER_MINUTE);
  t -= min * USECS_PER_MINUTE;
  const sec = cdiv(t, USECS_PER_SEC);
  const fsec = t - sec * USECS_PER_SEC;
  const tm: TmToChar = {
    year, mon, mday: iv.days, hour, min, sec, fsec,
    yday: (year * 12 + mon) * 30 + iv.days, wday: 0, tzn: null, gmtoff: 0,
  };
  return formatTm(tm, fmt, true);
}
