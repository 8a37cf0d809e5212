/**
 * Function registry: scalar, aggregate and window functions by name, with PostgreSQL-style overload
 * resolution. Operators (+, =, ||, ...) are registered as functions named by their symbol.
 */
import type { SqlType, TypeId } from '../common/types.js';
import { T, canImplicitCast, category, numericRank, isText, typeName, isTimestampTz } from '../common/types.js';
import { QuiverError } from '../common/errors.js';
import type { Vector } from '../common/vector.js';

/** 'any' accepts every type (polymorphic); 'anynum'... are not used: overloads are listed. */
export type ArgSpec = TypeId | 'any';

/** What of the running statement a needsContext function may read (a part of the executor's context). */
export interface FunctionContext {
  /** Statement start time, microseconds since the epoch. */
  readonly now: number;
  random(): number;
  setseed?: (seed: number) => void;
}

export interface ScalarFunction {
  name: string;
  args: ArgSpec[];
  /** Extra arguments repeat the last spec. */
  variadic?: boolean;
  ret: SqlType | ((args: SqlType[]) => SqlType);
  /** NULL in any argument gives NULL without calling the function. */
  strict: boolean;
  volatile?: boolean;
  /**
   * JavaScript expression over the (non-null) argument expressions. It may use the runtime
   * helpers object `H` (physical/runtime.ts). Preferred over impl for hot operators.
   */
  inline?: (a: string[], argTypes: SqlType[], ret: SqlType) => string;
  /** Called with engine values (non-null when strict). May return null. */
  impl?: (...args: never[]) => unknown;
  /** Whether the result depends on the argument types at run time (impl receives them last). */
  needsTypes?: boolean;
  /**
   * Whether impl reads the running statement (its clock, the session's random generator): it then
   * receives the statement's FunctionContext first, before the arguments.
   */
  needsContext?: boolean;
  /**
   * For variadic functions called with VARIADIC: a NULL array gives NULL (concat), or counts as no
   * arguments ('empty': format).
   */
  nullVariadic?: 'null' | 'empty';
}

/** Vectorized grouped accumulator: one state slot per group id. */
export interface Accumulator {
  /**
   * Whether update() takes fixed-point numeric vectors (common/vector.ts); the others are given
   * their numeric arguments as Decimals.
   */
  readonly fixedInput?: boolean;
  /** Make room for group ids < n. */
  resize(n: number): void;
  /** Add rows i (sel ? sel[k] : k for k < n) to groups gids[k]; args are the argument vectors. */
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void;
  /** Fold another accumulator's group `from` into this one's group `into` (partial aggregation). */
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void;
  /** One value per group 0..n-1. */
  finish(n: number): Vector;
}

export interface AggregateFunction {
  name: string;
  args: ArgSpec[];
  ret: SqlType | ((args: SqlType[]) => SqlType);
  /** Creates an accumulator for the bound argument types and result type. */
  create(argTypes: SqlType[], ret: SqlType, extra?: unknown): Accumulator;
  /** count(*) style: no arguments, counts rows. */
  star?: boolean;
  /** true for aggregates that ignore NULL inputs (all standard ones except count(*)). */
  strict: boolean;
}

export interface WindowFunction {
  name: string;
  args: ArgSpec[];
  ret: SqlType | ((args: SqlType[]) => SqlType);
}

const scalars = new Map<string, ScalarFunction[]>();
const aggregates = new Map<string, AggregateFunction[]>();
const windows = new Map<string, WindowFunction[]>();

export function registerScalar(f: ScalarFunction): void {
  const l = scalars.get(f.name) ?? [];
  l.push(f);
  scalars.set(f.name, l);
}
export function registerAggregate(f: AggregateFunction): void {
  const l = aggregates.get(f.name) ?? [];
  l.push(f);
  aggregates.set(f.name, l);
}
export function registerWindow(f: WindowFunction): void {
  const l = windows.get(f.name) ?? [];
  l.push(f);
  windows.set(f.name, l);
}

export function hasScalar(name: string): boolean { return scalars.has(name); }
/** Every scalar function and aggregate signature (for tests that call each one with hostile arguments). */
export function allSignatures(): { kind: 'scalar' | 'aggregate'; name: string; args: ArgSpec[]; variadic: boolean }[] {
  return [
    ...[...scalars.values()].flat().map((f) => ({ kind: 'scalar' as const, name: f.name, args: f.args, variadic: !!f.variadic })),
    ...[...aggregates.values()].flat().map((f) => ({ kind: 'aggregate' as const, name: f.name, args: f.args, variadic: false })),
  ];
}
export function hasAggregate(name: string): boolean { return aggregates.has(name); }
export function hasWindow(name: string): boolean { return windows.has(name); }

export function returnType<F extends { ret: SqlType | ((a: SqlType[]) => SqlType) }>(f: F, args: SqlType[]): SqlType {
  return typeof f.ret === 'function' ? f.ret(args) : f.ret;
}

export interface Resolved<F> { fn: F; argTypes: SqlType[] }

/**
 * Picks the overload with the cheapest implicit casts, as PostgreSQL's func_select_candidate does
 * in spirit: exact matches first, then preferred types of the same category (text, float8, ...).
 */
function resolve<F extends { args: ArgSpec[]; variadic?: boolean }>(cands: F[] | undefined, args: SqlType[]): Resolved<F> | null {
  if (!cands) return null;
  let best: Resolved<F> | null = null;
  let bestCost = Infinity;
  const knownIds = new Set(args.filter((a) => a.id !== 'unknown').map((a) => a.id as ArgSpec));
  // An untyped literal against timestamp with time zone is read as one (its zone offset applied).
  const tzKnown = args.some(isTimestampTz);
  const viable: SqlType[][] = [];
  for (const f of cands) {
    const n = args.length;
    if (f.variadic ? n < f.args.length - 1 : n !== f.args.length) continue;
    let cost = 0;
    const argTypes: SqlType[] = [];
    let ok = true;
    for (let i = 0; i < n; i++) {
      const spec = i < f.args.length ? f.args[i]! : f.args[f.args.length - 1]!;
      const a = args[i]!;
      // A polymorphic match ranks below any implicit cast (text || text beats anynonarray || text).
      if (spec === 'any') { argTypes.push(a.id === 'unknown' ? T.text : a); cost += 15; continue; }
      if (a.id === spec) { argTypes.push(a); continue; }
      if (a.id === 'unknown') {
        // An untyped literal takes the type of the other known argument if it can (PostgreSQL's
        // rule for binary operators), else text, else the category's preferred type.
        cost += knownIds.has(spec) ? 2 : isText(spec) ? (spec === 'text' ? 1 : 2) : spec === 'float8' || spec === 'timestamp' ? 2.9 : 3;
        argTypes.push(spec === 'timestamp' && tzKnown ? T.timestamptz : typeOf(spec));
        continue;
      }
      if (!canImplicitCast(a.id, spec)) { ok = false; break; }
      // As PostgreSQL's func_select_candidate: casts to the preferred type of a category
      // (double precision, text, timestamp) win; among the others, the nearest type wins.
      const rf = numericRank(a.id), rt = numericRank(spec);
      const preferred = spec === 'float8' || spec === 'text' || spec === 'timestamp';
      cost += preferred ? 10 : 11 + (rf && rt ? (rt - rf) / 100 : 0);
      argTypes.push(typeOf(spec));
    }
    if (!ok) continue;
    viable.push(argTypes);
    if (cost < bestCost) { best = { fn: f, argTypes }; bestCost = cost; }
  }
  // Only untyped arguments: PostgreSQL cannot choose when the candidates span type categories.
  if (best && args.length > 0 && knownIds.size === 0 && viable.length > 1) {
    for (let i = 0; i < args.length; i++) {
      const cats = new Set(viable.map((t) => category(t[i]!.id)));
      if (cats.size > 1 && !cats.has('S')) throw new AmbiguousError((cands[0] as unknown as { name: string }).name, args);
    }
  }
  return best;
}

export function typeOf(id: TypeId): SqlType { return T[id]; }

/** Thrown by resolution when several candidates fit equally well. */
export class AmbiguousError extends QuiverError {
  constructor(name: string, args: SqlType[]) {
    const symbolic = /^[^a-z_]/.test(name);
    const list = args.map((a) => typeName(a));
    super('42725', symbolic
      ? `operator is not unique: ${list.length === 1 ? `${name} ${list[0]}` : `${list[0]} ${name} ${list[1]}`}`
      : `function ${name}(${list.join(', ')}) is not unique`, { hint: `Could not choose a best candidate ${symbolic ? 'operator' : 'function'}. You might need to add explicit type casts.` });
  }
}

export function resolveScalar(name: string, args: SqlType[]): Resolved<ScalarFunction> | null { return resolve(scalars.get(name), args); }
export function resolveAggregate(name: string, args: SqlType[]): Resolved<AggregateFunction> | null { return resolve(aggregates.get(name), args); }
export function resolveWindow(name: string, args: SqlType[]): Resolved<WindowFunction> | null { return resolve(windows.get(name), args); }

/**
 * f(a, b, VARIADIC arr): a variadic function whose fixed arguments take all but the last argument,
 * wrapped so that it receives the array's elements as its variadic arguments. `args` ends with the
 * array's type. Null when no variadic function fits (the caller reports 42883, as PostgreSQL).
 */
export function resolveVariadicScalar(name: string, args: SqlType[]): Resolved<ScalarFunction> | null {
  const arr = args[args.length - 1]!;
  const elem = arr.elem ?? T.text;
  const fixed = args.slice(0, -1);
  for (const f of scalars.get(name) ?? []) {
    if (!f.variadic || !f.impl || f.args.length !== args.length) continue;
    const vspec = f.args[f.args.length - 1]!;
    if (vspec !== 'any' && !canImplicitCast(elem.id, vspec)) continue;
    const argTypes: SqlType[] = [];
    let ok = true;
    for (let i = 0; i < fixed.length; i++) {
      const spec = f.args[i]!, a = fixed[i]!;
      if (spec === 'any') argTypes.push(a.id === 'unknown' ? T.text : a);
      else if (a.id === spec || canImplicitCast(a.id, spec)) argTypes.push(typeOf(spec));
      else { ok = false; break; }
    }
    if (!ok) continue;
    argTypes.push(arr);
    const inner = f.impl as (...xs: unknown[]) => unknown;
    const n = fixed.length;
    const elemType = vspec === 'any' ? elem : typeOf(vspec);
    const wrapped: ScalarFunction = {
      // The array spec keeps this call's expression key apart from f(arr) without VARIADIC.
      name: f.name, args: [...f.args.slice(0, -1), 'array'], ret: f.ret, strict: false, needsTypes: true,
      ...(f.volatile ? { volatile: true } : {}),
      impl: ((...xs: unknown[]) => {
        // xs: the fixed values, the array, then the argument types and the result type.
        const vals = xs.slice(0, n);
        const types = xs[n + 1] as SqlType[];
        const ret = xs[n + 2];
        const list = xs[n] as unknown[] | null;
        if (list === null && f.nullVariadic !== 'empty') return null;
        if (f.strict && vals.some((x) => x === null)) return null;
        const items = list ?? [];
        const all = [...vals, ...items];
        if (f.strict && items.some((x) => x === null)) return null;
        const t = [...types.slice(0, n), ...items.map(() => elemType)];
        return f.needsTypes ? inner(...all, t, ret) : inner(...all);
      }) as (...args: never[]) => unknown,
    };
    return { fn: wrapped, argTypes };
  }
  return null;
}

/**
 * A stable name for a registered function, so a plan can name it to another thread: the name, the
 * position among its overloads (registration order, the same in every thread that imports the same
 * built-ins) and its argument specs, which the receiving side checks. Null for functions that are
 * not in the registry (closures made while binding, such as variadic wrappers).
 */
export interface FunctionKey { kind: 'scalar' | 'aggregate'; name: string; index: number; args: string }

export function functionKey(kind: 'scalar' | 'aggregate', f: ScalarFunction | AggregateFunction): FunctionKey | null {
  const list: readonly (ScalarFunction | AggregateFunction)[] | undefined = kind === 'scalar' ? scalars.get(f.name) : aggregates.get(f.name);
  const index = list ? list.indexOf(f) : -1;
  return index < 0 ? null : { kind, name: f.name, index, args: f.args.join(',') };
}

/** The function a key names, or null when this thread's registry differs. */
export function functionByKey(k: FunctionKey): ScalarFunction | AggregateFunction | null {
  const f = (k.kind === 'scalar' ? scalars.get(k.name) : aggregates.get(k.name))?.[k.index];
  return f && f.args.join(',') === k.args ? f : null;
}
