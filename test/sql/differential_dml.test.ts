/**
 * Differential test of DML against a real PostgreSQL: random UPDATE … FROM, DELETE … USING,
 * INSERT … SELECT and INSERT … ON CONFLICT DO NOTHING / DO UPDATE, with RETURNING sometimes, run on
 * both engines from identical starting tables. The command's result must agree (RETURNING rows,
 * the row count, or the SQLSTATE when PostgreSQL refuses), and so must every table afterwards — a
 * refused statement must leave the tables as they were. Every expected answer is PostgreSQL 15's,
 * computed live by the server the harness starts.
 *
 * Only deterministic forms are generated: UPDATE … FROM joins the source on a unique key (or a
 * grouped subquery), since PostgreSQL picks an arbitrary source row when several match one target
 * row; ON CONFLICT DO NOTHING reads sources with unique keys, since which duplicate wins depends on
 * the scan order; RETURNING names source columns only when the join is on a unique key.
 *
 * QUIVER_DIFF_SEED and QUIVER_DIFF_QUERIES work as in differential.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng, SEED, statementCount, startPair, runBoth, judge, showAnswer, mismatchReport, dumpMismatches, fixture,
  type Pair, type Mismatch,
} from './differential_harness.js';

// ---------------------------------------------------------------------------------------------
// Tables: `it` is the usual target, `u` a source with a unique key, `v` a source without one. They
// share column names (id, name, qty, price), so unqualified references are sometimes ambiguous.

const SCHEMA = [
  `CREATE TABLE it (id int PRIMARY KEY, name text NOT NULL, qty int CHECK (qty > -1000), price numeric(8,2), tag text DEFAULT 'none', flag boolean)`,
  `CREATE TABLE u (id int PRIMARY KEY, name text, qty int, price numeric(8,2), note text)`,
  `CREATE TABLE v (k int, name text, qty int)`,
];
const TABLE_NAMES = ['it', 'u', 'v'];
/** Data and integrity errors (class 22: out of range, division by zero; class 23: not null, unique, check; ON CONFLICT DO UPDATE meeting a row twice). */
const dataOrIntegrity = (code: string): boolean => code.startsWith('22') || code.startsWith('23') || code === '21000';
const NAMES = ["'apple'", "'pear'", "'fig'", "'kiwi'", "'plum'", "'Apple'", "''"];

function q(n: number): string { return String(n); }

/** Rows for the three tables; ids overlap partly, so joins and conflicts find some rows and miss others. */
function dataSql(r: Rng): string[] {
  const maybe = (p: number, v: () => string): string => (r.chance(p) ? 'NULL' : v());
  const price = (): string => (r.int(-5000, 50000) / 100).toFixed(2);
  const itIds = new Set<number>();
  while (itIds.size < r.int(6, 12)) itIds.add(r.int(1, 16));
  const uIds = new Set<number>();
  while (uIds.size < r.int(5, 10)) uIds.add(r.int(1, 20));
  const it = [...itIds].map((id) => `(${id}, ${r.pick(NAMES)}, ${maybe(0.1, () => q(r.int(-5, 40)))}, ${maybe(0.1, price)}, ${r.pick(["'none'", "'red'", "'blue'", 'NULL'])}, ${r.pick(['true', 'false', 'NULL'])})`);
  const u = [...uIds].map((id) => `(${id}, ${maybe(0.1, () => r.pick(NAMES))}, ${maybe(0.1, () => q(r.int(-5, 40)))}, ${maybe(0.1, price)}, ${r.pick(["'x'", "'y'", 'NULL'])})`);
  const v = Array.from({ length: r.int(4, 10) }, () => `(${r.int(1, 16)}, ${maybe(0.1, () => r.pick(NAMES))}, ${maybe(0.1, () => q(r.int(-5, 40)))})`);
  return [
    'DELETE FROM it', 'DELETE FROM u', 'DELETE FROM v',
    `INSERT INTO it VALUES ${it.join(', ')}`,
    `INSERT INTO u VALUES ${u.join(', ')}`,
    `INSERT INTO v VALUES ${v.join(', ')}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Statements

interface Stmt { sql: string }

class DmlGen {
  constructor(private readonly r: Rng) {}

  /** A reference to a column of a relation named `rel` (an alias or table name), or unqualified. */
  private col(rel: string, name: string, unqualified = 0.08): string {
    return this.r.chance(unqualified) ? name : `${rel}.${name}`;
  }

  /** A condition over one relation; cannot fail. */
  private cond(rel: string, cols: { int: string[]; text: string[]; num: string[] }): string {
    const r = this.r;
    return r.weighted<string>([
      [3, () => `${this.col(rel, r.pick(cols.int), 0)} ${r.pick(['=', '<>', '<', '>', '<=', '>='])} ${r.int(-2, 20)}`],
      [1, () => `${this.col(rel, r.pick(cols.text), 0)} ${r.pick(['=', '<>', '<', '>'])} ${r.pick(NAMES)}`],
      [1, () => `${this.col(rel, r.pick([...cols.int, ...cols.text]), 0)} IS ${r.chance(0.5) ? 'NOT ' : ''}NULL`],
      [cols.num.length ? 1 : 0, () => `${this.col(rel, r.pick(cols.num), 0)} > ${r.pick(['0', '100.5', '-10'])}`],
      [1, () => `${this.col(rel, r.pick(cols.int), 0)} IN (${r.int(0, 16)}, ${r.int(0, 16)}, ${r.int(0, 16)})`],
    ]);
  }

  private itCols = { int: ['id', 'qty'], text: ['name', 'tag'], num: ['price'] };
  private uCols = { int: ['id', 'qty'], text: ['name', 'note'], num: ['price'] };
  private vCols = { int: ['k', 'qty'], text: ['name'], num: [] as string[] };

  /** The target, as written after UPDATE / DELETE FROM / INSERT INTO, and the name columns take. */
  private target(allowAlias = true): { sql: string; rel: string } {
    const r = this.r;
    if (allowAlias && r.chance(0.4)) { const a = r.pick(['x', 't']); return { sql: `it ${r.chance(0.5) ? 'AS ' : ''}${a}`, rel: a }; }
    // A schema-qualified name: columns are still qualified by the bare table name.
    return { sql: r.chance(0.25) ? 'public.it' : 'it', rel: 'it' };
  }

  private returning(items: string[]): string {
    const r = this.r;
    if (!r.chance(0.45)) return '';
    const chosen = items.filter(() => r.chance(0.5));
    if (!chosen.length) chosen.push(r.pick(items));
    // An expression that fails on some rows: the whole statement must then change nothing.
    if (r.chance(0.12)) chosen.push(`100 / (${items[0]} - ${r.int(0, 12)}) AS risky`);
    return ` RETURNING ${chosen.join(', ')}`;
  }

  private setValue(tgt: string, src: string | null): string {
    const r = this.r;
    const alts: (readonly [number, () => string])[] = [
      [2, () => `${this.col(tgt, 'qty')} + ${r.int(1, 5)}`],
      [0.5, () => `${this.col(tgt, 'qty')} - 2000`],  // violates the CHECK constraint
      [1, () => `${r.int(-5, 50)}`],
      [0.5, () => 'NULL'],
      [0.5, () => 'DEFAULT'],
      [1, () => `(SELECT max(w.qty) FROM v w WHERE w.name = ${tgt}.name)`],
      [0.5, () => `${tgt}.price::int`],
      [0.4, () => `100 / (${tgt}.qty - ${r.int(0, 20)})`],  // fails on some rows: nothing may change
    ];
    if (src) {
      alts.push([3, () => `${this.col(src, 'qty')} ${r.pick(['+', '-', '*'])} ${this.col(tgt, 'qty')}`]);
      alts.push([2, () => `COALESCE(${this.col(src, 'qty')}, ${r.int(0, 9)})`]);
      alts.push([1, () => `${src}.${r.pick(['id', 'qty'])}`]);
    }
    return r.weighted(alts);
  }

  private assignments(tgt: string, src: string | null): string {
    const r = this.r;
    const sets: string[] = [`qty = ${this.setValue(tgt, src)}`];
    if (r.chance(0.4)) {
      sets.push(r.pick([
        `name = ${src && r.chance(0.6) ? `COALESCE(${this.col(src, 'name')}, 'none')` : r.pick([...NAMES, 'NULL', `upper(${tgt}.name)`])}`,
        // (An overflowing constant fails in PostgreSQL while planning, even for no rows: not comparable.)
        `price = ${src && r.chance(0.6) ? `${this.col(src, 'price')} * 2` : r.pick(['1.005', '0', 'NULL', `${tgt}.price + 0.125`, '999999.99', `${tgt}.price + 1000000`])}`,
        `tag = ${r.pick(['DEFAULT', "'green'", 'NULL', `${src ? `${src}.note` : `${tgt}.tag || '!'`}`])}`,
        `flag = ${r.pick(['NOT flag', 'true', `${tgt}.qty > 3`])}`,
        `id = ${tgt}.id + 100`,
      ]));
    }
    return sets.join(', ');
  }

  private update(): Stmt {
    const r = this.r;
    const t = this.target();
    const tgtItems = [`${t.rel}.id`, `${t.rel}.qty`, `${t.rel}.*`, `${t.rel}.qty * 2 AS q2`, 'tag', 'name'];
    return r.weighted<Stmt>([
      // joined with a source on its unique key: one source row per target row at most
      [4, () => {
        const s = r.chance(0.5) ? { sql: 'u', rel: 'u' } : { sql: `u ${r.pick(['s', 'AS s'])}`, rel: 's' };
        const on = r.pick([`${s.rel}.id = ${t.rel}.id`, `${s.rel}.id = ${t.rel}.qty`, `${t.rel}.id = ${s.rel}.id`]);
        const extra = r.chance(0.5) ? ` AND ${r.chance(0.5) ? this.cond(s.rel, this.uCols) : this.cond(t.rel, this.itCols)}` : '';
        const items = [...tgtItems, `${s.rel}.qty`, `${s.rel}.name AS sname`, `${s.rel}.*`, 'note', 'qty'];
        return { sql: `UPDATE ${t.sql} SET ${this.assignments(t.rel, s.rel)} FROM ${s.sql} WHERE ${on}${extra}${this.returning(items)}` };
      }],
      // joined with a grouped subquery, unique on its grouping key
      [1.5, () => {
        const sql = `UPDATE ${t.sql} SET qty = g.total${r.chance(0.5) ? ` + ${this.col(t.rel, 'qty', 0.3)}` : ''} FROM (SELECT name, sum(qty) AS total, count(*) AS n FROM v GROUP BY name) g WHERE g.name = ${t.rel}.name${r.chance(0.4) ? ` AND g.n > 1` : ''}`;
        return { sql: sql + this.returning([...tgtItems, 'g.total', 'g.n', 'g.*']) };
      }],
      // no FROM: subqueries and conditions on the target alone
      [2, () => {
        const where = r.pick([
          this.cond(t.rel, this.itCols),
          `${t.rel}.id IN (SELECT k FROM v WHERE v.qty > ${r.int(0, 20)})`,
          `EXISTS (SELECT 1 FROM u WHERE u.name = ${t.rel}.name)`,
          `${t.rel}.qty > (SELECT avg(qty) FROM it)`,
          'true',
        ]);
        return { sql: `UPDATE ${t.sql} SET ${this.assignments(t.rel, null)} WHERE ${where}${this.returning(tgtItems)}` };
      }],
    ]);
  }

  private del(): Stmt {
    const r = this.r;
    const t = this.target();
    const tgtItems = [`${t.rel}.id`, `${t.rel}.*`, `${t.rel}.qty + 1 AS q1`, 'tag', 'flag'];
    return r.weighted<Stmt>([
      // USING a source on its unique key: source columns may be returned
      [3, () => {
        const s = r.chance(0.5) ? { sql: 'u', rel: 'u' } : { sql: `u ${r.pick(['s', 'AS s'])}`, rel: 's' };
        const on = r.pick([`${s.rel}.id = ${t.rel}.id`, `${s.rel}.id = ${t.rel}.qty`]);
        const extra = r.chance(0.5) ? ` AND ${r.chance(0.5) ? this.cond(s.rel, this.uCols) : this.cond(t.rel, this.itCols)}` : '';
        return { sql: `DELETE FROM ${t.sql} USING ${s.sql} WHERE ${on}${extra}${this.returning([...tgtItems, `${s.rel}.note`, `${s.rel}.qty AS sq`, 'qty', 'note'])}` };
      }],
      // USING a source without a key: a target row may match several source rows, deleted once
      [2, () => {
        const on = r.pick([`v.name = ${t.rel}.name`, `v.k = ${t.rel}.id`, `v.qty < ${t.rel}.qty`]);
        return { sql: `DELETE FROM ${t.sql} USING v WHERE ${on}${r.chance(0.4) ? ` AND ${this.cond('v', this.vCols)}` : ''}${this.returning(tgtItems)}` };
      }],
      [1.5, () => {
        const where = r.pick([
          this.cond(t.rel, this.itCols),
          `${t.rel}.id NOT IN (SELECT id FROM u)`,
          `NOT EXISTS (SELECT 1 FROM v WHERE v.k = ${t.rel}.id)`,
          `${t.rel}.qty < (SELECT max(qty) FROM u WHERE u.name = ${t.rel}.name)`,
        ]);
        return { sql: `DELETE FROM ${t.sql} WHERE ${where}${this.returning(tgtItems)}` };
      }],
    ]);
  }

  private insert(): Stmt {
    const r = this.r;
    const t = this.target();
    const into = t.rel === 'it' ? t.sql : t.sql.replace(/^it (AS )?/, 'it AS ');
    const cols = r.pick([
      { list: '(id, name, qty)', pick: (s: string) => `${s}.id, COALESCE(${s}.name, 'n'), ${s}.qty` },
      { list: '(id, name, qty, price)', pick: (s: string) => `${s}.id, COALESCE(${s}.name, 'n'), ${s}.qty, ${s}.price` },
      { list: '(id, name)', pick: (s: string) => `${s}.id, COALESCE(${s}.name, 'n')` },
      { list: '(name, id, qty)', pick: (s: string) => `COALESCE(${s}.name, 'n'), ${s}.id, ${s}.qty * 2` },
      { list: '(id, name, qty)', pick: (s: string) => `${s}.id, ${s}.name, ${s}.qty` },  // a NULL name violates NOT NULL
      { list: '(id, name, qty, tag)', pick: (s: string) => `${s}.id, 'n', ${s}.price, ${s}.note` },  // numeric into integer: rounds
      { list: '', pick: (s: string) => `${s}.id, COALESCE(${s}.name, 'n'), ${s}.qty, ${s}.price, ${s}.note, NULL` },
    ]);
    const conflictUpdate = (): string => {
      const set = r.pick([
        `qty = EXCLUDED.qty + ${this.col(t.rel, 'qty', 0)}`,
        `qty = ${this.col(t.rel, 'qty', 0.4)} + 1`,           // unqualified qty is ambiguous with EXCLUDED
        `qty = EXCLUDED.qty`,
        `qty = COALESCE(EXCLUDED.qty, 0) * 2, name = EXCLUDED.name || ${t.rel}.name`,
        `tag = DEFAULT, qty = ${t.rel}.qty - EXCLUDED.qty`,
        `qty = ${t.rel}.qty - 5000`,                             // violates the CHECK constraint
      ]);
      const where = r.chance(0.35) ? ` WHERE ${r.pick([`${t.rel}.qty > ${r.int(0, 20)}`, `EXCLUDED.qty IS NOT NULL`, `${t.rel}.name <> EXCLUDED.name`])}` : '';
      return ` ON CONFLICT (id) DO UPDATE SET ${set}${where}`;
    };
    const conflict = (uniqueSource: boolean): string => r.weighted<string>([
      [1, () => ''],
      [1.5, () => (uniqueSource ? ' ON CONFLICT (id) DO NOTHING' : ' ON CONFLICT DO NOTHING')],
      // Duplicate keys in the source make DO UPDATE fail with 21000: deterministic, so allowed.
      [2, conflictUpdate],
    ]);
    const items = [`${t.rel}.id`, `${t.rel}.*`, '*', 'qty', `${t.rel}.qty * 10 AS q10`, 'tag'];
    return r.weighted<Stmt>([
      // from the keyed source
      [4, () => {
        const where = r.chance(0.6) ? ` WHERE ${this.cond('u', this.uCols)}` : '';
        const c = conflict(true);
        return { sql: `INSERT INTO ${into} ${cols.list} SELECT ${cols.pick('u')} FROM u${where}${c}${this.returning(items)}`.replace('  ', ' ') };
      }],
      // from the keyless source (its k may repeat): only plain INSERT or DO UPDATE
      [1.5, () => {
        const c = r.chance(0.5) ? conflictUpdate() : '';
        return { sql: `INSERT INTO ${into} (id, name, qty) SELECT k + ${r.pick([0, 0, 10])}, COALESCE(name, 'v'), qty FROM v${r.chance(0.5) ? ` WHERE ${this.cond('v', this.vCols)}` : ''}${c}${this.returning(items)}` };
      }],
      // from a join of target and source
      [1, () => {
        const c = conflict(true);
        return { sql: `INSERT INTO ${into} (id, name, qty) SELECT u.id + ${r.pick([0, 20])}, i.name, coalesce(u.qty, 0) + i.qty FROM u JOIN it i ON i.id = u.id${c}${this.returning(items)}` };
      }],
      // VALUES
      [2, () => {
        const n = r.int(1, 3);
        const ids = new Set<number>();
        while (ids.size < n) ids.add(r.int(1, 24));
        const rows = [...ids].map((id) => `(${id}, ${r.pick(NAMES)}, ${r.chance(0.15) ? 'NULL' : r.int(-5, 40)})`);
        if (r.chance(0.15)) rows.push(rows[0]!);  // the same key twice
        return { sql: `INSERT INTO ${into} (id, name, qty) VALUES ${rows.join(', ')}${conflict(rows.length === ids.size)}${this.returning(items)}` };
      }],
    ]);
  }

  statement(): Stmt {
    return this.r.weighted<Stmt>([
      [4, () => this.update()],
      [3, () => this.del()],
      [4, () => this.insert()],
    ]);
  }
}

// ---------------------------------------------------------------------------------------------

describe('differential DML: Quiver changes tables as PostgreSQL does', () => {
  let pair: Pair | null = null;

  before(async () => {
    pair = await startPair();
    if (!pair) return;
    for (const sql of SCHEMA) await fixture(pair, sql);
  });

  after(async () => { await pair?.close(); });

  test('UPDATE … FROM, DELETE … USING, INSERT … SELECT, ON CONFLICT, RETURNING', async (t) => {
    if (!pair) { t.skip('no postgres binary found: install postgresql-15 to run the differential test'); return; }
    const count = statementCount(300);
    const r = new Rng(SEED ^ 0xd41);
    const gen = new DmlGen(r);
    const mismatches: Mismatch[] = [];
    const tally = { agree: 0, pgErrors: 0 };
    const codes = new Map<string, number>();
    let data: string[] = [];
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      // Fresh data now and then; the same starting tables on both engines before every statement.
      if (i % 20 === 0) data = dataSql(r);
      for (const sql of data) await fixture(pair, sql);
      const st = gen.statement();
      const [p, mine] = await runBoth(pair, st.sql);
      if (p.error) {
        tally.pgErrors++;
        codes.set(p.error.code, (codes.get(p.error.code) ?? 0) + 1);
        if (process.env['QUIVER_DIFF_SHOW_ERRORS']) t.diagnostic(`PostgreSQL ${p.error.code} ${p.error.message}: ${st.sql}`);
      }
      let problem = judge(p, mine, false);
      // A statement that fails in two ways on different rows (a constraint here, an overflow there)
      // fails on whichever row PostgreSQL reaches first in its scan order: either refusal will do.
      // The tables are still compared below: nothing may have changed.
      if (problem && p.error && mine.error && dataOrIntegrity(p.error.code) && dataOrIntegrity(mine.error.code)) problem = null;
      if (!problem && !p.error && p.rowCount !== mine.rowCount) problem = `row counts differ: PostgreSQL ${p.rowCount}, Quiver ${mine.rowCount}`;
      // Then the tables, whether the statement succeeded or not.
      const after: string[] = [];
      for (const name of TABLE_NAMES) {
        const sql = `SELECT * FROM ${name}`;
        const [tp, tq] = await runBoth(pair, sql);
        const d = judge(tp, tq, false);
        if (d) after.push(`table ${name} afterwards: ${d}\n   PostgreSQL ${name}: ${showAnswer(tp)}\n   Quiver ${name}:     ${showAnswer(tq)}`);
      }
      if (after.length) problem = `${problem ? `${problem}; ` : ''}${after.join('\n   ')}`;
      if (problem) mismatches.push({ sql: `${st.sql}\n   -- starting from: ${data.slice(3).join('; ')}`, problem, pg: showAnswer(p), quiver: showAnswer(mine) });
      else tally.agree++;
    }
    t.diagnostic(`PostgreSQL errors by SQLSTATE: ${[...codes].map(([c, n]) => `${c}×${n}`).join(', ') || 'none'}`);
    t.diagnostic(`DML: ${pair.server.version()}; seed ${SEED} (QUIVER_DIFF_SEED=${SEED} reproduces); ${count} statements`);
    t.diagnostic(`${tally.agree} agree, ${mismatches.length} differ, ${tally.pgErrors} were errors in PostgreSQL; ${Date.now() - started} ms`);
    dumpMismatches('DML', mismatches);
    assert.equal(mismatches.length, 0, mismatchReport(mismatches, count, SEED, 'statements'));
  });
});
