/**
 * The catalog: tables (schema + columnar data), views, and a version counter that persistence
 * and later the storage layer hang their commits on.
 */
import type { SqlType } from '../common/types.js';
import type { Batch, Vector } from '../common/vector.js';
import { VectorBuilder, concatBatches, dictionaryEncode, toFixedNumeric } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { shareChunk } from '../common/shared_chunk.js';

export interface ColumnDef {
  name: string;
  type: SqlType;
  notNull: boolean;
  /** DEFAULT expression as a parse tree (bound when used), or null. */
  defaultNode: unknown;
  /** Next value of a serial column's implicit sequence. */
  serial?: { next: bigint };
}

export interface TableConstraint {
  kind: 'unique' | 'primary' | 'check';
  columns: number[];
  /** CHECK expression as a parse tree. */
  checkNode?: unknown;
  name: string;
}

const SMALL_CHUNK = 8192;
/** Smaller chunks (a tail sealed by a read) stay in ordinary memory; a parallel scan shares them itself. */
const SHARED_CHUNK = 4096;

/**
 * Column data in chunks; the scan splits chunks into batches and, later, into partitions.
 * A chunk list, once stored in `chunks`, is never changed in place: every change puts a new list
 * there. A statement that took the list (snapshot()) keeps reading exactly those rows while other
 * statements store theirs.
 */
export class TableData {
  chunks: Batch[] = [];
  /** Increments on every change, so storage rewrites only tables that changed. */
  version = 0;
  private tail: VectorBuilder[] | null = null;
  constructor(private readonly types: SqlType[]) {}

  get rowCount(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n + (this.tail ? this.tail[0]?.length ?? 0 : 0);
  }

  /** Appends rows; small appends go to a growable tail so single-row INSERTs stay linear. */
  append(b: Batch): void {
    if (b.length === 0) return;
    this.version++;
    if (b.length >= 4096) { this.sealTail(); this.chunks = [...this.chunks, encodeChunk(b)]; return; }
    if (!this.tail) this.tail = this.types.map((t) => new VectorBuilder(t, 64));
    for (let c = 0; c < this.types.length; c++) {
      const vb = this.tail[c]!, v = b.columns[c]!;
      for (let i = 0; i < b.length; i++) vb.pushFrom(v, i);
    }
    if ((this.tail[0]?.length ?? 0) >= 65536) this.sealTail();
  }

  private sealTail(): void {
    if (!this.tail) return;
    const cols: Vector[] = this.tail.map((vb) => vb.finish());
    const n = cols[0]?.length ?? 0;
    if (n > 0) this.chunks = [...this.chunks, encodeChunk({ length: n, columns: cols })];
    this.tail = null;
  }

  /** All data as sealed chunks (seals the tail). The list is shared: callers must not change it. */
  snapshot(): Batch[] {
    this.sealTail();
    // Many small chunks (from many small inserts) slow every scan: merge the small ones among
    // themselves. Large chunks stay the same objects, so storage keeps their files.
    // Runs of adjacent small chunks are merged, so row order is kept.
    if (this.chunks.filter((c) => c.length < SMALL_CHUNK).length > 8) {
      const out: Batch[] = [];
      let run: Batch[] = [];
      const flush = (): void => {
        if (run.length === 1) out.push(run[0]!);
        else if (run.length > 1) out.push(encodeChunk(concatBatches(this.types, run)));
        run = [];
      };
      for (const c of this.chunks) {
        if (c.length < SMALL_CHUNK) run.push(c);
        else { flush(); out.push(c); }
      }
      flush();
      this.chunks = out;
    }
    return this.chunks;
  }

  replace(chunks: Batch[]): void {
    this.version++;
    this.tail = null;
    this.chunks = chunks.filter((c) => c.length > 0).map(encodeChunk);
  }

  /**
   * Puts back chunks an earlier snapshot() returned (a rollback). They are kept as the same
   * objects, not re-encoded, so storage recognises the chunks it already has on disk.
   */
  restore(chunks: Batch[]): void {
    this.version++;
    this.tail = null;
    this.chunks = [...chunks];
  }
}

/**
/**
 * Stored text columns are dictionary-encoded where that pays (few distinct values); numeric(p,s)
 * columns are fixed-point where every value fits (always for p <= 15); the fixed-width memory of
 * a chunk big enough to be a morsel of a parallel scan moves into shared memory
 * (common/shared_chunk.ts), once, so queries on worker threads read it without a copy.
 */
function encodeChunk(b: Batch): Batch {
  const enc = b.columns.some((c) => c.type.id === 'text' || c.type.id === 'varchar' || c.type.id === 'bpchar' || (c.type.id === 'numeric' && c.type.precision >= 0))
    ? { length: b.length, columns: b.columns.map((c) => (c.type.id === 'numeric' ? (c.type.precision >= 0 ? toFixedNumeric(c, Math.max(0, c.type.scale)) : c) : dictionaryEncode(c))) }
    : b;
  return enc.length >= SHARED_CHUNK ? shareChunk(enc) : enc;
}

export interface TableEntry {
  kind: 'table';
  name: string;
  columns: ColumnDef[];
  constraints: TableConstraint[];
  data: TableData;
  /**
   * Set for a table whose rows stay in files (read_parquet): `data` is empty and the scan reads
   * the files through this source. The planner knows the concrete kinds.
   */
  external?: ExternalSource;
}

/** Rows kept outside the catalog, read at execution. */
export interface ExternalSource {
  readonly kind: string;
  /** Total rows (from file metadata), for planning. */
  readonly rowCount: number;
  /** Some rows of one column (as `columns[column]` of the batches), for distinct-value estimates. */
  sample(column: number): Batch[];
}

export interface ViewEntry {
  kind: 'view';
  name: string;
  /** The defining query's parse tree; it is bound anew on every use. */
  query: unknown;
  columnNames: string[] | null;
}

export type CatalogEntry = TableEntry | ViewEntry;

export interface Sequence { name: string; next: bigint; increment: bigint; current: bigint | null }

const DEFAULT_SCHEMAS = new Set(['public', 'main', 'pg_catalog']);

export class Catalog {
  private entries = new Map<string, CatalogEntry>();
  readonly schemas = new Set<string>(['public']);
  readonly sequences = new Map<string, Sequence>();
  /** Index name → table name (indexes are declarations; see engine/ddl.ts). */
  readonly indexes = new Map<string, string>();

  /**
   * The catalog key of a possibly schema-qualified name: objects of the default schema are keyed
   * by their bare name, others as "schema.name".
   */
  key(name: string, schema?: string | null, position?: number): string {
    if (!schema || DEFAULT_SCHEMAS.has(schema)) return name;
    if (!this.schemas.has(schema)) {
      throw new QuiverError(SqlState.undefinedSchema, `schema "${schema}" does not exist`, position === undefined ? {} : { position });
    }
    return `${schema}.${name}`;
  }
  /** Increments on every change; persistence writes when it moved. */
  version = 0;

  get(name: string): CatalogEntry | undefined { return this.entries.get(name); }
  all(): CatalogEntry[] { return [...this.entries.values()]; }

  table(name: string, position?: number): TableEntry {
    const e = this.entries.get(name);
    if (!e) throw new QuiverError(SqlState.undefinedTable, `relation "${name}" does not exist`, position === undefined ? {} : { position });
    if (e.kind !== 'table') throw new QuiverError(SqlState.wrongObjectType, `"${name}" is not a table`, position === undefined ? {} : { position });
    return e;
  }

  add(e: CatalogEntry): void {
    if (this.entries.has(e.name)) {
      throw new QuiverError(SqlState.duplicateTable, `relation "${e.name}" already exists`);
    }
    this.entries.set(e.name, e);
    this.version++;
  }

  drop(name: string): void {
    this.entries.delete(name);
    this.version++;
  }

  touch(): void { this.version++; }
}

export function newTable(name: string, columns: ColumnDef[], constraints: TableConstraint[] = []): TableEntry {
  return { kind: 'table', name, columns, constraints, data: new TableData(columns.map((c) => c.type)) };
}

/**
 * Functions that read a file as a table in FROM (read_parquet, read_csv). The readers live in
 * io/ and are registered by the engine, so the binder can ask for them without depending on io/.
 */
export type FileTableReader = (args: unknown[], named: Map<string, unknown>) => TableEntry;
const fileReaders = new Map<string, FileTableReader>();
export function registerFileTableReader(name: string, reader: FileTableReader): void { fileReaders.set(name, reader); }
export function fileTableReader(name: string): FileTableReader | undefined { return fileReaders.get(name); }
