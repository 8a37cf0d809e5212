/** COPY table FROM 'file' / COPY table TO 'file' in CSV or PostgreSQL's text format. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { PgNode } from '../sql/parser.js';
import type { Catalog } from '../catalog/catalog.js';
import { VectorBuilder, type Batch } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { parseCsv, csvField, CSV_DEFAULTS, type CsvOptions } from '../io/csv.js';
import * as H from '../udf/runtime.js';
import { checkNotNull, checkUnique } from './constraints.js';
import { strVal } from '../sql/bind_expr.js';
import type { StatementResult } from './statement.js';

function options(s: PgNode): { csv: boolean; opts: CsvOptions } {
  let csv = false;
  const opts: CsvOptions = { ...CSV_DEFAULTS };
  let delimiterSet = false, nullSet = false;
  for (const o of (s.options ?? []) as PgNode[]) {
    const d = o.DefElem;
    const arg = d.arg ? (d.arg.String?.sval ?? d.arg.Boolean?.boolval ?? d.arg.Integer?.ival ?? (d.arg.A_Star ? '*' : '')) : true;
    switch (d.defname) {
      case 'format': csv = String(arg).toLowerCase() === 'csv'; break;
      case 'header': opts.header = arg === true || ['true', 'on', '1', 'match'].includes(String(arg).toLowerCase()); break;
      case 'delimiter': opts.delimiter = String(arg); delimiterSet = true; break;
      case 'null': opts.nullString = String(arg); nullSet = true; break;
      case 'quote': opts.quote = String(arg); break;
      case 'escape': opts.escape = String(arg); break;
      default: throw new QuiverError(SqlState.featureNotSupported, `COPY option "${d.defname}" is not supported`);
    }
  }
  if (!csv) {
    if (!delimiterSet) opts.delimiter = '\t';
    if (!nullSet) opts.nullString = '\\N';
    opts.quote = '\u0000';
  }
  return { csv, opts };
}

export function copy(catalog: Catalog, s: PgNode, _text: string): StatementResult {
  if (!s.relation) throw new QuiverError(SqlState.featureNotSupported, 'COPY (query) is not supported');
  if (!s.filename) throw new QuiverError(SqlState.featureNotSupported, 'COPY with STDIN/STDOUT is not supported here; give a file name');
  const t = catalog.table(catalog.key(s.relation.relname, s.relation.schemaname));
  const colIdx = s.attlist ? (s.attlist as PgNode[]).map((a) => {
    const n = strVal(a);
    const i = t.columns.findIndex((c) => c.name === n);
    if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${n}" of relation "${t.name}" does not exist`);
    return i;
  }) : t.columns.map((_, i) => i);
  const { opts } = options(s);
  if (!s.is_from) {
    const rows = t.data.snapshot();
    const lines: string[] = [];
    if (opts.header) lines.push(colIdx.map((c) => csvField(t.columns[c]!.name, opts)).join(opts.delimiter));
    let n = 0;
    for (const b of rows) {
      const readers = colIdx.map((c) => b.columns[c]!);
      for (let i = 0; i < b.length; i++) {
        lines.push(readers.map((v) => {
          if (v.valid && !v.valid[i]) return opts.nullString;
          const raw = v.type.id === 'bool' ? (v.data as Uint8Array)[i] === 1 : (v.data as unknown as unknown[])[i];
          return csvField(H.toText(raw, v.type), opts);
        }).join(opts.delimiter));
        n++;
      }
    }
    try { writeFileSync(s.filename, lines.join('\n') + (lines.length ? '\n' : '')); } catch (e) {
      throw new QuiverError(SqlState.ioError, `could not open file "${s.filename}" for writing: ${(e as Error).message}`);
    }
    return { command: 'COPY', rowCount: n };
  }
  let text: string;
  try { text = readFileSync(s.filename, 'utf8'); } catch (e) {
    throw new QuiverError(SqlState.ioError, `could not open file "${s.filename}" for reading: ${(e as Error).message}`);
  }
  let rows: (string | null)[][];
  try { rows = parseCsv(text, opts); } catch (e) {
    throw new QuiverError('22P04', `bad copy data: ${(e as Error).message}`);
  }
  const builders = t.columns.map((c) => new VectorBuilder(c.type, rows.length));
  // Each field goes through its column type's input function, as COPY does in PostgreSQL.
  const conv = t.columns.map((c) => (v: string) => H.fromText(v, c.type));
  rows.forEach((r, line) => {
    if (r.length !== colIdx.length) {
      throw new QuiverError('22P04', `${r.length < colIdx.length ? 'missing data for column' : 'extra data after last expected column'} (line ${line + 1 + (opts.header ? 1 : 0)})`);
    }
    for (let c = 0; c < t.columns.length; c++) {
      const k = colIdx.indexOf(c);
      const v = k < 0 ? null : r[k]!;
      builders[c]!.push(v === null ? null : conv[c]!(v));
    }
  });
  const batch: Batch = { length: rows.length, columns: builders.map((b) => b.finish()) };
  checkNotNull(t, batch);
  if (t.constraints.some((k) => k.kind !== 'check')) checkUnique(t, [...t.data.snapshot(), batch]);
  t.data.append(batch);
  catalog.touch();
  return { command: 'COPY', rowCount: rows.length };
}
