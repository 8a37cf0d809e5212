/**
 * Thrift compact protocol, read side only: Parquet's footer and page headers are thrift structs
 * in this encoding. A struct is decoded generically into an object keyed by field id, which
 * metadata.ts turns into named fields; unknown fields (newer format versions) are skipped by
 * their wire type, so a file from a newer writer still reads.
 */
import { QuiverError } from '../../common/errors.js';

/** A decoded struct: field id → value (number, bigint-free i64 as number, Uint8Array, list, struct). */
export type ThriftStruct = { [id: number]: ThriftValue };
export type ThriftValue = number | boolean | Uint8Array | ThriftValue[] | ThriftStruct;

export function corrupt(what: string): QuiverError {
  return new QuiverError('XX001', `invalid Parquet file: ${what}`);
}

export class ThriftReader {
  pos: number;
  constructor(readonly buf: Uint8Array, start = 0, private readonly end = buf.length) { this.pos = start; }

  private byte(): number {
    if (this.pos >= this.end) throw corrupt('metadata ends unexpectedly');
    return this.buf[this.pos++]!;
  }

  /** Unsigned LEB128; values past 2^53 lose precision, which no offset or count in a file reaches. */
  varint(): number {
    let result = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw corrupt('malformed varint');
  }

  zigzag(): number {
    const n = this.varint();
    // n % 2 on a double: bit operations would truncate above 2^31.
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  private binary(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.end) throw corrupt('metadata ends unexpectedly');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case 1: return true;
      case 2: return false;
      case 3: { const b = this.byte(); return b > 127 ? b - 256 : b; }
      case 4: case 5: case 6: return this.zigzag();
      case 7: {
        if (this.pos + 8 > this.end) throw corrupt('metadata ends unexpectedly');
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: return this.binary();
      case 9: case 10: return this.list();
      case 11: {
        // Maps do not occur in Parquet metadata; read past one as a list of key/value pairs.
        const n = this.varint();
        if (n === 0) return [];
        const kinds = this.byte();
        const out: ThriftValue[] = [];
        for (let i = 0; i < n; i++) out.push([this.value(kinds >> 4), this.value(kinds & 15)]);
        return out;
      }
      case 12: return this.struct();
      default: throw corrupt(`unknown thrift type ${type}`);
    }
  }

  private list(): ThriftValue[] {
    const h = this.byte();
    let n = h >> 4;
    if (n === 15) n = this.varint();
    const t = h & 15;
    if (n > this.end - this.pos) throw corrupt('list longer than the metadata');
    const out: ThriftValue[] = new Array(n);
    // Booleans inside containers are one byte each rather than a type nibble.
    for (let i = 0; i < n; i++) out[i] = t === 1 || t === 2 ? this.byte() === 1 : this.value(t);
    return out;
  }

  struct(): ThriftStruct {
    const out: ThriftStruct = {};
    let id = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const delta = h >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      out[id] = this.value(h & 15);
    }
  }
}
