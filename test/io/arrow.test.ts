import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tableToIPC, tableFromIPC, vectorFromArray, Dictionary, Utf8, Int32, Int8, Int16, Int64, Uint8, Uint16, Uint32,
  Uint64, Float16, Float32, Float64, Decimal as ArrowDecimal, DateDay, DateMillisecond, TimestampSecond,
  TimestampMillisecond, TimestampMicrosecond, TimestampNanosecond, Bool, LargeUtf8, Type, Table, makeData,
  RecordBatch, Schema, Field as ArrowField, Struct, makeVector as makeArrowVector, TimeMillisecond, TimeNanosecond,
} from 'apache-arrow';
import { toArrowTable, fromArrowTable, arrowTypeToSql } from '../../src/io/arrow.js';
import { T, type, type SqlType } from '../../src/common/types.js';
import { Decimal } from '../../src/common/decimal.js';
import { Interval } from '../../src/common/datetime.js';
import { VectorBuilder, type Batch, type Vector } from '../../src/common/vector.js';
import type { Field } from '../../src/logical/plan.js';

const num10_2 = type('numeric', 10, 2);
const num50_3 = type('numeric', 50, 3);

/** One column per engine type; every column has a NULL in row 1. */
function sampleColumns(): { schema: Field[]; rows: unknown[][] } {
  const schema: Field[] = [
    { name: 'b', type: T.bool },
    { name: 'i2', type: T.int2 },
    { name: 'i4', type: T.int4 },
    { name: 'i8', type: T.int8 },
    { name: 'f4', type: T.float4 },
    { name: 'f8', type: T.float8 },
    { name: 'n', type: T.numeric },
    { name: 'n102', type: num10_2 },
    { name: 'n503', type: num50_3 },
    { name: 't', type: T.text },
    { name: 'vc', type: type('varchar', 10) },
    { name: 'bc', type: type('bpchar', 3) },
    { name: 'd', type: T.date },
    { name: 'ts', type: T.timestamp },
    { name: 'iv', type: T.interval },
    { name: 'tm', type: T.time },
  ];
  const rows: unknown[][] = [
    [true, 32767, 2147483647, 9223372036854775807n, Math.fround(1.5), 0.1,
      Decimal.parse('1.500'), Decimal.parse('12345678.99'), Decimal.parse('123456789012345678901234567890123456789012.345'),
      'héllo wörld ☃ 𝄞', 'abc', 'ab ', 19000, 1_700_000_000_123_456, new Interval(14, 3, 3_723_000_001), 86_399_999_999],
    [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
    [false, -32768, -2147483648, -9223372036854775808n, -0, -1e300,
      Decimal.parse('-0.000000000000000000000000000000001'), Decimal.parse('-0.01'), Decimal.parse('0.000'),
      '', '', '   ', -719528, -62_135_596_800_000_000, new Interval(-1, -2, -3), 0],
    [true, 0, 0, 0n, Infinity, NaN, Decimal.parse('99999999999999999999999999999999999999999999'), Decimal.parse('-99999999.99'),
      Decimal.parse('-1.000'), 'x'.repeat(1000), 'plain', 'é  ', 0, -1, new Interval(0, 0, 0), 45_296_000_007],
  ];
  return { schema, rows };
}

function buildBatch(types: SqlType[], rows: unknown[][]): Batch {
  const builders = types.map((t) => new VectorBuilder(t, 2));
  for (const r of rows) r.forEach((v, c) => builders[c]!.push(v));
  return { length: rows.length, columns: builders.map((b) => b.finish()) };
}

/** Engine values in a comparable form: Decimal keeps its scale, Interval its three fields. */
function cell(v: Vector, i: number): unknown {
  if (v.valid && !v.valid[i]) return null;
  const x = (v.data as ArrayLike<unknown>)[i];
  if (x === null || x === undefined) return null;
  if (v.type.id === 'bool') return x === 1;
  if (x instanceof Decimal) return `${x.toString()}/${x.s}`;
  if (x instanceof Interval) return [x.months, x.days, x.micros];
  if (typeof x === 'number' && Object.is(x, -0)) return '-0';
  return x;
}

function rowsOf(batches: Batch[]): unknown[][] {
  const out: unknown[][] = [];
  for (const b of batches) for (let i = 0; i < b.length; i++) out.push(b.columns.map((c) => cell(c, i)));
  return out;
}

test('toArrowTable maps every engine type to the documented Arrow type', () => {
  const { schema, rows } = sampleColumns();
  const batch = buildBatch(schema.map((f) => f.type), rows);
  const table = toArrowTable(schema, [batch]);
  const got = table.schema.fields.map((f) => [f.name, String(f.type)]);
  assert.deepEqual(got, [
    ['b', 'Bool'], ['i2', 'Int16'], ['i4', 'Int32'], ['i8', 'Int64'], ['f4', 'Float32'], ['f8', 'Float64'],
    ['n', 'Utf8'], ['n102', 'Decimal[10e+2]'], ['n503', 'Utf8'], ['t', 'Utf8'], ['vc', 'Utf8'], ['bc', 'Utf8'],
    ['d', 'Date32<DAY>'], ['ts', 'Timestamp<MICROSECOND>'], ['iv', 'Interval<MONTH_DAY_NANO>'], ['tm', 'Time64<MICROSECOND>'],
  ]);
  assert.equal(table.numRows, 4);
  const col = (name: string) => table.getChild(name)!;
  assert.equal(col('b').get(0), true);
  assert.equal(col('b').get(1), null);
  assert.equal(col('b').get(2), false);
  assert.equal(col('i2').get(2), -32768);
  assert.equal(col('i8').get(0), 9223372036854775807n);
  assert.equal(col('t').get(0), 'héllo wörld ☃ 𝄞');
  assert.equal(col('t').get(2), '');
  assert.equal(col('t').get(1), null);
  assert.equal(col('n').get(0), '1.500');
  assert.equal(col('n503').get(0), '123456789012345678901234567890123456789012.345');
  assert.equal(col('ts').get(0), 1_700_000_000_123.456); // Arrow JS reports milliseconds
  assert.equal(col('d').get(0), 19000 * 86_400_000);
  for (const f of table.schema.fields) assert.equal(table.getChild(f.name)!.nullCount, 1, f.name);
});

test('Decimal128 buffers hold the unscaled two\'s-complement value', () => {
  const schema: Field[] = [{ name: 'n', type: num10_2 }];
  const table = toArrowTable(schema, [buildBatch([num10_2], [[Decimal.parse('-0.01')], [Decimal.parse('5')], [Decimal.parse('12.3')]])]);
  const words = table.getChild('n')!.data[0]!.values as Uint32Array;
  assert.deepEqual([...words.subarray(0, 4)], [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  assert.deepEqual([...words.subarray(4, 8)], [500, 0, 0, 0]);
  assert.deepEqual([...words.subarray(8, 12)], [1230, 0, 0, 0]);
});

test('numeric values that would not fit the declared Decimal128 fall back to exact text', () => {
  const t = type('numeric', 5, 1);
  const table = toArrowTable([{ name: 'n', type: t }], [
    buildBatch([t], [[Decimal.parse('1.5')]]),
    buildBatch([t], [[Decimal.parse('1.25')]]),
  ]);
  assert.equal(String(table.schema.fields[0]!.type), 'Utf8');
  assert.deepEqual(rowsOf(fromArrowTable(table, [t])), [['1.5/1'], ['1.25/2']]);
});

test('round trip through toArrowTable and fromArrowTable keeps every value, NULLs and empty strings', () => {
  const { schema, rows } = sampleColumns();
  const types = schema.map((f) => f.type);
  const batch = buildBatch(types, rows);
  const expected = rowsOf([batch]);
  assert.deepEqual(rowsOf(fromArrowTable(toArrowTable(schema, [batch]), types)), expected);
  // Through IPC, as a consumer in another process would see it.
  const ipc = tableToIPC(toArrowTable(schema, [batch, batch]), 'stream');
  const back = fromArrowTable(tableFromIPC(ipc), types);
  assert.deepEqual(rowsOf(back), [...expected, ...expected]);
  // Struct-encoded intervals, the form written to Parquet.
  const viaStruct = toArrowTable(schema, [batch], { interval: 'struct' });
  assert.equal(viaStruct.schema.fields[14]!.type.typeId, Type.Struct);
  assert.deepEqual(rowsOf(fromArrowTable(tableFromIPC(tableToIPC(viaStruct, 'stream')), types)), expected);
});

test('fromArrowTable returns typed arrays for fixed-width columns and honours slices', () => {
  const { schema, rows } = sampleColumns();
  const types = schema.map((f) => f.type);
  const batch = buildBatch(types, rows);
  const back = fromArrowTable(toArrowTable(schema, [batch]), types)[0]!;
  assert.ok(back.columns[0]!.data instanceof Uint8Array);
  assert.ok(back.columns[2]!.data instanceof Int32Array);
  assert.ok(back.columns[3]!.data instanceof BigInt64Array);
  assert.ok(back.columns[13]!.data instanceof Float64Array);
  const sliced = toArrowTable(schema, [batch]).slice(1, 4);
  assert.deepEqual(rowsOf(fromArrowTable(sliced, types)), rowsOf([batch]).slice(1, 4));
  const odd = toArrowTable(schema, [batch]).slice(3, 4);
  assert.deepEqual(rowsOf(fromArrowTable(odd, types)), rowsOf([batch]).slice(3, 4));
});

test('larger batches: bitmaps across byte boundaries and many strings', () => {
  const types = [T.bool, T.int4, T.text, T.timestamp];
  const rows: unknown[][] = [];
  for (let i = 0; i < 1000; i++) {
    rows.push([i % 3 === 0 ? null : i % 2 === 0, i % 7 === 0 ? null : i * 3 - 500, i % 5 === 0 ? null : `r${i}✓`.repeat(i % 4), i % 11 === 0 ? null : i * 1_000_001 - 7]);
  }
  const batch = buildBatch(types, rows);
  const schema = types.map((t, i) => ({ name: `c${i}`, type: t }));
  assert.deepEqual(rowsOf(fromArrowTable(toArrowTable(schema, [batch]), types)), rowsOf([batch]));
});

test('duplicate names, no rows and no columns', () => {
  const schema: Field[] = [{ name: 'x', type: T.int4 }, { name: 'x', type: T.text }];
  const empty = toArrowTable(schema, []);
  assert.equal(empty.numRows, 0);
  assert.deepEqual(empty.schema.fields.map((f) => f.name), ['x', 'x']);
  assert.deepEqual(fromArrowTable(empty, [T.int4, T.text]), []);
  const one = toArrowTable(schema, [buildBatch([T.int4, T.text], [[1, 'a']]), buildBatch([T.int4, T.text], [])]);
  assert.equal(one.numRows, 1);
  assert.equal(one.getChildAt(1)!.get(0), 'a');
  const noCols = toArrowTable([], [{ length: 3, columns: [] }]);
  assert.equal(noCols.numRows, 3);
  assert.equal(noCols.numCols, 0);
});

test('arrowTypeToSql maps foreign Arrow types', () => {
  const cases: [import('apache-arrow').DataType, SqlType][] = [
    [new Utf8(), T.text], [new LargeUtf8(), T.text], [new Int8(), T.int2], [new Int16(), T.int2],
    [new Int32(), T.int4], [new Int64(), T.int8], [new Uint8(), T.int2], [new Uint16(), T.int4], [new Uint32(), T.int8],
    [new Uint64(), type('numeric', 20, 0)], [new Float16(), T.float4], [new Float32(), T.float4], [new Float64(), T.float8],
    [new ArrowDecimal(3, 12, 128), type('numeric', 12, 3)], [new DateDay(), T.date], [new DateMillisecond(), T.date],
    [new TimestampSecond(), T.timestamp], [new TimestampMillisecond('UTC'), T.timestamp], [new TimestampMicrosecond(), T.timestamp],
    [new TimestampNanosecond(), T.timestamp], [new Bool(), T.bool], [new TimeMillisecond(), T.time], [new TimeNanosecond(), T.time], [new Dictionary(new Utf8(), new Int32()), T.text],
  ];
  for (const [at, st] of cases) assert.deepEqual(arrowTypeToSql(at), st, String(at));
});

test('fromArrowTable reads foreign encodings: other int widths, units, dictionaries, Float16', () => {
  const vec = (values: unknown[], t: import('apache-arrow').DataType) => vectorFromArray(values, t);
  const children = [
    vec([1, null, -3], new Int8()),
    vec([1, 4294967295, null], new Uint32()),
    vec([null, 0.5, -2], new Float16()),
    vec([new Date(Date.UTC(2024, 1, 29)), null, new Date(Date.UTC(1969, 11, 31))], new DateMillisecond()),
    vec(['a', null, 'a'], new Dictionary(new Utf8(), new Int32())),
  ];
  const fields = [
    new ArrowField('i8', new Int8()), new ArrowField('u32', new Uint32()), new ArrowField('f16', new Float16()),
    new ArrowField('dms', new DateMillisecond()), new ArrowField('dict', children[4]!.type),
  ];
  const schema = new Schema(fields);
  const rb = new RecordBatch(schema, makeData({ type: new Struct(fields), length: 3, nullCount: 0, children: children.map((v) => v.data[0]!) }));
  const table = new Table(schema, [rb]);
  const types = table.schema.fields.map((f) => arrowTypeToSql(f.type));
  const days2024 = Date.UTC(2024, 1, 29) / 86_400_000;
  assert.deepEqual(rowsOf(fromArrowTable(table, types)), [
    [1, 1n, null, days2024, 'a'],
    [null, 4294967295n, 0.5, null, null],
    [-3, null, -2, -1, 'a'],
  ]);

  const units: [import('apache-arrow').DataType, number[]][] = [
    [new TimestampSecond(), [-1_000_000, 1_000_000_000_000_000]],
    [new TimestampMillisecond(), [-1000, 1_000_000_000_000]],
    [new TimestampNanosecond(), [-1, 1_000_000]],
  ];
  for (const [t, expected] of units) {
    const data = makeArrowVector(makeData({ type: t as TimestampSecond, length: 2, nullCount: 0, data: new BigInt64Array([-1n, 1_000_000_000n]) }));
    const got = rowsOf(fromArrowTable(new Table({ x: data }), [T.timestamp])).map((r) => r[0]);
    assert.deepEqual(got, expected, String(t));
  }
});
