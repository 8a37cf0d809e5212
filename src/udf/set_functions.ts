/**
 * Set-returning functions: generate_series, unnest, regexp_split_to_table, regexp_matches, string_to_table.
 * Used in FROM (TableFunctionExec) and in select lists (ProjectSetExec).
 */
import { T, arrayOf, type SqlType } from '../common/types.js';
import { Decimal } from '../common/decimal.js';
import { timestampAddInterval, intervalCmp, Interval } from '../common/datetime.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { compileRegex, parseRegexFlags } from './regex.js';

export interface SetFunction {
  name: string;
  /**
   * Argument types to coerce to and the output type, or null when the types do not fit.
   * `columns` names the output columns in FROM; with several, a call in a select list gives a
   * record and generate yields RowValues whose fields are the columns.
   */
  resolve(args: SqlType[]): { args: SqlType[]; ret: SqlType; columns?: { name: string; type: SqlType }[] } | null;
  /** The values for one call (arguments are engine values; strict: none is null). */
  generate(args: unknown[]): Iterable<unknown>;
  /** A NULL argument gives no rows (false: NULLs are passed through, as unnest's elements). */
  strict: boolean;
  /** generate yields RowValues, one field per output column in FROM (jsonb_each, json_to_record). */
  yieldsRows?: boolean;
}

function* series(args: unknown[], t: SqlType): Generator<unknown> {
  if (t.id === 'int4' || t.id === 'int8') {
    const big = t.id === 'int8';
    let cur = BigInt(args[0] as number | bigint);
    const stop = BigInt(args[1] as number | bigint), step = BigInt(args[2] as number | bigint);
    if (step === 0n) throw new QuiverError(SqlState.invalidParameterValue, 'step size cannot equal zero');
    for (; step > 0n ? cur <= stop : cur >= stop; cur += step) yield big ? cur : Number(cur);
  } else if (t.id === 'numeric') {
    let cur = args[0] as Decimal;
    const stop = args[1] as Decimal, step = args[2] as Decimal;
    if (step.isZero()) throw new QuiverError(SqlState.invalidParameterValue, 'step size cannot equal zero');
    const up = step.sign() > 0;
    for (; up ? cur.cmp(stop) <= 0 : cur.cmp(stop) >= 0; cur = cur.add(step)) yield cur;
  } else {
    let cur = args[0] as number;
    const stop = args[1] as number, step = args[2] as Interval;
    const sign = intervalCmp(step, new Interval(0, 0, 0));
    if (sign === 0) throw new QuiverError(SqlState.invalidParameterValue, 'step size cannot equal zero');
    for (; sign > 0 ? cur <= stop : cur >= stop; cur = timestampAddInterval(cur, step)) yield cur;
  }
}

const NUMERIC_SERIES = ['int4', 'int8', 'numeric'];

const generateSeries: SetFunction = {
  name: 'generate_series', strict: true,
  resolve(args) {
    if (args.length < 2 || args.length > 3) return null;
    const ids = args.map((a) => a.id);
    if (ids.slice(0, 2).every((x) => x === 'timestamp' || x === 'date' || x === 'unknown') && !ids.slice(0, 2).every((x) => x === 'unknown')) {
      if (args.length !== 3 || !(ids[2] === 'interval' || ids[2] === 'unknown')) return null;
      return { args: [T.timestamp, T.timestamp, T.interval], ret: T.timestamp };
    }
    let rank = 0;
    for (const x of ids) {
      const r = x === 'int2' || x === 'int4' || x === 'unknown' ? 0 : x === 'int8' ? 1 : x === 'numeric' ? 2 : -1;
      if (r < 0) return null;
      rank = Math.max(rank, r);
    }
    const t = T[NUMERIC_SERIES[rank] as 'int4'];
    return { args: [t, t, t], ret: t };
  },
  generate(args) {
    const t = args[0] instanceof Decimal ? T.numeric : typeof args[0] === 'bigint' ? T.int8 : args.length === 3 && args[2] instanceof Interval ? T.timestamp : T.int4;
    return series(args.length === 2 ? [...args, t.id === 'numeric' ? Decimal.fromInt(1) : t.id === 'int8' ? 1n : 1] : args, t);
  },
};

const unnest: SetFunction = {
  name: 'unnest', strict: true,
  resolve(args) {
    if (args.length !== 1) return null;
    const a = args[0]!;
    if (a.id === 'unknown') return { args: [T.array], ret: T.text };
    if (a.id !== 'array') return null;
    return { args: [a], ret: a.elem! };
  },
  generate(args) { return args[0] as unknown[]; },
};

/** The pieces of s between matches of pattern; `fn` names the caller in the error for 'g'. */
export function* splitRegex(s: string, pattern: string, flags: string, fn = 'regexp_split_to_table'): Generator<string> {
  const re = compileRegex(pattern, parseRegexFlags(flags, fn));
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m[0].length === 0) {
      if (m.index! >= s.length) break;
      if (m.index === 0 && last === 0) continue;
    }
    yield s.slice(last, m.index);
    last = m.index! + Math.max(m[0].length, 0);
  }
  yield s.slice(last);
}

const regexpSplitToTable: SetFunction = {
  name: 'regexp_split_to_table', strict: true,
  resolve(args) {
    if (args.length < 2 || args.length > 3 || !args.every((a) => ['text', 'varchar', 'bpchar', 'unknown'].includes(a.id))) return null;
    return { args: args.map(() => T.text), ret: T.text };
  },
  generate(args) { return splitRegex(args[0] as string, args[1] as string, (args[2] as string | undefined) ?? ''); },
};

const textArgs = (args: SqlType[]): boolean => args.every((a) => ['text', 'varchar', 'bpchar', 'unknown'].includes(a.id));

/** regexp_matches(s, pattern [, flags]): one text[] of the groups (or the whole match) per match; all matches with 'g'. */
function* regexpMatches(s: string, pattern: string, flags: string): Generator<(string | null)[]> {
  const opts = parseRegexFlags(flags, null);
  const re = compileRegex(pattern, opts);
  for (const m of s.matchAll(re)) {
    yield m.length > 1 ? m.slice(1).map((g) => g ?? null) : [m[0]];
    if (!opts.global) return;
  }
}

const regexpMatchesFn: SetFunction = {
  name: 'regexp_matches', strict: true,
  resolve(args) {
    if (args.length < 2 || args.length > 3 || !textArgs(args)) return null;
    return { args: args.map(() => T.text), ret: arrayOf(T.text) };
  },
  generate(args) { return regexpMatches(args[0] as string, args[1] as string, (args[2] as string | undefined) ?? ''); },
};

const stringToTable: SetFunction = {
  name: 'string_to_table', strict: true,
  resolve(args) {
    if (args.length !== 2 || !args.every((a) => ['text', 'varchar', 'bpchar', 'unknown'].includes(a.id))) return null;
    return { args: [T.text, T.text], ret: T.text };
  },
  generate(args) {
    const s = args[0] as string, d = args[1] as string;
    return d === '' ? [s] : s.split(d);
  },
};

const registry = new Map<string, SetFunction>([generateSeries, unnest, regexpSplitToTable, regexpMatchesFn, stringToTable].map((f) => [f.name, f]));

export function setFunction(name: string): SetFunction | undefined { return registry.get(name); }

/** Adds a set-returning function defined elsewhere (json's, in json_set_functions.ts). */
export function registerSetFunction(f: SetFunction): void { registry.set(f.name, f); }
