// Parser for sqllogictest files in the three layouts found in the corpus: the original SQLite
// format (value per line), sqllogictest-rs as used by DataFusion and RisingLight (row per line,
// whitespace-collapsed) and DuckDB's (tab-separated rows or value per line). The record syntax is
// shared; the dialect only changes how error expectations are written and how results are compared.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export type Dialect = 'sqlite' | 'rs' | 'duckdb';
export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

export interface Condition { kind: 'skipif' | 'onlyif'; engine: string }

export type ExpectedError =
  | { kind: 'any' }
  /** sqllogictest-rs `statement error <regex>`: the message must contain a match */
  | { kind: 'regex'; pattern: string }
  /** sqllogictest-rs `statement error (SQLSTATE)` */
  | { kind: 'sqlstate'; code: string }
  /** sqllogictest-rs multi-line message after `----` */
  | { kind: 'exact'; message: string }
  /** DuckDB message block after `----`: a substring of the message */
  | { kind: 'substring'; text: string };

interface RecordBase {
  /** 1-based line of the record's `statement`/`query`/directive line (after any conditions). */
  line: number;
  conditions: Condition[];
}

export interface StatementRecord extends RecordBase {
  kind: 'statement';
  /** `maybe` (DuckDB) accepts either outcome; `count` (rs) checks the affected-row count. */
  expect: 'ok' | 'error' | 'count' | 'maybe';
  sql: string;
  error?: ExpectedError;
  count?: number;
}

export interface QueryRecord extends RecordBase {
  kind: 'query';
  /** Type letters, one per column; empty for `query error`. */
  types: string;
  sortMode: SortMode;
  label?: string;
  sql: string;
  /** Lines after `----` up to the blank line that ends the record. */
  expected: string[];
  /** Set for `query error`: the query must fail. */
  error?: ExpectedError;
}

export interface HashThresholdRecord extends RecordBase { kind: 'hash-threshold'; value: number }
export interface HaltRecord extends RecordBase { kind: 'halt' }
export interface RequireRecord extends RecordBase { kind: 'require'; feature: string }
export interface SubtestRecord extends RecordBase { kind: 'subtest'; name: string }
/** DuckDB `mode skip|unskip|...`. */
export interface ModeRecord extends RecordBase { kind: 'mode'; mode: string }
/** Any other directive (`control`, `sleep`, `loop`, `include`, ...): the runner decides. */
export interface ControlRecord extends RecordBase { kind: 'control'; directive: string; args: string[] }
/** A line that starts no known record; reported, never silently dropped. */
export interface UnknownRecord extends RecordBase { kind: 'unknown'; text: string }

export type SltRecord =
  | StatementRecord | QueryRecord | HashThresholdRecord | HaltRecord | RequireRecord
  | SubtestRecord | ModeRecord | ControlRecord | UnknownRecord;

export interface SltFile { dialect: Dialect; records: SltRecord[] }

const SORT_MODES: ReadonlySet<string> = new Set(['nosort', 'rowsort', 'valuesort']);
const CONTROL_DIRECTIVES: ReadonlySet<string> = new Set([
  'control', 'sleep', 'include', 'connection', 'let', 'system', 'load', 'restart', 'reconnect',
  'set', 'reset', 'loop', 'foreach', 'concurrentloop', 'concurrentforeach', 'endloop', 'unzip',
  'tags', 'continue', 'require-env', 'test-env', 'concurrent',
]);
const RECORD_WORDS: ReadonlySet<string> = new Set([
  'statement', 'query', 'hash-threshold', 'halt', 'skipif', 'onlyif', 'require', 'subtest', 'mode',
  ...CONTROL_DIRECTIVES,
]);

/**
 * Which layout a file uses. DuckDB `.test` files are recognised by a `duckdb` path component
 * because their extension is the same as the SQLite corpus's.
 */
export function dialectForPath(path: string): Dialect {
  const norm = path.replace(/\\/g, '/');
  if (basename(norm).endsWith('.slt')) return 'rs';
  if (/(^|\/)duckdb\//.test(norm)) return 'duckdb';
  return 'sqlite';
}

// SLT counts whitespace-only lines as blank; sqllogictest-rs only empty ones. The SLT rule is a
// superset and no corpus file depends on the difference.
function isBlank(line: string): boolean {
  return line.trim() === '';
}

function isComment(line: string): boolean {
  return line.startsWith('#');
}

function isSeparator(line: string): boolean {
  return line.trimEnd() === '----';
}

/** Splits a directive line into tokens, dropping a trailing `# comment`. */
function tokenize(line: string): string[] {
  const tokens = line.trim().split(/\s+/);
  const hash = tokens.findIndex((t) => t.startsWith('#'));
  return hash >= 0 ? tokens.slice(0, hash) : tokens;
}

/** The text after the first `n` whitespace-separated words of `line`, trimmed. */
function restAfterWords(line: string, n: number): string {
  const m = new RegExp(`^\\s*(?:\\S+\\s+){${n}}`).exec(line);
  if (m === null) return '';
  return line.slice(m[0].length).trim();
}

function parseRsError(text: string): ExpectedError {
  if (text === '') return { kind: 'any' };
  const sqlstate = /^\(([0-9A-Z]{5})\)$/.exec(text);
  if (sqlstate !== null) return { kind: 'sqlstate', code: sqlstate[1]! };
  return { kind: 'regex', pattern: text };
}

export function parseSlt(text: string, opts: { dialect: Dialect }): SltFile {
  const { dialect } = opts;
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const records: SltRecord[] = [];
  let conditions: Condition[] = [];
  let i = 0;

  /** Collects SQL lines from `i` up to a blank line (or `----` when `stopAtSeparator`). */
  const readSql = (stopAtSeparator: boolean): string[] => {
    const sql: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (isBlank(l)) break;
      if (stopAtSeparator && isSeparator(l)) break;
      if (!isComment(l)) sql.push(l);
      i++;
    }
    return sql;
  };

  /**
   * DataFusion's arrow_files.slt puts a blank line between `statement ok` and its SQL. When a
   * record's SQL is empty, take the next block unless it starts a record of its own.
   */
  const recoverDetachedSql = (stopAtSeparator: boolean): string[] => {
    let j = i;
    while (j < lines.length && (isBlank(lines[j]!) || isComment(lines[j]!))) j++;
    if (j >= lines.length) return [];
    const first = tokenize(lines[j]!)[0] ?? '';
    if (RECORD_WORDS.has(first)) return [];
    i = j;
    return readSql(stopAtSeparator);
  };

  /** Lines after `----` up to the next blank line. */
  const readBlock = (): string[] => {
    const out: string[] = [];
    while (i < lines.length && !isBlank(lines[i]!)) out.push(lines[i++]!);
    return out;
  };

  /** sqllogictest-rs multi-line error message: ends at two consecutive blank lines. */
  const readRsMessage = (): string => {
    const out: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (isBlank(l) && (i + 1 >= lines.length || isBlank(lines[i + 1]!))) break;
      out.push(l);
      i++;
    }
    return out.join('\n').trim();
  };

  while (i < lines.length) {
    const raw = lines[i]!;
    if (isBlank(raw) || isComment(raw)) { i++; continue; }
    const lineNo = i + 1;
    const tokens = tokenize(raw);
    const word = tokens[0] ?? '';
    i++;

    if (word === 'skipif' || word === 'onlyif') {
      conditions.push({ kind: word, engine: tokens[1] ?? '' });
      continue;
    }
    const base = { line: lineNo, conditions };
    conditions = [];

    if (word === 'statement') {
      const mode = tokens[1] ?? 'ok';
      if (mode === 'error') {
        let error: ExpectedError = dialect === 'rs' ? parseRsError(restAfterWords(raw, 2)) : { kind: 'any' };
        let sql = readSql(dialect !== 'sqlite');
        if (sql.length === 0) sql = recoverDetachedSql(dialect !== 'sqlite');
        if (i < lines.length && isSeparator(lines[i]!)) {
          i++;
          if (dialect === 'rs') {
            const message = readRsMessage();
            error = message === '' ? { kind: 'any' } : { kind: 'exact', message };
          } else {
            const message = readBlock().join('\n').trim();
            error = message === '' ? { kind: 'any' } : { kind: 'substring', text: message };
          }
        }
        records.push({ ...base, kind: 'statement', expect: 'error', sql: sql.join('\n'), error });
        continue;
      }
      let sql = readSql(false);
      if (sql.length === 0) sql = recoverDetachedSql(false);
      if (mode === 'count') {
        records.push({ ...base, kind: 'statement', expect: 'count', count: Number(tokens[2] ?? 'NaN'), sql: sql.join('\n') });
      } else if (mode === 'maybe') {
        records.push({ ...base, kind: 'statement', expect: 'maybe', sql: sql.join('\n') });
      } else if (mode === 'ok') {
        // DuckDB may name a connection (`statement ok con1`); there is only one here.
        records.push({ ...base, kind: 'statement', expect: 'ok', sql: sql.join('\n') });
      } else {
        records.push({ ...base, kind: 'unknown', text: raw });
      }
      continue;
    }

    if (word === 'query') {
      if (tokens[1] === 'error') {
        let error: ExpectedError = dialect === 'rs' ? parseRsError(restAfterWords(raw, 2)) : { kind: 'any' };
        let sql = readSql(true);
        if (sql.length === 0) sql = recoverDetachedSql(true);
        if (i < lines.length && isSeparator(lines[i]!)) {
          i++;
          if (dialect === 'rs') {
            const message = readRsMessage();
            if (message !== '') error = { kind: 'exact', message };
          } else {
            const message = readBlock().join('\n').trim();
            if (message !== '') error = { kind: 'substring', text: message };
          }
        }
        records.push({ ...base, kind: 'query', types: '', sortMode: 'nosort', sql: sql.join('\n'), expected: [], error });
        continue;
      }
      const types = tokens[1] ?? '';
      let sortMode: SortMode = 'nosort';
      let label: string | undefined;
      const third = tokens[2];
      if (third !== undefined && SORT_MODES.has(third)) {
        sortMode = third as SortMode;
        label = tokens[3];
      } else {
        label = third;
      }
      let sql = readSql(true);
      if (sql.length === 0) sql = recoverDetachedSql(true);
      let expected: string[] = [];
      if (i < lines.length && isSeparator(lines[i]!)) {
        i++;
        expected = readBlock();
      }
      const rec: QueryRecord = { ...base, kind: 'query', types, sortMode, sql: sql.join('\n'), expected };
      if (label !== undefined) rec.label = label;
      records.push(rec);
      continue;
    }

    if (word === 'hash-threshold') {
      records.push({ ...base, kind: 'hash-threshold', value: Number(tokens[1] ?? '0') });
    } else if (word === 'halt') {
      records.push({ ...base, kind: 'halt' });
    } else if (word === 'require') {
      records.push({ ...base, kind: 'require', feature: tokens.slice(1).join(' ') });
    } else if (word === 'subtest') {
      records.push({ ...base, kind: 'subtest', name: tokens.slice(1).join(' ') });
    } else if (word === 'mode') {
      records.push({ ...base, kind: 'mode', mode: tokens[1] ?? '' });
    } else if (CONTROL_DIRECTIVES.has(word)) {
      records.push({ ...base, kind: 'control', directive: word, args: tokens.slice(1) });
    } else {
      records.push({ ...base, kind: 'unknown', text: raw });
      // The rest of an unrecognised block cannot be interpreted either.
      while (i < lines.length && !isBlank(lines[i]!)) i++;
    }
  }
  return { dialect, records };
}

export function parseSltFile(path: string, dialect: Dialect = dialectForPath(path)): SltFile {
  return parseSlt(readFileSync(path, 'utf8'), { dialect });
}

/** Record counts in the categories MANIFEST.tsv uses. */
export interface RecordCounts {
  statementOk: number;
  statementError: number;
  query: number;
  queryError: number;
  /** queries whose expected output is a single `N values hashing to H` line */
  queryHashed: number;
  /** records (including `halt`) with at least one skipif/onlyif */
  conditional: number;
  other: number;
}

export const HASH_LINE = /^(\d+) values hashing to ([0-9a-f]{32})$/;

export function countRecords(file: SltFile): RecordCounts {
  const c: RecordCounts = { statementOk: 0, statementError: 0, query: 0, queryError: 0, queryHashed: 0, conditional: 0, other: 0 };
  for (const r of file.records) {
    if (r.conditions.length > 0) c.conditional++;
    if (r.kind === 'statement') {
      if (r.expect === 'error') c.statementError++;
      else c.statementOk++;
    } else if (r.kind === 'query') {
      if (r.error !== undefined) c.queryError++;
      else {
        c.query++;
        if (r.expected.length === 1 && HASH_LINE.test(r.expected[0]!.trim())) c.queryHashed++;
      }
    } else {
      c.other++;
    }
  }
  return c;
}
