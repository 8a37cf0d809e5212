/**
 * The data directory: `catalog.json` describes tables and views, and a table's rows live in one
 * Parquet file per stored chunk, so an INSERT writes only what it added while UPDATE and DELETE
 * (which replace the chunks) rewrite the table. A save writes new data files under fresh names, then switches
 * `catalog.json` by an atomic rename, and only then removes the files the old catalog named, so a
 * crash at any point leaves either the previous or the new consistent state on disk.
 *
 * A lock file holding the owner's pid keeps two processes (or two databases in one process) from
 * opening the same directory; a lock left by a process that no longer runs is taken over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tableToIPC, tableFromIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet, readParquet, WriterPropertiesBuilder, Compression } from 'parquet-wasm';
import type { Catalog, ColumnDef, TableConstraint, TableEntry, ViewEntry } from './catalog.js';
import { newTable, TableData } from './catalog.js';
import { type SqlType, type TypeId, type, typeName, arrayOf } from '../common/types.js';
import { concatBatches, type Batch } from '../common/vector.js';
import { QuiverError } from '../common/errors.js';
import { fileError } from '../common/file_errors.js';
import { toArrowTable, fromArrowTable } from '../io/arrow.js';

const CATALOG_FILE = 'catalog.json';
const LOCK_FILE = 'quiver.lock';
const FORMAT = 'quiver-catalog';
const FORMAT_VERSION = 2;
/** Rows per engine chunk when reading a table back; large chunks keep scans cheap. */
const READ_BATCH_ROWS = 65536;
/** Names this module gives data files (and their temporaries); cleanup touches nothing else. */
const DATA_FILE_RE = /^[A-Za-z0-9_]+\.(\d+)\.parquet(\.tmp)?$/;

/** Whether a stored type id names a type this build knows. */
function knownTypeId(id: unknown): id is TypeId {
  if (typeof id !== 'string') return false;
  try {
    return typeof typeName({ id: id as TypeId, precision: -1, scale: -1 }) === 'string';
  } catch {
    return false;
  }
}

/** Directories this process holds, so a second open in the same process is refused too. */
const heldByThisProcess = new Set<string>();

interface StoredType { id: string; precision: number; scale: number; elem?: StoredType }

function storeType(t: SqlType): StoredType {
  return { id: t.id, precision: t.precision, scale: t.scale, ...(t.elem ? { elem: storeType(t.elem) } : {}) };
}

function loadType(st: StoredType): SqlType {
  return st.id === 'array' && st.elem ? arrayOf(loadType(st.elem)) : type(st.id as TypeId, st.precision, st.scale);
}
interface StoredColumn { name: string; type: StoredType; notNull: boolean; defaultNode: unknown; serial?: { next: string }; [extra: string]: unknown }
/** `files`: one Parquet file per stored chunk, in order (appends add files; rewrites replace them). */
interface StoredTable { name: string; columns: StoredColumn[]; constraints: TableConstraint[]; rows: number; files: string[] }
interface StoredView { name: string; query: unknown; columnNames: string[] | null }
interface StoredSequence { name: string; next: string; increment: string }
/**
 * `schemas`, `sequences` and `indexes` came after the first files of this version were written;
 * a catalog without them has none.
 */
interface StoredCatalog {
  format: string; version: number; nextFile: number; tables: StoredTable[]; views: StoredView[];
  schemas?: string[]; sequences?: StoredSequence[]; indexes?: [string, string][];
}

/** What is on disk for one table's data: the file of each chunk (chunks are immutable objects). */
interface SavedData { version: number; signature: string; files: string[]; chunkFiles: Map<Batch, string>; rows: number }

export class Storage {
  private readonly dir: string;
  private locked = false;
  private lockKey = '';
  private nextFile = 1;
  /** Keyed by the TableData object, so a dropped and re-created table never reuses a file. */
  private saved = new WeakMap<TableData, SavedData>();
  /** Data files the catalog on disk refers to. */
  private referenced = new Set<string>();
  private lastCatalogText: string | null = null;

  constructor(dir: string) {
    this.dir = dir;
  }

  async load(catalog: Catalog): Promise<void> {
    this.open();
    try {
      this.readInto(catalog);
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Writes every table whose data changed since the last save, then the catalog. */
  save(catalog: Catalog): void {
    if (!this.locked) throw new QuiverError('XX000', `data directory "${this.dir}" is not open`);
    const written: string[] = [];
    const pending: [TableData, SavedData][] = [];
    const tables: StoredTable[] = [];
    const views: StoredView[] = [];
    try {
      for (const e of catalog.all()) {
        if (e.kind === 'view') { views.push({ name: e.name, query: e.query, columnNames: e.columnNames }); continue; }
        const state = this.tableState(e, written);
        if (this.saved.get(e.data) !== state) pending.push([e.data, state]);
        tables.push({ name: e.name, columns: e.columns.map(storeColumn), constraints: e.constraints, rows: state.rows, files: state.files });
      }
      // The new files' names must be durable before a catalog that refers to them.
      if (written.length > 0) syncDir(this.dir);
      const doc: StoredCatalog = {
        format: FORMAT, version: FORMAT_VERSION, nextFile: this.nextFile, tables, views,
        schemas: [...catalog.schemas].filter((n) => n !== 'public'),
        sequences: [...catalog.sequences.values()].map((q) => ({ name: q.name, next: q.next.toString(), increment: q.increment.toString() })),
        indexes: [...catalog.indexes],
      };
      const text = JSON.stringify(doc, jsonReplacer, 1);
      if (text !== this.lastCatalogText) {
        writeAtomic(path.join(this.dir, CATALOG_FILE), Buffer.from(text, 'utf8'));
        syncDir(this.dir);
        this.lastCatalogText = text;
      }
    } catch (e) {
      // The catalog on disk still names the previous files; the new ones are orphans.
      for (const f of written) tryUnlink(path.join(this.dir, f));
      throw fileError(e, `could not save data directory "${this.dir}"`);
    }
    for (const [data, state] of pending) this.saved.set(data, state);
    const now = new Set<string>();
    for (const t of tables) for (const f of t.files) now.add(f);
    for (const f of this.referenced) if (!now.has(f)) tryUnlink(path.join(this.dir, f));
    this.referenced = now;
  }

  /** Gives up the directory; the catalog is not saved here. */
  release(): void {
    if (!this.locked) return;
    this.locked = false;
    heldByThisProcess.delete(this.lockKey);
    const lockPath = path.join(this.dir, LOCK_FILE);
    try {
      if (readLockPid(lockPath) === process.pid) fs.unlinkSync(lockPath);
    } catch {
      // Already gone: nothing to release.
    }
  }

  // -------------------------------------------------------------------------------------------

  private open(): void {
    if (this.locked) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw fileError(e, `could not create data directory "${this.dir}"`);
    }
    let key: string;
    try { key = fs.realpathSync(this.dir); } catch { key = path.resolve(this.dir); }
    if (heldByThisProcess.has(key)) throw inUse(this.dir, process.pid);
    acquireLock(this.dir, path.join(this.dir, LOCK_FILE));
    heldByThisProcess.add(key);
    this.lockKey = key;
    this.locked = true;
  }

  private readInto(catalog: Catalog): void {
    const catalogPath = path.join(this.dir, CATALOG_FILE);
    let text: string | null = null;
    try {
      text = fs.readFileSync(catalogPath, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // No access is not damage: say so with the errno's SQLSTATE.
      if (code === 'EACCES' || code === 'EPERM') throw fileError(e, `could not open file "${catalogPath}" for reading`);
      if (code !== 'ENOENT') throw corrupt(this.dir, `cannot read ${CATALOG_FILE}: ${errorMessage(e)}`);
    }
    let maxSeq = 0;
    if (text === null) {
      for (const f of safeReaddir(this.dir)) if (f.endsWith('.tmp') && DATA_FILE_RE.test(f)) tryUnlink(path.join(this.dir, f));
      this.nextFile = 1;
      return;
    }
    const doc = parseCatalog(this.dir, text);
    const add = (e: TableEntry | ViewEntry): void => {
      if (catalog.get(e.name)) throw corrupt(this.dir, `${CATALOG_FILE} names "${e.name}" twice`);
      catalog.add(e);
    };
    for (const t of doc.tables) {
      const entry = this.loadTable(t);
      add(entry);
      for (const f of t.files) {
        this.referenced.add(f);
        const m = DATA_FILE_RE.exec(f);
        if (m) maxSeq = Math.max(maxSeq, Number(m[1]));
      }
    }
    for (const v of doc.views) {
      add({ kind: 'view', name: v.name, query: v.query, columnNames: v.columnNames });
    }
    for (const n of doc.schemas ?? []) catalog.schemas.add(n);
    for (const q of doc.sequences ?? []) catalog.sequences.set(q.name, { name: q.name, next: BigInt(q.next), increment: BigInt(q.increment), current: null });
    for (const [idx, table] of doc.indexes ?? []) catalog.indexes.set(idx, table);
    // Files a crashed save left behind: temporaries, and data files the catalog never came to name.
    for (const f of safeReaddir(this.dir)) {
      const m = DATA_FILE_RE.exec(f);
      if (!m || this.referenced.has(f)) continue;
      maxSeq = Math.max(maxSeq, Number(m[1]));
      tryUnlink(path.join(this.dir, f));
    }
    this.nextFile = Math.max(doc.nextFile, maxSeq + 1);
    this.lastCatalogText = text;
  }

  private loadTable(t: StoredTable): TableEntry {
    const columns = t.columns.map((c) => loadColumn(this.dir, t.name, c));
    const entry = newTable(t.name, columns, t.constraints);
    const types = columns.map((c) => c.type);
    // Each file becomes one chunk, so the chunk ↔ file mapping survives a reload.
    const chunks: Batch[] = [];
    const chunkFiles = new Map<Batch, string>();
    for (const file of t.files) {
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(path.join(this.dir, file));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') throw fileError(e, `could not open file "${path.join(this.dir, file)}" for reading`);
        throw corrupt(this.dir, `cannot read data file "${file}" of table "${t.name}": ${errorMessage(e)}`);
      }
      let parts: Batch[];
      try {
        const arrow = tableFromIPC(readParquet(bytes, { batchSize: READ_BATCH_ROWS }).intoIPCStream());
        parts = fromArrowTable(arrow, types);
      } catch (e) {
        throw corrupt(this.dir, `data file "${file}" of table "${t.name}" is damaged: ${errorMessage(e)}`);
      }
      const chunk = parts.length === 1 ? parts[0]! : concatBatches(types, parts);
      if (chunk.length === 0) continue;
      chunks.push(chunk);
      chunkFiles.set(chunk, file);
    }
    if (columns.length === 0 && t.rows > 0) chunks.push({ length: t.rows, columns: [] });
    let rows = 0;
    for (const b of chunks) rows += b.length;
    if (rows !== t.rows) {
      throw corrupt(this.dir, `table "${t.name}" has ${rows} rows on disk, the catalog says ${t.rows}`);
    }
    entry.data.replace(chunks);
    // replace() may re-encode chunks (dictionaries): map the stored files to the objects it keeps.
    const kept = entry.data.snapshot();
    const mapped = new Map<Batch, string>();
    kept.forEach((c, i) => { const f = t.files[i]; if (f && columns.length > 0) mapped.set(c, f); });
    this.saved.set(entry.data, { version: entry.data.version, signature: signature(types), files: t.files, chunkFiles: mapped, rows });
    return entry;
  }

  /** The on-disk state for a table, writing a new data file if its data or column types changed. */
  private tableState(e: TableEntry, written: string[]): SavedData {
    const types = e.columns.map((c) => c.type);
    const sig = signature(types);
    const prev = this.saved.get(e.data);
    if (prev && prev.version === e.data.version && prev.signature === sig) return prev;
    const version = e.data.version;
    const chunks = e.data.snapshot();
    let rows = 0;
    for (const c of chunks) rows += c.length;
    if (rows === 0 || types.length === 0) return { version, signature: sig, files: [], chunkFiles: new Map(), rows };
    // Chunks are immutable: a chunk already on disk keeps its file, so an INSERT writes only the
    // rows it added. A changed column type rewrites everything.
    const reuse = prev && prev.signature === sig ? prev.chunkFiles : new Map<Batch, string>();
    const fields = e.columns.map((c) => ({ name: c.name, type: c.type }));
    const chunkFiles = new Map<Batch, string>();
    const files: string[] = [];
    for (const chunk of chunks) {
      let file = reuse.get(chunk);
      if (!file) {
        file = `${fileStem(e.name)}.${this.nextFile++}.parquet`;
        const arrow = toArrowTable(fields, [chunk], { interval: 'struct' });
        // Snappy rather than zstd: in this WebAssembly build zstd writes about four times slower.
        const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
        const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream')), props);
        written.push(file);
        writeAtomic(path.join(this.dir, file), bytes);
      }
      chunkFiles.set(chunk, file);
      files.push(file);
    }
    return { version, signature: sig, files, chunkFiles, rows };
  }
}

// ---------------------------------------------------------------------------------------------
// Catalog document

function storeColumn(c: ColumnDef): StoredColumn {
  // Fields beyond the known ones are kept as they are, so additions to ColumnDef persist too.
  const { type: t, serial, ...rest } = c;
  const out: StoredColumn = { ...rest, type: storeType(t) };
  if (serial) out.serial = { next: serial.next.toString() };
  return out;
}

function loadColumn(dir: string, table: string, c: StoredColumn): ColumnDef {
  if (!c || typeof c.name !== 'string' || !c.type || !knownTypeId(c.type.id)
    || !Number.isInteger(c.type.precision) || !Number.isInteger(c.type.scale)) {
    throw corrupt(dir, `bad column definition in table "${table}"`);
  }
  const { type: st, serial, ...rest } = c;
  const col: ColumnDef = { ...rest, name: c.name, notNull: c.notNull === true, defaultNode: c.defaultNode ?? null, type: loadType(st) };
  if (serial) {
    if (typeof serial.next !== 'string' || !/^-?\d+$/.test(serial.next)) throw corrupt(dir, `bad serial state of column "${c.name}" in table "${table}"`);
    col.serial = { next: BigInt(serial.next) };
  }
  return col;
}

function parseCatalog(dir: string, text: string): StoredCatalog {
  let doc: unknown;
  try {
    doc = JSON.parse(text, jsonReviver);
  } catch (e) {
    throw corrupt(dir, `${CATALOG_FILE} is not valid JSON (${errorMessage(e)})`);
  }
  const d = doc as Partial<StoredCatalog> | null;
  if (!d || typeof d !== 'object' || d.format !== FORMAT) throw corrupt(dir, `${CATALOG_FILE} is not a Quiver catalog`);
  if (d.version !== FORMAT_VERSION) throw corrupt(dir, `${CATALOG_FILE} has format version ${String(d.version)}, this build reads ${FORMAT_VERSION}`);
  if (!Array.isArray(d.tables) || !Array.isArray(d.views) || typeof d.nextFile !== 'number') throw corrupt(dir, `${CATALOG_FILE} is incomplete`);
  for (const t of d.tables) {
    if (!t || typeof t.name !== 'string' || !Array.isArray(t.columns) || !Array.isArray(t.constraints)
      || !Number.isSafeInteger(t.rows) || t.rows < 0 || !Array.isArray(t.files)
      || t.files.some((f: unknown) => typeof f !== 'string' || !DATA_FILE_RE.test(f) || f.endsWith('.tmp'))) {
      throw corrupt(dir, `${CATALOG_FILE} has a bad table entry`);
    }
  }
  for (const v of d.views) {
    if (!v || typeof v.name !== 'string' || (v.columnNames !== null && !Array.isArray(v.columnNames))) throw corrupt(dir, `${CATALOG_FILE} has a bad view entry`);
  }
  if (d.schemas !== undefined && (!Array.isArray(d.schemas) || d.schemas.some((n) => typeof n !== 'string'))) throw corrupt(dir, `${CATALOG_FILE} has a bad schema list`);
  const int = (x: unknown): boolean => typeof x === 'string' && /^-?\d+$/.test(x);
  if (d.sequences !== undefined && (!Array.isArray(d.sequences) || d.sequences.some((q) => !q || typeof q.name !== 'string' || !int(q.next) || !int(q.increment)))) {
    throw corrupt(dir, `${CATALOG_FILE} has a bad sequence entry`);
  }
  if (d.indexes !== undefined && (!Array.isArray(d.indexes) || d.indexes.some((x) => !Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string' || typeof x[1] !== 'string'))) {
    throw corrupt(dir, `${CATALOG_FILE} has a bad index entry`);
  }
  return d as StoredCatalog;
}

/** Parse trees are plain JSON, but a bigint anywhere must not make saving throw. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
}

function jsonReviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const b = (value as { $bigint?: unknown }).$bigint;
    if (keys.length === 1 && typeof b === 'string' && /^-?\d+$/.test(b)) return BigInt(b);
  }
  return value;
}

function signature(types: SqlType[]): string {
  return types.map((t) => JSON.stringify(storeType(t))).join(',');
}

function fileStem(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  return s.length > 0 ? s : 't';
}

// ---------------------------------------------------------------------------------------------
// Files

/** Writes `file` through a synced temporary and a rename; errors name the file that failed. */
function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp`;
  let fd: number;
  try { fd = fs.openSync(tmp, 'w'); } catch (e) { throw fileError(e, `could not create file "${tmp}"`); }
  try {
    let off = 0;
    try {
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      throw fileError(e, `could not write to file "${tmp}"`);
    }
    try { fs.fsyncSync(fd); } catch (e) { throw fileError(e, `could not fsync file "${tmp}"`); }
  } catch (e) {
    fs.closeSync(fd);
    tryUnlink(tmp);
    throw e;
  }
  fs.closeSync(fd);
  try { fs.renameSync(tmp, file); } catch (e) {
    tryUnlink(tmp);
    throw fileError(e, `could not rename file "${tmp}" to "${file}"`);
  }
}

/** Makes renames in the directory durable; not every platform can open a directory for this. */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Best effort only.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function tryUnlink(file: string): void {
  try { fs.unlinkSync(file); } catch { /* already gone */ }
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}

// ---------------------------------------------------------------------------------------------
// Lock

function inUse(dir: string, pid: number): QuiverError {
  return new QuiverError('55006', `data directory "${dir}" is in use by process ${pid}`);
}

function corrupt(dir: string, what: string): QuiverError {
  return new QuiverError('XX001', `data directory "${dir}" is damaged: ${what}`);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function readLockPid(lockPath: string): number | null {
  const text = fs.readFileSync(lockPath, 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file with our pid, atomically: it never exists without its content. */
function tryCreateLock(lockPath: string): boolean {
  const tmp = `${lockPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${process.pid}\n`);
  try {
    fs.linkSync(tmp, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Filesystems without hard links: exclusive create is nearly as good.
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    tryUnlink(tmp);
  }
}

function acquireLock(dir: string, lockPath: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    let created: boolean;
    try {
      created = tryCreateLock(lockPath);
    } catch (e) {
      throw fileError(e, `could not lock data directory "${dir}"`);
    }
    if (created) return;
    let owner: number | null;
    try {
      owner = readLockPid(lockPath);
    } catch {
      continue; // removed in between: try again
    }
    // Our own pid without our own claim is a lock left by an earlier process that had this pid.
    if (owner !== null && owner !== process.pid && processAlive(owner)) throw inUse(dir, owner);
    // Stale: move it aside under a private name, so two processes taking it over cannot both win.
    const aside = `${lockPath}.${process.pid}.stale`;
    try {
      fs.renameSync(lockPath, aside);
    } catch {
      continue;
    }
    let movedOwner: number | null = null;
    try { movedOwner = readLockPid(aside); } catch { /* unreadable: stale anyway */ }
    tryUnlink(aside);
    if (movedOwner !== owner && movedOwner !== null && processAlive(movedOwner)) {
      // Another process took the lock over between our read and rename: give it back.
      try { fs.writeFileSync(lockPath, `${movedOwner}\n`, { flag: 'wx' }); } catch { /* it re-created one */ }
      throw inUse(dir, movedOwner);
    }
  }
  throw new QuiverError('55006', `could not lock data directory "${dir}": the lock file keeps changing`);
}
