/**
 * C printf's %.*f and %+.*e for doubles, digit for digit. The formatting templates of to_char
 * print floats through printf, which rounds the exact binary value half to even; JavaScript's
 * toFixed/toExponential round ties up, so the exact value is expanded here with bigints.
 * Non-finite values print as PostgreSQL's own snprintf prints them: NaN, Infinity, -Infinity.
 */

const pow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  let p = pow10Cache[n];
  if (p === undefined) pow10Cache[n] = p = 10n ** BigInt(n);
  return p;
}

/** |x| = n / 10^s exactly (x finite). */
function exact(x: number): { n: bigint; s: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  if (e >= 0) return { n: mant << BigInt(e), s: 0 };
  return { n: mant * 5n ** BigInt(-e), s: -e };
}

/** n / 10^drop rounded half to even. */
function roundEven(n: bigint, drop: number): bigint {
  if (drop <= 0) return n * pow10(-drop);
  const p = pow10(drop);
  let q = n / p;
  const r2 = (n % p) * 2n;
  if (r2 > p || (r2 === p && (q & 1n) === 1n)) q++;
  return q;
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return null;
}

/** printf("%.*f", prec, x). */
export function cFixed(x: number, prec: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  // toFixed rounds the exact value too, differing from printf only on exact ties (which it
  // rounds up): away from a possible tie its answer is printf's.
  if (Math.abs(x) < 1e21 && prec <= 100) {
    const y = Math.abs(x) * 10 ** prec;
    const frac = y - Math.floor(y);
    if (Math.abs(frac - 0.5) > 1e-12 * Math.max(1, y) && !Object.is(x, -0)) {
      const r = x.toFixed(prec);
      // toFixed drops the sign of a negative value that rounds to zero; printf keeps it.
      return x < 0 && r[0] !== '-' ? '-' + r : r;
    }
  }
  const { n, s } = exact(x);
  const q = roundEven(n, s - prec).toString();
  const neg = x < 0 || Object.is(x, -0);
  let body: string;
  if (prec === 0) body = q;
  else {
    const digits = q.length <= prec ? '0'.repeat(prec - q.length + 1) + q : q;
    body = digits.slice(0, digits.length - prec) + '.' + digits.slice(digits.length - prec);
  }
  return (neg ? '-' : '') + body;
}

/** printf("%+.*e", prec, x). */
export function cExp(x: number, prec: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : '+';
  let digits: string;
  let e = 0;
  if (x === 0) digits = '0'.repeat(prec + 1);
  else {
    const { n, s } = exact(x);
    const len = n.toString().length;
    e = len - 1 - s;
    digits = roundEven(n, len - (prec + 1)).toString();
    if (digits.length > prec + 1) {
      digits = digits.slice(0, prec + 1);
      e++;
    }
  }
  const mant = prec > 0 ? digits[0] + '.' + digits.slice(1) : digits;
  const ae = Math.abs(e);
  return `${sign}${mant}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : ae}`;
}
