/**
 * One column chunk (a column of one row group) → one engine vector: walks its pages (an optional
 * dictionary page, then DATA_PAGE v1 or v2), decompresses, reads definition levels, decodes
 * PLAIN or dictionary-coded values and places them at their rows. Text whose pages are all
 * dictionary-coded keeps the codes as a `dict` vector, so grouping works on small integers.
 */
import { QuiverError } from '../../common/errors.js';
import type { Vector } from '../../common/vector.js';
import { Codec, Encoding, PageType, PhysicalType, decodePageHeader, type ColumnChunkMeta, type PageHeader } from './metadata.js';
import { corrupt } from './thrift.js';
import { snappyUncompress } from './snappy.js';
import { decodeHybrid } from './rle.js';
import { decodePlain, type Dense } from './plain.js';
import { allocStore, type ColumnDesc, type Store } from './columns.js';

/** Dictionaries larger than this are expanded rather than kept beside the values. */
const MAX_KEPT_DICTIONARY = 65536;

type Indexable = { [i: number]: unknown; length: number };

function uncompress(codec: number, src: Uint8Array, size: number): Uint8Array {
  if (codec === Codec.UNCOMPRESSED) return src;
  if (codec === Codec.SNAPPY) {
    // A snappy block expands at most ~64-fold (a 2-byte copy of 64 bytes): larger is corruption.
    if (size > src.length * 64 + 64) throw corrupt('page size out of proportion to its compressed size');
    const out = new Uint8Array(size);
    snappyUncompress(src, out);
    return out;
  }
  throw new QuiverError('0A000', `Parquet compression codec ${codec} is not supported by the built-in reader`);
}

/** Codes of a dictionary-coded page body: a bit-width byte, then the RLE/bit-packed hybrid. */
function dictionaryCodes(buf: Uint8Array, pos: number, end: number, count: number, dictSize: number): Int32Array {
  const codes = new Int32Array(count);
  if (count === 0) return codes;
  if (pos >= end) throw corrupt('dictionary-coded page without codes');
  decodeHybrid(buf, pos + 1, end, buf[pos]!, count, codes);
  for (let i = 0; i < count; i++) if ((codes[i]! >>> 0) >= dictSize) throw corrupt('dictionary code out of range');
  return codes;
}

function values(h: PageHeader, col: ColumnDesc, buf: Uint8Array, pos: number, end: number, count: number, dictSize: number): { dense: Dense } | { codes: Int32Array } {
  switch (h.encoding) {
    case Encoding.PLAIN: return { dense: decodePlain(col.physical, col.typeLength, buf, pos, end, count) };
    case Encoding.PLAIN_DICTIONARY: case Encoding.RLE_DICTIONARY:
      if (dictSize < 0) throw corrupt('dictionary-coded page without a dictionary page');
      return { codes: dictionaryCodes(buf, pos, end, count, dictSize) };
    case Encoding.RLE:
      if (col.physical === PhysicalType.BOOLEAN) {
        const bits = new Int32Array(count);
        decodeHybrid(buf, pos + 4, end, 1, count, bits);
        return { dense: Uint8Array.from(bits) };
      }
      break;
  }
  throw new QuiverError('0A000', `Parquet encoding ${h.encoding} is not supported by the built-in reader`);
}

/**
 * Reads the column chunk held in `bytes` (its pages, from the first) as `rows` rows; with `sel`,
 * only rows sel[0, nsel) come out (the rows a filter on other columns kept), and values are built
 * only for them.
 */
export function readColumnChunk(bytes: Uint8Array, meta: ColumnChunkMeta, col: ColumnDesc, rows: number, sel: Int32Array | null = null, nsel = 0): Vector {
  const store = allocStore(col.store, rows);
  const out = store as unknown as Indexable;
  const valid = col.optional ? new Uint8Array(rows) : null;
  let nulls = 0;
  let dict: Store | null = null, dictSize = -1;
  // Text codes per row (-1 = NULL) while every page so far is dictionary-coded.
  let rowCodes: Int32Array | null = col.sql.id === 'text' ? new Int32Array(rows) : null;
  let defs: Int32Array | null = null;
  let row = 0, pos = 0;
  const end = bytes.length;
  while (row < rows) {
    if (pos >= end) throw corrupt(`column "${col.name}" has fewer values than its row group's ${rows} rows`);
    const { header: h, body } = decodePageHeader(bytes, pos, end);
    const pend = body + h.compressedSize;
    if (pend > end) throw corrupt(`a page of column "${col.name}" runs past its column chunk`);
    pos = pend;
    if (h.type === PageType.DICTIONARY_PAGE) {
      const data = uncompress(meta.codec, bytes.subarray(body, pend), h.uncompressedSize);
      dict = col.convert(decodePlain(col.physical, col.typeLength, data, 0, data.length, h.numValues));
      dictSize = h.numValues;
      if (dictSize > MAX_KEPT_DICTIONARY) rowCodes = null;
      continue;
    }
    if (h.type !== PageType.DATA_PAGE && h.type !== PageType.DATA_PAGE_V2) continue;
    const n = h.numValues;
    if (row + n > rows) throw corrupt(`column "${col.name}" has more values than its row group's ${rows} rows`);
    let buf: Uint8Array, vpos: number, hasDefs = false;
    if (col.optional && (!defs || defs.length < n)) defs = new Int32Array(Math.max(n, 1024));
    if (h.type === PageType.DATA_PAGE) {
      buf = uncompress(meta.codec, bytes.subarray(body, pend), h.uncompressedSize);
      vpos = 0;
      if (col.optional) {
        if (h.defEncoding !== Encoding.RLE) throw new QuiverError('0A000', 'Parquet BIT_PACKED definition levels are not supported by the built-in reader');
        if (buf.length < 4) throw corrupt('page ends in its definition levels');
        const len = (buf[0]! | (buf[1]! << 8) | (buf[2]! << 16) | (buf[3]! << 24)) >>> 0;
        if (4 + len > buf.length) throw corrupt('definition levels run past their page');
        decodeHybrid(buf, 4, 4 + len, 1, n, defs!);
        vpos = 4 + len;
        hasDefs = true;
      }
    } else {
      const levels = h.repLength + h.defLength;
      if (levels > h.compressedSize) throw corrupt('page levels run past the page');
      if (col.optional && h.defLength > 0) {
        decodeHybrid(bytes, body + h.repLength, body + levels, 1, n, defs!);
        hasDefs = true;
      }
      const src = bytes.subarray(body + levels, pend);
      buf = h.compressed ? uncompress(meta.codec, src, h.uncompressedSize - levels) : src;
      vpos = 0;
    }
    let count = n;
    if (hasDefs) {
      count = 0;
      for (let i = 0; i < n; i++) count += defs![i]!;
    }
    const v = values(h, col, buf, vpos, buf.length, count, dictSize);
    if ('codes' in v) {
      const codes = v.codes, d = dict as unknown as Indexable;
      if (hasDefs) {
        for (let i = 0, k = 0; i < n; i++) {
          const r = row + i;
          if (defs![i] === 1) { const c = codes[k++]!; out[r] = d[c]; valid![r] = 1; if (rowCodes) rowCodes[r] = c; } else { nulls++; if (rowCodes) rowCodes[r] = -1; }
        }
      } else {
        for (let i = 0; i < n; i++) out[row + i] = d[codes[i]!];
        if (rowCodes) rowCodes.set(codes, row);
        if (valid) valid.fill(1, row, row + n);
      }
    } else {
      rowCodes = null;
      const src = col.convert(v.dense) as unknown as Indexable;
      if (hasDefs) {
        for (let i = 0, k = 0; i < n; i++) {
          const r = row + i;
          if (defs![i] === 1) { out[r] = src[k++]; valid![r] = 1; } else nulls++;
        }
      } else {
        if (Array.isArray(store) || src.constructor !== store.constructor) { for (let i = 0; i < n; i++) out[row + i] = src[i]; }
        else (store as Int32Array).set(src as unknown as Int32Array, row);
        if (valid) valid.fill(1, row, row + n);
      }
    }
    row += n;
  }
  if (sel) return selected(col, store, nulls > 0 ? valid : null, rowCodes && dict ? rowCodes : null, dict, sel, nsel);
  const vec = col.finish(store, nulls > 0 ? valid : null, rows);
  if (rowCodes && dict) return { ...vec, dict: { codes: rowCodes, values: dict as string[] } };
  return vec;
}

function selected(col: ColumnDesc, store: Store, valid: Uint8Array | null, codes: Int32Array | null, dict: Store | null, sel: Int32Array, n: number): Vector {
  const out = allocStore(col.store, n) as unknown as Indexable, src = store as unknown as Indexable;
  for (let i = 0; i < n; i++) out[i] = src[sel[i]!];
  let v: Uint8Array | null = null;
  if (valid) {
    v = new Uint8Array(n);
    for (let i = 0; i < n; i++) v[i] = valid[sel[i]!]!;
  }
  const vec = col.finish(out as unknown as Store, v, n);
  if (!codes || !dict) return vec;
  const c = new Int32Array(n);
  for (let i = 0; i < n; i++) c[i] = codes[sel[i]!]!;
  return { ...vec, dict: { codes: c, values: dict as string[] } };
}
