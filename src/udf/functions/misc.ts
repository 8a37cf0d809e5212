/**
 * Session and system information functions, pg_typeof, and the random number generator behind
 * random() and setseed().
 */
import { QuiverError, SqlState } from '../../common/errors.js';
import { T, typeName, isTimestampTz, type SqlType } from '../../common/types.js';
import { registerScalar, type FunctionContext } from '../registry.js';

export const VERSION = 'PostgreSQL 15 compatible (Quiver 0.1.0)';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * The generator behind random() and setseed(): xoshiro128**, four 32-bit words of state. Small,
 * fast and good enough for SQL random(). Each session has its own, so setseed in one session does
 * not change the sequence another sees.
 */
export class Prng {
  private readonly st = new Uint32Array(4);

  constructor() {
    this.seedState((Math.random() * 4294967296) >>> 0, (Math.random() * 4294967296) >>> 0);
  }

  private seedState(hi: number, lo: number): void {
    const st = this.st;
    const a = splitmix32(hi ^ 0x6a09e667), b = splitmix32(lo ^ 0xbb67ae85);
    st[0] = a(); st[1] = b(); st[2] = a() ^ b(); st[3] = b();
    // The all-zero state is a fixed point of the generator.
    if ((st[0]! | st[1]! | st[2]! | st[3]!) === 0) st[0] = 1;
  }

  private next32(): number {
    const st = this.st;
    const s0 = st[0]!, s1 = st[1]!, s2 = st[2]!, s3 = st[3]!;
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    st[2] = s2 ^ s0;
    st[3] = s3 ^ s1;
    st[1] = s1 ^ st[2]!;
    st[0] = s0 ^ st[3]!;
    st[2] = st[2]! ^ t;
    st[3] = (st[3]! << 11) | (st[3]! >>> 21);
    return r;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.next32() >>> 5, b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** setseed(seed) with seed in [-1, 1] (checked by the SQL function). */
  seed(seed: number): void {
    // Scale to a 64-bit integer as PostgreSQL does, then seed from its two halves.
    const i = BigInt.asUintN(64, BigInt(Math.trunc(seed * 9223372036854775807)));
    this.seedState(Number(i >> 32n), Number(i & 0xffffffffn));
  }
}

/** C's %g, which PostgreSQL uses in the setseed range error. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [m, ex] = x.toExponential(5).split('e') as [string, string];
  const e = Number(ex);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (e < -4 || e >= 6) return `${strip(m)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return strip(x.toFixed(5 - e));
}

/** Where there is no session (a context without setseed), the process-wide generator. */
const processPrng = new Prng();

export function setseed(ctx: FunctionContext, seed: number): string {
  if (!(seed >= -1 && seed <= 1)) {
    throw new QuiverError(SqlState.numericOutOfRange, `setseed parameter ${formatG(seed)} is out of allowed range [-1,1]`);
  }
  if (ctx.setseed) ctx.setseed(seed);
  else processPrng.seed(seed);
  // void has no values; its text form is the empty string.
  return '';
}

function register(): void {
  registerScalar({ name: 'random', args: [], ret: T.float8, strict: true, volatile: true, needsContext: true, impl: (ctx: FunctionContext) => ctx.random() });
  registerScalar({ name: 'setseed', args: ['float8'], ret: T.text, strict: true, volatile: true, needsContext: true, impl: setseed });
  registerScalar({ name: 'version', args: [], ret: T.text, strict: true, inline: () => JSON.stringify(VERSION) });
  registerScalar({ name: 'current_database', args: [], ret: T.text, strict: true, inline: () => '"quiver"' });
  registerScalar({ name: 'current_catalog', args: [], ret: T.text, strict: true, inline: () => '"quiver"' });
  registerScalar({ name: 'current_schema', args: [], ret: T.text, strict: true, inline: () => '"public"' });
  for (const name of ['current_user', 'session_user', 'user', 'current_role']) {
    registerScalar({ name, args: [], ret: T.text, strict: true, inline: () => '"quiver"' });
  }
  registerScalar({
    name: 'pg_typeof', args: ['any'], ret: T.text, strict: false, needsTypes: true,
    impl: (_v: unknown, types: SqlType[]) => (types[0]!.id === 'bpchar' ? 'character' : typeName({ ...types[0]!, precision: -1, scale: isTimestampTz(types[0]!) ? types[0]!.scale : -1 })),
  });
}

register();
