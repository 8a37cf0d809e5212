/**
 * Wraps libpg-query (PostgreSQL's own grammar compiled to WebAssembly). Produces the raw parse
 * tree of each statement with its source text; syntax errors become QuiverError 42601.
 */
import { loadModule, parseSync } from 'libpg-query';
import { QuiverError, SqlState } from '../common/errors.js';

/** A node of PostgreSQL's raw parse tree: `{ NodeType: { ...fields } }`. */
// The parse tree is JSON from the WASM parser; we walk it with typed accessors in the binder.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgNode = any;

export interface ParsedStatement {
  /** e.g. 'SelectStmt', 'InsertStmt' */
  type: string;
  node: PgNode;
  /** The statement's own text (without the trailing semicolon). */
  text: string;
  /** Offset of the statement in the whole input, to turn node locations into cursor positions. */
  offset: number;
}

let loaded: Promise<void> | null = null;
export function initParser(): Promise<void> {
  if (!loaded) loaded = loadModule();
  return loaded;
}

function byteToCharOffset(sql: string, byteOffset: number): number {
  // libpg-query reports byte offsets into the UTF-8 text; PostgreSQL's cursor counts characters.
  const buf = Buffer.from(sql, 'utf8');
  return buf.subarray(0, byteOffset).toString('utf8').length;
}

const hasNonAscii = (s: string): boolean => /[^\x00-\x7f]/.test(s);

export function parseSql(sql: string): ParsedStatement[] {
  let tree: PgNode;
  try {
    tree = parseSync(sql);
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    const pos = err.sqlDetails?.cursorPosition;
    const msg = err.message ?? 'syntax error';
    const position = pos === undefined ? undefined : (hasNonAscii(sql) ? byteToCharOffset(sql, pos) : pos) + 1;
    // The grammar raises a few errors with their own SQLSTATE; the rest are syntax errors.
    if (/call stack|stack depth/i.test(msg)) throw new QuiverError('54001', 'stack depth limit exceeded', { hint: 'The statement nests too deeply.' });
    // The parser's memory (and the JSON of its tree) is bounded: a statement of tens of megabytes
    // can exhaust it, which the library reports as an exit, a missing tree or a string too long.
    if (e instanceof RangeError || /Program terminated|No parse tree generated|memory allocation failed|out of memory/i.test(msg)) {
      throw new QuiverError('54000', `statement is too large to parse (${(sql.length / 1e6).toFixed(1)} MB)`, {
        hint: 'Split it into several statements (for example INSERTs of fewer rows each), or load the data with COPY.',
      });
    }
    const code = /^frame (start|end|starting)/i.test(msg) ? SqlState.windowingError
      : /out of range/i.test(msg) && !/syntax error/i.test(msg) ? SqlState.numericOutOfRange : SqlState.syntaxError;
    throw new QuiverError(code, msg, position === undefined ? {} : { position });
  }
  const out: ParsedStatement[] = [];
  const nonAscii = hasNonAscii(sql);
  const buf = nonAscii ? Buffer.from(sql, 'utf8') : null;
  // Character offset of byte `prevByte`: each statement's offset is counted on from the previous
  // one's, not from the start of the input, so that many statements cost linear time.
  let prevByte = 0, prevChar = 0;
  for (const s of tree.stmts ?? []) {
    const start: number = s.stmt_location ?? 0;
    const len: number | undefined = s.stmt_len;
    let text: string, offset: number;
    if (buf) {
      const end = len === undefined || len === 0 ? buf.length : start + len;
      text = buf.subarray(start, end).toString('utf8');
      prevChar += start >= prevByte ? buf.subarray(prevByte, start).toString('utf8').length : -buf.subarray(start, prevByte).toString('utf8').length;
      prevByte = start;
      offset = prevChar;
    } else {
      text = len === undefined || len === 0 ? sql.slice(start) : sql.slice(start, start + len);
      offset = start;
    }
    const type = Object.keys(s.stmt)[0]!;
    out.push({ type, node: s.stmt[type], text: text.trim(), offset });
  }
  return out;
}
