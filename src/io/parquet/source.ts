/**
 * A Parquet file, or a glob of them, as the rows of a table: binding reads only the footers
 * (schema, row counts, statistics); the scan then reads one row group per partition, and of it
 * only the column chunks the plan needs, with positioned reads of their byte ranges.
 *
 * A file whose layout the built-in reader does not cover (another codec or encoding, nested
 * columns, INT96, ...) is read through parquet-wasm instead, as one partition.
 *
 * Reads are synchronous for now (readSync on a descriptor); an asynchronous executor can swap
 * them for promises at readChunk without changing the decoding.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { readParquet, readSchema } from 'parquet-wasm';
import { QuiverError } from '../../common/errors.js';
import { fileError } from '../../common/file_errors.js';
import { typeName, type SqlType } from '../../common/types.js';
import type { Batch, Vector } from '../../common/vector.js';
import { newTable, type ExternalSource, type TableEntry } from '../../catalog/catalog.js';
import { arrowTypeToSql, fromArrowTable } from '../arrow.js';
import { expandGlob, hasGlob } from '../glob.js';
import { Codec, Encoding, decodeFileMeta, type FileMeta } from './metadata.js';
import { describeSchema, type ColumnDesc } from './columns.js';
import { readColumnChunk } from './column_reader.js';
import { columnStats, type ColumnStats } from './statistics.js';

interface OwnFile { path: string; kind: 'own'; meta: FileMeta; columns: ColumnDesc[] }
interface FallbackFile { path: string; kind: 'fallback'; reason: string; rows: number; names: string[]; types: SqlType[] }
type SourceFile = OwnFile | FallbackFile;

/** A unit of scanning: a row group of a file read by the built-in reader, or a whole fallback file. */
export interface ParquetPartition { file: number; rowGroup: number; rows: number }

const MAGIC = 0x31524150; // "PAR1" little-endian
const SUPPORTED_ENCODINGS = new Set<number>([Encoding.PLAIN, Encoding.PLAIN_DICTIONARY, Encoding.RLE, Encoding.RLE_DICTIONARY]);

function readAt(fd: number, path: string, pos: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let done = 0;
  try {
    while (done < len) {
      const n = readSync(fd, out, done, len - done, pos + done);
      if (n === 0) break;
      done += n;
    }
  } catch (e) {
    throw fileError(e, `could not read file "${path}"`);
  }
  if (done < len) throw new QuiverError('XX001', `invalid Parquet file "${path}": a column chunk runs past the end of the file`);
  return out;
}

function openFile(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw fileError(e, `could not open file "${path}" for reading`);
  }
}

function invalid(path: string, what: string): QuiverError {
  return new QuiverError('XX001', `invalid Parquet file "${path}": ${what}`);
}

/**
 * Errors while decoding name the file. Decoding checks sizes and offsets as it goes; anything else
 * that escapes it (an allocation a corrupt count makes fail) is still a corrupt file, not an
 * internal error.
 */
function asCorrupt(e: unknown, path: string, where: string): QuiverError {
  if (e instanceof QuiverError) {
    if (e.code !== 'XX001') return e;
    return new QuiverError('XX001', `${e.message.replace('invalid Parquet file', `invalid Parquet file "${path}"`)}${where}`);
  }
  return invalid(path, `${e instanceof Error ? e.message : String(e)}${where}`);
}

/** The footer of a Parquet file: checks the magic numbers and decodes the metadata. */
function readFooter(path: string): FileMeta {
  const fd = openFile(path);
  try {
    const size = fstatSync(fd).size;
    if (size < 12) throw invalid(path, 'too small to be Parquet');
    const head = readAt(fd, path, 0, 4), tail = readAt(fd, path, size - 8, 8);
    const dv = new DataView(tail.buffer);
    if (new DataView(head.buffer).getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== MAGIC) throw invalid(path, 'no Parquet magic number (PAR1) at its start and end');
    const len = dv.getUint32(0, true);
    if (len + 12 > size) throw invalid(path, 'footer length exceeds the file');
    const bytes = readAt(fd, path, size - 8 - len, len);
    try {
      return decodeFileMeta(bytes);
    } catch (e) {
      throw asCorrupt(e, path, '');
    }
  } finally {
    closeSync(fd);
  }
}

/** Why the built-in reader cannot read this file, or null when it can. */
function unsupportedLayout(meta: FileMeta): string | null {
  for (const g of meta.rowGroups) {
    for (const c of g.columns) {
      if (c.codec !== Codec.UNCOMPRESSED && c.codec !== Codec.SNAPPY) return `compression codec ${c.codec}`;
      for (const e of c.encodings) if (!SUPPORTED_ENCODINGS.has(e)) return `encoding ${e}`;
      if (c.filePath !== undefined) return 'column chunks in other files';
    }
  }
  return null;
}

function describeFile(path: string): SourceFile {
  const meta = readFooter(path);
  const schema = describeSchema(meta);
  const layout = 'columns' in schema ? unsupportedLayout(meta) : schema.unsupported;
  if ('columns' in schema && layout === null) {
    for (const g of meta.rowGroups) if (g.columns.length !== schema.columns.length) throw invalid(path, 'a row group does not have one chunk per column');
    return { path, kind: 'own', meta, columns: schema.columns };
  }
  // Another layout: parquet-wasm reads its schema (the same Arrow mapping the built-in reader follows).
  let arrow;
  try {
    arrow = tableFromIPC(readSchema(readFileSync(path)).intoIPCStream());
  } catch (e) {
    throw new QuiverError('22P04', `could not read Parquet file "${path}": ${(e as Error).message}`);
  }
  return { path, kind: 'fallback', reason: layout ?? 'unknown', rows: meta.numRows, names: arrow.schema.fields.map((f) => f.name), types: arrow.schema.fields.map((f) => arrowTypeToSql(f.type)) };
}

export class ParquetSource implements ExternalSource {
  readonly kind = 'parquet';
  readonly rowCount: number;
  readonly partitions: ParquetPartition[] = [];
  private stats = new Map<number, (ColumnStats | null)[]>();

  constructor(readonly pattern: string, private readonly files: SourceFile[], readonly names: string[], readonly types: SqlType[]) {
    let rows = 0;
    files.forEach((f, i) => {
      if (f.kind === 'own') {
        f.meta.rowGroups.forEach((g, r) => { if (g.numRows > 0) this.partitions.push({ file: i, rowGroup: r, rows: g.numRows }); rows += g.numRows; });
      } else {
        this.partitions.push({ file: i, rowGroup: -1, rows: f.rows });
        rows += f.rows;
      }
    });
    this.rowCount = rows;
  }

  /** Files read through parquet-wasm, with the reason (for EXPLAIN). */
  fallbacks(): string[] {
    return this.files.filter((f): f is FallbackFile => f.kind === 'fallback').map((f) => `${f.path} (${f.reason})`);
  }

  /** Footer statistics of each column for partition `p` (null where there are none or it is a fallback file). */
  statistics(p: number): (ColumnStats | null)[] {
    let s = this.stats.get(p);
    if (!s) {
      const part = this.partitions[p]!;
      const f = this.files[part.file]!;
      s = f.kind === 'own'
        ? f.columns.map((c) => columnStats(f.meta.rowGroups[part.rowGroup]!.columns[c.leaf]!, c, part.rows))
        : this.types.map(() => null);
      this.stats.set(p, s);
    }
    return s;
  }

  /** The column's values in the first row group (or fallback file), for distinct-value estimates. */
  sample(column: number): Batch[] {
    if (this.partitions.length === 0) return [];
    return this.read(0, [column]).map((b) => {
      const columns: Vector[] = [];
      columns[column] = b.columns[0]!;
      return { length: b.length, columns };
    });
  }

  /** Whether partition `p` is one row group of the built-in reader (read gives one batch, and takes `sel`). */
  isRowGroup(p: number): boolean {
    return this.files[this.partitions[p]!.file]!.kind === 'own';
  }

  /**
   * Partition `p` with only `columns` (table positions): one batch for a row group (with `sel`,
   * only its rows sel[0, nsel)), a fallback file's batches otherwise.
   */
  read(p: number, columns: number[], sel: Int32Array | null = null, nsel = 0): Batch[] {
    const part = this.partitions[p]!;
    const f = this.files[part.file]!;
    if (f.kind === 'fallback') return this.readFallback(f, columns);
    const g = f.meta.rowGroups[part.rowGroup]!;
    const length = sel ? nsel : part.rows;
    if (columns.length === 0) return [{ length, columns: [] }];
    const fd = openFile(f.path);
    try {
      const size = fstatSync(fd).size;
      const vectors: Vector[] = columns.map((c) => {
        const col = f.columns[c]!;
        const meta = g.columns[col.leaf]!;
        const dict = meta.dictionaryPageOffset;
        const start = dict !== undefined && dict > 0 && dict < meta.dataPageOffset ? dict : meta.dataPageOffset;
        if (start < 0 || meta.totalCompressedSize < 0 || start + meta.totalCompressedSize > size) throw invalid(f.path, `column chunk "${col.name}" of row group ${part.rowGroup} lies outside the file`);
        const bytes = readAt(fd, f.path, start, meta.totalCompressedSize);
        try {
          return readColumnChunk(bytes, meta, col, part.rows, sel, nsel);
        } catch (e) {
          throw asCorrupt(e, f.path, ` (row group ${part.rowGroup}, column "${col.name}")`);
        }
      });
      return [{ length, columns: vectors }];
    } finally {
      closeSync(fd);
    }
  }

  private readFallback(f: FallbackFile, columns: number[]): Batch[] {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch (e) {
      throw fileError(e, `could not open file "${f.path}" for reading`);
    }
    let arrow;
    try {
      arrow = tableFromIPC(readParquet(bytes, { batchSize: 65536 }).intoIPCStream());
    } catch (e) {
      throw new QuiverError('22P04', `could not read Parquet file "${f.path}": ${(e as Error).message}`);
    }
    return fromArrowTable(arrow, this.types).map((b) => ({ length: b.length, columns: columns.map((c) => b.columns[c]!) }));
  }
}

/** Footers of the file or files `pattern` names, checked to agree on their columns. */
export function openParquet(pattern: string): ParquetSource {
  let paths: string[];
  // A file whose name merely contains a pattern character is read as named.
  if (hasGlob(pattern) && !existsSync(pattern)) {
    paths = expandGlob(pattern);
    if (paths.length === 0) throw new QuiverError('58P01', `no files match "${pattern}"`);
  } else {
    paths = [pattern];
  }
  const files = paths.map(describeFile);
  const cols = (f: SourceFile): { names: string[]; types: SqlType[] } =>
    f.kind === 'own' ? { names: f.columns.map((c) => c.name), types: f.columns.map((c) => c.sql) } : f;
  const first = cols(files[0]!);
  for (let i = 1; i < files.length; i++) {
    const other = cols(files[i]!);
    const same = other.names.length === first.names.length && other.names.every((n, k) => n === first.names[k] && typeName(other.types[k]!) === typeName(first.types[k]!));
    if (!same) {
      const show = (c: { names: string[]; types: SqlType[] }): string => c.names.map((n, k) => `${n} ${typeName(c.types[k]!)}`).join(', ');
      throw new QuiverError('42804', `Parquet files matched by "${pattern}" have different columns`, {
        detail: `"${files[0]!.path}" has (${show(first)}), "${files[i]!.path}" has (${show(other)}).`,
      });
    }
  }
  return new ParquetSource(pattern, files, first.names, first.types);
}

/** read_parquet(path): a table whose rows the scan reads from the files. */
export function parquetTable(pattern: string): TableEntry {
  const src = openParquet(pattern);
  const t = newTable('read_parquet', src.names.map((name, i) => ({ name, type: src.types[i]!, notNull: false, defaultNode: null })));
  t.external = src;
  return t;
}
