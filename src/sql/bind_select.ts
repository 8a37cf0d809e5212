/**
 * Binds SELECT statements (and VALUES and set operations) into logical plans: FROM with joins,
 * WHERE, GROUP BY with grouping sets, HAVING, window functions, DISTINCT [ON], ORDER BY and LIMIT.
 */
import type { PgNode } from './parser.js';
import type { Expr, SortKey, WindowCall } from '../logical/expr.js';
import { mapChildren, transformExpr } from '../logical/expr.js';
import { exprKey } from '../logical/expr_key.js';
import type { LogicalPlan, Field, JoinType } from '../logical/plan.js';
import { T, type SqlType, typeName } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { Scope, scopeOf, conflictingTable, type ScopeColumn } from './scope.js';
import { OuterLink, AggCollector, WindowCollector, SrfCollector, AGG_BASE, WIN_BASE, SRF_BASE, GROUPING_ID, type BindContext, type CteDef } from './context.js';
import { bindExpr, bindSortBy, bindOperator, err, figureColname, nodeType, requireBool, strVal, groupingFn, bindSetFunctionCall, firstPosition, type QueryBinder } from './bind_expr.js';
import { commonType, coerce } from './coerce.js';
import type { Catalog, Sequence } from '../catalog/catalog.js';
import { fileTableReader } from '../catalog/catalog.js';
import { resolveTypeName } from './types_parse.js';
import { RECORD_FUNCTIONS, type RecordColumns } from '../udf/json_set_functions.js';
import { informationSchema } from './information_schema.js';
import { CteState, anchorCtes, countCteRefs, materializeMode } from './bind_cte.js';
import { SearchCycle, checkSearchCycleShape } from './search_cycle.js';

export interface BoundQuery { plan: LogicalPlan; names: string[] }

let cteIds = 0;

export class SelectBinder implements QueryBinder {
  /** Set while binding the branches of a set operation: untyped outputs stay untyped there. */
  private setOpBranch = false;
  /**
   * The SELECT of an INSERT ... SELECT, whose untyped select-list items (NULL, quoted literals,
   * string parameters) PostgreSQL leaves unresolved so that they take the target columns' types.
   */
  insertSource: PgNode | null = null;

  constructor(readonly catalog: Catalog, readonly params: SqlType[], private viewDepth = 0) {}

  paramType(index: number, position?: number): SqlType {
    if (index < 0 || index >= this.params.length) {
      throw new QuiverError(SqlState.undefinedParameter, `there is no parameter $${index + 1}`, position === undefined ? {} : { position });
    }
    return this.params[index]!;
  }

  sequence(name: string, position?: number): Sequence {
    const parts = name.split('.');
    const key = this.catalog.key(parts[parts.length - 1]!, parts.length > 1 ? parts[0] : null, position);
    const seq = this.catalog.sequences.get(key);
    if (!seq) throw new QuiverError(SqlState.undefinedTable, `relation "${name}" does not exist`, position === undefined ? {} : { position });
    return seq;
  }

  bindSubquery(stmt: PgNode, ctx: BindContext): BoundQuery {
    return this.bindQuery(stmt.SelectStmt ?? stmt, ctx);
  }

  /** Binds a SelectStmt node (the inner object). `outer` is the context of an enclosing query. */
  bindQuery(s: PgNode, outer: BindContext | null): BoundQuery {
    const ctes = new Map(outer?.ctes ?? []);
    const base: BindContext = outer ?? { scope: Scope.empty(), outer: null, aggs: null, windows: null, clause: 'SELECT', ctes };
    const ctx: BindContext = { ...base, ctes };
    const withCtes = s.withClause ? this.bindWith(s, ctx) : [];
    let q: BoundQuery;
    if (s.op && s.op !== 'SETOP_NONE') q = this.applySortLimit(s, ctx, this.bindSetOp(s, ctx));
    else if (s.valuesLists) q = this.applySortLimit(s, ctx, this.bindValues(s, ctx));
    else q = this.bindSimpleSelect(s, ctx);
    return withCtes.length ? { plan: anchorCtes(q.plan, withCtes), names: q.names } : q;
  }

  /** Defines the CTEs of s's WITH clause in ctx; returns them, to anchor the materialized ones. */
  bindWith(s: PgNode, ctx: BindContext): CteState[] {
    const w = s.withClause;
    const seen = new Set<string>();
    const states: CteState[] = [];
    (w.ctes as PgNode[]).forEach((c, index) => {
      const cte = c.CommonTableExpr;
      const name: string = cte.ctename;
      if (seen.has(name)) throw err(SqlState.duplicateAlias, `WITH query name "${name}" specified more than once`, cte);
      seen.add(name);
      const aliases: string[] | null = cte.aliascolnames ? (cte.aliascolnames as PgNode[]).map(strVal) : null;
      const query = cte.ctequery.SelectStmt;
      if (!query) throw err(SqlState.featureNotSupported, 'only SELECT is supported in WITH', cte);
      const snapshot = new Map(ctx.ctes);
      const rename = (q: BoundQuery): BoundQuery => {
        if (!aliases) return q;
        if (aliases.length > q.names.length) throw err(SqlState.invalidColumnReference, `WITH query "${name}" has ${q.names.length} columns available but ${aliases.length} columns specified`, cte);
        return { plan: q.plan, names: q.names.map((n, i) => aliases[i] ?? n) };
      };
      const recursive = w.recursive && this.refersTo(query, name);
      if ((cte.search_clause || cte.cycle_clause) && !recursive) checkSearchCycleShape(query, false, cte);
      let bind: () => BoundQuery;
      if (recursive) {
        const bound = rename(this.bindRecursiveCte(name, query, { ...ctx, ctes: snapshot }, aliases, cte));
        bind = () => bound;
      } else {
        // The CTE's query sees the enclosing query's columns through the enclosing query's link.
        bind = () => rename(this.bindQuery(query, { ...ctx, ctes: snapshot, scope: Scope.empty(), aggs: null, windows: null, srfs: null }));
      }
      const state = new CteState(++cteIds, name, materializeMode(cte), countCteRefs(s, index), ctx.outer, bind);
      states.push(state);
      ctx.ctes.set(name, { name, bind: (at: BindContext) => state.reference(at) });
    });
    return states;
  }

  private refersTo(node: unknown, name: string): boolean {
    if (!node || typeof node !== 'object') return false;
    if (Array.isArray(node)) return node.some((x) => this.refersTo(x, name));
    const o = node as Record<string, unknown>;
    if (o.RangeVar && (o.RangeVar as { relname?: string; schemaname?: string }).relname === name && !(o.RangeVar as { schemaname?: string }).schemaname) return true;
    return Object.values(o).some((x) => this.refersTo(x, name));
  }

  private bindRecursiveCte(name: string, q: PgNode, ctx: BindContext, aliases: string[] | null, node: PgNode): BoundQuery {
    if (!q.op || q.op !== 'SETOP_UNION') {
      throw err(SqlState.invalidRecursion, `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, node);
    }
    if (this.refersTo(q.larg, name)) {
      throw err(SqlState.invalidRecursion, `recursive reference to query "${name}" must not appear within its non-recursive term`, node);
    }
    const searchCycle = !!(node.search_clause || node.cycle_clause);
    if (searchCycle) checkSearchCycleShape(q, true, node);
    const anchor = this.bindQuery(q.larg, { ...ctx, scope: Scope.empty(), aggs: null, windows: null });
    if (aliases && aliases.length > anchor.names.length) throw err(SqlState.invalidColumnReference, `WITH query "${name}" has ${anchor.names.length} columns available but ${aliases.length} columns specified`, node);
    let names = anchor.names.map((n, i) => aliases?.[i] ?? n);
    const id = ++cteIds;
    let fields: Field[] = anchor.plan.schema.map((f, i) => ({ name: names[i]!, type: f.type.id === 'unknown' ? T.text : f.type }));
    let anchorPlan = this.castPlan(anchor.plan, fields.map((f) => f.type));
    let rarg = q.rarg;
    // SEARCH / CYCLE add columns to both terms (and so to the work table the recursive term reads).
    const sc = searchCycle ? new SearchCycle(name, node, names, fields.map((f) => f.type), (n) => bindExpr(this, { ...ctx, scope: Scope.empty(), aggs: null, windows: null, clause: 'CYCLE' }, n)) : null;
    if (sc) {
      anchorPlan = sc.anchor(anchorPlan);
      rarg = sc.recursiveTerm(rarg);
    }
    const userFields = fields;
    if (sc) {
      fields = [...fields, ...sc.extras];
      names = [...names, ...sc.extras.map((f) => f.name)];
    }
    const work: CteDef = { name, bind: () => ({ plan: { kind: 'worktable', id, schema: fields }, names }) };
    const rctx: BindContext = { ...ctx, scope: Scope.empty(), aggs: null, windows: null, ctes: new Map(ctx.ctes).set(name, work) };
    const rec = this.bindQuery(rarg, rctx);
    if (rec.plan.schema.length !== fields.length) throw err(SqlState.syntaxError, 'each UNION query must have the same number of columns', node);
    userFields.forEach((f, i) => {
      const overall = commonType([f.type, rec.plan.schema[i]!.type], 'UNION');
      if (overall.id !== f.type.id) {
        throw new QuiverError(SqlState.datatypeMismatch, `recursive query "${name}" column ${i + 1} has type ${typeName(f.type)} in non-recursive term but type ${typeName(overall)} overall`, { hint: 'Cast the output of the non-recursive term to the correct type.' });
      }
    });
    let recPlan = this.castPlan(rec.plan, fields.map((f) => f.type));
    if (sc) recPlan = sc.recursive(recPlan);
    const plan: LogicalPlan = { kind: 'recursive_cte', id, anchor: anchorPlan, recursive: recPlan, all: !!q.all, schema: fields };
    return { plan, names };
  }

  /** Adds a projection casting each column to the given types, when any differs. */
  castPlan(p: LogicalPlan, types: SqlType[]): LogicalPlan {
    if (p.schema.every((f, i) => f.type.id === types[i]!.id && f.type.precision === types[i]!.precision)) return p;
    return {
      kind: 'project', input: p,
      exprs: p.schema.map((f, i) => coerce({ kind: 'col', index: i, type: f.type }, types[i]!)),
      schema: p.schema.map((f, i) => ({ name: f.name, type: types[i]! })),
    };
  }

  private bindSetOp(s: PgNode, ctx: BindContext): BoundQuery {
    const sub: BindContext = { ...ctx, scope: Scope.empty(), aggs: null, windows: null };
    const saved = this.setOpBranch;
    this.setOpBranch = true;
    let l: BoundQuery, r: BoundQuery;
    try {
      l = this.bindQuery(s.larg, sub);
      r = this.bindQuery(s.rarg, sub);
    } finally {
      this.setOpBranch = saved;
    }
    const opName = s.op === 'SETOP_UNION' ? 'UNION' : s.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
    if (l.plan.schema.length !== r.plan.schema.length) {
      throw new QuiverError(SqlState.syntaxError, `each ${opName} query must have the same number of columns`, firstPosition(r.plan.schema.length > l.plan.schema.length ? s.rarg.targetList?.[l.plan.schema.length] : s.larg.targetList?.[r.plan.schema.length] ?? s));
    }
    const types = l.plan.schema.map((f, i) => commonType([f.type, r.plan.schema[i]!.type], opName));
    const schema = l.plan.schema.map((f, i) => ({ name: l.names[i]!, type: types[i]! }));
    const plan: LogicalPlan = {
      kind: 'setop', op: opName.toLowerCase() as 'union', all: !!s.all,
      left: this.castPlan(l.plan, types), right: this.castPlan(r.plan, types), schema,
    };
    return { plan, names: l.names };
  }

  private bindValues(s: PgNode, ctx: BindContext): BoundQuery {
    const rows = (s.valuesLists as PgNode[]).map((l) => ((l.List?.items ?? []) as PgNode[]).map((e) => bindExpr(this, { ...ctx, clause: 'VALUES' }, e)));
    const width = rows[0]!.length;
    (s.valuesLists as PgNode[]).forEach((l, i) => {
      if (rows[i]!.length !== width) throw new QuiverError(SqlState.syntaxError, 'VALUES lists must all be the same length', firstPosition(l));
    });
    const types: SqlType[] = [];
    for (let c = 0; c < width; c++) {
      const t = commonType(rows.map((r) => r[c]!.type), 'VALUES');
      types.push(this.setOpBranch && rows.every((r) => r[c]!.type.id === 'unknown') ? T.unknown : t);
    }
    const names = types.map((_, i) => `column${i + 1}`);
    const plan: LogicalPlan = {
      kind: 'values', rows: rows.map((r) => r.map((e, c) => coerce(e, types[c]!))),
      schema: names.map((n, i) => ({ name: n, type: types[i]! })),
    };
    return { plan, names };
  }

  /** ORDER BY / LIMIT on a set operation or VALUES: keys refer to output columns only. */
  private applySortLimit(s: PgNode, ctx: BindContext, q: BoundQuery): BoundQuery {
    let plan = q.plan;
    if (s.sortClause) {
      const scope = new Scope(scopeOf(null, q.names, plan.schema.map((f) => f.type)));
      const sctx: BindContext = { ...ctx, scope, aggs: null, windows: null, clause: 'ORDER BY' };
      const keys = (s.sortClause as PgNode[]).map((x) => bindSortBy(this, sctx, x.SortBy, (n) => {
        const p = positionalRef(n, q.names.length);
        if (p !== null) return { kind: 'col', index: p, type: plan.schema[p]!.type };
        return bindExpr(this, sctx, n);
      }));
      plan = { kind: 'sort', input: plan, keys, schema: plan.schema };
    }
    plan = this.applyLimit(s, ctx, plan);
    return { plan, names: q.names };
  }

  private applyLimit(s: PgNode, ctx: BindContext, plan: LogicalPlan): LogicalPlan {
    if (!s.limitCount && !s.limitOffset) return plan;
    const lctx: BindContext = { ...ctx, scope: Scope.empty(), aggs: null, windows: null, clause: 'LIMIT' };
    const bindCount = (n: PgNode | undefined, what: string): Expr | null => {
      if (!n) return null;
      if (n.A_Const?.isnull) return null;
      const e = bindExpr(this, lctx, n);
      if (e.type.id === 'unknown' || e.type.id.startsWith('int') || e.type.id === 'numeric' || e.type.id.startsWith('float')) return coerce(e, T.int8);
      throw err(SqlState.datatypeMismatch, `argument of ${what} must be type bigint, not type ${e.type.id}`, n);
    };
    const limit = bindCount(s.limitCount, 'LIMIT'), offset = bindCount(s.limitOffset, 'OFFSET');
    if (!limit && !offset) return plan;
    if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') {
      const sort = plan.kind === 'sort' ? plan : plan.kind === 'distinct' && plan.input.kind === 'sort' ? plan.input : null;
      if (!sort) throw err(SqlState.syntaxError, 'WITH TIES cannot be specified without ORDER BY clause', s);
      return { kind: 'limit', input: plan, limit, offset, schema: plan.schema, withTies: sort.keys };
    }
    return { kind: 'limit', input: plan, limit, offset, schema: plan.schema };
  }

  // ---- FROM ----

  bindFrom(items: PgNode[], ctx: BindContext): { plan: LogicalPlan; scope: Scope } {
    if (!items || items.length === 0) {
      return { plan: { kind: 'values', rows: [[]], schema: [] }, scope: Scope.empty() };
    }
    let acc: { plan: LogicalPlan; scope: Scope } | null = null;
    for (const it of items) {
      const r = this.bindFromItem(it, ctx, acc?.scope ?? null);
      if (!acc) { acc = r; continue; }
      this.checkDuplicateAliases(acc.scope, r.scope, it);
      acc = this.joinPlans(acc, r, 'inner', null, r.lateral);
    }
    return acc!;
  }

  /** A LATERAL item (or a function in FROM) may read the columns of the items before it. */
  private lateralContext(ctx: BindContext, left: Scope | null): { ctx: BindContext; link: OuterLink | null } {
    if (!left) return { ctx: { ...ctx, scope: Scope.empty() }, link: null };
    // An aggregate over only these columns would belong to this query, in its own FROM clause.
    const link = new OuterLink({ ...ctx, scope: left, aggs: null, windows: null, srfs: null, clause: 'FROM clause of their own query level' });
    return { ctx: { ...ctx, scope: Scope.empty(), outer: link }, link };
  }

  private checkDuplicateAliases(a: Scope, b: Scope, node: PgNode): void {
    const t = conflictingTable(a, b);
    if (t !== null) throw err(SqlState.duplicateAlias, `table name "${t}" specified more than once`, node);
  }

  private joinPlans(l: { plan: LogicalPlan; scope: Scope }, r: { plan: LogicalPlan; scope: Scope }, type: JoinType, on: Expr | null, lateral?: Expr[]): { plan: LogicalPlan; scope: Scope } {
    const shift = l.plan.schema.length;
    const rcols: ScopeColumn[] = r.scope.cols.map((c) => ({ ...c, expr: shiftCols(c.expr, shift) }));
    const plan: LogicalPlan = { kind: 'join', joinType: type, left: l.plan, right: r.plan, on, nullAware: false, schema: [...l.plan.schema, ...r.plan.schema], ...(lateral && lateral.length ? { lateral } : {}) };
    return { plan, scope: new Scope([...l.scope.cols, ...rcols]) };
  }

  private bindFromItem(it: PgNode, ctx: BindContext, left: Scope | null = null): { plan: LogicalPlan; scope: Scope; lateral?: Expr[] } {
    const t = nodeType(it);
    const v = it[t];
    switch (t) {
      case 'RangeVar': return this.bindRangeVar(v, ctx);
      case 'RangeSubselect': {
        if (!v.alias) {
          throw new QuiverError(SqlState.syntaxError, 'subquery in FROM must have an alias', { hint: 'For example, FROM (SELECT ...) [AS] foo.', ...firstPosition(v.subquery) });
        }
        const lc = this.lateralContext(ctx, v.lateral ? left : null);
        const sub: BindContext = { ...lc.ctx, aggs: null, windows: null, srfs: null };
        const q = this.bindQuery(v.subquery.SelectStmt, sub);
        const alias = v.alias?.aliasname ?? null;
        const names = this.aliasNames(q.names, v.alias);
        return { plan: q.plan, scope: new Scope(scopeOf(alias, names, q.plan.schema.map((f) => f.type))), ...(lc.link ? { lateral: lc.link.args } : {}) };
      }
      case 'JoinExpr': return this.bindJoin(v, ctx, left);
      case 'RangeFunction': {
        // Functions in FROM see the items before them, as if LATERAL were written.
        const lc = this.lateralContext(ctx, left);
        const r = this.bindRangeFunction(v, lc.ctx);
        return lc.link ? { ...r, lateral: lc.link.args } : r;
      }
      default: throw err(SqlState.featureNotSupported, `unsupported FROM item ${t}`, v);
    }
  }

  private aliasNames(names: string[], alias: PgNode | undefined): string[] {
    const cn: string[] = alias?.colnames ? (alias.colnames as PgNode[]).map(strVal) : [];
    if (cn.length > names.length) {
      throw new QuiverError(SqlState.invalidColumnReference, `table "${alias.aliasname}" has ${names.length} columns available but ${cn.length} columns specified`);
    }
    return names.map((n, i) => cn[i] ?? n);
  }

  private bindRangeVar(v: PgNode, ctx: BindContext): { plan: LogicalPlan; scope: Scope } {
    const name: string = v.relname;
    const schema: string | undefined = v.schemaname;
    const alias: string = v.alias?.aliasname ?? name;
    const position = v.location !== undefined ? v.location + 1 : undefined;
    if (!schema) {
      const cte = ctx.ctes.get(name);
      if (cte) {
        const q = cte.bind(ctx);
        const names = this.aliasNames(q.names, v.alias);
        return { plan: q.plan, scope: new Scope(scopeOf(alias, names, q.plan.schema.map((f) => f.type))) };
      }
    }
    if (schema === 'information_schema') {
      const vt = informationSchema(this.catalog, name, (view) => {
        try {
          const e = this.catalog.get(view);
          if (!e || e.kind !== 'view') return null;
          const q = new SelectBinder(this.catalog, [], this.viewDepth + 1).bindQuery(e.query, null);
          return q.plan.schema.map((f, i) => ({ name: e.columnNames?.[i] ?? q.names[i]!, type: f.type }));
        } catch {
          return null;
        }
      });
      const names = this.aliasNames(vt.names, v.alias);
      const plan: LogicalPlan = {
        kind: 'values', rows: vt.rows.map((r) => r.map((x, i): Expr => ({ kind: 'const', value: x, type: vt.types[i]! }))),
        schema: vt.names.map((n, i) => ({ name: names[i]!, type: vt.types[i]! })),
      };
      return { plan, scope: new Scope(scopeOf(alias, names, vt.types)) };
    }
    const entry = this.catalog.get(this.catalog.key(name, schema, position));
    if (!entry) throw new QuiverError(SqlState.undefinedTable, `relation "${schema ? schema + '.' : ''}${name}" does not exist`, position === undefined ? {} : { position });
    if (entry.kind === 'view') {
      if (this.viewDepth > 32) throw new QuiverError(SqlState.invalidRecursion, `infinite recursion detected in view "${name}"`);
      const vb = new SelectBinder(this.catalog, [], this.viewDepth + 1);
      const q = vb.bindQuery(entry.query, null);
      const base = entry.columnNames ? q.names.map((n, i) => entry.columnNames![i] ?? n) : q.names;
      const names = this.aliasNames(base, v.alias);
      const vq = v.alias ? undefined : schema ?? 'public';
      return { plan: q.plan, scope: new Scope(scopeOf(alias, names, q.plan.schema.map((f) => f.type)).map((c) => ({ ...c, schema: vq === 'main' ? 'public' : vq }))) };
    }
    const cols = entry.columns;
    const names = this.aliasNames(cols.map((c) => c.name), v.alias);
    const qualified = v.alias ? undefined : schema ?? 'public';
    const plan: LogicalPlan = {
      kind: 'scan', table: entry, columns: cols.map((_, i) => i), filters: [],
      schema: cols.map((c, i) => ({ name: names[i]!, type: c.type })),
    };
    return { plan, scope: new Scope(scopeOf(alias, names, cols.map((c) => c.type)).map((c, i) => ({ ...c, schema: qualified === 'main' ? 'public' : qualified, source: { table: entry, column: i } }))) };
  }

  private bindRangeFunction(v: PgNode, ctx: BindContext): { plan: LogicalPlan; scope: Scope } {
    const fns = v.functions as PgNode[];
    if (fns.length !== 1) throw err(SqlState.featureNotSupported, 'ROWS FROM with several functions is not supported', v);
    const call = (fns[0].List?.items ?? fns[0])[0].FuncCall;
    if (!call) throw err(SqlState.featureNotSupported, 'unsupported function in FROM', v);
    const parts = (call.funcname as PgNode[]).map(strVal);
    const name = parts[parts.length - 1]!.toLowerCase();
    const fctx: BindContext = { ...ctx, aggs: null, windows: null, clause: 'functions in FROM' };
    const alias: string = v.alias?.aliasname ?? name;
    const reader = fileTableReader(name);
    if (reader) {
      // The file is read now: its columns are the table's, as for a stored table.
      // Options may also be named (`name => value`); as in PostgreSQL, positional ones come first.
      const vals: unknown[] = [];
      const named = new Map<string, unknown>();
      for (const a of (call.args ?? []) as PgNode[]) {
        const arg = a.NamedArgExpr ? a.NamedArgExpr.arg : a;
        const e = bindExpr(this, fctx, arg);
        if (e.kind !== 'const') throw err(SqlState.featureNotSupported, `the arguments of ${name} must be constants`, arg);
        if (a.NamedArgExpr) {
          const key = String(a.NamedArgExpr.name).toLowerCase();
          if (named.has(key)) throw err(SqlState.syntaxError, `argument name "${key}" used more than once`, a);
          named.set(key, e.value);
        } else if (named.size) {
          throw err(SqlState.syntaxError, 'positional argument cannot follow named argument', a);
        } else {
          vals.push(e.value);
        }
      }
      const entry = reader(vals, named);
      const names = this.aliasNames(entry.columns.map((c) => c.name), v.alias);
      const plan: LogicalPlan = { kind: 'scan', table: entry, columns: entry.columns.map((_, i) => i), filters: [], schema: entry.columns.map((c, i) => ({ name: names[i]!, type: c.type })) };
      return { plan, scope: new Scope(scopeOf(alias, names, entry.columns.map((c) => c.type))) };
    }
    const colnames: string[] = v.alias?.colnames ? (v.alias.colnames as PgNode[]).map(strVal) : [];
    let args: Expr[], outTypes: SqlType[], fname = name;
    let outNames: string[] | null = null;
    if (name === 'unnest' && (call.args ?? []).length > 1) {
      // unnest(a, b, ...) in FROM zips the arrays into columns, padding the shorter ones with NULLs.
      args = ((call.args ?? []) as PgNode[]).map((n) => {
        const e = bindExpr(this, fctx, n);
        if (e.type.id === 'unknown') return coerce(e, T.array);
        if (e.type.id !== 'array') throw err(SqlState.undefinedFunction, `function unnest(${typeName(e.type)}) does not exist`, call);
        return e;
      });
      outTypes = args.map((a) => a.type.elem!);
      fname = 'unnest_zip';
    } else if (/^jsonb?_populate_record(set)?$/.test(name)) {
      ({ args, outTypes, outNames, fname } = this.bindPopulateRecord(call, name, fctx));
    } else {
      const bound = bindSetFunctionCall(this, fctx, call, name);
      if (!bound) throw err(SqlState.featureNotSupported, `function ${name} is not supported in FROM`, call);
      args = bound.args;
      outTypes = bound.columns ? bound.columns.map((c) => c.type) : [bound.ret];
      if (RECORD_FUNCTIONS.has(name)) {
        // json_to_record(set): the column definition list gives the columns, handed to the function as a last argument.
        if (!v.coldeflist) throw err(SqlState.syntaxError, 'a column definition list is required for functions returning "record"', v);
        const defs = (v.coldeflist as PgNode[]).map((c) => ({ name: c.ColumnDef.colname as string, type: resolveTypeName(c.ColumnDef.typeName) }));
        const cols: RecordColumns = { names: defs.map((d) => d.name), types: defs.map((d) => d.type) };
        args = [...args, { kind: 'const', value: cols, type: T.unknown }];
        outTypes = cols.types;
        outNames = cols.names;
      } else if (v.coldeflist) {
        throw err(SqlState.syntaxError, 'a column definition list is only allowed for functions returning "record"', v);
      }
      // Functions with named output columns (jsonb_each: key, value) keep those names.
      if (bound.columns) outNames = bound.columns.map((c) => c.name);
    }
    const available = outTypes.length + (v.ordinality ? 1 : 0);
    if (colnames.length > available) throw new QuiverError(SqlState.invalidColumnReference, `table "${alias}" has ${available} columns available but ${colnames.length} columns specified`);
    const names = outTypes.map((_, i) => colnames[i] ?? outNames?.[i] ?? (outTypes.length === 1 ? v.alias?.aliasname ?? name : name));
    const schema: Field[] = outTypes.map((t, i) => ({ name: names[i]!, type: t }));
    if (v.ordinality) { names.push(colnames[outTypes.length] ?? 'ordinality'); schema.push({ name: names[names.length - 1]!, type: T.int8 }); }
    const plan: LogicalPlan = { kind: 'tablefunc', name: fname, args, withOrdinality: !!v.ordinality, schema };
    const cols = scopeOf(alias, names, schema.map((f) => f.type));
    // A function of one named column (jsonb_array_elements: value) returns a plain value, so its
    // alias also names that value (PostgreSQL's whole-row reference to a scalar function).
    if (outNames && outTypes.length === 1 && v.alias && !colnames.length && !RECORD_FUNCTIONS.has(name)) cols.push({ ...cols[0]!, name: alias, star: false });
    return { plan, scope: new Scope(cols) };
  }

  /**
   * json(b)_populate_record(set)(NULL::t, doc): the row type is a table's; it runs as
   * json(b)_to_record(set) with the table's columns.
   */
  private bindPopulateRecord(call: PgNode, name: string, ctx: BindContext): { args: Expr[]; outTypes: SqlType[]; outNames: string[]; fname: string } {
    const [base, doc] = (call.args ?? []) as PgNode[];
    const cast = base?.TypeCast;
    const names: string[] = ((cast?.typeName?.names ?? []) as PgNode[]).map(strVal);
    const entry = cast && cast.arg?.A_Const?.isnull && names.length
      ? this.catalog.get(this.catalog.key(names[names.length - 1]!, names.length > 1 ? names[names.length - 2] : undefined))
      : undefined;
    if (!entry || entry.kind !== 'table' || !doc || (call.args as PgNode[]).length !== 2) {
      throw err(SqlState.featureNotSupported, `${name} is supported with NULL::table_name as its first argument and a document as its second`, call);
    }
    const jt = name.startsWith('jsonb') ? T.jsonb : T.json;
    const d = bindExpr(this, ctx, doc);
    if (d.type.id !== jt.id && d.type.id !== 'unknown') throw err(SqlState.undefinedFunction, `function ${name}(${names.join('.')}, ${typeName(d.type)}) does not exist`, call);
    const cols: RecordColumns = { names: entry.columns.map((c) => c.name), types: entry.columns.map((c) => c.type) };
    return {
      args: [coerce(d, jt), { kind: 'const', value: cols, type: T.unknown }],
      outTypes: cols.types, outNames: cols.names, fname: name.replace('populate_record', 'to_record'),
    };
  }

  private bindJoin(v: PgNode, ctx: BindContext, outerLeft: Scope | null = null): { plan: LogicalPlan; scope: Scope } {
    const l = this.bindFromItem(v.larg, ctx, outerLeft);
    if (l.lateral) throw err(SqlState.featureNotSupported, 'LATERAL references into the left side of a JOIN are not supported', v.larg);
    const r = this.bindFromItem(v.rarg, ctx, l.scope);
    this.checkDuplicateAliases(l.scope, r.scope, v.rarg);
    const jt: JoinType = v.jointype === 'JOIN_LEFT' ? 'left' : v.jointype === 'JOIN_RIGHT' ? 'right' : v.jointype === 'JOIN_FULL' ? 'full' : 'inner';
    if (r.lateral && r.lateral.length && (jt === 'right' || jt === 'full')) {
      throw err(SqlState.invalidColumnReference, `The combining JOIN type must be INNER or LEFT for a LATERAL reference.`, v);
    }
    const joined = this.joinPlans(l, r, jt, null, r.lateral);
    let using: string[] | null = null;
    if (v.isNatural) {
      const rnames = new Set(r.scope.cols.filter((c) => c.unqualified).map((c) => c.name));
      using = [...new Set(l.scope.cols.filter((c) => c.unqualified && rnames.has(c.name)).map((c) => c.name))];
    } else if (v.usingClause) using = (v.usingClause as PgNode[]).map(strVal);
    let on: Expr | null = null;
    let scope = joined.scope;
    if (using) {
      const merged: ScopeColumn[] = [];
      const conds: Expr[] = [];
      const hidden = new Set<ScopeColumn>();
      for (const name of using) {
        const lc = l.scope.find(name, null);
        const rc0 = r.scope.find(name, null);
        if (!lc) throw err(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in left table`, v);
        if (!rc0) throw err(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in right table`, v);
        const rc = joined.scope.cols[l.scope.cols.length + r.scope.cols.indexOf(rc0)]!;
        const eq = bindOperator('=', [lc.expr, rc.expr], v) as Extract<Expr, { kind: 'call' }>;
        conds.push(eq);
        const [le, re] = eq.args as [Expr, Expr];
        const type = le.type;
        const mexpr: Expr = jt === 'full' ? { kind: 'coalesce', args: [le, coerce(re, type)], type }
          : jt === 'right' ? coerce(re, type) : le;
        merged.push({ name, table: null, expr: mexpr, star: true, unqualified: true });
        hidden.add(lc); hidden.add(rc);
      }
      on = conds.length === 1 ? conds[0]! : { kind: 'and', args: conds, type: T.bool };
      const rest = joined.scope.cols.map((c) => (hidden.has(c) ? { ...c, star: false, unqualified: false } : c));
      scope = new Scope([...merged, ...rest]);
    } else if (v.quals) {
      const jctx: BindContext = { ...ctx, scope: joined.scope, aggs: null, windows: null, clause: 'JOIN conditions' };
      on = requireBool(bindExpr(this, jctx, v.quals), 'JOIN/ON', v.quals);
    }
    const plan = { ...(joined.plan as Extract<LogicalPlan, { kind: 'join' }>), on };
    if (v.alias) {
      const alias: string = v.alias.aliasname;
      const vis = scope.cols.filter((c) => c.star);
      const names = this.aliasNames(vis.map((c) => c.name), v.alias);
      // An aliased join hides the names of the tables inside it.
      return { plan, scope: new Scope(vis.map((c, i) => ({ ...c, name: names[i]!, table: alias, unqualified: true }))) };
    }
    return { plan, scope };
  }

  // ---- SELECT ----

  private bindSimpleSelect(s: PgNode, ctx: BindContext): BoundQuery {
    const branch = this.setOpBranch;
    this.setOpBranch = false;
    try {
      // DISTINCT compares the items, which resolves them (to text) in PostgreSQL as well.
      return this.bindSelectBody(s, ctx, branch || (s === this.insertSource && !s.distinctClause));
    } finally {
      this.setOpBranch = branch;
    }
  }

  private bindSelectBody(s: PgNode, ctx: BindContext, keepUnknown: boolean): BoundQuery {
    if (s.intoClause) throw err(SqlState.featureNotSupported, 'SELECT INTO is not supported; use CREATE TABLE AS', s);
    const from = this.bindFrom(s.fromClause ?? [], ctx);
    let plan = from.plan;
    const fctx: BindContext = { ...ctx, scope: from.scope, aggs: null, windows: null, clause: 'WHERE' };
    if (s.whereClause) {
      const pred = requireBool(bindExpr(this, fctx, s.whereClause), 'WHERE', s.whereClause);
      plan = { kind: 'filter', input: plan, predicate: pred, schema: plan.schema };
    }
    const aggs = new AggCollector();
    const wins = new WindowCollector();
    const windowDefs = new Map<string, PgNode>();
    for (const w of (s.windowClause ?? []) as PgNode[]) {
      const def = w.WindowDef;
      if (windowDefs.has(def.name)) throw err(SqlState.windowingError, `window "${def.name}" is already defined`, def);
      windowDefs.set(def.name, { ...def, name: undefined });
    }
    const srfs = new SrfCollector();
    const sctx: BindContext = { ...ctx, scope: from.scope, aggs, windows: wins, clause: 'SELECT', windowDefs, srfs };

    // Select list (stars expanded).
    const targets: Expr[] = [];
    const names: string[] = [];
    for (const rt of (s.targetList ?? []) as PgNode[]) {
      const r = rt.ResTarget;
      const val = r.val;
      const cref = val.ColumnRef;
      if (cref && strVal(cref.fields[cref.fields.length - 1]) === '*') {
        const fields = (cref.fields as PgNode[]).map(strVal);
        const table = fields.length >= 2 ? fields[fields.length - 2]! : null;
        // t.* lists all of t's columns, USING-merged ones included; * lists what the FROM shows.
        const pick = from.scope.cols.filter((c) => (table === null ? c.star : c.table === table));
        if (table !== null && pick.length === 0) throw err(SqlState.undefinedTable, `missing FROM-clause entry for table "${table}"`, cref);
        if (table === null && (s.fromClause ?? []).length === 0) throw err(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', cref);
        for (const c of pick) { targets.push(c.expr); names.push(c.name); }
        continue;
      }
      let e = bindExpr(this, sctx, val);
      if (e.type.id === 'unknown' && !keepUnknown) e = coerce(e, T.text);
      targets.push(e);
      names.push(r.name ?? figureColname(val));
    }

    // GROUP BY
    const groupExprs: Expr[] = [];
    const groupKeys = new Map<string, number>();
    // As in PostgreSQL, a GROUP BY item naming a select-list entry (by alias, position, or an
    // equal expression: the first such entry) groups by that entry. Two entries with the same
    // expression are two grouping columns, nulled separately by grouping sets.
    const targetKey = new Map<number, number>();
    const targetExprKeys = targets.map(exprKey);
    const addKey = (e: Expr, target: number | null = null): number => {
      const k = exprKey(e);
      const ti = target ?? targetExprKeys.indexOf(k);
      let i = ti >= 0 ? targetKey.get(ti) : groupKeys.get(k);
      if (i === undefined) {
        i = groupExprs.length;
        groupExprs.push(e);
        if (ti >= 0) targetKey.set(ti, i);
        if (!groupKeys.has(k)) groupKeys.set(k, i);
      }
      return i;
    };
    const gctx: BindContext = { ...ctx, scope: from.scope, aggs: null, windows: null, clause: 'GROUP BY' };
    const bindGroupItem = (n: PgNode): number => {
      nonIntegerConstant(n, 'GROUP BY');
      const p = positionalRef(n, targets.length, 'GROUP BY');
      if (p !== null) {
        if (containsRef(targets[p]!, AGG_BASE)) throw err(SqlState.groupingError, 'aggregate functions are not allowed in GROUP BY', n);
        return addKey(targets[p]!, p);
      }
      const cref = n.ColumnRef;
      if (cref && cref.fields.length === 1) {
        const name = strVal(cref.fields[0]);
        // An input column wins over an output alias of the same name, as in PostgreSQL.
        if (!from.scope.find(name, null)) {
          const ti = names.indexOf(name);
          if (ti >= 0) return addKey(targets[ti]!, ti);
        }
      }
      return addKey(bindExpr(this, gctx, n));
    };
    let sets: number[][] | null = null;
    if (s.groupClause) {
      const setLists: number[][][] = [];
      for (const g of s.groupClause as PgNode[]) {
        if (g.GroupingSet) setLists.push(this.groupingSet(g.GroupingSet, bindGroupItem));
        else setLists.push([[bindGroupItem(g)]]);
      }
      if (setLists.some((l) => l.length !== 1 || (s.groupClause as PgNode[]).some((g: PgNode) => g.GroupingSet))) {
        // Cross product of the items' set lists, as GROUP BY a, ROLLUP(b, c) means.
        let acc: number[][] = [[]];
        for (const l of setLists) acc = acc.flatMap((a) => l.map((b) => [...a, ...b]));
        sets = acc.map((x) => [...new Set(x)].sort((a, b) => a - b));
        // GROUP BY DISTINCT: each grouping set once.
        if (s.groupDistinct) sets = [...new Map(sets.map((x) => [x.join(','), x])).values()];
      }
    }
    const having = s.havingClause ? requireBool(bindExpr(this, { ...sctx, srfs: null, clause: 'HAVING' }, s.havingClause), 'HAVING', s.havingClause) : null;

    // ORDER BY (bound in the select-list context so it may use aggregates and window calls).
    const orderKeys: SortKey[] = [];
    const extraTargets: Expr[] = [];
    if (s.sortClause) {
      for (const x of s.sortClause as PgNode[]) {
        const sb = x.SortBy;
        orderKeys.push(bindSortBy(this, { ...sctx, clause: 'ORDER BY' }, sb, (n) => {
          nonIntegerConstant(n, 'ORDER BY');
          const p = positionalRef(n, names.length);
          if (p !== null) return { kind: 'col', index: -1 - p, type: targets[p]!.type };
          const cref = n.ColumnRef;
          if (cref && cref.fields.length === 1) {
            const name = strVal(cref.fields[0]);
            const hits = names.map((nm, i) => (nm === name ? i : -1)).filter((i) => i >= 0);
            if (hits.length > 0) {
              const first = targets[hits[0]!]!;
              if (hits.some((h) => exprKey(targets[h]!) !== exprKey(first))) throw err(SqlState.ambiguousColumn, `ORDER BY "${name}" is ambiguous`, n);
              return { kind: 'col', index: -1 - hits[0]!, type: first.type };
            }
          }
          return bindExpr(this, { ...sctx, clause: 'ORDER BY' }, n);
        }));
      }
    }
    const isAgg = aggs.aggs.length > 0 || aggs.grouping || s.groupClause !== undefined || having !== null;

    // Resolve ORDER BY keys to target positions (negative markers) or hidden extra targets.
    const targetKeys = targets.map(exprKey);
    const sortRefs: { idx: number; desc: boolean; nullsFirst: boolean }[] = orderKeys.map((k) => {
      if (k.expr.kind === 'col' && k.expr.index < 0) return { idx: -1 - k.expr.index, desc: k.desc, nullsFirst: k.nullsFirst };
      const ti = targetKeys.indexOf(exprKey(k.expr));
      if (ti >= 0) return { idx: ti, desc: k.desc, nullsFirst: k.nullsFirst };
      extraTargets.push(k.expr);
      return { idx: targets.length + extraTargets.length - 1, desc: k.desc, nullsFirst: k.nullsFirst };
    });

    // DISTINCT ON keys
    let distinctOn: number[] | null = null;
    const distinct = s.distinctClause as PgNode[] | undefined;
    if (distinct && distinct.length > 0 && Object.keys(distinct[0]).length > 0) {
      distinctOn = distinct.map((n) => {
        const p = positionalRef(n, names.length);
        if (p !== null) return p;
        const cref = n.ColumnRef;
        if (cref && cref.fields.length === 1) {
          const i = names.indexOf(strVal(cref.fields[0]));
          if (i >= 0) return i;
        }
        const e = bindExpr(this, sctx, n);
        const ti = targetKeys.indexOf(exprKey(e));
        if (ti >= 0) return ti;
        extraTargets.push(e);
        return targets.length + extraTargets.length - 1;
      });
    }

    let all = [...targets, ...extraTargets];
    if (!isAgg) groupingWithoutGroupBy(all);
    let havingE = having;
    let windowCalls = wins.calls;
    let srfCalls = srfs.calls;
    if (isAgg) {
      // Columns of a table grouped by its primary key are functionally dependent on the key:
      // PostgreSQL allows them ungrouped, and grouping by them as well gives the same groups.
      const pre = (e: Expr): void => { rewriteForAggregate(e, groupExprs, groupKeys, groupExprs.length, -1, (x) => {
        const sc = from.scope.cols.find((c) => c.expr.kind === 'col' && c.expr.index === x.index && c.source);
        const src = sc?.source;
        const pk = src?.table.constraints.find((k) => k.kind === 'primary');
        if (src && pk && pk.columns.every((pc) => {
          const keyCol = from.scope.cols.find((c) => c.source && c.source.table === src.table && c.source.column === pc);
          return keyCol !== undefined && groupKeys.has(exprKey(keyCol.expr));
        })) addKey(x);
        return x;
      }); };
      if (!sets) { [...targets, ...extraTargets].forEach(pre); if (having) pre(having); }
      const nk = groupExprs.length;
      const hasSets = sets !== null;
      const ungrouped = (x: Extract<Expr, { kind: 'col' }>, inSubquery: boolean): never => {
        const sc = from.scope.cols.find((c) => c.expr.kind === 'col' && c.expr.index === x.index);
        const name = sc ? (sc.table ? `${sc.table}.${sc.name}` : sc.name) : `#${x.index}`;
        if (inSubquery) throw new QuiverError(SqlState.groupingError, `subquery uses ungrouped column "${name}" from outer query`);
        throw new QuiverError(SqlState.groupingError, `column "${name}" must appear in the GROUP BY clause or be used in an aggregate function`);
      };
      const rewrite = (e: Expr): Expr => rewriteForAggregate(e, groupExprs, groupKeys, nk, hasSets ? nk + aggs.aggs.length : -1, ungrouped);
      const aggNode: LogicalPlan = {
        kind: 'aggregate', input: plan, groupBy: groupExprs, aggs: aggs.aggs, groupingSets: sets,
        schema: [
          ...groupExprs.map((g, i) => ({ name: `group${i}`, type: g.type })),
          ...aggs.aggs.map((a, i) => ({ name: `${a.fn.name}${i}`, type: a.type })),
          ...(hasSets ? [{ name: 'grouping_id', type: T.int4 }] : []),
        ],
      };
      plan = aggNode;
      all = all.map((e, i) => {
        const k = targetKey.get(i);
        return k === undefined ? rewrite(e) : { kind: 'col', index: k, type: groupExprs[k]!.type };
      });
      if (havingE) havingE = rewrite(havingE);
      windowCalls = windowCalls.map((w) => rewriteWindow(w, rewrite));
      srfCalls = srfCalls.map((c) => ({ ...c, args: c.args.map(rewrite) }));
    }
    if (havingE) plan = { kind: 'filter', input: plan, predicate: havingE, schema: plan.schema };
    let winBase = -1;
    if (windowCalls.length > 0) {
      const base = plan.schema.length;
      winBase = base;
      plan = {
        kind: 'window', input: plan, calls: windowCalls,
        schema: [...plan.schema, ...windowCalls.map((w, i) => ({ name: `${w.fn.name}${i}`, type: w.type }))],
      };
      all = all.map((e) => remapRefs(e, WIN_BASE, base));
    }
    for (const e of all) {
      if (containsRef(e, WIN_BASE)) throw err(SqlState.windowingError, 'window functions are not allowed here', s);
    }
    if (srfCalls.length > 0) {
      const base = plan.schema.length;
      const calls = srfCalls.map((c) => ({ name: c.name, args: c.args.map((a) => (winBase >= 0 ? remapRefs(a, WIN_BASE, winBase) : a)) }));
      plan = {
        kind: 'project_set', input: plan, calls,
        schema: [...plan.schema, ...srfCalls.map((c, i) => ({ name: `${c.name}${i}`, type: c.type }))],
      };
      all = all.map((e) => remapRefs(e, SRF_BASE, base));
    }
    const fields: Field[] = all.map((e, i) => ({ name: names[i] ?? `?sort${i}`, type: e.type }));
    plan = { kind: 'project', input: plan, exprs: all, schema: fields };
    const visible = targets.length;
    const sortKeys: SortKey[] = sortRefs.map((r) => ({ expr: { kind: 'col', index: r.idx, type: fields[r.idx]!.type }, desc: r.desc, nullsFirst: r.nullsFirst }));
    if (distinct && distinctOn === null) {
      // Plain DISTINCT: ORDER BY may use only select-list expressions.
      if (sortRefs.some((r) => r.idx >= visible)) {
        throw err(SqlState.invalidColumnReference, 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', s.sortClause[0]);
      }
      plan = { kind: 'distinct', input: plan, onKeys: null, schema: plan.schema };
      if (sortKeys.length) plan = { kind: 'sort', input: plan, keys: sortKeys, schema: plan.schema };
    } else if (distinctOn) {
      // DISTINCT ON keeps the first row of each key in ORDER BY order; its keys must lead ORDER BY.
      const onSet = new Set(distinctOn);
      for (let i = 0; i < Math.min(sortRefs.length, distinctOn.length); i++) {
        if (!onSet.has(sortRefs[i]!.idx)) throw err(SqlState.invalidColumnReference, 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', s.sortClause[0]);
      }
      if (sortKeys.length) plan = { kind: 'sort', input: plan, keys: sortKeys, schema: plan.schema };
      plan = { kind: 'distinct', input: plan, onKeys: distinctOn.map((i) => ({ kind: 'col', index: i, type: fields[i]!.type })), schema: plan.schema };
    } else if (sortKeys.length) {
      plan = { kind: 'sort', input: plan, keys: sortKeys, schema: plan.schema };
    }
    plan = this.applyLimit(s, ctx, plan);
    if (all.length > visible) {
      plan = { kind: 'project', input: plan, exprs: fields.slice(0, visible).map((f, i) => ({ kind: 'col', index: i, type: f.type })), schema: fields.slice(0, visible) };
    }
    return { plan, names: names.slice(0, visible) };
  }

  private groupingSet(g: PgNode, bindItem: (n: PgNode) => number): number[][] {
    const content = (g.content ?? []) as PgNode[];
    const item = (n: PgNode): number[] => {
      if (n.RowExpr) return ((n.RowExpr.args ?? []) as PgNode[]).map(bindItem);
      if (n.GroupingSet) {
        const inner = this.groupingSet(n.GroupingSet, bindItem);
        if (inner.length !== 1) throw err(SqlState.featureNotSupported, 'nested grouping sets are not supported here', n);
        return inner[0]!;
      }
      return [bindItem(n)];
    };
    switch (g.kind) {
      case 'GROUPING_SET_EMPTY': return [[]];
      case 'GROUPING_SET_SIMPLE': return [content.flatMap(item)];
      case 'GROUPING_SET_ROLLUP': {
        const parts = content.map(item);
        const out: number[][] = [];
        for (let i = parts.length; i >= 0; i--) out.push(parts.slice(0, i).flat());
        return out;
      }
      case 'GROUPING_SET_CUBE': {
        const parts = content.map(item);
        const out: number[][] = [];
        const n = parts.length;
        for (let m = (1 << n) - 1; m >= 0; m--) {
          const s: number[] = [];
          for (let i = 0; i < n; i++) if (m & (1 << (n - 1 - i))) s.push(...parts[i]!);
          out.push(s);
        }
        return out;
      }
      case 'GROUPING_SET_SETS': {
        return content.flatMap((c) => (c.GroupingSet ? this.groupingSet(c.GroupingSet, bindItem) : [item(c)]));
      }
      default: throw err(SqlState.featureNotSupported, `unsupported grouping set ${g.kind}`, g);
    }
  }
}


/** Any other bare constant there is an error in PostgreSQL (it would sort or group by nothing). */
function nonIntegerConstant(n: PgNode, clause: string): void {
  const c = n.A_Const;
  if (c && c.ival === undefined && !c.isnull) {
    throw new QuiverError(SqlState.syntaxError, `non-integer constant in ${clause}`, c.location !== undefined ? { position: c.location + 1 } : {});
  }
}

/** A bare integer constant in ORDER BY / GROUP BY / DISTINCT ON is a select-list position. */
function positionalRef(n: PgNode, count: number, clause = 'ORDER BY'): number | null {
  const c = n.A_Const;
  if (!c || c.ival === undefined) return null;
  const p = (c.ival.ival ?? 0) as number;
  if (p < 1 || p > count) {
    throw new QuiverError(SqlState.invalidColumnReference, `${clause} position ${p} is not in select list`, c.location !== undefined ? { position: c.location + 1 } : {});
  }
  return p - 1;
}

function shiftCols(e: Expr, by: number): Expr {
  return transformExpr(e, (x) => (x.kind === 'col' && x.index < AGG_BASE ? { ...x, index: x.index + by } : x));
}

function containsRef(e: Expr, base: number): boolean {
  let found = false;
  const walk = (x: Expr): void => {
    if (x.kind === 'col' && x.index >= base && x.index < base + 1_000_000) found = true;
    mapChildren(x, (c) => { walk(c); return c; });
  };
  walk(e);
  return found;
}

/** GROUPING(...) in a query that does not group: the reference to the grouping sets has nothing to read. */
function groupingWithoutGroupBy(exprs: Expr[]): void {
  for (const e of exprs) {
    if (!containsRef(e, GROUPING_ID)) continue;
    let outer = false;
    const walk = (x: Expr): void => {
      if (x.kind === 'call' && x.fn === (groupingFn as unknown) && x.args.slice(1).some((a) => a.kind === 'outer')) outer = true;
      mapChildren(x, (c) => { walk(c); return c; });
    };
    walk(e);
    // PostgreSQL evaluates GROUPING of an enclosing query's columns at that query's level.
    if (outer) throw new QuiverError(SqlState.featureNotSupported, 'GROUPING of an enclosing query\'s columns inside a subquery is not supported');
    throw new QuiverError(SqlState.groupingError, 'arguments to GROUPING must be grouping expressions of the associated query level');
  }
}

function remapRefs(e: Expr, base: number, to: number): Expr {
  return transformExpr(e, (x) => (x.kind === 'col' && x.index >= base && x.index < base + 1_000_000 ? { ...x, index: to + x.index - base } : x));
}


/**
 * Rewrites a select-list expression over the Aggregate's output: group-key subtrees become key
 * columns, aggregate refs become aggregate columns; any other column is a grouping error.
 */
function rewriteForAggregate(e: Expr, keys: Expr[], keyIdx: Map<string, number>, nk: number, gidCol: number, ungrouped: (x: Extract<Expr, { kind: 'col' }>, inSubquery: boolean) => Expr): Expr {
  let inSubquery = false;
  const rec = (x: Expr): Expr => {
    if (x.kind === 'call' && x.fn === (groupingFn as unknown)) {
      const positions = x.args.slice(1).map((a) => {
        const k = keyIdx.get(exprKey(a));
        if (k === undefined) throw new QuiverError(SqlState.groupingError, 'arguments to GROUPING must be grouping expressions of the associated query level');
        return k;
      });
      if (gidCol < 0) return { kind: 'const', value: 0, type: T.int4 };
      return groupingBits({ kind: 'col', index: gidCol, type: T.int4 }, positions);
    }
    const k = keyIdx.get(exprKey(x));
    if (k !== undefined && x.kind !== 'const') return { kind: 'col', index: k, type: keys[k]!.type };
    if (x.kind === 'col') {
      if (x.index >= AGG_BASE && x.index < WIN_BASE) return { kind: 'col', index: nk + x.index - AGG_BASE, type: x.type };
      if (x.index >= WIN_BASE) return x;
      return ungrouped(x, inSubquery);
    }
    if (x.kind === 'subquery') {
      // A subquery's outer values are read per group, so they too must be grouped (or aggregates).
      const was = inSubquery;
      inSubquery = true;
      let outerArgs: Expr[];
      try { outerArgs = x.outerArgs.map(rec); } finally { inSubquery = was; }
      return { ...x, outerArgs, test: x.test ? rec(x.test) : null };
    }
    return mapChildren(x, rec);
  };
  return rec(e);
}

/** GROUPING(a, b, ...): bit (n-1-i) set when argument i is not grouped in the row's set. */
function groupingBits(gid: Expr, positions: number[]): Expr {
  const fn = {
    name: 'grouping_bits', args: ['int4' as const], ret: T.int4, strict: true,
    inline: ([g]: string[]) => `(${positions.map((p, i) => `(((${g} >> ${p}) & 1) << ${positions.length - 1 - i})`).join(' | ') || '0'})`,
  };
  return { kind: 'call', fn, args: [gid], type: T.int4 };
}

function rewriteWindow(w: WindowCall, f: (e: Expr) => Expr): WindowCall {
  return {
    ...w,
    args: w.args.map(f),
    filter: w.filter ? f(w.filter) : null,
    partitionBy: w.partitionBy.map(f),
    orderBy: w.orderBy.map((k) => ({ ...k, expr: f(k.expr) })),
    frame: {
      ...w.frame,
      start: 'offset' in w.frame.start ? { ...w.frame.start, offset: f(w.frame.start.offset) } : w.frame.start,
      end: 'offset' in w.frame.end ? { ...w.frame.end, offset: f(w.frame.end.offset) } : w.frame.end,
    },
  };
}

