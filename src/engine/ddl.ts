/** CREATE / DROP of tables and views. */
import type { PgNode } from '../sql/parser.js';
import { type Catalog, type ColumnDef, type TableConstraint, newTable } from '../catalog/catalog.js';
import { resolveTypeName } from '../sql/types_parse.js';
import { strVal } from '../sql/bind_expr.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { T, type SqlType } from '../common/types.js';
import type { StatementResult } from './statement.js';

function tableName(rv: PgNode): string {
  const schema: string | undefined = rv.schemaname;
  if (schema && !['public', 'main'].includes(schema)) {
    throw new QuiverError(SqlState.undefinedSchema, `schema "${schema}" does not exist`, rv.location !== undefined ? { position: rv.location + 1 } : {});
  }
  return rv.relname;
}

export function createTable(catalog: Catalog, s: PgNode): StatementResult {
  const name = tableName(s.relation);
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
  catalog.add(newTable(name, columns, constraints));
  return { command: 'CREATE TABLE', rowCount: 0 };
}

export function createView(catalog: Catalog, s: PgNode, check: (query: PgNode) => string[]): StatementResult {
  const name = tableName(s.view);
  const names = check(s.query.SelectStmt);
  const aliases: string[] | null = s.aliases ? (s.aliases as PgNode[]).map(strVal) : null;
  if (aliases && aliases.length > names.length) throw new QuiverError(SqlState.syntaxError, 'CREATE VIEW specifies more column names than columns');
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
  const what = kind === 'OBJECT_TABLE' ? 'table' : kind === 'OBJECT_VIEW' ? 'view' : null;
  if (!what) throw new QuiverError(SqlState.featureNotSupported, `DROP ${String(kind).replace('OBJECT_', '')} is not supported`);
  const names: string[] = [];
  for (const o of (s.objects ?? []) as PgNode[]) {
    const parts = ((o.List?.items ?? []) as PgNode[]).map(strVal);
    names.push(parts[parts.length - 1]!);
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
  for (const n of names) if (catalog.get(n)) catalog.drop(n);
  return { command: what === 'table' ? 'DROP TABLE' : 'DROP VIEW', rowCount: 0 };
}

export const TEXT = T.text;
