/**
 * COPY table [(columns)] FROM 'file' and COPY table [(columns)] | (query) TO 'file', in
 * PostgreSQL's text and CSV formats (io/copy_format.ts) and in Parquet.
 *
 * Rows read by COPY FROM go through INSERT's own path (dml.ts insertRows): columns left out take
 * their DEFAULT or serial value, and NOT NULL, CHECK and UNIQUE apply exactly as for INSERT. Each
 * text field goes through its column type's input function first, as in PostgreSQL.
 */
import { readFileSync, openSync, writeSync, closeSync, fstatSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet, WriterPropertiesBuilder, Compression } from 'parquet-wasm';
import type { PgNode } from '../sql/parser.js';
import { type Catalog, type TableEntry, newTable } from '../catalog/catalog.js';
import { VectorBuilder, getValue, type Batch, type Vector } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { fileError } from '../common/file_errors.js';
import { physicalKind, type SqlType } from '../common/types.js';
import type { Field, LogicalPlan } from '../logical/plan.js';
import { toArrowTable } from '../io/arrow.js';
import { openParquet } from '../io/parquet/source.js';
import { readCopy, textField, csvField, invalidBytes, validUtf8, CopyParseError, type CopyTextOptions } from '../io/copy_format.js';
import * as H from '../udf/runtime.js';
import { strVal } from '../sql/bind_expr.js';
import { insertRows, type RunPlan } from './dml.js';
import type { ExecContext } from '../physical/context.js';
import type { StatementResult } from './statement.js';

/** What COPY needs from the session that runs it. */
export interface CopyEnv {
  run: RunPlan;
  ctx: ExecContext;
  paramTypes: SqlType[];
  /** Binds and plans COPY (query) TO's query. */
  planQuery: (q: PgNode) => { plan: LogicalPlan; names: string[] };
}

type Format = 'text' | 'csv' | 'parquet';

interface CopyOptions extends CopyTextOptions {
  format: Format;
  header: boolean | 'match';
  /** FORCE_QUOTE *: every non-null value. */
  forceQuoteAll: boolean;
  forceQuote: string[];
  forceNotNull: string[];
  forceNull: string[];
  encoding: 'utf8' | 'latin1';
}

const conflicting = (): QuiverError => new QuiverError(SqlState.syntaxError, 'conflicting or redundant options');

/** PostgreSQL's encoding names (normalized: lower case, letters and digits only). */
const ENCODINGS = new Set([
  'sqlascii', 'utf8', 'unicode', 'latin1', 'latin2', 'latin3', 'latin4', 'latin5', 'latin6', 'latin7', 'latin8', 'latin9', 'latin10',
  'iso88591', 'iso88592', 'iso88593', 'iso88594', 'iso88595', 'iso88596', 'iso88597', 'iso88598', 'iso88599', 'iso885910', 'iso885913',
  'iso885914', 'iso885915', 'iso885916', 'win1250', 'win1251', 'win1252', 'win1253', 'win1254', 'win1255', 'win1256', 'win1257', 'win1258',
  'win866', 'win874', 'koi8r', 'koi8u', 'eucjp', 'euccn', 'euckr', 'euctw', 'eucjis2004', 'sjis', 'shiftjis2004', 'big5', 'gbk', 'uhc',
  'gb18030', 'johab', 'mulecinternal', 'windows1252', 'cp1252',
]);

/** ProcessCopyOptions: PostgreSQL's checks and defaults, in its order. */
function copyOptions(s: PgNode, isFrom: boolean): CopyOptions {
  let format: string | null = null;
  let delimiter: string | null = null, nullString: string | null = null, quote: string | null = null, escape: string | null = null;
  let header: boolean | 'match' | null = null;
  let forceQuote: string[] | null = null, forceNotNull: string[] | null = null, forceNull: string[] | null = null;
  let forceQuoteAll = false, freeze: boolean | null = null;
  let encoding: string | null = null;
  const str = (d: PgNode): string => {
    const a = d.arg;
    if (!a) throw new QuiverError(SqlState.syntaxError, `${String(d.defname)} requires a parameter`);
    if (a.String) return String(a.String.sval ?? '');
    if (a.Integer) return String(a.Integer.ival ?? 0);
    if (a.Float) return String(a.Float.fval);
    if (a.Boolean) return a.Boolean.boolval ? 'true' : 'false';
    return strVal(a);
  };
  const bool = (d: PgNode): boolean => {
    if (!d.arg) return true;
    if (d.arg.Integer) {
      const v = d.arg.Integer.ival ?? 0;
      if (v === 0 || v === 1) return v === 1;
    } else {
      const v = str(d).toLowerCase();
      if (['true', 'on'].includes(v)) return true;
      if (['false', 'off'].includes(v)) return false;
    }
    throw new QuiverError(SqlState.syntaxError, `${String(d.defname)} requires a Boolean value`);
  };
  const names = (d: PgNode): string[] => {
    if (!d.arg?.List) throw new QuiverError(SqlState.invalidParameterValue, `argument to option "${String(d.defname)}" must be a list of column names`);
    return ((d.arg.List.items ?? []) as PgNode[]).map(strVal);
  };
  for (const o of (s.options ?? []) as PgNode[]) {
    const d = o.DefElem;
    switch (d.defname) {
      case 'format': {
        if (format !== null) throw conflicting();
        format = str(d);
        if (!['text', 'csv', 'binary', 'parquet'].includes(format)) throw new QuiverError(SqlState.invalidParameterValue, `COPY format "${format}" not recognized`);
        if (format === 'binary') throw new QuiverError(SqlState.featureNotSupported, 'COPY format "binary" is not supported');
        break;
      }
      case 'freeze': if (freeze !== null) throw conflicting(); freeze = bool(d); break;
      case 'delimiter': if (delimiter !== null) throw conflicting(); delimiter = str(d); break;
      case 'null': if (nullString !== null) throw conflicting(); nullString = str(d); break;
      case 'header': {
        if (header !== null) throw conflicting();
        if (d.arg && !d.arg.Integer && str(d).toLowerCase() === 'match') {
          if (!isFrom) throw new QuiverError(SqlState.featureNotSupported, 'cannot use "match" with HEADER in COPY TO');
          header = 'match';
        } else {
          try { header = bool(d); } catch { throw new QuiverError(SqlState.syntaxError, 'header requires a Boolean value or "match"'); }
        }
        break;
      }
      case 'quote': if (quote !== null) throw conflicting(); quote = str(d); break;
      case 'escape': if (escape !== null) throw conflicting(); escape = str(d); break;
      case 'force_quote':
        if (forceQuote !== null || forceQuoteAll) throw conflicting();
        if (d.arg?.A_Star) forceQuoteAll = true; else forceQuote = names(d);
        break;
      case 'force_not_null': if (forceNotNull !== null) throw conflicting(); forceNotNull = names(d); break;
      case 'force_null': if (forceNull !== null) throw conflicting(); forceNull = names(d); break;
      case 'encoding': {
        if (encoding !== null) throw conflicting();
        encoding = str(d);
        if (!ENCODINGS.has(encoding.toLowerCase().replace(/[^a-z0-9]/g, ''))) throw new QuiverError(SqlState.invalidParameterValue, 'argument to option "encoding" must be a valid encoding name');
        break;
      }
      default: throw new QuiverError(SqlState.syntaxError, `option "${String(d.defname)}" not recognized`);
    }
  }
  const fmt: Format = (format ?? 'text') as Format;
  const csv = fmt === 'csv';
  if (fmt === 'parquet') {
    const textual = [['DELIMITER', delimiter], ['NULL', nullString], ['HEADER', header], ['QUOTE', quote], ['ESCAPE', escape],
      ['FORCE_QUOTE', forceQuote ?? (forceQuoteAll || null)], ['FORCE_NOT_NULL', forceNotNull], ['FORCE_NULL', forceNull], ['ENCODING', encoding]] as const;
    const given = textual.find(([, v]) => v !== null);
    if (given) throw new QuiverError(SqlState.featureNotSupported, `COPY ${given[0]} is not available with FORMAT parquet`);
  }
  const delim = delimiter ?? (csv ? ',' : '\t');
  const nul = nullString ?? (csv ? '' : '\\N');
  if (Buffer.byteLength(delim) !== 1) throw new QuiverError(SqlState.featureNotSupported, 'COPY delimiter must be a single one-byte character');
  if (delim === '\r' || delim === '\n') throw new QuiverError(SqlState.invalidParameterValue, 'COPY delimiter cannot be newline or carriage return');
  if (nul.includes('\r') || nul.includes('\n')) throw new QuiverError(SqlState.invalidParameterValue, 'COPY null representation cannot use newline or carriage return');
  if (!csv && '\\.abcdefghijklmnopqrstuvwxyz0123456789'.includes(delim)) throw new QuiverError(SqlState.invalidParameterValue, `COPY delimiter cannot be "${delim}"`);
  if (!csv && quote !== null) throw new QuiverError(SqlState.featureNotSupported, 'COPY quote available only in CSV mode');
  const q = quote ?? '"';
  if (csv && Buffer.byteLength(q) !== 1) throw new QuiverError(SqlState.featureNotSupported, 'COPY quote must be a single one-byte character');
  if (csv && delim === q) throw new QuiverError(SqlState.invalidParameterValue, 'COPY delimiter and quote must be different');
  if (!csv && escape !== null) throw new QuiverError(SqlState.featureNotSupported, 'COPY escape available only in CSV mode');
  const esc = escape ?? q;
  if (csv && Buffer.byteLength(esc) !== 1) throw new QuiverError(SqlState.featureNotSupported, 'COPY escape must be a single one-byte character');
  if (!csv && (forceQuote !== null || forceQuoteAll)) throw new QuiverError(SqlState.featureNotSupported, 'COPY force quote available only in CSV mode');
  if ((forceQuote !== null || forceQuoteAll) && isFrom) throw new QuiverError(SqlState.featureNotSupported, 'COPY force quote only available using COPY TO');
  if (!csv && forceNotNull !== null) throw new QuiverError(SqlState.featureNotSupported, 'COPY force not null available only in CSV mode');
  if (forceNotNull !== null && !isFrom) throw new QuiverError(SqlState.featureNotSupported, 'COPY force not null only available using COPY FROM');
  if (!csv && forceNull !== null) throw new QuiverError(SqlState.featureNotSupported, 'COPY force null available only in CSV mode');
  if (forceNull !== null && !isFrom) throw new QuiverError(SqlState.featureNotSupported, 'COPY force null only available using COPY FROM');
  if (nul.includes(delim)) throw new QuiverError(SqlState.featureNotSupported, 'COPY delimiter must not appear in the NULL specification');
  if (csv && nul.includes(q)) throw new QuiverError(SqlState.featureNotSupported, 'CSV quote character must not appear in the NULL specification');
  let enc: CopyOptions['encoding'] = 'utf8';
  if (encoding !== null) {
    const e = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (e === 'latin1' || e === 'iso88591') enc = 'latin1';
    else if (e !== 'utf8' && e !== 'unicode') throw new QuiverError(SqlState.featureNotSupported, `COPY encoding "${encoding}" is not supported; use UTF8 or LATIN1`);
  }
  return {
    format: fmt, csv, delimiter: delim, nullString: nul, quote: q, escape: esc, header: header ?? false,
    forceQuoteAll, forceQuote: forceQuote ?? [], forceNotNull: forceNotNull ?? [], forceNull: forceNull ?? [], encoding: enc,
  };
}

export async function copy(catalog: Catalog, s: PgNode, env: CopyEnv): Promise<StatementResult> {
  const isFrom = !!s.is_from;
  if (s.is_program) throw new QuiverError(SqlState.featureNotSupported, `COPY ${isFrom ? 'FROM' : 'TO'} PROGRAM is not supported`);
  if (!s.filename) throw new QuiverError(SqlState.featureNotSupported, `COPY ${isFrom ? 'FROM STDIN' : 'TO STDOUT'} is not supported here; give a file name`);
  const filename: string = s.filename;
  let t: TableEntry | null = null;
  if (s.relation) {
    const e = catalog.get(catalog.key(s.relation.relname, s.relation.schemaname, s.relation.location !== undefined ? s.relation.location + 1 : undefined));
    if (!e) throw new QuiverError(SqlState.undefinedTable, `relation "${s.relation.relname}" does not exist`);
    if (e.kind === 'view') {
      if (isFrom) throw new QuiverError(SqlState.wrongObjectType, `cannot copy to view "${e.name}"`, { hint: 'To enable copying to a view, provide an INSTEAD OF INSERT trigger.' });
      throw new QuiverError(SqlState.wrongObjectType, `cannot copy from view "${e.name}"`, { hint: 'Try the COPY (SELECT ...) TO variant.' });
    }
    t = e;
  }
  const opts = copyOptions(s, isFrom);
  // The columns COPY reads or writes, in order.
  let cols: number[];
  let names: string[];
  if (t) {
    const table = t;
    if (s.attlist) {
      cols = (s.attlist as PgNode[]).map((a) => {
        const n = strVal(a);
        const i = table.columns.findIndex((c) => c.name === n);
        if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${n}" of relation "${table.name}" does not exist`);
        return i;
      });
      const seen = new Set<number>();
      for (const c of cols) {
        if (seen.has(c)) throw new QuiverError(SqlState.duplicateColumn, `column "${table.columns[c]!.name}" specified more than once`);
        seen.add(c);
      }
    } else {
      cols = table.columns.map((_, i) => i);
    }
    names = cols.map((c) => table.columns[c]!.name);
  } else {
    cols = [];
    names = [];
  }
  const checkNamed = (list: string[], what: string): void => {
    for (const n of list) {
      if (!names.includes(n)) {
        if (t && t.columns.some((c) => c.name === n)) throw new QuiverError(SqlState.invalidColumnReference, `${what} column "${n}" not referenced by COPY`);
        throw new QuiverError(SqlState.undefinedColumn, t ? `column "${n}" of relation "${t.name}" does not exist` : `column "${n}" does not exist`);
      }
    }
  };
  if (!isFrom) {
    let schema: Field[];
    let batches: Batch[];
    if (t) {
      const table = t;
      schema = cols.map((c) => ({ name: table.columns[c]!.name, type: table.columns[c]!.type }));
      batches = table.data.snapshot().map((b) => ({ length: b.length, columns: cols.map((c) => b.columns[c]!) }));
    } else {
      const q = s.query?.SelectStmt;
      if (!q) throw new QuiverError(SqlState.featureNotSupported, 'COPY (query) TO supports SELECT queries');
      const { plan, names: qn } = env.planQuery(q);
      names = qn;
      schema = plan.schema.map((f, i) => ({ name: qn[i]!, type: f.type }));
      batches = await env.run(plan);
    }
    checkNamed(opts.forceQuote, 'FORCE_QUOTE');
    const n = opts.format === 'parquet' ? writeParquetFile(filename, schema, batches) : writeTextFile(filename, schema, batches, opts);
    return { command: 'COPY', rowCount: n };
  }
  const table = t!;
  checkNamed(opts.forceNotNull, 'FORCE_NOT_NULL');
  checkNamed(opts.forceNull, 'FORCE_NULL');
  const source = opts.format === 'parquet'
    ? parquetSource(filename, table, cols)
    : textSource(readInput(filename), table, cols, opts);
  const where: PgNode | null = s.whereClause ?? null;
  if (where && JSON.stringify(where).includes('"SubLink"')) throw new QuiverError(SqlState.featureNotSupported, 'cannot use subquery in COPY FROM WHERE condition');
  const n = await insertRows(catalog, table, cols, source, env.paramTypes, env.run, env.ctx, where);
  return { command: 'COPY', rowCount: n };
}

// ---------------------------------------------------------------------------------------------
// COPY TO

/** The type's output function, as COPY writes values (booleans are t/f there, not true/false). */
function outputText(v: Vector, i: number): string | null {
  if (v.valid && v.valid[i] === 0) return null;
  if (v.type.id === 'bool') return (v.data as Uint8Array)[i] === 1 ? 't' : 'f';
  return H.toText(getValue(v, i), v.type);
}

/** Buffers output and writes it to the file in large pieces (a table may not fit in one string). */
class FileSink {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly file: string, private readonly encoding: 'utf8' | 'latin1') {
    try {
      this.fd = openSync(file, 'w');
    } catch (e) {
      throw fileError(e, `could not open file "${file}" for writing`);
    }
  }
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    if (this.encoding === 'latin1') {
      // Buffer's latin1 would keep only the low byte of other characters: refuse them instead.
      const bad = /[^\u0000-\u00ff]/u.exec(text);
      if (bad) {
        this.abandon();
        const bytes = [...Buffer.from(bad[0], 'utf8')].map((b) => '0x' + b.toString(16).padStart(2, '0')).join(' ');
        throw new QuiverError('22P05', `character with byte sequence ${bytes} in encoding "UTF8" has no equivalent in encoding "LATIN1"`);
      }
    }
    const buf = Buffer.from(text, this.encoding);
    this.parts = [];
    this.size = 0;
    this.write(buf);
  }
  write(buf: Uint8Array): void {
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.abandon();
      throw fileError(e, `could not write to file "${this.file}"`);
    }
  }
  close(): void {
    this.flush();
    try { closeSync(this.fd); } catch (e) { throw fileError(e, `could not close file "${this.file}"`); }
  }
  private abandon(): void {
    try { closeSync(this.fd); } catch { /* the write error is the one to report */ }
  }
}

function writeTextFile(file: string, schema: Field[], batches: Batch[], o: CopyOptions): number {
  const sink = new FileSink(file, o.encoding);
  const single = schema.length === 1;
  const forced = schema.map((f) => o.forceQuoteAll || o.forceQuote.includes(f.name));
  const field = (v: string | null, c: number): string => {
    if (v === null) return o.nullString;
    return o.csv ? csvField(v, o, forced[c]!, single) : textField(v, o.delimiter);
  };
  if (o.header) sink.push(schema.map((f) => (o.csv ? csvField(f.name, o, false, single) : textField(f.name, o.delimiter))).join(o.delimiter) + '\n');
  let n = 0;
  for (const b of batches) {
    const parts: string[] = new Array(b.columns.length);
    for (let i = 0; i < b.length; i++) {
      for (let c = 0; c < b.columns.length; c++) parts[c] = field(outputText(b.columns[c]!, i), c);
      sink.push(parts.join(o.delimiter) + '\n');
    }
    n += b.length;
  }
  sink.close();
  return n;
}

function writeParquetFile(file: string, schema: Field[], batches: Batch[]): number {
  let n = 0;
  for (const b of batches) n += b.length;
  const seen = new Set<string>();
  for (const f of schema) {
    // Parquet columns are found by name: two of the same name would not read back.
    if (seen.has(f.name)) throw new QuiverError(SqlState.duplicateColumn, `COPY TO parquet: column name "${f.name}" appears twice; give the columns distinct names`);
    seen.add(f.name);
  }
  let bytes: Uint8Array;
  try {
    const arrow = toArrowTable(schema, batches, { interval: 'struct' });
    const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
    bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream')), props);
  } catch (e) {
    if (e instanceof QuiverError) throw e;
    throw new QuiverError('58030', `could not encode Parquet for file "${file}": ${e instanceof Error ? e.message : String(e)}`);
  }
  const sink = new FileSink(file, 'utf8');
  sink.write(bytes);
  sink.close();
  return n;
}

// ---------------------------------------------------------------------------------------------
// COPY FROM

function readInput(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw fileError(e, `could not open file "${file}" for reading`);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new QuiverError(SqlState.wrongObjectType, `"${file}" is a directory`);
    return readFileSync(fd);
  } catch (e) {
    throw fileError(e, `could not read from COPY file "${file}"`);
  } finally {
    closeSync(fd);
  }
}

/** PostgreSQL's CONTEXT of an error in COPY FROM data, kept in the error's detail. */
function context(e: unknown, rel: string, line: number, rawLine: string | null, column?: string, value?: string | null): QuiverError {
  const err = e instanceof QuiverError ? e : new QuiverError(SqlState.invalidTextRepresentation, e instanceof Error ? e.message : String(e));
  const at = line > 0 ? `, line ${line}` : '';
  const where = column !== undefined
    ? `COPY ${rel}${at}, column ${column}: ${value === null || value === undefined ? 'null input' : `"${value}"`}`
    : `COPY ${rel}, line ${line}${rawLine === null ? '' : `: "${rawLine}"`}`;
  const out = new QuiverError(err.code, err.message, {
    detail: err.detail ? `${err.detail}\n${where}` : where,
    ...(err.hint !== undefined ? { hint: err.hint } : {}),
  });
  return out;
}

/** Rows of a text or CSV file, each field through its column's input function. */
function textSource(bytes: Buffer, t: TableEntry, cols: number[], o: CopyOptions): LogicalPlan {
  const latin1 = o.encoding === 'latin1';
  if (!latin1 && (!isUtf8(bytes) || bytes.includes(0))) {
    // Find the line, for PostgreSQL's report of the first bad sequence.
    let start = 0, line = 1;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      const end = nl < 0 ? bytes.length : nl;
      const piece = bytes.subarray(start, end);
      if (!validUtf8(piece)) throw context(invalidBytes(piece, line, null), t.name, line, null);
      if (nl < 0) break;
      start = nl + 1;
      line++;
    }
  }
  if (latin1 && bytes.includes(0)) throw new QuiverError('22021', 'invalid byte sequence for encoding "LATIN1": 0x00');
  const decode = latin1 ? (b: Buffer): string => b.toString('latin1') : (b: Buffer): string => b.toString('utf8');
  const validate = latin1 ? (b: Buffer): boolean => !b.includes(0) : validUtf8;
  const types = cols.map((c) => t.columns[c]!.type);
  const builders = types.map((ty) => new VectorBuilder(ty, 1024));
  const names = cols.map((c) => t.columns[c]!.name);
  const forceNotNull = cols.map((c) => o.forceNotNull.includes(t.columns[c]!.name));
  const forceNull = cols.map((c) => o.forceNull.includes(t.columns[c]!.name));
  let rows = 0;
  let first = true;
  try {
    readCopy(bytes, o, decode, validate, (r) => {
      const rawLine = (): string => decode(r.raw);
      if (first && o.header) {
        first = false;
        if (o.header === 'match') {
          if (r.fields.length !== names.length) {
            throw context(new QuiverError('22P04', `wrong number of fields in header line: got ${r.fields.length}, expected ${names.length}`), t.name, r.line, rawLine());
          }
          r.fields.forEach((f, i) => {
            if (f === null) throw context(new QuiverError('22P04', `column name mismatch in header line field ${i + 1}: got null value ("${o.nullString}"), expected "${names[i]}"`), t.name, r.line, rawLine());
            if (f !== names[i]) throw context(new QuiverError('22P04', `column name mismatch in header line field ${i + 1}: got "${f}", expected "${names[i]}"`), t.name, r.line, rawLine());
          });
        }
        return;
      }
      first = false;
      const f = r.fields;
      if (f.length > cols.length) throw context(new QuiverError('22P04', 'extra data after last expected column'), t.name, r.line, rawLine());
      if (f.length < cols.length) throw context(new QuiverError('22P04', `missing data for column "${names[f.length]}"`), t.name, r.line, rawLine());
      for (let c = 0; c < cols.length; c++) {
        let v: string | null = f[c] ?? null;
        if (o.csv) {
          if (v === null && forceNotNull[c]) v = o.nullString;
          else if (v !== null && forceNull[c] && v === o.nullString) v = null;
        }
        if (v === null) { builders[c]!.push(null); continue; }
        let x: unknown;
        try { x = H.fromText(v, types[c]!); } catch (e) { throw context(e, t.name, r.line, null, names[c], v); }
        builders[c]!.push(x);
      }
      rows++;
    });
  } catch (e) {
    if (e instanceof CopyParseError) throw context(e, t.name, e.line, e.rawLine);
    throw e;
  }
  return batchSource(t.name, names, types, { length: rows, columns: builders.map((b) => b.finish()) });
}

/** Rows of a Parquet file: its columns in order feed COPY's columns, with INSERT's assignment casts. */
function parquetSource(file: string, t: TableEntry, cols: number[]): LogicalPlan {
  const parquet = openParquet(file);
  const fields = parquet.names.map((name) => ({ name }));
  if (fields.length !== cols.length) {
    throw new QuiverError('22P04', `Parquet file "${file}" has ${fields.length} column${fields.length === 1 ? '' : 's'}, COPY ${t.name} expects ${cols.length}`);
  }
  const fileTypes = parquet.types;
  // A text column feeding a column of another type goes through that type's input function, as
  // in the text formats: this is how arrays (which Parquet files of this engine hold as text) load.
  const types = fileTypes.map((ft, i) => {
    const target = t.columns[cols[i]!]!.type;
    return ft.id === 'text' && (physicalKind(target.id) !== 'string' || target.id === 'json' || target.id === 'jsonb') ? target : ft;
  });
  const all = fileTypes.map((_, i) => i);
  const batches = parquet.partitions.flatMap((_, p) => parquet.read(p, all)).map((b): Batch => ({
    length: b.length,
    columns: b.columns.map((v, c) => {
      if (types[c] === fileTypes[c]) return v;
      const vb = new VectorBuilder(types[c]!, b.length);
      const data = v.data as unknown as (string | null)[];
      for (let i = 0; i < b.length; i++) {
        if (v.valid && v.valid[i] === 0) { vb.push(null); continue; }
        try { vb.push(H.fromText(data[i]!, types[c]!)); } catch (e) { throw context(e, t.name, 0, null, t.columns[cols[c]!]!.name, data[i]!); }
      }
      return vb.finish();
    }),
  }));
  const src = newTable(t.name, fields.map((f, i) => ({ name: f.name, type: types[i]!, notNull: false, defaultNode: null })));
  src.data.replace(batches);
  return scanOf(src);
}

function batchSource(name: string, names: string[], types: SqlType[], b: Batch): LogicalPlan {
  const src = newTable(name, names.map((n, i) => ({ name: n, type: types[i]!, notNull: false, defaultNode: null })));
  src.data.replace([b]);
  return scanOf(src);
}

function scanOf(src: TableEntry): LogicalPlan {
  return { kind: 'scan', table: src, columns: src.columns.map((_, i) => i), filters: [], schema: src.columns.map((c) => ({ name: c.name, type: c.type })) };
}
