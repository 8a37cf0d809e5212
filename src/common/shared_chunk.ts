/**
 * Stored chunks keep their fixed-width memory in one SharedArrayBuffer each, so a worker thread
 * reads a table through views of the same memory instead of a copy per query: handing a worker a
 * SharedArrayBuffer costs microseconds where a structured clone of 12 MB costs about 10 ms (more
 * on a loaded machine). One buffer per chunk, rather than one per column, keeps the number of
 * buffers a query names small: posting a message that names a buffer costs a few microseconds
 * per buffer, measured at 2-8 ms for 1,500 buffers.
 *
 * What goes into the buffer: bool/int/float/date/timestamp data, validity bytes and the codes of
 * dictionary-encoded text. Text itself (JS strings) cannot live in shared memory; dictionaries are
 * small and are sent once per worker (see physical/worker_pool.ts). A fixed-point numeric's
 * scaled integers are a Float64Array like any other. Columns of objects (Decimal numerics,
 * interval, timetz, arrays) stay as they are, and queries that read them run in process.
 */
import type { Batch, Vector } from './vector.js';

type Fixed = Uint8Array | Int32Array | BigInt64Array | Float64Array;

function isFixed(x: unknown): x is Fixed {
  return x instanceof Uint8Array || x instanceof Int32Array || x instanceof BigInt64Array || x instanceof Float64Array;
}

export function isShared(a: { buffer: ArrayBufferLike }): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/** Whether every fixed-width array of the chunk already lives in shared memory. */
export function chunkIsShared(b: Batch): boolean {
  for (const v of b.columns) {
    if (isFixed(v.data) && !isShared(v.data)) return false;
    if (v.valid && !isShared(v.valid)) return false;
    if (v.dict && !isShared(v.dict.codes)) return false;
  }
  return true;
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * The same chunk with its fixed-width arrays copied into one SharedArrayBuffer (one memcpy per
 * array; text strings and object columns are kept as they are). Returns b itself when there is
 * nothing to share.
 */
export function shareChunk(b: Batch): Batch {
  const n = b.length;
  let bytes = 0;
  for (const v of b.columns) {
    if (isFixed(v.data)) bytes += align8(n * v.data.BYTES_PER_ELEMENT);
    if (v.valid) bytes += align8(n);
    if (v.dict) bytes += align8(n * 4);
  }
  if (bytes === 0) return b;
  const sab = new SharedArrayBuffer(bytes);
  let off = 0;
  const take = <A extends Fixed>(src: A, make: (buf: SharedArrayBuffer, o: number, len: number) => A): A => {
    const a = make(sab, off, n);
    a.set(src.subarray(0, n) as never);
    off += align8(n * a.BYTES_PER_ELEMENT);
    return a;
  };
  const columns: Vector[] = b.columns.map((v) => {
    const d = v.data;
    let data = d;
    if (d instanceof Uint8Array) data = take(d, (s, o, l) => new Uint8Array(s, o, l));
    else if (d instanceof Int32Array) data = take(d, (s, o, l) => new Int32Array(s, o, l));
    else if (d instanceof BigInt64Array) data = take(d, (s, o, l) => new BigInt64Array(s, o, l));
    else if (d instanceof Float64Array) data = take(d, (s, o, l) => new Float64Array(s, o, l));
    const valid = v.valid ? take(v.valid, (s, o, l) => new Uint8Array(s, o, l)) : null;
    // Spread, so fields beside the data (a fixed-point numeric's scale) stay with it.
    const out: Vector = { ...v, data, valid };
    if (v.dict) return { ...out, dict: { codes: take(v.dict.codes, (s, o, l) => new Int32Array(s, o, l)), values: v.dict.values } };
    return out;
  });
  return { length: n, columns };
}
