/**
 * Conversion between the engine's columns and Apache Arrow.
 *
 * Fixed-width columns map buffer to buffer (int4, int8, float8 and date are shared, not copied;
 * timestamp and time become int64 microseconds); validity bytes are packed into Arrow bitmaps. Arrow types the engine has no exact counterpart
 * for are carried in a form that keeps every value: numeric beyond Decimal128 as its exact text,
 * and interval as MonthDayNano (or, for Parquet, which cannot hold that, a months/days/micros struct).
 */
import {
  Table, Schema, RecordBatch, Field as ArrowField, DataType, Data, makeData, Vector as ArrowVector,
  Bool, Int16, Int32, Int64, Float32, Float64, DateDay, TimeMicrosecond, TimestampMicrosecond, Utf8, Decimal as ArrowDecimal,
  IntervalMonthDayNano, Struct, Type, Precision, DateUnit, TimeUnit, IntervalUnit,
} from 'apache-arrow';
import { Buffer } from 'node:buffer';
import type { Field } from '../logical/plan.js';
import { type SqlType, T, type, physicalKind } from '../common/types.js';
import type { Batch, Vector, VectorData } from '../common/vector.js';
import { allocData, decimalVector, makeVector, takeVector } from '../common/vector.js';
import { Decimal } from '../common/decimal.js';
import { Interval, parseInterval } from '../common/datetime.js';
import { QuiverError } from '../common/errors.js';
import { toText, fromText } from '../udf/runtime.js';

export interface ToArrowOptions {
  /**
   * How interval columns are encoded: Arrow's MonthDayNano interval (default), or a struct of
   * months (int32), days (int32) and micros (int64) for writers that lack MonthDayNano (Parquet).
   */
  interval?: 'monthDayNano' | 'struct';
}

/** Highest precision a Decimal128 holds. */
const DECIMAL128_MAX_PRECISION = 38;
/** PostgreSQL's DT_NOBEGIN / DT_NOEND: how ±infinity timestamps are stored as int64. */
const TS_MIN = -(2n ** 63n);
const TS_MAX = 2n ** 63n - 1n;

// ---------------------------------------------------------------------------------------------
// Engine → Arrow

export function toArrowTable(schema: Field[], batches: Batch[], options: ToArrowOptions = {}): Table {
  const nonEmpty = batches.filter((b) => b.length > 0);
  // A column's Arrow type must be the same in every batch, so lossy-encoding decisions look at all of them.
  const plans = schema.map((f, c) => planColumn(f.type, nonEmpty.map((b) => b.columns[c]!), options));
  const fields = schema.map((f, c) => new ArrowField(f.name, plans[c]!.arrowType, true));
  const arrowSchema = new Schema(fields);
  const structType = new Struct(fields);
  const records = nonEmpty.map((b) => {
    const children = plans.map((p, c) => p.build(b.columns[c]!, b.length));
    const rb = new RecordBatch(arrowSchema, makeData({ type: structType, length: b.length, nullCount: 0, children }));
    // The constructor rebuilds the schema with Schema.assign, which merges fields of equal name;
    // results may legitimately repeat a column name, so the original schema is put back.
    (rb as { schema: Schema }).schema = arrowSchema;
    return rb;
  });
  return new Table(arrowSchema, records);
}

interface ColumnPlan {
  arrowType: DataType;
  build(v: Vector, n: number): Data;
}

function planColumn(t: SqlType, parts: Vector[], options: ToArrowOptions): ColumnPlan {
  switch (t.id) {
    case 'bool':
      return { arrowType: new Bool(), build: (v, n) => makeData({ type: new Bool(), length: n, ...validity(v, n), data: packBits(v.data as Uint8Array, n) }) };
    case 'int2':
      return { arrowType: new Int16(), build: (v, n) => makeData({ type: new Int16(), length: n, ...validity(v, n), data: new Int16Array((v.data as Int32Array).subarray(0, n)) }) };
    case 'int4':
      return { arrowType: new Int32(), build: (v, n) => makeData({ type: new Int32(), length: n, ...validity(v, n), data: (v.data as Int32Array).subarray(0, n) }) };
    case 'date':
      return { arrowType: new DateDay(), build: (v, n) => makeData({ type: new DateDay(), length: n, ...validity(v, n), data: (v.data as Int32Array).subarray(0, n) }) };
    case 'int8':
      return { arrowType: new Int64(), build: (v, n) => makeData({ type: new Int64(), length: n, ...validity(v, n), data: (v.data as BigInt64Array).subarray(0, n) }) };
    case 'float4':
      return { arrowType: new Float32(), build: (v, n) => makeData({ type: new Float32(), length: n, ...validity(v, n), data: new Float32Array((v.data as Float64Array).subarray(0, n)) }) };
    case 'float8':
      return { arrowType: new Float64(), build: (v, n) => makeData({ type: new Float64(), length: n, ...validity(v, n), data: (v.data as Float64Array).subarray(0, n) }) };
    case 'timestamp':
      return { arrowType: new TimestampMicrosecond(), build: (v, n) => makeData({ type: new TimestampMicrosecond(), length: n, ...validity(v, n), data: timestampsToInt64(v, n) }) };
    case 'time':
      return { arrowType: new TimeMicrosecond(), build: (v, n) => makeData({ type: new TimeMicrosecond(), length: n, ...validity(v, n), data: timestampsToInt64(v, n) }) };
    case 'numeric':
      return planNumeric(t, parts);
    case 'interval':
      return options.interval === 'struct' ? intervalStructPlan() : intervalMonthDayNanoPlan();
    case 'array': case 'timetz':
      // Kept as PostgreSQL's text form; read back with the type's input function.
      return { arrowType: new Utf8(), build: (v, n) => utf8Data((v.data as unknown[]).slice(0, n).map((x) => (x === null ? null : toText(x, t))), v.valid, n) };
    default:
      if (physicalKind(t.id) !== 'string') throw new QuiverError('0A000', `type ${t.id} cannot be converted to Arrow`);
      return { arrowType: new Utf8(), build: (v, n) => utf8Data(v.data as (string | null)[], v.valid, n) };
  }
}

function validity(v: Vector, n: number): { nullCount: number; nullBitmap?: Uint8Array } {
  if (!v.valid) return { nullCount: 0 };
  let present = 0;
  const bytes = v.valid;
  for (let i = 0; i < n; i++) present += bytes[i]!;
  if (present === n) return { nullCount: 0 };
  return { nullCount: n - present, nullBitmap: packBits(bytes, n) };
}

/** Packs bytes (nonzero = set) into an LSB-first bitmap. */
function packBits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  const whole = n & ~7;
  let i = 0;
  for (; i < whole; i += 8) {
    out[i >> 3] = (bytes[i]! ? 1 : 0) | (bytes[i + 1]! ? 2 : 0) | (bytes[i + 2]! ? 4 : 0) | (bytes[i + 3]! ? 8 : 0)
      | (bytes[i + 4]! ? 16 : 0) | (bytes[i + 5]! ? 32 : 0) | (bytes[i + 6]! ? 64 : 0) | (bytes[i + 7]! ? 128 : 0);
  }
  for (; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function timestampsToInt64(v: Vector, n: number): BigInt64Array {
  const src = v.data as Float64Array;
  const out = new BigInt64Array(n);
  const valid = v.valid;
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) continue;
    const x = src[i]!;
    if (Number.isInteger(x)) out[i] = BigInt(x);
    else if (x === Infinity) out[i] = TS_MAX;
    else if (x === -Infinity) out[i] = TS_MIN;
    else if (Number.isFinite(x)) out[i] = BigInt(Math.round(x));
  }
  return out;
}

function utf8Data(strings: (string | null)[], valid: Uint8Array | null, n: number): Data {
  const offsets = new Int32Array(n + 1);
  let chars = 0;
  for (let i = 0; i < n; i++) { const s = strings[i]; if (s != null) chars += s.length; }
  // Most text is ASCII, where a UTF-16 unit is one byte; the buffer grows when it is not.
  let bytes: Buffer = Buffer.allocUnsafe(chars + 16);
  let pos = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    if (s == null || (valid && !valid[i])) { nulls++; offsets[i + 1] = pos; continue; }
    const len = s.length;
    let ascii = true;
    if (pos + len > bytes.length) bytes = grow(bytes, pos + len);
    for (let k = 0; k < len; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) { ascii = false; break; }
      bytes[pos + k] = c;
    }
    if (ascii) pos += len;
    else {
      if (pos + len * 3 > bytes.length) bytes = grow(bytes, pos + len * 3);
      pos += bytes.write(s, pos, 'utf8');
    }
    offsets[i + 1] = pos;
  }
  const base = { type: new Utf8(), length: n, valueOffsets: offsets, data: new Uint8Array(bytes.buffer, bytes.byteOffset, pos) };
  if (nulls === 0) return makeData({ ...base, nullCount: 0 });
  const vbytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) vbytes[i] = strings[i] != null && (!valid || valid[i]) ? 1 : 0;
  return makeData({ ...base, nullCount: nulls, nullBitmap: packBits(vbytes, n) });
}

function grow(b: Buffer, min: number): Buffer {
  let cap = Math.max(b.length * 2, 64);
  while (cap < min) cap *= 2;
  const nb = Buffer.allocUnsafe(cap);
  b.copy(nb);
  return nb;
}

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= DECIMAL128_MAX_PRECISION + 1; i++, p *= 10n) POW10.push(p);

/**
 * numeric(p,s) with p <= 38 becomes Decimal128(p,s) when every value fits exactly; anything else
 * (unconstrained numeric, or a value with more digits than the type admits) is carried as text,
 * because a rounded Decimal128 would not round-trip.
 */
function planNumeric(t: SqlType, fixedParts: Vector[]): ColumnPlan {
  const parts = fixedParts.map(decimalVector);
  const textPlan: ColumnPlan = {
    arrowType: new Utf8(),
    build: (v, n) => {
      const src = decimalVector(v).data as (Decimal | null)[];
      const strings: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) { const d = src[i]; strings[i] = d == null || (v.valid && !v.valid[i]) ? null : d.toString(); }
      return utf8Data(strings, null, n);
    },
  };
  const p = t.precision;
  if (p < 1 || p > DECIMAL128_MAX_PRECISION) return textPlan;
  const scale = Math.max(t.scale, 0);
  if (scale > p) return textPlan; // numeric(3,5) is valid SQL but not a valid Arrow decimal
  const limit = POW10[p]!;
  const unscaled = (d: Decimal): bigint | null => {
    let u: bigint;
    if (d.s === scale) u = d.v;
    else if (d.s < scale) u = d.v * POW10[scale - d.s]!;
    else {
      const div = 10n ** BigInt(d.s - scale);
      if (d.v % div !== 0n) return null;
      u = d.v / div;
    }
    return u >= limit || u <= -limit ? null : u;
  };
  for (const v of parts) {
    const src = v.data as (Decimal | null)[];
    for (let i = 0; i < v.length; i++) {
      const d = src[i];
      if (d != null && (!v.valid || v.valid[i]) && unscaled(d) === null) return textPlan;
    }
  }
  const arrowType = new ArrowDecimal(scale, p, 128);
  return {
    arrowType,
    build: (v, n) => {
      const src = decimalVector(v).data as (Decimal | null)[];
      const words = new BigInt64Array(n * 2);
      const vbytes = new Uint8Array(n);
      let nulls = 0;
      for (let i = 0; i < n; i++) {
        const d = src[i];
        if (d == null || (v.valid && !v.valid[i])) { nulls++; continue; }
        vbytes[i] = 1;
        const u = unscaled(d)!;
        words[2 * i] = BigInt.asIntN(64, u);
        words[2 * i + 1] = u >> 64n;
      }
      const data = new Uint32Array(words.buffer);
      if (nulls === 0) return makeData({ type: arrowType, length: n, nullCount: 0, data });
      return makeData({ type: arrowType, length: n, nullCount: nulls, nullBitmap: packBits(vbytes, n), data });
    },
  };
}

function intervalValidity(v: Vector, n: number): { vbytes: Uint8Array; nulls: number } {
  const src = v.data as (Interval | null)[];
  const vbytes = new Uint8Array(n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (src[i] == null || (v.valid && !v.valid[i])) nulls++;
    else vbytes[i] = 1;
  }
  return { vbytes, nulls };
}

function intervalMonthDayNanoPlan(): ColumnPlan {
  const arrowType = new IntervalMonthDayNano();
  return {
    arrowType,
    build: (v, n) => {
      const src = v.data as (Interval | null)[];
      const { vbytes, nulls } = intervalValidity(v, n);
      // Each value is 16 bytes: int32 months, int32 days, int64 nanoseconds.
      const words = new Int32Array(n * 4);
      const wide = new BigInt64Array(words.buffer);
      for (let i = 0; i < n; i++) {
        if (!vbytes[i]) continue;
        const iv = src[i]!;
        words[4 * i] = iv.months;
        words[4 * i + 1] = iv.days;
        wide[2 * i + 1] = BigInt(iv.micros) * 1000n;
      }
      const base = { type: arrowType, length: n, data: words };
      return nulls === 0 ? makeData({ ...base, nullCount: 0 }) : makeData({ ...base, nullCount: nulls, nullBitmap: packBits(vbytes, n) });
    },
  };
}

const INTERVAL_STRUCT_FIELDS = ['months', 'days', 'micros'] as const;

function intervalStructPlan(): ColumnPlan {
  const fields = [new ArrowField('months', new Int32(), false), new ArrowField('days', new Int32(), false), new ArrowField('micros', new Int64(), false)];
  const arrowType = new Struct(fields);
  return {
    arrowType,
    build: (v, n) => {
      const src = v.data as (Interval | null)[];
      const { vbytes, nulls } = intervalValidity(v, n);
      const months = new Int32Array(n), days = new Int32Array(n), micros = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        if (!vbytes[i]) continue;
        const iv = src[i]!;
        months[i] = iv.months;
        days[i] = iv.days;
        micros[i] = BigInt(iv.micros);
      }
      const children = [
        makeData({ type: new Int32(), length: n, nullCount: 0, data: months }),
        makeData({ type: new Int32(), length: n, nullCount: 0, data: days }),
        makeData({ type: new Int64(), length: n, nullCount: 0, data: micros }),
      ];
      const base = { type: arrowType, length: n, children };
      return nulls === 0 ? makeData({ ...base, nullCount: 0 }) : makeData({ ...base, nullCount: nulls, nullBitmap: packBits(vbytes, n) });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Arrow → engine

/** The SQL type a column of a foreign Arrow (or Parquet) file is read as. */
export function arrowTypeToSql(t: DataType): SqlType {
  switch (t.typeId) {
    case Type.Bool: return T.bool;
    case Type.Int: {
      const it = t as unknown as { bitWidth: number; isSigned: boolean };
      if (it.isSigned) return it.bitWidth <= 16 ? T.int2 : it.bitWidth === 32 ? T.int4 : T.int8;
      if (it.bitWidth === 8) return T.int2;
      if (it.bitWidth === 16) return T.int4;
      if (it.bitWidth === 32) return T.int8;
      return type('numeric', 20, 0);
    }
    case Type.Float:
      return (t as unknown as { precision: Precision }).precision === Precision.DOUBLE ? T.float8 : T.float4;
    case Type.Decimal: {
      const d = t as unknown as ArrowDecimal;
      return type('numeric', d.precision, d.scale);
    }
    case Type.Utf8: case Type.LargeUtf8: case Type.Utf8View: return T.text;
    case Type.Date: return T.date;
    case Type.Timestamp: return T.timestamp;
    case Type.Time: return T.time;
    case Type.Interval:
      if ((t as unknown as { unit: IntervalUnit }).unit === IntervalUnit.MONTH_DAY_NANO) return T.interval;
      break;
    case Type.Struct:
      if (isIntervalStruct(t)) return T.interval;
      break;
    case Type.Dictionary:
      return arrowTypeToSql((t as unknown as { dictionary: DataType }).dictionary);
    case Type.Null: return T.text;
    default: break;
  }
  throw new QuiverError('0A000', `Arrow type ${String(t)} is not supported`);
}

function isIntervalStruct(t: DataType): boolean {
  const children = (t as unknown as { children?: ArrowField[] }).children;
  return !!children && children.length === 3 && children.every((f, i) => f.name === INTERVAL_STRUCT_FIELDS[i]);
}

/** Reads an Arrow table into engine batches (one per record batch), each column as `types[c]`. */
export function fromArrowTable(table: Table, types: SqlType[]): Batch[] {
  if (table.numCols !== types.length) {
    throw new QuiverError('XX000', `Arrow table has ${table.numCols} columns, expected ${types.length}`);
  }
  const out: Batch[] = [];
  for (const rb of table.batches) {
    if (rb.numRows === 0) continue;
    const n = rb.numRows;
    const columns = types.map((t, c) => fromArrowData(rb.data.children[c]!, t));
    for (const col of columns) {
      if (col.length !== n) throw new QuiverError('XX000', `Arrow column has ${col.length} rows, record batch ${n}`);
    }
    out.push({ length: n, columns });
  }
  return out;
}

/** Validity bytes of an Arrow column (null when every row is present). */
function unpackValidity(d: Data): Uint8Array | null {
  const n = d.length;
  if (d.typeId === Type.Null) return new Uint8Array(n);
  const bitmap = d.nullBitmap;
  if (!bitmap || bitmap.length === 0 || d.nullCount === 0) return null;
  return unpackBits(bitmap, d.offset, n);
}

function unpackBits(bitmap: Uint8Array, offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if ((offset & 7) === 0) {
    const base = offset >> 3;
    for (let i = 0; i < n; i++) out[i] = (bitmap[base + (i >> 3)]! >> (i & 7)) & 1;
  } else {
    for (let i = 0; i < n; i++) { const b = offset + i; out[i] = (bitmap[b >> 3]! >> (b & 7)) & 1; }
  }
  return out;
}

function mismatch(d: Data, t: SqlType): QuiverError {
  return new QuiverError('42804', `cannot read Arrow column of type ${String(d.type)} as ${t.id}`);
}

function fromArrowData(d: Data, t: SqlType): Vector {
  const n = d.length;
  if (d.typeId === Type.Dictionary) {
    // Decode the dictionary once, then gather by index.
    const dict = d.dictionary;
    if (!dict) throw new QuiverError('XX000', 'Arrow dictionary column without a dictionary');
    const values = concatArrowVector(dict, t);
    const idx = d.values as ArrayLike<number | bigint>;
    const valid = unpackValidity(d);
    const sel = new Int32Array(n);
    for (let i = 0; i < n; i++) sel[i] = valid && !valid[i] ? -1 : Number(idx[i]!);
    return takeVector(values, sel, n);
  }
  const valid = unpackValidity(d);
  if (d.typeId === Type.Null) return makeVector(t, allocData(physicalKind(t.id), n), valid, n);
  switch (t.id) {
    case 'bool': {
      if (d.typeId !== Type.Bool) throw mismatch(d, t);
      return makeVector(t, unpackBits(d.values as Uint8Array, d.offset, n), valid, n);
    }
    case 'int2': case 'int4': {
      if (d.typeId !== Type.Int) throw mismatch(d, t);
      const src = d.values as ArrayLike<number | bigint>;
      if (src instanceof Int32Array) return makeVector(t, src.subarray(0, n), valid, n);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
      return makeVector(t, out, valid, n);
    }
    case 'int8': {
      if (d.typeId !== Type.Int) throw mismatch(d, t);
      const src = d.values as ArrayLike<number | bigint>;
      if (src instanceof BigInt64Array) return makeVector(t, src.subarray(0, n), valid, n);
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, BigInt(src[i]!));
      return makeVector(t, out, valid, n);
    }
    case 'float4': case 'float8':
      return makeVector(t, floatsFrom(d, t, n), valid, n);
    case 'date':
      return makeVector(t, datesFrom(d, t, n), valid, n);
    case 'timestamp':
      return makeVector(t, timestampsFrom(d, t, n), valid, n);
    case 'time':
      return makeVector(t, timesFrom(d, t, n), valid, n);
    case 'numeric':
      return makeVector(t, decimalsFrom(d, t, n, valid), valid, n);
    case 'interval':
      return makeVector(t, intervalsFrom(d, t, n, valid), valid, n);
    case 'array': case 'timetz': {
      const strs = stringsFrom(d, T.text, n, valid);
      return makeVector(t, strs.map((x) => (x === null ? null : fromText(x, t))) as VectorData, valid, n);
    }
    default:
      return makeVector(t, stringsFrom(d, t, n, valid), valid, n);
  }
}

function concatArrowVector(v: ArrowVector, t: SqlType): Vector {
  const parts = v.data.map((d) => fromArrowData(d, t));
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const data = allocData(physicalKind(t.id), n) as unknown as { [i: number]: unknown };
  const valid = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    const src = p.data as unknown as { [i: number]: unknown };
    for (let i = 0; i < p.length; i++) { data[o + i] = src[i]; valid[o + i] = p.valid ? p.valid[i]! : 1; }
    o += p.length;
  }
  return makeVector(t, data as unknown as VectorData, valid, n);
}

function floatsFrom(d: Data, t: SqlType, n: number): Float64Array {
  const src = d.values as ArrayLike<number | bigint>;
  if (d.typeId === Type.Float) {
    if (src instanceof Float64Array) return t.id === 'float8' ? src.subarray(0, n) : new Float64Array(new Float32Array(src.subarray(0, n)));
    if (src instanceof Float32Array) return new Float64Array(src.subarray(0, n));
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i] as number);
    return out;
  }
  if (d.typeId === Type.Int) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
    return t.id === 'float4' ? new Float64Array(new Float32Array(out)) : out;
  }
  throw mismatch(d, t);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function datesFrom(d: Data, t: SqlType, n: number): Int32Array {
  if (d.typeId === Type.Date) {
    const unit = (d.type as unknown as { unit: DateUnit }).unit;
    const src = d.values as Int32Array | BigInt64Array;
    if (unit === DateUnit.DAY && src instanceof Int32Array) return src.subarray(0, n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(Number(src[i]!) / 86_400_000);
    return out;
  }
  if (d.typeId === Type.Timestamp) {
    const micros = timestampsFrom(d, t, n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(micros[i]! / 86_400_000_000);
    return out;
  }
  throw mismatch(d, t);
}

function timestampsFrom(d: Data, t: SqlType, n: number): Float64Array {
  const out = new Float64Array(n);
  if (d.typeId === Type.Timestamp) {
    const src = d.values as BigInt64Array;
    const unit = (d.type as unknown as { unit: TimeUnit }).unit;
    for (let i = 0; i < n; i++) {
      const x = src[i]!;
      if (x === TS_MAX) { out[i] = Infinity; continue; }
      if (x === TS_MIN) { out[i] = -Infinity; continue; }
      switch (unit) {
        case TimeUnit.SECOND: out[i] = Number(x) * 1_000_000; break;
        case TimeUnit.MILLISECOND: out[i] = Number(x) * 1000; break;
        case TimeUnit.MICROSECOND: out[i] = Number(x); break;
        default: { let q = x / 1000n; if (x % 1000n < 0n) q -= 1n; out[i] = Number(q); }
      }
    }
    return out;
  }
  if (d.typeId === Type.Date) {
    const days = datesFrom(d, T.date, n);
    for (let i = 0; i < n; i++) out[i] = days[i]! * 86_400_000_000;
    return out;
  }
  throw mismatch(d, t);
}

function timesFrom(d: Data, t: SqlType, n: number): Float64Array {
  if (d.typeId !== Type.Time) throw mismatch(d, t);
  const src = d.values as Int32Array | BigInt64Array;
  const unit = (d.type as unknown as { unit: TimeUnit }).unit;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = Number(src[i]!);
    switch (unit) {
      case TimeUnit.SECOND: out[i] = x * 1_000_000; break;
      case TimeUnit.MILLISECOND: out[i] = x * 1000; break;
      case TimeUnit.MICROSECOND: out[i] = x; break;
      default: out[i] = Math.floor(x / 1000);
    }
  }
  return out;
}

function decimalsFrom(d: Data, t: SqlType, n: number, valid: Uint8Array | null): (Decimal | null)[] {
  const out: (Decimal | null)[] = new Array(n).fill(null);
  if (d.typeId === Type.Decimal) {
    const dt = d.type as unknown as ArrowDecimal;
    const words = dt.bitWidth / 64;
    const src = d.values as Uint32Array;
    // Aligned views read each 64-bit limb at once; a misaligned buffer is copied first.
    const buf = src.byteOffset % 8 === 0 ? src : src.slice();
    const lo = new BigUint64Array(buf.buffer, buf.byteOffset, n * words);
    const hi = new BigInt64Array(buf.buffer, buf.byteOffset, n * words);
    const scale = dt.scale;
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) continue;
      let v = hi[i * words + words - 1]!;
      for (let w = words - 2; w >= 0; w--) v = (v << 64n) | lo[i * words + w]!;
      out[i] = scale >= 0 ? new Decimal(v, scale) : new Decimal(v * 10n ** BigInt(-scale), 0);
    }
    return out;
  }
  if (d.typeId === Type.Int) {
    const src = d.values as ArrayLike<number | bigint>;
    const unsigned = !(d.type as unknown as { isSigned: boolean }).isSigned;
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) continue;
      let v = BigInt(src[i]!);
      if (unsigned && v < 0n) v = BigInt.asUintN(64, v);
      out[i] = new Decimal(v, 0);
    }
    return out;
  }
  if (d.typeId === Type.Float) {
    const f = floatsFrom(d, T.float8, n);
    // A single-precision source converts as a real does (6 significant digits), a double as float8.
    const single = (d.type as unknown as { precision: Precision }).precision !== Precision.DOUBLE;
    for (let i = 0; i < n; i++) if (!valid || valid[i]) out[i] = single ? Decimal.fromFloat4(f[i]!) : Decimal.fromFloat(f[i]!);
    return out;
  }
  const strings = stringsFrom(d, t, n, valid);
  for (let i = 0; i < n; i++) { const s = strings[i]; if (s != null) out[i] = Decimal.parse(s); }
  return out;
}

function intervalsFrom(d: Data, t: SqlType, n: number, valid: Uint8Array | null): (Interval | null)[] {
  const out: (Interval | null)[] = new Array(n).fill(null);
  if (d.typeId === Type.Interval && (d.type as unknown as { unit: IntervalUnit }).unit === IntervalUnit.MONTH_DAY_NANO) {
    const src = d.values as Int32Array;
    const buf = src.byteOffset % 8 === 0 ? src : src.slice();
    const wide = new BigInt64Array(buf.buffer, buf.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) continue;
      const nanos = wide[2 * i + 1]!;
      let micros = nanos / 1000n;
      if (nanos % 1000n < 0n) micros -= 1n;
      out[i] = new Interval(buf[4 * i]!, buf[4 * i + 1]!, Number(micros));
    }
    return out;
  }
  if (d.typeId === Type.Struct && isIntervalStruct(d.type)) {
    const months = fromArrowData(d.children[0]!, T.int4).data as Int32Array;
    const days = fromArrowData(d.children[1]!, T.int4).data as Int32Array;
    const micros = fromArrowData(d.children[2]!, T.int8).data as BigInt64Array;
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) continue;
      out[i] = new Interval(months[i]!, days[i]!, Number(micros[i]!));
    }
    return out;
  }
  if (d.typeId === Type.Utf8 || d.typeId === Type.LargeUtf8) {
    const strings = stringsFrom(d, t, n, valid);
    for (let i = 0; i < n; i++) { const s = strings[i]; if (s != null) out[i] = parseInterval(s); }
    return out;
  }
  throw mismatch(d, t);
}

function stringsFrom(d: Data, t: SqlType, n: number, valid: Uint8Array | null): (string | null)[] {
  const out: (string | null)[] = new Array(n).fill(null);
  if (d.typeId === Type.Utf8 || d.typeId === Type.LargeUtf8) {
    const offsets = d.valueOffsets as Int32Array | BigInt64Array;
    const bytes = d.values as Uint8Array;
    return decodeUtf8Column(bytes, offsets, n, valid, out);
  }
  if (d.typeId !== Type.Utf8View && d.typeId !== Type.Int && d.typeId !== Type.Float && d.typeId !== Type.Bool) throw mismatch(d, t);
  // Other representations (string views, numbers read as text): through Arrow's own accessors.
  const vec = new ArrowVector([d]);
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) continue;
    const x: unknown = vec.get(i);
    if (x === null || x === undefined) continue;
    out[i] = typeof x === 'string' ? x : String(x);
  }
  return out;
}

/**
 * Decodes the whole value buffer once and slices it: per-value decoding costs far more than the
 * scan that maps byte offsets to UTF-16 offsets.
 */
function decodeUtf8Column(bytes: Uint8Array, offsets: Int32Array | BigInt64Array, n: number, valid: Uint8Array | null, out: (string | null)[]): (string | null)[] {
  const start = Number(offsets[0]!), end = Number(offsets[n]!);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const all = buf.toString('utf8', start, end);
  const units = new Float64Array(n + 1);
  let u = 0;
  for (let i = 0; i < n; i++) {
    const b = Number(offsets[i + 1]!);
    for (let k = Number(offsets[i]!); k < b; k++) {
      const c = bytes[k]!;
      // Lead bytes start a character; a 4-byte sequence is a surrogate pair in UTF-16.
      if ((c & 0xc0) !== 0x80) u += c >= 0xf0 ? 2 : 1;
    }
    units[i + 1] = u;
  }
  if (u !== all.length) {
    // Invalid UTF-8 (which Arrow readers normally reject) decodes to replacement characters
    // that shift the mapping; decode value by value instead.
    for (let i = 0; i < n; i++) if (!valid || valid[i]) out[i] = buf.toString('utf8', Number(offsets[i]!), Number(offsets[i + 1]!));
    return out;
  }
  for (let i = 0; i < n; i++) if (!valid || valid[i]) out[i] = all.substring(units[i]!, units[i + 1]!);
  return out;
}
