/**
 * CSV files read as tables in FROM: read_csv('file.csv' [, header [, delimiter]] [, name => value
 * ...]). The whole file becomes one in-memory table for the statement; column types are inferred
 * from its values. (read_parquet streams its files instead: io/parquet/source.ts.)
 */
import { readFileSync } from 'node:fs';
import { T, type SqlType } from '../common/types.js';
import { QuiverError } from '../common/errors.js';
import { VectorBuilder, type Batch } from '../common/vector.js';
import { newTable, type ColumnDef, type TableEntry } from '../catalog/catalog.js';
import { parseCsvLines, CSV_DEFAULTS } from './csv.js';
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

export interface ReadCsvOptions {
  header: boolean;
  delimiter: string;
  /** Rows with fewer fields than the table has columns get NULL for the missing ones (DuckDB's null_padding). */
  nullPadding: boolean;
}

export const READ_CSV_DEFAULTS: ReadCsvOptions = { header: true, delimiter: ',', nullPadding: false };

export function readCsvTable(path: string, options: Partial<ReadCsvOptions> = {}): TableEntry {
  const { header, delimiter, nullPadding } = { ...READ_CSV_DEFAULTS, ...options };
  let text = readBytes(path).toString('utf8');
  // A byte-order mark (written by spreadsheet programs) is not part of the first field.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed;
  try {
    parsed = parseCsvLines(text, { ...CSV_DEFAULTS, header: false, delimiter });
  } catch (e) {
    throw new QuiverError('22P04', `could not read CSV file "${path}": ${(e as Error).message}`);
  }
  const { rows, lines } = parsed;
  let first = 0;
  const head = header && rows.length ? rows[first++]!.map((h, i) => h ?? `column${i + 1}`) : null;
  // The header (or else the first row) fixes the number of columns; another row's count is an error
  // naming its line, as PostgreSQL's COPY and DuckDB's strict mode report it, not a silent pad.
  const width = head?.length ?? rows[0]?.length ?? 0;
  const names = head ?? Array.from({ length: width }, (_, i) => `column${i + 1}`);
  const kept: (string | null)[][] = [];
  for (let r = first; r < rows.length; r++) {
    const row = rows[r]!;
    // A blank line is no row (unless the file has a single column, where it is a NULL, as in COPY).
    if (width > 1 && row.length === 1 && row[0] === null) continue;
    if (row.length > width) {
      throw new QuiverError('22P04', `extra data after last expected column in CSV file "${path}", line ${lines[r]!}`, {
        detail: `Expected ${width} fields, found ${row.length}.`,
      });
    }
    if (row.length < width) {
      if (!nullPadding) {
        throw new QuiverError('22P04', `missing data for column "${names[row.length]!}" in CSV file "${path}", line ${lines[r]!}`, {
          detail: `Expected ${width} fields, found ${row.length}.`,
          hint: 'read_csv(..., null_padding => true) reads the missing fields as NULL.',
        });
      }
      while (row.length < width) row.push(null);
    }
    kept.push(row);
  }
  const types = names.map((_, c) => inferType(kept.map((r) => r[c]!)));
  const builders = types.map((t) => new VectorBuilder(t, Math.max(kept.length, 1)));
  for (const r of kept) {
    for (let c = 0; c < width; c++) {
      const v = r[c]!;
      const t = types[c]!;
      builders[c]!.push(v === null || (v === '' && t.id !== 'text') ? null : fromText(v.trim() === v || t.id === 'text' ? v : v.trim(), t));
    }
  }
  return table('read_csv', names, types, [{ length: kept.length, columns: builders.map((b) => b.finish()) }]);
}
