/**
 * Executes parsed statements against a catalog: the statement dispatcher of the engine.
 */
import type { PgNode, ParsedStatement } from '../sql/parser.js';
import type { Catalog } from '../catalog/catalog.js';
import { newTable } from '../catalog/catalog.js';
import type { Batch } from '../common/vector.js';
import { T, type SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { SelectBinder } from '../sql/bind_select.js';
import type { LogicalPlan } from '../logical/plan.js';
import { optimize } from '../logical/optimizer/index.js';
import { explainLogical } from '../logical/explain.js';
import { planPhysical, explainPhysical } from '../physical/planner.js';
import { executeAll } from '../physical/operator.js';
import type { ExecContext } from '../physical/context.js';
import { createTable, createView, drop, createIndex, createSequence } from './ddl.js';
import { insert, update, del } from './dml.js';
import { copy } from './copy.js';
import { truncate, alterTable, rename } from './alter.js';
import type { StatementResult } from './statement.js';
import { setStatementTime } from '../udf/functions/datetime.js';
import { strVal } from '../sql/bind_expr.js';

const SETTINGS_DEFAULTS: Record<string, string> = {
  server_version: '15.0', server_encoding: 'UTF8', client_encoding: 'UTF8', datestyle: 'ISO, MDY',
  intervalstyle: 'postgres', timezone: 'UTC', standard_conforming_strings: 'on', search_path: '"$user", public',
  integer_datetimes: 'on', transaction_isolation: 'read committed', application_name: '', extra_float_digits: '1',
};

export class Session {
  settings = new Map(Object.entries(SETTINGS_DEFAULTS));
  private txn: { entries: import('../catalog/catalog.js').CatalogEntry[]; data: Map<object, Batch[]> } | null = null;

  constructor(readonly catalog: Catalog) {}

  get inTransaction(): boolean { return this.txn !== null; }

  /** After an error inside BEGIN ... COMMIT, only the end of the block is accepted. */
  aborted = false;
  private savepoints: { name: string; snap: { entries: import('../catalog/catalog.js').CatalogEntry[]; data: Map<object, Batch[]> } }[] = [];

  /** Called by the face that ran a statement which failed. */
  failed(): void { if (this.txn) this.aborted = true; }

  private context(params: unknown[]): ExecContext {
    const now = Date.now() * 1000;
    setStatementTime(now);
    return { params, outer: [], now, random: Math.random, workTables: new Map() };
  }

  /** Binds, optimizes and plans a query; returns the physical operator and output names. */
  planQuery(node: PgNode, paramTypes: SqlType[]): { plan: LogicalPlan; names: string[] } {
    const binder = new SelectBinder(this.catalog, paramTypes);
    const q = binder.bindQuery(node, null);
    return { plan: optimize(q.plan), names: q.names };
  }

  run(plan: LogicalPlan, ctx: ExecContext): Batch[] {
    const op = planPhysical(optimize(plan));
    return [...executeAll(op, ctx)];
  }

  execute(st: ParsedStatement, params: unknown[], paramTypes: SqlType[]): StatementResult {
    const s = st.node;
    if (this.aborted && !(st.type === 'TransactionStmt' && ['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_ROLLBACK_TO'].includes(s.kind))) {
      throw new QuiverError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    const ctx = this.context(params);
    switch (st.type) {
      case 'SelectStmt': {
        const { plan, names } = this.planQuery(s, paramTypes);
        const op = planPhysical(plan);
        const batches = [...executeAll(op, ctx)];
        let n = 0;
        for (const b of batches) n += b.length;
        return { command: 'SELECT', schema: plan.schema.map((f, i) => ({ name: names[i]!, type: f.type })), batches, rowCount: n };
      }
      case 'ExplainStmt': return this.explain(s, paramTypes, ctx);
      case 'CreateStmt': return createTable(this.catalog, s);
      case 'CreateTableAsStmt': return this.createTableAs(s, paramTypes, ctx);
      case 'ViewStmt': return createView(this.catalog, s, (q) => this.planQuery(q, []).names);
      case 'DropStmt': return drop(this.catalog, s);
      case 'InsertStmt': return insert(this.catalog, s, paramTypes, (p) => this.run(p, ctx), ctx);
      case 'UpdateStmt': return update(this.catalog, s, paramTypes, (p) => this.run(p, ctx), ctx);
      case 'DeleteStmt': return del(this.catalog, s, paramTypes, (p) => this.run(p, ctx), ctx);
      case 'CopyStmt': return copy(this.catalog, s, st.text);
      case 'TransactionStmt': return this.transaction(s);
      case 'VariableSetStmt': {
        if (s.kind === 'VAR_SET_VALUE' && s.name) {
          const v = ((s.args ?? []) as PgNode[]).map((a) => {
            const c = a.A_Const;
            return c?.sval?.sval ?? String(c?.ival?.ival ?? c?.fval?.fval ?? '');
          }).join(', ');
          this.settings.set(String(s.name).toLowerCase(), v);
        } else if (s.kind === 'VAR_RESET' && s.name) {
          const d = SETTINGS_DEFAULTS[String(s.name).toLowerCase()];
          if (d !== undefined) this.settings.set(String(s.name).toLowerCase(), d);
        }
        return { command: 'SET', rowCount: 0 };
      }
      case 'VariableShowStmt': {
        const name = String(s.name).toLowerCase();
        const v = this.settings.get(name);
        if (v === undefined) throw new QuiverError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
        return { command: 'SHOW', schema: [{ name, type: T.text }], batches: [{ length: 1, columns: [{ type: T.text, length: 1, data: [v], valid: null }] }], rowCount: 1 };
      }
      case 'CreateSchemaStmt': {
        const name: string = s.schemaname;
        if (this.catalog.schemas.has(name) || ['public', 'main', 'pg_catalog'].includes(name)) {
          if (s.if_not_exists) return { command: 'CREATE SCHEMA', rowCount: 0 };
          throw new QuiverError(SqlState.duplicateSchema, `schema "${name}" already exists`);
        }
        this.catalog.schemas.add(name);
        this.catalog.touch();
        return { command: 'CREATE SCHEMA', rowCount: 0 };
      }
      case 'IndexStmt': return createIndex(this.catalog, s);
      case 'TruncateStmt': return truncate(this.catalog, s);
      case 'AlterTableStmt': return alterTable(this.catalog, s, ctx);
      case 'RenameStmt': return rename(this.catalog, s);
      case 'CreateSeqStmt': return createSequence(this.catalog, s);
      default:
        throw new QuiverError(SqlState.featureNotSupported, `${st.type.replace(/Stmt$/, '')} statements are not supported`);
    }
  }

  private explain(s: PgNode, paramTypes: SqlType[], ctx: ExecContext): StatementResult {
    const inner = s.query;
    const type = Object.keys(inner)[0]!;
    if (type !== 'SelectStmt') throw new QuiverError(SqlState.featureNotSupported, 'EXPLAIN supports SELECT statements');
    const analyze = ((s.options ?? []) as PgNode[]).some((o) => o.DefElem?.defname === 'analyze');
    const { plan } = this.planQuery(inner[type], paramTypes);
    const op = planPhysical(plan, analyze);
    let footer: string[] = [];
    if (analyze) {
      // Run it first: the physical plan then shows what each operator produced and how long it took.
      const t0 = performance.now();
      let n = 0;
      for (const b of executeAll(op, ctx)) n += b.length;
      footer = [`Execution: ${n} rows in ${(performance.now() - t0).toFixed(3)} ms`];
    }
    const lines = ['Logical plan:', ...explainLogical(plan, 1), 'Physical plan:', ...explainPhysical(op, 1), ...footer];
    return {
      command: 'EXPLAIN', schema: [{ name: 'QUERY PLAN', type: T.text }],
      batches: [{ length: lines.length, columns: [{ type: T.text, length: lines.length, data: lines, valid: null }] }],
      rowCount: lines.length,
    };
  }

  private createTableAs(s: PgNode, paramTypes: SqlType[], ctx: ExecContext): StatementResult {
    if (s.objtype === 'OBJECT_MATVIEW') throw new QuiverError(SqlState.featureNotSupported, 'materialized views are not supported');
    if (!s.query?.SelectStmt) throw new QuiverError(SqlState.featureNotSupported, 'CREATE TABLE AS EXECUTE is not supported (there are no prepared statements)');
    const into = s.into;
    const name: string = this.catalog.key(into.rel.relname, into.rel.schemaname);
    if (this.catalog.get(name)) {
      if (s.if_not_exists) return { command: 'CREATE TABLE AS', rowCount: 0 };
      throw new QuiverError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const q = s.query.SelectStmt;
    const { plan, names } = this.planQuery(q, paramTypes);
    const colNames: string[] = into.colNames ? (into.colNames as PgNode[]).map(strVal) : [];
    const cols = plan.schema.map((f, i) => ({ name: colNames[i] ?? names[i]!, type: f.type.id === 'unknown' ? T.text : f.type, notNull: false, defaultNode: null }));
    const seen = new Set<string>();
    for (const c of cols) {
      if (seen.has(c.name)) throw new QuiverError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
      seen.add(c.name);
    }
    const batches = into.skipData ? [] : [...executeAll(planPhysical(plan), ctx)];
    const t = newTable(name, cols);
    let n = 0;
    for (const b of batches) { t.data.append(b); n += b.length; }
    this.catalog.add(t);
    return { command: 'CREATE TABLE AS', rowCount: n };
  }

  private transaction(s: PgNode): StatementResult {
    switch (s.kind) {
      case 'TRANS_STMT_BEGIN': case 'TRANS_STMT_START':
        if (!this.txn) this.txn = this.snapshot();
        return { command: 'BEGIN', rowCount: 0 };
      case 'TRANS_STMT_COMMIT':
        if (this.aborted) {
          // A failed transaction block cannot commit: it rolls back, as PostgreSQL's COMMIT does.
          if (this.txn) this.restore(this.txn);
          this.txn = null;
          this.aborted = false;
          return { command: 'ROLLBACK', rowCount: 0 };
        }
        this.txn = null;
        this.savepoints = [];
        return { command: 'COMMIT', rowCount: 0 };
      case 'TRANS_STMT_ROLLBACK':
        if (this.txn) this.restore(this.txn);
        this.txn = null;
        this.aborted = false;
        this.savepoints = [];
        return { command: 'ROLLBACK', rowCount: 0 };
      case 'TRANS_STMT_SAVEPOINT': {
        if (!this.txn) throw new QuiverError('25P01', 'SAVEPOINT can only be used in transaction blocks');
        this.savepoints.push({ name: s.savepoint_name, snap: this.snapshot() });
        return { command: 'SAVEPOINT', rowCount: 0 };
      }
      case 'TRANS_STMT_RELEASE': case 'TRANS_STMT_ROLLBACK_TO': {
        const name: string = s.savepoint_name;
        let i = this.savepoints.length - 1;
        while (i >= 0 && this.savepoints[i]!.name !== name) i--;
        if (!this.txn || i < 0) throw new QuiverError('3B001', `savepoint "${name}" does not exist`);
        if (s.kind === 'TRANS_STMT_RELEASE') {
          this.savepoints.length = i;
          return { command: 'RELEASE', rowCount: 0 };
        }
        // ROLLBACK TO keeps the savepoint itself and clears the failed state.
        this.restore(this.savepoints[i]!.snap);
        this.savepoints.length = i + 1;
        this.aborted = false;
        return { command: 'ROLLBACK', rowCount: 0 };
      }
      default:
        throw new QuiverError(SqlState.featureNotSupported, `${String(s.kind).replace('TRANS_STMT_', '')} is not supported`);
    }
  }

  /** Tables are copy-on-write at the chunk list, so a snapshot is the lists and the entries. */
  private snapshot(): { entries: import('../catalog/catalog.js').CatalogEntry[]; data: Map<object, Batch[]> } {
    const entries = this.catalog.all();
    const data = new Map<object, Batch[]>();
    for (const e of entries) if (e.kind === 'table') data.set(e, [...e.data.snapshot()]);
    return { entries, data };
  }

  private restore(snap: { entries: import('../catalog/catalog.js').CatalogEntry[]; data: Map<object, Batch[]> }): void {
    for (const e of this.catalog.all()) this.catalog.drop(e.name);
    for (const e of snap.entries) {
      if (e.kind === 'table') e.data.replace(snap.data.get(e) ?? []);
      this.catalog.add(e);
    }
  }
}

