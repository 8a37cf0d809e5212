/** CREATE / DROP of tables and views. */
import type { PgNode } from '../sql/parser.js';
import { type Catalog, type ColumnDef, type TableConstraint, newTable } from '../catalog/catalog.js';
import { resolveTypeName } from '../sql/types_parse.js';
import { strVal, bindExpr, requireBool } from '../sql/bind_expr.js';
import { SelectBinder } from '../sql/bind_select.js';
import { Scope, scopeOf } from '../sql/scope.js';
import { visitExpr } from '../logical/expr.js';
import { QuiverError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/types.js';
import type { StatementResult } from './statement.js';
import { checkUnique } from './constraints.js';

function tableName(catalog: Catalog, rv: PgNode): string {
  return catalog.key(rv.relname, rv.schemaname, rv.location !== undefined ? rv.location + 1 : undefined);
}

export function createTable(catalog: Catalog, s: PgNode): StatementResult {
  const name = tableName(catalog, s.relation);
  if (catalog.get(name)) {
    if (s.if_not_exists) return { command: 'CREATE TABLE', rowCount: 0 };
    throw new QuiverError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  if (s.inhRelations || s.partspec) throw new QuiverError(SqlState.featureNotSupported, 'inheritance and partitioned tables are not supported');
  const columns: ColumnDef[] = [];
  const constraints: TableConstraint[] = [];
  const pending: { kind: 'unique' | 'primary' | 'check'; names: string[]; node?: PgNode; conname?: string }[] = [];
  for (const el of (s.tableElts ?? []) as PgNode[]) {
    if (el.ColumnDef) {
      const cd = el.ColumnDef;
      const cname: string = cd.colname;
      if (columns.some((c) => c.name === cname)) throw new QuiverError(SqlState.duplicateColumn, `column "${cname}" specified more than once`);
      const tnames = ((cd.typeName.names ?? []) as PgNode[]).map(strVal);
      const serial = ['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'].includes(tnames[tnames.length - 1]!);
      const type: SqlType = resolveTypeName(cd.typeName);
      const col: ColumnDef = { name: cname, type, notNull: serial, defaultNode: null };
      if (serial) col.serial = { next: 1n };
      for (const c of (cd.constraints ?? []) as PgNode[]) {
        const k = c.Constraint;
        switch (k.contype) {
          case 'CONSTR_NOTNULL': col.notNull = true; break;
          case 'CONSTR_NULL': col.notNull = false; break;
          case 'CONSTR_DEFAULT': col.defaultNode = k.raw_expr; break;
          case 'CONSTR_PRIMARY': pending.push({ kind: 'primary', names: [cname], conname: k.conname }); col.notNull = true; break;
          case 'CONSTR_UNIQUE': pending.push({ kind: 'unique', names: [cname], conname: k.conname }); break;
          case 'CONSTR_CHECK': pending.push({ kind: 'check', names: [cname], node: k.raw_expr, conname: k.conname }); break;
          case 'CONSTR_FOREIGN': break; // accepted and not enforced, like an informational constraint
          case 'CONSTR_IDENTITY': col.serial = { next: 1n }; col.notNull = true; break;
          default: throw new QuiverError(SqlState.featureNotSupported, `constraint ${String(k.contype).replace('CONSTR_', '').toLowerCase()} is not supported`);
        }
      }
      columns.push(col);
    } else if (el.Constraint) {
      const k = el.Constraint;
      const keys = ((k.keys ?? []) as PgNode[]).map(strVal);
      if (k.contype === 'CONSTR_PRIMARY') pending.push({ kind: 'primary', names: keys, conname: k.conname });
      else if (k.contype === 'CONSTR_UNIQUE') pending.push({ kind: 'unique', names: keys, conname: k.conname });
      else if (k.contype === 'CONSTR_CHECK') pending.push({ kind: 'check', names: [], node: k.raw_expr, conname: k.conname });
      else if (k.contype === 'CONSTR_FOREIGN') continue;
      else throw new QuiverError(SqlState.featureNotSupported, `table constraint ${String(k.contype).replace('CONSTR_', '').toLowerCase()} is not supported`);
    }
  }
  let checkNo = 0;
  for (const p of pending) {
    const cols = p.names.map((n) => {
      const i = columns.findIndex((c) => c.name === n);
      if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${n}" named in key does not exist`);
      return i;
    });
    if (p.kind === 'primary') {
      if (pending.filter((x) => x.kind === 'primary').length > 1) throw new QuiverError(SqlState.invalidTableDefinition, `multiple primary keys for table "${name}" are not allowed`);
      for (const c of cols) columns[c]!.notNull = true;
    }
    const cname = p.conname ?? (p.kind === 'primary' ? `${name}_pkey` : p.kind === 'unique' ? `${name}_${p.names.join('_')}_key`
      : `${name}_${p.names[0] ?? (checkNo ? `check${checkNo}` : 'check')}${p.names.length ? '_check' : ''}`);
    if (p.kind === 'check' && !p.names.length) checkNo++;
    constraints.push({ kind: p.kind, columns: cols, name: cname, ...(p.node ? { checkNode: p.node } : {}) });
  }
  const table = newTable(name, columns, constraints);
  validateChecks(catalog, table);
  catalog.add(table);
  return { command: 'CREATE TABLE', rowCount: 0 };
}

export function createView(catalog: Catalog, s: PgNode, check: (query: PgNode) => string[]): StatementResult {
  const name = tableName(catalog, s.view);
  const names = check(s.query.SelectStmt);
  const aliases: string[] | null = s.aliases ? (s.aliases as PgNode[]).map(strVal) : null;
  if (aliases && aliases.length > names.length) throw new QuiverError(SqlState.syntaxError, 'CREATE VIEW specifies more column names than columns', s.view?.location !== undefined ? { position: s.view.location + 1 } : {});
  const existing = catalog.get(name);
  if (existing) {
    if (!s.replace || existing.kind !== 'view') throw new QuiverError(SqlState.duplicateTable, `relation "${name}" already exists`);
    catalog.drop(name);
  }
  catalog.add({ kind: 'view', name, query: s.query.SelectStmt, columnNames: aliases });
  return { command: 'CREATE VIEW', rowCount: 0 };
}

export function drop(catalog: Catalog, s: PgNode): StatementResult {
  const kind: string = s.removeType;
  if (kind === 'OBJECT_INDEX' || kind === 'OBJECT_SEQUENCE' || kind === 'OBJECT_SCHEMA') return dropOther(catalog, s, kind);
  const what = kind === 'OBJECT_TABLE' ? 'table' : kind === 'OBJECT_VIEW' ? 'view' : null;
  if (!what) throw new QuiverError(SqlState.featureNotSupported, `DROP ${String(kind).replace('OBJECT_', '')} is not supported`);
  const names: string[] = [];
  for (const o of (s.objects ?? []) as PgNode[]) {
    const parts = ((o.List?.items ?? []) as PgNode[]).map(strVal);
    names.push(catalog.key(parts[parts.length - 1]!, parts.length > 1 ? parts[parts.length - 2] : null));
  }
  for (const n of names) {
    const e = catalog.get(n);
    if (!e) {
      if (s.missing_ok) continue;
      throw new QuiverError(SqlState.undefinedTable, `${what} "${n}" does not exist`);
    }
    if (e.kind !== what) {
      throw new QuiverError(SqlState.wrongObjectType, `"${n}" is not a ${what}`, { hint: `Use DROP ${e.kind.toUpperCase()} to remove a ${e.kind}.` });
    }
  }
  // Views that read a dropped relation go with it under CASCADE, and block the drop otherwise.
  const doomed = new Set(names.filter((n) => catalog.get(n)));
  for (let grew = true; grew;) {
    grew = false;
    for (const e of catalog.all()) {
      if (e.kind !== 'view' || doomed.has(e.name)) continue;
      const dep = [...viewDependencies(catalog, e.query)].find((d) => doomed.has(d));
      if (dep === undefined) continue;
      if (s.behavior !== 'DROP_CASCADE') {
        const depKind = catalog.get(dep)?.kind ?? 'table';
        throw new QuiverError('2BP01', `cannot drop ${depKind} ${dep} because other objects depend on it`, {
          detail: `view ${e.name} depends on ${depKind} ${dep}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        });
      }
      doomed.add(e.name);
      grew = true;
    }
  }
  for (const n of doomed) {
    catalog.drop(n);
    for (const [idx, table] of catalog.indexes) if (table === n) catalog.indexes.delete(idx);
  }
  return { command: what === 'table' ? 'DROP TABLE' : 'DROP VIEW', rowCount: 0 };
}

/** Catalog names of the relations a view's query reads (found by walking its parse tree). */
function viewDependencies(catalog: Catalog, query: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(walk); return; }
    const o = n as Record<string, unknown>;
    const rv = o.RangeVar as { relname?: string; schemaname?: string } | undefined;
    if (rv?.relname) {
      try { out.add(catalog.key(rv.relname, rv.schemaname ?? null)); } catch { /* an unknown schema: no dependency */ }
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(query);
  return out;
}


/**
 * CREATE INDEX: Quiver scans columnar data and keeps no secondary indexes, so an index is
 * accepted as a declaration; a UNIQUE index is enforced like a UNIQUE constraint.
 */
export function createIndex(catalog: Catalog, s: PgNode): StatementResult {
  const t = catalog.table(catalog.key(s.relation.relname, s.relation.schemaname));
  const cols = ((s.indexParams ?? []) as PgNode[]).map((p) => {
    const name: string | undefined = p.IndexElem?.name;
    if (!name) throw new QuiverError(SqlState.featureNotSupported, 'indexes on expressions are not supported');
    const i = t.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${name}" does not exist`);
    return i;
  });
  const idxName: string = s.idxname ?? `${t.name}_${cols.map((c) => t.columns[c]!.name).join('_')}_idx`;
  if (catalog.indexes.has(idxName)) {
    if (s.if_not_exists) return { command: 'CREATE INDEX', rowCount: 0 };
    throw new QuiverError(SqlState.duplicateTable, `relation "${idxName}" already exists`);
  }
  if (s.unique) {
    const k: TableConstraint = { kind: 'unique', columns: cols, name: idxName };
    checkUnique({ ...t, constraints: [k] }, t.data.snapshot());
    t.constraints.push(k);
  }
  catalog.indexes.set(idxName, t.name);
  catalog.touch();
  return { command: 'CREATE INDEX', rowCount: 0 };
}

export function createSequence(catalog: Catalog, s: PgNode): StatementResult {
  const name = tableName(catalog, s.sequence);
  if (catalog.sequences.has(name) || catalog.get(name)) {
    if (s.if_not_exists) return { command: 'CREATE SEQUENCE', rowCount: 0 };
    throw new QuiverError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  let start = 1n, increment = 1n;
  for (const o of (s.options ?? []) as PgNode[]) {
    const d = o.DefElem;
    const v = d.arg?.Integer?.ival ?? d.arg?.Float?.fval;
    if (d.defname === 'start' && v !== undefined) start = BigInt(v);
    else if (d.defname === 'increment' && v !== undefined) increment = BigInt(v);
  }
  catalog.sequences.set(name, { name, next: start, increment, current: null });
  catalog.touch();
  return { command: 'CREATE SEQUENCE', rowCount: 0 };
}

function dropOther(catalog: Catalog, s: PgNode, kind: string): StatementResult {
  const what = kind === 'OBJECT_INDEX' ? 'index' : kind === 'OBJECT_SEQUENCE' ? 'sequence' : 'schema';
  for (const o of (s.objects ?? []) as PgNode[]) {
    const parts = o.String ? [strVal(o)] : ((o.List?.items ?? []) as PgNode[]).map(strVal);
    const name = what === 'schema' ? parts[0]! : catalog.key(parts[parts.length - 1]!, parts.length > 1 ? parts[parts.length - 2] : null);
    const map: Map<string, unknown> | Set<string> = what === 'index' ? catalog.indexes : what === 'sequence' ? catalog.sequences : catalog.schemas;
    if (!map.has(name)) {
      if (s.missing_ok) continue;
      throw new QuiverError(SqlState.undefinedObject, `${what} "${name}" does not exist`);
    }
    if (what === 'index') {
      const table = catalog.get(catalog.indexes.get(name)!);
      if (table && table.kind === 'table') table.constraints = table.constraints.filter((k) => k.name !== name);
    }
    if (what === 'schema' && catalog.all().some((e) => e.name.startsWith(name + '.'))) {
      if (s.behavior !== 'DROP_CASCADE') throw new QuiverError('2BP01', `cannot drop schema ${name} because other objects depend on it`);
      for (const e of catalog.all()) if (e.name.startsWith(name + '.')) catalog.drop(e.name);
    }
    map.delete(name);
  }
  catalog.touch();
  return { command: `DROP ${what.toUpperCase()}`, rowCount: 0 };
}

/** Binds each CHECK once at CREATE TABLE so bad references fail there, as in PostgreSQL. */
function validateChecks(catalog: Catalog, t: import('../catalog/catalog.js').TableEntry): void {
  for (const k of t.constraints) {
    if (k.kind !== 'check') continue;
    const binder = new SelectBinder(catalog, []);
    const scope = new Scope(scopeOf(t.name, t.columns.map((c) => c.name), t.columns.map((c) => c.type)));
    const e = requireBool(bindExpr(binder, { scope, outer: null, aggs: null, windows: null, clause: 'check constraints', ctes: new Map() }, k.checkNode), 'CHECK');
    visitExpr(e, (x) => {
      if (x.kind === 'subquery') throw new QuiverError(SqlState.featureNotSupported, 'cannot use subquery in check constraint');
    });
  }
}
