/**
 * Checks a table's integrity rules on the rows a statement is about to store: NOT NULL, CHECK,
 * and UNIQUE / PRIMARY KEY (over the whole resulting table).
 */
import { getValue, type Batch } from '../common/vector.js';
import type { TableEntry } from '../catalog/catalog.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { GroupTable } from '../physical/group_table.js';
import { SelectBinder } from '../sql/bind_select.js';
import { bindExpr, requireBool } from '../sql/bind_expr.js';
import { Scope, scopeOf } from '../sql/scope.js';
import { compileExpr } from '../physical/compile.js';
import type { ExecContext } from '../physical/context.js';
import type { Catalog } from '../catalog/catalog.js';
import { columnReader } from './values.js';
import { toText } from '../udf/runtime.js';

export function checkNotNull(t: TableEntry, rows: Batch): void {
  for (let c = 0; c < t.columns.length; c++) {
    const col = t.columns[c]!;
    const pk = t.constraints.some((k) => k.kind === 'primary' && k.columns.includes(c));
    if (!col.notNull && !pk) continue;
    const v = rows.columns[c]!;
    if (!v.valid) continue;
    for (let i = 0; i < rows.length; i++) {
      if (v.valid[i] === 0) {
        throw new QuiverError(SqlState.notNullViolation, `null value in column "${col.name}" of relation "${t.name}" violates not-null constraint`);
      }
    }
  }
}

export function checkChecks(catalog: Catalog, t: TableEntry, rows: Batch, ctx: ExecContext): void {
  for (const k of t.constraints) {
    if (k.kind !== 'check' || !k.checkNode) continue;
    const binder = new SelectBinder(catalog, []);
    const scope = new Scope(scopeOf(t.name, t.columns.map((c) => c.name), t.columns.map((c) => c.type)));
    const e = requireBool(bindExpr(binder, { scope, outer: null, aggs: null, windows: null, clause: 'check constraints', ctes: new Map() }, k.checkNode), 'CHECK');
    const r = compileExpr(e)(rows, ctx);
    const d = r.data as Uint8Array;
    for (let i = 0; i < rows.length; i++) {
      // NULL passes a CHECK: only false fails.
      if ((!r.valid || r.valid[i]) && d[i] === 0) {
        throw new QuiverError(SqlState.checkViolation, `new row for relation "${t.name}" violates check constraint "${k.name}"`);
      }
    }
  }
}

/** Verifies uniqueness over all rows of the table after the change. */
export function checkUnique(t: TableEntry, all: Batch[]): void {
  for (const k of t.constraints) {
    if (k.kind !== 'unique' && k.kind !== 'primary') continue;
    const table = new GroupTable(k.columns.map((c) => t.columns[c]!.type));
    for (const b of all) {
      const keys = k.columns.map((c) => b.columns[c]!);
      const ids = new Int32Array(b.length);
      const before = table.size;
      table.insert(keys, b.length, ids);
      let next = before;
      for (let i = 0; i < b.length; i++) {
        if (ids[i] === next) { next++; continue; }
        // A key with a NULL never conflicts.
        if (keys.some((v) => v.valid && v.valid[i] === 0)) continue;
        const vals = keys.map((v) => { const r = columnReader(v)(i); return r === null ? 'null' : toText(getValue(v, i), v.type); });
        throw new QuiverError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${k.name}"`, {
          detail: `Key (${k.columns.map((c) => t.columns[c]!.name).join(', ')})=(${vals.join(', ')}) already exists.`,
        });
      }
    }
  }
}
