/**
 * Exact decimal arithmetic with PostgreSQL's numeric semantics: a value is an unscaled bigint
 * and a display scale, and every operation picks its result scale the way numeric.c does.
 * NaN and the infinities are not representable; inputs that would produce them are rejected.
 */
import { QuiverError } from './errors.js';

/** NUMERIC_MIN_SIG_DIGITS: results of division and transcendental functions get at least this many. */
const MIN_SIG_DIGITS = 16;
/** NUMERIC_MAX_DISPLAY_SCALE: cap for chosen (not user-requested) result scales. */
const MAX_DISPLAY_SCALE = 1000;
/** NUMERIC_DSCALE_MAX: the largest scale the on-disk format can hold. */
const MAX_SCALE = 16383;
/** Digits before the decimal point the on-disk format can hold ((NUMERIC_WEIGHT_MAX + 1) * 4). */
const MAX_INT_DIGITS = 131072;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POW10.push(p);

function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n]! : 10n ** BigInt(n);
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Number of decimal digits of |x| (1 for zero). */
function digitCount(x: bigint): number {
  const a = absBig(x);
  if (a < 9007199254740992n) {
    const n = Number(a);
    let c = 1;
    while (c < 16 && n >= 10 ** c) c++;
    return c;
  }
  return a.toString().length;
}

/** Integer division rounding half away from zero. */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  if (r === 0n) return q;
  const twice = absBig(r) * 2n;
  if (twice >= absBig(d)) return (n < 0n) !== (d < 0n) ? q - 1n : q + 1n;
  return q;
}

/** Floor of the square root of a non-negative bigint. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  if (n < 4503599627370496n) {
    let r = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (r * r > n) r--;
    while ((r + 1n) * (r + 1n) <= n) r++;
    return r;
  }
  // Newton's method from an overestimate converges monotonically downwards.
  const bits = n.toString(2).length;
  let x = 1n << BigInt(Math.ceil(bits / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

function overflow(): QuiverError {
  return new QuiverError('22003', 'value overflows numeric format');
}

export class Decimal {
  /** Unscaled value: the number is v / 10^s. */
  readonly v: bigint;
  /** Display scale (digits after the decimal point), always >= 0. */
  readonly s: number;

  constructor(v: bigint, s: number) {
    if (!Number.isInteger(s) || s < 0) throw new QuiverError('XX000', `internal error: bad numeric scale ${s}`);
    this.v = v;
    this.s = s;
  }

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  /** PostgreSQL numeric input syntax. */
  static parse(text: string): Decimal {
    const m = /^[ \t\n\r\v\f]*([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?[ \t\n\r\v\f]*$/.exec(text);
    if (!m) {
      if (/^\s*[+-]?(nan|inf|infinity)\s*$/i.test(text)) {
        throw new QuiverError('0A000', `numeric value "${text.trim()}" is not supported`);
      }
      throw new QuiverError('22P02', `invalid input syntax for type numeric: "${text}"`);
    }
    const intPart = m[2] ?? '';
    const frac = m[3] ?? m[4] ?? '';
    let exp = 0;
    if (m[5] !== undefined) {
      // Exponents this large cannot produce a representable value either way.
      if (m[5].replace(/^[+-]?0*/, '').length > 9) throw overflow();
      exp = parseInt(m[5], 10);
    }
    let v = BigInt(intPart + frac);
    let s = frac.length - exp;
    if (s < 0) {
      v *= pow10(-s);
      s = 0;
    }
    if (s > MAX_SCALE) throw overflow();
    if (m[1] === '-') v = -v;
    const d = new Decimal(v, s);
    if (v !== 0n && digitCount(v) - s > MAX_INT_DIGITS) throw overflow();
    return d;
  }

  static fromInt(n: number | bigint): Decimal {
    if (typeof n === 'number') {
      if (!Number.isInteger(n)) return Decimal.fromFloat(n);
      return new Decimal(BigInt(n), 0);
    }
    return new Decimal(n, 0);
  }

  /** float8 → numeric: PostgreSQL prints the double with 15 significant digits (DBL_DIG) and parses that. */
  static fromFloat(x: number): Decimal {
    return Decimal.fromFloatDigits(x, 15);
  }

  /** float4 → numeric: PostgreSQL prints the real with 6 significant digits (FLT_DIG) and parses that. */
  static fromFloat4(x: number): Decimal {
    return Decimal.fromFloatDigits(x, 6);
  }

  /** The number `%.<digits>g` prints, read back as a numeric. */
  private static fromFloatDigits(x: number, digits: number): Decimal {
    if (Number.isNaN(x)) throw new QuiverError('0A000', 'cannot convert NaN to numeric');
    if (!Number.isFinite(x)) throw new QuiverError('0A000', 'cannot convert infinity to numeric');
    if (x === 0) return Decimal.ZERO;
    const tNext = x.toPrecision(digits + 1);
    const mNext = tNext.indexOf('e') < 0 ? tNext : tNext.slice(0, tNext.indexOf('e'));
    if (!mNext.endsWith('5')) {
      // Not a possible tie at the last digit, where JavaScript (ties up) and printf (ties to even) differ.
      const t = x.toPrecision(digits);
      const e = t.indexOf('e');
      let mant = e < 0 ? t : t.slice(0, e);
      if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
      return Decimal.parse(mant + (e < 0 ? '' : t.slice(e)));
    }
    return exactDouble(x).roundSignificant(digits);
  }

  /** Rounds to `n` significant digits half to even and drops trailing fractional zeros, as %.<n>g. */
  private roundSignificant(n: number): Decimal {
    const digits = digitCount(this.v);
    const drop = digits - n;
    if (drop <= 0) return this.trimScale();
    const p = pow10(drop);
    let q = absBig(this.v) / p;
    const r = absBig(this.v) % p;
    const half = p / 2n;
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    if (this.v < 0n) q = -q;
    const d = drop <= this.s ? new Decimal(q, this.s - drop) : new Decimal(q * pow10(drop - this.s), 0);
    return d.trimScale();
  }

  toString(): string {
    const neg = this.v < 0n;
    let digits = absBig(this.v).toString();
    if (this.s === 0) return neg ? '-' + digits : digits;
    if (digits.length <= this.s) digits = '0'.repeat(this.s - digits.length + 1) + digits;
    const p = digits.length - this.s;
    return (neg ? '-' : '') + digits.slice(0, p) + '.' + digits.slice(p);
  }

  toJSON(): string {
    return this.toString();
  }

  /** Nearest double. */
  toNumber(): number {
    const v = this.v;
    if (this.s === 0) return Number(v);
    if (this.s <= 22 && v > -9007199254740992n && v < 9007199254740992n) {
      // Both operands are exact doubles, so one correctly rounded division gives the nearest double.
      return Number(v) / 10 ** this.s;
    }
    return parseFloat(this.toString());
  }

  /** Rounds half away from zero to an integer, as numeric → integer casts do. */
  toBigIntRound(): bigint {
    if (this.s === 0) return this.v;
    return divRound(this.v, pow10(this.s));
  }

  /** The unscaled value at a scale >= this.s. */
  private scaledTo(s: number): bigint {
    return s === this.s ? this.v : this.v * pow10(s - this.s);
  }

  add(b: Decimal): Decimal {
    if (this.s === b.s) return new Decimal(this.v + b.v, this.s);
    if (this.s > b.s) return new Decimal(this.v + b.scaledTo(this.s), this.s);
    return new Decimal(this.scaledTo(b.s) + b.v, b.s);
  }

  sub(b: Decimal): Decimal {
    if (this.s === b.s) return new Decimal(this.v - b.v, this.s);
    if (this.s > b.s) return new Decimal(this.v - b.scaledTo(this.s), this.s);
    return new Decimal(this.scaledTo(b.s) - b.v, b.s);
  }

  mul(b: Decimal): Decimal {
    return new Decimal(this.v * b.v, this.s + b.s);
  }

  div(b: Decimal): Decimal {
    if (b.v === 0n) throw new QuiverError('22012', 'division by zero');
    const w1 = nbaseLead(this), w2 = nbaseLead(b);
    // select_div_scale: estimate the quotient's weight in base-10000 digits.
    let qweight = w1.weight - w2.weight;
    if (w1.first <= w2.first) qweight--;
    let rscale = MIN_SIG_DIGITS - qweight * 4;
    rscale = Math.max(rscale, this.s, b.s, 0);
    rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
    return divToScale(this, b, rscale);
  }

  /** Remainder with the sign of the dividend (truncating division), scale max(s1, s2). */
  mod(b: Decimal): Decimal {
    if (b.v === 0n) throw new QuiverError('22012', 'division by zero');
    const s = Math.max(this.s, b.s);
    const x = this.scaledTo(s), y = b.scaledTo(s);
    return new Decimal(x % y, s);
  }

  /** Integer quotient truncated toward zero (PostgreSQL div()). */
  intDiv(b: Decimal): Decimal {
    if (b.v === 0n) throw new QuiverError('22012', 'division by zero');
    const s = Math.max(this.s, b.s);
    return new Decimal(this.scaledTo(s) / b.scaledTo(s), 0);
  }

  neg(): Decimal {
    return new Decimal(-this.v, this.s);
  }

  abs(): Decimal {
    return this.v < 0n ? new Decimal(-this.v, this.s) : this;
  }

  sign(): number {
    return this.v > 0n ? 1 : this.v < 0n ? -1 : 0;
  }

  isZero(): boolean {
    return this.v === 0n;
  }

  isInteger(): boolean {
    return this.s === 0 || this.v % pow10(this.s) === 0n;
  }

  cmp(b: Decimal): -1 | 0 | 1 {
    let x = this.v, y = b.v;
    if (this.s !== b.s) {
      // Different signs decide without rescaling.
      if ((x < 0n) !== (y < 0n)) return x < 0n ? -1 : 1;
      if (this.s < b.s) x = this.scaledTo(b.s);
      else y = b.scaledTo(this.s);
    }
    return x < y ? -1 : x > y ? 1 : 0;
  }

  equals(b: Decimal): boolean {
    return this.cmp(b) === 0;
  }

  /** Rounds half away from zero to `scale` digits; a negative scale rounds left of the point and gives scale 0. */
  round(scale: number): Decimal {
    return roundTo(this, clampScaleArg(scale));
  }

  trunc(scale: number): Decimal {
    scale = clampScaleArg(scale);
    if (scale >= this.s) return new Decimal(this.scaledTo(scale), scale);
    const r = this.v / pow10(this.s - scale);
    if (scale >= 0) return new Decimal(r, scale);
    return new Decimal(r * pow10(-scale), 0);
  }

  floor(): Decimal {
    if (this.s === 0) return this;
    const p = pow10(this.s);
    let q = this.v / p;
    if (this.v < 0n && q * p !== this.v) q -= 1n;
    return new Decimal(q, 0);
  }

  ceil(): Decimal {
    if (this.s === 0) return this;
    const p = pow10(this.s);
    let q = this.v / p;
    if (this.v > 0n && q * p !== this.v) q += 1n;
    return new Decimal(q, 0);
  }

  /** Key equal for numerically equal values whatever their scale (1.0 and 1.00 share one). */
  hashKey(): string {
    let v = this.v, s = this.s;
    if (s === 0 || v === 0n) return v.toString();
    while (s > 0 && v % 10n === 0n) {
      v /= 10n;
      s--;
    }
    return s === 0 ? v.toString() : v.toString() + 'e-' + s;
  }

  /** The value with trailing fractional zeros removed (PostgreSQL trim_scale). */
  trimScale(): Decimal {
    let v = this.v, s = this.s;
    while (s > 0 && v % 10n === 0n) {
      v /= 10n;
      s--;
    }
    return s === this.s ? this : new Decimal(v, s);
  }
}

/** The exact value of a finite double. */
function exactDouble(x: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const bexp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  let d: Decimal;
  if (e2 >= 0) d = new Decimal(mant << BigInt(e2), 0);
  else d = new Decimal(mant * 5n ** BigInt(-e2), -e2); // m / 2^k = m * 5^k / 10^k
  return neg ? d.neg() : d;
}

/** round() without the clamp on the scale argument, for internal working scales. */
function roundTo(d: Decimal, scale: number): Decimal {
  if (scale >= d.s) return new Decimal(scale === d.s ? d.v : d.v * pow10(scale - d.s), scale);
  const r = divRound(d.v, pow10(d.s - scale));
  if (scale >= 0) return new Decimal(r, scale);
  return new Decimal(r * pow10(-scale), 0);
}

/** PostgreSQL clamps user-supplied scales of round/trunc to ±NUMERIC_MAX_RESULT_SCALE. */
function clampScaleArg(scale: number): number {
  return Math.max(-2000, Math.min(2000, Math.trunc(scale)));
}

/**
 * Weight and value of the leading non-zero base-10000 digit, as numeric.c sees the number
 * (its digits are aligned so that the decimal point falls between base-10000 digits).
 * Zero has weight 0 and first digit 0.
 */
function nbaseLead(d: Decimal): { weight: number; first: number } {
  if (d.v === 0n) return { weight: 0, first: 0 };
  const a = absBig(d.v);
  const e = digitCount(a) - 1 - d.s; // decimal exponent of the leading digit
  const weight = Math.floor(e / 4);
  const shift = d.s + 4 * weight;
  const first = shift >= 0 ? a / pow10(shift) : a * pow10(-shift);
  return { weight, first: Number(first) };
}

/** a / b rounded half away from zero to `rscale` digits. */
function divToScale(a: Decimal, b: Decimal, rscale: number): Decimal {
  const k = rscale - a.s + b.s;
  let n = a.v, d = b.v;
  if (k >= 0) n *= pow10(k);
  else d *= pow10(-k);
  return new Decimal(divRound(n, d), rscale);
}

/**
 * Running sum for aggregates: keeps one bigint at the widest scale seen, so adding a value of
 * that scale allocates nothing but the bigint itself.
 */
export class DecimalSum {
  private v = 0n;
  private s = 0;
  count = 0;

  add(d: Decimal): void {
    this.count++;
    if (d.s === this.s) this.v += d.v;
    else if (d.s < this.s) this.v += d.v * pow10(this.s - d.s);
    else {
      this.v = this.v * pow10(d.s - this.s) + d.v;
      this.s = d.s;
    }
  }

  addSum(o: DecimalSum): void {
    this.count += o.count;
    if (o.count === 0) return;
    const s = Math.max(this.s, o.s);
    this.v = this.v * pow10(s - this.s) + o.v * pow10(s - o.s);
    this.s = s;
  }

  /** Adds `count` values whose sum is v / 10^s (a fixed-point partial sum). */
  addFixed(v: bigint, s: number, count: number): void {
    if (count === 0) return;
    this.count += count;
    const t = Math.max(this.s, s);
    this.v = this.v * pow10(t - this.s) + v * pow10(t - s);
    this.s = t;
  }

  /** The state as plain data (unscaled sum, scale, count), e.g. to send it to another thread. */
  parts(): [bigint, number, number] { return [this.v, this.s, this.count]; }

  static fromParts(v: bigint, s: number, count: number): DecimalSum {
    const d = new DecimalSum();
    d.v = v; d.s = s; d.count = count;
    return d;
  }

  /** The sum; null when nothing was added (SQL SUM of no rows). */
  result(): Decimal | null {
    return this.count === 0 ? null : new Decimal(this.v, this.s);
  }

  /** sum / count with numeric division's scale rule, as avg(numeric). */
  average(): Decimal | null {
    return this.count === 0 ? null : new Decimal(this.v, this.s).div(new Decimal(BigInt(this.count), 0));
  }
}

/** numeric(precision, scale) coercion: round to scale, then reject values with too many integer digits. */
export function applyTypmod(d: Decimal, precision: number, scale: number): Decimal {
  const r = d.round(scale);
  const maxdigits = precision - scale;
  if (r.v !== 0n) {
    const intDigits = digitCount(r.v) - r.s; // digits left of the point (may be <= 0)
    if (intDigits > maxdigits) {
      throw new QuiverError('22003', 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxdigits ? `10^${maxdigits}` : '1'}.`,
      });
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Transcendental functions. They are evaluated in bigint fixed point with guard digits and then
// rounded to the result scale numeric.c would choose, so results agree with PostgreSQL's digits.

/** Decimal exponent of the leading digit of a non-zero value: |d| in [10^e, 10^(e+1)). */
function decExponent(d: Decimal): number {
  return digitCount(d.v) - 1 - d.s;
}

/** ln(x) for x > 0 as a bigint at fixed point scale p (value ≈ ln(x) * 10^p). */
function lnFixed(x: Decimal, p: number): bigint {
  const e = decExponent(x);
  // x = m * 10^e with 1 <= m < 10, so ln x = ln m + e ln 10.
  const guard = 12 + (e === 0 ? 0 : digitCount(BigInt(Math.abs(e))));
  const w = p + guard;
  const mShift = x.s + e; // m = v / 10^(s+e)
  const one = pow10(w);
  let m = mShift >= 0 ? (absBig(x.v) * one) / pow10(mShift) : absBig(x.v) * one * pow10(-mShift);
  let r = lnNearOne(m, w);
  if (e !== 0) r += BigInt(e) * ln10Fixed(w);
  return r / pow10(guard) + roundBit(r, guard);
}

/** Half-away-from-zero rounding correction when dropping `digits` digits of r. */
function roundBit(r: bigint, digits: number): bigint {
  const p = pow10(digits);
  const rem = r % p;
  if (absBig(rem) * 2n >= p) return r < 0n ? -1n : 1n;
  return 0n;
}

/** ln(m) at fixed scale w for a fixed-point m in (0, 10^(w+1)). */
function lnNearOne(m: bigint, w: number): bigint {
  const one = pow10(w);
  // Square roots bring m close to 1, where the atanh series converges fast.
  const lo = one - one / 20n, hi = one + one / 20n;
  let halvings = 0;
  while (m < lo || m > hi) {
    m = isqrt(m * one);
    halvings++;
  }
  // ln m = 2 atanh(z), z = (m-1)/(m+1)
  const z = ((m - one) * one) / (m + one);
  const z2 = (z * z) / one;
  let term = z, sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) / one;
  }
  return (sum * 2n) << BigInt(halvings);
}

let ln10Cache: { w: number; v: bigint } | null = null;
function ln10Fixed(w: number): bigint {
  if (ln10Cache && ln10Cache.w >= w) return ln10Cache.v / pow10(ln10Cache.w - w);
  const ww = w + 10;
  const v = lnNearOne(10n * pow10(ww), ww);
  ln10Cache = { w: ww, v };
  return v / pow10(10);
}

/**
 * exp(x) rounded to rscale, following numeric.c's exp_var step by step (range reduction,
 * Taylor series at a working scale, squaring back). Mirroring its intermediate rounding rather
 * than rounding the exact value is what makes the last digit agree with PostgreSQL.
 */
function expVar(x: Decimal, rscale: number): Decimal {
  let val = x.toNumber();
  if (Math.abs(val) >= 6000) {
    if (val > 0) throw overflow();
    return new Decimal(0n, rscale);
  }
  const dweight = Math.trunc(val * 0.434294481903252);
  let ndiv2 = 0;
  if (Math.abs(val) > 0.01) {
    ndiv2 = 1;
    val /= 2;
    while (Math.abs(val) > 0.01) {
      ndiv2++;
      val /= 2;
    }
    x = divToScale(x, new Decimal(1n << BigInt(ndiv2), 0), x.s + ndiv2);
  }
  const sigDigits = Math.max(1 + dweight + rscale + Math.trunc(ndiv2 * 0.301029995663981), 0) + 8;
  let local = sigDigits - 1;
  let result = Decimal.ONE.add(x);
  let elem = roundTo(x.mul(x), local);
  let ni = 2;
  elem = divToScale(elem, new Decimal(BigInt(ni), 0), local);
  while (elem.v !== 0n) {
    result = result.add(elem);
    elem = roundTo(elem.mul(x), local);
    ni++;
    elem = divToScale(elem, new Decimal(BigInt(ni), 0), local);
  }
  while (ndiv2-- > 0) {
    local = Math.max(sigDigits - nbaseLead(result).weight * 2 * 4, 0);
    result = roundTo(result.mul(result), local);
  }
  return roundTo(result, rscale);
}

export function sqrtDecimal(d: Decimal): Decimal {
  if (d.v < 0n) throw new QuiverError('2201F', 'cannot take square root of a negative number');
  const { weight } = nbaseLead(d);
  // numeric_sqrt: about 16 significant digits, never fewer than the input's scale.
  const sweight = Math.trunc(((weight + 1) * 4) / 2) - 1;
  let rscale = MIN_SIG_DIGITS - sweight;
  rscale = Math.max(rscale, d.s, 0);
  rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
  // floor(sqrt(x) * 10^(rscale+1)), then round on the extra digit.
  const n = d.v * pow10(2 * rscale + 2 - d.s);
  const r = isqrt(n);
  const q = r / 10n, last = r % 10n;
  return new Decimal(last >= 5n ? q + 1n : q, rscale);
}

/** estimate_ln_dweight: rough decimal weight of ln(x), which decides ln's result scale. */
function estimateLnDweight(x: Decimal): number {
  if (x.v <= 0n) return 0;
  const lo = new Decimal(9n, 1), hi = new Decimal(11n, 1);
  if (x.cmp(lo) >= 0 && x.cmp(hi) <= 0) {
    const t = x.sub(Decimal.ONE);
    return t.v === 0n ? 0 : decExponent(t);
  }
  const a = absBig(x.v);
  const { weight } = nbaseLead(x);
  // First base-10000 digit, plus the second when the number has more than one.
  const shift1 = x.s + 4 * weight;
  const unit1 = shift1 >= 0 ? pow10(shift1) : 1n;
  const more = shift1 > 0 && a % unit1 !== 0n;
  let digits: number, dweight: number;
  if (more) {
    const shift2 = shift1 - 4;
    digits = Number(shift2 >= 0 ? a / pow10(shift2) : a * pow10(-shift2));
    dweight = (weight - 1) * 4;
  } else {
    digits = Number(shift1 >= 0 ? a / unit1 : a * pow10(-shift1));
    dweight = weight * 4;
  }
  const lnVar = Math.log(digits) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

export function lnDecimal(d: Decimal): Decimal {
  if (d.v === 0n) throw new QuiverError('2201E', 'cannot take logarithm of zero');
  if (d.v < 0n) throw new QuiverError('2201E', 'cannot take logarithm of a negative number');
  let rscale = MIN_SIG_DIGITS - estimateLnDweight(d);
  rscale = Math.max(rscale, d.s, 0);
  rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
  return new Decimal(lnFixed(d, rscale), rscale);
}

/** log10(x) as numeric log(x): scale chosen like ln's, from the estimated weight of the result. */
export function log10Decimal(d: Decimal): Decimal {
  return logDecimal(new Decimal(10n, 0), d);
}

/** log(base, x) as PostgreSQL's log(numeric, numeric). */
export function logDecimal(base: Decimal, x: Decimal): Decimal {
  for (const a of [base, x]) {
    if (a.v === 0n) throw new QuiverError('2201E', 'cannot take logarithm of zero');
    if (a.v < 0n) throw new QuiverError('2201E', 'cannot take logarithm of a negative number');
  }
  // log_var: result scale from the estimated weights of ln(num) - ln(base).
  const dwNum = estimateLnDweight(x), dwBase = estimateLnDweight(base);
  let rscale = MIN_SIG_DIGITS - (dwNum - dwBase);
  rscale = Math.max(rscale, base.s, x.s, 0);
  rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
  const p = rscale + 12 + Math.max(0, -dwBase);
  const lb = lnFixed(base, p), lx = lnFixed(x, p);
  if (lb === 0n) throw new QuiverError('22012', 'division by zero');
  return divToScale(new Decimal(lx, p), new Decimal(lb, p), rscale);
}

export function expDecimal(d: Decimal): Decimal {
  const x = d.toNumber();
  let val = x * 0.434294481903252;
  val = Math.max(-2000, Math.min(2000, val));
  let rscale = MIN_SIG_DIGITS - Math.trunc(val);
  rscale = Math.max(rscale, d.s, 0);
  rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
  return expVar(d, rscale);
}

/** power(base, exp) with numeric's special cases, errors and scale selection. */
export function powerDecimal(base: Decimal, exp: Decimal): Decimal {
  if (base.v === 0n && exp.v < 0n) {
    throw new QuiverError('2201F', 'zero raised to a negative power is undefined');
  }
  if (exp.isInteger()) {
    const n = exp.s === 0 ? exp.v : exp.v / pow10(exp.s);
    if (n >= -2147483648n && n <= 2147483647n) {
      let rscale = Math.max(MIN_SIG_DIGITS, base.s, 0);
      rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
      return powerInt(base, Number(n), rscale);
    }
  }
  if (base.v === 0n) return new Decimal(0n, MIN_SIG_DIGITS);
  let neg = false;
  let b = base;
  if (base.v < 0n) {
    if (!exp.isInteger()) {
      throw new QuiverError('2201F', 'a negative number raised to a non-integer power yields a complex result');
    }
    neg = ((exp.v / pow10(exp.s)) & 1n) === 1n;
    b = base.neg();
  }
  // A low-precision estimate of exp * ln(base) sizes the result, exactly as power_var does.
  const lnDweight = estimateLnDweight(b);
  const localScale = Math.max(8 - lnDweight, 0);
  const lnLow = new Decimal(lnFixed(b, localScale), localScale);
  let val = roundTo(lnLow.mul(exp), localScale).toNumber();
  if (Math.abs(val) > 2000 * 3.01) {
    if (val > 0) throw overflow();
    return new Decimal(0n, MAX_DISPLAY_SCALE);
  }
  val *= 0.434294481903252;
  let rscale = MIN_SIG_DIGITS - Math.trunc(val);
  rscale = Math.max(rscale, b.s, exp.s, 0);
  rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
  const sigDigits = Math.max(rscale + Math.trunc(val), 0);
  const scale2 = Math.max(sigDigits - lnDweight + 8, 0);
  const lnNum = roundTo(new Decimal(lnFixed(b, scale2), scale2).mul(exp), scale2);
  const out = expVar(lnNum, rscale);
  return neg ? out.neg() : out;
}

/**
 * base^n for an int32 exponent, rounded to rscale, by power_var_int's square-and-multiply with
 * its working scales (exact whenever the operands' scales are small enough, as is usual).
 */
function powerInt(base: Decimal, n: number, rscale: number): Decimal {
  switch (n) {
    case 0: return new Decimal(pow10(rscale), rscale);
    case 1: return roundTo(base, rscale);
    case -1: return divToScale(Decimal.ONE, base, rscale);
    case 2: return roundTo(base.mul(base), rscale);
  }
  if (base.v === 0n) return new Decimal(0n, rscale);
  // Estimate the decimal weight of the result from the leading 16 digits of the base.
  const head = nbaseHead(base);
  const f = n * (Math.log10(head.f) + head.p);
  if (f > 3 * 32767 * 4) throw overflow();
  if (f + 1 < -rscale || f + 1 < -MAX_DISPLAY_SCALE) return new Decimal(0n, rscale);
  const sigDigits = 1 + rscale + Math.trunc(f) + Math.trunc(Math.log(Math.abs(n))) + 8;
  const neg = n < 0;
  let mask = Math.abs(n);
  let prod = base;
  let result = mask & 1 ? base : Decimal.ONE;
  while ((mask = Math.floor(mask / 2)) > 0) {
    let local = Math.min(sigDigits - 2 * nbaseLead(prod).weight * 4, 2 * prod.s);
    prod = roundTo(prod.mul(prod), Math.max(local, 0));
    if (mask & 1) {
      local = Math.min(sigDigits - (nbaseLead(prod).weight + nbaseLead(result).weight) * 4, prod.s + result.s);
      result = roundTo(prod.mul(result), Math.max(local, 0));
    }
    if (nbaseLead(prod).weight > 32767 || nbaseLead(result).weight > 32767) {
      if (!neg) throw overflow();
      return new Decimal(0n, rscale);
    }
  }
  if (neg) {
    if (result.v === 0n) throw new QuiverError('22012', 'division by zero');
    return divToScale(Decimal.ONE, result, rscale);
  }
  return roundTo(result, rscale);
}

/** The base as f * 10^p, f made of its first (up to four) base-10000 digits, as power_var_int reads it. */
function nbaseHead(d: Decimal): { f: number; p: number } {
  const { weight } = nbaseLead(d);
  const s4 = Math.ceil(d.s / 4) * 4;
  let a = absBig(d.v) * pow10(s4 - d.s);
  let low = -s4 / 4; // weight of a's last base-10000 digit
  while (a % 10000n === 0n) {
    a /= 10000n;
    low++;
  }
  const ndigits = weight - low + 1;
  const k = Math.min(ndigits, 4);
  const f = Number(a / 10000n ** BigInt(ndigits - k));
  return { f, p: weight * 4 - 4 * (k - 1) };
}
