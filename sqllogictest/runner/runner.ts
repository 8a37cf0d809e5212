// Runs sqllogictest files against a fresh database per file and reports per-file and overall
// counts. Files of the vendored corpus (under sqllogictest/imported) can be judged by a ratchet,
// a recorded minimum pass count, because the engine is not expected to pass all of them; the
// project's own files must always pass.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  dialectForPath, parseSltFile,
  type Dialect, type ExpectedError, type QueryRecord, type SltFile, type SltRecord, type StatementRecord,
} from './parser.js';
import {
  compareBytes, compareRows, duckdbValueEquals, hashValues, normalizeLine, parseHashLine,
  renderValue,
} from './render.js';

export interface ResultColumnLike { name: string; type: string }
export interface QueryResultLike {
  columns: ResultColumnLike[];
  rows: unknown[][];
  rowCount: number;
  command: string;
}
/** What the runner needs from a database; `Database` from src/engine/database.ts satisfies it. */
export interface DatabaseLike {
  query(sql: string): Promise<QueryResultLike>;
  close?(): Promise<void>;
}

export interface RunOptions {
  /** Engine names `skipif`/`onlyif` answer to (case-insensitive); empty means the default. */
  label: string[];
  /** Ratchet file: imported files are judged by its pass count instead of by every record. */
  ratchet?: string;
  /** Rewrite the ratchet file with this run's counts when the pass count did not go down. */
  updateRatchet?: boolean;
  /** Print every failure rather than the first `maxFailures` per file. */
  verbose?: boolean;
  maxFailures?: number;
  /**
   * Compare expected error messages in imported files too. Off by default: those messages are
   * DuckDB's, RisingLight's or DataFusion's wording, which a PostgreSQL-compatible engine does not
   * share (the corpus's agreement with PostgreSQL was established without them). The project's
   * own files always have their messages checked.
   */
  strictErrors?: boolean;
  openDb: () => Promise<DatabaseLike>;
  write?: (text: string) => void;
}

export const DEFAULT_LABELS: readonly string[] = ['postgresql', 'postgres'];
export const DEFAULT_MAX_FAILURES = 10;

/** `skipped` includes `divergent`: records PostgreSQL itself answers differently, run but not judged. */
export interface Counts { passed: number; failed: number; skipped: number; divergent: number }

/** Counts as written to the ratchet file, with the two kinds of skipped record apart. */
export interface ReportedCounts { passed: number; failed: number; skipped: number; pgDivergent: number }

function reported(c: Counts): ReportedCounts {
  return { passed: c.passed, failed: c.failed, skipped: c.skipped - c.divergent, pgDivergent: c.divergent };
}

export interface Failure {
  file: string;
  line: number;
  reason: string;
  sql: string;
  expected: string[];
  actual: string[];
}

export interface FileResult extends Counts {
  path: string;
  /** Path as printed: relative to the working directory when below it. */
  display: string;
  imported: boolean;
  /** Path relative to the imported corpus root, with `/` separators. */
  relPath?: string;
  source?: string;
  tier?: string;
  failures: Failure[];
}

export interface RunSummary {
  files: FileResult[];
  total: Counts;
  imported: Counts;
  own: Counts;
  bySource: Record<string, Counts>;
  byTier: Record<string, Counts>;
  exitCode: number;
  /** Ratchet verdicts and notes, also printed before the final line. */
  messages: string[];
}

const zero = (): Counts => ({ passed: 0, failed: 0, skipped: 0, divergent: 0 });

function add(into: Counts, from: Counts): void {
  into.passed += from.passed;
  into.failed += from.failed;
  into.skipped += from.skipped;
  into.divergent += from.divergent;
}

// ---------------------------------------------------------------------------------------------
// Corpus metadata

interface CorpusInfo { root: string; tiers: Map<string, string>; divergent: Set<string> }

const corpusCache = new Map<string, CorpusInfo>();

/** The `sqllogictest/imported` directory containing `path`, or null. */
export function findImportedRoot(path: string): string | null {
  let dir = dirname(resolve(path));
  for (;;) {
    if (basename(dir) === 'imported'
      && (basename(dirname(dir)) === 'sqllogictest' || existsSync(join(dir, 'MANIFEST.tsv')))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readTsv(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  const head = (lines[0] ?? '').split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    const row: Record<string, string> = {};
    head.forEach((h, k) => { row[h] = cells[k] ?? ''; });
    return row;
  });
}

function corpusInfo(root: string): CorpusInfo {
  const cached = corpusCache.get(root);
  if (cached !== undefined) return cached;
  const tiers = new Map<string, string>();
  for (const row of readTsv(join(root, 'MANIFEST.tsv'))) {
    if (row['staged_path']) tiers.set(row['staged_path'], row['tier'] ?? '?');
  }
  const divergent = new Set<string>();
  for (const row of readTsv(join(root, 'PG_DIVERGENT.tsv'))) {
    if (row['staged_path']) divergent.add(`${row['staged_path']}:${row['line']}`);
  }
  const info = { root, tiers, divergent };
  corpusCache.set(root, info);
  return info;
}

// ---------------------------------------------------------------------------------------------
// SQL rewriting

/**
 * DataFusion's files load data with `COPY t FROM '../../testing/...'`, relative to the test
 * file's directory; the engine resolves paths against its own working directory, so make the path
 * absolute before sending the statement.
 */
export function rewriteCopyPaths(sql: string, baseDir: string): string {
  return sql.replace(/^(\s*COPY\b[\s\S]*?\bFROM\s+)'((?:[^']|'')*)'/i, (whole, head: string, quoted: string) => {
    const path = quoted.replace(/''/g, "'");
    if (isAbsolute(path)) return whole;
    return `${head}'${resolve(baseDir, path).replace(/'/g, "''")}'`;
  });
}

// ---------------------------------------------------------------------------------------------
// Executing records

interface ErrorInfo { code: string | undefined; message: string }

function describeError(e: unknown): ErrorInfo {
  if (typeof e === 'object' && e !== null) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    return {
      code: typeof code === 'string' ? code : undefined,
      message: typeof message === 'string' ? message : String(e),
    };
  }
  return { code: undefined, message: String(e) };
}

function errorText(info: ErrorInfo): string {
  return info.code === undefined ? info.message : `${info.code}: ${info.message}`;
}

function expectedErrorText(e: ExpectedError | undefined): string {
  if (e === undefined || e.kind === 'any') return 'an error';
  if (e.kind === 'regex') return `an error matching /${e.pattern}/`;
  if (e.kind === 'sqlstate') return `an error with SQLSTATE ${e.code}`;
  if (e.kind === 'exact') return `the error "${e.message}"`;
  return `an error containing "${e.text}"`;
}

/** null when the error satisfies the expectation, otherwise why not. */
export function checkError(err: unknown, expected: ExpectedError | undefined, checkMessage: boolean): string | null {
  const info = describeError(err);
  // An internal error or a plain exception is an engine bug, not the rejection the test expects.
  if (info.code === undefined || info.code === 'XX000') return `internal error instead of a SQL error: ${info.message}`;
  if (!checkMessage || expected === undefined || expected.kind === 'any') return null;
  let ok: boolean;
  switch (expected.kind) {
    case 'regex': {
      let re: RegExp | null = null;
      try { re = new RegExp(expected.pattern); } catch { re = null; }
      ok = re === null ? info.message.includes(expected.pattern) : re.test(info.message);
      break;
    }
    case 'sqlstate': ok = info.code === expected.code; break;
    case 'exact': ok = info.message.trim() === expected.message; break;
    case 'substring': ok = info.message.includes(expected.text); break;
  }
  return ok ? null : `wrong error: expected ${expectedErrorText(expected)}, got ${errorText(info)}`;
}

const DML = /^(INSERT|UPDATE|DELETE|MERGE)\b/i;

interface Outcome { ok: boolean; reason?: string; expected?: string[]; actual?: string[]; hash?: string }

const MAX_SHOWN_LINES = 40;

function clip(lines: string[]): string[] {
  if (lines.length <= MAX_SHOWN_LINES) return lines;
  return [...lines.slice(0, MAX_SHOWN_LINES), `... (${lines.length - MAX_SHOWN_LINES} more lines)`];
}

interface Cell { text: string; raw: unknown; type: string | undefined }

/**
 * Compares a query result with the record's expected block. `hashThreshold` only affects how a
 * mismatching result is shown: above it the reference runner would have written a hash.
 */
export function compareQuery(dialect: Dialect, rec: QueryRecord, result: QueryResultLike, hashThreshold = 0): Outcome {
  let columns = result.columns;
  let rows = result.rows;
  // DuckDB and DataFusion files run DML as `query I` and expect the affected-row count.
  if (columns.length === 0 && rows.length === 0 && DML.test(result.command)) {
    columns = [{ name: 'count', type: 'bigint' }];
    rows = [[result.rowCount]];
  }
  const ncols = columns.length > 0 ? columns.length : (rows[0]?.length ?? 0);
  const cells: Cell[][] = rows.map((r) => r.map((v, c) => {
    const type = columns[c]?.type;
    return { text: renderValue(dialect, v, rec.types[c] ?? 'T', type), raw: v, type };
  }));

  // Sort, keeping each rendered value with its raw value (DuckDB compares raw values).
  let sorted: Cell[][];
  if (rec.sortMode === 'rowsort') {
    sorted = [...cells].sort((a, b) => compareRows(a.map((x) => x.text), b.map((x) => x.text)));
  } else if (rec.sortMode === 'valuesort') {
    const flat = cells.flat().sort((a, b) => compareBytes(a.text, b.text));
    sorted = [];
    const width = Math.max(ncols, 1);
    for (let k = 0; k < flat.length; k += width) sorted.push(flat.slice(k, k + width));
  } else {
    sorted = cells;
  }
  const texts = sorted.map((r) => r.map((c) => c.text));
  const values = texts.flat();
  const hash = hashValues(values);
  const hashText = `${values.length} values hashing to ${hash}`;
  const shownActual = (): string[] => {
    if (dialect === 'sqlite') return hashThreshold > 0 && values.length > hashThreshold ? [hashText, ...values] : values;
    if (dialect === 'rs') return texts.map((r) => r.join(' '));
    return texts.map((r) => r.join('\t'));
  };

  if (dialect === 'sqlite' && rec.types.length !== ncols) {
    return { ok: false, reason: `expected ${rec.types.length} columns (${rec.types}), got ${ncols}`, expected: rec.expected, actual: clip(shownActual()), hash };
  }

  const hashed = parseHashLine(rec.expected);
  if (hashed !== null) {
    const ok = hashed.count === values.length && hashed.hash === hash;
    if (ok) return { ok, hash };
    const shown = shownActual();
    return { ok, reason: 'result differs', expected: rec.expected, actual: clip(shown[0] === hashText ? shown : [hashText, ...shown]), hash };
  }

  const fail = (reason: string): Outcome => ({ ok: false, reason, expected: clip(rec.expected), actual: clip(shownActual()), hash });

  if (dialect === 'sqlite') {
    if (rec.expected.length !== values.length) return fail(`expected ${rec.expected.length} values, got ${values.length}`);
    for (let k = 0; k < values.length; k++) {
      if (rec.expected[k]!.trimEnd() !== values[k]!.trimEnd()) return fail(`value ${k + 1} differs`);
    }
    return { ok: true, hash };
  }

  if (dialect === 'rs') {
    const actual = texts.map((r) => normalizeLine(r.join(' ')));
    const expected = rec.expected.map(normalizeLine);
    if (expected.length !== actual.length) return fail(`expected ${expected.length} rows, got ${actual.length}`);
    for (let k = 0; k < actual.length; k++) {
      if (expected[k] !== actual[k]) return fail(`row ${k + 1} differs`);
    }
    return { ok: true, hash };
  }

  // DuckDB: tab-separated rows, or one value per line; the checker accepts either.
  const exp = rec.expected;
  const rowWise = exp.length > 0 && (exp.every((l) => l.includes('\t')) || (exp.length === rows.length && ncols > 1));
  let expRows: string[][];
  if (rowWise) {
    expRows = exp.map((l) => l.split('\t'));
  } else {
    const width = Math.max(ncols, 1);
    if (exp.length % width !== 0) return fail(`expected ${exp.length} values, not a multiple of ${width} columns`);
    expRows = [];
    for (let k = 0; k < exp.length; k += width) expRows.push(exp.slice(k, k + width));
  }
  // The expected block of a sorted query is written in the engine's sort order, which for values
  // written differently (13.000000 vs 13) need not be ours: sort it the same way.
  if (rec.sortMode === 'rowsort') expRows = [...expRows].sort(compareRows);
  if (rec.sortMode === 'valuesort') {
    const flat = expRows.flat().sort(compareBytes);
    const width = Math.max(ncols, 1);
    expRows = [];
    for (let k = 0; k < flat.length; k += width) expRows.push(flat.slice(k, k + width));
  }
  if (expRows.length !== sorted.length) return fail(`expected ${expRows.length} rows, got ${sorted.length}`);
  for (let r = 0; r < sorted.length; r++) {
    const e = expRows[r]!;
    const a = sorted[r]!;
    if (e.length !== a.length) return fail(`row ${r + 1}: expected ${e.length} values, got ${a.length}`);
    for (let c = 0; c < a.length; c++) {
      const cell = a[c]!;
      if (!duckdbValueEquals(e[c]!, cell.raw, cell.type) && !duckdbValueEquals(e[c]!.trim(), cell.raw, cell.type)) {
        return fail(`row ${r + 1}, column ${c + 1} differs`);
      }
    }
  }
  return { ok: true, hash };
}

function recordApplies(rec: SltRecord, labels: ReadonlySet<string>): boolean {
  for (const c of rec.conditions) {
    const named = labels.has(c.engine.toLowerCase());
    if (c.kind === 'skipif' && named) return false;
    if (c.kind === 'onlyif' && !named) return false;
  }
  return true;
}

/** DuckDB `require` features that change nothing for this runner. */
const NOOP_REQUIREMENTS: ReadonlySet<string> = new Set(['no_alternative_verify']);
const NOOP_CONTROLS: ReadonlySet<string> = new Set(['sleep', 'connection']);

interface FileContext {
  path: string;
  dialect: Dialect;
  checkMessages: boolean;
  labels: ReadonlySet<string>;
  divergent: (line: number) => boolean;
}

async function runParsed(file: SltFile, ctx: FileContext, db: DatabaseLike | null, openError: string | null, result: FileResult): Promise<void> {
  let hashThreshold = ctx.dialect === 'sqlite' ? 8 : 0;
  let stopped = false;
  let skipMode = false;
  const labelHashes = new Map<string, { hash: string; line: number }>();
  const baseDir = dirname(ctx.path);
  let openFailureReported = false;

  const failure = (rec: SltRecord, reason: string, sql = '', expected: string[] = [], actual: string[] = []): void => {
    result.failed++;
    result.failures.push({ file: result.display, line: rec.line, reason, sql, expected, actual });
  };

  for (const rec of file.records) {
    const runnable = rec.kind === 'statement' || rec.kind === 'query';
    if (stopped || !recordApplies(rec, ctx.labels) || (skipMode && runnable)) {
      if (runnable) result.skipped++;
      continue;
    }
    switch (rec.kind) {
      case 'hash-threshold': hashThreshold = rec.value; continue;
      case 'halt': stopped = true; continue;
      case 'subtest': continue;
      case 'require':
        // DuckDB skips the rest of a file whose requirement it cannot meet.
        if (!NOOP_REQUIREMENTS.has(rec.feature)) stopped = true;
        continue;
      case 'mode':
        if (rec.mode === 'skip') skipMode = true;
        else if (rec.mode === 'unskip') skipMode = false;
        continue;
      case 'control':
        if (!NOOP_CONTROLS.has(rec.directive)) failure(rec, `unsupported directive: ${rec.directive} ${rec.args.join(' ')}`.trim());
        continue;
      case 'unknown':
        failure(rec, `unrecognised record: ${rec.text}`);
        continue;
      default:
        break;
    }

    const divergent = ctx.divergent(rec.line);
    if (db === null) {
      // Every record of a file without a database fails; one report says why.
      if (divergent) { result.skipped++; result.divergent++; continue; }
      if (!openFailureReported) {
        failure(rec, `could not open a database: ${openError ?? 'unknown error'}`);
        openFailureReported = true;
      } else {
        result.failed++;
      }
      continue;
    }

    let outcome: Outcome;
    try {
      outcome = rec.kind === 'statement'
        ? await runStatement(db, rec, ctx, baseDir)
        : await runQuery(db, rec, ctx, baseDir, labelHashes, hashThreshold);
    } catch (e) {
      outcome = { ok: false, reason: `runner error: ${describeError(e).message}` };
    }
    if (divergent) {
      result.skipped++;
      result.divergent++;
    } else if (outcome.ok) {
      result.passed++;
    } else {
      failure(rec, outcome.reason ?? 'failed', rec.sql, outcome.expected ?? [], outcome.actual ?? []);
    }
  }
}

async function runStatement(db: DatabaseLike, rec: StatementRecord, ctx: FileContext, baseDir: string): Promise<Outcome> {
  const sql = rewriteCopyPaths(rec.sql, baseDir);
  let res: QueryResultLike;
  try {
    res = await db.query(sql);
  } catch (e) {
    if (rec.expect === 'maybe') return { ok: true };
    if (rec.expect === 'error') {
      const why = checkError(e, rec.error, ctx.checkMessages);
      return why === null ? { ok: true } : { ok: false, reason: why, expected: [expectedErrorText(rec.error)], actual: [errorText(describeError(e))] };
    }
    const info = describeError(e);
    return { ok: false, reason: 'statement failed', expected: ['success'], actual: [errorText(info)] };
  }
  if (rec.expect === 'error') {
    return { ok: false, reason: 'statement succeeded but an error was expected', expected: [expectedErrorText(rec.error)], actual: ['success'] };
  }
  if (rec.expect === 'count' && res.rowCount !== rec.count) {
    return { ok: false, reason: 'wrong affected-row count', expected: [String(rec.count)], actual: [String(res.rowCount)] };
  }
  return { ok: true };
}

async function runQuery(
  db: DatabaseLike, rec: QueryRecord, ctx: FileContext, baseDir: string,
  labelHashes: Map<string, { hash: string; line: number }>, hashThreshold: number,
): Promise<Outcome> {
  const sql = rewriteCopyPaths(rec.sql, baseDir);
  let res: QueryResultLike;
  try {
    res = await db.query(sql);
  } catch (e) {
    if (rec.error !== undefined) {
      const why = checkError(e, rec.error, ctx.checkMessages);
      return why === null ? { ok: true } : { ok: false, reason: why, expected: [expectedErrorText(rec.error)], actual: [errorText(describeError(e))] };
    }
    return { ok: false, reason: 'query failed', expected: clip(rec.expected), actual: [errorText(describeError(e))] };
  }
  if (rec.error !== undefined) {
    return { ok: false, reason: 'query succeeded but an error was expected', expected: [expectedErrorText(rec.error)], actual: ['success'] };
  }
  const outcome = compareQuery(ctx.dialect, rec, res, hashThreshold);
  if (outcome.ok && rec.label !== undefined && outcome.hash !== undefined) {
    const prior = labelHashes.get(rec.label);
    if (prior === undefined) {
      labelHashes.set(rec.label, { hash: outcome.hash, line: rec.line });
    } else if (prior.hash !== outcome.hash) {
      return { ok: false, reason: `result differs from the query with the same label (${rec.label}) at line ${prior.line}` };
    }
  }
  return outcome;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return shown.split(sep).join('/');
}

/** Runs one file against a fresh database. Never throws. */
export async function runFile(path: string, opts: RunOptions): Promise<FileResult> {
  const abs = resolve(path);
  const root = findImportedRoot(abs);
  const result: FileResult = {
    path: abs, display: displayPath(abs), imported: root !== null,
    passed: 0, failed: 0, skipped: 0, divergent: 0, failures: [],
  };
  let info: CorpusInfo | null = null;
  if (root !== null) {
    info = corpusInfo(root);
    const relPath = relative(root, abs).split(sep).join('/');
    result.relPath = relPath;
    result.source = relPath.split('/')[0] ?? '?';
    result.tier = info.tiers.get(relPath) ?? '?';
  }
  const labels = new Set((opts.label.length > 0 ? opts.label : DEFAULT_LABELS).map((l) => l.toLowerCase()));
  const dialect = dialectForPath(abs);

  let file: SltFile;
  try {
    file = parseSltFile(abs, dialect);
  } catch (e) {
    result.failed++;
    result.failures.push({ file: result.display, line: 0, reason: `cannot read or parse: ${describeError(e).message}`, sql: '', expected: [], actual: [] });
    return result;
  }

  let db: DatabaseLike | null = null;
  let openError: string | null = null;
  try {
    db = await opts.openDb();
  } catch (e) {
    openError = errorText(describeError(e));
  }
  const relPath = result.relPath;
  const ctx: FileContext = {
    path: abs,
    dialect,
    checkMessages: !result.imported || opts.strictErrors === true,
    labels,
    divergent: (line) => info !== null && relPath !== undefined && info.divergent.has(`${relPath}:${line}`),
  };
  try {
    await runParsed(file, ctx, db, openError, result);
  } catch (e) {
    result.failed++;
    result.failures.push({ file: result.display, line: 0, reason: `runner error: ${describeError(e).message}`, sql: '', expected: [], actual: [] });
  }
  if (db?.close !== undefined) {
    try { await db.close(); } catch { /* a failing close must not hide the file's results */ }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reporting and the ratchet

function indent(text: string, prefix = '    '): string {
  return text.split('\n').map((l) => prefix + l).join('\n');
}

export function formatFailure(f: Failure): string {
  const parts = [`${f.file}:${f.line}: ${f.reason}`];
  if (f.sql !== '') parts.push(indent(f.sql));
  if (f.expected.length > 0 || f.actual.length > 0) {
    parts.push('  expected:');
    parts.push(f.expected.length > 0 ? indent(f.expected.join('\n')) : '    (empty result)');
    parts.push('  actual:');
    parts.push(f.actual.length > 0 ? indent(f.actual.join('\n')) : '    (empty result)');
  }
  return parts.join('\n');
}

function countsLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

interface RatchetFile {
  imported: { passed: number } & Partial<ReportedCounts>;
  sources?: Record<string, ReportedCounts>;
  tiers?: Record<string, ReportedCounts>;
}

export function readRatchet(path: string): RatchetFile {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const imported = (data as { imported?: { passed?: unknown } } | null)?.imported;
  if (typeof imported?.passed !== 'number') throw new Error(`${path}: expected {"imported": {"passed": N}}`);
  return data as RatchetFile;
}

const SOURCE_ORDER = ['sqlite', 'duckdb', 'datafusion', 'risinglight'];

function orderedKeys(rec: Record<string, Counts>, first: readonly string[]): string[] {
  const keys = Object.keys(rec);
  return [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k)).sort()];
}

function summaryTable(summary: RunSummary): string[] {
  const rows: [string, Counts][] = [];
  for (const k of orderedKeys(summary.bySource, SOURCE_ORDER)) rows.push([`imported/${k}`, summary.bySource[k]!]);
  for (const k of orderedKeys(summary.byTier, [])) rows.push([`tier ${k}`, summary.byTier[k]!]);
  if (summary.files.some((f) => f.imported)) rows.push(['imported (all)', summary.imported]);
  if (summary.files.some((f) => !f.imported)) rows.push(['own suite', summary.own]);
  const head = ['', 'passed', 'failed', 'skipped', 'pg-divergent'];
  const body = rows.map(([name, c]) => [name, String(c.passed), String(c.failed), String(c.skipped - c.divergent), String(c.divergent)]);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((r) => r[k]!.length)));
  const fmt = (r: string[]): string => r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  ').trimEnd();
  return [fmt(head), ...body.map(fmt)];
}

export async function runFiles(paths: string[], opts: RunOptions): Promise<RunSummary> {
  const write = opts.write ?? ((s: string) => { process.stdout.write(s); });
  const maxFailures = opts.verbose === true ? Infinity : (opts.maxFailures ?? DEFAULT_MAX_FAILURES);
  const summary: RunSummary = {
    files: [], total: zero(), imported: zero(), own: zero(), bySource: {}, byTier: {}, exitCode: 0, messages: [],
  };

  for (const path of paths) {
    const r = await runFile(path, opts);
    summary.files.push(r);
    add(summary.total, r);
    add(r.imported ? summary.imported : summary.own, r);
    if (r.imported) {
      add((summary.bySource[r.source ?? '?'] ??= zero()), r);
      add((summary.byTier[r.tier ?? '?'] ??= zero()), r);
    }
    write(`${r.display}: ${countsLine(r)}${r.divergent > 0 ? ` (${r.divergent} pg-divergent)` : ''}\n`);
    const shown = r.failures.slice(0, maxFailures);
    for (const f of shown) write(indent(formatFailure(f), '  ') + '\n');
    if (r.failures.length > shown.length) {
      write(`  ... ${r.failures.length - shown.length} more failures in this file (--verbose shows all)\n`);
    }
  }

  const messages = summary.messages;
  if (opts.ratchet === undefined) {
    summary.exitCode = summary.total.failed > 0 ? 1 : 0;
  } else {
    summary.exitCode = judgeRatchet(summary, opts.ratchet, opts.updateRatchet === true, messages);
  }

  write('\n');
  for (const line of summaryTable(summary)) write(line + '\n');
  for (const m of messages) write(m + '\n');
  write(countsLine(summary.total) + '\n');
  return summary;
}

function judgeRatchet(summary: RunSummary, ratchetPath: string, update: boolean, messages: string[]): number {
  let exitCode = 0;
  if (summary.own.failed > 0) {
    messages.push(`FAIL: ${summary.own.failed} records failed outside sqllogictest/imported; the project's own suite must pass fully`);
    exitCode = 1;
  }
  const ranImported = summary.files.some((f) => f.imported);
  let previous: RatchetFile | null = null;
  if (existsSync(ratchetPath)) {
    try {
      previous = readRatchet(ratchetPath);
    } catch (e) {
      messages.push(`FAIL: cannot read ratchet ${ratchetPath}: ${describeError(e).message}`);
      return 1;
    }
  } else if (!update) {
    messages.push(`FAIL: ratchet file ${ratchetPath} does not exist (create it with --update-ratchet)`);
    return 1;
  }
  if (!ranImported) {
    messages.push('ratchet: no files under sqllogictest/imported in this run; not checked');
    return exitCode;
  }
  const floor = previous?.imported.passed ?? 0;
  const passed = summary.imported.passed;
  if (passed < floor) {
    messages.push(`FAIL: imported pass count ${passed} is below the ratchet ${floor} (${ratchetPath}); ${floor - passed} records that passed before fail now`);
    exitCode = 1;
  } else if (update) {
    const next: RatchetFile = {
      imported: reported(summary.imported),
      sources: Object.fromEntries(orderedKeys(summary.bySource, SOURCE_ORDER).map((k) => [k, reported(summary.bySource[k]!)])),
      tiers: Object.fromEntries(orderedKeys(summary.byTier, []).map((k) => [k, reported(summary.byTier[k]!)])),
    };
    writeFileSync(ratchetPath, JSON.stringify(next, null, 2) + '\n');
    messages.push(`ratchet: ${ratchetPath} updated, imported passed ${floor} -> ${passed}`);
  } else if (passed > floor) {
    messages.push(`ratchet: imported pass count ${passed} is above the ratchet ${floor}; raise it with --update-ratchet`);
  } else {
    messages.push(`ratchet: imported pass count ${passed} meets the ratchet ${floor}`);
  }
  return exitCode;
}
