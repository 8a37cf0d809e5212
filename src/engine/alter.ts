/**
 * TRUNCATE, ALTER TABLE and renames. A changed table is a new catalog entry (the old one is left
 * untouched), so a transaction that rolls back restores the old entry as it was.
 */
import type { PgNode } from '../sql/parser.js';
import { type Catalog, type ColumnDef, type TableEntry, type TableConstraint, newTable } from '../catalog/catalog.js';
import type { Batch, Vector } from '../common/vector.js';
import { concatBatches } from '../common/vector.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { typeName } from '../common/types.js';
import { resolveTypeName } from '../sql/types_parse.js';
import { SelectBinder } from '../sql/bind_select.js';
import { bindExpr, strVal } from '../sql/bind_expr.js';
import { canAssign, coerce } from '../sql/coerce.js';
import { Scope, scopeOf } from '../sql/scope.js';
import { castTo } from '../sql/bind_expr.js';
import type { Expr } from '../logical/expr.js';
import { compileExpr } from '../physical/compile.js';
import type { ExecContext } from '../physical/context.js';
import { checkNotNull, checkUnique, checkChecks } from './constraints.js';
import type { StatementResult } from './statement.js';

function table(catalog: Catalog, rv: PgNode, missingOk = false): TableEntry | null {
  const key = catalog.key(rv.relname, rv.schemaname, rv.location !== undefined ? rv.location + 1 : undefined);
  const e = catalog.get(key);
  if (!e) {
    if (missingOk) return null;
    throw new QuiverError(SqlState.undefinedTable, `relation "${rv.relname}" does not exist`);
  }
  if (e.kind !== 'table') throw new QuiverError(SqlState.wrongObjectType, `"${rv.relname}" is not a table`);
  return e;
}

/** Puts a new version of a table in the catalog in place of the old one. */
function swap(catalog: Catalog, old: TableEntry, columns: ColumnDef[], constraints: TableConstraint[], chunks: Batch[], name = old.name): TableEntry {
  const t = newTable(name, columns, constraints);
  t.data.replace(chunks);
  catalog.drop(old.name);
  catalog.add(t);
  for (const [idx, tn] of catalog.indexes) if (tn === old.name) catalog.indexes.set(idx, name);
  return t;
}

function colIndex(t: TableEntry, name: string): number {
  const i = t.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new QuiverError(SqlState.undefinedColumn, `column "${name}" of relation "${t.name}" does not exist`);
  return i;
}

function evalOver(e: Expr, chunk: Batch, ctx: ExecContext): Vector {
  return compileExpr(e)(chunk, ctx);
}

export function truncate(catalog: Catalog, s: PgNode): StatementResult {
  const ts = (s.relations as PgNode[]).map((r) => table(catalog, r.RangeVar)!);
  for (const t of ts) { t.data.replace([]); }
  catalog.touch();
  return { command: 'TRUNCATE TABLE', rowCount: 0 };
}

export function rename(catalog: Catalog, s: PgNode): StatementResult {
  const t = table(catalog, s.relation, !!s.missing_ok);
  if (!t) return { command: 'ALTER TABLE', rowCount: 0 };
  if (s.renameType === 'OBJECT_TABLE') {
    const to = catalog.key(s.newname, s.relation.schemaname);
    if (catalog.get(to)) throw new QuiverError(SqlState.duplicateTable, `relation "${s.newname}" already exists`);
    swap(catalog, t, t.columns, t.constraints, t.data.snapshot(), to);
  } else if (s.renameType === 'OBJECT_COLUMN') {
    const i = colIndex(t, s.subname);
    if (t.columns.some((c) => c.name === s.newname)) throw new QuiverError(SqlState.duplicateColumn, `column "${s.newname}" of relation "${t.name}" already exists`);
    swap(catalog, t, t.columns.map((c, k) => (k === i ? { ...c, name: s.newname } : c)), t.constraints, t.data.snapshot());
  } else {
    throw new QuiverError(SqlState.featureNotSupported, `ALTER ... RENAME of ${String(s.renameType).replace('OBJECT_', '').toLowerCase()} is not supported`);
  }
  return { command: 'ALTER TABLE', rowCount: 0 };
}

export function alterTable(catalog: Catalog, s: PgNode, ctx: ExecContext): StatementResult {
  if (s.objtype && s.objtype !== 'OBJECT_TABLE') throw new QuiverError(SqlState.featureNotSupported, 'only ALTER TABLE is supported');
  const original = table(catalog, s.relation, !!s.missing_ok);
  if (!original) return { command: 'ALTER TABLE', rowCount: 0 };
  let t = original;
  try {
    for (const c of s.cmds as PgNode[]) t = alterOne(catalog, t, c.AlterTableCmd, ctx);
  } catch (e) {
    // A statement is atomic: put the table back as it was before the first command.
    if (t !== original) { catalog.drop(t.name); catalog.add(original); }
    throw e;
  }
  return { command: 'ALTER TABLE', rowCount: 0 };
}

function alterOne(catalog: Catalog, t: TableEntry, cmd: PgNode, ctx: ExecContext): TableEntry {
  const chunks = t.data.snapshot();
  const binder = new SelectBinder(catalog, []);
  const bctx = (scope: Scope) => ({ scope, outer: null, aggs: null, windows: null, clause: 'ALTER TABLE', ctes: new Map() });
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const cd = cmd.def.ColumnDef;
      if (t.columns.some((c) => c.name === cd.colname)) {
        if (cmd.missing_ok) return t;
        throw new QuiverError(SqlState.duplicateColumn, `column "${cd.colname}" of relation "${t.name}" already exists`);
      }
      const type = resolveTypeName(cd.typeName);
      const col: ColumnDef = { name: cd.colname, type, notNull: false, defaultNode: null };
      for (const k of (cd.constraints ?? []) as PgNode[]) {
        const c = k.Constraint;
        if (c.contype === 'CONSTR_NOTNULL') col.notNull = true;
        else if (c.contype === 'CONSTR_DEFAULT') col.defaultNode = c.raw_expr;
        else if (c.contype !== 'CONSTR_NULL') throw new QuiverError(SqlState.featureNotSupported, 'only DEFAULT and NOT NULL are supported on an added column');
      }
      // Existing rows get the default (evaluated per row, so volatile defaults differ per row).
      let e: Expr = { kind: 'const', value: null, type };
      if (col.defaultNode) {
        const d = bindExpr(binder, bctx(Scope.empty()), col.defaultNode);
        if (!canAssign(d.type, type)) throw new QuiverError(SqlState.datatypeMismatch, `column "${col.name}" is of type ${typeName(type)} but default expression is of type ${typeName(d.type)}`);
        e = coerce(d, type);
      }
      const next = chunks.map((b) => ({ length: b.length, columns: [...b.columns, evalOver(e, { length: b.length, columns: [] }, ctx)] }));
      const nt = swap(catalog, t, [...t.columns, col], t.constraints, next);
      checkNotNull(nt, concatBatches(nt.columns.map((c) => c.type), next.length ? next : [{ length: 0, columns: nt.columns.map((c) => evalOver({ kind: 'const', value: null, type: c.type }, { length: 0, columns: [] }, ctx)) }]));
      return nt;
    }
    case 'AT_DropColumn': {
      const i = t.columns.findIndex((c) => c.name === cmd.name);
      if (i < 0) {
        if (cmd.missing_ok) return t;
        throw new QuiverError(SqlState.undefinedColumn, `column "${cmd.name}" of relation "${t.name}" does not exist`);
      }
      const multi = t.constraints.find((k) => k.columns.includes(i) && k.columns.length > 1);
      if (multi && cmd.behavior !== 'DROP_CASCADE') {
        throw new QuiverError('2BP01', `cannot drop column ${cmd.name} of table ${t.name} because other objects depend on it`, { detail: `constraint ${multi.name} depends on column ${cmd.name}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.' });
      }
      const constraints = t.constraints.filter((k) => !k.columns.includes(i) && !(k.kind === 'check' && JSON.stringify(k.checkNode).includes(`"sval":"${cmd.name}"`)))
        .map((k) => ({ ...k, columns: k.columns.map((c) => (c > i ? c - 1 : c)) }));
      const next = chunks.map((b) => ({ length: b.length, columns: b.columns.filter((_, k) => k !== i) }));
      return swap(catalog, t, t.columns.filter((_, k) => k !== i), constraints, next);
    }
    case 'AT_AlterColumnType': {
      const i = colIndex(t, cmd.name);
      const cd = cmd.def.ColumnDef;
      const type = resolveTypeName(cd.typeName);
      const scope = new Scope(scopeOf(t.name, t.columns.map((c) => c.name), t.columns.map((c) => c.type)));
      const src: Expr = cd.raw_default ? bindExpr(binder, bctx(scope), cd.raw_default) : { kind: 'col', index: i, type: t.columns[i]!.type };
      if (!cd.raw_default && !canAssign(src.type, type)) {
        throw new QuiverError(SqlState.datatypeMismatch, `column "${cmd.name}" cannot be cast automatically to type ${typeName(type)}`, { hint: `You might need to specify "USING ${cmd.name}::${typeName(type)}".` });
      }
      const e = castTo(src, type, true);
      const next = chunks.map((b) => ({ length: b.length, columns: b.columns.map((v, k) => (k === i ? evalOver(e, b, ctx) : v)) }));
      const nt = swap(catalog, t, t.columns.map((c, k) => (k === i ? { ...c, type } : c)), t.constraints, next);
      if (nt.constraints.some((k) => k.kind !== 'check')) checkUnique(nt, next);
      return nt;
    }
    case 'AT_SetNotNull': case 'AT_DropNotNull': {
      const i = colIndex(t, cmd.name);
      const set = cmd.subtype === 'AT_SetNotNull';
      if (!set && t.constraints.some((k) => k.kind === 'primary' && k.columns.includes(i))) {
        throw new QuiverError(SqlState.invalidTableDefinition, `column "${cmd.name}" is in a primary key`);
      }
      if (set) {
        for (const b of chunks) {
          const v = b.columns[i]!;
          if (v.valid && v.valid.subarray(0, b.length).includes(0)) throw new QuiverError(SqlState.notNullViolation, `column "${cmd.name}" of relation "${t.name}" contains null values`);
        }
      }
      return swap(catalog, t, t.columns.map((c, k) => (k === i ? { ...c, notNull: set } : c)), t.constraints, chunks);
    }
    case 'AT_ColumnDefault': {
      const i = colIndex(t, cmd.name);
      if (cmd.def) {
        const d = bindExpr(binder, bctx(Scope.empty()), cmd.def);
        if (!canAssign(d.type, t.columns[i]!.type)) throw new QuiverError(SqlState.datatypeMismatch, `column "${cmd.name}" is of type ${typeName(t.columns[i]!.type)} but default expression is of type ${typeName(d.type)}`);
      }
      return swap(catalog, t, t.columns.map((c, k) => (k === i ? { ...c, defaultNode: cmd.def ?? null } : c)), t.constraints, chunks);
    }
    case 'AT_AddConstraint': {
      const k = cmd.def.Constraint;
      const names = ((k.keys ?? []) as PgNode[]).map(strVal);
      const cols = names.map((n) => colIndex(t, n));
      let kind: TableConstraint['kind'];
      if (k.contype === 'CONSTR_PRIMARY') kind = 'primary';
      else if (k.contype === 'CONSTR_UNIQUE') kind = 'unique';
      else if (k.contype === 'CONSTR_CHECK') kind = 'check';
      else throw new QuiverError(SqlState.featureNotSupported, `constraint ${String(k.contype).replace('CONSTR_', '').toLowerCase()} is not supported`);
      if (kind === 'primary' && t.constraints.some((c) => c.kind === 'primary')) {
        throw new QuiverError(SqlState.invalidTableDefinition, `multiple primary keys for table "${t.name}" are not allowed`);
      }
      const name: string = k.conname ?? (kind === 'primary' ? `${t.name}_pkey` : kind === 'unique' ? `${t.name}_${names.join('_')}_key` : `${t.name}_check`);
      if (t.constraints.some((c) => c.name === name)) throw new QuiverError(SqlState.duplicateObject, `constraint "${name}" for relation "${t.name}" already exists`);
      const c: TableConstraint = { kind, columns: cols, name, ...(kind === 'check' ? { checkNode: k.raw_expr } : {}) };
      // Existing rows must satisfy it, as PostgreSQL validates a new constraint.
      const columns = kind === 'primary' ? t.columns.map((col, i) => (cols.includes(i) ? { ...col, notNull: true } : col)) : t.columns;
      const probe = { ...t, columns, constraints: [c] };
      const all = concatBatches(t.columns.map((col) => col.type), chunks.length ? chunks : [{ length: 0, columns: t.columns.map((col) => evalOver({ kind: 'const', value: null, type: col.type }, { length: 0, columns: [] }, ctx)) }]);
      try {
        if (kind === 'check') checkChecks(catalog, probe, all, ctx);
        else { if (kind === 'primary') checkNotNull(probe, all); checkUnique(probe, chunks); }
      } catch (e) {
        // PostgreSQL words a failed validation of existing rows differently from a failed insert.
        if (!(e instanceof QuiverError)) throw e;
        if (e.code === SqlState.checkViolation) throw new QuiverError(e.code, `check constraint "${name}" of relation "${t.name}" is violated by some row`);
        if (e.code === SqlState.uniqueViolation) throw new QuiverError(e.code, `could not create unique index "${name}"`, e.detail ? { detail: e.detail.replace('already exists', 'is duplicated') } : {});
        if (e.code === SqlState.notNullViolation) throw new QuiverError(e.code, `column "${t.columns[cols.find((i) => chunks.some((b) => b.columns[i]!.valid?.includes(0))) ?? cols[0]!]!.name}" of relation "${t.name}" contains null values`);
        throw e;
      }
      return swap(catalog, t, columns, [...t.constraints, c], chunks);
    }
    case 'AT_DropConstraint': {
      const c = t.constraints.find((x) => x.name === cmd.name);
      if (!c) {
        if (cmd.missing_ok) return t;
        throw new QuiverError(SqlState.undefinedObject, `constraint "${cmd.name}" of relation "${t.name}" does not exist`);
      }
      for (const [idx, tn] of catalog.indexes) if (tn === t.name && idx === cmd.name) catalog.indexes.delete(idx);
      return swap(catalog, t, t.columns, t.constraints.filter((x) => x !== c), chunks);
    }
    default:
      throw new QuiverError(SqlState.featureNotSupported, `ALTER TABLE ${String(cmd.subtype).replace('AT_', '')} is not supported`);
  }
}

export { strVal };
