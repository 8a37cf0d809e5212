/**
 * Binds expression parse nodes: resolves names through the scope chain, picks function and
 * operator overloads, makes implicit casts explicit, and hands aggregates, window calls and
 * subqueries to their collectors.
 */
import type { PgNode } from './parser.js';
import type { Expr, SortKey, WindowFrame, FrameBound, SubqueryExpr } from '../logical/expr.js';
import { mapChildren } from '../logical/expr.js';
import { T, type SqlType, typeName, isText, arrayOf, isJsonAssignmentCast } from '../common/types.js';
import type { ScalarFunction } from '../udf/registry.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { Decimal } from '../common/decimal.js';
import { resolveScalar, resolveAggregate, resolveWindow, returnType, hasAggregate, hasWindow, hasScalar, AmbiguousError, resolveVariadicScalar } from '../udf/registry.js';
import { commonType, commonTypeOf, coerce, coerceMember, isNumberParam, paramNumberTo, sameType } from './coerce.js';
import { resolveTypeName } from './types_parse.js';
import { exprKey } from '../logical/expr_key.js';
import { jsonpathIn } from '../common/jsonpath.js';
import { Scope } from './scope.js';
import { OuterLink, AGG_BASE, WIN_BASE, GROUPING_ID, SRF_BASE, type BindContext, type AggCollector } from './context.js';
import { setFunction } from '../udf/set_functions.js';
import { compileScalarOp } from '../udf/evaluate.js';
import { orderedSetAggregate, percentileFinal, hypotheticalAggregate, hypotheticalFinal, type HypotheticalKind } from '../udf/ordered_set.js';
import type { LogicalPlan } from '../logical/plan.js';
import type { Sequence } from '../catalog/catalog.js';

export interface QueryBinder {
  bindSubquery(stmt: PgNode, ctx: BindContext): { plan: LogicalPlan; names: string[] };
  paramType(index: number, position?: number): SqlType;
  /** Resolves a sequence named by a text literal (nextval('s')), as PostgreSQL's regclass does. */
  sequence(name: string, position?: number): Sequence;
}

const pos = (n: PgNode): { position?: number } => (n && typeof n.location === 'number' && n.location >= 0 ? { position: n.location + 1 } : {});
export function err(code: string, msg: string, node?: PgNode): QuiverError { return new QuiverError(code, msg, node ? pos(node) : {}); }

export function nodeType(n: PgNode): string { return Object.keys(n)[0]!; }

/** The cursor position of the first located node inside a parse subtree (for errors on clauses). */
export function firstPosition(n: unknown): { position?: number } {
  let best = Infinity;
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) { x.forEach(walk); return; }
    const o = x as Record<string, unknown>;
    if (typeof o.location === 'number' && o.location >= 0 && o.location < best) best = o.location;
    for (const v of Object.values(o)) walk(v);
  };
  walk(n);
  return best === Infinity ? {} : { position: best + 1 };
}
export function strVal(n: PgNode): string { return n.String?.sval ?? (n.A_Star ? '*' : ''); }

/** Binds a value of a constant parse node. */
function bindConst(c: PgNode): Expr {
  if (c.isnull) return { kind: 'const', value: null, type: T.unknown };
  if (c.ival !== undefined) return { kind: 'const', value: c.ival.ival ?? 0, type: T.int4 };
  if (c.fval !== undefined) {
    const s: string = c.fval.fval;
    // Integer literals too large for int4 arrive as fval: they are int8, or numeric beyond that.
    if (/^[+-]?\d+$/.test(s)) {
      const b = BigInt(s);
      // As PostgreSQL's make_const: an integer literal that fits int4 (e.g. -2147483648) is int4.
      if (b >= -2147483648n && b <= 2147483647n) return { kind: 'const', value: Number(b), type: T.int4 };
      if (b >= -(2n ** 63n) && b < 2n ** 63n) return { kind: 'const', value: b, type: T.int8 };
    }
    if (/^0[xob]/i.test(s)) return { kind: 'const', value: BigInt(s), type: T.int8 };
    return { kind: 'const', value: Decimal.parse(s), type: T.numeric };
  }
  if (c.sval !== undefined) return { kind: 'const', value: c.sval.sval ?? '', type: T.unknown };
  if (c.boolval !== undefined) return { kind: 'const', value: c.boolval.boolval === true, type: T.bool };
  if (c.bsval !== undefined) throw err(SqlState.featureNotSupported, 'bit string literals are not supported', c);
  return { kind: 'const', value: null, type: T.unknown };
}

export function bindExpr(b: QueryBinder, ctx: BindContext, n: PgNode): Expr {
  const t = nodeType(n);
  const v = n[t];
  switch (t) {
    case 'A_Const': return bindConst(v);
    case 'ColumnRef': return bindColumnRef(ctx, v);
    case 'ParamRef': {
      const idx = ((v.number as number | undefined) ?? 0) - 1;
      return { kind: 'param', index: idx, type: b.paramType(idx, pos(v).position) };
    }
    case 'TypeCast': {
      const target = resolveTypeName(v.typeName);
      if (v.arg.A_ArrayExpr && target.id === 'array') return bindArrayLiteral(b, ctx, v.arg.A_ArrayExpr, target.elem!);
      const arg = bindExpr(b, ctx, v.arg);
      return checkPathLiterals(castTo(arg, target, true, v), [v.arg]);
    }
    case 'A_Expr': return bindAExpr(b, ctx, v);
    case 'BoolExpr': {
      const args = (v.args as PgNode[]).map((a) => requireBool(bindExpr(b, ctx, a), v.boolop === 'NOT_EXPR' ? 'NOT' : v.boolop === 'AND_EXPR' ? 'AND' : 'OR', a));
      if (v.boolop === 'NOT_EXPR') return { kind: 'not', arg: args[0]!, type: T.bool };
      return { kind: v.boolop === 'AND_EXPR' ? 'and' : 'or', args, type: T.bool };
    }
    case 'NullTest': {
      const arg = bindExpr(b, ctx, v.arg);
      return { kind: 'isnull', arg, negated: v.nulltesttype === 'IS_NOT_NULL', type: T.bool };
    }
    case 'BooleanTest': {
      const arg = requireBool(bindExpr(b, ctx, v.arg), 'IS', v.arg);
      const bt: string = v.booltesttype;
      if (bt === 'IS_UNKNOWN' || bt === 'IS_NOT_UNKNOWN') return { kind: 'isnull', arg, negated: bt === 'IS_NOT_UNKNOWN', type: T.bool };
      return { kind: 'isbool', arg, test: bt.includes('TRUE') ? 'true' : 'false', negated: bt.startsWith('IS_NOT'), type: T.bool };
    }
    case 'CaseExpr': return bindCase(b, ctx, v);
    case 'CoalesceExpr': {
      const args = (v.args as PgNode[]).map((a) => bindExpr(b, ctx, a));
      const ty = commonTypeOf(args, 'COALESCE', pos(v).position);
      return { kind: 'coalesce', args: args.map((a) => coerceMember(a, ty)), type: ty };
    }
    case 'MinMaxExpr': {
      const args = (v.args as PgNode[]).map((a) => bindExpr(b, ctx, a));
      const ty = commonTypeOf(args, v.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST', pos(v).position);
      const cmp = resolveScalar('<', [ty, ty]);
      if (!cmp) throw err(SqlState.undefinedFunction, `could not identify a comparison function for type ${typeName(ty)}`, v);
      return { kind: v.op === 'IS_GREATEST' ? 'greatest' : 'least', args: args.map((a) => coerceMember(a, ty)), cmp: cmp.fn, type: ty };
    }
    case 'FuncCall': return bindFuncCall(b, ctx, v);
    case 'SubLink': return bindSubLink(b, ctx, v);
    case 'SQLValueFunction': return bindSqlValueFunction(v);
    case 'CollateClause': return bindExpr(b, ctx, v.arg);
    case 'GroupingFunc': {
      const up = bindAtOuterLevel(b, ctx, n, v.args ?? []);
      if (up) return up;
      if (!ctx.aggs) throw err(SqlState.groupingError, 'arguments to GROUPING must be grouping expressions of the associated query level', v);
      const args = (v.args as PgNode[]).map((a) => bindExpr(b, ctx, a));
      ctx.aggs.grouping = true;
      // Resolved against the grouping keys once they are known (see bind_select).
      return { kind: 'call', fn: groupingFn, args: [{ kind: 'col', index: GROUPING_ID, type: T.int4 }, ...args], type: T.int4 };
    }
    case 'A_ArrayExpr': return bindArrayLiteral(b, ctx, v, null);
    case 'RowExpr':
      throw err(SqlState.featureNotSupported, 'row constructors are not supported', v);
    case 'A_Indirection':
      throw err(SqlState.featureNotSupported, 'subscripts and field selection are not supported', v);
    case 'SetToDefault':
      throw err(SqlState.featureNotSupported, 'DEFAULT is not allowed in this context', v);
    default:
      throw err(SqlState.featureNotSupported, `unsupported expression: ${t}`, v);
  }
}

/** Placeholder carrying GROUPING() arguments until the grouping keys are known. */
export const groupingFn = { name: 'grouping', args: [], ret: T.int4, strict: false } as const satisfies import('../udf/registry.js').ScalarFunction;

const arrayCtor: ScalarFunction = {
  name: 'array', args: ['any'], variadic: true, ret: T.array, strict: false, needsTypes: true,
  // Generated comparisons may yield 0/1: boolean elements are stored as booleans.
  impl: ((...xs: unknown[]) => {
    const ret = xs[xs.length - 1] as SqlType;
    const vals = xs.slice(0, xs.length - 2);
    return ret.elem?.id === 'bool' ? vals.map((v) => (v === null ? null : !!v)) : vals;
  }) as (...args: never[]) => unknown,
};

/** ARRAY[a, b, ...]: the elements take their common type (or the type of a cast around it). */
function bindArrayLiteral(b: QueryBinder, ctx: BindContext, v: PgNode, elem: SqlType | null): Expr {
  const items = ((v.elements ?? []) as PgNode[]).map((e) => bindExpr(b, ctx, e));
  if (items.some((x) => x.type.id === 'array')) throw err(SqlState.featureNotSupported, 'multidimensional arrays are not supported', v);
  if (!elem && items.length === 0) throw err('42P18', 'cannot determine type of empty array', v);
  const et = elem ?? commonTypeOf(items, 'ARRAY', pos(v).position);
  const t = arrayOf(et.id === 'unknown' ? T.text : et);
  return { kind: 'call', fn: arrayCtor, args: items.map((x) => (elem ? castTo(x, t.elem!, true) : coerceMember(x, t.elem!))), type: t };
}

function bindSqlValueFunction(v: PgNode): Expr {
  const op: string = v.op;
  const call = (name: string): Expr => {
    const r = resolveScalar(name, []);
    if (!r) throw err(SqlState.undefinedFunction, `function ${name}() does not exist`, v);
    return { kind: 'call', fn: r.fn, args: [], type: returnType(r.fn, []) };
  };
  switch (op) {
    case 'SVFOP_CURRENT_DATE': return { kind: 'cast', arg: call('now'), type: T.date, explicit: true };
    case 'SVFOP_CURRENT_TIMESTAMP': case 'SVFOP_CURRENT_TIMESTAMP_N':
      return call('now');
    case 'SVFOP_LOCALTIMESTAMP': case 'SVFOP_LOCALTIMESTAMP_N':
      return call('localtimestamp');
    case 'SVFOP_CURRENT_USER': case 'SVFOP_USER': case 'SVFOP_SESSION_USER': case 'SVFOP_CURRENT_ROLE':
      return { kind: 'const', value: 'quiver', type: T.text };
    case 'SVFOP_CURRENT_CATALOG': return { kind: 'const', value: 'quiver', type: T.text };
    case 'SVFOP_CURRENT_SCHEMA': return { kind: 'const', value: 'public', type: T.text };
    default: throw err(SqlState.featureNotSupported, `${op.replace('SVFOP_', '').toLowerCase()} is not supported`, v);
  }
}

export function requireBool(e: Expr, what: string, node?: PgNode): Expr {
  if (e.type.id === 'bool') return e;
  if (e.type.id === 'unknown') return coerce(e, T.bool);
  throw err(SqlState.datatypeMismatch, `argument of ${what} must be type boolean, not type ${typeName(e.type)}`, node);
}

export function castTo(arg: Expr, target: SqlType, explicit: boolean, node?: PgNode): Expr {
  if (arg.kind === 'const' && arg.value === null) return { kind: 'const', value: null, type: target };
  const viaText = paramNumberTo(arg, target, explicit);
  if (viaText) return viaText;
  const from = arg.type;
  if (!explicit && from.id !== 'unknown') {
    // Implicit contexts allow only implicit casts.
  }
  if (!castAllowed(from, target)) {
    throw err(SqlState.cannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(target)}`, node);
  }
  return { kind: 'cast', arg, type: target, explicit };
}

function castAllowed(from: SqlType, to: SqlType): boolean {
  const f = from.id, t = to.id;
  if (f === t || f === 'unknown' || isText(f) || isText(t)) return true;
  const num = (x: string): boolean => ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].includes(x);
  if (num(f) && num(t)) return true;
  if (f === 'bool' && (t === 'int4' || t === 'int2' || t === 'int8')) return true;
  if ((f === 'int4' || f === 'int2' || f === 'int8') && t === 'bool') return true;
  if ((f === 'date' && t === 'timestamp') || (f === 'timestamp' && t === 'date')) return true;
  if (isJsonAssignmentCast(f, t)) return true;
  if (f === 'jsonb' && (t === 'bool' || num(t))) return true;
  return false;
}

function bindColumnRef(ctx: BindContext, v: PgNode): Expr {
  const fields: PgNode[] = v.fields;
  const names = fields.map(strVal);
  if (names[names.length - 1] === '*') throw err(SqlState.syntaxError, 'a "*" is not allowed here', v);
  let table: string | null = null, name: string, schema: string | null = null;
  if (names.length === 1) name = names[0]!;
  else if (names.length === 2) { table = names[0]!; name = names[1]!; }
  else if (names.length === 3) { schema = names[0]!; table = names[1]!; name = names[2]!; }
  else throw err(SqlState.syntaxError, `improper qualified name (too many dotted names): ${names.join('.')}`, v);
  return resolveColumn(ctx, table, name, v, schema);
}

export function resolveColumn(ctx: BindContext, table: string | null, name: string, node: PgNode, schema: string | null = null): Expr {
  const c = ctx.scope.find(name, table, pos(node).position, schema === 'main' ? 'public' : schema);
  if (c) return c.expr;
  if (ctx.outer) {
    let inParent: Expr | null = null;
    try {
      inParent = resolveColumn(ctx.outer.parent, table, name, node, schema);
    } catch (e) {
      if (!(e instanceof QuiverError) || (e.code !== SqlState.undefinedColumn && e.code !== SqlState.undefinedTable)) throw e;
    }
    if (inParent) return { kind: 'outer', slot: ctx.outer.slot(inParent), type: inParent.type };
  }
  if (table !== null && (schema !== null || (!ctx.scope.hasTable(table) && !outerHasTable(ctx, table)))) {
    const sch = schema === 'main' ? 'public' : schema;
    for (let c: BindContext | null = ctx; c; c = c.outer?.parent ?? null) {
      const hidden = c.scope.hiddenTable(table, sch);
      if (hidden) throw new QuiverError(SqlState.undefinedTable, `invalid reference to FROM-clause entry for table "${table}"`, { ...pos(node), ...hidden });
    }
    throw err(SqlState.undefinedTable, `missing FROM-clause entry for table "${table}"`, node);
  }
  const q = table ? `${table}.${name}` : name;
  throw err(SqlState.undefinedColumn, `column ${table ? q : `"${name}"`} does not exist`, node);
}

function outerHasTable(ctx: BindContext, table: string): boolean {
  for (let o = ctx.outer; o; o = o.parent.outer) if (o.parent.scope.hasTable(table)) return true;
  return false;
}

/** Resolves a binary or unary operator by name, coercing the operands to the chosen overload. */
/**
 * jsonpath literals are read when the statement is bound, so that a syntax error in one points at
 * it, as PostgreSQL's does (its input function runs while parsing). `nodes` are the parse nodes of
 * e's arguments (of e itself for a cast).
 */
function checkPathLiterals<E extends Expr | Expr[]>(e: E, nodes: (PgNode | undefined)[]): E {
  const v = e as Expr | Expr[];
  const args = Array.isArray(v) ? v : v.kind === 'call' ? v.args : v.kind === 'cast' ? [v] : [];
  args.forEach((a, i) => {
    if (a.kind !== 'cast' || a.type.id !== 'jsonpath' || a.arg.kind !== 'const' || typeof a.arg.value !== 'string') return;
    try {
      jsonpathIn(a.arg.value);
    } catch (x) {
      if (x instanceof QuiverError) x.position ??= firstPosition(nodes[i]).position;
      throw x;
    }
  });
  return e;
}

export function bindOperator(op: string, args: Expr[], node?: PgNode): Expr {
  args = numberParamAsOperand(op, args);
  let r;
  try {
    r = resolveScalar(op, args.map((a) => a.type));
  } catch (e) {
    if (e instanceof AmbiguousError && node) e.position ??= pos(node).position;
    throw e;
  }
  if (!r) {
    const desc = args.length === 1 ? `${op} ${typeName(args[0]!.type)}` : `${typeName(args[0]!.type)} ${op} ${typeName(args[1]!.type)}`;
    throw new QuiverError(SqlState.undefinedFunction, `operator does not exist: ${desc}`, { ...(node ? pos(node) : {}), hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.' });
  }
  const cargs = args.map((a, i) => (r.fn.args[i] === 'any' ? coerceAny(a) : coerce(a, r.argTypes[i]!)));
  return { kind: 'call', fn: r.fn, args: cargs, type: returnType(r.fn, cargs.map((a) => a.type)) };
}

/**
 * A number parameter beside an operand of a known type is read as that type, as PostgreSQL reads
 * the text a client sends for an untyped parameter there (`smallint_col = $1`, `real_col = $1`,
 * `int_col + $1`): when the operator exists for that type on both sides. Otherwise (no such
 * operator, as for date + date) the parameter keeps the type its JavaScript value gives it.
 */
function numberParamAsOperand(op: string, args: Expr[]): Expr[] {
  if (args.length !== 2) return args;
  const k = isNumberParam(args[0]!) ? 0 : isNumberParam(args[1]!) ? 1 : -1;
  if (k < 0) return args;
  // The operand's type without its length or precision: numeric(10,2) = $1 reads a numeric.
  const known = args[1 - k]!.type;
  const other = known.id === 'numeric' || known.id === 'varchar' || known.id === 'bpchar' ? T[known.id] : known;
  if (other.id === 'unknown' || isNumberParam(args[1 - k]!) || sameType(other, args[k]!.type)) return args;
  let r;
  try {
    r = resolveScalar(op, [other, other]);
  } catch (e) {
    if (e instanceof AmbiguousError) return args;
    throw e;
  }
  if (!r || r.fn.args[0] === 'any' || r.fn.args[1] === 'any') return args;
  const read = paramNumberTo(args[k]!, other, false);
  if (!read) return args;
  const out = [...args];
  out[k] = read;
  return out;
}

function coerceAny(a: Expr): Expr { return a.type.id === 'unknown' ? coerce(a, T.text) : a; }

function bindAExpr(b: QueryBinder, ctx: BindContext, v: PgNode): Expr {
  const kind: string = v.kind;
  const opName = (v.name as PgNode[] | undefined)?.map(strVal).pop() ?? '';
  switch (kind) {
    case 'AEXPR_OP': {
      if (!v.lexpr) return bindOperator(opName, [bindExpr(b, ctx, v.rexpr)], v);
      return checkPathLiterals(bindOperator(opName, [bindExpr(b, ctx, v.lexpr), bindExpr(b, ctx, v.rexpr)], v), [v.lexpr, v.rexpr]);
    }
    case 'AEXPR_LIKE': case 'AEXPR_ILIKE': {
      const l = bindExpr(b, ctx, v.lexpr);
      const r = v.rexpr;
      // LIKE ... ESCAPE 'x' arrives as like_escape(pattern, escape).
      if (r.FuncCall && strVal(r.FuncCall.funcname[r.FuncCall.funcname.length - 1]) === 'like_escape') {
        const args = r.FuncCall.args as PgNode[];
        const pat = bindExpr(b, ctx, args[0]!), esc = bindExpr(b, ctx, args[1]!);
        const ci = kind === 'AEXPR_ILIKE';
        const neg = opName.startsWith('!');
        const fn = { name: ci ? 'ilike_escape' : 'like_escape', args: ['text', 'text', 'text'] as const, ret: T.bool, strict: true,
          inline: ([a, p, e]: string[]) => `(${neg ? '!' : ''}H.${ci ? 'ilikeEsc' : 'likeEsc'}(${a},${p},${e}))` };
        return { kind: 'call', fn: { ...fn, args: [...fn.args] }, args: [coerce(l, T.text), coerce(pat, T.text), coerce(esc, T.text)], type: T.bool };
      }
      return bindOperator(opName, [l, bindExpr(b, ctx, r)], v);
    }
    // x SIMILAR TO p ESCAPE e arrives as x ~ similar_to_escape(p, e) (or !~ for NOT SIMILAR TO).
    case 'AEXPR_SIMILAR':
      return bindOperator(opName, [bindExpr(b, ctx, v.lexpr), bindExpr(b, ctx, v.rexpr)], v);
    case 'AEXPR_DISTINCT': case 'AEXPR_NOT_DISTINCT': {
      const l = bindExpr(b, ctx, v.lexpr), r = bindExpr(b, ctx, v.rexpr);
      const eq = bindOperator('=', [l, r], v);
      // IS DISTINCT FROM: nulls compare as values.
      const [a, c] = (eq as { args: Expr[] }).args as [Expr, Expr];
      const an: Expr = { kind: 'isnull', arg: a, negated: false, type: T.bool };
      const cn: Expr = { kind: 'isnull', arg: c, negated: false, type: T.bool };
      const notDistinct: Expr = {
        kind: 'case', type: T.bool,
        whens: [
          { cond: { kind: 'and', args: [an, cn], type: T.bool }, result: { kind: 'const', value: true, type: T.bool } },
          { cond: { kind: 'or', args: [an, cn], type: T.bool }, result: { kind: 'const', value: false, type: T.bool } },
        ],
        otherwise: eq,
      };
      return kind === 'AEXPR_NOT_DISTINCT' ? notDistinct : { kind: 'not', arg: notDistinct, type: T.bool };
    }
    case 'AEXPR_NULLIF': {
      const l = bindExpr(b, ctx, v.lexpr), r = bindExpr(b, ctx, v.rexpr);
      const eq = bindOperator('=', [l, r], v);
      // The result has the type the comparison resolved its left operand to (NULLIF(1, 2.2) is numeric).
      const ty = (eq as { args: Expr[] }).args[0]!.type;
      return { kind: 'case', whens: [{ cond: eq, result: { kind: 'const', value: null, type: ty } }], otherwise: coerce(l, ty), type: ty };
    }
    case 'AEXPR_IN': {
      const l = bindExpr(b, ctx, v.lexpr);
      const items = (v.rexpr.List?.items ?? v.rexpr) as PgNode[];
      const list = (Array.isArray(items) ? items : [items]).map((x) => bindExpr(b, ctx, x));
      const ty = commonTypeOf([l, ...list], 'IN', pos(v).position);
      const eqr = resolveScalar('=', [ty, ty]);
      if (!eqr) throw err(SqlState.undefinedFunction, `operator does not exist: ${typeName(ty)} = ${typeName(ty)}`, v);
      return { kind: 'inlist', arg: coerceMember(l, ty), list: list.map((x) => coerceMember(x, ty)), eq: eqr.fn, negated: opName === '<>', type: T.bool };
    }
    case 'AEXPR_BETWEEN': case 'AEXPR_NOT_BETWEEN': case 'AEXPR_BETWEEN_SYM': case 'AEXPR_NOT_BETWEEN_SYM': {
      const x = bindExpr(b, ctx, v.lexpr);
      const [lo, hi] = (v.rexpr.List?.items ?? v.rexpr) as PgNode[];
      const loE = bindExpr(b, ctx, lo!), hiE = bindExpr(b, ctx, hi!);
      const between = (a: Expr, c: Expr): Expr => ({ kind: 'and', args: [bindOperator('>=', [x, a], v), bindOperator('<=', [x, c], v)], type: T.bool });
      let e = between(loE, hiE);
      if (kind.endsWith('_SYM')) e = { kind: 'or', args: [e, between(hiE, loE)], type: T.bool };
      return kind.includes('NOT') ? { kind: 'not', arg: e, type: T.bool } : e;
    }
    case 'AEXPR_OP_ANY': case 'AEXPR_OP_ALL': {
      // x = ANY(ARRAY[...]) behaves as an IN list over the array's elements.
      const arr = v.rexpr.A_ArrayExpr;
      if (!arr) return bindAnyArray(b, ctx, v, opName, kind === 'AEXPR_OP_ALL');
      const l = bindExpr(b, ctx, v.lexpr);
      const terms = ((arr.elements ?? []) as PgNode[]).map((el) => bindOperator(opName, [l, bindExpr(b, ctx, el)], v));
      if (terms.length === 0) return { kind: 'const', value: kind === 'AEXPR_OP_ALL', type: T.bool };
      return { kind: kind === 'AEXPR_OP_ANY' ? 'or' : 'and', args: terms, type: T.bool };
    }
    default:
      throw err(SqlState.featureNotSupported, `unsupported operator form ${kind}`, v);
  }
}

/**
 * x op ANY (array) / x op ALL (array) over an array value: the comparison resolves for the element
 * type, then runs per element with SQL's three-valued OR (AND for ALL).
 */
function bindAnyArray(b: QueryBinder, ctx: BindContext, v: PgNode, op: string, all: boolean): Expr {
  const l = bindExpr(b, ctx, v.lexpr);
  let arr = bindExpr(b, ctx, v.rexpr);
  if (arr.type.id === 'unknown') arr = castTo(arr, arrayOf(l.type.id === 'unknown' ? T.text : l.type), false, v.rexpr);
  if (arr.type.id !== 'array') throw err(SqlState.datatypeMismatch, `op ANY/ALL (array) requires array on right side`, v);
  const cmp = bindOperator(op, [l, { kind: 'col', index: 0, type: arr.type.elem! }], v) as Extract<Expr, { kind: 'call' }>;
  const probe = compileScalarOp(cmp.fn, cmp.args[0]!.type, cmp.args[1]!.type);
  const fn: ScalarFunction = {
    name: all ? 'all' : 'any', args: ['any', 'array'], ret: T.bool, strict: false,
    impl: ((x: unknown, a: unknown[] | null) => {
      if (a === null) return null;
      if (a.length === 0) return all;
      let sawNull = false;
      for (const y of a) {
        const r = x === null || y === null ? null : probe(x, y);
        if (r === null) sawNull = true;
        else if (r !== all) return r;
      }
      return sawNull ? null : all;
    }) as (...args: never[]) => unknown,
  };
  const elemArr = cmp.args[1]!.type.id === arr.type.elem!.id ? arr : castTo(arr, arrayOf(cmp.args[1]!.type), false);
  return { kind: 'call', fn, args: [cmp.args[0]!, elemArr], type: T.bool };
}

function bindCase(b: QueryBinder, ctx: BindContext, v: PgNode): Expr {
  const operand = v.arg ? bindExpr(b, ctx, v.arg) : null;
  const whens: { cond: Expr; result: Expr }[] = [];
  for (const w of v.args as PgNode[]) {
    const cw = w.CaseWhen;
    let cond = bindExpr(b, ctx, cw.expr);
    cond = operand ? bindOperator('=', [operand, cond], cw) : requireBool(cond, 'CASE/WHEN', cw.expr);
    whens.push({ cond, result: bindExpr(b, ctx, cw.result) });
  }
  const otherwise = v.defresult ? bindExpr(b, ctx, v.defresult) : null;
  // PostgreSQL considers the ELSE result first, which decides the order types appear in errors.
  const ty = commonTypeOf([...(otherwise ? [otherwise] : []), ...whens.map((w) => w.result)], 'CASE', pos(v).position);
  return {
    kind: 'case', type: ty,
    whens: whens.map((w) => ({ cond: w.cond, result: coerceMember(w.result, ty) })),
    otherwise: otherwise ? coerceMember(otherwise, ty) : null,
  };
}

function funcName(v: PgNode): string {
  const parts = (v.funcname as PgNode[]).map(strVal);
  const name = parts[parts.length - 1]!.toLowerCase();
  if (parts.length > 1 && !['pg_catalog', 'public', 'main'].includes(parts[0]!)) {
    throw err(SqlState.undefinedFunction, `function ${parts.join('.')} does not exist`, v);
  }
  return name;
}

const SQL_SYNTAX_RENAMES: Record<string, string> = { ceiling: 'ceil', character_length: 'length', char_length: 'length', pow: 'power', substr: 'substring', every: 'bool_and', stddev: 'stddev_samp', variance: 'var_samp', strpos: 'position' };

function bindFuncCall(b: QueryBinder, ctx: BindContext, v: PgNode): Expr {
  let name = funcName(v);
  const argNodes: PgNode[] = v.args ?? [];
  if (name === 'strpos') {
    // strpos(string, sub) is position(sub IN string), which the parser already swaps into (string, sub).
  }
  if (v.over) return bindWindowCall(b, ctx, v, name);
  if (v.agg_within_group) {
    // The direct arguments do not decide an ordered-set aggregate's level (as in PostgreSQL).
    const up = bindAtOuterLevel(b, ctx, { FuncCall: v }, [...aggOrderNodes(v), ...(v.agg_filter ? [v.agg_filter] : [])], v.args ?? []);
    return up ?? bindOrderedSet(b, ctx, v, name);
  }
  if (hasAggregate(name) || v.agg_star) {
    if (!hasAggregate(name)) throw err(SqlState.undefinedFunction, `function ${name}(*) does not exist`, v);
    const args = ((v.args ?? []) as PgNode[]).flatMap((a) => (a.RowExpr ? (a.RowExpr.args ?? []) as PgNode[] : [a]));
    const up = bindAtOuterLevel(b, ctx, { FuncCall: v }, [...args, ...aggOrderNodes(v), ...(v.agg_filter ? [v.agg_filter] : [])]);
    return up ?? bindAggregate(b, ctx, v, name);
  }
  if (v.agg_distinct || v.agg_filter || v.agg_order) {
    throw err(SqlState.syntaxError, `${v.agg_filter ? 'FILTER' : 'DISTINCT or ORDER BY'} specified, but ${name} is not an aggregate function`, v);
  }
  if (hasWindow(name)) throw err(SqlState.windowingError, `window function ${name} requires an OVER clause`, v);
  if (name === 'nextval' || name === 'currval' || name === 'setval') return bindSequenceCall(b, ctx, v, name, argNodes);
  if (setFunction(name)) {
    if (!ctx.srfs) throw err(SqlState.featureNotSupported, `set-returning functions are not allowed in ${ctx.clause}`, v);
    const bound = bindSetFunctionCall(b, { ...ctx, srfs: null, clause: 'arguments of set-returning functions' }, v, name)!;
    const k = ctx.srfs.add(name, bound.args, bound.ret);
    return { kind: 'col', index: SRF_BASE + k, type: bound.ret };
  }
  const args = argNodes.map((a) => bindExpr(b, ctx, a));
  if (name === 'substring' && args.length === 3 && argNodes[2] && v.funcformat === 'COERCE_SQL_SYNTAX') {
    // substring(x FROM a FOR b) arrives as substring(x, a, b)
  }
  if (v.func_variadic) return bindVariadicCall(name, args, v);
  let r;
  try {
    r = resolveScalar(name, args.map((a) => a.type)) ?? (SQL_SYNTAX_RENAMES[name] ? resolveScalar((name = SQL_SYNTAX_RENAMES[name]!), args.map((a) => a.type)) : null);
  } catch (e) {
    if (e instanceof AmbiguousError) e.position ??= pos(v).position;
    throw e;
  }
  if (!r) {
    const sig = `${name}(${args.map((a) => typeName(a.type)).join(', ')})`;
    throw new QuiverError(SqlState.undefinedFunction, `function ${sig} does not exist`, { ...pos(v), hint: hasScalar(name) ? 'No function matches the given name and argument types. You might need to add explicit type casts.' : undefined });
  }
  const cargs = args.map((a, i) => {
    const spec = i < r.fn.args.length ? r.fn.args[i] : r.fn.args[r.fn.args.length - 1];
    return spec === 'any' ? coerceAny(a) : coerce(a, r.argTypes[i]!);
  });
  return checkPathLiterals({ kind: 'call', fn: r.fn, args: cargs, type: returnType(r.fn, cargs.map((a) => a.type)) }, argNodes);
}

/** f(..., VARIADIC arr): only variadic functions, the array's elements as the variadic arguments. */
function bindVariadicCall(name: string, args: Expr[], v: PgNode): Expr {
  const last = args[args.length - 1]!;
  if (last.type.id !== 'array') {
    throw err(SqlState.datatypeMismatch, 'VARIADIC argument must be an array', (v.args as PgNode[])[args.length - 1]);
  }
  const r = resolveVariadicScalar(name, args.map((a) => a.type));
  if (!r) {
    const sig = `${name}(${args.map((a) => typeName(a.type)).join(', ')})`;
    throw new QuiverError(SqlState.undefinedFunction, `function ${sig} does not exist`, { ...pos(v), hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
  }
  const cargs = args.map((a, i) => (i === args.length - 1 ? a : r.fn.args[i] === 'any' ? coerceAny(a) : coerce(a, r.argTypes[i]!)));
  return { kind: 'call', fn: r.fn, args: cargs, type: returnType(r.fn, cargs.map((a) => a.type)) };
}

/** Binds the arguments of a set-returning function call (in FROM or a select list). */
export function bindSetFunctionCall(b: QueryBinder, ctx: BindContext, call: PgNode, name: string): { args: Expr[]; ret: SqlType; columns?: { name: string; type: SqlType }[] } | null {
  const f = setFunction(name);
  if (!f) return null;
  const argNodes: PgNode[] = call.args ?? [];
  const args = argNodes.map((a) => bindExpr(b, ctx, a));
  const r = f.resolve(args.map((a) => a.type));
  if (!r) throw err(SqlState.undefinedFunction, `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`, call);
  return { args: checkPathLiterals(args.map((a, i) => coerce(a, r.args[i]!)), argNodes), ret: r.ret, ...(r.columns ? { columns: r.columns } : {}) };
}

function bindSequenceCall(b: QueryBinder, ctx: BindContext, v: PgNode, name: string, argNodes: PgNode[]): Expr {
  const first = argNodes[0] ? bindExpr(b, ctx, argNodes[0]) : null;
  if (!first || first.kind !== 'const' || typeof first.value !== 'string' || argNodes.length !== (name === 'setval' ? 2 : 1)) {
    throw err(SqlState.undefinedFunction, `function ${name} expects a sequence name literal${name === 'setval' ? ' and a value' : ''}`, v);
  }
  const seq = b.sequence(first.value, pos(v).position);
  if (name === 'setval') {
    const val = coerce(bindExpr(b, ctx, argNodes[1]), T.int8);
    const fn = { name, args: ['int8' as const], ret: T.int8, strict: true, volatile: true, impl: (x: bigint) => { seq.current = x; seq.next = x + seq.increment; return x; } };
    return { kind: 'call', fn, args: [val], type: T.int8 };
  }
  const fn = name === 'nextval'
    ? { name, args: [], ret: T.int8, strict: false, volatile: true, impl: () => { const x = seq.next; seq.current = x; seq.next = x + seq.increment; return x; } }
    : { name, args: [], ret: T.int8, strict: false, volatile: true, impl: () => {
      if (seq.current === null) throw new QuiverError('55000', `currval of sequence "${seq.name}" is not yet defined in this session`);
      return seq.current;
    } };
  return { kind: 'call', fn, args: [], type: T.int8 };
}

export function bindSortBy(b: QueryBinder, ctx: BindContext, s: PgNode, bindItem: (n: PgNode) => Expr = (n) => bindExpr(b, ctx, n)): SortKey {
  const expr = bindItem(s.node);
  let desc = s.sortby_dir === 'SORTBY_DESC';
  if (s.useOp) desc = usingDescending(s, expr);
  const nullsFirst = s.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : s.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
  return { expr: expr.type.id === 'unknown' ? coerce(expr, T.text) : expr, desc, nullsFirst };
}

/**
 * ORDER BY x USING op: '<' sorts ascending and '>' descending (NULLS LAST and FIRST by default, as
 * with ASC and DESC); ~<~ and ~>~ are text's byte-order operators, which is how text sorts here.
 * Any other operator is not an ordering operator.
 */
function usingDescending(s: PgNode, expr: Expr): boolean {
  const op = strVal((s.useOp as PgNode[])[(s.useOp as PgNode[]).length - 1]!);
  if ((op === '~<~' || op === '~>~') && !['text', 'varchar', 'bpchar', 'unknown'].includes(expr.type.id)) {
    const t = typeName(expr.type);
    throw err(SqlState.undefinedFunction, `operator does not exist: ${t} ${op} ${t}`, s);
  }
  if (op === '<' || op === '~<~') return false;
  if (op === '>' || op === '~>~') return true;
  throw new QuiverError(SqlState.wrongObjectType, `operator ${op} is not a valid ordering operator`, {
    hint: 'Ordering operators must be "<" or ">" members of btree operator families.',
  });
}

function aggOrderNodes(v: PgNode): PgNode[] {
  return ((v.agg_order ?? []) as PgNode[]).map((s) => s.SortBy.node as PgNode);
}

/**
 * The query level an aggregate or GROUPING() belongs to, as PostgreSQL decides it: the level of
 * the innermost query whose columns its arguments (FILTER and ORDER BY included) reference. One
 * that reads only an enclosing query's columns is that query's aggregate, and a constant here:
 * `(SELECT max(o.x))` aggregates the outer rows. Returns the call bound at its own level and seen
 * from here as an outer value, or null when it belongs to this level.
 */
function bindAtOuterLevel(b: QueryBinder, ctx: BindContext, node: PgNode, parts: PgNode[], direct: PgNode[] = []): Expr | null {
  if (!ctx.outer || parts.length === 0) return null;
  // The parts are bound only to see which levels they reach: the outer slots this adds are undone.
  const links: OuterLink[] = [];
  for (let o: OuterLink | null = ctx.outer; o; o = o.parent.outer) links.push(o);
  const marks = links.map((l) => l.args.length);
  let level = Infinity, directLevel = Infinity;
  try {
    const inner: BindContext = { ...ctx, aggs: null, windows: null, srfs: null, clause: 'aggregate function calls' };
    for (const p of parts) level = Math.min(level, varLevel(ctx, bindExpr(b, inner, p)));
    for (const p of direct) directLevel = Math.min(directLevel, varLevel(ctx, bindExpr(b, inner, p)));
  } catch (e) {
    // The binding at this level reports the error.
    if (e instanceof QuiverError) return null;
    throw e;
  } finally {
    links.forEach((l, i) => l.reset(marks[i]!));
  }
  if (level === Infinity || level === 0) return null;
  if (directLevel < level) throw err(SqlState.groupingError, 'outer-level aggregate cannot contain a lower-level variable in its direct arguments', node.FuncCall ?? node);
  const up = bindExpr(b, ctx.outer.parent, node);
  return { kind: 'outer', slot: ctx.outer.slot(up), type: up.type };
}

/** The fewest levels up a column that `e` reads lies (0: this query's own), Infinity for none. */
function varLevel(ctx: BindContext, e: Expr): number {
  let min = Infinity;
  const walk = (x: Expr): Expr => {
    // An aggregate inside the arguments counts at its own level (so one of the same level is
    // reported as nested, as PostgreSQL does); window and GROUPING() placeholders do not count.
    if (x.kind === 'col') { if (x.index < WIN_BASE) min = 0; return x; }
    if (x.kind === 'outer') {
      const link = ctx.outer;
      if (link) min = Math.min(min, 1 + varLevel(link.parent, link.args[x.slot]!));
      return x;
    }
    return mapChildren(x, walk);
  };
  walk(e);
  return min;
}

/**
 * percentile_cont / percentile_disc / mode ... WITHIN GROUP (ORDER BY x). The aggregate gets x as
 * its argument and sorts each group's values itself; a percentile's fraction (a direct argument)
 * is bound outside it, as PostgreSQL evaluates it: once per group, from grouped columns only.
 */
function bindOrderedSet(b: QueryBinder, ctx: BindContext, v: PgNode, name: string): Expr {
  const hypothetical = name === 'rank' || name === 'dense_rank' || name === 'percent_rank' || name === 'cume_dist';
  if (name !== 'percentile_cont' && name !== 'percentile_disc' && name !== 'mode' && !hypothetical) {
    throw err(SqlState.undefinedFunction, `function ${name} is not an ordered-set aggregate`, v);
  }
  if (!ctx.aggs) {
    if (ctx.clause === 'aggregate function calls') throw err(SqlState.groupingError, 'aggregate function calls cannot be nested', v);
    throw err(SqlState.groupingError, `aggregate functions are not allowed in ${ctx.clause}`, v);
  }
  const inner: BindContext = { ...ctx, aggs: null, windows: null, srfs: null, clause: 'aggregate function calls' };
  if (hypothetical) return bindHypothetical(b, ctx.aggs, inner, v, name);
  const order = (v.agg_order ?? []) as PgNode[];
  if (order.length !== 1) throw err(SqlState.featureNotSupported, `${name} takes exactly one ORDER BY expression`, v);
  const key = bindSortBy(b, inner, order[0].SortBy);
  const args = ((v.args ?? []) as PgNode[]).map((a) => bindExpr(b, inner, a));
  if (args.length !== (name === 'mode' ? 0 : 1)) throw err(SqlState.undefinedFunction, `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`, v);
  let value = key.expr;
  const numeric = (t: SqlType): boolean => ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'unknown'].includes(t.id);
  if (name === 'percentile_cont' && value.type.id !== 'interval') {
    if (!numeric(value.type)) {
      throw err(SqlState.undefinedFunction, `function percentile_cont(double precision) within group (order by ${typeName(value.type)}) does not exist`, v);
    }
    value = coerce(value, T.float8);
  }
  const filter = v.agg_filter ? requireBool(bindExpr(b, inner, v.agg_filter), 'FILTER', v.agg_filter) : null;
  const { fn, type } = orderedSetAggregate(name, value.type, key.desc);
  const k = ctx.aggs.add({ fn, args: [value], distinct: false, filter, orderBy: [], type });
  const agg: Expr = { kind: 'col', index: AGG_BASE + k, type };
  if (name === 'mode') return agg;
  let fraction = args[0]!;
  const multi = fraction.type.id === 'array';
  if (!(multi ? numeric(fraction.type.elem!) : numeric(fraction.type))) {
    throw err(SqlState.undefinedFunction, `function ${name}(${typeName(fraction.type)}) within group (order by ${typeName(key.expr.type)}) does not exist`, v);
  }
  fraction = coerce(fraction, multi ? arrayOf(T.float8) : T.float8);
  const final = percentileFinal(name, value.type, multi);
  return { kind: 'call', fn: final.fn, args: [agg, fraction], type: final.type };
}

/**
 * rank / dense_rank / percent_rank / cume_dist (args) WITHIN GROUP (ORDER BY keys): where a
 * hypothetical row of the direct arguments would fall among the group's rows. Each argument and
 * its key take their common type; the arguments are evaluated per group, like a percentile's.
 */
function bindHypothetical(b: QueryBinder, aggs: AggCollector, inner: BindContext, v: PgNode, name: HypotheticalKind): Expr {
  const keys = ((v.agg_order ?? []) as PgNode[]).map((s) => bindSortBy(b, inner, s.SortBy));
  const args = ((v.args ?? []) as PgNode[]).map((a) => bindExpr(b, inner, a));
  if (args.length !== keys.length) {
    throw new QuiverError(SqlState.undefinedFunction, `function ${name}(${[...args, ...keys.map((k) => k.expr)].map((a) => typeName(a.type)).join(', ')}) does not exist`, {
      ...pos(v), hint: `To use the hypothetical-set aggregate ${name}, the number of hypothetical direct arguments (here ${args.length}) must match the number of ordering columns (here ${keys.length}).`,
    });
  }
  const types = keys.map((k, i) => {
    const t = commonType([args[i]!.type, k.expr.type], name, pos(v).position);
    return t.id === 'unknown' ? T.text : t;
  });
  const sortKeys = keys.map((k, i) => ({ ...k, expr: coerce(k.expr, types[i]!) }));
  const filter = v.agg_filter ? requireBool(bindExpr(b, inner, v.agg_filter), 'FILTER', v.agg_filter) : null;
  const { fn, type } = hypotheticalAggregate(name);
  const k = aggs.add({ fn, args: sortKeys.map((s) => s.expr), distinct: false, filter, orderBy: sortKeys, type });
  const final = hypotheticalFinal(name, sortKeys.map((s, i) => ({ type: types[i]!, desc: s.desc, nullsFirst: s.nullsFirst })));
  return { kind: 'call', fn: final.fn, args: [{ kind: 'col', index: AGG_BASE + k, type }, ...args.map((a, i) => coerce(a, types[i]!))], type: final.type };
}

function bindAggregate(b: QueryBinder, ctx: BindContext, v: PgNode, name: string): Expr {
  if (!ctx.aggs) {
    if (ctx.clause === 'aggregate function calls') throw err(SqlState.groupingError, 'aggregate function calls cannot be nested', v);
    throw err(SqlState.groupingError, `aggregate functions are not allowed in ${ctx.clause}`, v);
  }
  // Arguments of an aggregate are bound without aggregate collection: nesting is an error.
  const inner: BindContext = { ...ctx, aggs: null, windows: null, srfs: null, clause: 'aggregate function calls' };
  let argNodes: PgNode[] = v.args ?? [];
  if (name === 'count' && argNodes.length === 1 && argNodes[0].RowExpr) {
    // count((a, b)): a row value is never NULL, so this counts rows; with DISTINCT, distinct rows.
    const fields = (argNodes[0].RowExpr.args ?? []) as PgNode[];
    const star = resolveAggregate('count', [])!;
    const fargs = fields.map((a) => coerceAny(bindExpr(b, inner, a)));
    const filter = v.agg_filter ? requireBool(bindExpr(b, inner, v.agg_filter), 'FILTER', v.agg_filter) : null;
    const k = ctx.aggs.add({ fn: star.fn, args: fargs, distinct: !!v.agg_distinct, filter, orderBy: [], type: T.int8 });
    return { kind: 'col', index: AGG_BASE + k, type: T.int8 };
  }
  let args = argNodes.map((a) => bindExpr(b, inner, a));
  const star = !!v.agg_star;
  const r = resolveAggregate(name, star ? [] : args.map((a) => a.type));
  if (!r || (star && !r.fn.star)) {
    throw err(SqlState.undefinedFunction, `function ${name}(${star ? '*' : args.map((a) => typeName(a.type)).join(', ')}) does not exist`, v);
  }
  args = args.map((a, i) => (r.fn.args[i] === 'any' ? coerceAny(a) : coerce(a, r.argTypes[i]!)));
  const filter = v.agg_filter ? requireBool(bindExpr(b, inner, v.agg_filter), 'FILTER', v.agg_filter) : null;
  const orderBy = ((v.agg_order ?? []) as PgNode[]).map((s) => bindSortBy(b, inner, s.SortBy));
  if (v.agg_distinct && orderBy.length) {
    const argKeys = new Set(args.map(exprKey));
    if (orderBy.some((o) => !argKeys.has(exprKey(o.expr)))) {
      throw err(SqlState.invalidColumnReference, 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', v);
    }
  }
  const type = returnType(r.fn, args.map((a) => a.type));
  const k = ctx.aggs.add({ fn: r.fn, args, distinct: !!v.agg_distinct, filter, orderBy, type });
  return { kind: 'col', index: AGG_BASE + k, type };
}

function bindWindowCall(b: QueryBinder, ctx: BindContext, v: PgNode, name: string): Expr {
  if (!ctx.windows) throw err(SqlState.windowingError, `window functions are not allowed in ${ctx.clause}`, v);
  const inner: BindContext = { ...ctx, windows: null, srfs: null, clause: 'window function calls' };
  const argNodes: PgNode[] = v.args ?? [];
  let args = argNodes.map((a) => bindExpr(b, inner, a));
  const over = resolveWindowDef(ctx, v.over);
  const partitionBy = ((over.partitionClause ?? []) as PgNode[]).map((p) => coerceAny(bindExpr(b, inner, p)));
  const orderBy = ((over.orderClause ?? []) as PgNode[]).map((s) => bindSortBy(b, inner, s.SortBy));
  const frame = bindFrame(b, inner, over, orderBy.length > 0);
  const filter = v.agg_filter ? requireBool(bindExpr(b, inner, v.agg_filter), 'FILTER', v.agg_filter) : null;
  let type: SqlType;
  let isAggregate: boolean;
  let fn;
  if (hasWindow(name)) {
    const r = resolveWindow(name, args.map((a) => a.type));
    if (!r) throw err(SqlState.undefinedFunction, `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`, v);
    args = args.map((a, i) => (r.fn.args[i] === 'any' ? coerceAny(a) : coerce(a, r.argTypes[i]!)));
    // lag/lead default value takes the type of the value argument
    // lag/lead(value, offset, default): value and default resolve to a common type (anycompatible).
    if ((name === 'lag' || name === 'lead') && args.length === 3) {
      const ct = commonType([args[0]!.type, args[2]!.type], name);
      args[0] = coerce(args[0]!, ct);
      args[2] = coerce(args[2]!, ct);
    }
    fn = r.fn; isAggregate = false;
    type = returnType(r.fn, args.map((a) => a.type));
  } else if (hasAggregate(name)) {
    const star = !!v.agg_star;
    const r = resolveAggregate(name, star ? [] : args.map((a) => a.type));
    if (!r) throw err(SqlState.undefinedFunction, `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`, v);
    args = args.map((a, i) => (r.fn.args[i] === 'any' ? coerceAny(a) : coerce(a, r.argTypes[i]!)));
    fn = r.fn; isAggregate = true;
    type = returnType(r.fn, args.map((a) => a.type));
  } else {
    throw err(SqlState.undefinedFunction, `function ${name} is not a window function nor an aggregate`, v);
  }
  const k = ctx.windows.add({ fn, isAggregate, args, distinct: !!v.agg_distinct, filter, partitionBy, orderBy, frame, type });
  return { kind: 'col', index: WIN_BASE + k, type };
}

/** OVER w / OVER (w ORDER BY ...): merges the named window definition from the WINDOW clause. */
function resolveWindowDef(ctx: BindContext, over: PgNode): PgNode {
  const ref: string | undefined = over.name ?? over.refname;
  if (!ref) return over;
  const def = ctx.windowDefs?.get(ref);
  if (!def) throw err(SqlState.undefinedObject, `window "${ref}" does not exist`, over);
  const base = resolveWindowDef(ctx, def);
  if (over.name) return base;
  if (over.partitionClause) throw err(SqlState.windowingError, `cannot override PARTITION BY clause of window "${ref}"`, over);
  if (over.orderClause && base.orderClause) throw err(SqlState.windowingError, `cannot override ORDER BY clause of window "${ref}"`, over);
  if (base.frameOptions && (base.frameOptions & 1)) throw err(SqlState.windowingError, `cannot copy window "${ref}" because it has a frame clause`, over);
  return { ...base, name: undefined, refname: undefined, orderClause: over.orderClause ?? base.orderClause, frameOptions: over.frameOptions, startOffset: over.startOffset, endOffset: over.endOffset };
}

// FRAMEOPTION_* bits from PostgreSQL's nodes/parsenodes.h
const F = {
  NONDEFAULT: 0x1, RANGE: 0x2, ROWS: 0x4, GROUPS: 0x8, BETWEEN: 0x10,
  START_UNBOUNDED_PRECEDING: 0x20, END_UNBOUNDED_PRECEDING: 0x40,
  START_UNBOUNDED_FOLLOWING: 0x80, END_UNBOUNDED_FOLLOWING: 0x100,
  START_CURRENT_ROW: 0x200, END_CURRENT_ROW: 0x400,
  START_OFFSET_PRECEDING: 0x800, END_OFFSET_PRECEDING: 0x1000,
  START_OFFSET_FOLLOWING: 0x2000, END_OFFSET_FOLLOWING: 0x4000,
  EXCLUDE_CURRENT_ROW: 0x8000, EXCLUDE_GROUP: 0x10000, EXCLUDE_TIES: 0x20000,
};

function bindFrame(b: QueryBinder, ctx: BindContext, over: PgNode, hasOrder: boolean): WindowFrame {
  const o: number = over.frameOptions ?? 0;
  if (!(o & F.NONDEFAULT)) {
    return { mode: 'range', start: { kind: 'unbounded_preceding' }, end: hasOrder ? { kind: 'current_row' } : { kind: 'unbounded_following' }, exclude: 'no others' };
  }
  const mode = o & F.ROWS ? 'rows' : o & F.GROUPS ? 'groups' : 'range';
  const offset = (n: PgNode): Expr => {
    const e = bindExpr(b, ctx, n);
    return mode === 'range' ? e : coerce(e, T.int8);
  };
  const start: FrameBound = o & F.START_UNBOUNDED_PRECEDING ? { kind: 'unbounded_preceding' }
    : o & F.START_CURRENT_ROW ? { kind: 'current_row' }
    : o & F.START_OFFSET_PRECEDING ? { kind: 'preceding', offset: offset(over.startOffset) }
    : o & F.START_OFFSET_FOLLOWING ? { kind: 'following', offset: offset(over.startOffset) }
    : { kind: 'unbounded_following' };
  const end: FrameBound = !(o & F.BETWEEN) ? { kind: 'current_row' }
    : o & F.END_UNBOUNDED_FOLLOWING ? { kind: 'unbounded_following' }
    : o & F.END_CURRENT_ROW ? { kind: 'current_row' }
    : o & F.END_OFFSET_PRECEDING ? { kind: 'preceding', offset: offset(over.endOffset) }
    : o & F.END_OFFSET_FOLLOWING ? { kind: 'following', offset: offset(over.endOffset) }
    : { kind: 'unbounded_preceding' };
  if (start.kind === 'unbounded_following') throw err(SqlState.windowingError, 'frame start cannot be UNBOUNDED FOLLOWING', over);
  if (end.kind === 'unbounded_preceding') throw err(SqlState.windowingError, 'frame end cannot be UNBOUNDED PRECEDING', over);
  const exclude = o & F.EXCLUDE_CURRENT_ROW ? 'current row' : o & F.EXCLUDE_GROUP ? 'group' : o & F.EXCLUDE_TIES ? 'ties' : 'no others';
  return { mode, start, end, exclude };
}

/**
 * (a, b) IN (SELECT x, y ...) with SQL's three-valued answer:
 *   CASE WHEN EXISTS(a row equal on every column) THEN true
 *        WHEN EXISTS(a row with no column unequal) THEN NULL ELSE false END
 */
function bindRowInSubquery(b: QueryBinder, ctx: BindContext, v: PgNode): Expr {
  const tests = (v.testexpr.RowExpr.args ?? []) as PgNode[];
  const names = tests.map((_, i) => `__row_in_${i}`);
  const eqs = tests.map((t, i) => ({ A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: '=' } }], lexpr: { ColumnRef: { fields: [{ String: { sval: '__row_in' } }, { String: { sval: names[i] } }] } }, rexpr: t } }));
  const exists = (cond: PgNode): PgNode => ({
    SubLink: { subLinkType: 'EXISTS_SUBLINK', subselect: { SelectStmt: {
      targetList: [{ ResTarget: { val: { A_Const: { ival: { ival: 1 } } } } }],
      fromClause: [{ RangeSubselect: { subquery: v.subselect, alias: { aliasname: '__row_in', colnames: names.map((n) => ({ String: { sval: n } })) } } }],
      whereClause: cond, op: 'SETOP_NONE', limitOption: 'LIMIT_OPTION_DEFAULT',
    } } },
  });
  const and = (args: PgNode[]): PgNode => (args.length === 1 ? args[0] : { BoolExpr: { boolop: 'AND_EXPR', args } });
  const notFalse = eqs.map((e) => ({ BooleanTest: { arg: e, booltesttype: 'IS_NOT_FALSE' } }));
  const node = {
    CaseExpr: {
      args: [
        { CaseWhen: { expr: exists(and(eqs)), result: { A_Const: { boolval: { boolval: true } } } } },
        { CaseWhen: { expr: exists(and(notFalse)), result: { TypeCast: { arg: { A_Const: { isnull: true } }, typeName: { names: [{ String: { sval: 'bool' } }] } } } } },
      ],
      defresult: { A_Const: { boolval: {} } },
    },
  };
  return bindExpr(b, ctx, node);
}

function bindSubLink(b: QueryBinder, ctx: BindContext, v: PgNode): Expr {
  if (v.subLinkType === 'ANY_SUBLINK' && v.testexpr?.RowExpr && (!v.operName || strVal(v.operName[v.operName.length - 1]) === '=')) {
    return bindRowInSubquery(b, ctx, v);
  }
  const link = new OuterLink(ctx);
  // The enclosing query's columns are reached through the link (as OuterExpr), never directly.
  const sub: BindContext = { scope: Scope.empty(), outer: link, aggs: null, windows: null, clause: ctx.clause, ctes: ctx.ctes };
  const kind: string = v.subLinkType;
  const { plan } = b.bindSubquery(v.subselect, sub);
  // Positions differ between two writings of the same subquery; everything else must match.
  const sourceKey = JSON.stringify(v.subselect, (k, x) => (k === 'location' || k === 'rexpr_list_start' || k === 'rexpr_list_end' || k === 'stmt_len' ? undefined : x));
  const mk = (mode: SubqueryExpr['mode'], type: SqlType, test: Expr | null, cmp: SubqueryExpr['cmp']): SubqueryExpr =>
    ({ kind: 'subquery', mode, plan, outerArgs: link.args, test, cmp, type, sourceKey });
  switch (kind) {
    case 'EXISTS_SUBLINK': return mk('exists', T.bool, null, null);
    case 'EXPR_SUBLINK': {
      if (plan.schema.length !== 1) throw err(SqlState.syntaxError, 'subquery must return only one column', v);
      return mk('scalar', plan.schema[0]!.type, null, null);
    }
    case 'ANY_SUBLINK': case 'ALL_SUBLINK': {
      if (plan.schema.length !== 1) throw err(SqlState.syntaxError, plan.schema.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns', v);
      const op = v.operName ? strVal((v.operName as PgNode[])[v.operName.length - 1]) : '=';
      const test = bindExpr(b, ctx, v.testexpr);
      const colType = plan.schema[0]!.type;
      const probe = bindOperator(op, [test, { kind: 'col', index: 0, type: colType }], v) as Extract<Expr, { kind: 'call' }>;
      const wantT = probe.args[0]!.type, wantC = probe.args[1]!.type;
      let p = plan;
      if (wantC.id !== colType.id) {
        p = { kind: 'project', input: plan, exprs: [coerce({ kind: 'col', index: 0, type: colType }, wantC)], schema: [{ name: plan.schema[0]!.name, type: wantC }] };
      }
      return { kind: 'subquery', mode: kind === 'ANY_SUBLINK' ? 'any' : 'all', plan: p, outerArgs: link.args, test: coerce(test, wantT), cmp: probe.fn, type: T.bool, sourceKey: sourceKey + (v.operName ? JSON.stringify(v.operName) : '') };
    }
    case 'ARRAY_SUBLINK': {
      if (plan.schema.length !== 1) throw err(SqlState.syntaxError, 'subquery must return only one column', v);
      const et = plan.schema[0]!.type;
      if (et.id === 'array') throw err(SqlState.featureNotSupported, 'multidimensional arrays are not supported', v);
      return mk('array', arrayOf(et.id === 'unknown' ? T.text : et), null, null);
    }
    default: throw err(SqlState.featureNotSupported, `unsupported subquery kind ${kind}`, v);
  }
}

/** PostgreSQL's FigureColname: the output name of an unaliased select-list expression. */
export function figureColname(n: PgNode): string {
  return figure(n)[0];
}

/** Name and strength (2: a column or function name, 1: a type name, 0: nothing better than ?column?). */
function figure(n: PgNode): [string, number] {
  const t = nodeType(n);
  const v = n[t];
  switch (t) {
    case 'ColumnRef': {
      const f = (v.fields as PgNode[]).map(strVal);
      return f[f.length - 1] === '*' ? ['?column?', 0] : [f[f.length - 1]!, 2];
    }
    case 'FuncCall': {
      const parts = (v.funcname as PgNode[]).map(strVal);
      return [parts[parts.length - 1]!, 2];
    }
    case 'TypeCast': {
      const inner = figure(v.arg);
      if (inner[1] > 1) return inner;
      const names = (v.typeName.names as PgNode[]).map(strVal);
      return [names[names.length - 1]!, 1];
    }
    case 'CaseExpr': return ['case', 1];
    case 'CoalesceExpr': return ['coalesce', 2];
    case 'MinMaxExpr': return [v.op === 'IS_GREATEST' ? 'greatest' : 'least', 2];
    case 'A_Expr': return v.kind === 'AEXPR_NULLIF' ? ['nullif', 2] : ['?column?', 0];
    case 'SubLink': {
      if (v.subLinkType === 'EXISTS_SUBLINK') return ['exists', 2];
      if (v.subLinkType === 'ARRAY_SUBLINK') return ['array', 2];
      if (v.subLinkType === 'EXPR_SUBLINK') {
        const tl = v.subselect?.SelectStmt?.targetList as PgNode[] | undefined;
        if (tl && tl.length === 1) {
          const rt = tl[0].ResTarget;
          return rt.name ? [rt.name, 2] : figure(rt.val);
        }
      }
      return ['?column?', 0];
    }
    case 'SQLValueFunction': {
      const m: Record<string, string> = { SVFOP_CURRENT_DATE: 'current_date', SVFOP_CURRENT_TIMESTAMP: 'current_timestamp', SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp', SVFOP_LOCALTIMESTAMP: 'localtimestamp', SVFOP_LOCALTIMESTAMP_N: 'localtimestamp', SVFOP_CURRENT_USER: 'current_user', SVFOP_SESSION_USER: 'session_user', SVFOP_USER: 'user', SVFOP_CURRENT_ROLE: 'current_role', SVFOP_CURRENT_SCHEMA: 'current_schema', SVFOP_CURRENT_CATALOG: 'current_catalog' };
      return m[v.op] ? [m[v.op]!, 2] : ['?column?', 0];
    }
    case 'GroupingFunc': return ['grouping', 2];
    case 'A_ArrayExpr': return ['array', 2];
    case 'CollateClause': return figure(v.arg);
    default: return ['?column?', 0];
  }
}
