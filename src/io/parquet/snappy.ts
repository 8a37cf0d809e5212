/**
 * Snappy decompression (the raw block format Parquet uses, no framing): a varint length, then
 * literals and back-references of 1, 2 or 4 offset bytes. Writes into a caller-sized buffer and
 * checks every copy against both ends, so a corrupt page is an error rather than a wrong answer.
 */
import { corrupt } from './thrift.js';

export function snappyUncompress(src: Uint8Array, out: Uint8Array): void {
  let pos = 0;
  let len = 0, shift = 0;
  for (;;) {
    if (pos >= src.length) throw corrupt('snappy block ends in its length');
    const b = src[pos++]!;
    len += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 35) throw corrupt('snappy length too long');
  }
  if (len !== out.length) throw corrupt(`snappy block holds ${len} bytes, page header says ${out.length}`);
  let o = 0;
  const n = src.length;
  while (pos < n) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let l = tag >>> 2;
      if (l >= 60) {
        const bytes = l - 59;
        if (pos + bytes > n) throw corrupt('snappy literal runs past the block');
        l = 0;
        for (let i = 0; i < bytes; i++) l += src[pos + i]! * 2 ** (8 * i);
        pos += bytes;
      }
      l += 1;
      if (pos + l > n || o + l > len) throw corrupt('snappy literal runs past the block');
      // Short literals: a loop beats creating a subarray for set().
      if (l < 24) { for (let i = 0; i < l; i++) out[o + i] = src[pos + i]!; } else out.set(src.subarray(pos, pos + l), o);
      pos += l;
      o += l;
      continue;
    }
    let l: number, off: number;
    if (kind === 1) {
      if (pos >= n) throw corrupt('snappy copy runs past the block');
      l = ((tag >>> 2) & 7) + 4;
      off = ((tag >>> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > n) throw corrupt('snappy copy runs past the block');
      l = (tag >>> 2) + 1;
      off = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw corrupt('snappy copy runs past the block');
      l = (tag >>> 2) + 1;
      off = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (off === 0 || off > o || o + l > len) throw corrupt('snappy copy out of range');
    // Copies are at most 64 bytes; an overlapping one repeats a pattern and must go byte by byte.
    if (off >= l && l >= 24) { out.copyWithin(o, o - off, o - off + l); o += l; } else { for (let i = 0; i < l; i++, o++) out[o] = out[o - off]!; }
  }
  if (o !== len) throw corrupt('snappy block shorter than its length');
}
