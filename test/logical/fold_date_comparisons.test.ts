/**
 * fold_date_comparisons: a date column against a constant timestamp becomes a date comparison
 * exactly when the two agree for every date (answers are checked against PostgreSQL in
 * sqllogictest/quiver/types/date_timestamp_compare.slt).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, newTable } from '../../src/catalog/catalog.js';
import { T } from '../../src/common/types.js';
import { initParser, parseSql } from '../../src/sql/parser.js';
import { SelectBinder } from '../../src/sql/bind_select.js';
import type { LogicalPlan } from '../../src/logical/plan.js';
import type { Expr } from '../../src/logical/expr.js';
import { foldConstants } from '../../src/logical/optimizer/fold_constants.js';
import { foldDateComparisons } from '../../src/logical/optimizer/fold_date_comparisons.js';
import '../../src/udf/builtins.js';
import '../../src/physical/planner.js'; // installs the constant evaluator used by folding

const catalog = new Catalog();
catalog.add(newTable('t', [{ name: 'd', type: T.date, notNull: false, defaultNode: null }]));

before(async () => { await initParser(); });

/** The WHERE comparison after folding, as [operator, left type, right type, constant]. */
function where(cond: string): [string, string, string, unknown] {
  let p: LogicalPlan = new SelectBinder(catalog, []).bindQuery(parseSql(`SELECT d FROM t WHERE ${cond}`)[0]!.node, null).plan;
  p = foldDateComparisons.apply(foldConstants.apply(p));
  let f: LogicalPlan = p;
  while (f.kind !== 'filter') f = (f as { input: LogicalPlan }).input;
  const e = f.predicate as Extract<Expr, { kind: 'call' }>;
  const c = e.args.find((a) => a.kind === 'const') as Extract<Expr, { kind: 'const' }>;
  return [e.fn.name, e.args[0]!.type.id, e.args[1]!.type.id, c.value];
}

// Days since 1970-01-01: 1998-09-02 is 10471, 1995-01-01 is 9131.
test('a midnight constant keeps its operator against the date', () => {
  assert.deepEqual(where("d <= date '1998-12-01' - interval '90' day"), ['<=', 'date', 'date', 10471]);
  assert.deepEqual(where("d < date '1994-01-01' + interval '1' year"), ['<', 'date', 'date', 9131]);
  assert.deepEqual(where("d = timestamp '1998-09-02'"), ['=', 'date', 'date', 10471]);
  assert.deepEqual(where("timestamp '1998-09-02' > d"), ['<', 'date', 'date', 10471]);
});

test('a constant later in the day moves to the date boundary it stands for', () => {
  assert.deepEqual(where("d < timestamp '1998-09-02 12:00'"), ['<=', 'date', 'date', 10471]);
  assert.deepEqual(where("d >= timestamp '1998-09-02 12:00'"), ['>', 'date', 'date', 10471]);
  assert.deepEqual(where("timestamp '1998-09-02 00:00:01' <= d"), ['>', 'date', 'date', 10471]);
});

test('comparisons with no date equivalent stay timestamp comparisons', () => {
  assert.deepEqual(where("d = timestamp '1998-09-02 12:00'").slice(0, 3), ['=', 'date', 'timestamp']);
  assert.deepEqual(where("d < timestamp 'infinity'").slice(0, 3), ['<', 'date', 'timestamp']);
});
