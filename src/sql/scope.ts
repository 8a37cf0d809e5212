/**
 * Name scopes of the binder: the columns a FROM clause makes visible, and the link to the
 * enclosing query through which correlated subqueries reach outer columns.
 */
import type { Expr } from '../logical/expr.js';
import type { SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';

export interface ScopeColumn {
  name: string;
  /** The table name or alias that qualifies the column; null for a USING-merged column. */
  table: string | null;
  expr: Expr;
  /** Included by `*` (false for the two sides of a USING column, which appears once, merged). */
  star: boolean;
  /** Found by its unqualified name (false when a merged USING column stands for it). */
  unqualified: boolean;
  /** The schema, for references written schema.table.column (unaliased tables only). */
  schema?: string;
  /** The stored column this is, for functional dependencies on a primary key. */
  source?: { table: import('../catalog/catalog.js').TableEntry; column: number };
}

export class Scope {
  constructor(public cols: ScopeColumn[]) {}

  static empty(): Scope { return new Scope([]); }

  tables(): Set<string> {
    const s = new Set<string>();
    for (const c of this.cols) if (c.table) s.add(c.table);
    return s;
  }

  /** Finds a column; returns undefined when absent, throws 42702 when ambiguous. */
  find(name: string, table: string | null, position?: number, schema: string | null = null): ScopeColumn | undefined {
    let found: ScopeColumn | undefined;
    for (const c of this.cols) {
      if (c.name !== name) continue;
      if (table !== null ? c.table !== table : !c.unqualified) continue;
      if (schema !== null && c.schema !== schema) continue;
      if (found && found.expr !== c.expr) {
        // Two unaliased tables of one name in different schemas: the name alone is ambiguous.
        if (table !== null && schema === null && found.schema !== undefined && c.schema !== undefined && found.schema !== c.schema) {
          throw new QuiverError('42P09', `table reference "${table}" is ambiguous`, position === undefined ? {} : { position });
        }
        const q = table ? `${table}.${name}` : name;
        throw new QuiverError(SqlState.ambiguousColumn, `column reference "${q}" is ambiguous`, position === undefined ? {} : { position });
      }
      found = c;
    }
    return found;
  }

  hasTable(table: string): boolean {
    return this.cols.some((c) => c.table === table);
  }

  /**
   * Why `schema.table` (schema null: `table`) names no entry of this scope although the scope has
   * a table of that name: behind an alias, or in another schema. Undefined when it has none.
   */
  hiddenTable(table: string, schema: string | null): { hint: string } | undefined {
    // The stored table the written name denotes (catalog keys carry non-default schemas only).
    const key = schema === null || schema === 'public' || schema === 'pg_catalog' ? table : `${schema}.${table}`;
    for (const c of this.cols) {
      if (c.source && c.table !== table && c.source.table.name === key) {
        return { hint: `Perhaps you meant to reference the table alias "${c.table}".` };
      }
      if (c.table === table && schema !== null && c.schema !== schema) {
        return { hint: `There is an entry for table "${table}", but it cannot be referenced from this part of the query.` };
      }
    }
    return undefined;
  }
}

/**
 * The table name two FROM lists both expose, which may not be joined (PostgreSQL's
 * checkNameSpaceConflicts): only two unaliased tables of different schemas may share a name.
 */
export function conflictingTable(a: Scope, b: Scope): string | null {
  const schemas = (s: Scope, t: string): (string | undefined)[] => [...new Set(s.cols.filter((c) => c.table === t).map((c) => c.schema))];
  const at = a.tables();
  for (const t of b.tables()) {
    if (!at.has(t)) continue;
    const sa = schemas(a, t), sb = schemas(b, t);
    if (sa.includes(undefined) || sb.includes(undefined) || sa.some((x) => sb.includes(x))) return t;
  }
  return null;
}

/** Columns of an unnamed relation (a plan's output) exposed under `table`. */
export function scopeOf(table: string | null, names: string[], types: SqlType[], base = 0): ScopeColumn[] {
  return names.map((name, i) => ({
    name, table, expr: { kind: 'col', index: base + i, type: types[i]! }, star: true, unqualified: true,
  }));
}
