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

/**
 * A copy of a parse tree with references into schema `from` pointed at `to`: qualified relation
 * names, three-part column references and the sequence names given to nextval/currval/setval.
 * PostgreSQL's views and defaults refer to objects, not names, and keep working after the rename;
 * Quiver keeps their parse trees, so it renames inside them.
 */
function renameSchemaIn(node: unknown, from: string, to: string): unknown {
  if (Array.isArray(node)) return node.map((x) => renameSchemaIn(x, from, to));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = renameSchemaIn(v, from, to);
  const n = out as PgNode;
  if (n.RangeVar?.schemaname === from) n.RangeVar.schemaname = to;
  const fields = n.ColumnRef?.fields as PgNode[] | undefined;
  if (fields && fields.length >= 3 && fields[0].String?.sval === from) fields[0].String.sval = to;
  const fname = ((n.FuncCall?.funcname ?? []) as PgNode[]).map((f) => f.String?.sval).pop();
  const arg = n.FuncCall?.args?.[0]?.A_Const?.sval;
  if (['nextval', 'currval', 'setval'].includes(fname) && typeof arg?.sval === 'string' && arg.sval.startsWith(from + '.')) {
    arg.sval = to + arg.sval.slice(from.length);
  }
  return out;
}

/** ALTER SCHEMA from RENAME TO to: every object keyed "from.name" becomes "to.name". */
function renameSchema(catalog: Catalog, from: string, to: string): StatementResult {
  if (['public', 'main', 'pg_catalog', 'information_schema'].includes(from)) {
    if (from === 'main') throw new QuiverError(SqlState.undefinedSchema, `schema "${from}" does not exist`);
    throw new QuiverError(SqlState.featureNotSupported, `renaming schema "${from}" is not supported`);
  }
  if (!catalog.schemas.has(from)) throw new QuiverError(SqlState.undefinedSchema, `schema "${from}" does not exist`);
  if (catalog.schemas.has(to) || ['public', 'pg_catalog', 'information_schema'].includes(to)) {
    throw new QuiverError(SqlState.duplicateSchema, `schema "${to}" already exists`);
  }
  if (to.startsWith('pg_')) {
    throw new QuiverError('42939', `unacceptable schema name "${to}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
  }
  const moved = (name: string): string => (name.startsWith(from + '.') ? to + name.slice(from.length) : name);
  // Entries are replaced, not changed, so that a rolled-back transaction gets the old ones back.
  for (const e of catalog.all()) {
    const name = moved(e.name);
    if (e.kind === 'view') {
      catalog.drop(e.name);
      catalog.add({ ...e, name, query: renameSchemaIn(e.query, from, to) });
      continue;
    }
    const columns = e.columns.map((c) => (c.defaultNode ? { ...c, defaultNode: renameSchemaIn(c.defaultNode, from, to) } : c));
    const constraints = e.constraints.map((k) => (k.checkNode ? { ...k, checkNode: renameSchemaIn(k.checkNode, from, to) } : k));
    if (name !== e.name || columns.some((c, i) => c !== e.columns[i]) || constraints.some((k, i) => k !== e.constraints[i])) {
      swap(catalog, e, columns as ColumnDef[], constraints as TableConstraint[], e.data.snapshot(), name);
    }
  }
  for (const [name, seq] of [...catalog.sequences]) {
    if (moved(name) === name) continue;
    catalog.sequences.delete(name);
    catalog.sequences.set(moved(name), { ...seq, name: moved(name) });
  }
  catalog.schemas.delete(from);
  catalog.schemas.add(to);
  catalog.touch();
  return { command: 'ALTER SCHEMA', rowCount: 0 };
}

export function rename(catalog: Catalog, s: PgNode): StatementResult {
  if (s.renameType === 'OBJECT_SCHEMA') return renameSchema(catalog, s.subname, s.newname);
  if (!s.relation) {
    throw new QuiverError(SqlState.featureNotSupported, `ALTER ... RENAME of ${String(s.renameType).replace('OBJECT_', '').toLowerCase()} is not supported`);
  }
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
