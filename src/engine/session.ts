/**
 * Executes parsed statements against a catalog: the statement dispatcher of the engine.
 */
import type { PgNode, ParsedStatement } from '../sql/parser.js';
import type { Catalog, CatalogEntry } from '../catalog/catalog.js';
import { newTable } from '../catalog/catalog.js';
import type { Batch } from '../common/vector.js';
import { T, typeName, type SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { SelectBinder } from '../sql/bind_select.js';
import type { LogicalPlan } from '../logical/plan.js';
import { optimize } from '../logical/optimizer/index.js';
import { explainLogical } from '../logical/explain.js';
import { planPhysical, explainPhysical } from '../physical/planner.js';
import type { ExecContext } from '../physical/context.js';
import { drain, drive } from '../physical/driver.js';
import { StatementRun, cancelled, type RunOptions } from '../physical/statement_run.js';
import { createTable, createView, drop, createIndex, createSequence } from './ddl.js';
import { insert, update, del } from './dml.js';
import { copy } from './copy.js';
import { truncate, alterTable, rename } from './alter.js';
import type { StatementResult } from './statement.js';
import { Prng } from '../udf/functions/misc.js';
import { strVal } from '../sql/bind_expr.js';
import { convertParamsUpFront } from './values.js';
import { defaultThreads } from '../physical/worker_pool.js';

const SETTINGS_DEFAULTS: Record<string, string> = {
  server_version: '15.0', server_encoding: 'UTF8', client_encoding: 'UTF8', datestyle: 'ISO, MDY',
  intervalstyle: 'postgres', timezone: 'UTC', standard_conforming_strings: 'on', search_path: '"$user", public',
  // Worker threads a query may use: the cores, as DuckDB's `threads` (1 = everything in process).
  threads: String(defaultThreads()),
  integer_datetimes: 'on', default_transaction_isolation: 'read committed', default_transaction_read_only: 'off',
  default_transaction_deferrable: 'off', application_name: '', extra_float_digits: '1',
};

const ISOLATION_LEVELS = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'];

/**
 * Statements that may run while others of the same database are paused (interleaved at their
 * pauses), when no transaction block is open: they only read, each from the table contents it
 * captured when it started. Everything else runs alone among its kind (see Session.execute).
 */
const CONCURRENT_STATEMENTS = new Set(['SelectStmt', 'ExplainStmt', 'VariableShowStmt']);

/** Statements that change nothing stored; everything else is a write (for READ ONLY and durability). */
const READ_ONLY_STATEMENTS = new Set(['SelectStmt', 'ExplainStmt', 'VariableSetStmt', 'VariableShowStmt', 'TransactionStmt']);

/** The state a rollback returns to. Sequences are left out: as in PostgreSQL, they do not roll back. */
interface Snapshot { entries: CatalogEntry[]; data: Map<object, Batch[]>; schemas: string[]; indexes: [string, string][] }

interface Transaction {
  snap: Snapshot;
  isolation: string;
  readOnly: boolean;
  deferrable: boolean;
  /** Set by the first statement that reads or writes data: the isolation level is fixed from then on. */
  queried: boolean;
}

/**
 * A first-come first-served lock: `acquire` resolves with the function that releases it. A
 * statement cancelled while it waits fails at once (57014); its turn, when it comes, is passed on.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  acquire(signal: AbortSignal | null): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const turn = this.tail;
    this.tail = this.tail.then(() => held);
    if (!signal) return turn.then(() => release);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      void turn.then(() => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) { release(); reject(cancelled()); } else resolve(release);
      });
    });
  }
}

export class Session {
  settings = new Map(Object.entries(SETTINGS_DEFAULTS));
  private txn: Transaction | null = null;
  /** random() and setseed() of this session's statements. */
  private readonly rng = new Prng();
  /** Held by a statement that writes, changes the schema or the transaction, or runs in a block. */
  private readonly exclusive = new Mutex();

  /**
   * Makes the catalog's committed state durable (the data directory's save), or throws. Called when
   * a transaction block commits and after every autocommitted statement that can write; a failure
   * undoes the commit in memory too, so what the process holds never runs ahead of the disk.
   */
  persist: (() => void) | null = null;

  constructor(readonly catalog: Catalog) {}

  get inTransaction(): boolean { return this.txn !== null; }

  /** After an error inside BEGIN ... COMMIT, only the end of the block is accepted. */
  aborted = false;
  private savepoints: { name: string; snap: Snapshot }[] = [];

  /** Resolves once every statement that holds or waits for the exclusive lock has ended. */
  async idle(): Promise<void> {
    (await this.exclusive.acquire(null))();
  }

  /** Called by the face that ran a statement which failed. */
  failed(): void { if (this.txn) this.aborted = true; }

  /** The connection ends: an open transaction block is rolled back, as PostgreSQL does. */
  abandon(): void {
    if (this.txn) this.restore(this.txn.snap);
    this.txn = null;
    this.aborted = false;
    this.savepoints = [];
  }

  private context(params: unknown[], opts: RunOptions): ExecContext {
    const rng = this.rng;
    return {
      params, outer: [], now: Date.now() * 1000, workTables: new Map(),
      random: () => rng.random(), setseed: (seed) => rng.seed(seed),
      run: new StatementRun(opts.signal ?? null, opts.onProgress ?? null),
      // The driver (physical/driver.ts) awaits pauses: exchanges wait for workers without blocking.
      threads: Number(this.settings.get('threads')), awaitsPauses: true,
    };
  }

  /** Binds, optimizes and plans a query; returns the physical operator and output names. */
  planQuery(node: PgNode, paramTypes: SqlType[], ctx?: ExecContext): { plan: LogicalPlan; names: string[] } {
    const binder = new SelectBinder(this.catalog, paramTypes);
    const q = binder.bindQuery(node, null);
    // Before the optimizer folds away a branch that converts a parameter.
    const plan = ctx ? convertParamsUpFront(q.plan, ctx) : q.plan;
    return { plan: optimize(plan), names: q.names };
  }

  run(plan: LogicalPlan, ctx: ExecContext): Promise<Batch[]> {
    const op = planPhysical(optimize(convertParamsUpFront(plan, ctx)));
    return drain(op, ctx);
  }

  /**
   * Runs one statement. Statements of one database interleave at their pauses under one rule:
   * a query (SELECT, EXPLAIN, SHOW) outside a transaction block takes no lock and reads the
   * tables as they were when it started; every other statement (writes, DDL, COPY, SET,
   * transaction control, and anything inside a block) holds the session's exclusive lock, so
   * those run one at a time in arrival order. A writer does not wait for running queries: it
   * stores its rows only once its input is complete, as new chunk lists, which the queries that
   * started before it never see.
   */
  async execute(st: ParsedStatement, params: unknown[], paramTypes: SqlType[], opts: RunOptions = {}): Promise<StatementResult> {
    const concurrent = CONCURRENT_STATEMENTS.has(st.type) && this.txn === null && !this.aborted;
    const release = concurrent ? null : await this.exclusive.acquire(opts.signal ?? null);
    const inBlock = this.txn !== null;
    try {
      return await this.executeStatement(st, params, paramTypes, opts);
    } catch (e) {
      // A failed statement inside BEGIN ... COMMIT leaves the block accepting only its end.
      if (inBlock && this.txn) this.aborted = true;
      throw e;
    } finally {
      release?.();
    }
  }

  private async executeStatement(st: ParsedStatement, params: unknown[], paramTypes: SqlType[], opts: RunOptions): Promise<StatementResult> {
    const s = st.node;
    if (this.aborted && !(st.type === 'TransactionStmt' && ['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_ROLLBACK_TO'].includes(s.kind))) {
      throw new QuiverError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    const writes = !READ_ONLY_STATEMENTS.has(st.type) && !(st.type === 'CopyStmt' && !s.is_from);
    if (this.txn) {
      if (writes && this.txn.readOnly) throw new QuiverError('25006', `cannot execute ${commandName(st.type, s)} in a read-only transaction`);
      if (!['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt'].includes(st.type)) this.txn.queried = true;
      return this.dispatch(st, params, paramTypes, opts);
    }
    if (writes && this.settings.get('default_transaction_read_only') === 'on') {
      throw new QuiverError('25006', `cannot execute ${commandName(st.type, s)} in a read-only transaction`);
    }
    if (!this.persist) return this.dispatch(st, params, paramTypes, opts);
    if (!writes) {
      // A query can still advance a sequence (nextval, setval), which must not be handed out twice.
      const seqs = st.type === 'SelectStmt' ? this.sequenceState() : '';
      const r = await this.dispatch(st, params, paramTypes, opts);
      // Not while a block another statement opened meanwhile is running: that would save its rows.
      if (seqs !== this.sequenceState() && !this.txn) this.persist();
      return r;
    }
    // An autocommitted statement is its own transaction: durable when it returns, or undone.
    const snap = this.snapshot();
    try {
      const r = await this.dispatch(st, params, paramTypes, opts);
      this.persist();
      return r;
    } catch (e) {
      this.restore(snap);
      throw e;
    }
  }

  private sequenceState(): string {
    if (this.catalog.sequences.size === 0) return '';
    let out = '';
    for (const q of this.catalog.sequences.values()) out += `${q.name}:${q.next};`;
    return out;
  }

  private async dispatch(st: ParsedStatement, params: unknown[], paramTypes: SqlType[], opts: RunOptions): Promise<StatementResult> {
    const s = st.node;
    const ctx = this.context(params, opts);
    switch (st.type) {
      case 'SelectStmt': {
        const { plan, names } = this.planQuery(s, paramTypes, ctx);
        const op = planPhysical(plan);
        const batches = await drain(op, ctx);
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
      case 'CopyStmt': return copy(this.catalog, s, { run: (p) => this.run(p, ctx), ctx, paramTypes, planQuery: (q) => this.planQuery(q, paramTypes) });
      case 'TransactionStmt': return this.transaction(s);
      case 'VariableSetStmt': {
        if (s.kind === 'VAR_SET_MULTI') {
          const what = String(s.name);
          if (what !== 'TRANSACTION' && what !== 'SESSION CHARACTERISTICS') throw new QuiverError(SqlState.featureNotSupported, `SET ${what} is not supported`);
          this.setTransactionCharacteristics(what, (s.args ?? []) as PgNode[]);
          return { command: 'SET', rowCount: 0 };
        }
        if (s.kind === 'VAR_SET_VALUE' && s.name) {
          const v = ((s.args ?? []) as PgNode[]).map((a) => {
            const c = a.A_Const;
            return c?.sval?.sval ?? String(c?.ival?.ival ?? c?.fval?.fval ?? '');
          }).join(', ');
          const name = String(s.name).toLowerCase();
          if (TRANSACTION_SETTINGS.has(name)) this.setTransactionSetting(name, v);
          else this.settings.set(name, name === 'threads' ? threadsSetting(v) : v);
        } else if (s.kind === 'VAR_RESET' && s.name) {
          const d = SETTINGS_DEFAULTS[String(s.name).toLowerCase()];
          if (d !== undefined) this.settings.set(String(s.name).toLowerCase(), d);
        }
        return { command: 'SET', rowCount: 0 };
      }
      case 'VariableShowStmt': {
        const name = String(s.name).toLowerCase();
        const v = this.transactionSetting(name) ?? this.settings.get(name);
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

  private async explain(s: PgNode, paramTypes: SqlType[], ctx: ExecContext): Promise<StatementResult> {
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
      await drive(op, ctx, (b) => { n += b.length; });
      footer = [`Execution: ${n} rows in ${(performance.now() - t0).toFixed(3)} ms`];
    }
    const lines = ['Logical plan:', ...explainLogical(plan, 1), 'Physical plan:', ...explainPhysical(op, 1), ...footer];
    return {
      command: 'EXPLAIN', schema: [{ name: 'QUERY PLAN', type: T.text }],
      batches: [{ length: lines.length, columns: [{ type: T.text, length: lines.length, data: lines, valid: null }] }],
      rowCount: lines.length,
    };
  }

  private async createTableAs(s: PgNode, paramTypes: SqlType[], ctx: ExecContext): Promise<StatementResult> {
    if (s.objtype === 'OBJECT_MATVIEW') throw new QuiverError(SqlState.featureNotSupported, 'materialized views are not supported');
    if (!s.query?.SelectStmt) throw new QuiverError(SqlState.featureNotSupported, 'CREATE TABLE AS EXECUTE is not supported (there are no prepared statements)');
    const into = s.into;
    const name: string = this.catalog.key(into.rel.relname, into.rel.schemaname);
    if (this.catalog.get(name)) {
      if (s.if_not_exists) return { command: 'CREATE TABLE AS', rowCount: 0 };
      throw new QuiverError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const q = s.query.SelectStmt;
    const { plan, names } = this.planQuery(q, paramTypes, into.skipData ? undefined : ctx);
    const colNames: string[] = into.colNames ? (into.colNames as PgNode[]).map(strVal) : [];
    const cols = plan.schema.map((f, i) => ({ name: colNames[i] ?? names[i]!, type: f.type.id === 'unknown' ? T.text : f.type, notNull: false, defaultNode: null }));
    const seen = new Set<string>();
    for (const c of cols) {
      if (seen.has(c.name)) throw new QuiverError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
      seen.add(c.name);
      // Row values (SEARCH / CYCLE columns) exist only inside queries, as in PostgreSQL.
      if (c.type.id === 'record' || c.type.elem?.id === 'record') throw new QuiverError('42P16', `column "${c.name}" has pseudo-type ${typeName(c.type)}`);
    }
    const batches = into.skipData ? [] : await drain(planPhysical(plan), ctx);
    const t = newTable(name, cols);
    let n = 0;
    for (const b of batches) { t.data.append(b); n += b.length; }
    this.catalog.add(t);
    return { command: 'CREATE TABLE AS', rowCount: n };
  }

  private transaction(s: PgNode): StatementResult {
    switch (s.kind) {
      case 'TRANS_STMT_BEGIN': case 'TRANS_STMT_START':
        if (!this.txn) {
          this.txn = {
            snap: this.snapshot(), isolation: this.settings.get('default_transaction_isolation')!,
            readOnly: this.settings.get('default_transaction_read_only') === 'on',
            deferrable: this.settings.get('default_transaction_deferrable') === 'on', queried: false,
          };
        }
        this.setTransactionCharacteristics('TRANSACTION', (s.options ?? []) as PgNode[]);
        return { command: 'BEGIN', rowCount: 0 };
      case 'TRANS_STMT_COMMIT': {
        const t = this.txn;
        if (this.aborted) {
          // A failed transaction block cannot commit: it rolls back, as PostgreSQL's COMMIT does.
          this.abandon();
          return { command: 'ROLLBACK', rowCount: 0 };
        }
        this.txn = null;
        this.savepoints = [];
        if (t && this.persist) {
          try {
            this.persist();
          } catch (e) {
            // Not durable, so not committed: the block's changes are undone.
            this.restore(t.snap);
            throw e;
          }
        }
        return { command: 'COMMIT', rowCount: 0 };
      }
      case 'TRANS_STMT_ROLLBACK':
        this.abandon();
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

  /** SHOW of a transaction's characteristic: the block's own, else the session default's. */
  private transactionSetting(name: string): string | undefined {
    const t = this.txn;
    switch (name) {
      case 'transaction_isolation': return t ? t.isolation : this.settings.get('default_transaction_isolation');
      case 'transaction_read_only': return t ? (t.readOnly ? 'on' : 'off') : this.settings.get('default_transaction_read_only');
      case 'transaction_deferrable': return t ? (t.deferrable ? 'on' : 'off') : this.settings.get('default_transaction_deferrable');
      default: return undefined;
    }
  }

  /**
   * SET TRANSACTION / BEGIN options (`local`: for the current block) and SET SESSION
   * CHARACTERISTICS AS TRANSACTION (the defaults of later blocks).
   */
  private setTransactionCharacteristics(target: string, items: PgNode[]): void {
    const session = target === 'SESSION CHARACTERISTICS';
    // Outside a block SET TRANSACTION has nothing to act on; PostgreSQL warns and does nothing.
    if (!session && !this.txn) return;
    for (const it of items) {
      const d = it.DefElem;
      const c = d.arg?.A_Const;
      const v = c?.sval?.sval ?? (c?.ival ? ((c.ival.ival ?? 0) !== 0 ? 'on' : 'off') : '');
      this.setTransactionSetting(session ? `default_${String(d.defname)}` : String(d.defname), v);
    }
  }

  /** Checks and sets one of the transaction_* / default_transaction_* settings, as PostgreSQL's GUC hooks do. */
  private setTransactionSetting(name: string, raw: string): void {
    const isolation = name.endsWith('transaction_isolation');
    let value = raw.toLowerCase();
    if (isolation) {
      if (!ISOLATION_LEVELS.includes(value)) {
        throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${raw}"`, { hint: `Available values: ${ISOLATION_LEVELS.join(', ')}.` });
      }
    } else {
      const b = parseBool(value);
      if (b === null) throw new QuiverError(SqlState.invalidParameterValue, `parameter "${name}" requires a Boolean value`);
      value = b ? 'on' : 'off';
    }
    if (name.startsWith('default_')) { this.settings.set(name, value); return; }
    const t = this.txn;
    // Outside a block the setting would last only for its own statement's implicit transaction.
    if (!t) return;
    const inSub = this.savepoints.length > 0;
    if (name === 'transaction_isolation') {
      if (value !== t.isolation) {
        if (t.queried) throw new QuiverError('25001', 'SET TRANSACTION ISOLATION LEVEL must be called before any query');
        if (inSub) throw new QuiverError('25001', 'SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction');
      }
      t.isolation = value;
    } else if (name === 'transaction_read_only') {
      if (value === 'off' && t.readOnly) {
        if (inSub) throw new QuiverError('25001', 'cannot set transaction read-write mode inside a read-only transaction');
        if (t.queried) throw new QuiverError('25001', 'transaction read-write mode must be set before any query');
      }
      t.readOnly = value === 'on';
    } else {
      if (t.queried && value !== (t.deferrable ? 'on' : 'off')) throw new QuiverError('25001', 'SET TRANSACTION [NOT] DEFERRABLE must be called before any query');
      if (inSub && value !== (t.deferrable ? 'on' : 'off')) throw new QuiverError('25001', 'SET TRANSACTION [NOT] DEFERRABLE cannot be called within a subtransaction');
      t.deferrable = value === 'on';
    }
  }

  /** Tables are copy-on-write at the chunk list, so a snapshot is the lists and the entries. */
  private snapshot(): Snapshot {
    const entries = this.catalog.all();
    const data = new Map<object, Batch[]>();
    for (const e of entries) if (e.kind === 'table') data.set(e, [...e.data.snapshot()]);
    return { entries, data, schemas: [...this.catalog.schemas], indexes: [...this.catalog.indexes] };
  }

  private restore(snap: Snapshot): void {
    for (const e of this.catalog.all()) this.catalog.drop(e.name);
    for (const e of snap.entries) {
      if (e.kind === 'table') e.data.restore(snap.data.get(e) ?? []);
      this.catalog.add(e);
    }
    this.catalog.schemas.clear();
    for (const n of snap.schemas) this.catalog.schemas.add(n);
    this.catalog.indexes.clear();
    for (const [k, v] of snap.indexes) this.catalog.indexes.set(k, v);
  }
}

const TRANSACTION_SETTINGS = new Set([
  'transaction_isolation', 'transaction_read_only', 'transaction_deferrable',
  'default_transaction_isolation', 'default_transaction_read_only', 'default_transaction_deferrable',
]);

/** PostgreSQL's boolean setting values (parse_bool): on/off, true/false, yes/no, 1/0 and prefixes. */
function parseBool(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (s === '1' || s === 'on') return true;
  if (s === '0' || s === 'of' || s === 'off') return false;
  if (s.length === 0) return null;
  if ('true'.startsWith(s) || 'yes'.startsWith(s)) return true;
  if ('false'.startsWith(s) || 'no'.startsWith(s)) return false;
  return null;
}

/** The command name PostgreSQL's read-only check reports (its command tag). */
function commandName(type: string, s: PgNode): string {
  switch (type) {
    case 'InsertStmt': return 'INSERT';
    case 'UpdateStmt': return 'UPDATE';
    case 'DeleteStmt': return 'DELETE';
    case 'CopyStmt': return 'COPY FROM';
    case 'CreateStmt': return 'CREATE TABLE';
    case 'CreateTableAsStmt': return 'CREATE TABLE AS';
    case 'ViewStmt': return 'CREATE VIEW';
    case 'IndexStmt': return 'CREATE INDEX';
    case 'CreateSeqStmt': return 'CREATE SEQUENCE';
    case 'CreateSchemaStmt': return 'CREATE SCHEMA';
    case 'TruncateStmt': return 'TRUNCATE TABLE';
    case 'AlterTableStmt': case 'RenameStmt': return 'ALTER TABLE';
    case 'DropStmt': {
      const what: Record<string, string> = { OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_INDEX: 'INDEX', OBJECT_SEQUENCE: 'SEQUENCE', OBJECT_SCHEMA: 'SCHEMA' };
      return `DROP ${what[s.removeType as string] ?? 'OBJECT'}`;
    }
    default: return type.replace(/Stmt$/, '').toUpperCase();
  }
}

/** `SET threads = n`: a whole number of threads from 1 to 256 (DuckDB's setting of the same name). */
function threadsSetting(v: string): string {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || n < 1 || n > 256) {
    throw new QuiverError(SqlState.invalidParameterValue, `invalid value for parameter "threads": "${v}"`, { hint: 'Use a whole number from 1 to 256.' });
  }
  return String(n);
}
