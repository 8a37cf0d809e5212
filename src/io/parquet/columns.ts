/**
 * Parquet schema → the table's columns: for each leaf, the SQL type it reads as (the same types
 * the Arrow path gives, io/arrow.ts arrowTypeToSql over arrow-rs's Parquet → Arrow mapping, so a
 * file's columns do not change type with the reader) and the conversion of decoded physical
 * values to the engine's storage for that type. A schema this reader does not cover (nested
 * groups, INT96, binary without a text annotation, ...) is reported so the caller can fall back.
 */
import { T, type SqlType } from '../../common/types.js';
import { type as sqlType } from '../../common/types.js';
import { makeVector, type Vector } from '../../common/vector.js';
import { PhysicalType, type FileMeta, type SchemaElement } from './metadata.js';
import type { Dense, Raw } from './plain.js';
import { numericVector } from './numeric_vector.js';

/** Engine storage of a column while it is decoded: typed arrays, or values (text, bigint). */
export type Store = Uint8Array | Int32Array | BigInt64Array | Float64Array | unknown[];
export type StoreKind = 'u8' | 'i32' | 'i64' | 'f64' | 'obj';

export interface ColumnDesc {
  name: string;
  /** Position among the file's leaf columns (= column chunk position in a row group). */
  leaf: number;
  physical: number;
  typeLength: number;
  optional: boolean;
  sql: SqlType;
  store: StoreKind;
  /** Dense physical values → dense storage values. */
  convert(d: Dense): Store;
  /** The column's storage for a row group → its engine vector. */
  finish(store: Store, valid: Uint8Array | null, n: number): Vector;
}

export function allocStore(kind: StoreKind, n: number): Store {
  switch (kind) {
    case 'u8': return new Uint8Array(n);
    case 'i32': return new Int32Array(n);
    case 'i64': return new BigInt64Array(n);
    case 'f64': return new Float64Array(n);
    default: return new Array<unknown>(n).fill(null);
  }
}

const TWO32 = 4294967296;
// Bounds of a timestamp column that the engine reads as -infinity / infinity (as io/arrow.ts).
const I64_MAX_HI = 0x7fffffff, I64_MIN_HI = -0x80000000;

/** INT64 pairs → doubles (exact below 2^53: micro- and milliseconds, decimals of <= 15 digits). */
function int64ToF64(d: Int32Array, mul: number): Float64Array {
  const n = d.length >> 1, out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = d[2 * i]!, hi = d[2 * i + 1]!;
    if (hi === I64_MAX_HI && lo === -1) out[i] = Infinity;
    else if (hi === I64_MIN_HI && lo === 0) out[i] = -Infinity;
    else out[i] = (hi * TWO32 + (lo >>> 0)) * mul;
  }
  return out;
}

function int64View(d: Int32Array): BigInt64Array {
  return new BigInt64Array(d.buffer, d.byteOffset, d.length >> 1);
}

/** Big-endian two's complement bytes → bigint. */
function beBigInt(bytes: Uint8Array, s: number, l: number): bigint {
  if (l === 0) return 0n;
  let v = 0n;
  for (let i = 0; i < l; i++) v = (v << 8n) | BigInt(bytes[s + i]!);
  return bytes[s]! & 0x80 ? v - (1n << BigInt(8 * l)) : v;
}

/** Big-endian two's complement bytes → double (exact for values below 2^53). */
function beNumber(bytes: Uint8Array, s: number, l: number): number {
  if (l === 0) return 0;
  let v = (bytes[s]! & 0x80) ? -1 : 0;
  for (let i = 0; i < l; i++) v = v * 256 + bytes[s + i]!;
  return v;
}

/** Node's Buffer slicing methods (faster than TextDecoder for many short values). */
interface Slicing { latin1Slice(s: number, e: number): string; utf8Slice(s: number, e: number): string }

function strings(r: Raw): string[] {
  const n = r.start.length, out = new Array<string>(n);
  const b = r.bytes;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length) as unknown as Slicing;
  for (let i = 0; i < n; i++) {
    const s = r.start[i]!, e = s + r.len[i]!;
    // ASCII (most text in practice) makes one-byte strings without UTF-8 decoding.
    let ascii = 0;
    for (let k = s; k < e; k++) ascii |= b[k]!;
    out[i] = ascii < 0x80 ? buf.latin1Slice(s, e) : buf.utf8Slice(s, e);
  }
  return out;
}

type Kind = { sql: SqlType; store: StoreKind; convert: (d: Dense) => Store; scale?: number };

const same = (d: Dense): Store => d as Store;

function decimalKind(e: SchemaElement, precision: number, scale: number): Kind {
  const sql = sqlType('numeric', precision, scale);
  const exact = precision <= 15;
  switch (e.type) {
    case PhysicalType.INT32: return { sql, store: 'f64', scale, convert: (d) => Float64Array.from(d as Int32Array) };
    case PhysicalType.INT64:
      return exact
        ? { sql, store: 'f64', scale, convert: (d) => int64ToF64(d as Int32Array, 1) }
        : { sql, store: 'obj', scale, convert: (d) => Array.from(int64View(d as Int32Array)) };
    default:
      return exact
        ? { sql, store: 'f64', scale, convert: (d) => { const r = d as Raw; return Float64Array.from(r.start, (s, i) => beNumber(r.bytes, s, r.len[i]!)); } }
        : { sql, store: 'obj', scale, convert: (d) => { const r = d as Raw; return Array.from(r.start, (s, i) => beBigInt(r.bytes, s, r.len[i]!)); } };
  }
}

/** The reading of one leaf, or a reason the own reader does not cover it. */
function kindOf(e: SchemaElement): Kind | string {
  const lt = e.logical, ct = e.convertedType;
  if (lt?.[11]) return 'a column of NULL type';
  const decimal = lt?.[5] as { 1?: number; 2?: number } | undefined;
  if (decimal || ct === 5) {
    const scale = decimal?.[1] ?? e.scale, precision = decimal?.[2] ?? e.precision;
    if (!(precision > 0) || scale < 0 || scale > precision) return 'a DECIMAL without a valid precision and scale';
    if (e.type === PhysicalType.BOOLEAN || e.type === PhysicalType.FLOAT || e.type === PhysicalType.DOUBLE || e.type === PhysicalType.INT96) return 'DECIMAL on a float or boolean';
    return decimalKind(e, precision, scale);
  }
  const int = lt?.[10] as { 1?: number; 2?: boolean } | undefined;
  const bits = int ? int[1] ?? 32 : ct === 15 || ct === 11 ? 8 : ct === 16 || ct === 12 ? 16 : ct === 17 || ct === 13 ? 32 : 64;
  const unsigned = int ? int[2] === false : ct !== undefined && ct >= 11 && ct <= 14;
  const unit = (u: unknown): number => {
    const s = u as { 1?: unknown; 2?: unknown; 3?: unknown } | undefined;
    return s?.[1] ? 1000 : s?.[3] ? 0.001 : 1;
  };
  switch (e.type) {
    case PhysicalType.BOOLEAN: return { sql: T.bool, store: 'u8', convert: same };
    case PhysicalType.INT32: {
      if (lt?.[6] || ct === 6) return { sql: T.date, store: 'i32', convert: same };
      const time = lt?.[7] as { 2?: unknown } | undefined;
      if (time || ct === 7) return { sql: T.time, store: 'f64', convert: (d) => Float64Array.from(d as Int32Array, (x) => x * 1000) };
      if (lt && !int) return 'an INT32 with an unknown annotation';
      if (unsigned && bits === 32) return { sql: T.int8, store: 'i64', convert: (d) => BigInt64Array.from(d as Int32Array, (x) => BigInt(x >>> 0)) };
      const sql = unsigned ? (bits === 8 ? T.int2 : T.int4) : bits <= 16 ? T.int2 : T.int4;
      return { sql, store: 'i32', convert: same };
    }
    case PhysicalType.INT64: {
      const ts = lt?.[8] as { 2?: unknown } | undefined;
      if (ts || ct === 9 || ct === 10) {
        const mul = ts ? unit(ts[2]) : ct === 9 ? 1000 : 1;
        if (mul < 1) {
          return {
            sql: T.timestamp, store: 'f64', convert: (d) => {
              const v = int64View(d as Int32Array), out = new Float64Array(v.length);
              for (let i = 0; i < v.length; i++) {
                const x = v[i]!;
                out[i] = x === 0x7fffffffffffffffn ? Infinity : x === -0x8000000000000000n ? -Infinity : Number(x / 1000n - (x % 1000n < 0n ? 1n : 0n));
              }
              return out;
            },
          };
        }
        return { sql: T.timestamp, store: 'f64', convert: (d) => int64ToF64(d as Int32Array, mul) };
      }
      const time = lt?.[7] as { 2?: unknown } | undefined;
      if (time || ct === 8) {
        const mul = time ? unit(time[2]) : 1;
        return { sql: T.time, store: 'f64', convert: (d) => { const f = int64ToF64(d as Int32Array, 1); return mul < 1 ? f.map((x) => Math.floor(x / 1000)) : f.map((x) => x * mul); } };
      }
      if (lt && !int) return 'an INT64 with an unknown annotation';
      if (unsigned) return { sql: sqlType('numeric', 20, 0), store: 'obj', scale: 0, convert: (d) => Array.from(int64View(d as Int32Array), (x) => BigInt.asUintN(64, x)) };
      return { sql: T.int8, store: 'i64', convert: (d) => int64View(d as Int32Array) };
    }
    case PhysicalType.FLOAT: return { sql: T.float4, store: 'f64', convert: (d) => Float64Array.from(d as Float32Array) };
    case PhysicalType.DOUBLE: return { sql: T.float8, store: 'f64', convert: same };
    case PhysicalType.BYTE_ARRAY:
      if (lt?.[1] || ct === 0) return { sql: T.text, store: 'obj', convert: (d) => strings(d as Raw) };
      return 'a BYTE_ARRAY that is not text';
    default: return `physical type ${e.type ?? 'none'}`;
  }
}

export type SchemaResult = { columns: ColumnDesc[] } | { unsupported: string };

/** The file's columns, when every one is a flat leaf this reader decodes. */
export function describeSchema(meta: FileMeta): SchemaResult {
  const [root, ...leaves] = meta.schema;
  if (root!.numChildren !== leaves.length) return { unsupported: 'nested columns' };
  const columns: ColumnDesc[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const e = leaves[i]!;
    if (e.numChildren > 0 || e.type === undefined) return { unsupported: `nested column "${e.name}"` };
    if (e.repetition === 2) return { unsupported: `repeated column "${e.name}"` };
    const k = kindOf(e);
    if (typeof k === 'string') return { unsupported: `column "${e.name}": ${k}` };
    const scale = k.scale;
    columns.push({
      name: e.name, leaf: i, physical: e.type, typeLength: e.typeLength, optional: e.repetition !== 0,
      sql: k.sql, store: k.store, convert: k.convert,
      finish: scale !== undefined
        ? (s, valid, n) => numericVector(k.sql, scale, s as Float64Array | (bigint | null)[], valid, n)
        : (s, valid, n) => makeVector(k.sql, s as Vector['data'], valid, n),
    });
  }
  return { columns };
}
