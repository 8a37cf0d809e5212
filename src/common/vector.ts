/**
 * Columnar batches. Fixed-width types live in typed arrays; text, numeric and interval in plain
 * arrays of immutable values. `valid` is a byte per row (1 = present) rather than Arrow's bitmap:
 * generated loops read it without shifts; conversion to Arrow packs it (see io/arrow.ts).
 */
import { Decimal } from './decimal.js';
import type { Interval } from './datetime.js';
import { T, physicalKind, type SqlType, type PhysicalKind } from './types.js';

export type VectorData =
  | Uint8Array | Int32Array | BigInt64Array | Float64Array
  | (string | null)[] | (Decimal | null)[] | (Interval | null)[];

export interface Vector {
  readonly type: SqlType;
  readonly length: number;
  readonly data: VectorData;
  /** null when every row is present. */
  readonly valid: Uint8Array | null;
  /**
   * For low-cardinality text: row i holds values[codes[i]] (data holds the same strings).
   * Hashing and grouping work on the small integer codes instead of the strings.
   */
  readonly dict?: Dictionary;
  /**
   * Set on a fixed-point numeric vector (see fixedNumericVector): `data` is a Float64Array of
   * scaled integers and row i is data[i] / 10^scale with display scale `scale`.
   */
  readonly scale?: number;
}

export interface Dictionary { readonly codes: Int32Array; readonly values: string[] }

/**
 * Dictionary-encodes a text vector when it has few distinct values; returns it unchanged otherwise.
 */
export function dictionaryEncode(v: Vector): Vector {
  // jsonb is left plain: equal values can have different texts (1.0 and 1.00), which codes would part.
  if (v.dict || physicalKind(v.type.id) !== 'string' || v.type.id === 'jsonb' || v.length < 1024) return v;
  const d = v.data as (string | null)[];
  const codes = new Int32Array(v.length);
  const index = new Map<string, number>();
  const values: string[] = [];
  const limit = Math.min(65536, v.length >>> 3);
  const valid = v.valid;
  for (let i = 0; i < v.length; i++) {
    if (valid !== null && valid[i] === 0) { codes[i] = -1; continue; }
    const s = d[i]!;
    let c = index.get(s);
    if (c === undefined) {
      c = values.length;
      if (c >= limit) return v;
      values.push(s);
      index.set(s, c);
    }
    codes[i] = c;
  }
  return { ...v, dict: { codes, values } };
}

// ---- fixed-point numeric ----------------------------------------------------------------------
//
// A numeric vector is either a plain array of Decimal objects (any value, any scale per row) or
// fixed-point: one Float64Array of scaled integers and one scale for the whole vector. Doubles
// hold every integer of magnitude below 2^53 exactly, so a fixed-point vector is as exact as the
// Decimals it stands for, with no object per value (the garbage of per-row Decimals was half the
// time of a numeric sum) and it can cross to a worker as a typed array. The invariant every
// producer keeps: each present value is an integer with |x| <= MAX_FIXED, and the vector's
// `scale` is every value's PostgreSQL display scale. Values that do not fit stay Decimals: there
// is no rounding anywhere, a producer that cannot stay exact gives a Decimal vector instead.
//
// Code that needs a value as a Decimal reads it through decimalAt (one row) or decimalVector (a
// whole vector): those are the only places that know both layouts besides the fast paths
// (compiled expressions, sum/avg/min/max, hashing, sorting, output).

/** Largest magnitude a fixed-point value may have: every integer up to it is a double. */
export const MAX_FIXED = 9007199254740991; // 2^53 - 1
/** Largest display scale a fixed-point vector carries (10^scale must itself be exact). */
export const MAX_FIXED_SCALE = 22;

/**
 * A fixed-point numeric vector from scaled integers (row i is data[i] / 10^scale, shown with
 * `scale` digits after the point). Every present value must be an integer with |x| <= MAX_FIXED;
 * for values that may not fit (Parquet INT64 or FIXED_LEN_BYTE_ARRAY decimals) use
 * numericFromScaled, which checks.
 */
export function fixedNumericVector(type: SqlType, data: Float64Array, scale: number, valid: Uint8Array | null, length = data.length): Vector {
  return { type, length, data, valid, scale };
}

/**
 * A numeric vector from scaled integers that may not fit a double: fixed-point when every
 * present value does, Decimals otherwise. `scaled(i)` is row i's unscaled value.
 */
export function numericFromScaled(type: SqlType, n: number, scale: number, valid: Uint8Array | null, scaled: (i: number) => number | bigint): Vector {
  const f = new Float64Array(n);
  let fits = scale <= MAX_FIXED_SCALE;
  for (let i = 0; i < n && fits; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = scaled(i);
    const d = typeof x === 'bigint' ? Number(x) : x;
    if (!(Number.isInteger(d) && d <= MAX_FIXED && d >= -MAX_FIXED)) fits = false;
    else f[i] = d;
  }
  if (fits) return fixedNumericVector(type, f, scale, valid, n);
  const out: (Decimal | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    out[i] = new Decimal(BigInt(scaled(i)), scale);
  }
  return makeVector(type, out, valid, n);
}

export function isFixed(v: Vector): boolean { return v.scale !== undefined; }

/** Row i of a numeric vector as a Decimal (not NULL-checked): the one conversion point. */
export function decimalAt(v: Vector, i: number): Decimal {
  if (v.scale === undefined) return (v.data as Decimal[])[i]!;
  return new Decimal(BigInt((v.data as Float64Array)[i]!), v.scale);
}

/** A numeric vector with Decimal values (the vector itself unless it is fixed-point). */
export function decimalVector(v: Vector): Vector {
  if (v.scale === undefined) return v;
  const out: (Decimal | null)[] = new Array(v.length).fill(null);
  const valid = v.valid;
  for (let i = 0; i < v.length; i++) if (valid === null || valid[i] !== 0) out[i] = decimalAt(v, i);
  return makeVector(v.type, out, valid, v.length);
}

/** The batch with every fixed-point column as Decimals (for code that reads values generically). */
export function decimalBatch(b: Batch): Batch {
  if (!b.columns.some(isFixed)) return b;
  return { length: b.length, columns: b.columns.map(decimalVector) };
}

/**
 * A numeric column stored as fixed-point where every value has the column's display scale and
 * fits; otherwise unchanged. Values of a numeric(p,s) column all have display scale s.
 */
export function toFixedNumeric(v: Vector, scale: number): Vector {
  if (v.scale !== undefined || v.type.id !== 'numeric' || scale < 0 || scale > MAX_FIXED_SCALE) return v;
  const d = v.data as (Decimal | null)[], valid = v.valid;
  const f = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = d[i]!;
    if (x.s !== scale || x.v > MAX_FIXED_BIG || x.v < -MAX_FIXED_BIG) return v;
    f[i] = Number(x.v);
  }
  return fixedNumericVector(v.type, f, scale, valid, v.length);
}
const MAX_FIXED_BIG = BigInt(MAX_FIXED);

export interface Batch {
  readonly length: number;
  readonly columns: Vector[];
}

export const BATCH_SIZE = 2048;

export function allocData(kind: PhysicalKind, n: number): VectorData {
  switch (kind) {
    case 'bool': return new Uint8Array(n);
    case 'i32': return new Int32Array(n);
    case 'i64': return new BigInt64Array(n);
    case 'f64': return new Float64Array(n);
    default: return new Array(n).fill(null);
  }
}

export function allocVector(t: SqlType, n: number, withValidity = true): { data: VectorData; valid: Uint8Array | null } {
  return { data: allocData(physicalKind(t.id), n), valid: withValidity ? new Uint8Array(n) : null };
}

export function makeVector(type: SqlType, data: VectorData, valid: Uint8Array | null, length = data.length): Vector {
  return { type, length, data, valid };
}

/** Engine value of row i (bool as boolean, i64 as bigint), or null. Not for hot loops. */
export function getValue(v: Vector, i: number): unknown {
  if (v.valid && !v.valid[i]) return null;
  if (v.scale !== undefined) return decimalAt(v, i);
  const d = v.data[i];
  if (v.type.id === 'bool') return d === 1;
  return d;
}

export function isNullAt(v: Vector, i: number): boolean {
  return v.valid !== null && v.valid[i] === 0;
}

/** A vector of n copies of one engine value. */
export function constantVector(t: SqlType, value: unknown, n: number): Vector {
  const kind = physicalKind(t.id);
  const data = allocData(kind, n);
  if (value === null || value === undefined) return makeVector(t, data, new Uint8Array(n), n);
  const stored = kind === 'bool' ? (value ? 1 : 0) : value;
  (data as { fill(v: unknown): unknown }).fill(stored);
  return makeVector(t, data, null, n);
}

/** Gathers rows `sel[0..n)` of v into a new vector; sel entries < 0 produce NULL (outer joins). */
export function takeVector(v: Vector, sel: Int32Array | Uint32Array, n: number): Vector {
  const kind = physicalKind(v.type.id);
  const out = (v.scale !== undefined ? new Float64Array(n) : allocData(kind, n)) as { [i: number]: unknown };
  const src = v.data as unknown as { [i: number]: unknown };
  const vv = v.valid;
  let valid: Uint8Array | null = null;
  let hasNeg = false;
  for (let i = 0; i < n; i++) if (sel[i]! < 0) { hasNeg = true; break; }
  if (vv || hasNeg) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const j = sel[i]!;
      if (j < 0) continue;
      out[i] = src[j];
      valid[i] = vv ? vv[j]! : 1;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = src[sel[i]!];
  }
  if (v.dict) {
    const codes = new Int32Array(n), src2 = v.dict.codes;
    for (let i = 0; i < n; i++) { const j = sel[i]!; codes[i] = j < 0 ? -1 : src2[j]!; }
    return { type: v.type, length: n, data: out as VectorData, valid, dict: { codes, values: v.dict.values } };
  }
  if (v.scale !== undefined) return fixedNumericVector(v.type, out as Float64Array, v.scale, valid, n);
  return makeVector(v.type, out as VectorData, valid, n);
}

export function takeBatch(b: Batch, sel: Int32Array | Uint32Array, n: number): Batch {
  return { length: n, columns: b.columns.map((c) => takeVector(c, sel, n)) };
}

export function sliceVector(v: Vector, start: number, end: number): Vector {
  const d = v.data as { slice?: (a: number, b: number) => VectorData; subarray?: (a: number, b: number) => VectorData };
  const data = (d.subarray ? d.subarray(start, end) : d.slice!(start, end)) as VectorData;
  const valid = v.valid ? v.valid.subarray(start, end) : null;
  if (v.dict) return { type: v.type, length: end - start, data, valid, dict: { codes: v.dict.codes.subarray(start, end), values: v.dict.values } };
  if (v.scale !== undefined) return fixedNumericVector(v.type, data as Float64Array, v.scale, valid, end - start);
  return makeVector(v.type, data, valid, end - start);
}

export function sliceBatch(b: Batch, start: number, end: number): Batch {
  return { length: end - start, columns: b.columns.map((c) => sliceVector(c, start, end)) };
}

/** Concatenates vectors of one type into one. */
export function concatVectors(t: SqlType, parts: Vector[]): Vector {
  if (parts.some(isFixed)) {
    // One scale for all or Decimals for all: a vector has a single layout.
    const s = parts[0]!.scale;
    if (s !== undefined && parts.every((p) => p.scale === s)) {
      const f = concatVectors(T.float8, parts.map((p) => makeVector(T.float8, p.data, p.valid, p.length)));
      return fixedNumericVector(t, f.data as Float64Array, s, f.valid, f.length);
    }
    parts = parts.map(decimalVector);
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const kind = physicalKind(t.id);
  const data = allocData(kind, n) as { [i: number]: unknown; set?: (a: ArrayLike<unknown>, o: number) => void };
  let anyNull = false;
  for (const p of parts) if (p.valid) { anyNull = true; break; }
  const valid = anyNull ? new Uint8Array(n) : null;
  let o = 0;
  for (const p of parts) {
    if (data.set) data.set(p.data as ArrayLike<unknown>, o);
    else { const src = p.data as unknown[]; for (let i = 0; i < p.length; i++) data[o + i] = src[i]; }
    if (valid) { if (p.valid) valid.set(p.valid.subarray(0, p.length), o); else valid.fill(1, o, o + p.length); }
    o += p.length;
  }
  return makeVector(t, data as unknown as VectorData, valid, n);
}

export function concatBatches(types: SqlType[], batches: Batch[]): Batch {
  let n = 0;
  for (const b of batches) n += b.length;
  if (batches.length === 1) return batches[0]!;
  return { length: n, columns: types.map((t, c) => concatVectors(t, batches.map((b) => b.columns[c]!))) };
}

/** Growable column used where the output size is not known in advance. */
export class VectorBuilder {
  readonly type: SqlType;
  private kind: PhysicalKind;
  private data: VectorData;
  private valid: Uint8Array;
  private hasNull = false;
  length = 0;

  constructor(t: SqlType, capacity = 1024) {
    this.type = t;
    this.kind = physicalKind(t.id);
    this.data = allocData(this.kind, capacity);
    this.valid = new Uint8Array(capacity);
  }

  private grow(min: number): void {
    let cap = this.valid.length * 2;
    while (cap < min) cap *= 2;
    const nd = allocData(this.kind, cap) as { set?: (a: ArrayLike<unknown>) => void; [i: number]: unknown };
    if (nd.set) nd.set(this.data as ArrayLike<unknown>);
    else { const s = this.data as unknown[]; for (let i = 0; i < this.length; i++) nd[i] = s[i]; }
    this.data = nd as unknown as VectorData;
    const nv = new Uint8Array(cap);
    nv.set(this.valid);
    this.valid = nv;
  }

  /** Appends an engine value (bool as boolean or 0/1, int8 as bigint, null for NULL). */
  push(v: unknown): void {
    if (this.length >= this.valid.length) this.grow(this.length + 1);
    const i = this.length++;
    if (v === null || v === undefined) { this.hasNull = true; return; }
    this.valid[i] = 1;
    (this.data as unknown as { [i: number]: unknown })[i] = this.kind === 'bool' ? (v ? 1 : 0) : v;
  }

  pushFrom(v: Vector, i: number): void {
    if (v.valid && !v.valid[i]) { this.push(null); return; }
    if (v.scale !== undefined) { this.push(decimalAt(v, i)); return; }
    if (this.length >= this.valid.length) this.grow(this.length + 1);
    const k = this.length++;
    this.valid[k] = 1;
    (this.data as unknown as { [i: number]: unknown })[k] = (v.data as unknown as { [i: number]: unknown })[i];
  }

  finish(): Vector {
    const n = this.length;
    const d = this.data as { subarray?: (a: number, b: number) => VectorData; slice?: (a: number, b: number) => VectorData };
    const data = (d.subarray ? d.subarray(0, n) : d.slice!(0, n)) as VectorData;
    return makeVector(this.type, data, this.hasNull ? this.valid.subarray(0, n) : null, n);
  }
}
