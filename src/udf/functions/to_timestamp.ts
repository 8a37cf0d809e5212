/**
 * to_timestamp / to_date with a format string (the common subset of PostgreSQL's template
 * patterns), and to_timestamp(epoch seconds).
 */
import { T } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { makeDate, makeTimestamp } from '../../common/datetime.js';
import { registerScalar } from '../registry.js';
import { formatG } from './misc.js';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

interface Fields { year: number; month: number; day: number; hour: number; minute: number; second: number; micros: number; pm: boolean | null; hour12: boolean }

const TOKENS = ['YYYY', 'YYY', 'YY', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'MM', 'DDD', 'DD', 'HH24', 'HH12', 'HH', 'MI', 'SS', 'MS', 'US', 'AM', 'PM', 'am', 'pm', 'A.M.', 'P.M.', 'FM'];

function bad(text: string, fmt: string, why: string): never {
  throw new QuiverError(SqlState.invalidDatetimeFormat, `invalid value for ${why} in "${text}" (format "${fmt}")`);
}

/** Width of each numeric field: read exactly this many characters when a digit field follows. */
const FIELD_WIDTH: Record<string, number> = {
  YYYY: 4, YYY: 3, YY: 2, MM: 2, DD: 2, DDD: 3, HH24: 2, HH12: 2, HH: 2, MI: 2, SS: 2, MS: 3, US: 6,
};

export function parseFormatted(text: string, fmt: string): Fields {
  // Without a year field the year is PostgreSQL's year 0, which is 1 BC (make_date's -1).
  const f: Fields = { year: -1, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0, pm: null, hour12: false };
  let i = 0, j = 0;
  // Whether the field being read has the FM prefix, and whether a digit field or digit follows it
  // directly (is_next_separator false): then it takes its fixed width, as in 'YYYYMMDD'.
  let fm = false;
  let fixed = false;
  const digits = (max: number, what: string): number => {
    while (text[i] === ' ') i++;
    if (fixed) {
      const w = FIELD_WIDTH[what]!;
      if (text.length - i < w) throw new QuiverError(SqlState.invalidDatetimeFormat, `source string too short for "${what}" formatting field`);
      const chunk = text.slice(i, i + w);
      if (!/^[+-]?\d+$/.test(chunk)) {
        throw new QuiverError(SqlState.invalidDatetimeFormat, `invalid value "${chunk}" for "${what}"`, { detail: 'Value must be an integer.' });
      }
      i += w;
      return Number(chunk);
    }
    let k = i;
    if (text[k] === '-' || text[k] === '+') k++;
    while (k < text.length && k - i < max + (text[i] === '-' ? 1 : 0) && /\d/.test(text[k]!)) k++;
    if (k === i || !/\d/.test(text[k - 1]!)) bad(text, fmt, what);
    const v = Number(text.slice(i, k));
    i = k;
    return v;
  };
  // As DCH_from_char, parsing stops when the input runs out: the remaining fields keep defaults.
  while (j < fmt.length && i < text.length) {
    if (fmt[j] === '"') {
      const end = fmt.indexOf('"', j + 1);
      const lit = fmt.slice(j + 1, end < 0 ? fmt.length : end);
      i += lit.length;
      j = end < 0 ? fmt.length : end + 1;
      continue;
    }
    const tok = TOKENS.find((t) => fmt.startsWith(t, j));
    if (!tok) {
      // Separators in the format match any one non-alphanumeric character of the input (or none).
      if (!/[A-Za-z0-9]/.test(fmt[j]!) && i < text.length && !/[A-Za-z0-9]/.test(text[i]!)) i++;
      else if (/[A-Za-z0-9]/.test(fmt[j]!)) i++;
      j++;
      continue;
    }
    j += tok.length;
    if (tok !== 'FM') {
      const next = TOKENS.find((t) => fmt.startsWith(t, j));
      fixed = !fm && FIELD_WIDTH[tok] !== undefined &&
        ((next !== undefined && (FIELD_WIDTH[next] !== undefined || (next === 'FM' && isDigitFieldAt(fmt, j + 2)))) || /[0-9]/.test(fmt[j] ?? ''));
      fm = false;
    }
    switch (tok) {
      case 'FM': fm = true; break;
      case 'YYYY': f.year = digits(6, 'YYYY'); break;
      case 'YYY': f.year = 2000 + digits(3, 'YYY'); break;
      case 'YY': { const y = digits(2, 'YY'); f.year = y < 70 ? 2000 + y : 1900 + y; break; }
      case 'MM': f.month = digits(2, 'MM'); break;
      case 'DD': f.day = digits(2, 'DD'); break;
      case 'DDD': { const d = digits(3, 'DDD'); f.month = 1; f.day = d; break; }
      case 'HH24': f.hour = digits(2, 'HH24'); break;
      case 'HH': case 'HH12': f.hour = digits(2, tok); f.hour12 = true; break;
      case 'MI': f.minute = digits(2, 'MI'); break;
      case 'SS': f.second = digits(2, 'SS'); break;
      case 'MS': { const s0 = i; const v = digits(3, 'MS'); f.micros = v * 10 ** (3 - (i - s0)) * 1000; break; }
      case 'US': { const s0 = i; const v = digits(6, 'US'); f.micros = v * 10 ** (6 - (i - s0)); break; }
      case 'AM': case 'PM': case 'am': case 'pm': case 'A.M.': case 'P.M.': {
        const w = text.slice(i, i + tok.length).toLowerCase();
        if (w.startsWith('a')) f.pm = false; else if (w.startsWith('p')) f.pm = true; else bad(text, fmt, tok);
        i += tok.length;
        break;
      }
      default: {
        // Month names, full or abbreviated, in any case.
        const rest = text.slice(i).toLowerCase();
        const full = tok.length > 3;
        const m = MONTHS.findIndex((name) => rest.startsWith(full ? name : name.slice(0, 3)));
        if (m < 0) bad(text, fmt, tok);
        f.month = m + 1;
        i += full ? MONTHS[m]!.length : 3;
      }
    }
  }
  if (f.hour12) {
    if (f.hour < 1 || f.hour > 12) throw new QuiverError(SqlState.invalidDatetimeFormat, `hour "${f.hour}" is invalid for the 12-hour clock`);
    if (f.pm) f.hour = f.hour % 12 + 12; else if (f.pm === false) f.hour %= 12;
  } else if (f.pm && f.hour < 12) f.hour += 12;
  return f;
}

function isDigitFieldAt(fmt: string, j: number): boolean {
  const t = TOKENS.find((x) => fmt.startsWith(x, j));
  return t !== undefined && FIELD_WIDTH[t] !== undefined;
}

function register(): void {
  registerScalar({
    name: 'to_date', args: ['text', 'text'], ret: T.date, strict: true,
    impl: ((s: string, fmt: string) => { const f = parseFormatted(s, fmt); return makeDate(f.year, f.month, f.day); }) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'to_timestamp', args: ['text', 'text'], ret: T.timestamptz, strict: true,
    impl: ((s: string, fmt: string) => {
      const f = parseFormatted(s, fmt);
      return makeTimestamp(f.year, f.month, f.day, f.hour, f.minute, f.second) + f.micros;
    }) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'to_timestamp', args: ['float8'], ret: T.timestamptz, strict: true,
    impl: ((x: number) => {
      if (Number.isNaN(x)) throw new QuiverError(SqlState.datetimeFieldOverflow, 'timestamp cannot be NaN');
      if (!Number.isFinite(x)) return x;
      // PostgreSQL's range: 4714-11-24 BC up to (not including) 294277-01-01, in epoch seconds.
      if (x < -210866803200 || x >= 9224318016000) throw new QuiverError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${formatG(x)}"`);
      return Math.round(x * 1e6);
    }) as (...args: never[]) => unknown,
  });
}

register();
