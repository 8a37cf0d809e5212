/**
 * jsonb_path_query (set-returning), jsonb_path_query_array, jsonb_path_query_first,
 * jsonb_path_exists, jsonb_path_match, and the operators @? and @@ (which are silent: an error
 * in the path gives NULL).
 */
import { T, type SqlType } from '../../common/types.js';
import { QuiverError } from '../../common/errors.js';
import { registerScalar } from '../registry.js';
import { registerSetFunction } from '../set_functions.js';
import { parseJsonb, jsonbOut, type JsonValue } from '../../common/json.js';
import { parseJsonPath, runJsonPath } from '../../common/jsonpath.js';

type Impl = (...args: never[]) => unknown;
const fn = (f: (...xs: never[]) => unknown): Impl => f as Impl;

function run(target: string, path: string, vars: string | null, silent: boolean): JsonValue[] | null {
  return runJsonPath(parseJsonPath(path), parseJsonb(target), vars === null ? null : parseJsonb(vars), silent);
}

/** exists: null when a silent run failed. */
function exists(target: string, path: string, vars: string | null, silent: boolean): boolean | null {
  const r = run(target, path, vars, silent);
  return r === null ? null : r.length > 0;
}

/** match: the path's single boolean (or null); anything else is 22038 unless silent. */
function match(target: string, path: string, vars: string | null, silent: boolean): boolean | null {
  const r = run(target, path, vars, silent);
  if (r === null) return null;
  if (r.length === 1 && (typeof r[0] === 'boolean' || r[0] === null)) return r[0];
  if (silent) return null;
  throw new QuiverError('22038', 'single boolean result is expected');
}

const SIGS: { args: ('jsonb' | 'jsonpath' | 'bool')[]; pick: (xs: unknown[]) => [string, string, string | null, boolean] }[] = [
  { args: ['jsonb', 'jsonpath'], pick: (xs) => [xs[0] as string, xs[1] as string, null, false] },
  { args: ['jsonb', 'jsonpath', 'jsonb'], pick: (xs) => [xs[0] as string, xs[1] as string, xs[2] as string, false] },
  { args: ['jsonb', 'jsonpath', 'jsonb', 'bool'], pick: (xs) => [xs[0] as string, xs[1] as string, xs[2] as string, xs[3] as boolean] },
];

function register(): void {
  for (const sig of SIGS) {
    const reg = (name: string, ret: SqlType, f: (t: string, p: string, v: string | null, s: boolean) => unknown): void =>
      registerScalar({ name, args: sig.args, ret, strict: true, impl: fn((...xs: unknown[]) => f(...sig.pick(xs))) });
    reg('jsonb_path_exists', T.bool, exists);
    reg('jsonb_path_match', T.bool, match);
    reg('jsonb_path_query_array', T.jsonb, (t, p, v, s) => jsonbOut(run(t, p, v, s) ?? []));
    reg('jsonb_path_query_first', T.jsonb, (t, p, v, s) => { const r = run(t, p, v, s); return r && r.length ? jsonbOut(r[0]!) : null; });
  }
  registerScalar({ name: '@?', args: ['jsonb', 'jsonpath'], ret: T.bool, strict: true, impl: fn((t: string, p: string) => exists(t, p, null, true)) });
  registerScalar({ name: '@@', args: ['jsonb', 'jsonpath'], ret: T.bool, strict: true, impl: fn((t: string, p: string) => match(t, p, null, true)) });
  const specs: SqlType[] = [T.jsonb, T.jsonpath, T.jsonb, T.bool];
  registerSetFunction({
    name: 'jsonb_path_query', strict: true,
    resolve(args) {
      if (args.length < 2 || args.length > 4) return null;
      if (!args.every((a, i) => a.id === 'unknown' || a.id === specs[i]!.id)) return null;
      return { args: specs.slice(0, args.length), ret: T.jsonb };
    },
    generate(args) {
      const r = run(args[0] as string, args[1] as string, (args[2] as string | undefined) ?? null, (args[3] as boolean | undefined) ?? false);
      return (r ?? []).map(jsonbOut);
    },
  });
}

register();
