/**
 * The RLE / bit-packing hybrid: Parquet's encoding of definition levels, dictionary codes and
 * booleans. Runs are a varint header: low bit 0 → a repeated value (header >> 1 times, in
 * ceil(width / 8) bytes); low bit 1 → (header >> 1) groups of 8 values bit-packed LSB first.
 */
import { corrupt } from './thrift.js';

/**
 * Decodes `count` values of `width` bits from buf[pos, end) into out[0, count).
 * Returns the position after the last run read.
 */
export function decodeHybrid(buf: Uint8Array, pos: number, end: number, width: number, count: number, out: Int32Array): number {
  if (width === 0) { out.fill(0, 0, count); return pos; }
  if (width > 32) throw corrupt(`bit width ${width}`);
  const bytesPerValue = (width + 7) >> 3;
  const mask = width === 32 ? -1 : (1 << width) - 1;
  let o = 0;
  // Failed checks break out and throw after the loop: throw sites inside it slowed V8's code for
  // the whole loop (as in snappy.ts).
  let short = false;
  while (o < count) {
    let header = 0, mul = 1;
    for (;;) {
      if (pos >= end) { short = true; break; }
      const b = buf[pos++]!;
      header += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    if (short) break;
    if (header % 2 === 0) {
      const run = header / 2;
      if (pos + bytesPerValue > end) { short = true; break; }
      let v = 0;
      for (let i = 0; i < bytesPerValue; i++) v |= buf[pos + i]! << (8 * i);
      pos += bytesPerValue;
      const stop = Math.min(count, o + run);
      out.fill(v, o, stop);
      o = stop;
    } else {
      const groups = (header - 1) / 2;
      const bytes = groups * width;
      // The last group may be cut short by the page's end when its values are not all needed.
      const avail = Math.min(bytes, end - pos);
      const values = Math.min(groups * 8, count - o);
      if (values * width > avail * 8) { short = true; break; }
      if (width === 1) {
        for (let i = 0; i < values; i++) out[o + i] = (buf[pos + (i >> 3)]! >> (i & 7)) & 1;
      } else {
        // A 32-bit window slides over the bytes; width <= 24 always fits with the shift.
        let bitPos = 0;
        for (let i = 0; i < values; i++) {
          const byte = pos + (bitPos >> 3), sh = bitPos & 7;
          let w = buf[byte]! | ((buf[byte + 1] ?? 0) << 8) | ((buf[byte + 2] ?? 0) << 16) | ((buf[byte + 3] ?? 0) << 24);
          w = w >>> sh;
          if (sh + width > 32) w |= (buf[byte + 4] ?? 0) << (32 - sh);
          out[o + i] = w & mask;
          bitPos += width;
        }
      }
      o += values;
      pos += avail;
    }
  }
  if (short) throw corrupt('levels or codes end early');
  return pos;
}

/** Bits needed for values 0..max. */
export function bitWidth(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}
