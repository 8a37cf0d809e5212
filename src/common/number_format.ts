/**
 * to_char(number, template) and to_number(text, template): PostgreSQL's number templates
 * (formatting.c's NUM_ routines) with the C locale's symbols, quirks included: a blank for the
 * sign of positive numbers, '#' fill when the integer part overflows, FM trimming, V shifting,
 * EEEE, Roman numerals and ordinal suffixes.
 */
import { QuiverError, SqlState } from './errors.js';
import { Decimal, applyTypmod } from './decimal.js';
import { cExp, cFixed } from './c_printf.js';

const F_DECIMAL = 0x01, F_LDECIMAL = 0x02, F_ZERO = 0x04, F_BLANK = 0x08, F_FILLMODE = 0x10, F_LSIGN = 0x20,
  F_BRACKET = 0x40, F_MINUS = 0x80, F_PLUS = 0x100, F_ROMAN = 0x200, F_MULTI = 0x400, F_EEEE = 0x800;

const LSIGN_NONE = 0, LSIGN_PRE = -1, LSIGN_POST = 1;

type Kw = ',' | '.' | '0' | '9' | 'B' | 'C' | 'D' | 'E' | 'FM' | 'G' | 'L' | 'MI' | 'PL' | 'PR' | 'RN' | 'rn' | 'SG' | 'SP' | 'S' | 'TH' | 'th' | 'V';

/** Keywords in search order: the first that the template continues with wins. */
const KEYWORDS: [string, Kw][] = [
  [',', ','], ['.', '.'], ['0', '0'], ['9', '9'], ['B', 'B'], ['C', 'C'], ['D', 'D'], ['EEEE', 'E'], ['FM', 'FM'],
  ['G', 'G'], ['L', 'L'], ['MI', 'MI'], ['PL', 'PL'], ['PR', 'PR'], ['RN', 'RN'], ['SG', 'SG'], ['SP', 'SP'], ['S', 'S'],
  ['TH', 'TH'], ['V', 'V'], ['b', 'B'], ['c', 'C'], ['d', 'D'], ['eeee', 'E'], ['fm', 'FM'], ['g', 'G'], ['l', 'L'],
  ['mi', 'MI'], ['pl', 'PL'], ['pr', 'PR'], ['rn', 'rn'], ['sg', 'SG'], ['sp', 'SP'], ['s', 'S'], ['th', 'th'], ['v', 'V'],
];

type Node = { kw: Kw; ch?: undefined } | { kw?: undefined; ch: string };

interface NumDesc {
  pre: number;
  post: number;
  lsign: number;
  flag: number;
  preLsignNum: number;
  multi: number;
  zeroStart: number;
  zeroEnd: number;
}

interface Template { nodes: Node[]; desc: NumDesc }

function syntax(msg: string, detail?: string): never {
  throw new QuiverError(SqlState.syntaxError, msg, detail ? { detail } : undefined);
}

/** NUMDesc_prepare: what one keyword adds to the description, and the combinations refused. */
function prepare(num: NumDesc, kw: Kw): void {
  const has = (f: number): boolean => (num.flag & f) !== 0;
  if (has(F_EEEE) && kw !== 'E') syntax('"EEEE" must be the last pattern used');
  switch (kw) {
    case '9':
      if (has(F_BRACKET)) syntax('"9" must be ahead of "PR"');
      if (has(F_MULTI)) { ++num.multi; break; }
      if (has(F_DECIMAL)) ++num.post;
      else ++num.pre;
      break;
    case '0':
      if (has(F_BRACKET)) syntax('"0" must be ahead of "PR"');
      if (!has(F_ZERO) && !has(F_DECIMAL)) {
        num.flag |= F_ZERO;
        num.zeroStart = num.pre + 1;
      }
      if (!has(F_DECIMAL)) ++num.pre;
      else ++num.post;
      num.zeroEnd = num.pre + num.post;
      break;
    case 'B':
      if (num.pre === 0 && num.post === 0 && !has(F_ZERO)) num.flag |= F_BLANK;
      break;
    case 'D':
      num.flag |= F_LDECIMAL;
    // falls through
    case '.':
      if (has(F_DECIMAL)) syntax('multiple decimal points');
      if (has(F_MULTI)) syntax('cannot use "V" and decimal point together');
      num.flag |= F_DECIMAL;
      break;
    case 'FM':
      num.flag |= F_FILLMODE;
      break;
    case 'S':
      if (has(F_LSIGN)) syntax('cannot use "S" twice');
      if (has(F_PLUS) || has(F_MINUS) || has(F_BRACKET)) syntax('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
      if (!has(F_DECIMAL)) {
        num.lsign = LSIGN_PRE;
        num.preLsignNum = num.pre;
        num.flag |= F_LSIGN;
      } else if (num.lsign === LSIGN_NONE) {
        num.lsign = LSIGN_POST;
        num.flag |= F_LSIGN;
      }
      break;
    case 'MI':
      if (has(F_LSIGN)) syntax('cannot use "S" and "MI" together');
      num.flag |= F_MINUS;
      break;
    case 'PL':
      if (has(F_LSIGN)) syntax('cannot use "S" and "PL" together');
      num.flag |= F_PLUS;
      break;
    case 'SG':
      if (has(F_LSIGN)) syntax('cannot use "S" and "SG" together');
      num.flag |= F_MINUS | F_PLUS;
      break;
    case 'PR':
      if (has(F_LSIGN) || has(F_PLUS) || has(F_MINUS)) syntax('cannot use "PR" and "S"/"PL"/"MI"/"SG" together');
      num.flag |= F_BRACKET;
      break;
    case 'RN': case 'rn':
      num.flag |= F_ROMAN;
      break;
    case 'V':
      if (has(F_DECIMAL)) syntax('cannot use "V" and decimal point together');
      num.flag |= F_MULTI;
      break;
    case 'E':
      if (has(F_EEEE)) syntax('cannot use "EEEE" twice');
      if (has(F_BLANK) || has(F_FILLMODE) || has(F_LSIGN) || has(F_BRACKET) || has(F_MINUS) || has(F_PLUS) || has(F_ROMAN) || has(F_MULTI)) {
        syntax('"EEEE" is incompatible with other formats', '"EEEE" may only be used together with digit and decimal point patterns.');
      }
      num.flag |= F_EEEE;
      break;
    default:
      break;
  }
}

const cache = new Map<string, Template>();

function parseTemplate(fmt: string): Template {
  let t = cache.get(fmt);
  if (t) return t;
  const desc: NumDesc = { pre: 0, post: 0, lsign: LSIGN_NONE, flag: 0, preLsignNum: 0, multi: 0, zeroStart: 0, zeroEnd: 0 };
  const nodes: Node[] = [];
  const chars = Array.from(fmt);
  let i = 0;
  while (i < chars.length) {
    const found = KEYWORDS.find(([name]) => matchesAt(chars, i, name));
    if (found) {
      nodes.push({ kw: found[1] });
      prepare(desc, found[1]);
      i += found[0].length;
      continue;
    }
    if (chars[i] === '"') {
      i++;
      while (i < chars.length) {
        if (chars[i] === '"') { i++; break; }
        if (chars[i] === '\\' && i + 1 < chars.length) i++;
        nodes.push({ ch: chars[i++]! });
      }
      continue;
    }
    if (chars[i] === '\\' && chars[i + 1] === '"') i++;
    nodes.push({ ch: chars[i++]! });
  }
  t = { nodes, desc };
  if (cache.size > 256) cache.clear();
  cache.set(fmt, t);
  return t;
}

function matchesAt(chars: string[], i: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) if (chars[i + k] !== name[k]) return false;
  return true;
}

// ---- to_char ------------------------------------------------------------------------------

const RM1 = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'];
const RM10 = ['X', 'XX', 'XXX', 'XL', 'L', 'LX', 'LXX', 'LXXX', 'XC'];
const RM100 = ['C', 'CC', 'CCC', 'CD', 'D', 'DC', 'DCC', 'DCCC', 'CM'];

function intToRoman(n: number): string {
  if (n > 3999 || n < 1) return '#'.repeat(15);
  const s = String(n);
  let out = '';
  for (let k = 0, len = s.length; k < s.length; k++, len--) {
    const d = s.charCodeAt(k) - 49;
    if (d < 0) continue;
    if (len === 4) out += 'M'.repeat(d + 1);
    else if (len === 3) out += RM100[d];
    else if (len === 2) out += RM10[d];
    else out += RM1[d];
  }
  return out;
}

/** Ordinal suffix of the digits in `num`; the teens take 'th'. */
export function ordinal(num: string, upper: boolean): string {
  const last = num[num.length - 1] ?? '';
  if (!(last >= '0' && last <= '9')) throw new QuiverError(SqlState.invalidTextRepresentation, `"${num}" is not a number`);
  let s = 'th';
  if (!(num.length > 1 && num[num.length - 2] === '1')) {
    if (last === '1') s = 'st';
    else if (last === '2') s = 'nd';
    else if (last === '3') s = 'rd';
  }
  return upper ? s.toUpperCase() : s;
}

function overflowFill(pre: number, post: number): string {
  return '#'.repeat(pre) + '.' + '#'.repeat(post);
}

function intRange(): never {
  throw new QuiverError(SqlState.numericOutOfRange, 'integer out of range');
}

/** The digits to print (no sign) with its sign and the number of blanks before the first digit. */
interface Prepared { numstr: string; sign: string; outPreSpaces: number }

/** Sign, padding and overflow from an already rounded decimal rendering such as "-12.50". */
function fromRendering(org: string, num: NumDesc): Prepared {
  let sign = '+';
  let numstr = org;
  if (org[0] === '-') { sign = '-'; numstr = org.slice(1); }
  const dot = numstr.indexOf('.');
  const preLen = dot >= 0 ? dot : numstr.length;
  let outPreSpaces = 0;
  if (preLen < num.pre) outPreSpaces = num.pre - preLen;
  else if (preLen > num.pre) numstr = overflowFill(num.pre, num.post);
  return { numstr, sign, outPreSpaces };
}

/** Integer rendering with `post` zeros after the point, as int4_to_char / int8_to_char build it. */
function fromIntDigits(digits: string, num: NumDesc): Prepared {
  let sign = '+';
  if (digits[0] === '-') { sign = '-'; digits = digits.slice(1); }
  const preLen = digits.length;
  let numstr = num.post ? digits + '.' + '0'.repeat(num.post) : digits;
  let outPreSpaces = 0;
  if (preLen < num.pre) outPreSpaces = num.pre - preLen;
  else if (preLen > num.pre) numstr = overflowFill(num.pre, num.post);
  return { numstr, sign, outPreSpaces };
}

function pow10n(n: number): bigint { return 10n ** BigInt(n); }

/** |v| / 10^drop rounded half away from zero, with v's sign. */
function roundAway(v: bigint, drop: number): bigint {
  if (drop <= 0) return v * pow10n(-drop);
  const p = pow10n(drop);
  const a = v < 0n ? -v : v;
  let q = a / p;
  if ((a % p) * 2n >= p) q++;
  return v < 0n ? -q : q;
}

/** Decimal text of v / 10^scale with exactly `scale` fraction digits. */
function scaledText(v: bigint, scale: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale === 0) return (neg ? '-' : '') + digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  return (neg ? '-' : '') + digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
}

/** numeric_out_sci: d.ddd…e±XX with `post` fraction digits; 9.999 at two digits stays "10.00e+00". */
function numericSci(d: Decimal, post: number): string {
  if (d.v === 0n) return scaledText(0n, post) + 'e+00';
  const a = d.v < 0n ? -d.v : d.v;
  const e = a.toString().length - 1 - d.s;
  // significand = d / 10^e at scale post: v / 10^(s + e) rescaled.
  const sig = roundAway(d.v, d.s + e - post);
  const ae = Math.abs(e);
  return `${scaledText(sig, post)}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : ae}`;
}

function eeeeNonFinite(num: NumDesc): string {
  const chars = Array.from('#'.repeat(num.pre + num.post + 6));
  chars[0] = ' ';
  chars[num.pre + 1] = '.';
  return chars.join('');
}

export type NumberKind = 'int4' | 'int8' | 'numeric' | 'float4' | 'float8';

/** to_char for a number. An empty template gives ''. */
export function numberToChar(kind: NumberKind, value: number | bigint | Decimal, fmt: string): string {
  if (fmt.length === 0) return '';
  const t = parseTemplate(fmt);
  const num: NumDesc = { ...t.desc };
  const has = (f: number): boolean => (num.flag & f) !== 0;
  let p: Prepared;
  if (has(F_ROMAN)) {
    let n: number;
    if (kind === 'int4') n = value as number;
    else if (kind === 'int8') {
      const b = BigInt(value as number | bigint);
      if (b > 2147483647n || b < -2147483648n) intRange();
      n = Number(b);
    } else if (kind === 'numeric') {
      const d = value as Decimal;
      const r = roundAway(d.v, d.s);
      if (r > 2147483647n || r < -2147483648n) intRange();
      n = Number(r);
    } else {
      // (int) rint(x): out-of-range and NaN convert to INT_MIN, which prints as '#'.
      const x = value as number;
      const r = Number.isFinite(x) ? roundHalfEven(x) : NaN;
      n = r >= -2147483648 && r <= 2147483647 ? r : -2147483648;
    }
    p = { numstr: intToRoman(n), sign: '', outPreSpaces: 0 };
  } else if (has(F_EEEE)) {
    let s: string;
    if (kind === 'numeric' || kind === 'int8') {
      const d = kind === 'numeric' ? value as Decimal : new Decimal(BigInt(value as number | bigint), 0);
      s = numericSci(d, num.post);
      if (s[0] !== '-') s = ' ' + s;
    } else {
      const x = value as number;
      if (!Number.isFinite(x)) s = eeeeNonFinite(num);
      else {
        s = cExp(x, num.post);
        if (s[0] === '+') s = ' ' + s.slice(1);
      }
    }
    return s;
  } else if (kind === 'numeric') {
    let d = value as Decimal;
    if (has(F_MULTI)) {
      d = new Decimal(d.v * pow10n(num.multi), d.s);
      num.pre += num.multi;
    }
    p = fromRendering(scaledText(roundAway(d.v, d.s - num.post), num.post), num);
  } else if (kind === 'int4' || kind === 'int8') {
    let v = BigInt(value as number | bigint);
    if (has(F_MULTI)) {
      if (kind === 'int4') {
        // int4 arithmetic wraps; a multiplier past 10^9 converts to INT_MIN.
        const m = num.multi >= 10 ? -2147483648 : 10 ** num.multi;
        v = BigInt(Math.imul(Number(v), m));
      } else {
        v *= pow10n(num.multi);
        if (num.multi > 18 || v > 9223372036854775807n || v < -9223372036854775808n) {
          throw new QuiverError(SqlState.numericOutOfRange, 'bigint out of range');
        }
      }
      num.pre += num.multi;
    }
    p = fromIntDigits(v.toString(), num);
  } else {
    let x = value as number;
    const single = kind === 'float4';
    if (has(F_MULTI)) {
      x = single ? Math.fround(x * Math.fround(10 ** num.multi)) : x * 10 ** num.multi;
      num.pre += num.multi;
    }
    const preLen = cFixed(Math.abs(x), 0).length;
    const dig = single ? 6 : 15;
    if (preLen >= dig) num.post = 0;
    else if (preLen + num.post > dig) num.post = dig - preLen;
    p = fromRendering(cFixed(x, num.post), num);
  }
  return processToChar(t.nodes, num, p);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** NUM_processor in output direction. */
function processToChar(nodes: Node[], num: NumDesc, p: Prepared): string {
  const has = (f: number): boolean => (num.flag & f) !== 0;
  const number = p.numstr;
  const sign = p.sign;
  const outPreSpaces = p.outPreSpaces;
  let out = '';
  let signWrote: boolean;
  if (num.zeroStart) --num.zeroStart;
  if (has(F_PLUS) || has(F_MINUS)) {
    signWrote = !(has(F_PLUS) && !has(F_MINUS));
  } else {
    if (sign !== '-' && has(F_FILLMODE)) num.flag &= ~F_BRACKET;
    signWrote = sign === '+' && has(F_FILLMODE) && !has(F_LSIGN);
    if (num.lsign === LSIGN_PRE && num.pre === num.preLsignNum) num.lsign = LSIGN_POST;
  }
  let numCount = num.post + num.pre - 1;
  let lastRelevant = -1;
  if (has(F_FILLMODE) && has(F_DECIMAL)) {
    const dot = number.indexOf('.');
    if (dot >= 0) {
      lastRelevant = dot;
      for (let k = dot + 1; k < number.length; k++) if (number[k] !== '0') lastRelevant = k;
      if (num.zeroEnd > outPreSpaces) {
        const lastZero = Math.min(number.length - 1, num.zeroEnd - outPreSpaces);
        if (lastRelevant < lastZero) lastRelevant = lastZero;
      }
    }
  }
  if (!signWrote && outPreSpaces === 0) ++numCount;
  let numIn = false;
  let numCurr = 0;
  let np = 0; // position in number
  const at = (k: number): string => (k < number.length ? number[k]! : '\0');
  const relevantIsDot = (): boolean => lastRelevant >= 0 && at(lastRelevant) === '.';

  const numpart = (kw: Kw): void => {
    if (has(F_ROMAN)) return;
    numIn = false;
    const predecSpace = !has(F_ZERO) && np === 0 && at(0) === '0' && num.post !== 0;
    if (!signWrote && (numCurr >= outPreSpaces || (has(F_ZERO) && num.zeroStart === numCurr)) && (!predecSpace || relevantIsDot())) {
      if (has(F_LSIGN)) {
        if (num.lsign === LSIGN_PRE) {
          out += sign === '-' ? '-' : '+';
          signWrote = true;
        }
      } else if (has(F_BRACKET)) {
        out += sign === '+' ? ' ' : '<';
        signWrote = true;
      } else if (sign === '+') {
        if (!has(F_FILLMODE)) out += ' ';
        signWrote = true;
      } else if (sign === '-') {
        out += '-';
        signWrote = true;
      }
    }
    if (numCurr < outPreSpaces && (num.zeroStart > numCurr || !has(F_ZERO))) {
      if (!has(F_FILLMODE)) out += ' ';
    } else if (has(F_ZERO) && numCurr < outPreSpaces && num.zeroStart <= numCurr) {
      out += '0';
      numIn = true;
    } else {
      if (at(np) === '.') {
        out += '.';
      } else if (lastRelevant >= 0 && np > lastRelevant && kw !== '0') {
        // trailing zero trimmed by FM
      } else if (predecSpace) {
        if (!has(F_FILLMODE)) out += ' ';
        else if (relevantIsDot()) out += '0';
      } else {
        out += at(np);
        numIn = true;
      }
      if (np < number.length) ++np;
    }
    let end = numCount + (outPreSpaces ? 1 : 0) + (has(F_DECIMAL) ? 1 : 0);
    if (lastRelevant >= 0 && lastRelevant === np) end = numCurr;
    if (numCurr + 1 === end) {
      if (signWrote && has(F_BRACKET)) out += sign === '+' ? ' ' : '>';
      else if (has(F_LSIGN) && num.lsign === LSIGN_POST) out += sign === '-' ? '-' : '+';
    }
    ++numCurr;
  };

  for (const n of nodes) {
    if (n.ch !== undefined) { out += n.ch; continue; }
    switch (n.kw) {
      case '9': case '0': case '.': case 'D':
        numpart(n.kw);
        break;
      case ',': case 'G':
        if (!numIn) {
          if (!has(F_FILLMODE)) out += ' ';
        } else out += ',';
        break;
      case 'L':
        out += ' ';
        break;
      case 'RN': case 'rn': {
        const r = n.kw === 'rn' ? number.slice(np).toLowerCase() : number.slice(np);
        out += has(F_FILLMODE) ? r : r.padStart(15, ' ');
        break;
      }
      case 'TH': case 'th':
        if (has(F_ROMAN) || number[0] === '#' || sign === '-' || has(F_DECIMAL)) break;
        out += ordinal(number, n.kw === 'TH');
        break;
      case 'MI':
        if (sign === '-') out += '-';
        else if (!has(F_FILLMODE)) out += ' ';
        break;
      case 'PL':
        if (sign === '+') out += '+';
        else if (!has(F_FILLMODE)) out += ' ';
        break;
      case 'SG':
        out += sign === '' ? '\0' : sign;
        break;
      default:
        break;
    }
  }
  // A NUL written into the output ends the string, as it does in C.
  const nul = out.indexOf('\0');
  return nul >= 0 ? out.slice(0, nul) : out;
}

// ---- to_number ----------------------------------------------------------------------------

/** to_number(text, template); null for an empty template. */
export function toNumber(input: string, fmt: string): Decimal | null {
  if (fmt.length === 0) return null;
  const t = parseTemplate(fmt);
  const num: NumDesc = { ...t.desc };
  const has = (f: number): boolean => (num.flag & f) !== 0;
  if (num.zeroStart) --num.zeroStart;
  if (has(F_EEEE)) throw new QuiverError(SqlState.featureNotSupported, '"EEEE" not supported for input');
  if (has(F_ROMAN)) throw new QuiverError(SqlState.featureNotSupported, '"RN" not supported for input');
  const inp = Array.from(input);
  const len = inp.length;
  let ip = 0;
  let signCh = ' ';
  let digits = '';
  let readDec = false, readPre = 0, readPost = 0;
  const overload = (): boolean => ip >= len;
  const amount = (s: number): boolean => ip <= len - s;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const eatNonData = (n: number): void => {
    while (n-- > 0) {
      if (overload()) break;
      if ('0123456789.,+-'.includes(inp[ip]!)) break;
      ip++;
    }
  };

  const numpartFromChar = (kw: Kw): void => {
    let isread = false;
    if (overload()) return;
    if (inp[ip] === ' ') ip++;
    if (overload()) return;
    if (signCh === ' ' && (kw === '0' || kw === '9') && readPre + readPost === 0) {
      if (has(F_LSIGN) && num.lsign === LSIGN_PRE) {
        if (amount(1) && inp[ip] === '-') { ip++; signCh = '-'; }
        else if (amount(1) && inp[ip] === '+') { ip++; signCh = '+'; }
      } else if (inp[ip] === '-' || (has(F_BRACKET) && inp[ip] === '<')) {
        signCh = '-';
        ip++;
      } else if (inp[ip] === '+') {
        signCh = '+';
        ip++;
      }
    }
    if (overload()) return;
    if (isDigit(inp[ip])) {
      if (readDec && readPost === num.post) return;
      digits += inp[ip];
      if (readDec) readPost++;
      else readPre++;
      isread = true;
    } else if (has(F_DECIMAL) && !readDec) {
      if (amount(1) && inp[ip] === '.') {
        digits += '.';
        readDec = true;
        isread = true;
      }
    }
    if (overload()) return;
    if (signCh === ' ' && readPre + readPost > 0) {
      if (has(F_LSIGN) && isread && ip + 1 < len && !isDigit(inp[ip + 1])) {
        const tmp = ip++;
        if (amount(1) && inp[ip] === '-') signCh = '-';
        else if (amount(1) && inp[ip] === '+') signCh = '+';
        if (signCh === ' ') ip = tmp;
      } else if (!isread && !has(F_LSIGN) && (has(F_PLUS) || has(F_MINUS))) {
        if (inp[ip] === '-' || inp[ip] === '+') signCh = inp[ip]!;
      }
    }
  };

  for (const n of t.nodes) {
    if (overload()) break;
    if (n.ch !== undefined) { ip++; continue; }
    switch (n.kw) {
      case '9': case '0': case '.': case 'D':
        numpartFromChar(n.kw);
        break;
      // to_number never sets num_in, so FM skips group separators outright.
      case ',':
        if (has(F_FILLMODE) || inp[ip] !== ',') continue;
        break;
      case 'G':
        if (has(F_FILLMODE) || !(amount(1) && inp[ip] === ',')) continue;
        break;
      case 'L':
        eatNonData(1);
        continue;
      case 'TH': case 'th':
        eatNonData(2);
        continue;
      case 'MI':
        if (inp[ip] === '-') signCh = '-';
        else { eatNonData(1); continue; }
        break;
      case 'PL':
        if (inp[ip] === '+') signCh = '+';
        else { eatNonData(1); continue; }
        break;
      case 'SG':
        if (inp[ip] === '-') signCh = '-';
        else if (inp[ip] === '+') signCh = '+';
        else { eatNonData(1); continue; }
        break;
      default:
        continue;
    }
    ip++;
  }
  if (digits.endsWith('.')) digits = digits.slice(0, -1);
  const text = signCh + digits;
  const scale = readPost;
  const precision = num.pre + num.multi + scale;
  const body = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(body)) {
    throw new QuiverError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
  }
  let d = applyTypmod(Decimal.parse(body.replace(/^\+/, '')), precision, scale);
  if (has(F_MULTI)) {
    // Multiplied by numeric_power(10, -multi), which comes back at scale 16 (zero past 10^-16).
    d = new Decimal(num.multi <= 16 ? d.v * pow10n(16 - num.multi) : 0n, d.s + 16);
  }
  return d;
}

