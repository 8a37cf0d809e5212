/**
 * Parquet's footer (FileMetaData) and page headers as typed objects, from the generic thrift
 * structs of thrift.ts. Field ids follow parquet.thrift; only what the reader uses is kept.
 */
import { ThriftReader, corrupt, type ThriftStruct, type ThriftValue } from './thrift.js';

export const enum PhysicalType { BOOLEAN = 0, INT32 = 1, INT64 = 2, INT96 = 3, FLOAT = 4, DOUBLE = 5, BYTE_ARRAY = 6, FIXED_LEN_BYTE_ARRAY = 7 }
export const enum Encoding { PLAIN = 0, PLAIN_DICTIONARY = 2, RLE = 3, BIT_PACKED = 4, RLE_DICTIONARY = 8 }
export const enum Codec { UNCOMPRESSED = 0, SNAPPY = 1 }
export const enum PageType { DATA_PAGE = 0, DICTIONARY_PAGE = 2, DATA_PAGE_V2 = 3 }

export interface SchemaElement {
  name: string;
  type: number | undefined;
  typeLength: number;
  /** 0 required, 1 optional, 2 repeated; undefined for the root. */
  repetition: number | undefined;
  numChildren: number;
  convertedType: number | undefined;
  scale: number;
  precision: number;
  /** The LogicalType union as its field id → struct (e.g. 8 TIMESTAMP → { 1: utc, 2: unit }). */
  logical: ThriftStruct | undefined;
}

export interface Statistics {
  min: Uint8Array | undefined;
  max: Uint8Array | undefined;
  nullCount: number | undefined;
  /** From the deprecated min/max fields, whose order is signed and may be wrong for text. */
  legacy: boolean;
}

export interface ColumnChunkMeta {
  type: number;
  encodings: number[];
  path: string[];
  codec: number;
  numValues: number;
  totalCompressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset: number | undefined;
  statistics: Statistics | undefined;
  /** Set when the chunk lives in another file: not supported by the own reader. */
  filePath: string | undefined;
}

export interface RowGroupMeta { numRows: number; columns: ColumnChunkMeta[] }

export interface FileMeta {
  schema: SchemaElement[];
  numRows: number;
  rowGroups: RowGroupMeta[];
  keyValues: Map<string, string>;
}

const dec = new TextDecoder();
const str = (v: ThriftValue | undefined): string => (v instanceof Uint8Array ? dec.decode(v) : '');
const num = (v: ThriftValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const struct = (v: ThriftValue | undefined): ThriftStruct | undefined =>
  v !== undefined && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) ? v : undefined;
const list = (v: ThriftValue | undefined): ThriftValue[] => (Array.isArray(v) ? v : []);
const bin = (v: ThriftValue | undefined): Uint8Array | undefined => (v instanceof Uint8Array ? v : undefined);
function need(v: number | undefined, what: string): number {
  if (v === undefined) throw corrupt(`${what} is missing`);
  return v;
}

function statistics(s: ThriftStruct | undefined): Statistics | undefined {
  if (!s) return undefined;
  const min = bin(s[6]), max = bin(s[5]);
  if (min || max) return { min, max, nullCount: num(s[3]), legacy: false };
  return { min: bin(s[2]), max: bin(s[1]), nullCount: num(s[3]), legacy: true };
}

function columnChunk(c: ThriftStruct): ColumnChunkMeta {
  const m = struct(c[3]);
  if (!m) throw corrupt('column chunk without metadata');
  return {
    type: need(num(m[1]), 'column type'),
    encodings: list(m[2]).map((e) => num(e) ?? -1),
    path: list(m[3]).map(str),
    codec: need(num(m[4]), 'column codec'),
    numValues: need(num(m[5]), 'column value count'),
    totalCompressedSize: need(num(m[7]), 'column size'),
    dataPageOffset: need(num(m[9]), 'data page offset'),
    dictionaryPageOffset: num(m[11]),
    statistics: statistics(struct(m[12])),
    filePath: c[1] instanceof Uint8Array ? str(c[1]) : undefined,
  };
}

export function decodeFileMeta(buf: Uint8Array): FileMeta {
  const s = new ThriftReader(buf).struct();
  const schema: SchemaElement[] = list(s[2]).map((v) => {
    const e = struct(v) ?? {};
    return {
      name: str(e[4]), type: num(e[1]), typeLength: num(e[2]) ?? 0, repetition: num(e[3]),
      numChildren: num(e[5]) ?? 0, convertedType: num(e[6]), scale: num(e[7]) ?? 0, precision: num(e[8]) ?? 0,
      logical: struct(e[10]),
    };
  });
  if (schema.length === 0) throw corrupt('empty schema');
  const rowGroups = list(s[4]).map((v) => {
    const g = struct(v) ?? {};
    return { numRows: need(num(g[3]), 'row group row count'), columns: list(g[1]).map((c) => columnChunk(struct(c) ?? {})) };
  });
  const keyValues = new Map<string, string>();
  for (const kv of list(s[5])) { const k = struct(kv); if (k) keyValues.set(str(k[1]), str(k[2])); }
  return { schema, numRows: need(num(s[3]), 'row count'), rowGroups, keyValues };
}

export interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  /** DATA_PAGE / DATA_PAGE_V2: values including nulls; DICTIONARY_PAGE: dictionary entries. */
  numValues: number;
  encoding: number;
  /** v1 only. */
  defEncoding: number;
  /** v2 only. */
  numNulls: number;
  defLength: number;
  repLength: number;
  compressed: boolean;
}

/** Reads a page header at `pos`; returns it and the position of the page's body. */
export function decodePageHeader(buf: Uint8Array, pos: number, end: number): { header: PageHeader; body: number } {
  const r = new ThriftReader(buf, pos, end);
  const s = r.struct();
  const type = need(num(s[1]), 'page type');
  const h: PageHeader = {
    type, uncompressedSize: need(num(s[2]), 'page size'), compressedSize: need(num(s[3]), 'page size'),
    numValues: 0, encoding: 0, defEncoding: Encoding.RLE, numNulls: 0, defLength: 0, repLength: 0, compressed: true,
  };
  if (type === PageType.DATA_PAGE) {
    const d = struct(s[5]) ?? {};
    h.numValues = need(num(d[1]), 'page value count');
    h.encoding = need(num(d[2]), 'page encoding');
    h.defEncoding = num(d[3]) ?? Encoding.RLE;
  } else if (type === PageType.DICTIONARY_PAGE) {
    const d = struct(s[7]) ?? {};
    h.numValues = need(num(d[1]), 'dictionary size');
    h.encoding = num(d[2]) ?? Encoding.PLAIN;
  } else if (type === PageType.DATA_PAGE_V2) {
    const d = struct(s[8]) ?? {};
    h.numValues = need(num(d[1]), 'page value count');
    h.numNulls = num(d[2]) ?? 0;
    h.encoding = need(num(d[4]), 'page encoding');
    h.defLength = num(d[5]) ?? 0;
    h.repLength = num(d[6]) ?? 0;
    h.compressed = d[7] !== false;
  }
  if (h.compressedSize < 0 || h.uncompressedSize < 0) throw corrupt('negative page size');
  return { header: h, body: r.pos };
}
