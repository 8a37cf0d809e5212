/**
 * Each optimizer rule on its own: a bound plan in, the rewritten plan out (as EXPLAIN prints it).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, newTable } from '../../src/catalog/catalog.js';
import { T } from '../../src/common/types.js';
import { initParser, parseSql } from '../../src/sql/parser.js';
import { SelectBinder } from '../../src/sql/bind_select.js';
import { explainLogical } from '../../src/logical/explain.js';
import type { LogicalPlan } from '../../src/logical/plan.js';
import type { OptimizerRule } from '../../src/logical/optimizer/rule.js';
import { foldConstants } from '../../src/logical/optimizer/fold_constants.js';
import { pushDownFilter } from '../../src/logical/optimizer/push_down_filter.js';
import { planJoins } from '../../src/logical/optimizer/plan_joins.js';
import { pushDownSemiJoin } from '../../src/logical/optimizer/push_down_semi_join.js';
import { pruneProjections } from '../../src/logical/optimizer/prune_projections.js';
import { decorrelateSubqueries } from '../../src/logical/optimizer/decorrelate_subqueries.js';
import { orderConjuncts } from '../../src/logical/optimizer/order_conjuncts.js';
import { pullUpProjections } from '../../src/logical/optimizer/pull_up_projections.js';
import { RULES } from '../../src/logical/optimizer/index.js';
import '../../src/udf/builtins.js';
import '../../src/physical/planner.js'; // installs the constant evaluator used by folding

const catalog = new Catalog();
const col = (name: string, type = T.int4) => ({ name, type, notNull: false, defaultNode: null });
catalog.add(newTable('a', [col('id'), col('v'), col('s', T.text)]));
catalog.add(newTable('b', [col('id'), col('a_id'), col('w')]));
catalog.add(newTable('c', [col('id'), col('b_id')]));

before(async () => { await initParser(); });

function bind(sql: string): LogicalPlan {
  return new SelectBinder(catalog, []).bindQuery(parseSql(sql)[0]!.node, null).plan;
}

function run(rules: OptimizerRule[], sql: string): string {
  let p = bind(sql);
  for (const r of rules) p = r.apply(p);
  return explainLogical(p).map((l) => l.trim()).join('\n');
}

test('the rules run in the documented order', () => {
  assert.deepEqual(RULES.map((r) => r.name), ['fold_constants', 'fold_date_comparisons', 'decorrelate_subqueries', 'pull_up_projections', 'push_down_filter', 'push_down_semi_join', 'plan_joins', 'push_down_filter', 'order_conjuncts', 'prune_projections']);
});

test('fold_constants evaluates constant subtrees and drops always-true filters', () => {
  assert.equal(run([foldConstants], 'SELECT v + (2 * 3) FROM a WHERE 1 = 1 AND v > 10 - 4'),
    ['Projection: (v#1 + 6)', 'Filter: (v#1 > 6)', 'Scan: a [id, v, s]'].join('\n'));
  // CASE with a constant condition keeps only the branch that can be taken.
  assert.equal(run([foldConstants], 'SELECT CASE WHEN false THEN 1 / 0 ELSE v END FROM a'), ['Projection: v#1', 'Scan: a [id, v, s]'].join('\n'));
});

test('fold_constants pulls a condition shared by every OR branch in front', () => {
  assert.equal(run([foldConstants], 'SELECT 1 FROM a, b WHERE (a.id = b.a_id AND a.v = 1) OR (a.id = b.a_id AND b.w = 2)'),
    ['Projection: 1', 'Filter: ((id#0 = a_id#4) AND ((v#1 = 1) OR (w#5 = 2)))', 'Inner Join: cross', 'Scan: a [id, v, s]', 'Scan: b [id, a_id, w]'].join('\n'));
});

test('push_down_filter moves conditions into scans and comma joins into join conditions', () => {
  assert.equal(run([pushDownFilter], 'SELECT a.s FROM a, b WHERE a.id = b.a_id AND a.v > 3 AND b.w < 5'),
    ['Projection: s#2', 'Inner Join: (id#0 = a_id#4)', 'Scan: a [id, v, s] filters=[(v#1 > 3)]', 'Scan: b [id, a_id, w] filters=[(w#2 < 5)]'].join('\n'));
});

test('push_down_filter keeps a WHERE on the nullable side of an outer join above it', () => {
  assert.equal(run([pushDownFilter], 'SELECT a.s FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.w IS NULL AND a.v = 1'),
    ['Projection: s#2', 'Filter: w#5 IS NULL', 'Left Join: (id#0 = a_id#4)', 'Scan: a [id, v, s] filters=[(v#1 = 1)]', 'Scan: b [id, a_id, w]'].join('\n'));
});

test('push_down_filter turns an outer join into an inner one under a WHERE that rejects its NULL rows', () => {
  // b.w < 5 is never true on a NULL-extended row: the join is inner and the condition reaches b.
  assert.equal(run([pushDownFilter], 'SELECT a.s FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.w < 5'),
    ['Projection: s#2', 'Inner Join: (id#0 = a_id#4)', 'Scan: a [id, v, s]', 'Scan: b [id, a_id, w] filters=[(w#2 < 5)]'].join('\n'));
  // Rejecting only one side's NULL rows makes a full join one-sided.
  assert.match(run([pushDownFilter], 'SELECT a.s FROM a FULL JOIN b ON a.id = b.a_id WHERE a.v > 1'), /Left Join/);
  // OR keeps the join outer unless every branch rejects the NULL rows.
  assert.match(run([pushDownFilter], 'SELECT a.s FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.w < 5 OR a.v = 1'), /Left Join/);
});

test('push_down_filter carries an equality with a constant across an equi-join condition', () => {
  assert.equal(run([pushDownFilter], 'SELECT a.s FROM a LEFT JOIN b ON a.id = b.a_id WHERE a.id = 3'),
    ['Projection: s#2', 'Left Join: (id#0 = a_id#4)', 'Scan: a [id, v, s] filters=[(id#0 = 3)]', 'Scan: b [id, a_id, w] filters=[(a_id#1 = 3)]'].join('\n'));
  // Not into the preserved side of an outer join: its other rows still come out, NULL-extended.
  assert.match(run([pushDownFilter], 'SELECT a.s FROM a LEFT JOIN b ON a.id = b.a_id AND b.a_id = 3'), /Scan: a \[id, v, s\]\n/);
});

test('push_down_filter moves a condition on partition keys below a window', () => {
  assert.equal(run([pushDownFilter], 'SELECT * FROM (SELECT id, v, sum(v) OVER (PARTITION BY id) s FROM a) q WHERE id = 1 AND s > 2'),
    ['Projection: id#0, v#1, s#2', 'Projection: id#0, v#1, sum0#3', 'Filter: (sum0#3 > 2)', 'Window: sum(v#1)', 'Scan: a [id, v, s] filters=[(id#0 = 1)]'].join('\n'));
});

test('pull_up_projections computes a join input\'s expressions above the join', () => {
  assert.equal(run([pullUpProjections], 'SELECT q.r FROM a JOIN (SELECT a_id, 10 / w AS r FROM b) q ON a.id = q.a_id'),
    ['Projection: r#4', 'Projection: id#0, v#1, s#2, a_id#4, (10 / w#5)', 'Inner Join: (id#0 = a_id#4)', 'Scan: a [id, v, s]', 'Scan: b [id, a_id, w]'].join('\n'));
  // On the nullable side only an expression that is NULL over a NULL-extended row moves.
  assert.match(run([pullUpProjections], 'SELECT q.r FROM a LEFT JOIN (SELECT a_id, coalesce(w, 0) AS r FROM b) q ON a.id = q.a_id'), /Projection: a_id#1, coalesce\(w#2, 0\)\n\s*Scan: b/);
});

test('order_conjuncts tests cheap conjuncts first and keeps the written order among equals', () => {
  assert.equal(run([pushDownFilter, orderConjuncts], 'SELECT id FROM a WHERE 10 / v > 1 AND id + v > 2 AND v <> 0'),
    ['Projection: id#0', 'Scan: a [id, v, s] filters=[(v#1 <> 0), ((10 / v#1) > 1), ((id#0 + v#1) > 2)]'].join('\n'));
});

test('push_down_filter moves a condition below grouping sets only on a key present in every set', () => {
  // v is NULL in the rows of the set (id): v IS NULL must see them, so it stays above.
  assert.equal(run([pushDownFilter], 'SELECT id, v, count(*) FROM a GROUP BY id, ROLLUP (v) HAVING id = 1 AND v IS NULL'),
    ['Projection: group0#0, group1#1, count0#2', 'Filter: group1#1 IS NULL', 'Aggregate: groupBy=[id#0, v#1] aggr=[count()] sets=[[0,1],[0]]', 'Scan: a [id, v, s] filters=[(id#0 = 1)]'].join('\n'));
  // The empty set leaves id out too.
  assert.equal(run([pushDownFilter], 'SELECT * FROM (SELECT id, v FROM a GROUP BY GROUPING SETS ((id, v), (id), ())) q WHERE q.id = 1'),
    ['Projection: id#0, v#1', 'Projection: group0#0, group1#1', 'Filter: (group0#0 = 1)', 'Aggregate: groupBy=[id#0, v#1] aggr=[] sets=[[0,1],[0],[]]', 'Scan: a [id, v, s]'].join('\n'));
});

test('plan_joins never leaves a cross product where an equality links the inputs', () => {
  // a × c has no condition between them; each must be joined through b.
  const text = run([pushDownFilter, planJoins], 'SELECT 1 FROM a, c, b WHERE a.id = b.a_id AND b.id = c.b_id');
  assert.doesNotMatch(text, /cross/);
  assert.equal((text.match(/Inner Join: \(/g) ?? []).length, 2);
});

test('push_down_semi_join moves an IN onto the join input its condition reads, and no further', () => {
  // b.a_id is b's: the semi join moves below a ⋈ b onto b, with its columns renumbered.
  assert.equal(run([decorrelateSubqueries, pushDownFilter, pushDownSemiJoin], 'SELECT a.s FROM a, b WHERE a.id = b.a_id AND b.a_id IN (SELECT b_id FROM c)'),
    ['Projection: s#2', 'Inner Join: (id#0 = a_id#4)', 'Scan: a [id, v, s]', 'Semi Join: (a_id#1 = sq#3)', 'Scan: b [id, a_id, w]', 'Projection: b_id#1, id#0, b_id#1', 'Scan: c [id, b_id]'].join('\n'));
  // A correlation that reads both a and b keeps the semi join above their join.
  const both = run([decorrelateSubqueries, pushDownFilter, pushDownSemiJoin], 'SELECT a.s FROM a, b WHERE a.id = b.a_id AND EXISTS (SELECT 1 FROM c WHERE c.b_id = b.id AND c.id = a.v)');
  assert.match(both.split('\n')[1]!, /^Semi Join/);
});

test('prune_projections scans only the columns something reads', () => {
  assert.equal(run([pushDownFilter, pruneProjections], 'SELECT a.s FROM a WHERE a.v > 1'),
    ['Projection: s#1', 'Scan: a [v, s] filters=[(v#0 > 1)]'].join('\n'));
});

test('decorrelate_subqueries turns EXISTS, NOT IN and scalar aggregates into joins', () => {
  assert.equal(run([decorrelateSubqueries], 'SELECT s FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id)'),
    ['Projection: s#2', 'Semi Join: (a_id#4 = id#0)', 'Scan: a [id, v, s]', 'Scan: b [id, a_id, w]'].join('\n'));
  assert.match(run([decorrelateSubqueries], 'SELECT s FROM a WHERE id NOT IN (SELECT a_id FROM b)'), /Anti Join \(null-aware\)/);
  assert.match(run([decorrelateSubqueries], 'SELECT s, (SELECT sum(w) FROM b WHERE b.a_id = a.id) FROM a'), /Left Join: \(id#0 = k0#3\)[\s\S]*Aggregate: groupBy=\[a_id#1\]/);
  // An aggregate that could fail on rows no outer row selects (here: w = 0) stays per row.
  assert.match(run([decorrelateSubqueries], 'SELECT s, (SELECT sum(10 / w) FROM b WHERE b.a_id = a.id) FROM a'), /scalar\(subquery/);
  // A correlation that is not an equality stays a per-row subquery.
  assert.match(run([decorrelateSubqueries], 'SELECT s, (SELECT sum(w) FROM b WHERE b.a_id < a.id) FROM a'), /scalar\(subquery/);
});

test('a correlated subquery over a view or derived table is decorrelated, though the view pruned the correlated column', async () => {
  const { optimize } = await import('../../src/logical/optimizer/index.js');
  const plan = (sql: string): string => explainLogical(optimize(bind(sql))).map((l) => l.trim()).join('\n');
  // The correlated predicate is pushed below the derived table's projection, which keeps only w.
  assert.match(plan('SELECT s, (SELECT sum(w) FROM (SELECT * FROM b) v WHERE v.a_id = a.id) FROM a'), /Left Join[\s\S]*Aggregate: groupBy=\[/);
  assert.match(plan('SELECT s FROM a WHERE EXISTS (SELECT 1 FROM (SELECT w, a_id FROM b) v WHERE v.a_id = a.id AND v.w > 1)'), /Semi Join/);
  assert.doesNotMatch(plan('SELECT s, (SELECT sum(w) FROM (SELECT * FROM b) v WHERE v.a_id = a.id) FROM a'), /scalar\(subquery/);
});
