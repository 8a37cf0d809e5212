/**
 * Plan fragments that cross a thread: the expression trees of one pipeline (scan of some columns,
 * filters, projections, a partial aggregate) as plain data a worker can rebuild and compile.
 *
 * A bound expression holds live function objects; on the wire each one is a registry key (name,
 * overload position, argument specs) that the worker looks up in its own registry, which the same
 * built-in imports filled in the same order, so overload choice is identical (a mismatch is
 * detected and the fragment runs in process). Whatever has no faithful copy in another isolate
 * makes the fragment unshareable, and the caller runs it in process instead: subqueries and outer
 * references (their runners hold operator trees and caches), volatile functions (random, nextval:
 * state of this process), functions made while binding (not in the registry), and constants that
 * are objects other than numerics (interval, timetz, arrays lose their prototypes in a structured
 * clone; numerics cross as digits and scale, see wire_value.ts).
 */
import type { Expr, AggCall } from '../logical/expr.js';
import type { SqlType } from '../common/types.js';
import { physicalKind } from '../common/types.js';
import { functionKey, functionByKey, type FunctionKey, type ScalarFunction, type AggregateFunction } from '../udf/registry.js';
import { toWire, fromWire, type WireValue } from './wire_value.js';

/** An Expr with every function object replaced by its key (same shape otherwise). */
export type WireExpr = { kind: string; type: SqlType; [field: string]: unknown };

export interface WireAgg { fn: FunctionKey; args: WireExpr[]; filter: WireExpr | null; type: SqlType }

/** One step of the pipeline between the scan and the aggregate. */
export type WireStep = { kind: 'filter'; pred: WireExpr } | { kind: 'project'; exprs: WireExpr[] };

export interface WireFragment {
  /** 'aggregate': a partial aggregate per worker; 'gather': the pipeline's rows, per morsel. */
  mode: 'aggregate' | 'gather';
  /** Scan column positions in the table. */
  columns: number[];
  steps: WireStep[];
  groupBy: WireExpr[];
  aggs: WireAgg[];
}

class NotShareable extends Error {}

/**
 * Types whose vectors cross back from a worker as typed arrays or strings (never objects): group
 * keys and gathered rows. numeric is not one of them (an expression's numeric result may be
 * Decimals); it is read by workers from fixed-point columns (morsel.ts) and aggregated into
 * states that cross as plain data (partial_state.ts).
 */
export function isPlainType(t: SqlType): boolean {
  if (t.id === 'numeric') return false;
  const k = physicalKind(t.id);
  return k === 'bool' || k === 'i32' || k === 'i64' || k === 'f64' || k === 'string';
}

function scalarKey(f: ScalarFunction): FunctionKey {
  if (f.volatile) throw new NotShareable('volatile function');
  const k = functionKey('scalar', f);
  if (!k) throw new NotShareable(`function ${f.name} is not in the registry`);
  return k;
}

function encode(e: Expr): WireExpr {
  switch (e.kind) {
    case 'col': case 'param': return { ...e };
    case 'const': {
      const value = toWire(e.value);
      if (value === undefined) throw new NotShareable('object constant');
      return { ...e, value };
    }
    case 'outer': case 'subquery': throw new NotShareable(e.kind);
    case 'call': return { kind: 'call', fn: scalarKey(e.fn), args: e.args.map(encode), type: e.type };
    case 'cast': return { ...e, arg: encode(e.arg) };
    case 'and': case 'or': case 'coalesce': return { ...e, args: e.args.map(encode) };
    case 'greatest': case 'least': return { ...e, args: e.args.map(encode), cmp: scalarKey(e.cmp) };
    case 'not': case 'isnull': case 'isbool': return { ...e, arg: encode(e.arg) };
    case 'case': return { ...e, whens: e.whens.map((w) => ({ cond: encode(w.cond), result: encode(w.result) })), otherwise: e.otherwise ? encode(e.otherwise) : null };
    case 'inlist': return { ...e, arg: encode(e.arg), list: e.list.map(encode), eq: scalarKey(e.eq) };
  }
}

/** Thrown by the decoder when this thread's registry does not have the function a key names. */
export class RegistryMismatch extends Error {}

function scalarByKey(k: unknown): ScalarFunction {
  const f = functionByKey(k as FunctionKey);
  if (!f) throw new RegistryMismatch(`no function ${(k as FunctionKey).name} #${(k as FunctionKey).index}`);
  return f as ScalarFunction;
}

export function decodeExpr(w: WireExpr): Expr {
  const r = w as unknown as Record<string, unknown> & { kind: Expr['kind'] };
  const d = (x: unknown): Expr => decodeExpr(x as WireExpr);
  switch (r.kind) {
    case 'col': case 'param': return w as unknown as Expr;
    case 'const': return { ...r, value: fromWire(r.value as WireValue) } as unknown as Expr;
    case 'call': return { kind: 'call', fn: scalarByKey(r.fn), args: (r.args as WireExpr[]).map(d), type: w.type };
    case 'cast': case 'not': case 'isnull': case 'isbool': return { ...r, arg: d(r.arg) } as unknown as Expr;
    case 'and': case 'or': case 'coalesce': return { ...r, args: (r.args as WireExpr[]).map(d) } as unknown as Expr;
    case 'greatest': case 'least': return { ...r, args: (r.args as WireExpr[]).map(d), cmp: scalarByKey(r.cmp) } as unknown as Expr;
    case 'case': {
      const whens = (r.whens as { cond: WireExpr; result: WireExpr }[]).map((x) => ({ cond: d(x.cond), result: d(x.result) }));
      return { ...r, whens, otherwise: r.otherwise ? d(r.otherwise) : null } as unknown as Expr;
    }
    case 'inlist': return { ...r, arg: d(r.arg), list: (r.list as WireExpr[]).map(d), eq: scalarByKey(r.eq) } as unknown as Expr;
    default: throw new RegistryMismatch(`unknown expression ${String(r.kind)}`);
  }
}

/**
 * Aggregates whose partial state is plain data (typed arrays, arrays of numbers, bigints, strings
 * or numerics, see partial_state.ts) over argument types that are plain or numeric; each has a
 * merge that is tested against the serial answer. Interval sums, array_agg and string_agg (lists
 * whose order would need the input order) and the statistical aggregates are left in process.
 */
const PARALLEL_AGGS = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every']);

export function encodeAgg(a: AggCall): WireAgg {
  if (a.distinct || a.orderBy.length > 0) throw new NotShareable('DISTINCT or ORDER BY aggregate');
  if (!PARALLEL_AGGS.has(a.fn.name)) throw new NotShareable(`aggregate ${a.fn.name}`);
  if (!a.args.every((x) => isPlainType(x.type) || x.type.id === 'numeric')) throw new NotShareable('aggregate over an object type');
  // Equal numerics can differ in display scale (1.0, 1.00) unless the type fixes it; min and max
  // keep the later of equals in table order, which merged partials cannot tell.
  if ((a.fn.name === 'min' || a.fn.name === 'max') && a.args[0]!.type.id === 'numeric' && a.args[0]!.type.scale < 0) throw new NotShareable('min or max over numeric of no declared scale');
  const fn = functionKey('aggregate', a.fn);
  if (!fn) throw new NotShareable('aggregate not in the registry');
  return { fn, args: a.args.map(encode), filter: a.filter ? encode(a.filter) : null, type: a.type };
}

export function decodeAgg(w: WireAgg): AggCall {
  const fn = functionByKey(w.fn);
  if (!fn) throw new RegistryMismatch(`no aggregate ${w.fn.name} #${w.fn.index}`);
  return { fn: fn as AggregateFunction, args: w.args.map(decodeExpr), distinct: false, filter: w.filter ? decodeExpr(w.filter) : null, orderBy: [], type: w.type };
}

/** Encodes a whole fragment, or returns the reason it must run in process. */
export function encodeFragment(mode: WireFragment['mode'], columns: number[], steps: ({ kind: 'filter'; pred: Expr } | { kind: 'project'; exprs: Expr[] })[], groupBy: Expr[], aggs: AggCall[]): WireFragment | string {
  try {
    if (!groupBy.every((g) => isPlainType(g.type))) return 'group key of an object type';
    return {
      mode,
      columns,
      steps: steps.map((s) => (s.kind === 'filter' ? { kind: 'filter', pred: encode(s.pred) } : { kind: 'project', exprs: s.exprs.map(encode) })),
      groupBy: groupBy.map(encode),
      aggs: aggs.map(encodeAgg),
    };
  } catch (e) {
    if (e instanceof NotShareable) return e.message;
    throw e;
  }
}
