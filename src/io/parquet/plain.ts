/**
 * PLAIN-encoded values per physical type, decoded densely (no nulls: definition levels place
 * them later). Dictionary pages are PLAIN too. Each decoder returns the typed array the column
 * converter (columns.ts) expects for its physical type:
 *   BOOLEAN → Uint8Array, INT32 → Int32Array, INT64 → Int32Array of (lo, hi) pairs,
 *   FLOAT → Float32Array, DOUBLE → Float64Array, BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY → Raw
 *   (offsets into the page's bytes, so text is decoded straight from the page).
 */
import { PhysicalType } from './metadata.js';
import { corrupt } from './thrift.js';

/** Variable or fixed-length byte strings: value i is bytes[start[i], start[i] + len[i]). */
export interface Raw { bytes: Uint8Array; start: Int32Array; len: Int32Array }

export type Dense = Uint8Array | Int32Array | Float32Array | Float64Array | Raw;

function aligned(buf: Uint8Array, pos: number, bytes: number, align: number): Uint8Array {
  const view = buf.subarray(pos, pos + bytes);
  // Typed views need aligned offsets; an unaligned page body is copied once.
  return (buf.byteOffset + pos) % align === 0 ? view : view.slice();
}

export function decodePlain(type: number, typeLength: number, buf: Uint8Array, pos: number, end: number, count: number): Dense {
  switch (type) {
    case PhysicalType.BOOLEAN: {
      if (pos + Math.ceil(count / 8) > end) throw corrupt('page ends before its values');
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = (buf[pos + (i >> 3)]! >> (i & 7)) & 1;
      return out;
    }
    case PhysicalType.INT32: case PhysicalType.FLOAT: {
      if (pos + count * 4 > end) throw corrupt('page ends before its values');
      const b = aligned(buf, pos, count * 4, 4);
      return type === PhysicalType.INT32 ? new Int32Array(b.buffer, b.byteOffset, count) : new Float32Array(b.buffer, b.byteOffset, count);
    }
    case PhysicalType.INT64: case PhysicalType.DOUBLE: {
      if (pos + count * 8 > end) throw corrupt('page ends before its values');
      if (type === PhysicalType.INT64) {
        const b = aligned(buf, pos, count * 8, 8);
        return new Int32Array(b.buffer, b.byteOffset, count * 2);
      }
      const b = aligned(buf, pos, count * 8, 8);
      return new Float64Array(b.buffer, b.byteOffset, count);
    }
    case PhysicalType.BYTE_ARRAY: {
      if (count * 4 > end - pos) throw corrupt('page ends before its values');
      const start = new Int32Array(count), len = new Int32Array(count);
      let p = pos;
      for (let i = 0; i < count; i++) {
        if (p + 4 > end) throw corrupt('page ends before its values');
        const l = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
        p += 4;
        if (p + l > end) throw corrupt('byte array runs past its page');
        start[i] = p;
        len[i] = l;
        p += l;
      }
      return { bytes: buf, start, len };
    }
    case PhysicalType.FIXED_LEN_BYTE_ARRAY: {
      if (typeLength <= 0 || pos + count * typeLength > end) throw corrupt('page ends before its values');
      const start = new Int32Array(count), len = new Int32Array(count).fill(typeLength);
      for (let i = 0; i < count; i++) start[i] = pos + i * typeLength;
      return { bytes: buf, start, len };
    }
    default: throw corrupt(`physical type ${type}`);
  }
}

/** A statistics value: PLAIN without the length prefix of byte arrays. */
export function decodeStatValue(type: number, typeLength: number, bytes: Uint8Array): Dense {
  if (type === PhysicalType.BYTE_ARRAY || type === PhysicalType.FIXED_LEN_BYTE_ARRAY) {
    return { bytes, start: new Int32Array([0]), len: new Int32Array([bytes.length]) };
  }
  return decodePlain(type, typeLength, bytes, 0, bytes.length, 1);
}
