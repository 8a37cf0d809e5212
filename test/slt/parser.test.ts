import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countRecords, dialectForPath, parseSlt,
  type QueryRecord, type SltRecord, type StatementRecord,
} from '../../sqllogictest/runner/parser.js';

function only<K extends SltRecord['kind']>(records: SltRecord[], kind: K): Extract<SltRecord, { kind: K }>[] {
  return records.filter((r): r is Extract<SltRecord, { kind: K }> => r.kind === kind);
}

test('dialect follows extension and the duckdb path component', () => {
  assert.equal(dialectForPath('imported/sqlite/select1.test'), 'sqlite');
  assert.equal(dialectForPath('imported/duckdb/test/sql/insert/test_insert.test'), 'duckdb');
  assert.equal(dialectForPath('imported/datafusion/pg_compat/pg_compat_null.slt'), 'rs');
  assert.equal(dialectForPath('quiver/basic/select_literals.slt'), 'rs');
  // a .slt file stays row-per-line even below a duckdb folder
  assert.equal(dialectForPath('duckdb/x.slt'), 'rs');
});

test('SQLite layout: statements, queries with sort mode and label, hash lines, CRLF', () => {
  const text = [
    'hash-threshold 8',
    '',
    'statement ok',
    'CREATE TABLE t1(a INTEGER, b INTEGER)',
    '',
    '# a comment between records',
    'statement ok',
    'INSERT INTO t1 VALUES(1, 2)',
    '',
    'skipif mysql # not compatible',
    'onlyif sqlite',
    'query II rowsort label-7',
    'SELECT a,',
    '# comment inside the SQL is dropped',
    '       b FROM t1',
    '----',
    '1',
    '2',
    '',
    'query I nosort',
    'SELECT * FROM t1',
    '----',
    '30 values hashing to 3c13dee48d9356ae19af2515e05e6b54',
    '',
    'statement error\r',
    'SELECT nothing FROM nowhere\r',
    '   \t',
    'halt',
    '',
  ].join('\n');
  const file = parseSlt(text, { dialect: 'sqlite' });
  assert.deepEqual(file.records.map((r) => [r.kind, r.line]), [
    ['hash-threshold', 1], ['statement', 3], ['statement', 7], ['query', 12], ['query', 20], ['statement', 25], ['halt', 28],
  ]);
  const [q1, q2] = only(file.records, 'query') as [QueryRecord, QueryRecord];
  assert.equal(q1.types, 'II');
  assert.equal(q1.sortMode, 'rowsort');
  assert.equal(q1.label, 'label-7');
  assert.equal(q1.sql, 'SELECT a,\n       b FROM t1');
  assert.deepEqual(q1.expected, ['1', '2']);
  assert.deepEqual(q1.conditions, [{ kind: 'skipif', engine: 'mysql' }, { kind: 'onlyif', engine: 'sqlite' }]);
  assert.equal(q2.sortMode, 'nosort');
  assert.equal(q2.label, undefined);
  assert.deepEqual(q2.conditions, []);
  const stmts = only(file.records, 'statement');
  assert.equal(stmts[2]!.expect, 'error');
  assert.equal(stmts[2]!.sql, 'SELECT nothing FROM nowhere');
  assert.deepEqual(stmts[2]!.error, { kind: 'any' });
  const c = countRecords(file);
  assert.deepEqual([c.statementOk, c.statementError, c.query, c.queryError, c.queryHashed, c.conditional], [2, 1, 2, 0, 1, 1]);
});

test('sqllogictest-rs layout: error regexes, SQLSTATE, count, query error, multi-line message', () => {
  const text = [
    'statement ok',
    'create table t(a int);',
    '',
    'statement count 2',
    'insert into t values (1), (2);',
    '',
    'query IT rowsort',
    'select a, \'x\' from t',
    '----',
    '1   x',
    '2 x',
    '',
    'query error duplicate CTE name',
    'with cte as (select 1), cte as (select 2) select 1;',
    '',
    'statement error (22012)',
    'select 1/0',
    '',
    'statement error',
    'select nope',
    '----',
    'column "nope" does not exist',
    'second line',
    '',
    '',
    'subtest after',
    '',
    'query I',
    'select 1',
    '',
  ].join('\n');
  const file = parseSlt(text, { dialect: 'rs' });
  const stmts = only(file.records, 'statement') as StatementRecord[];
  assert.equal(stmts[1]!.expect, 'count');
  assert.equal(stmts[1]!.count, 2);
  assert.deepEqual(stmts[2]!.error, { kind: 'sqlstate', code: '22012' });
  assert.deepEqual(stmts[3]!.error, { kind: 'exact', message: 'column "nope" does not exist\nsecond line' });
  assert.equal(stmts[3]!.sql, 'select nope');
  const queries = only(file.records, 'query');
  assert.deepEqual(queries[0]!.expected, ['1   x', '2 x']);
  assert.deepEqual(queries[1]!.error, { kind: 'regex', pattern: 'duplicate CTE name' });
  assert.equal(queries[1]!.types, '');
  // a query without ---- expects an empty result
  assert.deepEqual(queries[2]!.expected, []);
  assert.equal(queries[2]!.error, undefined);
  assert.equal(only(file.records, 'subtest')[0]!.name, 'after');
  const c = countRecords(file);
  assert.deepEqual([c.statementOk, c.statementError, c.query, c.queryError], [2, 2, 2, 1]);
});

test('sqllogictest-rs: SQL detached from its statement line by a blank line', () => {
  const file = parseSlt('statement ok\n\nCREATE TABLE x (a int)\n\nquery I\nSELECT 1\n----\n1\n', { dialect: 'rs' });
  assert.equal(file.records.length, 2);
  assert.equal((file.records[0] as StatementRecord).sql, 'CREATE TABLE x (a int)');
  assert.equal(file.records[1]!.line, 5);
});

test('DuckDB layout: tab rows, ---- message substrings, empty message, require, mode', () => {
  const text = [
    '# name: test/sql/x.test',
    '# group: [x]',
    '',
    'require no_alternative_verify',
    '',
    'statement ok',
    'CREATE TABLE s1.t AS SELECT 42 c',
    '',
    'query III',
    'SELECT 1, 2, 3',
    '----',
    '1\t2\t3',
    '',
    'statement error',
    'SELECT 1 = 1 = 1;',
    '----',
    'Parser Error: Chained comparisons are not supported',
    '',
    'statement error',
    "select 'abc' > 10",
    '----',
    '',
    'mode skip',
    '',
    'statement maybe',
    'SELECT 1',
    '',
  ].join('\n');
  const file = parseSlt(text, { dialect: 'duckdb' });
  assert.deepEqual(file.records.map((r) => r.kind), ['require', 'statement', 'query', 'statement', 'statement', 'mode', 'statement']);
  const stmts = only(file.records, 'statement');
  assert.deepEqual(stmts[1]!.error, { kind: 'substring', text: 'Parser Error: Chained comparisons are not supported' });
  assert.equal(stmts[1]!.sql, 'SELECT 1 = 1 = 1;');
  assert.deepEqual(stmts[2]!.error, { kind: 'any' });
  assert.equal(stmts[3]!.expect, 'maybe');
  assert.deepEqual(only(file.records, 'query')[0]!.expected, ['1\t2\t3']);
  assert.equal(only(file.records, 'require')[0]!.feature, 'no_alternative_verify');
  assert.equal(only(file.records, 'mode')[0]!.mode, 'skip');
});

test('unknown lines become records, not silent drops', () => {
  const file = parseSlt('frobnicate now\nmore junk\n\nquery I\nSELECT 1\n----\n1\n', { dialect: 'sqlite' });
  assert.equal(file.records[0]!.kind, 'unknown');
  assert.equal(file.records[1]!.kind, 'query');
  assert.equal(file.records[1]!.line, 4);
});
