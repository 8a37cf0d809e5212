/** INSERT, UPDATE, DELETE: bind to a plan that computes the table's new rows, check, then store. */
import type { PgNode } from '../sql/parser.js';
import type { Catalog, TableEntry } from '../catalog/catalog.js';
import type { Expr } from '../logical/expr.js';
import type { LogicalPlan } from '../logical/plan.js';
import type { Batch } from '../common/vector.js';
import { concatBatches, takeBatch, takeVector, VectorBuilder } from '../common/vector.js';
import { GroupTable } from '../physical/group_table.js';
import { compileExpr } from '../physical/compile.js';
import { T, typeName } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { SelectBinder } from '../sql/bind_select.js';
import { bindExpr, requireBool, strVal, nodeType, figureColname, firstPosition } from '../sql/bind_expr.js';
import { canAssign, coerce } from '../sql/coerce.js';
import { Scope, scopeOf } from '../sql/scope.js';
import type { BindContext } from '../sql/context.js';
import { checkChecks, checkNotNull, checkUnique } from './constraints.js';
import type { StatementResult } from './statement.js';
import type { ExecContext } from '../physical/context.js';

export type RunPlan = (p: LogicalPlan) => Batch[];

function emptyCtx(scope: Scope, clause: string): BindContext {
  return { scope, outer: null, aggs: null, windows: null, clause, ctes: new Map() };
}

/** Cast to a column's type with assignment rules, or PostgreSQL's 42804 error. */
function assign(e: Expr, t: TableEntry, c: number): Expr {
  const col = t.columns[c]!;
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

export function insert(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext): StatementResult {
  const t = targetTable(catalog, s.relation);
  const onConflict: string | null = s.onConflictClause ? s.onConflictClause.action : null;
  const binder = new SelectBinder(catalog, params);
  const targetCols: number[] = s.cols
    ? (s.cols as PgNode[]).map((c) => {
      const name: string = c.ResTarget.name;
      const i = t.columns.findIndex((x) => x.name === name);
      if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${name}" of relation "${t.name}" does not exist`, c.ResTarget.location !== undefined ? { position: c.ResTarget.location + 1 } : {});
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
  const width = t.columns.length;
  const schema = t.columns.map((c) => ({ name: c.name, type: c.type }));
  let plan: LogicalPlan;
  const sel = s.selectStmt?.SelectStmt;
  const fill = (given: (Expr | null)[]): Expr[] => {
    const out: Expr[] = [];
    for (let c = 0; c < width; c++) {
      const k = targetCols.indexOf(c);
      const g = k >= 0 ? given[k] ?? null : null;
      out.push(g ? assign(g, t, c) : defaultExpr(binder, t, c));
    }
    return out;
  };
  if (!sel) {
    plan = { kind: 'values', rows: [fill([])], schema };
  } else if (sel.valuesLists && !sel.op?.startsWith('SETOP_U') && !sel.sortClause && !sel.limitCount && (!sel.op || sel.op === 'SETOP_NONE')) {
    // VALUES rows are coerced straight to the column types (DEFAULT allowed per item).
    const rows = (sel.valuesLists as PgNode[]).map((l) => {
      const items = (l.List?.items ?? []) as PgNode[];
      const at = (n: PgNode | undefined): { position?: number } => (n && typeof n[Object.keys(n)[0]!]?.location === 'number' ? { position: n[Object.keys(n)[0]!].location + 1 } : {});
      if (items.length > targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more expressions than target columns', at(items[targetCols.length]));
      if (items.length < targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more target columns than expressions', at(s.cols?.[items.length]));
      return fill(items.map((n) => (nodeType(n) === 'SetToDefault' ? null : bindExpr(binder, emptyCtx(Scope.empty(), 'VALUES'), n))));
    });
    plan = { kind: 'values', rows, schema };
  } else {
    const q = binder.bindQuery(sel, null);
    if (!s.cols && q.plan.schema.length < targetCols.length) targetCols.length = q.plan.schema.length;
    if (q.plan.schema.length > targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more expressions than target columns', firstPosition(sel.targetList?.[targetCols.length] ?? sel));
    if (q.plan.schema.length < targetCols.length) throw new QuiverError(SqlState.syntaxError, 'INSERT has more target columns than expressions', firstPosition(s.cols?.[q.plan.schema.length] ?? sel));
    const given = q.plan.schema.map((f, i): Expr => ({ kind: 'col', index: i, type: f.type.id === 'unknown' ? T.text : f.type }));
    plan = { kind: 'project', input: q.plan, exprs: fill(given), schema };
  }
  const batches = run(plan);
  let rows = concatBatches(t.columns.map((c) => c.type), batches.length ? batches : [emptyBatch(t)]);
  if (onConflict === 'ONCONFLICT_UPDATE') return upsert(catalog, binder, t, s, rows, ctx);
  if (onConflict) rows = withoutConflicts(t, rows);
  if (rows.length > 0) store(catalog, t, rows, ctx, 'append');
  return returning(binder, t, (s.returningClause?.exprs ?? s.returningList), rows, ctx, 'INSERT', rows.length);
}

/**
 * INSERT ... ON CONFLICT (key) DO UPDATE SET ... [WHERE ...]: proposed rows whose key exists are
 * turned into updates of the existing row (EXCLUDED names the proposed row); the rest are
 * inserted. As in PostgreSQL, one command may not touch the same row twice.
 */
function upsert(catalog: Catalog, binder: SelectBinder, t: TableEntry, s: PgNode, proposed: Batch, ctx: ExecContext): StatementResult {
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
    throw new QuiverError(SqlState.invalidColumnReference, named ? `constraint "${named}" for table "${t.name}" does not exist` : 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  const types = t.columns.map((c) => c.type);
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
  const touched = new Set<number>();
  const inserts: number[] = [], conflicts: [number, number][] = [];
  for (let k = 0; k < proposed.length; k++) {
    const hasNull = arbiter.columns.some((c) => { const v = proposed.columns[c]!; return v.valid !== null && v.valid[k] === 0; });
    const target = hasNull ? undefined : rowOfKey[pids[k]!];
    if (target === undefined) {
      if (!hasNull) rowOfKey[pids[k]!] = existing.length + inserts.length;
      inserts.push(k);
      continue;
    }
    if (touched.has(target) || target >= existing.length) {
      throw new QuiverError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', { hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.' });
    }
    touched.add(target);
    conflicts.push([target, k]);
  }
  // SET and WHERE see the table's row and, as "excluded", the proposed one.
  const n = t.columns.length;
  const alias: string = s.relation.alias?.aliasname ?? t.name;
  const scope = new Scope([
    ...scopeOf(alias, t.columns.map((c) => c.name), types),
    ...scopeOf('excluded', t.columns.map((c) => c.name), types, n),
  ]);
  const bctx = emptyCtx(scope, 'ON CONFLICT');
  const sets = new Map<number, Expr>();
  for (const rt of (oc.targetList ?? []) as PgNode[]) {
    const r = rt.ResTarget;
    const c = t.columns.findIndex((x) => x.name === r.name);
    if (c < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${r.name}" of relation "${t.name}" does not exist`);
    if (sets.has(c)) throw new QuiverError(SqlState.syntaxError, `multiple assignments to same column "${r.name}"`);
    sets.set(c, nodeType(r.val) === 'SetToDefault' ? defaultExpr(binder, t, c) : assign(bindExpr(binder, bctx, r.val), t, c));
  }
  const where = oc.whereClause ? requireBool(bindExpr(binder, bctx, oc.whereClause), 'WHERE', oc.whereClause) : null;
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
    const w = compileExpr(where)(pairBatch, ctx);
    const d = w.data as Uint8Array;
    chosen = chosen.filter((i) => (!w.valid || w.valid[i] === 1) && d[i] === 1);
  }
  const newVals = t.columns.map((c, i) => (sets.has(i) ? compileExpr(sets.get(i)!)(pairBatch, ctx) : pairBatch.columns[i]!));
  // The table after the command: updated rows in place, new rows at the end.
  const updatedAt = new Map<number, number>();
  for (const i of chosen) updatedAt.set(conflicts[i]![0], i);
  const builders = types.map((ty) => new VectorBuilder(ty, existing.length + inserts.length));
  for (let r = 0; r < existing.length; r++) {
    const u = updatedAt.get(r);
    for (let c = 0; c < n; c++) (u === undefined ? builders[c]!.pushFrom(existing.columns[c]!, r) : builders[c]!.pushFrom(newVals[c]!, u));
  }
  for (const k of inserts) for (let c = 0; c < n; c++) builders[c]!.pushFrom(proposed.columns[c]!, k);
  const all: Batch = { length: existing.length + inserts.length, columns: builders.map((b) => b.finish()) };
  store(catalog, t, all, ctx, 'replace');
  const affected = inserts.length + chosen.length;
  const retRows: Batch = {
    length: affected,
    columns: all.columns.map((v) => takeVector(v, Int32Array.from([...chosen.map((i) => conflicts[i]![0]), ...inserts.map((_, j) => existing.length + j)]), affected)),
  };
  return returning(binder, t, (s.returningClause?.exprs ?? s.returningList), retRows, ctx, 'INSERT', affected);
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

/** RETURNING: the select list evaluated over the rows the statement wrote (or deleted). */
function returning(binder: SelectBinder, t: TableEntry, list: PgNode[] | undefined, rows: Batch, ctx: ExecContext, command: string, count: number): StatementResult {
  if (!list || list.length === 0) return { command, rowCount: count };
  const scope = tableScope(t, undefined);
  const exprs: Expr[] = [];
  const names: string[] = [];
  for (const rt of list) {
    const r = rt.ResTarget;
    const cref = r.val.ColumnRef;
    if (cref && strVal(cref.fields[cref.fields.length - 1]) === '*') {
      t.columns.forEach((c, i) => { exprs.push({ kind: 'col', index: i, type: c.type }); names.push(c.name); });
      continue;
    }
    let e = bindExpr(binder, emptyCtx(scope, 'RETURNING'), r.val);
    if (e.type.id === 'unknown') e = coerce(e, T.text);
    exprs.push(e);
    names.push(r.name ?? figureColname(r.val));
  }
  const cols = exprs.map((e) => compileExpr(e)(rows, ctx));
  return { command, rowCount: count, schema: exprs.map((e, i) => ({ name: names[i]!, type: e.type })), batches: [{ length: rows.length, columns: cols }] };
}

function emptyBatch(t: TableEntry): Batch {
  return { length: 0, columns: t.columns.map((c) => ({ type: c.type, length: 0, data: c.type.id === 'int8' ? new BigInt64Array(0) : [], valid: null })) as Batch['columns'] };
}

function tableScope(t: TableEntry, alias: string | undefined): Scope {
  return new Scope(scopeOf(alias ?? t.name, t.columns.map((c) => c.name), t.columns.map((c) => c.type)));
}

function scanAll(t: TableEntry): LogicalPlan {
  return { kind: 'scan', table: t, columns: t.columns.map((_, i) => i), filters: [], schema: t.columns.map((c) => ({ name: c.name, type: c.type })) };
}

/** WHERE with an optional USING/FROM list: the extra tables become an EXISTS subquery. */
function bindWhere(binder: SelectBinder, t: TableEntry, alias: string | undefined, where: PgNode | undefined, from: PgNode[] | undefined): Expr | null {
  const ctx = emptyCtx(tableScope(t, alias), 'WHERE');
  if (from && from.length) {
    const sub = { SubLink: { subLinkType: 'EXISTS_SUBLINK', subselect: { SelectStmt: { targetList: [{ ResTarget: { val: { A_Const: { ival: { ival: 1 } } } } }], fromClause: from, whereClause: where, op: 'SETOP_NONE' } } } };
    return bindExpr(binder, ctx, sub);
  }
  return where ? requireBool(bindExpr(binder, ctx, where), 'WHERE', where) : null;
}

export function update(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext): StatementResult {
  const t = targetTable(catalog, s.relation);
  if (s.fromClause && s.fromClause.length) rewriteUpdateFrom(s);
  const binder = new SelectBinder(catalog, params);
  const alias: string | undefined = s.relation.alias?.aliasname;
  const scope = tableScope(t, alias);
  const sets = new Map<number, Expr>();
  for (const rt of s.targetList as PgNode[]) {
    const r = rt.ResTarget;
    const name: string = r.name;
    if (r.indirection) throw new QuiverError(SqlState.featureNotSupported, 'subscripted assignment is not supported');
    const c = t.columns.findIndex((x) => x.name === name);
    if (c < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${name}" of relation "${t.name}" does not exist`, r.location !== undefined ? { position: r.location + 1 } : {});
    if (sets.has(c)) throw new QuiverError(SqlState.syntaxError, `multiple assignments to same column "${name}"`, r.location !== undefined ? { position: r.location + 1 } : {});
    const e = nodeType(r.val) === 'SetToDefault' ? defaultExpr(binder, t, c) : assign(bindExpr(binder, emptyCtx(scope, 'UPDATE'), r.val), t, c);
    sets.set(c, e);
  }
  const pred = bindWhere(binder, t, alias, s.whereClause, undefined);
  const hit: Expr = pred ? { kind: 'isbool', arg: pred, test: 'true', negated: false, type: T.bool } : { kind: 'const', value: true, type: T.bool };
  const exprs: Expr[] = t.columns.map((c, i) => {
    const col: Expr = { kind: 'col', index: i, type: c.type };
    const nv = sets.get(i);
    if (!nv) return col;
    return pred ? { kind: 'case', whens: [{ cond: hit, result: nv }], otherwise: col, type: c.type } : nv;
  });
  const schema = [...t.columns.map((c) => ({ name: c.name, type: c.type })), { name: 'hit', type: T.bool }];
  const batches = run({ kind: 'project', input: scanAll(t), exprs: [...exprs, hit], schema });
  const all = concatBatches(schema.map((f) => f.type), batches.length ? batches : [emptyBatch(t)]);
  let count = 0;
  if (all.columns.length > t.columns.length) {
    const h = all.columns[t.columns.length]!.data as Uint8Array;
    for (let i = 0; i < all.length; i++) count += h[i]!;
  }
  const rows: Batch = { length: all.length, columns: all.columns.slice(0, t.columns.length) };
  if (count > 0) store(catalog, t, rows, ctx, 'replace');
  if ((s.returningClause?.exprs ?? s.returningList) && count > 0) {
    const h = all.columns[t.columns.length]!.data as Uint8Array;
    const sel: number[] = [];
    for (let i = 0; i < all.length; i++) if (h[i]) sel.push(i);
    return returning(binder, t, (s.returningClause?.exprs ?? s.returningList), takeBatch(rows, Int32Array.from(sel), sel.length), ctx, 'UPDATE', count);
  }
  return { command: 'UPDATE', rowCount: count };
}

export function del(catalog: Catalog, s: PgNode, params: import('../common/types.js').SqlType[], run: RunPlan, ctx: ExecContext): StatementResult {
  const t = targetTable(catalog, s.relation);
  const binder = new SelectBinder(catalog, params);
  const before = t.data.rowCount;
  const pred = bindWhere(binder, t, s.relation.alias?.aliasname, s.whereClause, s.usingClause);
  const schema = t.columns.map((c) => ({ name: c.name, type: c.type }));
  const types = t.columns.map((c) => c.type);
  const gone = (): Batch => concatBatches(types, [emptyBatch(t), ...(pred ? run({ kind: 'filter', input: scanAll(t), predicate: { kind: 'isbool', arg: pred, test: 'true', negated: false, type: T.bool }, schema }) : t.data.snapshot())]);
  const deleted = (s.returningClause?.exprs ?? s.returningList) ? gone() : null;
  if (!pred) {
    t.data.replace([]);
    catalog.touch();
    return deleted ? returning(binder, t, (s.returningClause?.exprs ?? s.returningList), deleted, ctx, 'DELETE', before) : { command: 'DELETE', rowCount: before };
  }
  const keep: Expr = { kind: 'isbool', arg: pred, test: 'true', negated: true, type: T.bool };
  const batches = run({ kind: 'filter', input: scanAll(t), predicate: keep, schema });
  let after = 0;
  for (const b of batches) after += b.length;
  if (after !== before) { t.data.replace(batches); catalog.touch(); }
  return deleted ? returning(binder, t, (s.returningClause?.exprs ?? s.returningList), deleted, ctx, 'DELETE', before - after) : { command: 'DELETE', rowCount: before - after };
}

export { strVal };

/**
 * UPDATE t SET c = e FROM f WHERE p becomes
 *   UPDATE t SET c = (SELECT e FROM f WHERE p LIMIT 1) WHERE EXISTS (SELECT 1 FROM f WHERE p):
 * the EXISTS is decorrelated into a semi join; each new value comes from the first matching row,
 * which is what PostgreSQL promises when several rows match.
 */
function rewriteUpdateFrom(s: PgNode): void {
  const from = s.fromClause as PgNode[];
  const where = s.whereClause;
  const sub = (targetList: PgNode[], limit: boolean): PgNode => ({
    SelectStmt: { targetList, fromClause: from, whereClause: where, op: 'SETOP_NONE', limitOption: 'LIMIT_OPTION_DEFAULT', ...(limit ? { limitCount: { A_Const: { ival: { ival: 1 } } }, limitOption: 'LIMIT_OPTION_COUNT' } : {}) },
  });
  for (const rt of s.targetList as PgNode[]) {
    const r = rt.ResTarget;
    if (nodeType(r.val) === 'SetToDefault') continue;
    r.val = { SubLink: { subLinkType: 'EXPR_SUBLINK', subselect: sub([{ ResTarget: { val: r.val } }], true) } };
  }
  s.whereClause = { SubLink: { subLinkType: 'EXISTS_SUBLINK', subselect: sub([{ ResTarget: { val: { A_Const: { ival: { ival: 1 } } } } }], false) } };
  s.fromClause = [];
}
