/**
 * Files read as tables in FROM: read_parquet('file.parquet') and read_csv('file.csv' [, header
 * [, delimiter]]). The whole file becomes one in-memory table for the statement; column types
 * come from the Parquet schema, or are inferred from a CSV's values.
 */
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { T, type SqlType } from '../common/types.js';
import { QuiverError } from '../common/errors.js';
import { VectorBuilder, type Batch } from '../common/vector.js';
import { newTable, type ColumnDef, type TableEntry } from '../catalog/catalog.js';
import { fromArrowTable, arrowTypeToSql } from './arrow.js';
import { parseCsv, CSV_DEFAULTS } from './csv.js';
import { fromText } from '../udf/runtime.js';

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new QuiverError('58P01', `could not open file "${path}" for reading: ${(e as Error).message}`);
  }
}

function table(name: string, names: string[], types: SqlType[], batches: Batch[]): TableEntry {
  const cols: ColumnDef[] = names.map((n, i) => ({ name: n, type: types[i]!, notNull: false, defaultNode: null }));
  const t = newTable(name, cols);
  t.data.replace(batches);
  return t;
}

export function readParquetTable(path: string): TableEntry {
  const bytes = readBytes(path);
  let arrow;
  try {
    arrow = tableFromIPC(readParquet(bytes, { batchSize: 65536 }).intoIPCStream());
  } catch (e) {
    throw new QuiverError('22P04', `could not read Parquet file "${path}": ${(e as Error).message}`);
  }
  const names = arrow.schema.fields.map((f) => f.name);
  const types = arrow.schema.fields.map((f) => arrowTypeToSql(f.type));
  return table('read_parquet', names, types, fromArrowTable(arrow, types));
}

/** The narrowest type every non-empty value of a CSV column parses as. */
function inferType(values: (string | null)[]): SqlType {
  const candidates: SqlType[] = [T.bool, T.int4, T.int8, T.numeric, T.float8, T.date, T.timestamp];
  const tests: Record<string, RegExp> = {
    bool: /^(true|false|t|f)$/i, int4: /^[+-]?\d{1,9}$/, int8: /^[+-]?\d{1,18}$/,
    numeric: /^[+-]?(\d+\.?\d*|\.\d+)$/, float8: /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i,
    date: /^\d{4}-\d{2}-\d{2}$/, timestamp: /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/,
  };
  let seen = false;
  outer: for (const t of candidates) {
    for (const v of values) {
      if (v === null || v === '') continue;
      seen = true;
      if (!tests[t.id]!.test(v.trim())) continue outer;
    }
    if (seen) return t;
  }
  return T.text;
}

export function readCsvTable(path: string, header = true, delimiter = ','): TableEntry {
  const text = readBytes(path).toString('utf8');
  let rows: (string | null)[][];
  try {
    rows = parseCsv(text, { ...CSV_DEFAULTS, header: false, delimiter });
  } catch (e) {
    throw new QuiverError('22P04', `could not read CSV file "${path}": ${(e as Error).message}`);
  }
  const head = header && rows.length ? rows.shift()!.map((h, i) => h ?? `column${i + 1}`) : null;
  const width = Math.max(head?.length ?? 0, ...rows.map((r) => r.length));
  const names = head ?? Array.from({ length: width }, (_, i) => `column${i + 1}`);
  while (names.length < width) names.push(`column${names.length + 1}`);
  const types = names.map((_, c) => inferType(rows.map((r) => r[c] ?? null)));
  const builders = types.map((t) => new VectorBuilder(t, Math.max(rows.length, 1)));
  rows.forEach((r) => types.forEach((t, c) => {
    const v = r[c] ?? null;
    builders[c]!.push(v === null || (v === '' && t.id !== 'text') ? null : fromText(v.trim() === v || t.id === 'text' ? v : v.trim(), t));
  }));
  return table('read_csv', names, types, [{ length: rows.length, columns: builders.map((b) => b.finish()) }]);
}
