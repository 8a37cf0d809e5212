/** INSERT, UPDATE, DELETE: bind to a plan that computes the table's new rows, check, then store. */
import type { PgNode } from '../sql/parser.js';
import { TableData, type Catalog, type TableEntry } from '../catalog/catalog.js';
import type { Expr } from '../logical/expr.js';
import { columnsUsed, remapColumns } from '../logical/expr.js';
import type { LogicalPlan } from '../logical/plan.js';
import type { Batch } from '../common/vector.js';
import { concatBatches, takeBatch, takeVector, VectorBuilder } from '../common/vector.js';
import { GroupTable } from '../physical/group_table.js';
import { T, typeName } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { SelectBinder } from '../sql/bind_select.js';
import { anchorCtes } from '../sql/bind_cte.js';
import { orderPredicate } from '../logical/optimizer/order_conjuncts.js';
import { bindExpr, requireBool, strVal, nodeType, figureColname, firstPosition } from '../sql/bind_expr.js';
import { canAssign, coerce, paramNumberTo } from '../sql/coerce.js';
import { Scope, scopeOf, conflictingTable, type ScopeColumn } from '../sql/scope.js';
import type { BindContext } from '../sql/context.js';
import { checkChecks, checkNotNull, checkUnique } from './constraints.js';
import type { StatementResult } from './statement.js';
import type { ExecContext } from '../physical/context.js';

export type RunPlan = (p: LogicalPlan) => Promise<Batch[]>;

function emptyCtx(scope: Scope, clause: string, ctes: Ctes = new Map()): BindContext {
  return { scope, outer: null, aggs: null, windows: null, clause, ctes };
}

type Ctes = BindContext['ctes'];

/** The statement's WITH queries, visible to every part of it except the target table's name. */
function statementCtes(binder: SelectBinder, s: PgNode, run: RunPlan): { ctes: Ctes; run: RunPlan } {
  const ctes: Ctes = new Map();
  if (!s.withClause) return { ctes, run };
  const states = binder.bindWith(s, emptyCtx(Scope.empty(), 'WITH', ctes));
  // A CTE computed once (read twice, volatile, MATERIALIZED) is defined above each plan the
  // statement runs that reads it.
  return { ctes, run: (p) => run(anchorCtes(p, states)) };
}

/** Cast to a column's type with assignment rules, or PostgreSQL's 42804 error. */
function assign(e: Expr, t: TableEntry, c: number): Expr {
  const col = t.columns[c]!;
  // A number parameter is read from its text by the column type's input, whatever that type is.
  const viaText = paramNumberTo(e, col.type, false);
  if (viaText) return viaText;
  if (!canAssign(e.type, col.type)) {
    throw new QuiverError(SqlState.datatypeMismatch, `column "${col.name}" is of type ${typeName(col.type)} but expression is of type ${typeName(e.type)}`, {
      hint: 'You will need to rewrite or cast the expression.',
    });
  }
  return coerce(e, col.type, false);
}

function defaultExpr(binder: SelectBinder, t: TableEntry, c: number): Expr {
  const col = t.columns[c]!;
  if (col.serial) {
    const s = col.serial;
    const fn = { name: 'nextval', args: [], ret: T.int8, strict: false, volatile: true, impl: () => s.next++ };
    return coerce({ kind: 'call', fn, args: [], type: T.int8 }, col.type);
  }
  if (!col.defaultNode) return { kind: 'const', value: null, type: col.type };
  return assign(bindExpr(binder, emptyCtx(Scope.empty(), 'DEFAULT expressions'), col.defaultNode), t, c);
}

function targetTable(catalog: Catalog, rv: PgNode): TableEntry {
  const e = catalog.get(catalog.key(rv.relname, rv.schemaname));
  if (!e) throw new QuiverError(SqlState.undefinedTable, `relation "${rv.relname}" does not exist`, rv.location !== undefined ? { position: rv.location + 1 } : {});
  if (e.kind !== 'table') throw new QuiverError(SqlState.wrongObjectType, `cannot change view "${rv.relname}"`, { detail: 'Views are read-only.' });
  return e;
}

function store(catalog: Catalog, t: TableEntry, rows: Batch, ctx: ExecContext, mode: 'append' | 'replace'): void {
  checkNotNull(t, rows);
  checkChecks(catalog, t, rows, ctx);
  const chunks = mode === 'append' ? [...t.data.snapshot(), rows] : [rows];
  if (t.constraints.some((k) => k.kind !== 'check')) checkUnique(t, chunks);
  if (mode === 'append') t.data.append(rows);
  else t.data.replace([rows]);
  catalog.touch();
}

export async function insert(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext): Promise<StatementResult> {
  const t = targetTable(catalog, s.relation);
  const onConflict: string | null = s.onConflictClause ? s.onConflictClause.action : null;
  const binder = new SelectBinder(catalog, params);
  const targetCols: number[] = s.cols
    ? (s.cols as PgNode[]).map((c) => {
      const name: string = c.ResTarget.name;
      const i = t.columns.findIndex((x) => x.name === name);
      if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${name}" of relation "${s.relation.relname}" does not exist`, c.ResTarget.location !== undefined ? { position: c.ResTarget.location + 1 } : {});
      return i;
    })
    : t.columns.map((_, i) => i);
  // Without a column list, a shorter row fills the leading columns (the rest take defaults).
  if (!s.cols) {
    const sel0 = s.selectStmt?.SelectStmt;
    // A loop, not Math.max(...lists): a spread over hundreds of thousands of rows overflows the stack.
    const width = sel0?.valuesLists ? (sel0.valuesLists as PgNode[]).reduce((m: number, l: PgNode) => Math.max(m, (l.List?.items ?? []).length), -Infinity) : null;
    if (width !== null && width < targetCols.length) targetCols.length = width;
  }
  if (new Set(targetCols).size !== targetCols.length) {
    throw new QuiverError(SqlState.duplicateColumn, 'column specified more than once');
  }
  // RETURNING is bound (and later evaluated) before anything is stored: a failing statement writes nothing.
  const { ctes, run: runWith } = statementCtes(binder, s, run);
  run = runWith;
  const ret = bindReturning(binder, targetScope(t, s.relation), s, ctes);
  const schema = t.columns.map((c) => ({ name: c.name, type: c.type }));
  let plan: LogicalPlan;
  const sel = s.selectStmt?.SelectStmt;
  const fill = (given: (Expr | null)[]): Expr[] => fillRow(binder, t, targetCols, given);
  if (!sel) {
    plan = { kind: 'values', rows: [fill([])], schema };
  } else if (sel.valuesLists && !sel.op?.startsWith('SETOP_U') && !sel.sortClause && !sel.limitCount && (!sel.op || sel.op === 'SETOP_NONE')) {
    // VALUES rows are coerced straight to the column types (DEFAULT allowed per item).
    const rows = (sel.valuesLists as PgNode[]).map((l) => {
      const items = (l.List?.items ?? []) as PgNode[];
      const at = (n: PgNode | undefined): { position?: number } => (n && typeof n[Object.keys(n)[0]!]?.location === 'number' ? { position: n[Object.keys(n)[0]!].location + 1 } : {});
      if (items.length > targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more expressions than target columns', at(items[targetCols.length]));
      if (items.length < targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more target columns than expressions', at(s.cols?.[items.length]));
      return fill(items.map((n) => (nodeType(n) === 'SetToDefault' ? null : bindExpr(binder, emptyCtx(Scope.empty(), 'VALUES', ctes), n))));
    });
    plan = { kind: 'values', rows, schema };
  } else {
    binder.insertSource = sel;
    const q = binder.bindQuery(sel, emptyCtx(Scope.empty(), 'SELECT', ctes));
    binder.insertSource = null;
    if (!s.cols && q.plan.schema.length < targetCols.length) targetCols.length = q.plan.schema.length;
    if (q.plan.schema.length > targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more expressions than target columns', firstPosition(sel.targetList?.[targetCols.length] ?? sel));
    if (q.plan.schema.length < targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more target columns than expressions', firstPosition(s.cols?.[q.plan.schema.length] ?? sel));
    const given = q.plan.schema.map((f, i): Expr => {
      // A number parameter selected as is goes into its column as PostgreSQL reads its text, as in VALUES.
      const top = q.plan.kind === 'project' ? q.plan.exprs[i]! : null;
      if (top && top.kind === 'param' && (top.type.id === 'float8' || top.type.id === 'int4' || top.type.id === 'int8')) return top;
      // An untyped column (a NULL, a quoted literal, a string parameter) takes its target column's
      // type, as PostgreSQL leaves the select list of INSERT ... SELECT unresolved for that.
      return { kind: 'col', index: i, type: f.type };
    });
    plan = { kind: 'project', input: q.plan, exprs: fill(given), schema };
  }
  // ON CONFLICT DO UPDATE is bound, as the whole statement is in PostgreSQL, before any row is read.
  const onUpdate = onConflict === 'ONCONFLICT_UPDATE' ? bindUpsert(binder, t, s, ctes) : null;
  const batches = await run(plan);
  let rows = concatBatches(t.columns.map((c) => c.type), batches.length ? batches : [emptyBatch(t)]);
  if (onConflict) {
    // PostgreSQL checks a proposed row's NOT NULL and CHECK constraints before it looks for a
    // conflict: a row that conflicts is refused by them all the same.
    checkNotNull(t, rows);
    checkChecks(catalog, t, rows, ctx);
  }
  if (onUpdate) return upsert(catalog, t, onUpdate, rows, ctx, run, ret);
  if (onConflict) rows = withoutConflicts(t, rows);
  const result = await returning(ret, rows, run, 'INSERT', rows.length);
  if (rows.length > 0) store(catalog, t, rows, ctx, 'append');
  return result;
}

/** A whole row of t from the values given for targetCols: assignment casts, and defaults for the other columns. */
function fillRow(binder: SelectBinder, t: TableEntry, targetCols: number[], given: (Expr | null)[]): Expr[] {
  const out: Expr[] = [];
  for (let c = 0; c < t.columns.length; c++) {
    const k = targetCols.indexOf(c);
    const g = k >= 0 ? given[k] ?? null : null;
    out.push(g ? assign(g, t, c) : defaultExpr(binder, t, c));
  }
  return out;
}

/**
 * Appends the rows `source` yields, one column per entry of targetCols, exactly as INSERT INTO t
 * (targetCols) SELECT ... does: assignment casts, DEFAULT and serial values for the other columns,
 * then NOT NULL, CHECK and UNIQUE. `where` (COPY FROM ... WHERE) filters the completed rows.
 * COPY FROM stores its rows through here. Returns the number of rows stored.
 */
export async function insertRows(catalog: Catalog, t: TableEntry, targetCols: number[], source: LogicalPlan, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext, where: PgNode | null = null): Promise<number> {
  const binder = new SelectBinder(catalog, params);
  const given = source.schema.map((f, i): Expr => ({ kind: 'col', index: i, type: f.type }));
  const schema = t.columns.map((c) => ({ name: c.name, type: c.type }));
  let plan: LogicalPlan = { kind: 'project', input: source, exprs: fillRow(binder, t, targetCols, given), schema };
  if (where) {
    const pred = requireBool(bindExpr(binder, emptyCtx(targetScope(t, { relname: t.name }), 'COPY FROM WHERE conditions'), where), 'WHERE', where);
    plan = { kind: 'filter', input: plan, predicate: { kind: 'isbool', arg: pred, test: 'true', negated: false, type: T.bool }, schema };
  }
  const batches = await run(plan);
  const rows = concatBatches(t.columns.map((c) => c.type), batches.length ? batches : [emptyBatch(t)]);
  if (rows.length > 0) store(catalog, t, rows, ctx, 'append');
  return rows.length;
}

/**
 * INSERT ... ON CONFLICT (key) DO UPDATE SET ... [WHERE ...]: proposed rows whose key exists are
 * turned into updates of the existing row (EXCLUDED names the proposed row); the rest are
 * inserted. As in PostgreSQL, one command may not touch the same row twice.
 */
function secondTime(): never {
  throw new QuiverError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', { hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.' });
}

interface BoundUpsert { arbiter: TableEntry['constraints'][number]; sets: Map<number, Expr>; where: Expr | null }

function bindUpsert(binder: SelectBinder, t: TableEntry, s: PgNode, ctes: Ctes): BoundUpsert {
  const oc = s.onConflictClause;
  const inferCols: string[] = ((oc.infer?.indexElems ?? []) as PgNode[]).map((e) => {
    if (!e.IndexElem?.name) throw new QuiverError(SqlState.featureNotSupported, 'ON CONFLICT with expressions is not supported');
    return e.IndexElem.name as string;
  });
  const named: string | undefined = oc.infer?.conname;
  if (!named && inferCols.length === 0) {
    throw new QuiverError(SqlState.syntaxError, 'ON CONFLICT DO UPDATE requires inference specification or constraint name', { hint: 'For example, ON CONFLICT (column_name).' });
  }
  const want = new Set(inferCols.map((n) => {
    const i = t.columns.findIndex((c) => c.name === n);
    if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${n}" does not exist`);
    return i;
  }));
  const arbiter = t.constraints.find((k) => k.kind !== 'check' && (named ? k.name === named : k.columns.length === want.size && k.columns.every((c) => want.has(c))));
  if (!arbiter) {
    throw new QuiverError(SqlState.invalidColumnReference, named ? `constraint "${named}" for table "${s.relation.relname}" does not exist` : 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  const types = t.columns.map((c) => c.type);
  // SET and WHERE see the table's row and, as "excluded", the proposed one.
  const n = t.columns.length;
  const scope = new Scope([
    ...targetScope(t, s.relation).cols,
    ...scopeOf('excluded', t.columns.map((c) => c.name), types, n),
  ]);
  const bctx = emptyCtx(scope, 'ON CONFLICT', ctes);
  const sets = new Map<number, Expr>();
  for (const rt of (oc.targetList ?? []) as PgNode[]) {
    const r = rt.ResTarget;
    const c = t.columns.findIndex((x) => x.name === r.name);
    if (c < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${r.name}" of relation "${s.relation.relname}" does not exist`, r.location !== undefined ? { position: r.location + 1 } : {});
    if (sets.has(c)) throw new QuiverError(SqlState.syntaxError, `multiple assignments to same column "${r.name}"`);
    sets.set(c, nodeType(r.val) === 'SetToDefault' ? defaultExpr(binder, t, c) : assign(bindExpr(binder, bctx, r.val), t, c));
  }
  const where = oc.whereClause ? orderPredicate(requireBool(bindExpr(binder, bctx, oc.whereClause), 'WHERE', oc.whereClause)) : null;
  return { arbiter, sets, where };
}

async function upsert(catalog: Catalog, t: TableEntry, bound: BoundUpsert, proposed: Batch, ctx: ExecContext, run: RunPlan, ret: Returning | null): Promise<StatementResult> {
  const { arbiter, sets, where } = bound;
  const types = t.columns.map((c) => c.type);
  const n = t.columns.length;
  const existing = concatBatches(types, [emptyBatch(t), ...t.data.snapshot()]);
  const keyTypes = arbiter.columns.map((c) => types[c]!);
  const index = new GroupTable(keyTypes);
  const ids = new Int32Array(existing.length);
  index.insert(arbiter.columns.map((c) => existing.columns[c]!), existing.length, ids);
  // Row of the table (existing, or inserted earlier in this command) holding each key id.
  const rowOfKey: number[] = [];
  for (let i = 0; i < existing.length; i++) rowOfKey[ids[i]!] = i;
  const pids = new Int32Array(proposed.length);
  index.insert(arbiter.columns.map((c) => proposed.columns[c]!), proposed.length, pids);
  const inserts: number[] = [], conflicts: [number, number][] = [];
  for (let k = 0; k < proposed.length; k++) {
    const hasNull = arbiter.columns.some((c) => { const v = proposed.columns[c]!; return v.valid !== null && v.valid[k] === 0; });
    const target = hasNull ? undefined : rowOfKey[pids[k]!];
    if (target === undefined) {
      if (!hasNull) rowOfKey[pids[k]!] = existing.length + inserts.length;
      inserts.push(k);
      continue;
    }
    if (target >= existing.length) secondTime();
    conflicts.push([target, k]);
  }
  const pairs = conflicts.length;
  const pairBatch: Batch = {
    length: pairs,
    columns: [
      ...existing.columns.map((v) => takeVector(v, Int32Array.from(conflicts, (p) => p[0]), pairs)),
      ...proposed.columns.map((v) => takeVector(v, Int32Array.from(conflicts, (p) => p[1]), pairs)),
    ],
  };
  let chosen = conflicts.map((_, i) => i);
  if (where && pairs > 0) {
    const w = (await evalOver(run, pairBatch, [where]))[0]!;
    const d = w.data as Uint8Array;
    chosen = chosen.filter((i) => (!w.valid || w.valid[i] === 1) && d[i] === 1);
  }
  // PostgreSQL locks the conflicting row before it evaluates WHERE, and refuses a row this command
  // has already updated (or inserted, above): a row WHERE skipped is not updated, so another
  // proposed row may meet it again. WHERE saw the rows as they were, which is how the first update
  // of each sees it; a second one is refused before its WHERE would be evaluated.
  const updated = new Set<number>();
  const whereHeld = new Set(chosen);
  for (let i = 0; i < conflicts.length; i++) {
    const target = conflicts[i]![0];
    if (updated.has(target)) secondTime();
    if (whereHeld.has(i)) updated.add(target);
  }
  // SET is evaluated for the pairs WHERE kept only: a row it skips raises no error.
  const kept = takeBatch(pairBatch, Int32Array.from(chosen), chosen.length);
  const setCols = [...sets.keys()];
  const setVals = await evalOver(run, kept, setCols.map((c) => sets.get(c)!));
  const newVals = t.columns.map((_, i) => (sets.has(i) ? setVals[setCols.indexOf(i)]! : kept.columns[i]!));
  // The table after the command: updated rows in place, new rows at the end.
  const updatedAt = new Map<number, number>();
  chosen.forEach((i, k) => updatedAt.set(conflicts[i]![0], k));
  const builders = types.map((ty) => new VectorBuilder(ty, existing.length + inserts.length));
  for (let r = 0; r < existing.length; r++) {
    const u = updatedAt.get(r);
    for (let c = 0; c < n; c++) (u === undefined ? builders[c]!.pushFrom(existing.columns[c]!, r) : builders[c]!.pushFrom(newVals[c]!, u));
  }
  for (const k of inserts) for (let c = 0; c < n; c++) builders[c]!.pushFrom(proposed.columns[c]!, k);
  const all: Batch = { length: existing.length + inserts.length, columns: builders.map((b) => b.finish()) };
  const affected = inserts.length + chosen.length;
  const retRows: Batch = {
    length: affected,
    columns: all.columns.map((v) => takeVector(v, Int32Array.from([...chosen.map((i) => conflicts[i]![0]), ...inserts.map((_, j) => existing.length + j)]), affected)),
  };
  const result = await returning(ret, retRows, run, 'INSERT', affected);
  store(catalog, t, all, ctx, 'replace');
  return result;
}

/** ON CONFLICT DO NOTHING: drops rows whose unique keys exist already or earlier in the batch. */
function withoutConflicts(t: TableEntry, rows: Batch): Batch {
  let keep = new Uint8Array(rows.length).fill(1);
  for (const k of t.constraints) {
    if (k.kind === 'check') continue;
    const table = new GroupTable(k.columns.map((c) => t.columns[c]!.type));
    for (const b of t.data.snapshot()) {
      const ids = new Int32Array(b.length);
      table.insert(k.columns.map((c) => b.columns[c]!), b.length, ids);
    }
    const keys = k.columns.map((c) => rows.columns[c]!);
    const ids = new Int32Array(rows.length);
    const before = table.size;
    table.insert(keys, rows.length, ids);
    let next = before;
    const next2 = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (ids[i] === next) { next++; next2[i] = 1; continue; }
      if (keys.some((v) => v.valid && v.valid[i] === 0)) next2[i] = 1;
    }
    keep = keep.map((x, i) => x & next2[i]!);
  }
  const sel: number[] = [];
  for (let i = 0; i < rows.length; i++) if (keep[i]) sel.push(i);
  return sel.length === rows.length ? rows : takeBatch(rows, Int32Array.from(sel), sel.length);
}

interface Returning { exprs: Expr[]; names: string[] }

/**
 * RETURNING's select list, bound in the statement's scope: the target table (under its alias, if
 * any) and, for UPDATE ... FROM and DELETE ... USING, the other FROM items, whose columns follow
 * the target's. Null when the statement has none.
 */
function bindReturning(binder: SelectBinder, scope: Scope, s: PgNode, ctes: Ctes): Returning | null {
  const list = (s.returningClause?.exprs ?? s.returningList) as PgNode[] | undefined;
  if (!list || list.length === 0) return null;
  const exprs: Expr[] = [];
  const names: string[] = [];
  for (const rt of list) {
    const r = rt.ResTarget;
    const cref = r.val.ColumnRef;
    if (cref && strVal(cref.fields[cref.fields.length - 1]) === '*') {
      const fields = (cref.fields as PgNode[]).map(strVal);
      let pick: ScopeColumn[];
      if (fields.length === 1) pick = scope.cols.filter((c) => c.star);
      else {
        const table = fields[fields.length - 2]!;
        pick = scope.cols.filter((c) => c.table === table && c.star);
        if (pick.length === 0) throw new QuiverError(SqlState.undefinedTable, `missing FROM-clause entry for table "${table}"`, cref.location !== undefined ? { position: cref.location + 1 } : {});
      }
      for (const c of pick) { exprs.push(c.expr); names.push(c.name); }
      continue;
    }
    let e = bindExpr(binder, emptyCtx(scope, 'RETURNING', ctes), r.val);
    if (e.type.id === 'unknown') e = coerce(e, T.text);
    exprs.push(e);
    names.push(r.name ?? figureColname(r.val));
  }
  return { exprs, names };
}

/**
 * Expressions over rows the statement holds (not a stored table), in row order, run through the
 * planner like any query so that subqueries in them work.
 */
async function evalOver(run: RunPlan, rows: Batch, exprs: Expr[]): Promise<Batch['columns']> {
  if (exprs.length === 0) return [];
  const types = rows.columns.map((v) => v.type);
  const data = new TableData(types);
  data.replace([rows]);
  const held: TableEntry = { kind: 'table', name: 'rows', columns: types.map((type, i) => ({ name: `c${i}`, type, notNull: false, defaultNode: null })), constraints: [], data };
  const schema = exprs.map((e, i) => ({ name: `e${i}`, type: e.type }));
  const out = concatBatches(schema.map((f) => f.type), [{ length: 0, columns: schema.map((f) => emptyVector(f.type)) }, ...await run({ kind: 'project', input: scanAll(held), exprs, schema })]);
  return out.columns;
}

/** RETURNING evaluated over the rows the statement wrote (or deleted), columns as bound. */
async function returning(ret: Returning | null, rows: Batch, run: RunPlan, command: string, count: number): Promise<StatementResult> {
  if (!ret) return { command, rowCount: count };
  const cols = await evalOver(run, rows, ret.exprs);
  return { command, rowCount: count, schema: ret.exprs.map((e, i) => ({ name: ret.names[i]!, type: e.type })), batches: [{ length: rows.length, columns: cols }] };
}

/** FROM-item columns (positions from `n` on) that RETURNING reads, in order. */
function fromColumnsUsed(ret: Returning | null, n: number): number[] {
  if (!ret) return [];
  const used = new Set<number>();
  for (const e of ret.exprs) columnsUsed(e, used);
  return [...used].filter((i) => i >= n).sort((a, b) => a - b);
}

/** RETURNING's expressions over a batch of the target's columns followed by `extra` (FROM columns it reads). */
function returningOver(ret: Returning, n: number, extra: number[]): Returning {
  return { names: ret.names, exprs: ret.exprs.map((e) => remapColumns(e, (i) => (i < n ? i : n + extra.indexOf(i)))) };
}

function emptyVector(t: import('../common/types.js').SqlType): Batch['columns'][number] {
  return new VectorBuilder(t, 0).finish();
}

function emptyBatch(t: TableEntry): Batch {
  return { length: 0, columns: t.columns.map((c) => ({ type: c.type, length: 0, data: c.type.id === 'int8' ? new BigInt64Array(0) : [], valid: null })) as Batch['columns'] };
}

/** The target table as a FROM item: under its alias, or its name (and schema) when it has none. */
function targetScope(t: TableEntry, rv: PgNode): Scope {
  const alias: string | undefined = rv.alias?.aliasname;
  const schema = alias ? undefined : rv.schemaname && rv.schemaname !== 'main' ? rv.schemaname as string : 'public';
  return new Scope(scopeOf(alias ?? (rv.relname as string), t.columns.map((c) => c.name), t.columns.map((c) => c.type))
    .map((c, i) => ({ ...c, schema, source: { table: t, column: i } })));
}

/**
 * The scope of UPDATE ... FROM / DELETE ... USING: the target and the other items side by side,
 * one level, so a name both have is ambiguous (42702) as in PostgreSQL. The target's columns come
 * first; the items' plan yields the columns after them.
 */
function withFromItems(binder: SelectBinder, target: Scope, items: PgNode[] | undefined, ctes: Ctes): { plan: LogicalPlan; scope: Scope } | null {
  if (!items || items.length === 0) return null;
  const from = binder.bindFrom(items, emptyCtx(Scope.empty(), 'FROM', ctes));
  const dup = conflictingTable(target, from.scope);
  if (dup !== null) throw new QuiverError(SqlState.duplicateAlias, `table name "${dup}" specified more than once`);
  const n = target.cols.length;
  const shifted = from.scope.cols.map((c) => ({ ...c, expr: remapColumns(c.expr, (i) => i + n) }));
  return { plan: from.plan, scope: new Scope([...target.cols, ...shifted]) };
}

/**
 * UPDATE ... FROM / DELETE ... USING: joins the target's rows (numbered) with the other FROM
 * items under WHERE, as PostgreSQL does, and evaluates `outs` (bound in the joined scope) on each
 * joined row. `first[r]` is the first joined row of target row r in `out`, or -1 when it has none;
 * a row with several matches takes one of them for all its values, which PostgreSQL allows.
 */
async function matchFrom(run: RunPlan, t: TableEntry, from: { plan: LogicalPlan }, where: Expr | null, outs: Expr[]): Promise<{ base: Batch; first: Int32Array; out: Batch }> {
  const n = t.columns.length;
  const types = t.columns.map((c) => c.type);
  const base = concatBatches(types, [emptyBatch(t), ...t.data.snapshot()]);
  const ids = new Int32Array(base.length);
  for (let i = 0; i < ids.length; i++) ids[i] = i;
  const data = new TableData([...types, T.int4]);
  data.replace([{ length: base.length, columns: [...base.columns, { type: T.int4, length: base.length, data: ids, valid: null }] }]);
  const held: TableEntry = {
    kind: 'table', name: t.name, constraints: [], data,
    columns: [...t.columns, { name: 'row', type: T.int4 }].map((c) => ({ name: c.name, type: c.type, notNull: false, defaultNode: null })),
  };
  // Joined-scope positions: the target's columns, then the items'; here the row number sits between.
  const shift = (e: Expr): Expr => remapColumns(e, (i) => (i < n ? i : i + 1));
  const left = scanAll(held);
  const joined: LogicalPlan = { kind: 'join', joinType: 'inner', left, right: from.plan, on: null, nullAware: false, schema: [...left.schema, ...from.plan.schema] };
  const input: LogicalPlan = where ? { kind: 'filter', input: joined, predicate: shift(where), schema: joined.schema } : joined;
  const exprs: Expr[] = [{ kind: 'col', index: n, type: T.int4 }, ...outs.map(shift)];
  const schema = exprs.map((e, i) => ({ name: `o${i}`, type: e.type }));
  const out = concatBatches(schema.map((f) => f.type), [{ length: 0, columns: schema.map((f) => emptyVector(f.type)) }, ...await run({ kind: 'project', input, exprs, schema })]);
  const first = new Int32Array(base.length).fill(-1);
  const rid = out.columns[0]!.data as ArrayLike<number>;
  for (let k = 0; k < out.length; k++) if (first[rid[k]!]! < 0) first[rid[k]!] = k;
  return { base, first, out: { length: out.length, columns: out.columns.slice(1) } };
}

function scanAll(t: TableEntry): LogicalPlan {
  return { kind: 'scan', table: t, columns: t.columns.map((_, i) => i), filters: [], schema: t.columns.map((c) => ({ name: c.name, type: c.type })) };
}

/** A column of the joined scope (target and FROM items) as an expression. */
function scopeCol(scope: Scope, j: number): Expr {
  return { kind: 'col', index: j, type: scope.cols.find((c) => c.expr.kind === 'col' && c.expr.index === j)!.expr.type };
}

/**
 * UPDATE ... FROM and DELETE ... USING: the target table, its WITH clause, and the extra FROM
 * items bound beside the target (`scope` sees both; a name they share is ambiguous).
 */
function bindTargetAndFrom(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, items: PgNode[] | undefined) {
  const t = targetTable(catalog, s.relation);
  const binder = new SelectBinder(catalog, params);
  const target = targetScope(t, s.relation);
  const withCtes = statementCtes(binder, s, run);
  const from = withFromItems(binder, target, items, withCtes.ctes);
  return { t, binder, ctes: withCtes.ctes, run: withCtes.run, from, scope: from ? from.scope : target };
}

export async function update(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext): Promise<StatementResult> {
  const { t, binder, ctes, from, scope, run: runWith } = bindTargetAndFrom(catalog, s, params, run, s.fromClause);
  run = runWith;
  const n = t.columns.length;
  const sets = new Map<number, Expr>();
  for (const rt of s.targetList as PgNode[]) {
    const r = rt.ResTarget;
    const name: string = r.name;
    // SET names a column of the target alone, never a qualified or FROM-item column.
    const c = t.columns.findIndex((x) => x.name === name);
    if (c < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${name}" of relation "${s.relation.relname}" does not exist`, r.location !== undefined ? { position: r.location + 1 } : {});
    if (r.indirection) throw new QuiverError(SqlState.featureNotSupported, 'subscripted assignment is not supported');
    if (sets.has(c)) throw new QuiverError(SqlState.syntaxError, `multiple assignments to same column "${name}"`, r.location !== undefined ? { position: r.location + 1 } : {});
    const e = nodeType(r.val) === 'SetToDefault' ? defaultExpr(binder, t, c) : assign(bindExpr(binder, emptyCtx(scope, 'UPDATE', ctes), r.val), t, c);
    sets.set(c, e);
  }
  // WHERE is wrapped (IS TRUE) before it is planned, out of the optimizer's reach: its
  // conjuncts get their cost order here, so a cheap guard runs before a failing expression.
  const where = s.whereClause ? orderPredicate(requireBool(bindExpr(binder, emptyCtx(scope, 'WHERE', ctes), s.whereClause), 'WHERE', s.whereClause)) : null;
  const ret = bindReturning(binder, scope, s, ctes);
  const extra = fromColumnsUsed(ret, n);
  if (from) return updateFrom(catalog, t, run, ctx, from, scope, sets, where, ret, extra);
  const hit: Expr = where ? { kind: 'isbool', arg: where, test: 'true', negated: false, type: T.bool } : { kind: 'const', value: true, type: T.bool };
  const exprs: Expr[] = t.columns.map((c, i) => {
    const col: Expr = { kind: 'col', index: i, type: c.type };
    const nv = sets.get(i);
    if (!nv) return col;
    return where ? { kind: 'case', whens: [{ cond: hit, result: nv }], otherwise: col, type: c.type } : nv;
  });
  const schema = [...t.columns.map((c) => ({ name: c.name, type: c.type })), { name: 'hit', type: T.bool }];
  const batches = await run({ kind: 'project', input: scanAll(t), exprs: [...exprs, hit], schema });
  const all = concatBatches(schema.map((f) => f.type), batches.length ? batches : [emptyBatch(t)]);
  let count = 0;
  if (all.columns.length > n) {
    const h = all.columns[n]!.data as Uint8Array;
    for (let i = 0; i < all.length; i++) count += h[i]!;
  }
  const rows: Batch = { length: all.length, columns: all.columns.slice(0, n) };
  let result: StatementResult = { command: 'UPDATE', rowCount: count };
  if (ret) {
    const h = all.columns[n]!.data as Uint8Array;
    const sel: number[] = [];
    for (let i = 0; i < all.length; i++) if (h[i]) sel.push(i);
    result = await returning(ret, takeBatch(rows, Int32Array.from(sel), sel.length), run, 'UPDATE', count);
  }
  if (count > 0) store(catalog, t, rows, ctx, 'replace');
  return result;
}

/** UPDATE ... FROM: each target row that joins is updated from (one of) its joined rows. */
async function updateFrom(catalog: Catalog, t: TableEntry, run: RunPlan, ctx: ExecContext, from: { plan: LogicalPlan }, scope: Scope, sets: Map<number, Expr>, where: Expr | null, ret: Returning | null, extra: number[]): Promise<StatementResult> {
  const n = t.columns.length;
  const setCols = [...sets.keys()];
  const m = await matchFrom(run, t, from, where, [...setCols.map((c) => sets.get(c)!), ...extra.map((j) => scopeCol(scope, j))]);
  const builders = t.columns.map((c) => new VectorBuilder(c.type, m.base.length));
  const updated: number[] = [], at: number[] = [];
  for (let r = 0; r < m.base.length; r++) {
    const k = m.first[r]!;
    if (k >= 0) { updated.push(r); at.push(k); }
    for (let c = 0; c < n; c++) {
      const s = k >= 0 ? setCols.indexOf(c) : -1;
      if (s >= 0) builders[c]!.pushFrom(m.out.columns[s]!, k);
      else builders[c]!.pushFrom(m.base.columns[c]!, r);
    }
  }
  const rows: Batch = { length: m.base.length, columns: builders.map((b) => b.finish()) };
  const count = updated.length;
  let result: StatementResult = { command: 'UPDATE', rowCount: count };
  if (ret) {
    const sel = Int32Array.from(updated), ks = Int32Array.from(at);
    const withExtra: Batch = {
      length: count,
      columns: [...takeBatch(rows, sel, count).columns, ...extra.map((_, e) => takeVector(m.out.columns[setCols.length + e]!, ks, count))],
    };
    result = await returning(returningOver(ret, n, extra), withExtra, run, 'UPDATE', count);
  }
  if (count > 0) store(catalog, t, rows, ctx, 'replace');
  return result;
}

export async function del(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext): Promise<StatementResult> {
  const { t, binder, ctes, from, scope, run: runWith } = bindTargetAndFrom(catalog, s, params, run, s.usingClause);
  run = runWith;
  const n = t.columns.length;
  const before = t.data.rowCount;
  const where = s.whereClause ? orderPredicate(requireBool(bindExpr(binder, emptyCtx(scope, 'WHERE', ctes), s.whereClause), 'WHERE', s.whereClause)) : null;
  const ret = bindReturning(binder, scope, s, ctes);
  const schema = t.columns.map((c) => ({ name: c.name, type: c.type }));
  if (from) {
    const extra = fromColumnsUsed(ret, n);
    const m = await matchFrom(run, t, from, where, extra.map((j) => scopeCol(scope, j)));
    const gone: number[] = [], at: number[] = [], kept: number[] = [];
    for (let r = 0; r < m.base.length; r++) {
      const k = m.first[r]!;
      if (k >= 0) { gone.push(r); at.push(k); } else kept.push(r);
    }
    const count = gone.length;
    let result: StatementResult = { command: 'DELETE', rowCount: count };
    if (ret) {
      const ks = Int32Array.from(at);
      const rows: Batch = { length: count, columns: [...takeBatch(m.base, Int32Array.from(gone), count).columns, ...extra.map((_, e) => takeVector(m.out.columns[e]!, ks, count))] };
      result = await returning(returningOver(ret, n, extra), rows, run, 'DELETE', count);
    }
    if (count > 0) { t.data.replace([takeBatch(m.base, Int32Array.from(kept), kept.length)]); catalog.touch(); }
    return result;
  }
  let deleted: Batch | null = null;
  if (ret) {
    const gone: LogicalPlan = where ? { kind: 'filter', input: scanAll(t), predicate: { kind: 'isbool', arg: where, test: 'true', negated: false, type: T.bool }, schema } : scanAll(t);
    deleted = concatBatches(t.columns.map((c) => c.type), [emptyBatch(t), ...await run(gone)]);
  }
  if (!where) {
    const result = await returning(ret, deleted ?? emptyBatch(t), run, 'DELETE', before);
    t.data.replace([]);
    catalog.touch();
    return result;
  }
  const keep: Expr = { kind: 'isbool', arg: where, test: 'true', negated: true, type: T.bool };
  const batches = await run({ kind: 'filter', input: scanAll(t), predicate: keep, schema });
  let after = 0;
  for (const b of batches) after += b.length;
  const result = await returning(ret, deleted ?? emptyBatch(t), run, 'DELETE', before - after);
  if (after !== before) { t.data.replace(batches); catalog.touch(); }
  return result;
}

export { strVal };
