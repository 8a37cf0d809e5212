/**
 * Morsels: how a worker thread sees a table's chunks. The main thread describes each chunk's
 * columns as references into shared buffers (common/shared_chunk.ts) plus dictionary ids; a
 * worker turns a morsel (chunk, row range) into a batch of typed-array views of that memory.
 *
 * Text, the design: morsel-driven, any worker takes any chunk. A dictionary-encoded text column
 * crosses as its Int32 codes (shared, no copy) and its dictionary's strings, sent once per worker
 * and kept there by id (a few strings per chunk). A worker rebuilds the strings of a morsel (one
 * array store per row, in the worker) only for columns an expression reads; columns used only as
 * group keys are grouped on their codes and never rebuilt. Measured per 65,536-row morsel (on the
 * shared 2-core machine under load, so the ratios are what count): structured clone of the
 * strings 32-43 ms, UTF-8 bytes + offsets decoded per value 37 ms (latin1 fast path 25 ms),
 * rebuild from codes and a cached dictionary 6 ms, codes alone 0. Text that is not
 * dictionary-encoded (many distinct values) would need the clone or the decoding, which cost more
 * than the work a worker would save, so such columns keep the query in process: correct, just not
 * parallel (keeping such text as UTF-8 at rest is the way to lift that, at the cost of decoding
 * wherever a string is needed). A fixed-point numeric column (common/vector.ts) crosses as its
 * Float64Array of scaled integers and its scale; one that holds Decimals (values that did not fit
 * a double) keeps the query in process when it runs, like the other object columns (interval,
 * timetz, arrays), which never cross: a structured clone loses their prototypes.
 */
import type { Batch, Vector, VectorData } from '../common/vector.js';
import { physicalKind, type SqlType } from '../common/types.js';
import { chunkIsShared, shareChunk, isShared } from '../common/shared_chunk.js';
import { objectId } from './worker_pool.js';

/** A typed array in a shared buffer known by id. */
export interface ArrayRef { buf: number; off: number }

export interface ColumnDesc {
  type: SqlType;
  data: ArrayRef | null;
  valid: ArrayRef | null;
  codes: ArrayRef | null;
  dict: number | null;
  /** Whether expressions read the strings (else a dictionary column is grouped on its codes only). */
  needData: boolean;
  /** A fixed-point numeric column's scale (data holds the scaled integers). */
  scale?: number;
}

export interface ChunkDesc { length: number; cols: ColumnDesc[] }

/** Rows per morsel: the scan's batch size, so a morsel is one batch through the pipeline. */
export const MORSEL_ROWS = 65536;

const VECTOR_FIELDS = new Set(['type', 'length', 'data', 'valid', 'dict', 'scale']);

/** Chunks made shared by a query (small chunks stay in ordinary memory until one needs them). */
const sharedCopies = new WeakMap<Batch, Batch>();

/**
 * The descriptors of a table's chunks for the given columns, the buffers and dictionaries they
 * name, or a reason the columns cannot be read from another thread.
 */
export function describeChunks(chunks: Batch[], columns: number[], needData: boolean[]): { chunks: ChunkDesc[]; buffers: Map<number, SharedArrayBuffer>; dicts: Map<number, string[]> } | string {
  const out: ChunkDesc[] = [];
  const buffers = new Map<number, SharedArrayBuffer>();
  const dicts = new Map<number, string[]>();
  const ref = (a: Uint8Array | Int32Array | BigInt64Array | Float64Array): ArrayRef => {
    const buf = a.buffer as SharedArrayBuffer;
    const id = objectId(buf);
    buffers.set(id, buf);
    return { buf: id, off: a.byteOffset };
  };
  for (const c0 of chunks) {
    let chunk = c0;
    if (!chunkIsShared(chunk)) {
      chunk = sharedCopies.get(c0) ?? shareChunk(c0);
      sharedCopies.set(c0, chunk);
    }
    const cols: ColumnDesc[] = [];
    for (let i = 0; i < columns.length; i++) {
      const v = chunk.columns[columns[i]!]!;
      // A vector field this file does not know would be lost on the way.
      for (const f of Object.keys(v)) if (!VECTOR_FIELDS.has(f)) return `vector field ${f}`;
      const kind = v.type.id === 'numeric' ? 'decimal' : physicalKind(v.type.id);
      const valid = v.valid ? ref(v.valid) : null;
      if (kind === 'string') {
        if (!v.dict || !isShared(v.dict.codes)) return 'text column without a dictionary';
        const id = objectId(v.dict.values);
        dicts.set(id, v.dict.values);
        cols.push({ type: v.type, data: null, valid, codes: ref(v.dict.codes), dict: id, needData: needData[i]! });
      } else if (kind === 'bool' || kind === 'i32' || kind === 'i64' || kind === 'f64') {
        cols.push({ type: v.type, data: ref(v.data as Int32Array), valid, codes: null, dict: null, needData: true });
      } else if (kind === 'decimal') {
        if (v.scale === undefined || !(v.data instanceof Float64Array) || !isShared(v.data)) return 'numeric column not in fixed point';
        cols.push({ type: v.type, data: ref(v.data), valid, codes: null, dict: null, needData: true, scale: v.scale });
      } else {
        return `column of type ${v.type.id}`;
      }
    }
    out.push({ length: chunk.length, cols });
  }
  return { chunks: out, buffers, dicts };
}

/** The strings of a dictionary column, read through the codes only where something asks. */
function lazyStrings(codes: Int32Array, values: string[]): VectorData {
  // Only a group table's first sight of a key reads it (a handful of reads per morsel).
  return new Proxy([] as (string | null)[], {
    get(target, p) {
      if (typeof p === 'string') {
        const i = Number(p);
        if (Number.isInteger(i)) { const c = codes[i]!; return c < 0 ? null : values[c]; }
        if (p === 'length') return codes.length;
      }
      return Reflect.get(target, p);
    },
  });
}

/** The batch of rows [start, end) of a described chunk, as views of the shared memory. */
export function morselBatch(desc: ChunkDesc, start: number, end: number, buffers: Map<number, SharedArrayBuffer>, dicts: Map<number, string[]>): Batch {
  const n = end - start;
  const columns: Vector[] = desc.cols.map((c) => {
    const valid = c.valid ? new Uint8Array(buffers.get(c.valid.buf)!, c.valid.off + start, n) : null;
    if (c.codes) {
      const codes = new Int32Array(buffers.get(c.codes.buf)!, c.codes.off + start * 4, n);
      const values = dicts.get(c.dict!)!;
      let data: VectorData;
      if (c.needData) {
        const s: (string | null)[] = new Array(n);
        for (let i = 0; i < n; i++) { const k = codes[i]!; s[i] = k < 0 ? null : values[k]!; }
        data = s;
      } else data = lazyStrings(codes, values);
      return { type: c.type, length: n, data, valid, dict: { codes, values } };
    }
    const buf = buffers.get(c.data!.buf)!, off = c.data!.off;
    let data: VectorData;
    switch (physicalKind(c.type.id)) {
      case 'bool': data = new Uint8Array(buf, off + start, n); break;
      case 'i32': data = new Int32Array(buf, off + start * 4, n); break;
      case 'i64': data = new BigInt64Array(buf, off + start * 8, n); break;
      default: data = new Float64Array(buf, off + start * 8, n); break;
    }
    return c.scale === undefined ? { type: c.type, length: n, data, valid } : { type: c.type, length: n, data, valid, scale: c.scale };
  });
  return { length: n, columns };
}
