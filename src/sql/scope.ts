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
}

/** Columns of an unnamed relation (a plan's output) exposed under `table`. */
export function scopeOf(table: string | null, names: string[], types: SqlType[], base = 0): ScopeColumn[] {
  return names.map((name, i) => ({
    name, table, expr: { kind: 'col', index: base + i, type: types[i]! }, star: true, unqualified: true,
  }));
}
